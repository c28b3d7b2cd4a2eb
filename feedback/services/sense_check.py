"""The focus group's sense-check of findings: sending a version to members with a
deadline, their answers section by section, and reminders before the deadline. What
happens to the findings themselves is in findings.py."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contacts.services.links import absolute_url
from feedback.models import (
    Findings,
    FindingsChange,
    FindingsSection,
    FocusGroupMember,
    SectionAnswer,
    SenseCheckRequest,
)
from feedback.services.findings import FindingsRefused, _locked, _log
from feedback.services.focus_group import _record_activity, focus_group_email

# Members are reminded this many days before the deadline, if they have not answered.
REMINDER_DAYS_BEFORE_DEADLINE = 2


def sense_check_url(request: SenseCheckRequest) -> str:
    return absolute_url("panel:sense-check", pk=request.pk)


def _email_member(request: SenseCheckRequest, *, template: str, dedupe_key: str) -> None:
    focus_group_email(
        request.member,
        template=template,
        dedupe_key=dedupe_key,
        context={
            "findings": request.version.findings,
            "deadline": request.deadline,
            "sense_check_url": sense_check_url(request),
        },
    )


@transaction.atomic
def findings_send_for_sense_check(
    *,
    findings: Findings,
    members: Iterable[FocusGroupMember],
    deadline: date,
    by: AbstractBaseUser | None,
) -> int:
    """Send the latest version to focus group members to check by the deadline, and
    email each of them. Members already asked about this version are not asked again;
    members who have left are skipped. Returns how many were asked."""
    findings = _locked(findings)
    if findings.status in (Findings.Status.AGREED, Findings.Status.SHARED):
        raise FindingsRefused(
            _("These findings are agreed. Change them first if they need another check.")
        )
    problem = SenseCheckRequest.deadline_problem(deadline)
    if problem:
        raise FindingsRefused(problem)
    version = findings.latest_version()
    if not version.sections.exists():
        raise FindingsRefused(_("Add at least one section before you send the findings."))
    now = timezone.now()
    active = list(
        FocusGroupMember.objects.active(now)
        .filter(pk__in=[member.pk for member in members])
        .select_related("user", "attendee")
        .order_by("pk")
    )
    if not active:
        raise FindingsRefused(_("Choose at least one member of the focus group."))
    already = set(version.sense_check_requests.values_list("member_id", flat=True))
    to_ask = [member for member in active if member.pk not in already]
    if not to_ask:
        raise FindingsRefused(_("Everyone you chose has already been asked to check this version."))

    if version.sent_at is None:
        version.sent_at = now
        version.save(update_fields=["sent_at"])
    findings.status = Findings.Status.WITH_FOCUS_GROUP
    findings.sent_at = now
    findings.save(update_fields=["status", "sent_at"])
    for member in to_ask:
        request = SenseCheckRequest.objects.create(
            version=version, member=member, deadline=deadline, sent_at=now, sent_by=by
        )
        _email_member(
            request, template="sense_check_request", dedupe_key=f"sense-check:{request.pk}"
        )
    _log(
        findings,
        FindingsChange.Kind.SENT,
        by=by,
        version=version,
        at=now,
        description=ngettext(
            "Version %(number)d sent to %(count)d member, to answer by %(deadline)s",
            "Version %(number)d sent to %(count)d members, to answer by %(deadline)s",
            len(to_ask),
        )
        % {
            "number": version.number,
            "count": len(to_ask),
            "deadline": date_format(deadline, "j F Y"),
        },
    )
    return len(to_ask)


def sense_check_refusal(request: SenseCheckRequest, now: datetime | None = None) -> str:
    """Why this member cannot answer this request now, or "" if they can."""
    member = request.member
    if member is None or not member.is_active(now):
        return _("You are no longer a member of the focus group.")
    findings = request.version.findings
    if findings.status in (Findings.Status.AGREED, Findings.Status.SHARED):
        return _("These findings are agreed, so answers are closed. Thank you for your help.")
    if findings.status == Findings.Status.DRAFT:
        return _("These findings are not open for answers.")
    if not SenseCheckRequest.objects.latest_per_findings().filter(pk=request.pk).exists():
        return _("A newer version has been sent to you since. Please answer that one.")
    return ""


@transaction.atomic
def sense_check_answer(
    *,
    request: SenseCheckRequest,
    section: FindingsSection,
    verdict: str,
    comment: str = "",
    suggestion: str = "",
    now: datetime | None = None,
) -> SectionAnswer:
    """A member's answer about one section. An answer after the deadline is kept and
    marked late; answering again replaces the answer shown and keeps the earlier one in
    the record."""
    now = now or timezone.now()
    request = (
        SenseCheckRequest.objects.select_for_update(of=("self",))
        .select_related("version__findings", "member")
        .get(pk=request.pk)
    )
    refusal = sense_check_refusal(request, now)
    if refusal:
        raise FindingsRefused(refusal)
    if section.version_id != request.version_id:
        raise FindingsRefused(_("This section is not part of the version you were asked about."))
    comment, suggestion = comment.strip(), suggestion.strip()
    problem = SectionAnswer.problem_with(
        verdict=verdict, comment=comment, suggested_wording=suggestion
    )
    if problem:
        raise FindingsRefused(problem)
    SectionAnswer.objects.current().filter(request=request, section=section).update(replaced_at=now)
    _record_activity(request.member)
    return SectionAnswer.objects.create(
        request=request,
        section=section,
        verdict=verdict,
        comment=comment,
        suggested_wording=suggestion,
        answered_at=now,
        is_late=request.is_late(now),
    )


def _current_answers() -> Prefetch:
    return Prefetch("answers", queryset=SectionAnswer.objects.current(), to_attr="current_answers")


def _unanswered(requests):
    """Requests with at least one section of their version still to answer."""
    return [
        request
        for request in requests
        if {answer.section_id for answer in request.current_answers}
        < {section.pk for section in request.version.sections.all()}
    ]


@transaction.atomic
def sense_check_send_reminders(*, now: datetime | None = None) -> int:
    """Remind members who have not answered every section, from two days before the
    deadline until it passes. Each request is reminded once; a member asked within
    those two days is not reminded, having only just been asked. Returns how many
    reminders were sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    window_end = today + timedelta(days=REMINDER_DAYS_BEFORE_DEADLINE)
    due = list(
        SenseCheckRequest.objects.open()
        .select_for_update(skip_locked=True, of=("self",))
        .filter(
            reminded_at__isnull=True,
            deadline__gte=today,
            deadline__lte=window_end,
            member__in=FocusGroupMember.objects.active(now),
        )
        .select_related("version__findings", "member__user", "member__attendee")
        .prefetch_related("version__sections", _current_answers())
    )
    reminded = 0
    for request in _unanswered(due):
        remind_from = request.deadline - timedelta(days=REMINDER_DAYS_BEFORE_DEADLINE)
        if timezone.localdate(request.sent_at) >= remind_from:
            continue
        request.reminded_at = now
        request.save(update_fields=["reminded_at"])
        _email_member(
            request,
            template="sense_check_reminder",
            dedupe_key=f"sense-check-reminder:{request.pk}",
        )
        reminded += 1
    return reminded
