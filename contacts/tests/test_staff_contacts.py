import csv
import io
import re
from datetime import timedelta

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
    Invitation,
    OutboxMessage,
)
from contacts.services.records import attendee_erase
from engagement.models import AuditLogEntry
from engagement.roles import Role
from engagement.tests.factories import CommunityFactory
from events.models import Event
from events.tests.factories import EventFactory

EMAIL_UPDATES = ConsentPurpose.EMAIL_UPDATES
DEMOGRAPHICS = ConsentPurpose.DEMOGRAPHIC_DATA


def contact(
    name="Amina Khan",
    email="amina@example.org",
    phone="",
    *,
    purposes=(EMAIL_UPDATES,),
    awaiting=(),
    communities=(),
    ethnicity="",
    age_band="",
    **fields,
) -> Attendee:
    """A contact with a live consent for each of `purposes` and an unconfirmed email
    updates consent if `awaiting` holds it."""
    attendee = Attendee.objects.create(
        name=name, email=email, phone=phone, ethnicity=ethnicity, age_band=age_band, **fields
    )
    for purpose in purposes:
        ConsentRecord.objects.create(
            attendee=attendee,
            purpose=purpose,
            notice_version=PRIVACY_NOTICE_VERSION,
            method=ConsentMethod.ONLINE,
            confirmed_at=timezone.now(),
        )
    for purpose in awaiting:
        ConsentRecord.objects.create(
            attendee=attendee,
            purpose=purpose,
            notice_version=PRIVACY_NOTICE_VERSION,
            method=ConsentMethod.ONLINE,
        )
    attendee.communities.set(communities)
    return attendee


def many_contacts(count, *, start=0, community=None, event=None):
    for number in range(start, start + count):
        attendee = contact(
            f"Person {number}",
            f"person{number}@example.org",
            purposes=(EMAIL_UPDATES, ConsentPurpose.FOCUS_GROUP, DEMOGRAPHICS),
            communities=[community] if community else [],
            ethnicity=Ethnicity.CARIBBEAN,
        )
        if event:
            Attendance.objects.create(attendee=attendee, event=event)


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    return client


def is_not_cached(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def audit_entries(action):
    return list(AuditLogEntry.objects.filter(action=action))


# Who may see what ------------------------------------------------------------------

PERSONAL_DATA_PAGES = [
    ("contacts:list", False),
    ("contacts:export", False),
    ("contacts:new", False),
    ("contacts:detail", True),
    ("contacts:edit", True),
    ("contacts:outbox", False),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LEADER, Role.ACTION_OWNER, Role.FOCUS_GROUP_MEMBER], ids=str)
@pytest.mark.parametrize(("url_name", "for_a_contact"), PERSONAL_DATA_PAGES)
def test_no_page_with_personal_data_answers_leaders_action_owners_or_the_focus_group(
    client_for_role, role, url_name, for_a_contact
):
    amina = contact(phone="07700 900123")
    OutboxMessage.objects.create(
        dedupe_key="x", to_address=amina.email, subject="Hello", body_text="", message_id="<1@x>"
    )
    url = reverse(url_name, kwargs={"pk": amina.pk} if for_a_contact else {})
    response = client_for_role(role).get(url)
    assert response.status_code == 403
    page = response.content.decode()
    for personal in ("Amina", "amina@", "07700", "a•••@example.org"):
        assert personal not in page
    assert AuditLogEntry.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "for_a_contact"), PERSONAL_DATA_PAGES)
def test_pages_with_personal_data_are_never_cached(coordinator_client, url_name, for_a_contact):
    amina = contact()
    url = reverse(url_name, kwargs={"pk": amina.pk} if for_a_contact else {})
    response = coordinator_client.get(url)
    assert response.status_code == 200
    assert is_not_cached(response)
    assert "private" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in_for_contacts(client):
    amina = contact()
    for url in (reverse("contacts:list"), reverse("contacts:detail", args=[amina.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response.url


@pytest.mark.django_db
def test_an_administrator_may_read_and_correct_but_not_enter_forms_or_attendance(
    administrator_client,
):
    amina = contact()
    event = EventFactory(past=True)
    assert administrator_client.get(reverse("contacts:detail", args=[amina.pk])).status_code == 200
    assert administrator_client.get(reverse("contacts:new")).status_code == 403
    response = administrator_client.post(
        reverse("contacts:record-attendance", args=[amina.pk]), {"event": event.pk}
    )
    assert response.status_code == 403
    assert not Attendance.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.COORDINATOR, {"Contacts", "Contact numbers", "Outbox"}, {"Audit log"}),
        (Role.LEADER, {"Contact numbers"}, {"Contacts", "Outbox", "Audit log"}),
        (Role.ADMINISTRATOR, {"Contacts", "Contact numbers", "Outbox", "Audit log"}, set()),
        (Role.ACTION_OWNER, set(), {"Contacts", "Contact numbers", "Outbox", "Audit log"}),
    ],
    ids=lambda value: str(value) if isinstance(value, str) else "",
)
def test_the_navigation_leads_each_role_to_the_contact_pages_it_may_use(
    client_for_role, role, shown, hidden
):
    response = client_for_role(role).get(reverse("staff-home"))
    labels = {str(item["label"]) for item in response.context["staff_navigation"]}
    assert shown <= labels
    assert not hidden & labels


