from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events.models import Event, Venue
from events.services import event_cancel
from events.tests.factories import EventFactory, VenueFactory


@pytest.mark.django_db
def test_the_public_list_shows_published_upcoming_events_only(client):
    shown = EventFactory(title="Moss Side listening event")
    EventFactory(title="Draft event", is_published=False)
    EventFactory(title="Last month's event", past=True)
    page = client.get(reverse("events:public-list")).content.decode()
    assert shown.title in page
    assert "Draft event" not in page
    assert "Last month" not in page
    assert shown.get_absolute_url() in page
    assert "<script" not in page


@pytest.mark.django_db
def test_the_public_list_is_light_on_queries_however_many_events(
    client, django_assert_max_num_queries
):
    EventFactory.create_batch(2)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("events:public-list"))
    EventFactory.create_batch(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("events:public-list"))


@pytest.mark.django_db
def test_an_event_page_says_what_when_where_and_how_to_get_in(client):
    venue = VenueFactory(
        name="Moss Side Community Centre",
        hearing_loop=True,
        accessibility_notes="Bus 86 stops outside.",
    )
    event = EventFactory(venue=venue, public_description="Food and drink provided.")
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Food and drink provided." in page
    assert "Moss Side Community Centre" in page
    assert "Hearing loop" in page
    assert "Bus 86 stops outside." in page
    assert reverse("events:public-event-calendar", args=[event.slug]) in page
    assert event.focus_community.name in page


@pytest.mark.django_db
def test_an_unpublished_or_unknown_event_is_not_found(client):
    draft = EventFactory(is_published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/events/no-such-event/").status_code == 404


@pytest.mark.django_db
def test_a_cancelled_event_says_so_and_hides_the_joining_link(client):
    event = EventFactory(format=Event.Format.HYBRID, online_link="https://teams.example/join/abc")
    event_cancel(event=event, reason="The hall is closed for repairs.")
    page = client.get(event.get_absolute_url()).content.decode()
    assert "This event is cancelled" in page
    assert "The hall is closed for repairs." in page
    assert "https://teams.example/join/abc" not in page


@pytest.mark.django_db
def test_public_text_is_shown_as_text_never_run(client):
    event = EventFactory(title="<script>alert(1)</script> evening")
    page = client.get(event.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def parse(response):
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


@pytest.mark.django_db
def test_the_calendar_feed_is_valid_icalendar_with_a_link_to_each_event(client, settings):
    settings.SITE_URL = "https://voice.example.police.uk"
    online = VenueFactory(name="Online", kind=Venue.Kind.ONLINE, address="", postcode="")
    upcoming = EventFactory(title="Moss Side listening event")
    online_event = EventFactory(
        format=Event.Format.ONLINE, venue=online, online_link="https://teams.example/x"
    )
    cancelled = EventFactory(title="Cancelled evening")
    event_cancel(event=cancelled, reason="Snow")
    EventFactory(title="Draft", is_published=False)
    EventFactory(title="Long ago", starts_at=timezone.now() - timedelta(days=400))

    calendar = parse(client.get(reverse("events:public-calendar")))
    entries = {str(entry["summary"]): entry for entry in calendar.walk("VEVENT")}
    assert set(entries) == {upcoming.title, online_event.title, cancelled.title}
    entry = entries[upcoming.title]
    assert str(entry["url"]) == f"https://voice.example.police.uk{upcoming.get_absolute_url()}"
    assert entry.decoded("dtstart") == upcoming.starts_at
    assert entry.decoded("dtend") == upcoming.ends_at
    assert upcoming.venue.postcode in str(entry["location"])
    assert str(entry["status"]) == "CONFIRMED"
    assert str(entries[cancelled.title]["status"]) == "CANCELLED"
    assert "Online" in str(entries[online_event.title]["location"])
    uids = [str(entry["uid"]) for entry in entries.values()]
    assert len(set(uids)) == 3
    assert str(calendar["version"]) == "2.0"
    assert "PRODID" in calendar


@pytest.mark.django_db
def test_one_event_can_be_added_to_a_calendar(client):
    event = EventFactory()
    response = client.get(reverse("events:public-event-calendar", args=[event.slug]))
    assert f'filename="{event.slug}.ics"' in response["Content-Disposition"]
    (entry,) = parse(response).walk("VEVENT")
    assert str(entry["summary"]) == event.title


@pytest.mark.django_db
def test_the_calendar_feed_uses_few_queries(client, django_assert_max_num_queries):
    EventFactory.create_batch(15)
    with django_assert_max_num_queries(3):
        client.get(reverse("events:public-calendar"))


@pytest.mark.django_db
def test_the_home_page_shows_the_next_three_events(client, django_assert_max_num_queries):
    soonest = EventFactory(starts_at=timezone.now() + timedelta(days=1))
    EventFactory.create_batch(3, starts_at=timezone.now() + timedelta(days=5))
    with django_assert_max_num_queries(10):
        response = client.get("/")
    assert list(response.context["next_events"])[0] == soonest
    assert len(response.context["next_events"]) == 3
    assert soonest.get_absolute_url() in response.content.decode()
    assert reverse("events:public-list") in response.content.decode()


@pytest.mark.django_db
def test_the_home_page_says_when_no_events_are_published(client):
    assert "No events are published at the moment" in client.get("/").content.decode()


@pytest.mark.django_db
def test_an_event_page_links_to_the_keep_in_touch_form(client):
    event = EventFactory()
    assert reverse("keep-in-touch") in client.get(event.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_hub_links_coordinators_to_invitations_for_future_events(client, coordinator):
    upcoming, past = EventFactory(), EventFactory(past=True)
    client.force_login(coordinator)
    assert (
        reverse("contacts:invite", args=[upcoming.pk])
        in client.get(upcoming.get_staff_url()).content.decode()
    )
    assert (
        reverse("contacts:invite", args=[past.pk])
        not in client.get(past.get_staff_url()).content.decode()
    )
