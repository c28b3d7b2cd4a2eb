"""The staff events pages in a real Chromium browser: what a leader may and may not
do, venues, the QR poster and the filtered event list at desktop and phone widths.
Every page visited is checked with axe-core against WCAG 2.2 AA."""

import re

import pytest
from playwright.sync_api import expect

from events.models import Venue
from events.tests.factories import DebriefFactory, EventFactory, VenueFactory
from events.tests.helpers import DESKTOP, KEY_QUESTIONS, SMALL_PHONE, fact

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_leader_reads_the_events_and_hub_but_cannot_change_them(
    live_server, page, sign_in, axe_check, leader
):
    debrief = DebriefFactory(event__title="Community conversation at the mosque")
    event = debrief.event
    sign_in(page, leader.username)
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Events").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Events")
    expect(page.get_by_role("link", name="Plan an event")).to_have_count(0)
    axe_check(page, "event list as a leader")
    page.get_by_role("link", name="Past").click()
    expect(page.get_by_role("link", name="Past")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Community conversation at the mosque").click()

    expect(page).to_have_url(f"{live_server.url}{event.get_staff_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Community conversation at the mosque"
    )
    expect(fact(page, "Members of the public")).to_have_text("60")
    expect(fact(page.get_by_role("region", name="Debrief"), "What went well")).to_have_text(
        "Good turnout."
    )
    main = page.get_by_role("main")
    for action in (
        "Edit",
        "Plan an event",
        "Mark as held",
        "Update what happened",
        "Edit debrief",
        "Write debrief",
        "Cancel event",
    ):
        expect(main.get_by_role("link", name=action, exact=True)).to_have_count(0)
    expect(main.get_by_role("link", name="QR poster")).to_be_visible()
    axe_check(page, "event hub as a leader")

    # Nor can a leader get there by typing the address.
    for path in ("edit/", "held/", "debrief/", "cancel/"):
        response = page.request.get(f"{live_server.url}{event.get_staff_url()}{path}")
        assert response.status == 403, f"a leader can open {path}"
    assert page.request.get(f"{live_server.url}/staff/events/new/").status == 403


def test_venue_list_and_form_with_a_mistake_are_accessible(
    live_server, page, sign_in, axe_check, coordinator
):
    VenueFactory(name="Longsight Youth Hub", hearing_loop=True)
    sign_in(page, coordinator.username)
    page.goto(f"{live_server.url}/staff/events/")
    page.get_by_role("link", name="Venues").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Venues")
    row = page.get_by_role("row", name=re.compile("Longsight Youth Hub"))
    expect(row).to_contain_text("Step-free access, Hearing loop")
    axe_check(page, "venue list")

    page.get_by_role("link", name="Add a venue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a venue")
    axe_check(page, "add a venue")

    page.get_by_label("Name").fill("Town Hall Council Chamber")
    page.get_by_label("Kind of venue").select_option(label="Town hall")
    page.get_by_label("Address", exact=True).fill("Albert Square\nManchester")
    page.get_by_label("Postcode (optional)").fill("NOT A CODE")
    page.get_by_label("Step-free access").check()
    page.get_by_role("button", name="Save venue").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter a real UK postcode, for example SW9 8DD.")
    expect(page.locator("#div_id_postcode")).to_contain_text("Enter a real UK postcode")
    expect(page.get_by_label("Postcode (optional)")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Name")).to_have_value("Town Hall Council Chamber")
    expect(page.get_by_label("Step-free access")).to_be_checked()
    assert not Venue.objects.filter(name="Town Hall Council Chamber").exists()
    axe_check(page, "add a venue, with an error")

    page.get_by_label("Postcode (optional)").fill("m25db")
    page.get_by_role("button", name="Save venue").click()

    expect(page).to_have_url(f"{live_server.url}/staff/events/venues/")
    expect(page.locator(".messages")).to_contain_text("Town Hall Council Chamber is added.")
    expect(page.get_by_role("row", name=re.compile("Town Hall Council Chamber"))).to_contain_text(
        "M2 5DB"
    )
    axe_check(page, "venue list after adding")

    # Archived, then brought back into use, each with its own button.
    page.get_by_role("link", name="Town Hall Council Chamber").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Town Hall Council Chamber")
    axe_check(page, "edit a venue")
    page.get_by_role("button", name="Archive venue").click()
    expect(page.locator(".messages")).to_contain_text("Town Hall Council Chamber is archived.")
    expect(page.get_by_role("link", name="Town Hall Council Chamber")).to_have_count(0)
    page.get_by_role("link", name="Show archived venues too").click()
    page.get_by_role("link", name="Town Hall Council Chamber").click()
    page.get_by_role("button", name="Bring back into use").click()
    expect(page.locator(".messages")).to_contain_text("Town Hall Council Chamber is back in use.")
    assert not Venue.objects.get(name="Town Hall Council Chamber").is_archived


def test_qr_poster_is_accessible_and_has_the_code(
    live_server, page, sign_in, axe_check, coordinator, programme_with_key_questions
):
    event = EventFactory(title="Listening event", programme=programme_with_key_questions)
    sign_in(page, coordinator.username)
    page.goto(f"{live_server.url}{event.get_staff_url()}")

    page.get_by_role("link", name="QR poster").click()

    expect(page).to_have_url(f"{live_server.url}{event.get_staff_url()}poster/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us what you think")
    qr_code = page.locator(".qr svg")
    expect(qr_code).to_have_count(1)
    expect(qr_code).to_be_visible()
    expect(qr_code.locator("title")).to_have_text(re.compile("QR code"))
    expect(page.locator(".short-url")).to_contain_text(f"/give-feedback/{event.feedback_token}/")
    expect(page.locator(".questions li")).to_have_text(KEY_QUESTIONS)
    axe_check(page, "QR poster")
    page.get_by_role("link", name="Back to the event").click()
    expect(page).to_have_url(f"{live_server.url}{event.get_staff_url()}")


@pytest.mark.parametrize("viewport", [DESKTOP, SMALL_PHONE], ids=["1280", "320"])
def test_filtered_event_list_is_accessible_at_desktop_and_phone_widths(
    live_server, page, sign_in, axe_check, coordinator, viewport
):
    EventFactory(title="Held in the spring", held=True)
    EventFactory(title="Past but not recorded", past=True)
    EventFactory(title="Coming up")
    page.set_viewport_size(viewport)
    sign_in(page, coordinator.username)

    page.goto(f"{live_server.url}/staff/events/?when=past&status=held")

    panel = page.locator("details.filters")
    expect(panel).to_have_attribute("open", "")
    expect(page.get_by_label("Status")).to_have_value("held")
    expect(page.get_by_role("link", name="Past")).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("1 event", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Held in the spring")).to_be_visible()
    expect(page.get_by_role("link", name="Past but not recorded")).to_have_count(0)
    expect(page.get_by_role("link", name="Coming up")).to_have_count(0)
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= viewport["width"], f"the list scrolls sideways at {viewport['width']}px"
    axe_check(page, f"filtered event list at {viewport['width']}px")

    # Clearing the filters keeps the tab.
    page.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(f"{live_server.url}/staff/events/?when=past")
    expect(page.get_by_role("link", name="Past but not recorded")).to_be_visible()