# The list ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_each_contact_with_what_they_agreed_to_and_their_status(
    coordinator_client,
):
    somali = CommunityFactory(name="Somali community")
    contact(
        "Amina Khan",
        "amina@example.org",
        "07700 900123",
        purposes=(EMAIL_UPDATES, ConsentPurpose.FOCUS_GROUP, DEMOGRAPHICS),
        communities=[somali],
    )
    contact("Ben Jones", "ben@example.org", purposes=(), awaiting=(EMAIL_UPDATES,))
    contact("Chloe Smith", "", "0161 496 0000", purposes=(ConsentPurpose.LAY_OBSERVATION,))
    erased = contact("Dan Gone", "dan@example.org")
    attendee_erase(attendee=erased)

    response = coordinator_client.get(reverse("contacts:list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "4 contacts" in page
    for text in (
        "Amina Khan",
        "amina@example.org",
        "07700 900123",
        "Interest in joining the focus group",
        "Somali community",
        "Subscribed to updates",
        "Ben Jones",
        "Awaiting confirmation",
        "Chloe Smith",
        "Not subscribed",
        "Erased contact",
        "Online form",
    ):
        assert text in page, text
    assert "Dan Gone" not in page
    assert "dan@example.org" not in page
    assert reverse("contacts:detail", args=[erased.pk]) in page
    assert "<caption" in page and 'scope="col"' in page
    assert 'style="' not in page and "<script" not in page


@pytest.mark.django_db
def test_communities_are_not_shown_once_demographic_consent_is_withdrawn(coordinator_client):
    somali = CommunityFactory(name="Somali community")
    amina = contact(purposes=(EMAIL_UPDATES, DEMOGRAPHICS), communities=[somali])
    amina.consents.filter(purpose=DEMOGRAPHICS).update(withdrawn_at=timezone.now())
    response = coordinator_client.get(reverse("contacts:list"))
    rows = response.context["rows"]
    assert rows[0].communities == []
    assert rows[0].agreed_to == ["Email updates about events and what we did"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"Amina", "Ben", "Chloe", "Erased"}),
        ({"community": "somali"}, {"Amina"}),
        ({"interest": ConsentPurpose.LAY_OBSERVATION}, {"Chloe"}),
        ({"interest": ConsentPurpose.FOCUS_GROUP}, {"Amina"}),
        ({"event": "event"}, {"Ben"}),
        ({"status": "subscribed"}, {"Amina"}),
        ({"status": "awaiting"}, {"Ben"}),
        ({"status": "not_subscribed"}, {"Chloe"}),
        ({"status": "erased"}, {"Erased"}),
        ({"status": "subscribed", "community": "somali"}, {"Amina"}),
        ({"status": "awaiting", "community": "somali"}, set()),
    ],
)
def test_the_list_filters_by_community_interest_event_and_status(
    coordinator_client, query, expected
):
    somali = CommunityFactory(name="Somali community")
    event = EventFactory(past=True)
    contact(
        "Amina",
        "amina@example.org",
        purposes=(EMAIL_UPDATES, ConsentPurpose.FOCUS_GROUP, DEMOGRAPHICS),
        communities=[somali],
    )
    ben = contact("Ben", "ben@example.org", purposes=(), awaiting=(EMAIL_UPDATES,))
    Attendance.objects.create(attendee=ben, event=event)
    # In the community, but without consent to keep it: never matched by community.
    contact(
        "Chloe",
        "chloe@example.org",
        purposes=(ConsentPurpose.LAY_OBSERVATION,),
        communities=[somali],
    )
    attendee_erase(attendee=contact("Erased", "erased@example.org"))
    values = {"somali": somali.pk, "event": event.pk}
    params = {key: values.get(value, value) for key, value in query.items()}

    response = coordinator_client.get(reverse("contacts:list"), params)
    shown = {
        "Erased" if row.attendee.is_erased else row.attendee.name
        for row in response.context["rows"]
    }
    assert shown == expected


