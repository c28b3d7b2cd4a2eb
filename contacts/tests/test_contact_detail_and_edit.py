"""One contact's staff page, and what officers change there: corrections to their
details, the events they came to, and consent they took back."""

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import (
    PRIVACY_NOTICE_VERSION,
    Attendance,
    Attendee,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    Ethnicity,
    OutboxMessage,
)
from contacts.services.invitations import event_invite
from contacts.services.records import attendee_erase, attendee_update
from contacts.tests.factories import (
    AttendanceFactory,
    AttendeeFactory,
    ConsentRecordFactory,
    InvitationFactory,
    OutboxMessageFactory,
)
from contacts.tests.helpers import audit_entries, is_not_cached
from engagement.models import AuditLogEntry
from engagement.tests.factories import CommunityFactory
from events.tests.factories import EventFactory

EMAIL_UPDATES = ConsentPurpose.EMAIL_UPDATES
FOCUS_GROUP = ConsentPurpose.FOCUS_GROUP
DEMOGRAPHICS = ConsentPurpose.DEMOGRAPHIC_DATA


# The contact's page -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_contact_page_shows_every_consent_event_invitation_and_email(
    coordinator_client, coordinator
):
    coordinator.first_name, coordinator.last_name = "Carla", "Coordinator"
    coordinator.save()
    amina = AttendeeFactory(
        name="Amina Khan",
        email="amina@example.org",
        source=ConsentMethod.PAPER,
        entered_by=coordinator,
        consents=[FOCUS_GROUP],
    )
    ConsentRecordFactory(
        attendee=amina,
        notice_version="2025-01",
        method=ConsentMethod.PAPER,
        recorded_by=coordinator,
        withdrawn_at=timezone.now(),
        withdrawal_method=ConsentRecord.WithdrawalMethod.ONE_CLICK,
    )
    AttendanceFactory(attendee=amina, event__title="Moss Side listening event")
    invited = EventFactory(title="Rusholme question time")
    InvitationFactory(event=invited, attendee=amina, invited_by=coordinator)
    OutboxMessageFactory(
        to_address=amina.email,
        attendee=amina,
        subject="You're invited: Rusholme question time",
        status=OutboxMessage.Status.SENT,
    )

    response = coordinator_client.get(amina.get_staff_url())
    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Amina Khan",
        "Interest in joining the focus group",
        PRIVACY_NOTICE_VERSION,
        "2025-01",
        "Paper form, entered by an officer (Carla Coordinator)",
        "One-click unsubscribe from an email",
        "Moss Side listening event",
        "Rusholme question time",
        "You&#x27;re invited: Rusholme question time",
        "a•••@example.org",
        "Sent",
        reverse("contacts:edit", args=[amina.pk]),
        reverse("contacts:record-attendance", args=[amina.pk]),
        reverse("contacts:withdraw", args=[amina.pk]),
    ):
        assert text in page, text
    assert is_not_cached(response)
    [entry] = audit_entries(AuditLogEntry.Action.VIEWED_CONTACT)
    assert entry.subject == f"contact {amina.pk}"


@pytest.mark.django_db
def test_demographics_show_only_while_their_consent_is_live(coordinator_client):
    amina = AttendeeFactory(
        shares_demographics=True, ethnicity=Ethnicity.PAKISTANI, age_band="25_34"
    )
    assert "Asian: Pakistani" in coordinator_client.get(amina.get_staff_url()).content.decode()
    amina.consents.update(withdrawn_at=timezone.now())
    page = coordinator_client.get(amina.get_staff_url()).content.decode()
    assert "Asian: Pakistani" not in page
    assert "25 to 34" not in page


@pytest.mark.django_db
def test_an_erased_contact_shows_no_details_and_cannot_be_changed(coordinator_client):
    gone = AttendeeFactory(
        name="Dan Gone", email="dan@example.org", phone="07700 900999", subscribed=True
    )
    attendee_erase(attendee=gone)
    response = coordinator_client.get(gone.get_staff_url())
    page = response.content.decode()
    assert "Erased contact" in page
    assert "Dan Gone" not in page and "dan@" not in page and "07700" not in page
    assert "They erased their data" in page
    assert reverse("contacts:edit", args=[gone.pk]) not in page
    edit = coordinator_client.get(reverse("contacts:edit", args=[gone.pk]))
    assert edit.status_code == 302
    assert edit.url == gone.get_staff_url()


# Correcting their details -----------------------------------------------------------


