"""The demo programme has a working focus group, made through the services."""

import pytest
from django.contrib.auth import authenticate

from conftest import DEMO_PASSWORD
from contacts.models import ConsentPurpose
from engagement.roles import Role, roles_of
from feedback.models import FocusGroupInvitation, FocusGroupMeeting, FocusGroupMember

pytestmark = pytest.mark.django_db


def test_the_demo_focus_group_has_members_past_members_and_the_panel_user(demo_data, rf):
    active = FocusGroupMember.objects.active()
    assert 10 <= active.count() <= 15
    assert active.filter(user__username="panel").exists()
    recruited = active.exclude(user__username="panel")
    assert all(
        ConsentPurpose.FOCUS_GROUP in member.attendee.live_consent_purposes()
        for member in recruited.select_related("attendee")
    )
    member = recruited.first()
    user = authenticate(rf.get("/"), username=member.user.username, password=DEMO_PASSWORD)
    assert user is not None
    assert roles_of(user) == {Role.FOCUS_GROUP_MEMBER}

    past = FocusGroupMember.objects.past()
    assert past.count() == 2
    assert {member.stepped_down for member in past} == {True, False}
    assert all(roles_of(member.user) == frozenset() for member in past)
    assert FocusGroupInvitation.objects.still_valid().count() == 1


def test_the_demo_focus_group_meets_and_facilitates(demo_data):
    held = FocusGroupMeeting.objects.past().with_reply_counts()
    assert held.count() >= 4
    assert all(meeting.attendance_recorded_at and meeting.attended_count for meeting in held)
    upcoming = FocusGroupMeeting.objects.upcoming().not_cancelled()
    assert upcoming.count() == 2
    assert upcoming.first().replies.exists()
    panel = FocusGroupMember.objects.get(user__username="panel")
    assert not upcoming.first().replies.filter(member=panel).exists()
    assert (
        FocusGroupMember.events_facilitated.through.objects.values("event").distinct().count() >= 3
    )