@pytest.mark.django_db
def test_opening_the_list_is_audited_with_its_filters_and_never_cached(
    coordinator_client, coordinator
):
    somali = CommunityFactory(name="Somali community")
    contact()
    response = coordinator_client.get(
        reverse("contacts:list"), {"community": somali.pk, "status": "subscribed"}
    )
    assert is_not_cached(response)
    [entry] = audit_entries(AuditLogEntry.Action.VIEWED_LIST)
    assert entry.user == coordinator
    assert f"community={somali.pk}" in entry.subject
    assert "status=subscribed" in entry.subject
    assert entry.path.startswith(reverse("contacts:list") + "?")
    assert "amina" not in (entry.subject + entry.path).lower()


@pytest.mark.django_db
def test_the_list_is_paginated(coordinator_client):
    many_contacts(55)
    first = coordinator_client.get(reverse("contacts:list"))
    second = coordinator_client.get(reverse("contacts:list"), {"page": 2})
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 5
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.django_db
def test_the_list_takes_the_same_number_of_queries_however_many_contacts(
    coordinator_client, django_assert_max_num_queries
):
    community = CommunityFactory()
    event = EventFactory(past=True)
    many_contacts(2, community=community, event=event)
    with django_assert_max_num_queries(20) as few:
        coordinator_client.get(reverse("contacts:list"))
    many_contacts(40, start=2, community=community, event=event)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(reverse("contacts:list"))
    assert len(response.context["rows"]) == 42


# One contact ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_contact_page_shows_every_consent_event_invitation_and_email(
    coordinator_client, coordinator
):
    coordinator.first_name, coordinator.last_name = "Carla", "Coordinator"
    coordinator.save()
    amina = contact("Amina Khan", "amina@example.org", purposes=(ConsentPurpose.FOCUS_GROUP,))
    ConsentRecord.objects.create(
        attendee=amina,
        purpose=EMAIL_UPDATES,
        notice_version="2025-01",
        method=ConsentMethod.PAPER,
        recorded_by=coordinator,
        confirmed_at=timezone.now(),
        withdrawn_at=timezone.now(),
        withdrawal_method=ConsentRecord.WithdrawalMethod.ONE_CLICK,
    )
    attended = EventFactory(past=True, title="Moss Side listening event")
    Attendance.objects.create(attendee=amina, event=attended)
    invited = EventFactory(title="Rusholme question time")
    Invitation.objects.create(event=invited, attendee=amina, invited_by=coordinator)
    OutboxMessage.objects.create(
        dedupe_key="invite",
        to_address=amina.email,
        attendee=amina,
        subject="You're invited: Rusholme question time",
        body_text="",
        message_id="<1@x>",
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
        "Paper form, entered by an officer",
        "Carla Coordinator",
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
    amina = contact(purposes=(DEMOGRAPHICS,), ethnicity=Ethnicity.PAKISTANI, age_band="25_34")
    assert "Asian: Pakistani" in coordinator_client.get(amina.get_staff_url()).content.decode()
    amina.consents.update(withdrawn_at=timezone.now())
    page = coordinator_client.get(amina.get_staff_url()).content.decode()
    assert "Asian: Pakistani" not in page
    assert "25 to 34" not in page


@pytest.mark.django_db
def test_an_erased_contact_shows_no_details_and_cannot_be_changed(coordinator_client):
    gone = contact("Dan Gone", "dan@example.org", "07700 900999")
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


# Editing ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_officer_corrects_name_email_and_phone_and_it_is_audited(
    coordinator_client, coordinator
):
    amina = contact("Amina Kahn", "amina@example.org")
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
def test_demographics_can_be_edited_only_while_their_consent_is_live(coordinator_client):
    somali = CommunityFactory(name="Somali community")
    without = contact("Ben", "ben@example.org")
    response = coordinator_client.get(reverse("contacts:edit", args=[without.pk]))
    assert "ethnicity" not in response.context["form"].fields
    coordinator_client.post(
        reverse("contacts:edit", args=[without.pk]),
        {"name": "Ben", "email": "ben@example.org", "ethnicity": Ethnicity.ARAB},
    )
    without.refresh_from_db()
    assert without.ethnicity == ""

    amina = contact(purposes=(DEMOGRAPHICS,), ethnicity=Ethnicity.AFRICAN)
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
    coordinator_client, data, field, message
):
    contact("Ben", "ben@example.org")
    amina = contact("Amina Khan", "amina@example.org")
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
    amina.refresh_from_db()
    assert amina.name == "Amina Khan"
    assert not audit_entries(AuditLogEntry.Action.CHANGED_CONTACT)