@pytest.mark.django_db
def test_an_officer_corrects_name_email_and_phone_and_it_is_audited(
    coordinator_client, coordinator
):
    amina = AttendeeFactory(name="Amina Kahn", email="amina@example.org")
    response = coordinator_client.post(
        reverse("contacts:edit", args=[amina.pk]),
        {"name": "Amina Khan", "email": "amina.khan@example.org", "phone": "07700 900123"},
    )
    assert response.status_code == 302
    assert response.url == amina.get_staff_url()
    amina.refresh_from_db()
    assert (amina.name, amina.email, amina.phone) == (
        "Amina Khan",
        "amina.khan@example.org",
        "07700 900123",
    )
    [entry] = audit_entries(AuditLogEntry.Action.CHANGED_CONTACT)
    assert entry.user == coordinator
    assert entry.subject == f"contact {amina.pk}: name, email, phone"


@pytest.mark.django_db
def test_saving_without_changes_is_audited_as_no_change(coordinator_client, amina):
    coordinator_client.post(
        reverse("contacts:edit", args=[amina.pk]),
        {"name": amina.name, "email": amina.email, "phone": ""},
    )
    [entry] = audit_entries(AuditLogEntry.Action.CHANGED_CONTACT)
    assert entry.subject == f"contact {amina.pk}: no change"
    assert EMAIL_UPDATES in amina.live_consent_purposes()


@pytest.mark.django_db
def test_demographics_can_be_edited_only_while_their_consent_is_live(coordinator_client):
    somali = CommunityFactory(name="Somali community")
    without = AttendeeFactory(name="Ben", email="ben@example.org", subscribed=True)
    response = coordinator_client.get(reverse("contacts:edit", args=[without.pk]))
    assert "ethnicity" not in response.context["form"].fields
    assert "not kept: they have not agreed to it" in response.content.decode()
    coordinator_client.post(
        reverse("contacts:edit", args=[without.pk]),
        {"name": "Ben", "email": "ben@example.org", "ethnicity": Ethnicity.ARAB},
    )
    without.refresh_from_db()
    assert without.ethnicity == ""

    amina = AttendeeFactory(
        name="Amina Khan",
        email="amina@example.org",
        shares_demographics=True,
        ethnicity=Ethnicity.AFRICAN,
    )
    response = coordinator_client.post(
        reverse("contacts:edit", args=[amina.pk]),
        {
            "name": "Amina Khan",
            "email": "amina@example.org",
            "ethnicity": Ethnicity.OTHER_BLACK,
            "age_band": "35_44",
            "communities": [somali.pk],
            "postcode_district": "m14",
        },
    )
    assert response.status_code == 302
    amina.refresh_from_db()
    assert amina.ethnicity == Ethnicity.OTHER_BLACK
    assert amina.postcode_district == "M14"
    assert list(amina.communities.all()) == [somali]
    subjects = {entry.subject for entry in audit_entries(AuditLogEntry.Action.CHANGED_CONTACT)}
    assert f"contact {amina.pk}: ethnicity, age_band, postcode_district, communities" in subjects


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "not an email"}, "email", "Enter an email address in the right format"),
        ({"phone": "call me maybe"}, "phone", "Enter a phone number"),
        ({"email": "ben@example.org"}, "email", "Another contact already has this email"),
        ({"email": ""}, "email", "They get email updates, so they need an email address"),
    ],
)
def test_bad_edits_keep_what_was_typed_with_a_message_beside_the_field(
    coordinator_client, amina, data, field, message
):
    AttendeeFactory(name="Ben", email="ben@example.org")
    posted = {"name": "Amina Typed", "email": "amina@example.org", "phone": "", **data}
    response = coordinator_client.post(reverse("contacts:edit", args=[amina.pk]), posted)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'href="#id_{field}"' in page
    assert 'value="Amina Typed"' in page
    if data.get(field):
        assert f'value="{data[field]}"' in page
    assert page.count(message) == 2, "the message is in the summary and beside the field"
    amina.refresh_from_db()
    assert amina.name == "Amina Khan"
    assert not audit_entries(AuditLogEntry.Action.CHANGED_CONTACT)


@pytest.mark.django_db
def test_a_corrected_email_must_be_confirmed_before_updates_go_to_it(coordinator_client):
    ada = AttendeeFactory(
        name="Ada", email="ada@example.org", source=ConsentMethod.PAPER, subscribed=True
    )
    # Queued but not yet sent: the test transaction never commits.
    event_invite(event=EventFactory(), attendees=Attendee.objects.all(), by=None)
    response = coordinator_client.post(
        reverse("contacts:edit", args=[ada.pk]),
        {"name": "Ada", "email": "ada.new@example.org", "phone": ""},
    )
    assert response.status_code == 302, response.context["form"].errors
    ada.refresh_from_db()
    assert ada.email == "ada.new@example.org"
    assert EMAIL_UPDATES not in ada.live_consent_purposes()
    assert ada.consents.awaiting_confirmation().count() == 1
    assert ada.messages.filter(to_address="ada.new@example.org").exists()
    old_mail = ada.messages.filter(to_address="ada@example.org")
    assert not old_mail.filter(status__in=["queued", "sending"]).exists()


