"""Inviting contacts to an event: the page that counts who would be invited, the POST
that invites them, and the emails that go out."""

import pytest
from django.urls import reverse

from contacts.models import Attendee, ConsentPurpose, ConsentRecord, Invitation, OutboxMessage
from contacts.services.consent import consent_withdraw
from contacts.services.invitations import event_invite
from contacts.services.records import attendee_erase
from contacts.tests.factories import AttendeeFactory, InvitationFactory
from engagement.roles import Role
from engagement.tests.factories import CommunityFactory
from engagement.tests.smtp import text_of
from events.models import Event
from events.tests.factories import EventFactory

EMAIL_UPDATES = ConsentPurpose.EMAIL_UPDATES
FOCUS_GROUP = ConsentPurpose.FOCUS_GROUP
DEMOGRAPHICS = ConsentPurpose.DEMOGRAPHIC_DATA


# The page and the POST --------------------------------------------------------------


@pytest.mark.django_db
def test_a_coordinator_sees_how_many_would_be_invited_then_invites_them(
    coordinator_client, coordinator
):
    somali = CommunityFactory(name="Somali community")
    event = EventFactory(focus_community=somali)
    in_somali = {"consents": [EMAIL_UPDATES, DEMOGRAPHICS], "communities": [somali]}
    for number in range(3):
        AttendeeFactory(name=f"Somali {number}", **in_somali)
    already = AttendeeFactory(name="Already", **in_somali)
    InvitationFactory(event=event, attendee=already, invited_by=coordinator)
    AttendeeFactory(name="Elsewhere", subscribed=True)
    AttendeeFactory(
        name="Unconfirmed",
        shares_demographics=True,
        awaiting=[EMAIL_UPDATES],
        communities=[somali],
    )

    url = reverse("contacts:invite", args=[event.pk])
    # The event's own community is chosen to start with.
    response = coordinator_client.get(url)
    counts = response.context["counts"]
    assert (counts.matching, counts.already_invited, counts.to_invite) == (4, 1, 3)
    page = response.content.decode()
    assert "Invite 3 people" in page
    assert f'action="{reverse("contacts:invite-send", args=[event.pk])}"' in page
    everyone = coordinator_client.get(url, {"community": ""})
    assert everyone.context["counts"].to_invite == 4

    response = coordinator_client.post(
        reverse("contacts:invite-send", args=[event.pk]), {"community": somali.pk, "interest": ""}
    )
    assert response.status_code == 302
    assert response.url == event.get_staff_url()
    invited = set(event.invitations.values_list("attendee__name", flat=True))
    assert invited == {"Already", "Somali 0", "Somali 1", "Somali 2"}
    assert OutboxMessage.objects.filter(subject__contains=event.title).count() == 3
    page = coordinator_client.get(response.url).content.decode()
    assert "Invitations are on their way to 3 people" in page


@pytest.mark.django_db
def test_inviting_by_interest(coordinator_client):
    event = EventFactory(focus_community=None)
    AttendeeFactory(name="Focus", subscribed=True, consents=[FOCUS_GROUP])
    AttendeeFactory(name="Updates only", subscribed=True)
    response = coordinator_client.get(
        reverse("contacts:invite", args=[event.pk]), {"interest": FOCUS_GROUP}
    )
    assert response.context["counts"].to_invite == 1
    coordinator_client.post(
        reverse("contacts:invite-send", args=[event.pk]), {"interest": FOCUS_GROUP}
    )
    assert list(event.invitations.values_list("attendee__name", flat=True)) == ["Focus"]


@pytest.mark.django_db
def test_a_choice_that_is_not_understood_never_invites_everyone(coordinator_client, amina):
    event = EventFactory()
    response = coordinator_client.post(
        reverse("contacts:invite-send", args=[event.pk]), {"community": "999999"}
    )
    assert response.status_code == 302
    assert response.url == reverse("contacts:invite", args=[event.pk])
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_nobody_is_invited_to_an_event_that_is_over_or_cancelled(coordinator_client, amina):
    past = EventFactory(past=True)
    cancelled = EventFactory(status=Event.Status.CANCELLED)
    for event in (past, cancelled):
        page = coordinator_client.get(reverse("contacts:invite", args=[event.pk]))
        assert "nobody can be invited" in page.content.decode()
        response = coordinator_client.post(
            reverse("contacts:invite-send", args=[event.pk]), {"community": ""}
        )
        assert response.url == event.get_staff_url()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_inviting_needs_a_post_and_the_page_only_counts(coordinator_client, amina):
    event = EventFactory(focus_community=None)
    send = reverse("contacts:invite-send", args=[event.pk])
    assert coordinator_client.get(send).status_code == 405
    page = reverse("contacts:invite", args=[event.pk])
    assert coordinator_client.post(page, {"community": ""}).status_code == 405
    assert not Invitation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [Role.LEADER, Role.ACTION_OWNER, Role.FOCUS_GROUP_MEMBER, Role.ADMINISTRATOR, None],
    ids=lambda role: str(role or "anonymous"),
)
def test_only_people_who_manage_events_can_invite(client_for_role, amina, role):
    event = EventFactory(focus_community=None)
    response = client_for_role(role).post(reverse("contacts:invite-send", args=[event.pk]))
    if role is None:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert not OutboxMessage.objects.exists()