# Entering a paper form --------------------------------------------------------------


def paper_form(**changes):
    data = {
        "method": ConsentMethod.PAPER,
        "name": "Grace Okafor",
        "email": "grace@example.org",
        "phone": "",
        "wants_updates": "on",
        "wants_focus_group": "",
        "wants_lay_observation": "",
        "share_demographics": "",
        "ethnicity": "",
        "age_band": "",
        "postcode_district": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


@pytest.mark.django_db
def test_a_paper_form_is_recorded_with_how_and_by_whom_and_is_live_at_once(
    coordinator_client, coordinator
):
    somali = CommunityFactory(name="Somali community")
    response = coordinator_client.post(
        reverse("contacts:new"),
        paper_form(
            wants_focus_group="on",
            share_demographics="on",
            communities=[somali.pk],
            ethnicity=Ethnicity.AFRICAN,
        ),
    )
    grace = Attendee.objects.get()
    assert response.status_code == 302
    assert response.url == grace.get_staff_url()
    assert grace.source == Attendee.Source.PAPER
    assert grace.entered_by == coordinator
    assert grace.live_consent_purposes() == {
        EMAIL_UPDATES,
        ConsentPurpose.FOCUS_GROUP,
        DEMOGRAPHICS,
    }
    for consent in grace.consents.all():
        assert consent.method == ConsentMethod.PAPER
        assert consent.recorded_by == coordinator
        assert consent.notice_version == PRIVACY_NOTICE_VERSION
    assert list(grace.communities.all()) == [somali]
    # The officer saw them sign, so no confirmation email goes out.
    assert not OutboxMessage.objects.exists()
    [entry] = audit_entries(AuditLogEntry.Action.ADDED_CONTACT)
    assert entry.subject == f"contact {grace.pk}"


@pytest.mark.django_db
def test_details_given_in_person_are_recorded_as_such(coordinator_client):
    coordinator_client.post(
        reverse("contacts:new"),
        paper_form(
            method=ConsentMethod.IN_PERSON,
            email="",
            phone="07700 900123",
            wants_updates="",
            wants_lay_observation="on",
        ),
    )
    person = Attendee.objects.get()
    assert person.source == Attendee.Source.IN_PERSON
    assert person.consents.get().method == ConsentMethod.IN_PERSON


@pytest.mark.django_db
def test_the_paper_form_asks_the_same_questions_as_the_public_form(coordinator_client):
    from contacts.forms import KeepInTouchForm

    form = coordinator_client.get(reverse("contacts:new")).context["form"]
    assert set(form.fields) == set(KeepInTouchForm().fields) | {"method"}
    assert form.fields["ethnicity"].choices == KeepInTouchForm().fields["ethnicity"].choices


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"method": ""}, "method", "Choose how they gave these details."),
        ({"email": "grace@"}, "email", "Enter an email address in the right format"),
        ({"wants_updates": ""}, "wants_updates", "Choose at least one way to stay in touch."),
        ({"ethnicity": Ethnicity.ROMA}, "share_demographics", "Tick this box"),
        ({"postcode_district": "M14 4SL"}, "postcode_district", "Enter only the first part"),
    ],
)
def test_a_bad_paper_form_keeps_what_was_typed_with_a_message_beside_the_field(
    coordinator_client, changes, field, message
):
    response = coordinator_client.post(reverse("contacts:new"), paper_form(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'value="Grace Okafor"' in page
    assert not Attendee.objects.exists()
    assert not AuditLogEntry.objects.filter(action=AuditLogEntry.Action.ADDED_CONTACT).exists()


@pytest.mark.django_db
def test_a_paper_form_from_someone_already_known_updates_their_record(coordinator_client):
    known = contact("Grace", "grace@example.org", purposes=())
    response = coordinator_client.post(reverse("contacts:new"), paper_form(), follow=True)
    assert Attendee.objects.count() == 1
    assert EMAIL_UPDATES in known.live_consent_purposes()
    assert "already a contact" in response.content.decode()


# Attendance and withdrawals ---------------------------------------------------------


@pytest.mark.django_db
def test_an_officer_records_attendance_at_an_event(coordinator_client):
    amina = contact()
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
    amina = contact(purposes=(EMAIL_UPDATES, ConsentPurpose.FOCUS_GROUP))
    response = coordinator_client.post(
        reverse("contacts:withdraw", args=[amina.pk]),
        {"purpose": ConsentPurpose.FOCUS_GROUP},
        follow=True,
    )
    assert amina.live_consent_purposes() == {EMAIL_UPDATES}
    withdrawn = amina.consents.get(purpose=ConsentPurpose.FOCUS_GROUP)
    assert withdrawn.withdrawal_method == ConsentRecord.WithdrawalMethod.STAFF
    assert "they no longer agree to Interest in joining the focus group" in (
        response.content.decode()
    )
    assert "Recorded by an officer" in response.content.decode()
    [entry] = audit_entries(AuditLogEntry.Action.CHANGED_CONTACT)
    assert entry.subject == f"contact {amina.pk}: withdrew focus_group"


@pytest.mark.django_db
def test_withdrawing_what_was_never_given_changes_nothing(coordinator_client):
    amina = contact()
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


# Export -----------------------------------------------------------------------------


def read_csv(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_the_export_is_the_filtered_list_as_csv_and_is_audited(coordinator_client, coordinator):
    somali = CommunityFactory(name="Somali community")
    contact(
        "Amina Khan",
        "amina@example.org",
        "07700 900123",
        purposes=(EMAIL_UPDATES, DEMOGRAPHICS),
        communities=[somali],
        ethnicity=Ethnicity.AFRICAN,
    )
    contact("Ben", "ben@example.org", purposes=(ConsentPurpose.FOCUS_GROUP,))
    attendee_erase(attendee=contact("Dan Gone", "dan@example.org"))

    everyone = coordinator_client.get(reverse("contacts:export"))
    assert everyone["Content-Type"].startswith("text/csv")
    assert everyone["Content-Disposition"].startswith('attachment; filename="contacts-')
    assert is_not_cached(everyone)
    rows = read_csv(everyone)
    assert rows[0][:3] == ["Name", "Email address", "Phone number"]
    assert sorted(row[0] for row in rows[1:]) == ["Amina Khan", "Ben"]
    amina_row = next(row for row in rows if row[0] == "Amina Khan")
    assert amina_row[1:3] == ["amina@example.org", "07700 900123"]
    assert "Somali community" in amina_row
    assert "Subscribed to updates" in amina_row
    # Ethnic group and age are only ever counted, never exported with a name.
    assert "Black: African" not in ",".join(amina_row)

    filtered = read_csv(
        coordinator_client.get(reverse("contacts:export"), {"status": "subscribed"})
    )
    assert [row[0] for row in filtered[1:]] == ["Amina Khan"]

    entries = audit_entries(AuditLogEntry.Action.EXPORTED)
    assert len(entries) == 2
    assert all(entry.user == coordinator for entry in entries)
    assert any("status=subscribed" in entry.subject for entry in entries)


@pytest.mark.django_db
def test_the_export_never_lets_a_spreadsheet_run_what_people_typed(coordinator_client):
    contact('=HYPERLINK("http://evil.example","click")', "x@example.org", "+44 161 496 0000")
    rows = read_csv(coordinator_client.get(reverse("contacts:export")))
    assert rows[1][0].startswith("'=")
    assert rows[1][2] == "'+44 161 496 0000"


# Counts -----------------------------------------------------------------------------


def table_in(page, caption_start):
    """{row label: cell text} for the table whose caption starts with caption_start."""
    start = page.index(f"<caption>{caption_start}")
    table = page[start : page.index("</table>", start)]
    rows = re.findall(r'<th scope="row"[^>]*>(.*?)</th>\s*<td[^>]*>(.*?)</td>', table, re.S)
    return {label.strip(): value.strip() for label, value in rows}


@pytest.mark.django_db
def test_leaders_see_counts_with_small_numbers_suppressed_and_no_names(client_for_role):
    somali, polish = CommunityFactory(name="Somali"), CommunityFactory(name="Polish")
    for number in range(9):
        contact(
            f"Indian {number}",
            f"indian{number}@example.org",
            purposes=(EMAIL_UPDATES, DEMOGRAPHICS),
            ethnicity=Ethnicity.INDIAN,
            age_band="25_34",
            communities=[somali],
        )
    for number in range(12):
        contact(
            f"Caribbean {number}",
            f"caribbean{number}@example.org",
            purposes=(EMAIL_UPDATES, ConsentPurpose.FOCUS_GROUP, DEMOGRAPHICS),
            ethnicity=Ethnicity.CARIBBEAN,
            age_band="25_34",
            communities=[polish],
        )
    for number in range(15):
        # They gave an ethnic group but then withdrew consent to keep it: not counted.
        withdrawn = contact(
            f"Withdrawn {number}",
            f"withdrawn{number}@example.org",
            purposes=(DEMOGRAPHICS,),
            ethnicity=Ethnicity.INDIAN,
        )
        withdrawn.consents.update(withdrawn_at=timezone.now())

    response = client_for_role(Role.LEADER).get(reverse("contacts:counts"))
    page = response.content.decode()
    assert response.status_code == 200

    glance = table_in(page, "Contacts who have not erased")
    assert glance["Contacts"] == "36"
    assert glance["Get email updates"] == "21"
    assert glance["Interested in the focus group"] == "12"
    assert glance["Interested in lay observation"] == "fewer than 10"

    ethnicity = table_in(page, "Contacts by ethnic group")
    assert ethnicity["Asian: Indian"] == "fewer than 10"
    assert ethnicity["Black: Caribbean"] == "12"
    assert ethnicity["Not given"] == "15"
    assert ethnicity["Total"] == "36"
    # Every ONS category is listed, with "not given" and the total.
    assert len(ethnicity) == len(Ethnicity) + 2

    # Somali (9) is hidden; with only one small cell, the next smallest (Polish, 12)
    # is hidden too, or 36 - 12 - 15 would give the Somali count away.
    community = table_in(page, "Contacts by the communities")
    assert community == {
        "Polish": "fewer than 10",
        "Somali": "fewer than 10",
        "Not given": "15",
        "Total": "36",
    }

    age = table_in(page, "Contacts by age band")
    assert age["25 to 34"] == "21"
    assert age["Not given"] == "15"

    for personal in ("Indian 0", "indian0@", "Caribbean 1", "Withdrawn 2"):
        assert personal not in page
    assert page.count("<caption>") == 4
    assert 'scope="row"' in page and 'scope="col"' in page
    assert not AuditLogEntry.objects.exists()


@pytest.mark.django_db
def test_a_total_below_the_threshold_hides_the_whole_table(client_for_role):
    contact(purposes=(DEMOGRAPHICS,), ethnicity=Ethnicity.INDIAN)
    page = client_for_role(Role.LEADER).get(reverse("contacts:counts")).content.decode()
    ethnicity = table_in(page, "Contacts by ethnic group")
    assert set(ethnicity.values()) == {"fewer than 10"}
    assert table_in(page, "Contacts who have not erased")["Contacts"] == "fewer than 10"


@pytest.mark.django_db
def test_the_counts_page_takes_the_same_number_of_queries_however_many_contacts(
    client_for_role, django_assert_max_num_queries
):
    client = client_for_role(Role.LEADER)
    community = CommunityFactory()
    many_contacts(2, community=community)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("contacts:counts"))
    many_contacts(30, start=2, community=community)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("contacts:counts"))
    assert response.context["headline"][0].count == 32


# Inviting to an event ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_coordinator_sees_how_many_would_be_invited_then_invites_them(
    coordinator_client, coordinator
):
    somali = CommunityFactory(name="Somali community")
    event = EventFactory(focus_community=somali)
    for number in range(3):
        contact(
            f"Somali {number}",
            f"somali{number}@example.org",
            purposes=(EMAIL_UPDATES, DEMOGRAPHICS),
            communities=[somali],
        )
    already = contact(
        "Already",
        "already@example.org",
        purposes=(EMAIL_UPDATES, DEMOGRAPHICS),
        communities=[somali],
    )
    Invitation.objects.create(event=event, attendee=already, invited_by=coordinator)
    contact("Elsewhere", "elsewhere@example.org")
    contact(
        "Unconfirmed",
        "unconfirmed@example.org",
        purposes=(DEMOGRAPHICS,),
        awaiting=(EMAIL_UPDATES,),
        communities=[somali],
    )

    url = reverse("contacts:invite", args=[event.pk])
    # The event's own community is chosen to start with.
    response = coordinator_client.get(url)
    assert response.context["matching_count"] == 4
    assert response.context["already_count"] == 1
    assert response.context["to_invite_count"] == 3
    assert "Invite 3 people" in response.content.decode()
    everyone = coordinator_client.get(url, {"community": ""})
    assert everyone.context["to_invite_count"] == 4

    response = coordinator_client.post(url, {"community": somali.pk, "interest": ""})
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
    contact("Focus", "focus@example.org", purposes=(EMAIL_UPDATES, ConsentPurpose.FOCUS_GROUP))
    contact("Updates only", "updates@example.org")
    url = reverse("contacts:invite", args=[event.pk])
    response = coordinator_client.get(url, {"interest": ConsentPurpose.FOCUS_GROUP})
    assert response.context["to_invite_count"] == 1
    coordinator_client.post(url, {"interest": ConsentPurpose.FOCUS_GROUP})
    assert list(event.invitations.values_list("attendee__name", flat=True)) == ["Focus"]


