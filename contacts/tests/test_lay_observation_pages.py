"""Lay observation on the web: the staff pages, as every role, and the page behind the
link in each person's emails, as a member of the public and as an attacker; the public
events page; my data. The visitors' anonymous form is tested with the feedback app's
tests, which may reach it."""

import json
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contacts.models import ConsentPurpose, ObservationPlace, Opportunity
from contacts.services.lay_observation import opportunity_cancel, place_take
from contacts.services.links import lay_observation_place_url, my_data_link_url
from contacts.services.records import attendee_erase
from contacts.tests.factories import ObservationKindFactory, OpportunityFactory
from contacts.tests.helpers import is_not_cached, past, path_of
from contacts.tests.lay_observation_helpers import (
    emails_about,
    interested,
    latest_email,
    link_in,
    offer,
)
from engagement.models import AuditLogEntry
from engagement.roles import Role
from engagement.tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = None
EVERY_ROLE = [ANONYMOUS, *Role]
COORDINATORS = {Role.COORDINATOR}
COUNT_READERS = {Role.COORDINATOR, Role.LEADER, Role.ADMINISTRATOR}


def the_opportunity(objects):
    return {"pk": objects["opportunity"].pk}


def no_arguments(objects):
    return {}


# The staff URLs, as tests/test_permissions.py lists every staff URL: the methods each
# answers, its arguments, and the roles that may use it.
ACCESS = {
    "contacts:lay-observation-list": ("get", no_arguments, COUNT_READERS),
    "contacts:lay-observation-new": ("get+post", no_arguments, COORDINATORS),
    "contacts:lay-observation-detail": ("get", the_opportunity, COUNT_READERS),
    "contacts:lay-observation-edit": ("get+post", the_opportunity, COORDINATORS),
    "contacts:lay-observation-cancel": ("get+post", the_opportunity, COORDINATORS),
    "contacts:lay-observation-offer": ("get", the_opportunity, COORDINATORS),
    "contacts:lay-observation-offer-send": ("post", the_opportunity, COORDINATORS),
    "contacts:lay-observation-vetting": ("post", the_opportunity, COORDINATORS),
    "contacts:lay-observation-attendance": ("post", the_opportunity, COORDINATORS),
}
METHODS = {"get": {"get"}, "post": {"post"}, "get+post": {"get", "post"}}


@pytest.fixture
def opportunity_with_people(db):
    opportunity = OpportunityFactory(title="Custody suite visit, Longsight", needs_vetting=True)
    ada, ben, cara = offer(
        opportunity,
        interested(name="Ada Obi"),
        interested(name="Ben Mensah"),
        interested(name="Cara Reid"),
    )
    place_take(place=ada)
    place_take(place=ben)
    place_take(place=cara)
    return opportunity


def test_every_lay_observation_staff_url_is_in_the_access_table():
    from tests.test_permissions import named_routes

    ours = {name for name, route in named_routes() if route.startswith("staff/lay-observation/")}
    assert ours == set(ACCESS)


@pytest.mark.parametrize("role", EVERY_ROLE, ids=lambda role: str(role or "anonymous"))
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url_name", sorted(ACCESS))
def test_only_the_right_roles_reach_each_lay_observation_url(
    client_for_role, opportunity_with_people, url_name, method, role
):
    methods, arguments, allowed = ACCESS[url_name]
    url = reverse(url_name, kwargs=arguments({"opportunity": opportunity_with_people}))
    client = client_for_role(role)
    places_before = list(ObservationPlace.objects.values_list("pk", "status", "vetting_status"))
    opportunities_before = list(Opportunity.objects.values_list("pk", "status", "title"))

    response = getattr(client, method)(url)

    if role in allowed:
        if method in METHODS[methods]:
            assert response.status_code < 400, response.status_code
            if response.status_code in (301, 302, 303):
                assert "/login/" not in response.url
        else:
            assert response.status_code == 405
        return
    assert list(ObservationPlace.objects.values_list("pk", "status", "vetting_status")) == (
        places_before
    )
    assert list(Opportunity.objects.values_list("pk", "status", "title")) == opportunities_before
    assert mail.outbox == []
    if response.status_code == 405 and method not in METHODS[methods]:
        return
    if role is ANONYMOUS:
        assert response.status_code == 302 and "/login/" in response.url
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", [*Role], ids=str)
def test_the_navigation_links_to_lay_observation_for_those_who_may_see_it(client_for_role, role):
    response = client_for_role(role).get("/", follow=True)
    links = {item["url"] for item in response.context["staff_navigation"]}
    assert (reverse("contacts:lay-observation-list") in links) == (role in COUNT_READERS)


