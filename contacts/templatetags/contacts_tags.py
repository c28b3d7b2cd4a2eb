"""The contacts part of other apps' pages. The events app shows it through these tags,
so it never needs to know about contacts; the Leaders' dashboard shows the lay
observation counts the same way."""

from django import template

from contacts.selectors import lay_observation_counts

register = template.Library()


@register.inclusion_tag("contacts/includes/event_invite_button.html")
def event_invite_button(event):
    return {"event": event, "invitable": event.can_take_invitations()}


@register.inclusion_tag("contacts/includes/keep_in_touch_paper_form_button.html")
def keep_in_touch_paper_form_button():
    return {}


@register.inclusion_tag("contacts/includes/lay_observation_public.html")
def lay_observation_public_notice():
    """A short paragraph for the public: lay observation exists, and how to say you are
    interested. No dates and no places: those go only to people offered one."""
    return {}


@register.inclusion_tag("contacts/includes/lay_observation_counts.html")
def lay_observation_counts_table(heading_level: int = 2):
    """Opportunities run, and places offered, taken and used, in total and by
    community, with small numbers suppressed. Safe for everyone who may see counts."""
    return {"counts": lay_observation_counts(), "heading_level": heading_level}
