"""The evaluation parts of other apps' pages: the invitation to fill in the "about you"
card on the feedback thank-you page, and the cards on an event's staff hub."""

from django import template

from engagement.roles import Capability, can
from engagement.statistics import suppress
from evaluation.models import AboutYouCard
from evaluation.views.public import about_you_is_open, about_you_url

register = template.Library()


@register.inclusion_tag("evaluation/includes/about_you_invitation.html")
def about_you_invitation(event):
    """After feedback about an event, an invitation to its card, while it is open."""
    if event is None or not about_you_is_open(event):
        return {"hidden": True}
    return {"event": event, "url": about_you_url(event)}


@register.inclusion_tag("evaluation/includes/event_about_you.html", takes_context=True)
def event_about_you(context, event):
    """How many cards the event has, never a count below the threshold, and for those
    allowed the links to print cards and to type them in."""
    user = context["request"].user
    count = AboutYouCard.objects.filter(event=event).count()
    shown = suppress({"cards": count}, total=count)
    has_happened = event.is_held or event.has_ended()
    return {
        "event": event,
        "count": shown.cells[0].count,
        "suppressed_label": shown.suppressed_label,
        "can_print": can(user, Capability.VIEW_SURVEYS) and not event.is_cancelled,
        "can_enter": can(user, Capability.ENTER_SURVEY_RESPONSES)
        and has_happened
        and not event.is_cancelled,
    }