# The staff pages -----------------------------------------------------------------------


def test_leaders_see_the_opportunity_and_its_counts_but_no_names(
    client_for_role, opportunity_with_people
):
    client = client_for_role(Role.LEADER)
    listing = client.get(reverse("contacts:lay-observation-list")).content.decode()
    detail = client.get(opportunity_with_people.get_staff_url()).content.decode()

    assert "Custody suite visit, Longsight" in listing and "2 of 2" in listing
    assert "2 of 2" in detail and "Names are shown only to people" in detail
    for name in ("Ada Obi", "Ben Mensah", "Cara Reid"):
        assert name not in listing + detail
    assert not AuditLogEntry.objects.exists()


def test_coordinators_see_who_has_a_place_and_the_waiting_list_and_it_is_audited(
    client_for_role, opportunity_with_people
):
    response = client_for_role(Role.COORDINATOR).get(opportunity_with_people.get_staff_url())
    page = response.content.decode()

    assert is_not_cached(response)
    people = response.context["people"]
    assert [str(place.attendee) for place in people.holding] == ["Ada Obi", "Ben Mensah"]
    assert [str(place.attendee) for place in people.waiting] == ["Cara Reid"]
    assert "Bridge Street" in page
    assert 'name="vetting"' in page
    (entry,) = AuditLogEntry.objects.all()
    assert entry.action == AuditLogEntry.Action.VIEWED_LIST
    assert entry.subject == f"people offered lay observation {opportunity_with_people.pk}"


def test_the_list_takes_the_same_number_of_queries_however_many_opportunities(
    client_for_role, django_assert_max_num_queries
):
    client = client_for_role(Role.COORDINATOR)
    OpportunityFactory()
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("contacts:lay-observation-list"))
    for _ in range(6):
        opportunity = OpportunityFactory(places_available=1)
        for place in offer(opportunity, interested(), interested()):
            place_take(place=place)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("contacts:lay-observation-list"))
    assert len(response.context["page"].object_list) == 7


def test_the_detail_and_offer_pages_take_the_same_number_of_queries_however_many_people(
    client_for_role, django_assert_max_num_queries
):
    client = client_for_role(Role.COORDINATOR)
    opportunity = OpportunityFactory(places_available=2, needs_vetting=True)
    offer(opportunity, interested())
    interested()
    pages = [
        opportunity.get_staff_url(),
        reverse("contacts:lay-observation-offer", args=[opportunity.pk]),
    ]
    counted = {}
    for url in pages:
        with django_assert_max_num_queries(30) as few:
            client.get(url)
        counted[url] = len(few.captured_queries)
    for place in offer(opportunity, *(interested() for _ in range(6))):
        place_take(place=place)
    for _ in range(6):
        interested(shares_demographics=True)
    for url in pages:
        with django_assert_max_num_queries(counted[url]):
            client.get(url)


def plan_form(**changes) -> dict:
    starts = timezone.localtime() + timedelta(days=10)
    data = {
        "kind": "",
        "title": "Custody suite visit, Longsight",
        "details": "See how people are looked after.",
        "starts_at": f"{starts:%Y-%m-%dT10:00}",
        "ends_at": f"{starts:%Y-%m-%dT12:00}",
        "place": "Longsight police station, Stockport Road",
        "places_available": "2",
        "minimum_age": "18",
        "id_to_bring": "Photo ID",
        "contact_officer": "",
    }
    data.update(changes)
    return data


