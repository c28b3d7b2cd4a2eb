"""Journeys through events in a real Chromium browser: a coordinator plans an event,
publishes it, marks it as held and writes the debrief; cancelling; what a leader may
do; the public events pages on a small phone with no JavaScript; venues; the QR
poster; and the filtered event list. Every page visited is checked with axe-core
against WCAG 2.2 AA."""

import gzip
import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event, Venue
from events.tests.factories import DebriefFactory, EventFactory, VenueFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
SMALL_PHONE = {"width": 320, "height": 640}

# Everything a cold visit to the public events page downloads, gzip-compressed, must
# fit in this many bytes: people open it from a poster, on slow and metered phones.
PUBLIC_EVENTS_BUDGET_BYTES = 60 * 1024

# The four key questions the migrations make. Transactional tests empty the database
# after each test, so they are made again here if they are gone.


# The four questions the feedback app's migration puts in every new database.
KEY_QUESTIONS = [
    "How can the police better respect this community?",
    "How can the police better protect this community?",
    "How can the police better involve this community?",
    "How can the police better represent this community?",
]


def local_minute(moment):
    """A local time to the minute, as a datetime-local box holds it."""
    return timezone.localtime(moment).replace(second=0, microsecond=0)


def as_input(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"


def fact(page, term: str):
    """The <dd> that answers a <dt> in a list of facts, e.g. fact(page, "Planned")."""
    return page.locator(f"dl dt:text-is('{term}') + dd")


# Plan, publish, hold and debrief ----------------------------------------------------


def test_coordinator_plans_publishes_holds_and_debriefs_an_event(
    live_server, page, sign_in, axe_check, coordinator, programme_with_key_questions
):
    programme = programme_with_key_questions
    venue = VenueFactory(name="Moss Side Community Centre", postcode="M14 4SL")
    starts = local_minute(timezone.now() + timedelta(days=21)).replace(hour=18, minute=30)
    page.set_viewport_size(DESKTOP)

    sign_in(page, coordinator.username)
    expect(page).to_have_url(f"{live_server.url}/staff/")
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Events").click()

    expect(page).to_have_url(f"{live_server.url}/staff/events/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Events")
    expect(page.get_by_text("No events match")).to_be_visible()
    axe_check(page, "event list, empty")

    page.get_by_role("link", name="Plan an event").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Plan an event")
    expect(page.get_by_label("Programme")).to_have_value(str(programme.pk))
    axe_check(page, "plan an event")

    # A deliberate mistake: in person, but no venue chosen.
    page.get_by_label("Title").fill("Listening event at Moss Side")
    page.get_by_label("In person", exact=True).check()
    page.get_by_label("Starts").fill(as_input(starts))
    page.get_by_label("Public description (optional)").fill(
        "An evening to tell local officers what would make policing better."
    )
    page.get_by_role("button", name="Save event").click()

    assert page.title().startswith("Error: Plan an event")
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    venue_link = summary.get_by_role("link", name=re.compile("Choose a venue for an event held"))
    expect(venue_link).to_have_attribute("href", "#id_venue")
    expect(summary.get_by_role("link")).to_have_count(1)
    venue_box = page.locator("#id_venue")
    expect(venue_box).to_have_attribute("aria-invalid", "true")
    beside_venue = page.locator("#div_id_venue")
    expect(beside_venue).to_contain_text("Choose a venue for an event held in person")
    # What was typed is kept.
    expect(page.get_by_label("Title")).to_have_value("Listening event at Moss Side")
    expect(page.get_by_label("Starts")).to_have_value(as_input(starts))
    expect(page.get_by_label("In person", exact=True)).to_be_checked()
    expect(page.get_by_label("Public description (optional)")).to_have_value(
        re.compile("^An evening to tell local officers")
    )
    assert not Event.objects.exists()
    axe_check(page, "plan an event, with an error")

    venue_link.click()
    expect(venue_box).to_be_focused()
    venue_box.select_option(label=venue.name)
    page.get_by_label("Published").check()
    page.get_by_role("button", name="Save event").click()

    # The event hub. (The browser keeps the #id_venue of the error link it followed.)
    expect(page).to_have_url(re.compile(r"/staff/events/\d+/(#id_venue)?$"))
    event = Event.objects.get()
    assert urlsplit(page.url).path == f"/staff/events/{event.pk}/"
    expect(page.locator(".messages")).to_contain_text("The event is saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Listening event at Moss Side")
    assert event.is_published and event.venue == venue and event.programme == programme
    assert event.ends_at - event.starts_at == timedelta(hours=3), "the end defaults to 3 hours"
    expect(fact(page, "Planned")).to_contain_text(f"{starts:%A} {starts.day} {starts:%B %Y}")
    expect(fact(page, "Planned")).to_contain_text("18:30–21:30")
    expect(fact(page, "Venue")).to_have_text("Moss Side Community Centre, M14 4SL")
    expect(page.locator(".badge", has_text="Planned")).to_be_visible()
    # Not started yet, so it cannot be marked as held.
    expect(page.get_by_role("link", name="Mark as held")).to_have_count(0)
    axe_check(page, "event hub, planned")

    page.get_by_role("link", name="View the public page").click()

    expect(page).to_have_url(f"{live_server.url}/events/{event.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Listening event at Moss Side")
    expect(fact(page, "When")).to_contain_text(f"{starts:%A} {starts.day} {starts:%B %Y}")
    expect(fact(page, "When")).to_contain_text("6:30 p.m. to 9:30 p.m.")
    expect(fact(page, "Where")).to_contain_text("Moss Side Community Centre")
    expect(fact(page, "Where")).to_contain_text("M14 4SL")
    expect(page.get_by_text("An evening to tell local officers")).to_be_visible()
    calendar = page.get_by_role("link", name="Add to my calendar")
    expect(calendar).to_have_attribute("href", f"/events/{event.slug}/calendar.ics")
    # Staff details stay on the staff side.
    expect(page.get_by_text("Lead organiser")).to_have_count(0)
    axe_check(page, "public event page")

    # The day arrives: the event started six hours ago and was planned to end three
    # hours ago.
    planned_start = local_minute(timezone.now() - timedelta(hours=6))
    Event.objects.filter(pk=event.pk).update(
        starts_at=planned_start, ends_at=planned_start + timedelta(hours=3)
    )
    event.refresh_from_db()
    actual_finish = event.ends_at + timedelta(minutes=45)
    page.goto(f"{live_server.url}{event.get_staff_url()}")
    page.get_by_role("link", name="Mark as held").click()

    expect(page).to_have_url(f"{live_server.url}/staff/events/{event.pk}/held/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record what happened at Listening event at Moss Side"
    )
    axe_check(page, "mark as held")

    page.get_by_label("Members of the public attending").fill("64")
    page.get_by_label("When did it actually finish? (optional)").fill(as_input(actual_finish))
    page.get_by_label(KEY_QUESTIONS[0]).check()
    page.get_by_label(KEY_QUESTIONS[2]).check()
    page.get_by_label(coordinator.get_full_name()).check()
    page.get_by_label("Other officers attending").fill("3")
    page.get_by_label("Venue hire (£) (optional)").fill("150")
    page.get_by_label("Catering (£) (optional)").fill("85.50")
    page.get_by_label("Other costs (£) (optional)").fill("0")
    page.get_by_role("button", name="Save: the event was held").click()

    expect(page).to_have_url(f"{live_server.url}/staff/events/{event.pk}/")
    expect(page.locator(".messages")).to_contain_text("The event is marked as held.")
    expect(page.locator(".badge", has_text="Held")).to_be_visible()
    planned_times = f"{event.starts_at:%H:%M}–{timezone.localtime(event.ends_at):%H:%M}"
    expect(fact(page, "Planned")).to_contain_text(planned_times)
    expect(fact(page, "Actually finished")).to_contain_text(f"{actual_finish:%H:%M}")
    expect(fact(page, "Actually finished")).to_contain_text("45 minutes over")
    expect(fact(page, "Members of the public")).to_have_text("64")
    expect(fact(page, "Officers and staff")).to_contain_text(
        f"4: {coordinator.get_full_name()} and 3 others"
    )
    expect(fact(page, "Venue hire")).to_have_text("£150.00")
    expect(fact(page, "Catering")).to_have_text("£85.50")
    expect(fact(page, "Event total")).to_have_text("£235.50")
    expect(fact(page, "Programme total so far")).to_have_text("£235.50 over 1 event held")
    questions = page.get_by_role("region", name="Key questions").get_by_role("listitem")
    expect(questions).to_have_text(
        [
            f"✓ Discussed: {KEY_QUESTIONS[0]}",
            f"– Not discussed: {KEY_QUESTIONS[1]}",
            f"✓ Discussed: {KEY_QUESTIONS[2]}",
            f"– Not discussed: {KEY_QUESTIONS[3]}",
        ]
    )
    event.refresh_from_db()
    assert event.status == Event.Status.HELD and event.headcount == 64
    assert event.total_cost == Decimal("235.50")
    expect(page.get_by_role("link", name="Cancel event")).to_have_count(0)
    axe_check(page, "event hub, held")

    page.get_by_role("link", name="Write debrief").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Debrief: Listening event at Moss Side"
    )
    axe_check(page, "debrief")
    page.get_by_label("What went well").fill("People stayed to talk to officers afterwards.")
    page.get_by_label("What to improve").fill("Start on time.")
    page.get_by_label("Follow-ups").fill("Inspector to send stop and search figures.")
    page.get_by_role("button", name="Save debrief").click()

    expect(page).to_have_url(f"{live_server.url}/staff/events/{event.pk}/")
    expect(page.locator(".messages")).to_contain_text("The debrief is saved.")
    debrief = page.get_by_role("region", name="Debrief")
    expect(fact(debrief, "What went well")).to_have_text(
        "People stayed to talk to officers afterwards."
    )
    expect(fact(debrief, "What to improve")).to_have_text("Start on time.")
    expect(fact(debrief, "Follow-ups")).to_have_text("Inspector to send stop and search figures.")
    expect(debrief.get_by_text("Learning")).to_have_count(0)  # left empty, so not shown
    expect(page.get_by_role("link", name="Edit debrief")).to_be_visible()
    axe_check(page, "event hub, with debrief")


