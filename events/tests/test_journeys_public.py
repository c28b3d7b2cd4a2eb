"""The public events pages in a real Chromium browser: on a small phone, light, with
nothing from another origin, and working without JavaScript. Every page is checked
with axe-core against WCAG 2.2 AA."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from engagement.tests.factories import ProgrammeFactory
from events.models import Event, Venue
from events.services import EventDetails, event_create
from events.tests.factories import EventFactory, VenueFactory
from events.tests.helpers import SMALL_PHONE, fact, local

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Everything a cold visit to the public events page downloads, gzip-compressed, must
# fit in this many bytes: people open it from a poster, on slow and metered phones.
PUBLIC_EVENTS_BUDGET_BYTES = 60 * 1024


def public_events():
    """Three upcoming published events of each format, and one not published."""
    venue = VenueFactory(
        name="Central Mosque Community Hall and Neighbourhood Resource Centre",
        address="20 Upper Park Road\nManchester",
        postcode="M14 5RU",
        hearing_loop=True,
        accessibility_notes="Separate entrance for the hall on the side street.",
    )
    online = VenueFactory(name="Online (Microsoft Teams)", kind=Venue.Kind.ONLINE, address="")
    soon = timezone.now() + timedelta(days=3)
    EventFactory(
        title="Community conversation: Gypsy, Roma and Traveller communities in Longsight",
        slug="grt-conversation",
        venue=venue,
        starts_at=soon,
    )
    EventFactory(
        title="Online listening event",
        slug="online-listening",
        format=Event.Format.ONLINE,
        venue=online,
        online_link="https://teams.microsoft.com/l/meetup-join/a-very-long-meeting-identifier",
        starts_at=soon + timedelta(days=7),
    )
    EventFactory(
        title="Hybrid youth forum",
        slug="hybrid-youth-forum",
        format=Event.Format.HYBRID,
        venue=venue,
        online_link="https://teams.microsoft.com/l/meetup-join/another",
        age_group=Event.AgeGroup.YOUNG_PEOPLE,
        starts_at=soon + timedelta(days=14),
    )
    EventFactory(title="Draft event", slug="draft-event", is_published=False)


def test_public_events_page_on_a_small_phone_is_accessible_light_and_script_free(
    live_server, cold_visit, axe_check
):
    public_events()
    visit = cold_visit(f"{live_server.url}/events/", viewport=SMALL_PHONE)
    page, requested, scripts = visit.page, visit.requested, visit.scripts
    assert visit.response.status == 200

    sizes = visit.compressed_sizes()
    total = sum(sizes.values())

    expect(page.get_by_role("heading", level=1)).to_have_text("Community events")
    cards = page.locator(".event-card")
    expect(cards).to_have_count(3)
    expect(cards.first.get_by_role("heading")).to_have_text(
        "Community conversation: Gypsy, Roma and Traveller communities in Longsight"
    )
    expect(page.get_by_text("Draft event")).to_have_count(0)
    expect(fact(cards.nth(1), "Where")).to_have_text("Online (Microsoft Teams)")
    expect(fact(cards.nth(2), "Where")).to_contain_text("you can also join online")
    expect(page.get_by_role("link", name="Add all our events to your calendar")).to_have_attribute(
        "href", "/events/calendar.ics"
    )
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= SMALL_PHONE["width"], "/events/ scrolls sideways at 320px"
    assert scripts == []
    assert page.locator("script").count() == 0
    axe_check(page, "/events/ at 320px")

    page.get_by_role("link", name="Hybrid youth forum").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hybrid youth forum")
    expect(page.get_by_role("heading", name="Getting there and access")).to_be_visible()
    expect(page.get_by_text("Hearing loop")).to_be_visible()
    expect(fact(page, "Join online")).to_contain_text("https://teams.microsoft.com/")
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= SMALL_PHONE["width"], "an event page scrolls sideways at 320px"
    assert scripts == []
    axe_check(page, "public event page at 320px")

    print(f"\n/events/, cold load: {total} bytes gzipped ({total / 1024:.1f} KiB)")
    for url, size in sizes.items():
        print(f"  {size:>7} {url}")
    assert len(sizes) >= 3, "expected the page and its stylesheets"
    assert total <= PUBLIC_EVENTS_BUDGET_BYTES
    ours = urlsplit(live_server.url)
    elsewhere = [url for url in requested if urlsplit(url)[:2] != ours[:2]]
    assert elsewhere == [], f"requests to another origin: {elsewhere}"


def test_public_events_work_without_javascript(live_server, browser):
    public_events()
    context = browser.new_context(java_script_enabled=False, viewport=SMALL_PHONE)
    try:
        page = context.new_page()
        response = page.goto(f"{live_server.url}/events/")
        assert response.status == 200
        expect(page.locator(".event-card")).to_have_count(3)

        page.get_by_role("link", name="Online listening event").click()

        expect(page).to_have_url(f"{live_server.url}/events/online-listening/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Online listening event")
        # An online event has no building to get to.
        expect(page.get_by_role("heading", name="Getting there and access")).to_have_count(0)
        calendar = page.get_by_role("link", name="Add to my calendar")
        download = page.request.get(f"{live_server.url}{calendar.get_attribute('href')}")
        assert download.status == 200
        assert download.headers["content-type"].startswith("text/calendar")
        assert "SUMMARY:Online listening event" in download.text()

        page.get_by_role("link", name="All events").click()
        expect(page).to_have_url(f"{live_server.url}/events/")
    finally:
        context.close()


def test_a_link_to_an_event_that_moved_opens_it_at_its_new_address(
    live_server, browser, page, sign_in, axe_check, coordinator
):
    starts = (timezone.localtime() + timedelta(days=20)).replace(
        hour=18, minute=30, second=0, microsecond=0
    )
    event = event_create(
        details=EventDetails(
            programme=ProgrammeFactory(),
            title="Moss Side listening event",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            venue=VenueFactory(),
            is_published=True,
        ),
        by=coordinator,
    )
    shared_link = f"{live_server.url}{event.get_absolute_url()}"

    # The Coordinator moves it five days earlier.
    sign_in(page, coordinator.username)
    page.wait_for_url("**/staff/**")
    page.goto(f"{live_server.url}{event.get_staff_url()}edit/")
    moved_to = starts - timedelta(days=5)
    page.get_by_label("Starts").fill(local(moved_to))
    page.get_by_label("Ends").fill(local(moved_to + timedelta(hours=2)))
    page.get_by_role("button", name="Save event").click()
    expect(page.locator(".messages")).to_contain_text("Your changes are saved.")
    event.refresh_from_db()
    new_address = f"/events/moss-side-listening-event-{moved_to:%Y-%m-%d}/"
    assert event.get_absolute_url() == new_address

    # Someone opens the link they were sent before, on a phone, without JavaScript.
    context = browser.new_context(viewport=SMALL_PHONE, java_script_enabled=False)
    try:
        visitor = context.new_page()
        response = visitor.goto(shared_link)
        assert response.status == 200
        assert response.request.redirected_from.url == shared_link
        expect(visitor).to_have_url(f"{live_server.url}{new_address}")
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Moss Side listening event")
        expect(fact(visitor, "When")).to_contain_text(
            f"{moved_to:%A} {moved_to.day} {moved_to:%B %Y}"
        )
        expect(visitor.get_by_role("link", name="Add to my calendar")).to_have_attribute(
            "href", f"{new_address}calendar.ics"
        )
    finally:
        context.close()

    # Axe needs JavaScript, so the page is checked in the Coordinator's browser.
    page.set_viewport_size(SMALL_PHONE)
    page.goto(shared_link)
    expect(page).to_have_url(f"{live_server.url}{new_address}")
    axe_check(page, "a moved event's page, reached by its old address")
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
