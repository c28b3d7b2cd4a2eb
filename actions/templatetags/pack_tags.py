"""The way to an event's pack from its staff hub: prominent while the event is still to
come, a quieter link once it is over."""

from django import template

from engagement.roles import Capability, can

register = template.Library()


@register.inclusion_tag("actions/pack/links.html", takes_context=True)
def event_pack_links(context, event):
    user = context["request"].user
    if event.is_cancelled or not can(user, Capability.VIEW_EVENTS):
        return {"hidden": True}
    return {"event": event, "upcoming": not event.has_ended()}