@pytest.mark.django_db
def test_a_choice_that_is_not_understood_never_invites_everyone(coordinator_client):
    event = EventFactory()
    contact()
    response = coordinator_client.post(
        reverse("contacts:invite", args=[event.pk]), {"community": "999999"}
    )
    assert response.status_code == 302
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_nobody_is_invited_to_an_event_that_is_over_or_cancelled(coordinator_client):
    contact()
    past = EventFactory(past=True)
    cancelled = EventFactory(status=Event.Status.CANCELLED)
    for event in (past, cancelled):
        url = reverse("contacts:invite", args=[event.pk])
        page = coordinator_client.get(url).content.decode()
        assert "nobody can be invited" in page
        response = coordinator_client.post(url, {"community": ""})
        assert response.url == event.get_staff_url()
    assert not Invitation.objects.exists()


# The outbox and the audit log -------------------------------------------------------


def message(number, status, **fields):
    return OutboxMessage.objects.create(
        dedupe_key=f"m{number}",
        to_address=f"person{number}@example.org",
        subject=f"Subject {number}",
        body_text="",
        message_id=f"<{number}@x>",
        status=status,
        **fields,
    )


@pytest.mark.django_db
def test_the_outbox_shows_counts_and_recent_problems_with_masked_addresses(coordinator_client):
    message(
        1,
        OutboxMessage.Status.FAILED,
        attempts=5,
        last_error="SMTPRecipientsRefused: {'person1@example.org': (550, b'No such user')}",
    )
    message(2, OutboxMessage.Status.QUEUED, attempts=1, last_error="SMTPServerDisconnected")
    message(3, OutboxMessage.Status.SENT)
    message(4, OutboxMessage.Status.SENT)

    response = coordinator_client.get(reverse("contacts:outbox"))
    page = response.content.decode()
    assert response.status_code == 200
    assert is_not_cached(response)
    counts = table_in(page, "Emails by status")
    assert counts == {"Queued": "1", "Sending": "0", "Sent": "2", "Failed": "1", "Cancelled": "0"}
    assert "Subject 1" in page and "Subject 2" in page
    assert "Subject 3" not in page
    assert "p•••@example.org" in page
    # The mail server's error names the recipient: only the masked form is shown.
    assert "p•••@example.org&#x27;: (550, b&#x27;No such user&#x27;)" in page
    assert "SMTPServerDisconnected" in page
    assert "person1@" not in page and "person2@" not in page