# The invitations themselves ---------------------------------------------------------


@pytest.mark.django_db
def test_an_invitation_carries_the_event_as_a_calendar_file(
    smtp_server, coordinator, django_capture_on_commit_callbacks, settings
):
    event = EventFactory(title="Listening in Moss Side", slug="listening-in-moss-side")
    sam = AttendeeFactory(subscribed=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert event_invite(event=event, attendees=Attendee.objects.all(), by=coordinator) == 1

    (email,) = smtp_server.wait_for(1)
    (attachment,) = list(email.iter_attachments())
    assert attachment.get_filename() == "listening-in-moss-side.ics"
    assert attachment.get_content_type() == "text/calendar"
    calendar = attachment.get_content()
    calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
    assert "BEGIN:VCALENDAR" in calendar
    assert "SUMMARY:Listening in Moss Side" in calendar
    # A long header is folded onto a second line, which leaves a space in front.
    unsubscribe = f"<{settings.SITE_URL}{reverse('unsubscribe', args=[sam.token])}>"
    assert email["List-Unsubscribe"].strip() == unsubscribe
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Listening in Moss Side" in text_of(email)
    assert email.get_body(preferencelist=("html",)) is not None


@pytest.mark.django_db
def test_an_event_invitation_goes_once_to_each_consented_contact_only(
    smtp_server, coordinator, django_capture_on_commit_callbacks
):
    event = EventFactory()
    consented = [AttendeeFactory(email=f"yes{n}@example.org", subscribed=True) for n in range(3)]
    AttendeeFactory(email="unconfirmed@example.org", awaiting=[EMAIL_UPDATES])
    withdrawn = AttendeeFactory(email="withdrawn@example.org", subscribed=True)
    consent_withdraw(
        attendee=withdrawn,
        purpose=EMAIL_UPDATES,
        method=ConsentRecord.WithdrawalMethod.ONE_CLICK,
    )
    attendee_erase(attendee=AttendeeFactory(email="erased@example.org", subscribed=True))
    AttendeeFactory(email="focus-group-only@example.org", consents=[FOCUS_GROUP])
    AttendeeFactory(name="Phone only", email="", phone="0161 000 0000", subscribed=True)

    with django_capture_on_commit_callbacks(execute=True):
        assert event_invite(event=event, attendees=Attendee.objects.all(), by=coordinator) == 3
    emails = smtp_server.wait_for(3)
    assert sorted(str(email["To"]) for email in emails) == [a.email for a in consented]
    assert set(Invitation.objects.values_list("attendee_id", flat=True)) == {
        a.pk for a in consented
    }
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}

    # Inviting again sends nothing new to those already invited.
    with django_capture_on_commit_callbacks(execute=True):
        assert event_invite(event=event, attendees=Attendee.objects.all(), by=coordinator) == 0
    newcomer = AttendeeFactory(email="newcomer@example.org", subscribed=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert event_invite(event=event, attendees=Attendee.objects.all(), by=coordinator) == 1
    emails = smtp_server.wait_for(4)
    assert len(smtp_server.messages) == 4
    assert emails[-1]["To"] == newcomer.email
    assert OutboxMessage.objects.count() == 4
    assert Invitation.objects.count() == 4


@pytest.mark.django_db
def test_the_page_counts_exactly_those_the_invitation_goes_to(coordinator_client, coordinator):
    """The counts and the invitations come from the same queryset, so they agree."""
    event = EventFactory(focus_community=None)
    AttendeeFactory.create_batch(3, subscribed=True)
    InvitationFactory(event=event)
    AttendeeFactory(awaiting=[EMAIL_UPDATES])
    AttendeeFactory(email="", subscribed=True)
    counts = coordinator_client.get(reverse("contacts:invite", args=[event.pk])).context["counts"]
    invited = event_invite(event=event, attendees=Attendee.objects.all(), by=coordinator)
    assert counts.to_invite == invited == 3
    assert counts.already_invited == 1
