"""The feedback parts of other apps' pages: the event hub, the public event page and
the staff home. Those apps show them through these tags, so they never need to know
about feedback models."""

from django import template
from django.conf import settings

from engagement.roles import Capability, can
from feedback.models import FocusGroupMember, LivePoint, LiveSession
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


# The live session ------------------------------------------------------------------------


@register.inclusion_tag("feedback/includes/live_session_button.html", takes_context=True)
def event_live_session_button(context, event):
    """On the event's page, for those who run feedback: start the room's live session,
    or go back to moderating the one that is on."""
    if not can(context["request"].user, Capability.MANAGE_FEEDBACK):
        return {"hidden": True}
    session = LiveSession.objects.open().filter(event=event).first()
    return {
        "event": event,
        "session": session,
        "hidden": session is None and event.is_cancelled,
    }


@register.filter
def answer_shares(results):
    """A poll's (answer, count) pairs as (answer, count, percent of everyone who
    answered), for its bars."""
    results = list(results)
    total = sum(count for _label, count in results)
    return [(label, count, round(100 * count / total) if total else 0) for label, count in results]


@register.filter
def answer_total(results) -> int:
    return sum(count for _label, count in results)


@register.filter
def screen_poll_results(poll_state):
    """The screen state's poll as (answer, count, percent) rows. A scale's ends are
    named, so the room knows which end is which."""
    labels = list(poll_state["answers"])
    if poll_state.get("scale") and labels:
        low, high = poll_state["scale"]
        labels[0] = f"{labels[0]} – {low}"
        labels[-1] = f"{labels[-1]} – {high}"
    return answer_shares(zip(labels, poll_state["results"], strict=False))


@register.simple_tag
def live_session_totals(session):
    """What closing the session moves into the inbox."""
    to_inbox = session.points.exclude(status=LivePoint.Status.HIDDEN, is_flagged=False)
    return {
        "points": to_inbox.filter(recorded_by__isnull=True).count(),
        "flagged": to_inbox.filter(is_flagged=True).count(),
        "notes": to_inbox.filter(recorded_by__isnull=False).count(),
        "polls": session.polls.filter(answers__isnull=False).distinct().count(),
        "hidden": session.points.filter(status=LivePoint.Status.HIDDEN, is_flagged=False).count(),
    }
