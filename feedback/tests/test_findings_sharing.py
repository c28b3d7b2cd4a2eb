"""Agreeing and sharing findings: only agreed findings are shared, once; they go on
each event's public page and, through the outbox, to contacts who consented to updates
and came or follow the event's community; members who checked them are thanked. Held
events with no shared findings after FINDINGS_DUE_DAYS are overdue."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import ConsentPurpose, OutboxMessage
from contacts.services.outbox import outbox_send
from contacts.tests.factories import AttendanceFactory, AttendeeFactory
from engagement.roles import Role
from engagement.tests.factories import CommunityFactory
from events.tests.factories import EventFactory
from feedback.models import FeedbackItem, Findings, FindingsChange
from feedback.selectors import events_with_findings_overdue
from feedback.services import (
    FindingsRefused,
    findings_draft_for,
    findings_mark_agreed,
    findings_send_for_sense_check,
    findings_share,
    findings_update_section,
    focus_group_member_end,
)
from feedback.tests.factories import FocusGroupMemberFactory
from feedback.tests.findings_helpers import (
    a_held_event_with_tagged_feedback,
    agreed_findings,
    answer_every_section,
    findings_sent_to,
    next_week,
)

pytestmark = pytest.mark.django_db


def findings_emails():
    return OutboxMessage.objects.filter(dedupe_key__startswith="findings-shared:")


def test_findings_are_agreed_only_after_the_focus_group_has_seen_them(tagged, coordinator):
    findings = findings_draft_for(events=[tagged.event], by=coordinator)
    with pytest.raises(FindingsRefused, match="Send the findings to the focus group"):
        findings_mark_agreed(findings=findings, by=coordinator)

    member = FocusGroupMemberFactory()
    findings = findings_sent_to([member], tagged=tagged, by=coordinator)
    findings_mark_agreed(findings=findings, by=coordinator)
    findings.refresh_from_db()
    version = findings.latest_version()
    assert findings.status == Findings.Status.AGREED
    assert findings.agreed_version == version and version.agreed_at is not None
    assert FindingsChange.objects.filter(findings=findings, kind="agreed", by=coordinator).exists()


def test_a_change_after_agreement_makes_a_new_version_and_undoes_the_agreement(tagged, coordinator):
    findings = agreed_findings(tagged=tagged, by=coordinator)
    section = findings.agreed_version.sections.first()
    findings_update_section(
        findings=findings,
        section=section,
        heading="New",
        summary="New summary.",
        items=[],
        by=coordinator,
    )
    findings.refresh_from_db()
    assert findings.status == Findings.Status.AMENDING
    assert findings.agreed_version is None
    assert findings.versions.count() == 2


@pytest.mark.parametrize(
    "status, reason",
    [
        ("draft", "still a draft"),
        ("with_focus_group", "still checking"),
        ("amending", "being amended"),
    ],
)
def test_sharing_findings_that_are_not_agreed_is_refused_with_the_reason(
    tagged, coordinator, status, reason
):
    findings = findings_draft_for(events=[tagged.event], by=coordinator)
    Findings.objects.filter(pk=findings.pk).update(status=status)
    AttendanceFactory(event=tagged.event, attendee=AttendeeFactory(subscribed=True))
    with pytest.raises(FindingsRefused, match=reason):
        findings_share(findings=findings, by=coordinator)
    findings.refresh_from_db()
    assert findings.status == status
    assert not findings_emails().exists()


def test_sharing_emails_attendees_and_followers_who_consented_once_and_thanks_members(
    tagged, coordinator
):
    community = tagged.event.focus_community
    came = AttendeeFactory(subscribed=True)
    AttendanceFactory(event=tagged.event, attendee=came)
    follows = AttendeeFactory(subscribed=True, shares_demographics=True, communities=[community])
    # Nothing to those without consent to updates, who keep their community without
    # consent to keep it, or who follow another community or came to another event.
    AttendanceFactory(event=tagged.event, attendee=AttendeeFactory())
    AttendeeFactory(subscribed=True, communities=[community])
    AttendeeFactory(subscribed=True, shares_demographics=True, communities=[CommunityFactory()])
    AttendanceFactory(event=EventFactory(held=True), attendee=AttendeeFactory(subscribed=True))
    checker, silent = FocusGroupMemberFactory(), FocusGroupMemberFactory()
    # Answers about other findings do not count as checking these.
    elsewhere = findings_sent_to([silent], tagged=tagged, by=coordinator)
    answer_every_section(elsewhere, silent)
    findings = findings_sent_to([checker, silent], tagged=tagged, by=coordinator)
    answer_every_section(findings, checker)
    findings_mark_agreed(findings=findings, by=coordinator)

    assert findings_share(findings=findings, by=coordinator) == 2
    assert findings_share(findings=findings, by=coordinator) == 0

    findings.refresh_from_db()
    assert findings.status == Findings.Status.SHARED and findings.shared_at is not None
    emails = findings_emails()
    assert {message.to_address for message in emails} == {came.email, follows.email}
    message = emails.get(attendee=came)
    assert message.consent_purpose == ConsentPurpose.EMAIL_UPDATES
    assert message.unsubscribe_url
    assert findings.title in message.subject
    assert tagged.event.get_absolute_url() in message.body_text
    thanks = OutboxMessage.objects.filter(dedupe_key__startswith="sense-check-thanks:")
    assert [message.to_address for message in thanks] == [checker.user.email]
    shared = FindingsChange.objects.get(findings=findings, kind="shared")
    assert "2 contacts" in shared.description


def test_a_contact_who_withdrew_consent_between_agreement_and_sharing_gets_nothing(
    tagged, coordinator
):
    withdrew = AttendeeFactory(subscribed=True)
    AttendanceFactory(event=tagged.event, attendee=withdrew)
    findings = agreed_findings(tagged=tagged, by=coordinator)
    withdrew.consents.update(withdrawn_at=timezone.now())

    assert findings_share(findings=findings, by=coordinator) == 0
    assert not findings_emails().exists()


def test_a_withdrawal_after_sharing_stops_the_email_still_queued(tagged, coordinator):
    withdrew = AttendeeFactory(subscribed=True)
    AttendanceFactory(event=tagged.event, attendee=withdrew)
    findings = agreed_findings(tagged=tagged, by=coordinator)
    findings_share(findings=findings, by=coordinator)
    # The test's transaction never commits, so the email waits in the outbox; the
    # consent is checked again when it is sent.
    message = findings_emails().get()
    withdrew.consents.update(withdrawn_at=timezone.now())
    assert outbox_send(message_id=message.pk) == "cancelled"


def test_shared_findings_mark_their_items_included_and_appear_on_the_public_page(
    tagged, coordinator, client, django_assert_max_num_queries
):
    findings = agreed_findings(tagged=tagged, by=coordinator)
    page = client.get(tagged.event.get_absolute_url()).content.decode()
    assert "What we heard" not in page

    findings_share(findings=findings, by=coordinator)

    included = FeedbackItem.objects.filter(status=FeedbackItem.Status.IN_FINDINGS)
    assert set(included) == set(tagged.quotable)
    with django_assert_max_num_queries(10):
        page = client.get(tagged.event.get_absolute_url()).content.decode()
    assert "What we heard" in page
    for section in findings.agreed_version.sections.all():
        assert section.heading in page
    assert tagged.quotable[0].text in page
    for never in (tagged.flagged, tagged.internal, tagged.set_aside):
        assert never.text not in page


def test_a_round_up_is_on_every_events_public_page(programme, coordinator, client):
    first = a_held_event_with_tagged_feedback(programme)
    second = EventFactory(programme=programme, held=True)
    member = FocusGroupMemberFactory()
    findings = findings_draft_for(events=[first.event, second], by=coordinator)
    findings_send_for_sense_check(
        findings=findings, members=[member], deadline=next_week(), by=coordinator
    )
    findings_mark_agreed(findings=findings, by=coordinator)
    findings_share(findings=findings, by=coordinator)
    for event in (first.event, second):
        assert "What we heard" in client.get(event.get_absolute_url()).content.decode()


def test_members_who_left_are_not_thanked(tagged, coordinator):
    member = FocusGroupMemberFactory()
    findings = agreed_findings(tagged=tagged, by=coordinator, member=member)
    focus_group_member_end(member=member, by=member.user)
    findings_share(findings=findings, by=coordinator)
    assert not OutboxMessage.objects.filter(dedupe_key__startswith="sense-check-thanks:").exists()


class TestOverdue:
    def test_held_events_without_shared_findings_are_overdue_after_the_configured_days(
        self, tagged, coordinator, settings
    ):
        settings.FINDINGS_DUE_DAYS = 28
        long_ago = EventFactory(held=True)
        long_ago.starts_at = timezone.now() - timedelta(days=40)
        long_ago.ends_at = long_ago.starts_at + timedelta(hours=3)
        long_ago.save()
        recent = EventFactory(held=True)
        planned_but_past = EventFactory(past=True)
        planned_but_past.starts_at = long_ago.starts_at
        planned_but_past.ends_at = long_ago.ends_at
        planned_but_past.save()

        assert list(events_with_findings_overdue()) == [long_ago]
        settings.FINDINGS_DUE_DAYS = 3
        assert recent in events_with_findings_overdue()

    def test_sharing_findings_ends_the_overdue(self, tagged, coordinator, settings):
        settings.FINDINGS_DUE_DAYS = 0
        assert tagged.event in events_with_findings_overdue()
        findings = agreed_findings(tagged=tagged, by=coordinator)
        assert tagged.event in events_with_findings_overdue()
        findings_share(findings=findings, by=coordinator)
        assert tagged.event not in events_with_findings_overdue()

    def test_overdue_events_show_on_the_coordinators_home_and_the_event_hub(
        self, tagged, client_for_role, settings
    ):
        settings.FINDINGS_DUE_DAYS = 0
        client = client_for_role(Role.COORDINATOR)
        home = client.get(reverse("staff-home")).content.decode()
        assert "are overdue" in home or "is overdue" in home
        assert tagged.event.title in home
        hub = client.get(tagged.event.get_staff_url()).content.decode()
        assert "Overdue:" in hub

    def test_leaders_home_does_not_list_overdue_findings(self, tagged, client_for_role, settings):
        settings.FINDINGS_DUE_DAYS = 0
        home = client_for_role(Role.LEADER).get(reverse("staff-home")).content.decode()
        assert tagged.event.title not in home
