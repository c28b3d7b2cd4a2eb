"""Running an event in a real Chromium browser: a coordinator plans an event,
publishes it, marks it as held and writes the debrief, and cancels another. Every page
visited, error states included, is checked with axe-core against WCAG 2.2 AA."""

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event
from events.tests.factories import EventFactory, VenueFactory
from events.tests.helpers import DESKTOP, KEY_QUESTIONS, fact, local, local_minute

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


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
    page.get_by_label("Starts").fill(local(starts))
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
    expect(page.get_by_label("Starts")).to_have_value(local(starts))
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
    page.get_by_label("When did it actually finish? (optional)").fill(local(actual_finish))
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