def test_a_coordinator_plans_an_opportunity_and_mistakes_are_shown_beside_the_field(
    client_for_role, coordinator
):
    client = client_for_role(Role.COORDINATOR)
    custody = ObservationKindFactory(name="Custody suite visit")
    url = reverse("contacts:lay-observation-new")
    yesterday = timezone.localtime() - timedelta(days=1)

    wrong = client.post(
        url,
        plan_form(
            kind=str(custody.pk),
            title="Visit\x00",
            starts_at=f"{yesterday:%Y-%m-%dT10:00}",
            ends_at=f"{yesterday:%Y-%m-%dT09:00}",
            places_available="0",
            minimum_age="3",
            contact_officer=str(coordinator.pk),
        ),
    )
    assert wrong.status_code == 200
    errors = wrong.context["form"].errors
    assert set(errors) == {"title", "starts_at", "ends_at", "places_available", "minimum_age"}
    assert "There must be at least 1 place." in errors["places_available"]
    assert not Opportunity.objects.exists()
    assert "Longsight police station, Stockport Road" in wrong.content.decode()

    huge_id = client.post(url, plan_form(kind="99999999999999999999999", contact_officer="x"))
    assert huge_id.status_code == 200
    assert {"kind", "contact_officer"} <= set(huge_id.context["form"].errors)

    saved = client.post(url, plan_form(kind=str(custody.pk), contact_officer=str(coordinator.pk)))
    opportunity = Opportunity.objects.get()
    assert saved.status_code == 302 and saved.url == opportunity.get_staff_url()
    assert (opportunity.kind, opportunity.places_available, opportunity.minimum_age) == (
        custody,
        2,
        18,
    )
    assert opportunity.created_by == coordinator


def test_the_number_of_places_cannot_go_below_the_people_who_have_one(
    client_for_role, opportunity_with_people
):
    client = client_for_role(Role.COORDINATOR)
    opportunity = opportunity_with_people
    data = plan_form(
        kind=str(opportunity.kind_id),
        contact_officer=str(opportunity.contact_officer_id),
        starts_at=f"{timezone.localtime(opportunity.starts_at):%Y-%m-%dT%H:%M}",
        ends_at=f"{timezone.localtime(opportunity.ends_at):%Y-%m-%dT%H:%M}",
        places_available="1",
    )
    response = client.post(reverse("contacts:lay-observation-edit", args=[opportunity.pk]), data)
    assert "2 people already have a place" in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.places_available == 2


def test_the_offer_page_lists_only_people_who_may_be_offered_a_place_and_is_audited(
    client_for_role,
):
    somali = CommunityFactory(name="Somali")
    opportunity = OpportunityFactory()
    offer(opportunity, interested(name="Already Offered"))
    interested(name="Amina Somali", shares_demographics=True, communities=[somali])
    interested(name="Bashir Elsewhere")
    interested(name="Nobody Email", email="", phone="07700 900123")
    client = client_for_role(Role.COORDINATOR)
    url = reverse("contacts:lay-observation-offer", args=[opportunity.pk])

    everyone = client.get(url)
    in_somali = client.get(url, {"community": somali.pk})
    bad_filter = client.get(url, {"community": "not-a-number"})
    nul_byte = client.get(url, {"community": "1\x00"})

    assert is_not_cached(everyone)
    assert [str(a) for a in everyone.context["page"].object_list] == [
        "Amina Somali",
        "Bashir Elsewhere",
    ]
    assert [str(a) for a in in_somali.context["page"].object_list] == ["Amina Somali"]
    assert bad_filter.status_code == 200
    assert list(bad_filter.context["page"].object_list) == []
    assert "There is a problem" in bad_filter.content.decode()
    assert nul_byte.status_code == 400
    subjects = list(AuditLogEntry.objects.order_by("at").values_list("subject", flat=True))
    assert subjects[0] == f"contacts to offer lay observation {opportunity.pk}, page 1"
    assert subjects[1].endswith(f"filters: community={somali.pk}")