@pytest.mark.django_db
def test_a_correction_is_saved_from_plain_values_without_a_form(coordinator):
    """Tasks, demo data and other apps call the same service the edit page does."""
    somali = CommunityFactory()
    amina = AttendeeFactory(
        name="Amina Kahn", email="amina@example.org", subscribed=True, shares_demographics=True
    )
    changed = attendee_update(
        attendee=amina,
        by=coordinator,
        name="Amina Khan",
        email="amina@example.org",
        phone="07700 900123",
        communities=[somali],
        age_band="25_34",
    )
    assert changed == ["name", "phone", "age_band", "communities"]
    amina.refresh_from_db()
    assert (amina.name, amina.phone, amina.age_band) == ("Amina Khan", "07700 900123", "25_34")
    assert list(amina.communities.all()) == [somali]
    # The address did not change, so updates carry on without a new confirmation.
    assert EMAIL_UPDATES in amina.live_consent_purposes()
    assert not OutboxMessage.objects.exists()

    same = {"name": "Amina Khan", "email": "amina@example.org", "phone": "07700 900123"}
    assert attendee_update(attendee=amina, by=coordinator, **same) == []


@pytest.mark.django_db
def test_a_correction_never_keeps_demographics_without_consent_nor_changes_an_erased_contact(
    coordinator,
):
    ben = AttendeeFactory(name="Ben", email="ben@example.org", subscribed=True)
    details = {"name": "Ben", "email": "ben@example.org", "phone": ""}
    with pytest.raises(ValueError):
        attendee_update(attendee=ben, by=coordinator, ethnicity=Ethnicity.ARAB, **details)
    ben.refresh_from_db()
    assert ben.ethnicity == ""

    attendee_erase(attendee=ben)
    with pytest.raises(ValueError):
        attendee_update(attendee=ben, by=coordinator, **details)
    assert Attendee.objects.get(pk=ben.pk).email == ""


# Attendance and withdrawals ---------------------------------------------------------


@pytest.mark.django_db
def test_an_officer_records_attendance_at_an_event(coordinator_client, amina):
    event = EventFactory(past=True, title="Moss Side listening event")
    upcoming = EventFactory(title="Next month")
    page = coordinator_client.get(amina.get_staff_url()).content.decode()
    assert "Moss Side listening event" in page
    assert f'value="{upcoming.pk}"' not in page

    response = coordinator_client.post(
        reverse("contacts:record-attendance", args=[amina.pk]), {"event": event.pk}, follow=True
    )
    assert Attendance.objects.filter(attendee=amina, event=event).exists()
    assert "Recorded that they came to Moss Side listening event" in response.content.decode()
    [entry] = audit_entries(AuditLogEntry.Action.CHANGED_CONTACT)
    assert entry.subject == f"contact {amina.pk}: attended event {event.pk}"

    response = coordinator_client.post(
        reverse("contacts:record-attendance", args=[amina.pk]), {"event": upcoming.pk}, follow=True
    )
    assert not Attendance.objects.filter(event=upcoming).exists()
    assert "Choose an event from the list." in response.content.decode()


@pytest.mark.django_db
def test_an_officer_records_a_withdrawal_of_one_consent(coordinator_client):
    amina = AttendeeFactory(subscribed=True, consents=[FOCUS_GROUP])
    response = coordinator_client.post(
        reverse("contacts:withdraw", args=[amina.pk]), {"purpose": FOCUS_GROUP}, follow=True
    )
    assert amina.live_consent_purposes() == {EMAIL_UPDATES}
    withdrawn = amina.consents.get(purpose=FOCUS_GROUP)
    assert withdrawn.withdrawal_method == ConsentRecord.WithdrawalMethod.STAFF
    assert "they no longer agree to Interest in joining the focus group" in (
        response.content.decode()
    )
    assert "Recorded by an officer" in response.content.decode()
    [entry] = audit_entries(AuditLogEntry.Action.CHANGED_CONTACT)
    assert entry.subject == f"contact {amina.pk}: withdrew focus_group"


@pytest.mark.django_db
def test_withdrawing_what_was_never_given_changes_nothing(coordinator_client, amina):
    response = coordinator_client.post(
        reverse("contacts:withdraw", args=[amina.pk]),
        {"purpose": ConsentPurpose.LAY_OBSERVATION},
        follow=True,
    )
    assert "nothing changed" in response.content.decode()
    assert amina.live_consent_purposes() == {EMAIL_UPDATES}
    bad = coordinator_client.post(
        reverse("contacts:withdraw", args=[amina.pk]), {"purpose": "everything"}
    )
    assert bad.status_code == 302
    assert amina.live_consent_purposes() == {EMAIL_UPDATES}


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["contacts:record-attendance", "contacts:withdraw"])
def test_recording_attendance_or_a_withdrawal_needs_a_post(coordinator_client, amina, url_name):
    assert coordinator_client.get(reverse(url_name, args=[amina.pk])).status_code == 405