# Cancelling --------------------------------------------------------------------------


def test_coordinator_cancels_an_event_and_the_public_page_says_so(
    live_server, page, sign_in, axe_check, coordinator
):
    event = EventFactory(title="Youth voice evening", slug="youth-voice-evening")
    sign_in(page, coordinator.username)
    page.goto(f"{live_server.url}{event.get_staff_url()}")

    page.get_by_role("link", name="Cancel event").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel Youth voice evening")
    axe_check(page, "cancel an event")
    page.get_by_role("button", name="Cancel the event").click()  # no reason given

    expect(page.get_by_role("alert")).to_contain_text("Say why the event is cancelled.")
    event.refresh_from_db()
    assert event.status == Event.Status.PLANNED
    axe_check(page, "cancel an event, with an error")

    page.get_by_label("Why is the event cancelled?").fill("The venue flooded. We will rearrange.")
    page.get_by_role("button", name="Cancel the event").click()

    expect(page).to_have_url(f"{live_server.url}{event.get_staff_url()}")
    expect(page.locator(".messages")).to_contain_text("The event is cancelled.")
    expect(page.locator(".alert-warning")).to_have_text(
        "Cancelled: The venue flooded. We will rearrange."
    )
    expect(page.locator(".badge", has_text="Cancelled")).to_be_visible()
    for action in ("Mark as held", "Edit", "Cancel event"):
        expect(page.get_by_role("link", name=action, exact=True)).to_have_count(0)
    axe_check(page, "event hub, cancelled")

    page.goto(f"{live_server.url}/events/youth-voice-evening/")

    notice = page.get_by_role("status")
    expect(notice.get_by_role("heading")).to_have_text("This event is cancelled")
    expect(notice).to_contain_text("The venue flooded. We will rearrange.")
    expect(page.get_by_role("link", name="Add to my calendar")).to_have_count(0)
    axe_check(page, "public event page, cancelled")

    page.goto(f"{live_server.url}/events/")
    expect(page.get_by_role("link", name="Youth voice evening")).to_have_count(0)
    expect(page.get_by_text("There are no events coming up")).to_be_visible()


