"""The focus group's sense-check: sending a version to all members or chosen ones with
a deadline, members answering section by section, reminders two days before the
deadline, and what happens when a member answers late, answers twice or steps down."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.models import OutboxMessage
from feedback.models import Findings, FindingsChange, SectionAnswer, SenseCheckRequest
from feedback.services import (
    FindingsRefused,
    findings_draft_for,
    findings_mark_agreed,
    findings_remove_section,
    findings_send_for_sense_check,
    findings_update_section,
    focus_group_member_end,
    sense_check_answer,
    sense_check_refusal,
    sense_check_send_reminders,
)
from feedback.tests.factories import FocusGroupMemberFactory
from feedback.tests.findings_helpers import (
    answer_every_section,
    findings_sent_to,
    members,
    next_week,
)

pytestmark = pytest.mark.django_db


def request_of(member, findings) -> SenseCheckRequest:
    return member.sense_check_requests.filter(version__findings=findings).latest("sent_at")


def test_sending_asks_each_chosen_member_by_email_and_records_the_step(tagged, coordinator):
    chosen, other = members(2)
    findings = findings_draft_for(events=[tagged.event], by=coordinator)

    asked = findings_send_for_sense_check(
        findings=findings, members=[chosen], deadline=next_week(), by=coordinator
    )

    assert asked == 1
    findings.refresh_from_db()
    assert findings.status == Findings.Status.WITH_FOCUS_GROUP
    assert findings.sent_at is not None
    version = findings.latest_version()
    assert version.sent_at is not None
    request = SenseCheckRequest.objects.get()
    assert (request.member, request.version, request.deadline) == (chosen, version, next_week())
    message = OutboxMessage.objects.get()
    assert message.to_address == chosen.user.email
    assert f"/panel/findings/{request.pk}/" in message.body_text
    assert findings.title in message.subject
    assert other.user.email not in {m.to_address for m in OutboxMessage.objects.all()}
    sent = FindingsChange.objects.get(findings=findings, kind=FindingsChange.Kind.SENT)
    assert sent.by == coordinator and "1 member" in sent.description


def test_members_who_have_left_are_not_asked(tagged, coordinator):
    staying = FocusGroupMemberFactory()
    left = FocusGroupMemberFactory(ended=True)
    findings = findings_draft_for(events=[tagged.event], by=coordinator)
    asked = findings_send_for_sense_check(
        findings=findings, members=[staying, left], deadline=next_week(), by=coordinator
    )
    assert asked == 1
    assert not SenseCheckRequest.objects.filter(member=left).exists()
    with pytest.raises(FindingsRefused, match="at least one member"):
        findings_send_for_sense_check(
            findings=findings, members=[left], deadline=next_week(), by=coordinator
        )


def test_findings_with_no_sections_cannot_be_sent(tagged, coordinator):
    findings = findings_draft_for(events=[tagged.event], by=coordinator)
    for section in findings.latest_version().sections.all():
        findings_remove_section(findings=findings, section=section, by=coordinator)
    with pytest.raises(FindingsRefused, match="at least one section"):
        findings_send_for_sense_check(
            findings=findings, members=members(1), deadline=next_week(), by=coordinator
        )
    findings.refresh_from_db()
    assert findings.status == Findings.Status.DRAFT
    assert not OutboxMessage.objects.exists()


def test_a_deadline_in_the_past_is_refused(tagged, coordinator):
    findings = findings_draft_for(events=[tagged.event], by=coordinator)
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(FindingsRefused, match="today or later"):
        findings_send_for_sense_check(
            findings=findings, members=members(1), deadline=yesterday, by=coordinator
        )


def test_sending_the_same_version_again_asks_only_those_not_asked_yet(tagged, coordinator):
    first, second = members(2)
    findings = findings_sent_to([first], tagged=tagged, by=coordinator)
    with pytest.raises(FindingsRefused, match="already been asked"):
        findings_send_for_sense_check(
            findings=findings, members=[first], deadline=next_week(), by=coordinator
        )
    assert (
        findings_send_for_sense_check(
            findings=findings, members=[first, second], deadline=next_week(), by=coordinator
        )
        == 1
    )
    assert findings.versions.count() == 1
    assert OutboxMessage.objects.count() == 2


def test_a_member_answers_each_section_and_a_second_answer_keeps_the_history(tagged, coordinator):
    member = FocusGroupMemberFactory()
    findings = findings_sent_to([member], tagged=tagged, by=coordinator)
    request = request_of(member, findings)
    section = request.version.sections.first()

    first = sense_check_answer(
        request=request, section=section, verdict="partly", comment="It misses the schools."
    )
    second = sense_check_answer(
        request=request,
        section=section,
        verdict="not_accurate",
        suggestion="Officers stop young people on the way to school.",
    )

    first.refresh_from_db()
    assert first.replaced_at is not None
    assert second.replaced_at is None
    current = SectionAnswer.objects.current().get(request=request, section=section)
    assert current == second
    assert current.suggested_wording.startswith("Officers stop")
    assert SectionAnswer.objects.filter(request=request).count() == 2
    assert not second.is_late


def test_an_answer_after_the_deadline_is_accepted_and_marked_late(tagged, coordinator):
    member = FocusGroupMemberFactory()
    findings = findings_sent_to([member], tagged=tagged, by=coordinator)
    request = request_of(member, findings)
    section = request.version.sections.first()
    after = timezone.now() + timedelta(days=8)
    answer = sense_check_answer(request=request, section=section, verdict="accurate", now=after)
    assert answer.is_late
    assert answer.answered_at == after


def test_an_answer_that_is_not_accurate_needs_a_comment_or_wording(tagged, coordinator):
    member = FocusGroupMemberFactory()
    findings = findings_sent_to([member], tagged=tagged, by=coordinator)
    request = request_of(member, findings)
    section = request.version.sections.first()
    for verdict in ("partly", "not_accurate"):
        with pytest.raises(FindingsRefused, match="what is not right"):
            sense_check_answer(request=request, section=section, verdict=verdict, comment="  ")
    with pytest.raises(FindingsRefused, match="Choose whether"):
        sense_check_answer(request=request, section=section, verdict="maybe")
    assert not SectionAnswer.objects.exists()


def test_a_member_cannot_answer_about_a_section_of_another_version(tagged, coordinator):
    member = FocusGroupMemberFactory()
    findings = findings_sent_to([member], tagged=tagged, by=coordinator)
    other = findings_draft_for(events=[tagged.event], by=coordinator)
    with pytest.raises(FindingsRefused, match="not part of the version"):
        sense_check_answer(
            request=request_of(member, findings),
            section=other.latest_version().sections.first(),
            verdict="accurate",
        )


def test_a_member_who_steps_down_keeps_past_answers_but_can_answer_no_more(tagged, coordinator):
    member = FocusGroupMemberFactory()
    findings = findings_sent_to([member], tagged=tagged, by=coordinator)
    request = request_of(member, findings)
    first, second = request.version.sections.all()
    kept = sense_check_answer(request=request, section=first, verdict="accurate")

    focus_group_member_end(member=member, by=member.user, reason="Too busy.")

    with pytest.raises(FindingsRefused, match="no longer a member"):
        sense_check_answer(request=request, section=second, verdict="accurate")
    assert list(SectionAnswer.objects.current()) == [kept]


def test_answers_close_when_the_findings_are_agreed_or_a_newer_version_is_sent(tagged, coordinator):
    member = FocusGroupMemberFactory()
    findings = findings_sent_to([member], tagged=tagged, by=coordinator)
    request = request_of(member, findings)
    section = request.version.sections.first()

    findings_update_section(
        findings=findings,
        section=section,
        heading="Amended",
        summary="Amended summary.",
        items=[],
        by=coordinator,
    )
    # While amending, the version sent is still open to answers.
    assert sense_check_refusal(request) == ""
    findings_send_for_sense_check(
        findings=findings, members=[member], deadline=next_week(), by=coordinator
    )
    request.refresh_from_db()
    assert "newer version" in sense_check_refusal(request)
    newer = request_of(member, findings)
    assert newer.version.number == 2

    answer_every_section(findings, member)
    findings_mark_agreed(findings=findings, by=coordinator)
    with pytest.raises(FindingsRefused, match="agreed"):
        sense_check_answer(
            request=newer, section=newer.version.sections.first(), verdict="accurate"
        )


class TestReminders:
    def ask(self, tagged, coordinator, *, deadline, asked_days_ago=5):
        member = FocusGroupMemberFactory()
        findings = findings_draft_for(events=[tagged.event], by=coordinator)
        findings_send_for_sense_check(
            findings=findings, members=[member], deadline=deadline, by=coordinator
        )
        request = request_of(member, findings)
        request.sent_at = timezone.now() - timedelta(days=asked_days_ago)
        request.save(update_fields=["sent_at"])
        OutboxMessage.objects.all().delete()
        return findings, member, request

    def test_members_who_have_not_answered_are_reminded_two_days_before_once(
        self, tagged, coordinator
    ):
        in_two_days = timezone.localdate() + timedelta(days=2)
        findings, member, request = self.ask(tagged, coordinator, deadline=in_two_days)

        assert sense_check_send_reminders() == 1
        assert sense_check_send_reminders() == 0

        request.refresh_from_db()
        assert request.reminded_at is not None
        message = OutboxMessage.objects.get()
        assert message.to_address == member.user.email
        assert message.subject.startswith("Reminder:")

    def test_no_reminder_too_early_after_the_deadline_or_once_every_section_is_answered(
        self, tagged, coordinator
    ):
        today = timezone.localdate()
        self.ask(tagged, coordinator, deadline=today + timedelta(days=3))
        findings, member, _request = self.ask(
            tagged, coordinator, deadline=today + timedelta(days=1)
        )
        answer_every_section(findings, member)
        assert sense_check_send_reminders() == 0
        assert sense_check_send_reminders(now=timezone.now() + timedelta(days=5)) == 0
        assert not OutboxMessage.objects.exists()

    def test_a_member_asked_within_the_two_days_is_not_reminded(self, tagged, coordinator):
        self.ask(
            tagged, coordinator, deadline=timezone.localdate() + timedelta(days=1), asked_days_ago=0
        )
        assert sense_check_send_reminders() == 0

    def test_members_who_left_and_findings_agreed_get_no_reminder(self, tagged, coordinator):
        in_two_days = timezone.localdate() + timedelta(days=2)
        _findings, member, _request = self.ask(tagged, coordinator, deadline=in_two_days)
        focus_group_member_end(member=member, by=member.user)
        findings, _member, _request = self.ask(tagged, coordinator, deadline=in_two_days)
        findings_mark_agreed(findings=findings, by=coordinator)
        assert sense_check_send_reminders() == 0

    def test_the_daily_task_sends_the_reminders(self, tagged, coordinator):
        from feedback.tasks import send_sense_check_reminders

        self.ask(tagged, coordinator, deadline=timezone.localdate() + timedelta(days=2))
        assert send_sense_check_reminders.delay().get() == 1