def test_offers_are_sent_to_the_people_ticked_and_made_up_ids_are_refused(client_for_role):
    opportunity = OpportunityFactory()
    amina, bashir = interested(name="Amina"), interested(name="Bashir")
    not_interested = interested(name="Withdrew")
    not_interested.consents.update(withdrawn_at=timezone.now())
    client = client_for_role(Role.COORDINATOR)
    send = reverse("contacts:lay-observation-offer-send", args=[opportunity.pk])

    for refused in (
        {},
        {"attendees": [str(not_interested.pk)]},
        {"attendees": ["99999999999999999999999"]},
        {"attendees": ["\x00"]},
    ):
        response = client.post(send, refused, follow=True)
        assert response.status_code == 200
        assert not ObservationPlace.objects.exists()
    assert "Tick at least one person" in client.post(send, {}, follow=True).content.decode()

    response = client.post(send, {"attendees": [str(amina.pk), str(bashir.pk)]}, follow=True)
    assert "Offers are on their way to 2 people." in response.content.decode()
    again = client.post(send, {"attendees": [str(amina.pk)]}, follow=True)
    assert ObservationPlace.objects.count() == 2
    assert again.status_code == 200


def test_nothing_can_be_offered_or_changed_once_it_is_cancelled(client_for_role):
    opportunity = OpportunityFactory()
    opportunity_cancel(opportunity=opportunity, reason="No staff", by=None)
    client = client_for_role(Role.COORDINATOR)
    for name in (
        "contacts:lay-observation-offer",
        "contacts:lay-observation-edit",
        "contacts:lay-observation-cancel",
    ):
        response = client.get(reverse(name, args=[opportunity.pk]))
        assert response.status_code == 302 and response.url == opportunity.get_staff_url()
    interested()
    client.post(reverse("contacts:lay-observation-offer-send", args=[opportunity.pk]), {})
    assert not ObservationPlace.objects.exists()


def test_cancelling_needs_a_reason_and_tells_people_once(client_for_role, opportunity_with_people):
    client = client_for_role(Role.COORDINATOR)
    url = reverse("contacts:lay-observation-cancel", args=[opportunity_with_people.pk])

    assert "Say why it is cancelled" in client.post(url, {"reason": "  "}).content.decode()
    response = client.post(url, {"reason": "The suite is closed."}, follow=True)

    assert "3 people are being told by email." in response.content.decode()
    opportunity_with_people.refresh_from_db()
    assert opportunity_with_people.is_cancelled


def test_the_vetting_outcome_is_recorded_from_the_detail_page(
    client_for_role, opportunity_with_people
):
    client = client_for_role(Role.COORDINATOR)
    url = reverse("contacts:lay-observation-vetting", args=[opportunity_with_people.pk])
    ada, ben, cara = opportunity_with_people.places.order_by("pk")

    for refused in (
        {"place": str(cara.pk), "vetting": "cleared"},
        {"place": str(ada.pk), "vetting": "he has a caution from 2009"},
        {"place": "\x00", "vetting": "cleared"},
    ):
        client.post(url, refused)
    assert list(
        opportunity_with_people.places.order_by("pk").values_list("vetting_status", flat=True)
    ) == ["pending", "pending", ""]

    client.post(url, {"place": str(ada.pk), "vetting": "not_cleared"})

    assert [p.status for p in opportunity_with_people.places.order_by("pk")] == [
        "cancelled",
        "taken",
        "waiting",
    ]
    assert emails_about(cara)[-1] == "place-free"


