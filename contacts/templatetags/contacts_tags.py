"""The contacts part of the event hub. The events app shows it through these tags, so
it never needs to know about contacts."""

from django import template

register = template.Library()


@register.inclusion_tag("contacts/includes/event_invite_button.html")
def event_invite_button(event):
    return {"event": event, "invitable": event.can_take_invitations()}


@register.inclusion_tag("contacts/includes/keep_in_touch_paper_form_button.html")
def keep_in_touch_paper_form_button():
    return {}
