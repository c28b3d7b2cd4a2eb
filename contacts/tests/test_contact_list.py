"""The staff list of contacts: what it shows, its filters, pages and audit, and the
same list as a CSV download."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import ConsentPurpose, Ethnicity
from contacts.services.records import attendee_erase
from contacts.tests.factories import AttendanceFactory, AttendeeFactory
from contacts.tests.helpers import audit_entries, is_not_cached, read_csv
from engagement.models import AuditLogEntry
from engagement.tests.factories import CommunityFactory
from events.tests.factories import EventFactory

EMAIL_UPDATES = ConsentPurpose.EMAIL_UPDATES
FOCUS_GROUP = ConsentPurpose.FOCUS_GROUP
LAY_OBSERVATION = ConsentPurpose.LAY_OBSERVATION
DEMOGRAPHICS = ConsentPurpose.DEMOGRAPHIC_DATA


def contacts_in_a_community(count, *, community, event=None):
    attendees = AttendeeFactory.create_batch(
        count,
        consents=[EMAIL_UPDATES, FOCUS_GROUP, DEMOGRAPHICS],
        communities=[community],
        ethnicity=Ethnicity.CARIBBEAN,
    )
    for attendee in attendees if event else ():
        AttendanceFactory(attendee=attendee, event=event)


@pytest.mark.django_db
def test_the_list_shows_each_contact_with_what_they_agreed_to_and_their_status(
    coordinator_client,
):
    somali = CommunityFactory(name="Somali community")
    AttendeeFactory(
        name="Amina Khan",
        email="amina@example.org",
        phone="07700 900123",
        consents=[EMAIL_UPDATES, FOCUS_GROUP, DEMOGRAPHICS],
        communities=[somali],
    )
    AttendeeFactory(name="Ben Jones", email="ben@example.org", awaiting=[EMAIL_UPDATES])
    AttendeeFactory(name="Chloe Smith", email="", phone="0161 496 0000", consents=[LAY_OBSERVATION])
    erased = AttendeeFactory(name="Dan Gone", email="dan@example.org", subscribed=True)
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
    # Nothing inline, which the Content-Security-Policy would block.
    assert 'style="' not in page
    assert not re.search(r"<script(?![^>]*\ssrc=)", page)


@pytest.mark.django_db
def test_communities_are_not_shown_once_demographic_consent_is_withdrawn(coordinator_client):
    somali = CommunityFactory(name="Somali community")
    amina = AttendeeFactory(subscribed=True, shares_demographics=True, communities=[somali])
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
        ({"interest": LAY_OBSERVATION}, {"Chloe"}),
        ({"interest": FOCUS_GROUP}, {"Amina"}),
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
    AttendeeFactory(
        name="Amina", consents=[EMAIL_UPDATES, FOCUS_GROUP, DEMOGRAPHICS], communities=[somali]
    )
    ben = AttendeeFactory(name="Ben", awaiting=[EMAIL_UPDATES])
    AttendanceFactory(attendee=ben, event=event)
    # In the community, but without consent to keep it: never matched by community.
    AttendeeFactory(name="Chloe", consents=[LAY_OBSERVATION], communities=[somali])
    attendee_erase(attendee=AttendeeFactory(name="Erased", subscribed=True))
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
    coordinator_client, coordinator, amina
):
    somali = CommunityFactory(name="Somali community")
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
def test_the_list_is_paginated_and_its_links_keep_the_filters(coordinator_client):
    AttendeeFactory.create_batch(55, subscribed=True)
    first = coordinator_client.get(reverse("contacts:list"))
    second = coordinator_client.get(reverse("contacts:list"), {"page": 2})
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 5
    assert "Page 1 of 2" in first.content.decode()

    filtered = coordinator_client.get(
        reverse("contacts:list"), {"status": "subscribed", "page": 2}
    ).content.decode()
    assert 'href="?status=subscribed&amp;page=1"' in filtered
    export = reverse("contacts:export")
    assert f'href="{export}?status=subscribed"' in filtered


@pytest.mark.django_db
def test_the_list_takes_the_same_number_of_queries_however_many_contacts(
    coordinator_client, django_assert_max_num_queries
):
    community = CommunityFactory()
    event = EventFactory(past=True)
    contacts_in_a_community(2, community=community, event=event)
    with django_assert_max_num_queries(20) as few:
        coordinator_client.get(reverse("contacts:list"))
    contacts_in_a_community(40, community=community, event=event)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(reverse("contacts:list"))
    assert len(response.context["rows"]) == 42


# The CSV download -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_export_is_the_filtered_list_as_csv_and_is_audited(coordinator_client, coordinator):
    somali = CommunityFactory(name="Somali community")
    AttendeeFactory(
        name="Amina Khan",
        email="amina@example.org",
        phone="07700 900123",
        subscribed=True,
        shares_demographics=True,
        communities=[somali],
        ethnicity=Ethnicity.AFRICAN,
    )
    AttendeeFactory(name="Ben", email="ben@example.org", consents=[FOCUS_GROUP])
    attendee_erase(attendee=AttendeeFactory(name="Dan Gone", subscribed=True))

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
    AttendeeFactory(name='=HYPERLINK("http://evil.example","click")', phone="+44 161 496 0000")
    rows = read_csv(coordinator_client.get(reverse("contacts:export")))
    assert rows[1][0].startswith("'=")
    assert rows[1][2] == "'+44 161 496 0000"