def test_who_came_is_recorded_once_it_has_begun(client_for_role, opportunity_with_people):
    client = client_for_role(Role.COORDINATOR)
    url = reverse("contacts:lay-observation-attendance", args=[opportunity_with_people.pk])
    ada, ben, _cara = opportunity_with_people.places.order_by("pk")

    early = client.post(url, {"came": [str(ada.pk)]}, follow=True)
    assert "once the opportunity has begun" in early.content.decode()
    Opportunity.objects.filter(pk=opportunity_with_people.pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    page = client.get(opportunity_with_people.get_staff_url()).content.decode()
    assert "Who came?" in page
    client.post(url, {"came": ["\x00"]})
    assert not ObservationPlace.objects.filter(status="attended").exists()

    response = client.post(url, {"came": [str(ada.pk)]}, follow=True)

    assert "Recorded: 1 came, 1 did not." in response.content.decode()
    assert emails_about(ada)[-1] == "feedback"


# The page behind each person's link -----------------------------------------------------


@pytest.fixture
def one_place_left(db):
    opportunity = OpportunityFactory(places_available=1, minimum_age=18, id_to_bring="Photo ID")
    first, second = offer(opportunity, interested(name="Ada"), interested(name="Ben"))
    return opportunity, first, second


def test_the_link_shows_the_offer_without_where_to_go_and_takes_a_place(client, one_place_left):
    _opportunity, first, _second = one_place_left
    link = link_in(latest_email(first, "offer"))

    page = client.get(link)
    assert page.status_code == 200
    assert is_not_cached(page)
    text = page.content.decode()
    assert "You are offered a place" in text and "You must be 18 or over." in text
    assert "Bridge Street" not in text
    assert "Take a place" in text and "Not for me" in text

    # The conditions must be agreed to: without the tick, nothing changes.
    refused = client.post(reverse("lay-observation-place-take", args=[link.split("/")[2]]))
    assert refused.status_code == 400
    assert "Tick the box to say you meet the conditions" in refused.content.decode()
    assert ObservationPlace.objects.get(pk=first.pk).status == "offered"

    taken = client.post(f"{link}take/", {"conditions_met": "on"})
    assert taken.status_code == 302 and taken.url == link
    text = client.get(link).content.decode()
    assert "You have a place" in text and "Bridge Street" in text
    assert "Give up my place" in text


def test_the_last_place_gone_the_next_person_joins_the_waiting_list_and_gets_it_when_freed(
    client, one_place_left
):
    _opportunity, first, second = one_place_left
    first_link, second_link = (link_in(latest_email(p, "offer")) for p in (first, second))
    client.post(f"{first_link}take/", {"conditions_met": "on"})

    page = client.get(second_link).content.decode()
    assert "Join the waiting list" in page and "0 of 1 free" in page
    client.post(f"{second_link}take/", {"conditions_met": "on"})
    page = client.get(second_link).content.decode()
    assert "You are on the waiting list" in page and "You are number 1 on the list" in page
    assert "Bridge Street" not in page

    client.post(f"{first_link}cancel/")
    assert "You gave up your place" in client.get(first_link).content.decode()
    place_free_link = link_in(latest_email(second, "place-free"))
    assert "A place is free now" in client.get(place_free_link).content.decode()
    client.post(f"{place_free_link}take/", {"conditions_met": "on"})
    assert "You have a place" in client.get(second_link).content.decode()


def test_not_for_me_is_recorded_and_can_be_changed(client, one_place_left):
    _opportunity, first, _second = one_place_left
    link = link_in(latest_email(first, "offer"))
    client.post(f"{link}not-for-me/")
    page = client.get(link).content.decode()
    assert "You said this is not for you" in page and "Take a place" in page


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ("begun", 410, "This visit has already happened"),
        ("cancelled", 410, "The suite is closed."),
        ("withdrawn", 410, "You told us you no longer want to hear about lay observation"),
        ("erased", 200, "We hold nothing about you"),
    ],
)
def test_a_link_after_the_date_for_a_cancelled_opportunity_or_a_person_gone_gets_a_kind_page(
    client, one_place_left, change, status, words
):
    opportunity, first, _second = one_place_left
    link = link_in(latest_email(first, "offer"))
    if change == "begun":
        Opportunity.objects.filter(pk=opportunity.pk).update(
            starts_at=timezone.now() - timedelta(hours=1)
        )
    elif change == "cancelled":
        opportunity_cancel(opportunity=opportunity, reason="The suite is closed.", by=None)
    elif change == "withdrawn":
        from contacts.services.consent import consent_withdraw

        consent_withdraw(
            attendee=first.attendee, purpose=ConsentPurpose.LAY_OBSERVATION, method="staff"
        )
    else:
        attendee_erase(attendee=first.attendee)

    page = client.get(link)
    assert page.status_code == status
    assert words in page.content.decode()
    before = ObservationPlace.objects.get(pk=first.pk).status
    for action in ("take/", "not-for-me/", "cancel/"):
        response = client.post(f"{link}{action}", {"conditions_met": "on"})
        assert response.status_code < 500
    assert ObservationPlace.objects.get(pk=first.pk).status == before


