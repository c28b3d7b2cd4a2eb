"""Searching the staff list of contacts by name, email address or phone number, and
the audit log that records what was searched for."""

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from contacts.models import Attendee, ConsentMethod, ConsentPurpose, phone_digits
from contacts.services.records import attendee_erase, attendee_update
from contacts.services.sign_up import attendee_keep_in_touch
from contacts.tests.factories import AttendeeFactory
from contacts.tests.helpers import audit_entries, read_csv
from engagement.models import AuditLogEntry
from engagement.roles import Role
from engagement.tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db

LIST = reverse("contacts:list")


def found(client, search, **filters) -> set[str]:
    response = client.get(LIST, {"search": search, **filters})
    assert response.status_code == 200
    return {row.attendee.name for row in response.context["rows"]}


@pytest.fixture
def people(db):
    AttendeeFactory(
        name="Amina Khan", email="a.khan@example.org", phone="07700 900 123", subscribed=True
    )
    AttendeeFactory(name="Ben Jones", email="ben.jones@example.net", phone="0161 496 0000")
    AttendeeFactory(name="Chloe Smith", email="chloe@example.org", phone="")


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("amina", {"Amina Khan"}),
        ("KHAN", {"Amina Khan"}),
        ("  khan   amina ", {"Amina Khan"}),
        ("jones", {"Ben Jones"}),
        ("A.KHAN@EXAMPLE", {"Amina Khan"}),
        ("example.org", {"Amina Khan", "Chloe Smith"}),
        ("@example.net", {"Ben Jones"}),
        ("nobody by this name", set()),
    ],
)
def test_a_coordinator_finds_contacts_by_part_of_a_name_or_email_in_any_case(
    coordinator_client, people, search, expected
):
    assert found(coordinator_client, search) == expected


@pytest.mark.parametrize(
    "search",
    [
        "07700900123",
        "07700 900 123",
        "07700-900-123",
        "(07700) 900123",
        "900123",
        "0 123",
        "+44 7700 900123",
        "+44 (0)7700 900 123",
        "0044 7700 900123",
    ],
)
def test_a_phone_number_is_found_however_its_spaces_and_punctuation_are_written(
    coordinator_client, people, search
):
    assert found(coordinator_client, search) == {"Amina Khan"}


def test_a_number_stored_in_international_form_is_found_as_dialled_at_home(coordinator_client):
    AttendeeFactory(name="Dev Patel", phone="+44 161 496 0123")
    assert found(coordinator_client, "0161 4960123") == {"Dev Patel"}
    assert found(coordinator_client, "+441614960123") == {"Dev Patel"}


@pytest.mark.parametrize(
    ("written", "digits"),
    [
        ("07700 900 123", "07700900123"),
        ("(0161) 496-0000", "01614960000"),
        ("+44 7700 900123", "07700900123"),
        ("+44 (0) 7700 900123", "07700900123"),
        ("0044 161 496 0000", "01614960000"),
        ("+353 1 234 5678", "35312345678"),
        ("", ""),
    ],
)
def test_the_digits_of_a_phone_number_ignore_how_it_is_written(written, digits):
    assert phone_digits(written) == digits


def test_erased_contacts_are_never_found(coordinator_client):
    gone = AttendeeFactory(name="Dan Gone", email="dan@example.org", phone="07700 900 999")
    attendee_erase(attendee=gone)
    # Even a record whose details were left behind by mistake is not found.
    AttendeeFactory(
        name="Dan Leftover",
        email="dan2@example.org",
        phone="07700 900 998",
        erased_at=timezone.now(),
    )
    for search in ("Dan", "dan@example.org", "07700 900 99", "07700900999", "example.org"):
        assert found(coordinator_client, search) == set(), search
    gone.refresh_from_db()
    assert gone.phone_digits == ""
    assert found(coordinator_client, "Dan", status="erased") == set()


def test_the_search_goes_with_the_filters_and_the_download(coordinator_client, people):
    somali = CommunityFactory(name="Somali community")
    AttendeeFactory(
        name="Amina Ali",
        email="amina.ali@example.org",
        shares_demographics=True,
        consents=[ConsentPurpose.FOCUS_GROUP],
        communities=[somali],
    )
    assert found(coordinator_client, "amina") == {"Amina Khan", "Amina Ali"}
    assert found(coordinator_client, "amina", status="subscribed") == {"Amina Khan"}
    assert found(coordinator_client, "amina", community=somali.pk) == {"Amina Ali"}

    page = coordinator_client.get(LIST, {"search": "amina", "status": "subscribed"})
    export = reverse("contacts:export")
    assert f'href="{export}?search=amina&amp;status=subscribed"' in page.content.decode()
    rows = read_csv(coordinator_client.get(export, {"search": "amina"}))
    assert sorted(row[0] for row in rows[1:]) == ["Amina Ali", "Amina Khan"]
    [entry] = audit_entries(AuditLogEntry.Action.EXPORTED)
    assert 'search="amina"' in entry.subject


def test_a_search_is_written_to_the_audit_log_as_typed(coordinator_client, coordinator, people):
    coordinator_client.get(LIST, {"search": "07700 900 123", "status": "subscribed"})
    [entry] = audit_entries(AuditLogEntry.Action.VIEWED_LIST)
    assert entry.user == coordinator
    assert entry.subject == 'contacts, page 1; filters: search="07700 900 123", status=subscribed'
    assert entry.path == f"{LIST}?search=07700+900+123&status=subscribed"


