"""Lay observation from start to finish in a real Chromium browser: a Coordinator
plans a custody suite visit with two places and offers it; three contacts answer from
their emails on a 320 px phone (two take places, one joins the waiting list); one
gives up their place, and the person waiting is emailed and takes it; on the day the
Coordinator records who came; a visitor tells us what they thought on the anonymous
form, and it reaches the inbox tagged to the visit. Every page is checked with
axe-core against WCAG 2.2 AA."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contacts.models import Opportunity
from contacts.tests.factories import ObservationKindFactory
from contacts.tests.lay_observation_helpers import (
    feedback_link_in,
    interested,
    latest_email,
    link_in,
)
from events.tests.helpers import DESKTOP, SMALL_PHONE, local
from feedback.models import FeedbackItem
from feedback.tests.helpers import no_sideways_scroll, release_forms_sent_so_far

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def check(page, axe_check, what: str) -> None:
    if page.viewport_size["width"] <= SMALL_PHONE["width"]:
        no_sideways_scroll(page, what)
    axe_check(page, f"{what} at {page.viewport_size['width']}px")


def test_a_custody_visit_offered_taken_waited_for_given_up_visited_and_told_about(
    live_server, browser, axe_check, sign_in, coordinator, settings
):
    settings.SITE_URL = live_server.url
    # Browser journeys empty the database after each test, data migrations' rows too.
    ObservationKindFactory(name="Custody suite visit")
    ada = interested(name="Ada Obi", email="ada@example.org")
    ben = interested(name="Ben Mensah", email="ben@example.org")
    cara = interested(name="Cara Reid", email="cara@example.org")
    staff = browser.new_context(viewport=DESKTOP).new_page()
    phone = browser.new_context(viewport=SMALL_PHONE).new_page()

    # A Coordinator plans the visit.
    sign_in(staff, coordinator.username)
    staff.get_by_role("navigation", name="Staff").get_by_role(
        "link", name="Lay observation"
    ).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Lay observation")
    check(staff, axe_check, "lay observation list")
    staff.get_by_role("link", name="Plan an opportunity").click()
    staff.get_by_role("button", name="Save").click()
    expect(staff.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(staff, axe_check, "plan a lay observation, with errors")

    starts = (timezone.now() + timedelta(days=9)).replace(hour=10, minute=0)
    staff.get_by_label("Kind").select_option(label="Custody suite visit")
    staff.get_by_label("Title").fill("Custody suite visit, Longsight")
    staff.get_by_label("Starts").fill(local(starts))
    staff.get_by_label("Ends").fill(local(starts + timedelta(hours=2)))
    staff.get_by_label("Where to meet").fill(
        "Longsight police station, Stockport Road. Use the side door marked Custody Visitors."
    )
    staff.get_by_label("How many places").fill("2")
    staff.get_by_label("Minimum age (optional)").fill("18")
    staff.get_by_label("ID to bring (optional)").fill("Photo ID, such as a passport")
    staff.get_by_role("button", name="Save").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Custody suite visit, Longsight")
    check(staff, axe_check, "the new opportunity")
    opportunity = Opportunity.objects.get()
    assert opportunity.places_available == 2 and opportunity.contact_officer == coordinator

    # It is offered to the three people interested in lay observation.
    staff.get_by_role("link", name="Offer places").click()
    check(staff, axe_check, "offer places")
    for person in (ada, ben, cara):
        staff.get_by_label(person.name).check()
    staff.get_by_role("button", name="Offer places to the people ticked").click()
    expect(staff.get_by_text("Offers are on their way to 3 people.")).to_be_visible()
    places = {place.attendee_id: place for place in opportunity.places.all()}

    def open_link(person, what):
        phone.goto(f"{live_server.url}{link_in(latest_email(places[person.pk], what))}")

    # Ada and Ben take the two places from their emails, on their phones.
    for person in (ada, ben):
        open_link(person, "offer")
        expect(phone.get_by_role("heading", level=1)).to_have_text("You are offered a place")
        expect(phone.get_by_text("Longsight police station")).to_have_count(0)
        if person == ada:
            check(phone, axe_check, "an offer of a place")
            phone.get_by_role("button", name="Take a place").click()
            expect(phone.get_by_role("alert")).to_contain_text("Tick the box")
            check(phone, axe_check, "an offer of a place, conditions not ticked")
        phone.get_by_label("I meet the conditions above").check()
        phone.get_by_role("button", name="Take a place").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("You have a place")
        expect(phone.get_by_text("Longsight police station, Stockport Road")).to_be_visible()
    check(phone, axe_check, "a place taken")

    # Cara is too late: the places are gone, so she joins the waiting list.
    open_link(cara, "offer")
    expect(phone.get_by_text("0 of 2 free")).to_be_visible()
    phone.get_by_label("I meet the conditions above").check()
    phone.get_by_role("button", name="Join the waiting list").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("You are on the waiting list")
    expect(phone.get_by_text("You are number 1 on the list.", exact=False)).to_be_visible()
    check(phone, axe_check, "the waiting list")

    # Ada cannot come after all; Cara is emailed and takes the place.
    open_link(ada, "taken")
    phone.get_by_role("button", name="Give up my place").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("You gave up your place")
    check(phone, axe_check, "a place given up")
    open_link(cara, "place-free")
    expect(phone.get_by_text("A place is free now.", exact=False)).to_be_visible()
    check(phone, axe_check, "a place free for the first on the waiting list")
    phone.get_by_label("I meet the conditions above").check()
    phone.get_by_role("button", name="Take a place").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("You have a place")
    assert sorted(opportunity.places.values_list("status", flat=True)) == [
        "cancelled",
        "taken",
        "taken",
    ]

    # On the day, the Coordinator records who came: Ben and Cara.
    Opportunity.objects.filter(pk=opportunity.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(minutes=5)
    )
    staff.reload()
    who_came = staff.get_by_role("group", name="Who came?")
    expect(who_came).to_be_visible()
    check(staff, axe_check, "the opportunity on the day")
    who_came.get_by_label("Ben Mensah").check()
    who_came.get_by_label("Cara Reid").check()
    staff.get_by_role("button", name="Save who came").click()
    expect(staff.get_by_text("Recorded: 2 came, 0 did not.", exact=False)).to_be_visible()
    staff.set_viewport_size(SMALL_PHONE)
    check(staff, axe_check, "the opportunity after the day")
    staff.set_viewport_size(DESKTOP)
    assert sorted(opportunity.places.values_list("status", flat=True)) == [
        "attended",
        "attended",
        "cancelled",
    ]

    # Cara tells us what she thought, anonymously.
    feedback_email = latest_email(places[cara.pk], "feedback")
    phone.goto(f"{live_server.url}{feedback_link_in(feedback_email)}")
    expect(phone.get_by_text("About your visit")).to_be_visible()
    check(phone, axe_check, "the visitors' form")
    phone.get_by_label("What did you think of the visit?").fill(
        "The custody sergeant explained every step. I did not know people got a solicitor free."
    )
    phone.get_by_role("button", name="Send my feedback").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")
    check(phone, axe_check, "thank you for your feedback")

    # On the hour it reaches the inbox, tagged to the visit, with nothing about Cara.
    assert release_forms_sent_so_far() == 1
    item = FeedbackItem.objects.get()
    assert item.submission.lay_observation == opportunity
    staff.get_by_role("navigation", name="Staff").get_by_role("link", name="Feedback").click()
    arrived = staff.locator(".inbox-item", has_text="The custody sergeant explained every step.")
    expect(arrived).to_contain_text("Lay observation")
    expect(arrived).to_contain_text("Custody suite visit, Longsight")
    expect(arrived).not_to_contain_text("Cara")
    check(staff, axe_check, "the feedback inbox")


def test_every_lay_observation_page_passes_axe_and_fits_a_small_phone(
    live_server, browser, axe_check, sign_in, coordinator, leader, settings
):
    from contacts.services.consent import consent_withdraw
    from contacts.services.lay_observation import opportunity_cancel, place_decline, place_take
    from contacts.services.links import my_data_link_url
    from contacts.tests.factories import OpportunityFactory
    from contacts.tests.helpers import path_of
    from contacts.tests.lay_observation_helpers import offer

    settings.SITE_URL = live_server.url
    opportunity = OpportunityFactory(
        places_available=1, needs_vetting=True, minimum_age=18, id_to_bring="Photo ID"
    )
    taken, waiting, declined, unanswered = offer(
        opportunity, *(interested(name=f"Person {n}") for n in range(4))
    )
    for place in (taken, waiting):
        place_take(place=place)
    place_decline(place=declined)
    past = OpportunityFactory(past=True)
    cancelled = OpportunityFactory()
    (cancelled_place,) = offer(cancelled, interested(name="Told It Was Cancelled"))
    opportunity_cancel(opportunity=cancelled, reason="The suite is closed.", by=coordinator)
    (withdrawn_place,) = offer(OpportunityFactory(), interested(name="Changed Their Mind"))
    consent_withdraw(
        attendee=withdrawn_place.attendee, purpose="lay_observation", method="preferences"
    )

    def link(place, what="offer"):
        return link_in(latest_email(place, what))

    public_pages = {
        "an offer": link(unanswered),
        "a place taken": link(taken),
        "the waiting list": link(waiting),
        "an offer turned down": link(declined),
        "a cancelled opportunity": link(cancelled_place),
        "a person no longer interested": link(withdrawn_place),
        "a link that does not work": "/lay-observation/not-a-real-link/",
        "the visitors' form before the visit": (
            f"/give-feedback/lay-observation/{opportunity.feedback_token}/"
        ),
        "my data with lay observation": path_of(my_data_link_url(taken.attendee)),
        "the public events page": "/events/",
    }
    phone = browser.new_context(viewport=SMALL_PHONE).new_page()
    for what, path in public_pages.items():
        phone.goto(f"{live_server.url}{path}")
        check(phone, axe_check, what)

    staff_pages = {
        "the list": "/staff/lay-observation/",
        "the past list": "/staff/lay-observation/?when=past",
        "a new opportunity": "/staff/lay-observation/new/",
        "an opportunity": opportunity.get_staff_url(),
        "an opportunity that has happened": past.get_staff_url(),
        "a cancelled opportunity": cancelled.get_staff_url(),
        "editing": f"/staff/lay-observation/{opportunity.pk}/edit/",
        "cancelling": f"/staff/lay-observation/{opportunity.pk}/cancel/",
        "offering": f"/staff/lay-observation/{opportunity.pk}/offer/",
        "the contact numbers": "/staff/contacts/counts/",
        "a contact with a place": taken.attendee.get_staff_url(),
    }
    for user, pages in (
        (coordinator, staff_pages),
        (leader, {"a Leader's view": opportunity.get_staff_url()}),
    ):
        staff = browser.new_context(viewport=SMALL_PHONE).new_page()
        sign_in(staff, user.username)
        for what, path in pages.items():
            staff.goto(f"{live_server.url}{path}")
            expect(staff.get_by_role("heading", level=1)).to_be_visible()
            check(staff, axe_check, what)