def test_forged_tampered_expired_and_hostile_links_get_a_clear_page(client, one_place_left):
    _opportunity, first, _second = one_place_left
    link = link_in(latest_email(first, "offer"))
    signed = link.split("/")[2]
    with past(days=400):
        expired = path_of(lay_observation_place_url(first))
    my_data = path_of(my_data_link_url(first.attendee)).split("/")[2]

    for path, status in (
        (f"/lay-observation/{signed[:-2]}xx/", 404),
        (f"/lay-observation/{signed.replace(':', '.', 1)}/", 404),
        (f"/lay-observation/{my_data}/", 404),
        (expired, 410),
        (f"/lay-observation/{quote(signed + chr(0), safe='')}/", 404),
        (f"/lay-observation/{'a' * 5000}/", 404),
    ):
        response = client.get(path)
        assert response.status_code == status, path
    assert "This link has run out" in client.get(expired).content.decode()
    assert client.post(f"/lay-observation/{signed[:-2]}xx/take/").status_code == 404
    assert ObservationPlace.objects.get(pk=first.pk).status == "offered"


def test_the_link_pages_answer_only_the_methods_they_use_and_need_a_csrf_token(one_place_left):
    _opportunity, first, _second = one_place_left
    link = link_in(latest_email(first, "offer"))
    client = Client()
    assert client.get(f"{link}take/").status_code == 405
    assert client.put(link).status_code == 405
    assert client.delete(f"{link}cancel/").status_code == 405
    assert client.post(link).status_code == 405

    without_token = Client(enforce_csrf_checks=True)
    assert without_token.post(f"{link}take/", {"conditions_met": "on"}).status_code == 403
    assert ObservationPlace.objects.get(pk=first.pk).status == "offered"


def test_the_link_works_for_its_place_only(client):
    opportunity = OpportunityFactory(places_available=2)
    mine, theirs = offer(opportunity, interested(), interested())
    client.post(f"{link_in(latest_email(mine, 'offer'))}take/")
    assert ObservationPlace.objects.get(pk=mine.pk).status == "taken"
    assert ObservationPlace.objects.get(pk=theirs.pk).status == "offered"


# Public pages, my data and counts -------------------------------------------------------


def test_the_public_events_page_says_lay_observation_exists_without_dates_or_places(
    client, django_assert_max_num_queries
):
    OpportunityFactory(title="Custody suite visit, Secret Street")
    with django_assert_max_num_queries(10):
        page = client.get(reverse("events:public-list")).content.decode()
    assert "See policing from the inside" in page
    assert reverse("keep-in-touch") in page
    assert "Secret Street" not in page and "Bridge Street" not in page


def test_my_data_shows_and_downloads_every_visit(client):
    opportunity = OpportunityFactory(title="Custody suite visit, Longsight")
    (place,) = offer(opportunity, interested(name="Ada"))
    place_take(place=place)
    link = path_of(my_data_link_url(place.attendee))

    page = client.get(link).content.decode()
    download = json.loads(client.get(f"{link}download/").content)

    assert "Custody suite visit, Longsight" in page and "Has a place" in page
    assert download["lay_observation"][0]["opportunity"] == "Custody suite visit, Longsight"
    assert download["lay_observation"][0]["status"] == "Has a place"


def test_the_contact_page_lists_their_lay_observation(client_for_role):
    (place,) = offer(OpportunityFactory(title="Control room visit"), interested())
    page = client_for_role(Role.COORDINATOR).get(place.attendee.get_staff_url()).content.decode()
    assert "Control room visit" in page and "Offered, no answer yet" in page


def test_the_counts_page_shows_lay_observation_suppressed(client_for_role):
    (place,) = offer(OpportunityFactory(), interested())
    place_take(place=place)
    page = client_for_role(Role.LEADER).get(reverse("contacts:counts")).content.decode()
    assert "Places on lay observations" in page
    assert "fewer than 10" in page


def test_lay_observation_links_leave_their_token_out_of_the_access_log(one_place_left):
    from engagement.access_log import loggable_path

    _opportunity, first, _second = one_place_left
    link = link_in(latest_email(first, "offer"))
    assert loggable_path(f"{link}take/") == "/lay-observation/…/take/"
    assert loggable_path(f"/give-feedback/lay-observation/{first.opportunity.feedback_token}/") == (
        "/give-feedback/lay-observation/…/"
    )