# What a leader may do ----------------------------------------------------------------


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


# The public events page ------------------------------------------------------------


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
    live_server, browser, axe_check
):
    public_events()
    context = browser.new_context(viewport=SMALL_PHONE)  # a new context: a cold cache
    responses, requested, scripts = [], [], []
    try:
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.on("response", lambda response: responses.append(response))
        page.on(
            "request",
            lambda request: (
                scripts.append(request.url) if request.resource_type == "script" else None
            ),
        )
        response = page.goto(f"{live_server.url}/events/")
        page.wait_for_load_state("networkidle")
        assert response.status == 200

        total = 0
        sizes = {}
        for answer in responses:
            body = answer.body() if 200 <= answer.status < 300 else b""
            sizes[answer.url] = len(gzip.compress(body, compresslevel=6))
            total += sizes[answer.url]

        expect(page.get_by_role("heading", level=1)).to_have_text("Community events")
        cards = page.locator(".event-card")
        expect(cards).to_have_count(3)
        expect(cards.first.get_by_role("heading")).to_have_text(
            "Community conversation: Gypsy, Roma and Traveller communities in Longsight"
        )
        expect(page.get_by_text("Draft event")).to_have_count(0)
        expect(fact(cards.nth(1), "Where")).to_have_text("Online (Microsoft Teams)")
        expect(fact(cards.nth(2), "Where")).to_contain_text("you can also join online")
        expect(
            page.get_by_role("link", name="Add all our events to your calendar")
        ).to_have_attribute("href", "/events/calendar.ics")
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
    finally:
        context.close()

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


# Venues and the poster ---------------------------------------------------------------


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


# The event list, filtered ------------------------------------------------------------


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