@pytest.mark.django_db
def test_the_outbox_takes_the_same_number_of_queries_however_many_messages(
    coordinator_client, django_assert_max_num_queries
):
    for number in range(2):
        message(number, OutboxMessage.Status.FAILED)
    with django_assert_max_num_queries(15) as few:
        coordinator_client.get(reverse("contacts:outbox"))
    for number in range(2, 60):
        message(number, OutboxMessage.Status.QUEUED if number % 2 else OutboxMessage.Status.FAILED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(reverse("contacts:outbox"))
    assert len(response.context["failed"]) == 25


@pytest.mark.django_db
def test_administrators_read_the_audit_log_newest_first(administrator_client, coordinator):
    amina = contact()
    long_ago = AuditLogEntry.objects.create(
        user=coordinator,
        action=AuditLogEntry.Action.EXPORTED,
        subject="contacts CSV export",
        at=timezone.now() - timedelta(days=3),
    )
    AuditLogEntry.objects.create(
        user=coordinator, action=AuditLogEntry.Action.VIEWED_CONTACT, subject=f"contact {amina.pk}"
    )
    response = administrator_client.get(reverse("audit-log"))
    entries = list(response.context["page"].object_list)
    assert entries[-1] == long_ago
    assert entries[0].subject == f"contact {amina.pk}"
    page = response.content.decode()
    assert "Viewed a contact" in page and "Exported data" in page
    assert is_not_cached(response)


@pytest.mark.django_db
def test_the_audit_log_is_paginated(administrator_client, coordinator):
    for number in range(55):
        AuditLogEntry.objects.create(
            user=coordinator, action=AuditLogEntry.Action.VIEWED_LIST, subject=f"page {number}"
        )
    first = administrator_client.get(reverse("audit-log"))
    assert len(first.context["page"].object_list) == 50
    assert "Page 1 of 2" in first.content.decode()
    second = administrator_client.get(reverse("audit-log"), {"page": 2})
    assert len(second.context["page"].object_list) == 5


# In a real browser ------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 320])
def test_the_contact_pages_are_accessible(
    live_server, page, sign_in, axe_check, coordinator, width
):
    somali = CommunityFactory(name="Somali community")
    event = EventFactory(focus_community=somali)
    attended = EventFactory(past=True, title="Moss Side listening event")
    amina = contact(
        "Amina Khan",
        "amina@example.org",
        "07700 900123",
        purposes=(EMAIL_UPDATES, ConsentPurpose.FOCUS_GROUP, DEMOGRAPHICS),
        communities=[somali],
        ethnicity=Ethnicity.AFRICAN,
    )
    Attendance.objects.create(attendee=amina, event=attended)
    message(1, OutboxMessage.Status.FAILED, attempts=5, last_error="SMTPRecipientsRefused")
    attendee_erase(attendee=contact("Dan Gone", "dan@example.org"))
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, coordinator.username)
    page.wait_for_url(f"{live_server.url}/staff/")

    for path in (
        reverse("contacts:list"),
        reverse("contacts:detail", args=[amina.pk]),
        reverse("contacts:edit", args=[amina.pk]),
        reverse("contacts:new"),
        reverse("contacts:counts"),
        reverse("contacts:invite", args=[event.pk]),
        reverse("contacts:outbox"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.get_by_role("heading", level=1).count() == 1
        axe_check(page, f"{path} at {width}px")

    # A form with mistakes: the summary links to each field.
    page.goto(f"{live_server.url}{reverse('contacts:new')}")
    page.get_by_role("button", name="Save contact").click()
    page.get_by_role(
        "link", name=re.compile("How they gave these details.*Choose how they gave")
    ).click()
    assert page.evaluate("document.activeElement.id") == "id_method_0"
    axe_check(page, f"the paper form with mistakes at {width}px")


@pytest.mark.django_db
def test_a_corrected_email_must_be_confirmed_before_updates_go_to_it(client, coordinator):
    from contacts.models import Attendee, ConsentPurpose
    from contacts.services.invitations import event_invite
    from contacts.services.sign_up import attendee_keep_in_touch
    from events.tests.factories import EventFactory

    attendee = attendee_keep_in_touch(
        name="Ada",
        email="ada@example.org",
        phone="",
        purposes={ConsentPurpose.EMAIL_UPDATES},
        method="paper",
    )
    # Queued but not yet sent: the test transaction never commits.
    event_invite(event=EventFactory(), attendees=Attendee.objects.all(), by=None)
    assert ConsentPurpose.EMAIL_UPDATES in attendee.live_consent_purposes()
    client.force_login(coordinator)
    response = client.post(
        reverse("contacts:edit", args=[attendee.pk]),
        {"name": "Ada", "email": "ada.new@example.org", "phone": ""},
    )
    assert response.status_code == 302, response.context["form"].errors
    attendee = Attendee.objects.get(pk=attendee.pk)
    assert attendee.email == "ada.new@example.org"
    assert ConsentPurpose.EMAIL_UPDATES not in attendee.live_consent_purposes()
    assert attendee.consents.awaiting_confirmation().count() == 1
    assert attendee.messages.filter(to_address="ada.new@example.org").exists()
    old_mail = attendee.messages.filter(to_address="ada@example.org")
    assert not old_mail.filter(status__in=["queued", "sending"]).exists()


@pytest.mark.django_db
def test_an_administrator_can_read_contacts_but_not_change_them(client, administrator):
    attendee = Attendee.objects.create(name="Amina Contact", email="amina@example.org")
    client.force_login(administrator)
    assert client.get(attendee.get_staff_url()).status_code == 200
    assert client.get(reverse("contacts:edit", kwargs={"pk": attendee.pk})).status_code == 403
    response = client.post(
        reverse("contacts:withdraw", kwargs={"pk": attendee.pk}), {"purpose": "email_updates"}
    )
    assert response.status_code == 403
