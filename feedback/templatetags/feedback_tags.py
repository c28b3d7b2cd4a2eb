"""The feedback parts of other apps' pages: the event hub, the public event page and
the staff home. Those apps show them through these tags, so they never need to know
about feedback models."""

from django import template
from django.conf import settings

from engagement.roles import Capability, can
from feedback.models import FocusGroupMember
from feedback.selectors import event_feedback_summary as summary_of
from feedback.selectors import (
    event_findings,
    events_with_findings_overdue,
    shared_findings_for_event,
    trust_before_and_after,
)

register = template.Library()


@register.inclusion_tag("feedback/includes/event_feedback.html", takes_context=True)
def event_feedback_summary(context, event):
    return {
        **summary_of(event=event),
        "event": event,
        "request": context.get("request"),
        "can_manage": context.get("can_manage"),
    }


@register.inclusion_tag("feedback/focus_group/includes/event_facilitators.html", takes_context=True)
def event_facilitators(context, event):
    """The focus group members who facilitated discussion at the event: their names for
    those who may see personal data, a count for everyone else."""
    user = context["request"].user
    facilitators = FocusGroupMember.objects.facilitating(event).select_related("user")
    names = None
    if can(user, Capability.VIEW_PERSONAL_DATA):
        names = [member.name for member in facilitators]
    return {
        "event": event,
        "names": names,
        "count": len(names) if names is not None else facilitators.count(),
        "can_record": can(user, Capability.MANAGE_FEEDBACK)
        and can(user, Capability.VIEW_PERSONAL_DATA),
    }


# Findings -------------------------------------------------------------------------------

OVERDUE_EVENTS_SHOWN = 10


@register.inclusion_tag("feedback/findings/includes/event_findings.html", takes_context=True)
def event_findings_summary(context, event):
    """The findings about the event on its hub, whether they are overdue, and for
    Coordinators the button that drafts them."""
    user = context["request"].user
    if not can(user, Capability.VIEW_FEEDBACK):
        return {"hidden": True}
    return {
        **event_findings(event=event),
        "event": event,
        "can_manage": can(user, Capability.MANAGE_FINDINGS),
    }


@register.inclusion_tag("feedback/findings/includes/overdue.html", takes_context=True)
def overdue_findings(context):
    """Held events with no shared findings after FINDINGS_DUE_DAYS, on the staff home of
    those who write findings."""
    if not can(context["request"].user, Capability.MANAGE_FINDINGS):
        return {"hidden": True}
    overdue = events_with_findings_overdue()
    return {
        "events": list(overdue[:OVERDUE_EVENTS_SHOWN]),
        "count": overdue.count(),
    }


@register.inclusion_tag("feedback/findings/includes/public.html")
def shared_findings(event):
    """Agreed findings about the event, once shared, on its public page."""
    return {"findings_list": shared_findings_for_event(event=event)}


@register.inclusion_tag("feedback/includes/trust_before_after.html")
def trust_before_after_table(heading_level: int = 2):
    """Trust in the police at the start and the end of each live session, with small
    numbers suppressed: for the Leaders' dashboard and the evaluation report."""
    rows, overall = trust_before_and_after()
    return {
        "rows": rows,
        "overall": overall,
        "heading_level": heading_level,
        "threshold": settings.SUPPRESSION_THRESHOLD,
    }
