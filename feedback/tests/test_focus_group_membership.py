"""Membership: who reaches the panel, stepping down, a Coordinator ending a membership,
the staff list of members, and that panel pages never show anyone else's name."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagement.models import AuditLogEntry
from engagement.roles import Role, roles_of
from engagement.tests.factories import UserFactory
from feedback.access import get_active_member
from feedback.models import FocusGroupMember, MeetingReply
from feedback.services import focus_group_member_end, focus_group_record_facilitators

pytestmark = pytest.mark.django_db

PANEL_HOME = "/panel/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Who reaches the panel ----------------------------------------------------------------


def test_the_panel_lives_at_panel_and_is_where_members_land(client_for_role):
    assert reverse("panel:home") == PANEL_HOME
    response = client_for_role(Role.FOCUS_GROUP_MEMBER).get("/accounts/home/")
    assert response.url == PANEL_HOME


def test_holding_the_role_is_not_enough_without_an_active_membership(rf):
    role_only = UserFactory(roles=[Role.FOCUS_GROUP_MEMBER])
    request = rf.get(PANEL_HOME)
    request.user = role_only
    with pytest.raises(PermissionDenied):
        get_active_member(request)
    assert signed_in(role_only).get(PANEL_HOME).status_code == 403


def test_a_member_whose_membership_a_coordinator_ends_is_refused_at_once(
    focus_group_member_factory, focus_group_meeting_factory, coordinator
):
    member = focus_group_member_factory()
    meeting = focus_group_meeting_factory()
    client = signed_in(member.user)
    assert client.get(PANEL_HOME).status_code == 200

    focus_group_member_end(member=member, by=coordinator, reason="Moved away.")

    # The same session, on the next request: no need to sign in again to lose access.
    for response in (
        client.get(PANEL_HOME),
        client.get(reverse("panel:step-down")),
        client.post(reverse("panel:meeting-can-come", kwargs={"pk": meeting.pk})),
    ):
        assert response.status_code == 403
    assert not MeetingReply.objects.exists()
    assert roles_of(type(member.user).objects.get(pk=member.user.pk)) == frozenset()


def test_an_ended_membership_refuses_even_if_the_account_kept_the_role(
    focus_group_member_factory,
):
    member = focus_group_member_factory(ended=True)
    assert Role.FOCUS_GROUP_MEMBER in roles_of(member.user)
    assert signed_in(member.user).get(PANEL_HOME).status_code == 403


# Stepping down -------------------------------------------------------------------------


def test_stepping_down_ends_the_membership_signs_them_out_and_says_thank_you(
    focus_group_member_factory, focus_group_meeting_factory, meeting_reply_factory
):
    member = focus_group_member_factory()
    past_reply = meeting_reply_factory(
        member=member, meeting=focus_group_meeting_factory(held=True)
    )
    meeting_reply_factory(member=member, meeting=focus_group_meeting_factory())
    client = signed_in(member.user)

    confirm = client.get(reverse("panel:step-down"))
    assert confirm.status_code == 200
    assert "Step down now" in confirm.content.decode()
    assert FocusGroupMember.objects.active().filter(pk=member.pk).exists()

    response = client.post(reverse("panel:step-down"))

    assert response.status_code == 200
    assert "Thank you for being in the focus group" in response.content.decode()
    assert SESSION_KEY not in client.session
    member.refresh_from_db()
    assert member.ended_at is not None
    assert member.stepped_down
    assert roles_of(type(member.user).objects.get(pk=member.user.pk)) == frozenset()
    # What they said before stays; their word about meetings to come goes.
    assert list(MeetingReply.objects.all()) == [past_reply]

    assert client.get(PANEL_HOME).status_code == 302
    client.force_login(member.user)
    assert client.get(PANEL_HOME).status_code == 403


def test_ending_twice_changes_nothing(focus_group_member_factory, coordinator):
    member = focus_group_member_factory()
    focus_group_member_end(member=member, by=member.user)
    ended_at = FocusGroupMember.objects.get(pk=member.pk).ended_at
    focus_group_member_end(member=member, by=coordinator, reason="Later")
    member.refresh_from_db()
    assert (member.ended_at, member.ended_by, member.end_reason) == (ended_at, member.user, "")


# A Coordinator ends a membership -------------------------------------------------------


def test_a_coordinator_ends_a_membership_with_a_reason(
    coordinator_client, coordinator, focus_group_member_factory
):
    member = focus_group_member_factory(user__first_name="Kemi", user__last_name="Adeyemi")
    url = reverse("feedback:focus-group-member-end", kwargs={"pk": member.pk})

    page = coordinator_client.get(url)
    assert "End Kemi Adeyemi's membership" in page.content.decode()
    refused = coordinator_client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert "Say why the membership is ending" in refused.content.decode()
    assert FocusGroupMember.objects.active().filter(pk=member.pk).exists()

    response = coordinator_client.post(url, {"reason": "Moved to Leeds."}, follow=True)

    assert "Kemi Adeyemi is no longer a member" in response.content.decode()
    member.refresh_from_db()
    assert (member.ended_by, member.end_reason) == (coordinator, "Moved to Leeds.")
    assert not member.stepped_down


# The member list ------------------------------------------------------------------------


def test_the_member_list_shows_active_and_past_members_and_is_audited(
    coordinator_client, focus_group_member_factory, focus_group_meeting_factory, coordinator
):
    active = focus_group_member_factory(user__first_name="Active", user__last_name="Person")
    stepped = focus_group_member_factory(user__first_name="Stepped", user__last_name="Down")
    ended = focus_group_member_factory(user__first_name="Ended", user__last_name="ByUs")
    focus_group_member_end(member=stepped, by=stepped.user)
    focus_group_member_end(member=ended, by=coordinator, reason="No longer in touch.")
    meeting = focus_group_meeting_factory(held=True)
    meeting.attended_by.set([active, stepped])

    response = coordinator_client.get(reverse("feedback:focus-group"))

    page = response.content.decode()
    assert response.status_code == 200
    assert [member.name for member in response.context["active_members"]] == ["Active Person"]
    assert {member.name for member in response.context["past_members"]} == {
        "Stepped Down",
        "Ended ByUs",
    }
    assert "Stepped down" in page
    assert "No longer in touch." in page
    counts = {m.name: m.meetings_attended_count for m in response.context["active_members"]}
    assert counts["Active Person"] == 1
    assert response["Cache-Control"].startswith("max-age=0")
    assert AuditLogEntry.objects.filter(subject="focus group members").count() == 1


def test_the_member_list_costs_the_same_queries_however_many_members(
    coordinator_client,
    focus_group_member_factory,
    focus_group_meeting_factory,
    django_assert_max_num_queries,
):
    url = reverse("feedback:focus-group")

    def grow(how_many):
        members = focus_group_member_factory.create_batch(how_many)
        for member in members[: how_many // 2]:
            focus_group_member_end(member=member, by=member.user)
        meeting = focus_group_meeting_factory(held=True)
        meeting.attended_by.set(members)
        focus_group_meeting_factory()

    grow(2)
    coordinator_client.get(url)
    with CaptureQueriesContext(connection) as few:
        coordinator_client.get(url)
    grow(20)
    with django_assert_max_num_queries(len(few)):
        assert coordinator_client.get(url).status_code == 200


# Nobody's name on the panel -------------------------------------------------------------


def test_no_other_members_name_appears_on_any_panel_page(
    focus_group_member_factory,
    focus_group_meeting_factory,
    meeting_reply_factory,
    event_factory,
):
    me = focus_group_member_factory(user__first_name="Marcus", user__last_name="Campbell")
    others = [
        focus_group_member_factory(user__first_name="Zainab", user__last_name="Okonkwo"),
        focus_group_member_factory(user__first_name="Tunde", user__last_name="Abernethy"),
        focus_group_member_factory(
            ended=True, user__first_name="Hodan", user__last_name="Farquharson"
        ),
    ]
    upcoming = focus_group_meeting_factory()
    held = focus_group_meeting_factory(held=True)
    for member in [me, *others[:2]]:
        meeting_reply_factory(meeting=upcoming, member=member)
    held.attended_by.set([me, *others])
    focus_group_record_facilitators(event=event_factory(held=True), members=[me, *others])
    client = signed_in(me.user)

    panel_urls = [PANEL_HOME, reverse("panel:step-down")]
    for url in panel_urls:
        page = client.get(url).content.decode()
        for other in others:
            for name in (other.user.first_name, other.user.last_name, other.user.username):
                assert name not in page, f"{name} is shown on {url}"
            assert other.user.email not in page


def test_the_panel_home_costs_the_same_queries_however_much_there_is(
    focus_group_member_factory,
    focus_group_meeting_factory,
    meeting_reply_factory,
    django_assert_max_num_queries,
):
    me = focus_group_member_factory()
    client = signed_in(me.user)

    def grow(how_many):
        for _ in range(how_many):
            meeting_reply_factory(member=me, meeting=focus_group_meeting_factory())
            focus_group_meeting_factory(
                held=True, starts_at=timezone.now() - timedelta(days=10)
            ).attended_by.add(me)
        focus_group_meeting_factory(cancelled_at=timezone.now(), cancellation_reason="Snow.")

    grow(1)
    client.get(PANEL_HOME)
    with CaptureQueriesContext(connection) as few:
        client.get(PANEL_HOME)
    grow(15)
    with django_assert_max_num_queries(len(few)):
        response = client.get(PANEL_HOME)
    assert response.status_code == 200
    assert len(response.context["upcoming_meetings"]) == 18