def test_the_audit_log_shows_administrators_who_searched_for_what(
    coordinator_client, people, administrator
):
    coordinator_client.get(LIST, {"search": "Amina Khan"})
    coordinator_client.force_login(administrator)
    page = coordinator_client.get(reverse("audit-log")).content.decode()
    assert "Viewed a list of contacts" in page
    assert "search=&quot;Amina Khan&quot;" in page


@pytest.mark.parametrize("role", [Role.LEADER, Role.ACTION_OWNER, Role.FOCUS_GROUP_MEMBER], ids=str)
def test_leaders_action_owners_and_the_focus_group_cannot_search_contacts(
    client_for_role, people, role
):
    response = client_for_role(role).get(LIST, {"search": "07700900123"})
    assert response.status_code == 403
    page = response.content.decode()
    for personal in ("Amina", "a.khan@", "07700"):
        assert personal not in page
    assert not AuditLogEntry.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in_before_searching(client, people):
    response = client.get(LIST, {"search": "amina"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not AuditLogEntry.objects.exists()


def test_a_search_too_long_gets_a_message_beside_the_box_keeps_the_words_and_finds_nobody(
    coordinator_client, people
):
    typed = " ".join(["Amina"] * 20)
    response = coordinator_client.get(LIST, {"search": typed})
    assert response.status_code == 200
    assert response.context["rows"] == []
    page = response.content.decode()
    assert "Type 80 characters or fewer." in page
    assert 'aria-invalid="true"' in page
    assert f'value="{typed}"' in page
    assert "Nobody is shown until the problem above is put right." in page


def test_the_search_box_is_a_plain_form_with_a_label_and_a_hint(coordinator_client, people):
    page = coordinator_client.get(LIST).content.decode()
    form = page[page.index('<form method="get"') :]
    form = form[: form.index("</form>")]
    assert 'role="search"' in form
    assert '<label for="id_search"' in form
    assert "Search by name, email or phone" in form
    assert "Spaces and dashes in phone numbers do not matter." in form
    assert 'aria-describedby="id_search_helptext"' in form
    assert '<button  class="btn btn-primary" type="submit">Search</button>' in form
    # Nothing to clear until something is searched for or filtered.
    assert "Clear the search and filters" not in form
    assert (
        "Clear the search and filters"
        in coordinator_client.get(LIST, {"search": "amina"}).content.decode()
    )


def test_an_empty_search_shows_everyone(coordinator_client, people):
    assert found(coordinator_client, "   ") == {"Amina Khan", "Ben Jones", "Chloe Smith"}
    [entry] = audit_entries(AuditLogEntry.Action.VIEWED_LIST)
    assert entry.subject == "contacts, page 1"


def test_searching_takes_the_same_number_of_queries_however_many_contacts_match(
    coordinator_client, django_assert_max_num_queries
):
    def contacts(count):
        for number in range(count):
            AttendeeFactory(
                name=f"Amina {number}",
                phone=f"07700 900 {number:03d}",
                consents=[ConsentPurpose.EMAIL_UPDATES, ConsentPurpose.DEMOGRAPHIC_DATA],
                communities=[CommunityFactory()],
            )

    contacts(2)
    with django_assert_max_num_queries(20) as few:
        coordinator_client.get(LIST, {"search": "07700900"})
    contacts(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(LIST, {"search": "07700900"})
    assert len(response.context["rows"]) == 42
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(LIST, {"search": "amina"})
    assert len(response.context["rows"]) == 42


# The digits kept for searching follow every change to a phone number ----------------


def test_every_service_that_writes_a_phone_number_keeps_its_digits_in_step(coordinator):
    person = attendee_keep_in_touch(
        name="Grace",
        email="",
        phone="07700 900 555",
        purposes={ConsentPurpose.FOCUS_GROUP},
        method=ConsentMethod.PAPER,
        recorded_by=coordinator,
    )
    assert Attendee.objects.get(pk=person.pk).phone_digits == "07700900555"

    attendee_update(attendee=person, by=coordinator, name="Grace", email="", phone="0161 496 0001")
    assert Attendee.objects.get(pk=person.pk).phone_digits == "01614960001"

    known = AttendeeFactory(email="grace@example.org", phone="")
    attendee_keep_in_touch(
        name="Grace",
        email="grace@example.org",
        phone="+44 7700 900 556",
        purposes={ConsentPurpose.FOCUS_GROUP},
        method=ConsentMethod.PAPER,
        recorded_by=coordinator,
    )
    assert Attendee.objects.get(pk=known.pk).phone_digits == "07700900556"

    attendee_erase(attendee=person)
    assert Attendee.objects.get(pk=person.pk).phone_digits == ""


def test_the_migration_fills_in_the_digits_of_numbers_already_held():
    amina = AttendeeFactory(phone="07700 900 123")
    Attendee.objects.filter(pk=amina.pk).update(phone_digits="")
    migration = import_module("contacts.migrations.0002_attendee_phone_digits")
    migration.fill_phone_digits(apps, None)
    assert Attendee.objects.get(pk=amina.pk).phone_digits == "07700900123"
