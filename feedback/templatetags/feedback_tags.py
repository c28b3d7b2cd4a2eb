"""The feedback part of the event hub. The events app shows it through this tag, so it
never needs to know about feedback models."""

from django import template

from feedback.selectors import event_feedback_summary as summary_of

register = template.Library()


@register.inclusion_tag("feedback/includes/event_feedback.html", takes_context=True)
def event_feedback_summary(context, event):
    return {
        **summary_of(event=event),
        "event": event,
        "request": context.get("request"),
        "can_manage": context.get("can_manage"),
    }
