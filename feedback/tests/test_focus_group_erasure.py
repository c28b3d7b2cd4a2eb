"""A member's contact details reach their focus group account, so erasing the contact
reaches it too; and what a member does for the group counts as activity, so an active
volunteer's contact is never erased for going quiet."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from contacts.models import ConsentPurpose
from contacts.services.records import attendee_erase
from contacts.tests.factories import AttendeeFactory
from engagement.roles import Role, roles_of
from feedback.models import FocusGroupMember, SectionAnswer
from feedback.services import (
    focus_group_invitation_signed,
    focus_group_invite,
    focus_group_join,
    focus_group_meeting_reply,
)
from feedback.tests.factories import FocusGroupMeetingFactory
from feedback.tests.findings_helpers import (
    a_held_event_with_tagged_feedback,
    answer_every_section,
    findings_sent_to,
)

pytestmark = pytest.mark.django_db

PASSWORD = "kettle-harbour-lantern"


def sign_in(client: Client, username: str) -> bool:
    """Sign in through the real sign-in page; True if it let them in."""
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    return response.status_code == 302


def joined(coordinator, *, name="Hodan Ali", email="hodan@example.org") -> FocusGroupMember:
    attendee = AttendeeFactory(name=name, email=email, consents=[ConsentPurpose.FOCUS_GROUP])
    invitation = focus_group_invite(attendee=attendee, by=coordinator)
    return focus_group_join(
        signed=focus_group_invitation_signed(invitation), username="hodan", password=PASSWORD
    )


def test_erasing_a_members_contact_ends_the_membership_and_empties_the_account(coordinator):
    member = joined(coordinator)
    browser = Client()
    assert sign_in(browser, "hodan")
    assert browser.get("/panel/").status_code == 200

    attendee_erase(attendee=member.attendee)

    member.refresh_from_db()
    user = member.user
    assert member.ended_at is not None
    assert member.details_erased_at is not None
    assert (user.first_name, user.last_name, user.email) == ("", "", "")
    assert "hodan" not in user.username
    assert not user.has_usable_password()
    assert not user.is_active
    assert Role.FOCUS_GROUP_MEMBER not in roles_of(user)
    assert member.name == "A former member (details erased)"
    # Signed out at once, and cannot sign in again.
    assert browser.get("/panel/").status_code == 302
    assert not sign_in(Client(), "hodan")


def test_what_an_erased_member_said_stays_as_a_former_members(programme, coordinator):
    member = joined(coordinator)
    tagged = a_held_event_with_tagged_feedback(programme)
    findings = findings_sent_to([member], tagged=tagged, by=coordinator)
    answer_every_section(findings, member, verdict="partly", comment="Near the school too.")

    attendee_erase(attendee=member.attendee)

    answers = SectionAnswer.objects.filter(request__member=member)
    assert answers.count() == 2
    client = Client()
    client.force_login(coordinator)
    page = client.get(f"/staff/findings/{findings.pk}/answers/").content.decode()
    assert "Near the school too." in page
    assert "Hodan" not in page
    assert "A former member (details erased)" in page


def test_erasing_someone_else_leaves_the_members_alone(coordinator):
    member = joined(coordinator)
    attendee_erase(attendee=AttendeeFactory(name="Someone Else"))
    member.refresh_from_db()
    assert member.is_active()
    assert member.user.email == "hodan@example.org"


def test_answering_and_replying_keep_the_members_contact_from_going_quiet(programme, coordinator):
    member = joined(coordinator)
    attendee = member.attendee
    long_ago = timezone.now() - timedelta(days=700)
    type(attendee).objects.filter(pk=attendee.pk).update(
        last_activity_at=long_ago, purge_notice_sent_at=long_ago
    )

    focus_group_meeting_reply(meeting=FocusGroupMeetingFactory(), member=member, can_come=True)
    attendee.refresh_from_db()
    assert attendee.last_activity_at > timezone.now() - timedelta(minutes=1)
    assert attendee.purge_notice_sent_at is None

    type(attendee).objects.filter(pk=attendee.pk).update(last_activity_at=long_ago)
    tagged = a_held_event_with_tagged_feedback(programme)
    findings = findings_sent_to([member], tagged=tagged, by=coordinator)
    answer_every_section(findings, member)
    attendee.refresh_from_db()
    assert attendee.last_activity_at > timezone.now() - timedelta(minutes=1)
