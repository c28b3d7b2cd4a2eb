"""Inviting contacts who would like to join the focus group, and joining by the emailed
link: who may be invited, the link working once and for a while only, and the page that
makes the account."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from contacts.models import ConsentPurpose, ConsentRecord, OutboxMessage
from contacts.services.consent import consent_withdraw
from contacts.services.links import LinkProblem
from contacts.tests.helpers import past
from engagement.models import AuditLogEntry
from engagement.roles import Role, roles_of
from feedback.models import FocusGroupInvitation, FocusGroupMember
from feedback.services import (
    NotInvitable,
    focus_group_invitation_for_link,
    focus_group_invitation_signed,
    focus_group_invite,
    focus_group_join,
)

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "lantern-otter-biscuit"


@pytest.fixture
def wants_to_join(attendee_factory):
    return attendee_factory(
        name="Amina Yusuf", email="amina@example.org", consents=[ConsentPurpose.FOCUS_GROUP]
    )


def join_path(invitation) -> str:
    return reverse("panel:join", kwargs={"signed": focus_group_invitation_signed(invitation)})


def link_in_email(message: OutboxMessage) -> str:
    return re.search(r"https?://[^/\s]+(/panel/join/[^\s]+/)", message.body_text).group(1)


def join_form(**changes) -> dict:
    return {
        "username": "amina.yusuf",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "agree": "on",
        **changes,
    }


# Who may be invited -------------------------------------------------------------------


def test_an_invitation_emails_a_link_to_join(wants_to_join, coordinator):
    invitation = focus_group_invite(attendee=wants_to_join, by=coordinator)

    message = OutboxMessage.objects.get(dedupe_key=f"focus-group-invitation:{invitation.pk}")
    assert message.to_address == "amina@example.org"
    assert message.attendee == wants_to_join
    # Sent only while they still want to join, checked again when it is sent.
    assert message.consent_purpose == ConsentPurpose.FOCUS_GROUP
    assert message.unsubscribe_url
    assert "Amina Yusuf" in message.body_text
    signed = link_in_email(message).removeprefix("/panel/join/").removesuffix("/")
    assert focus_group_invitation_for_link(signed=signed) == invitation


def test_only_contacts_who_would_like_to_join_can_be_invited(attendee_factory, coordinator):
    only_updates = attendee_factory(subscribed=True)
    changed_their_mind = attendee_factory(consents=[ConsentPurpose.FOCUS_GROUP])
    consent_withdraw(
        attendee=changed_their_mind,
        purpose=ConsentPurpose.FOCUS_GROUP,
        method=ConsentRecord.WithdrawalMethod.STAFF,
    )
    no_address = attendee_factory(email="", consents=[ConsentPurpose.FOCUS_GROUP])

    for attendee, reason in [
        (only_updates, "no_consent"),
        (changed_their_mind, "no_consent"),
        (no_address, "no_email"),
    ]:
        with pytest.raises(NotInvitable) as refused:
            focus_group_invite(attendee=attendee, by=coordinator)
        assert refused.value.reason == reason
    assert not FocusGroupInvitation.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_member_is_not_invited_again_and_a_second_invitation_waits_a_day(
    wants_to_join, attendee_factory, coordinator, focus_group_member_factory
):
    focus_group_invite(attendee=wants_to_join, by=coordinator)
    with pytest.raises(NotInvitable) as refused:
        focus_group_invite(attendee=wants_to_join, by=coordinator)
    assert refused.value.reason == "recently_invited"

    member = focus_group_member_factory(
        attendee=attendee_factory(consents=[ConsentPurpose.FOCUS_GROUP])
    )
    with pytest.raises(NotInvitable) as refused:
        focus_group_invite(attendee=member.attendee, by=coordinator)
    assert refused.value.reason == "member"
    assert OutboxMessage.objects.count() == 1


# Joining ------------------------------------------------------------------------------


def test_joining_makes_a_focus_group_account_with_a_membership(wants_to_join, coordinator):
    invitation = focus_group_invite(attendee=wants_to_join, by=coordinator)

    member = focus_group_join(
        signed=focus_group_invitation_signed(invitation),
        username="amina.yusuf",
        password=GOOD_PASSWORD,
    )

    user = member.user
    assert roles_of(user) == {Role.FOCUS_GROUP_MEMBER}
    assert user.check_password(GOOD_PASSWORD)
    assert (user.first_name, user.last_name, user.email) == ("Amina", "Yusuf", "amina@example.org")
    assert not user.is_staff
    assert member.is_active()
    assert member.attendee == wants_to_join
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.member == member


def test_an_invitation_link_works_once(wants_to_join, coordinator):
    signed = focus_group_invitation_signed(
        focus_group_invite(attendee=wants_to_join, by=coordinator)
    )
    focus_group_join(signed=signed, username="amina.yusuf", password=GOOD_PASSWORD)

    with pytest.raises(LinkProblem) as problem:
        focus_group_join(signed=signed, username="someone.else", password=GOOD_PASSWORD)
    assert problem.value.reason == "used"
    assert FocusGroupMember.objects.count() == 1
    assert not get_user_model().objects.filter(username="someone.else").exists()


def test_an_older_invitation_stops_working_once_they_joined_by_another(
    wants_to_join, coordinator, focus_group_invitation_factory
):
    older = focus_group_invitation_factory(
        attendee=wants_to_join, sent_at=timezone.now() - timedelta(days=3)
    )
    newer = focus_group_invite(attendee=wants_to_join, by=coordinator)
    focus_group_join(
        signed=focus_group_invitation_signed(newer), username="amina", password=GOOD_PASSWORD
    )

    with pytest.raises(LinkProblem) as problem:
        focus_group_invitation_for_link(signed=focus_group_invitation_signed(older))
    assert problem.value.reason == "used"


def test_a_link_for_someone_who_changed_their_mind_does_not_work(wants_to_join, coordinator):
    signed = focus_group_invitation_signed(
        focus_group_invite(attendee=wants_to_join, by=coordinator)
    )
    consent_withdraw(
        attendee=wants_to_join,
        purpose=ConsentPurpose.FOCUS_GROUP,
        method=ConsentRecord.WithdrawalMethod.PREFERENCES,
    )
    with pytest.raises(LinkProblem) as problem:
        focus_group_join(signed=signed, username="amina", password=GOOD_PASSWORD)
    assert problem.value.reason == "withdrawn"
    assert not FocusGroupMember.objects.exists()


def test_a_username_is_taken_whatever_its_letter_case(wants_to_join, coordinator, client):
    get_user_model().objects.create_user(username="Amina.Yusuf", password="x")
    invitation = focus_group_invite(attendee=wants_to_join, by=coordinator)

    response = client.post(join_path(invitation), join_form(username="amina.yusuf"))

    assert response.status_code == 200
    assert "Someone already has this username" in response.content.decode()
    assert not FocusGroupMember.objects.exists()


# The page the link opens ---------------------------------------------------------------


def test_the_join_page_welcomes_them_and_suggests_a_username(wants_to_join, coordinator, client):
    get_user_model().objects.create_user(username="amina.yusuf", password="x")
    invitation = focus_group_invite(attendee=wants_to_join, by=coordinator)

    response = client.get(join_path(invitation))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Welcome, Amina" in page
    assert "ground rules" in page
    assert "personal details" in page
    assert "step down" in page
    assert response.context["form"]["username"].value() == "amina.yusuf2"
    assert response["Cache-Control"].startswith("max-age=0")


def test_joining_signs_them_in_and_opens_their_panel_page(wants_to_join, coordinator, client):
    invitation = focus_group_invite(attendee=wants_to_join, by=coordinator)

    response = client.post(join_path(invitation), join_form(), follow=True)

    assert response.redirect_chain[-1][0] == reverse("panel:home")
    assert response.status_code == 200
    assert response.context["user"].username == "amina.yusuf"
    assert "Welcome to the focus group" in response.content.decode()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"password1": "short", "password2": "short"}, "password1", "too short"),
        (
            {"password1": "password1234", "password2": "password1234"},
            "password1",
            "too common",
        ),
        ({"password1": "my.name.1234", "password2": "my.name.1234"}, "password1", "too similar"),
        ({"password2": "something-else-entirely"}, "password2", "not the same"),
        ({"agree": ""}, "agree", "Tick the box"),
        ({"username": "amina yusuf"}, "username", "with no spaces"),
    ],
)
def test_a_problem_is_shown_beside_its_field_and_what_was_typed_is_kept(
    wants_to_join, coordinator, client, changes, field, message
):
    invitation = focus_group_invite(attendee=wants_to_join, by=coordinator)

    response = client.post(join_path(invitation), join_form(**{"username": "my.name", **changes}))

    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    # Beside the field, and in the summary at the top that links to it.
    assert f'id="id_{field}_error"' in page
    assert f'href="#id_{field}"' in page
    assert f'value="{changes.get("username", "my.name")}"' in page
    # Passwords are never sent back to the browser.
    assert GOOD_PASSWORD not in page
    assert "something-else-entirely" not in page
    assert not FocusGroupMember.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_used_expired_and_forged_links_get_a_clear_page(wants_to_join, coordinator, client):
    forged = reverse("panel:join", kwargs={"signed": "not-a-real-link"})
    for response in (client.get(forged), client.post(forged, join_form())):
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
        assert "Coordinator" in response.content.decode()

    with past(days=15):
        expired = join_path(focus_group_invite(attendee=wants_to_join, by=coordinator))
    for response in (client.get(expired), client.post(expired, join_form())):
        assert response.status_code == 410
        assert "This invitation has run out" in response.content.decode()
        assert "ask for a new invitation" in response.content.decode()

    FocusGroupInvitation.objects.all().delete()
    used = join_path(focus_group_invite(attendee=wants_to_join, by=coordinator))
    assert client.post(used, join_form()).status_code == 302
    client.logout()
    for response in (client.get(used), client.post(used, join_form(username="another"))):
        assert response.status_code == 410
        assert "This invitation has been used" in response.content.decode()
    assert FocusGroupMember.objects.count() == 1


# The staff pages -----------------------------------------------------------------------


def test_the_invite_list_shows_only_contacts_who_would_like_to_join_and_are_not_members(
    coordinator_client, attendee_factory, focus_group_member_factory
):
    attendee_factory(name="Wants To Join", consents=[ConsentPurpose.FOCUS_GROUP])
    attendee_factory(name="Only Updates", subscribed=True)
    focus_group_member_factory(
        attendee=attendee_factory(name="Already Member", consents=[ConsentPurpose.FOCUS_GROUP])
    )
    focus_group_member_factory(
        ended=True,
        attendee=attendee_factory(name="Left Last Year", consents=[ConsentPurpose.FOCUS_GROUP]),
    )

    response = coordinator_client.get(reverse("feedback:focus-group-invite"))

    page = response.content.decode()
    assert "Wants To Join" in page
    assert "Left Last Year" in page
    assert "Was a member until" in page
    assert "Only Updates" not in page
    assert "Already Member" not in page
    assert response["Cache-Control"].startswith("max-age=0")
    entry = AuditLogEntry.objects.get()
    assert entry.action == AuditLogEntry.Action.VIEWED_LIST
    assert "focus group" in entry.subject


def test_a_coordinator_invites_with_one_button(coordinator_client, wants_to_join):
    url = reverse("feedback:focus-group-invite-send", kwargs={"pk": wants_to_join.pk})

    response = coordinator_client.post(url, follow=True)
    assert "An invitation is on its way to Amina Yusuf" in response.content.decode()
    assert OutboxMessage.objects.filter(attendee=wants_to_join).count() == 1

    response = coordinator_client.post(url, follow=True)
    assert "less than a day ago" in response.content.decode()
    assert OutboxMessage.objects.filter(attendee=wants_to_join).count() == 1


def test_a_contact_who_does_not_want_to_join_cannot_be_invited_by_changing_the_address(
    coordinator_client, attendee_factory
):
    only_updates = attendee_factory(subscribed=True)
    url = reverse("feedback:focus-group-invite-send", kwargs={"pk": only_updates.pk})

    response = coordinator_client.post(url, follow=True)

    assert "have not said they would like to join" in response.content.decode()
    assert not OutboxMessage.objects.exists()
