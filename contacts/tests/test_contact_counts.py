"""The contact numbers page: counts only, with small numbers suppressed."""

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import ConsentPurpose, Ethnicity
from contacts.tests.factories import AttendeeFactory
from contacts.tests.helpers import table_in
from engagement.models import AuditLogEntry
from engagement.roles import Role
from engagement.tests.factories import CommunityFactory

EMAIL_UPDATES = ConsentPurpose.EMAIL_UPDATES
FOCUS_GROUP = ConsentPurpose.FOCUS_GROUP
DEMOGRAPHICS = ConsentPurpose.DEMOGRAPHIC_DATA


@pytest.mark.django_db
def test_leaders_see_counts_with_small_numbers_suppressed_and_no_names(client_for_role):
    somali, polish = CommunityFactory(name="Somali"), CommunityFactory(name="Polish")
    for number in range(9):
        AttendeeFactory(
            name=f"Indian {number}",
            email=f"indian{number}@example.org",
            consents=[EMAIL_UPDATES, DEMOGRAPHICS],
            ethnicity=Ethnicity.INDIAN,
            age_band="25_34",
            communities=[somali],
        )
    for number in range(12):
        AttendeeFactory(
            name=f"Caribbean {number}",
            email=f"caribbean{number}@example.org",
            consents=[EMAIL_UPDATES, FOCUS_GROUP, DEMOGRAPHICS],
            ethnicity=Ethnicity.CARIBBEAN,
            age_band="25_34",
            communities=[polish],
        )
    for number in range(15):
        # They gave an ethnic group but then withdrew consent to keep it: not counted.
        withdrawn = AttendeeFactory(
            name=f"Withdrawn {number}",
            email=f"withdrawn{number}@example.org",
            shares_demographics=True,
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
    # Four tables of contacts, and the lay observation places.
    assert page.count("<caption>") == 5
    assert 'scope="row"' in page and 'scope="col"' in page
    assert not AuditLogEntry.objects.exists()


@pytest.mark.django_db
def test_a_total_below_the_threshold_hides_the_whole_table(client_for_role):
    AttendeeFactory(shares_demographics=True, ethnicity=Ethnicity.INDIAN)
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
    people = {
        "consents": [EMAIL_UPDATES, FOCUS_GROUP, DEMOGRAPHICS],
        "communities": [community],
        "ethnicity": Ethnicity.CARIBBEAN,
    }
    AttendeeFactory.create_batch(2, **people)
    with django_assert_max_num_queries(26) as few:
        client.get(reverse("contacts:counts"))
    AttendeeFactory.create_batch(30, **people)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("contacts:counts"))
    assert response.context["headline"][0].count == 32
