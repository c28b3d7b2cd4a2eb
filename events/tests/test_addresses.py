"""An event's public address follows its title and date, and every address it had
before answers with a permanent redirect to the current one."""

from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from engagement.tests.factories import ProgrammeFactory
from events.models import EventAddress
from events.services import EventDetails, event_create, event_unique_slug, event_update
from events.tests.factories import EventAddressFactory, EventFactory, VenueFactory
from events.tests.helpers import local

pytestmark = pytest.mark.django_db


def day_of(moment) -> str:
    return f"{timezone.localdate(moment):%Y-%m-%d}"


def planned(coordinator, *, title="Moss Side listening event", days_ahead=20):
    """A published event at six in the evening, planned as a Coordinator plans one."""
    starts_at = (timezone.localtime() + timedelta(days=days_ahead)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    details = EventDetails(
        programme=ProgrammeFactory(),
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        venue=VenueFactory(),
        is_published=True,
    )
    return event_create(details=details, by=coordinator)


def details_of(event, **changes) -> EventDetails:
    values = {field.name: getattr(event, field.name) for field in fields(EventDetails)}
    return EventDetails(**{**values, **changes})


def moved(event, *, days: int):
    return details_of(
        event,
        starts_at=event.starts_at + timedelta(days=days),
        ends_at=event.ends_at + timedelta(days=days),
    )


def edit_form_data(event, **changes) -> dict:
    data = {
        "programme": event.programme_id,
        "title": event.title,
        "focus_community": event.focus_community_id or "",
        "age_group": event.age_group,
        "format": event.format,
        "venue": event.venue_id or "",
        "online_link": event.online_link,
        "starts_at": local(event.starts_at),
        "ends_at": local(event.ends_at),
        "lead_organiser": event.lead_organiser_id or "",
        "public_description": event.public_description,
        "agenda": event.agenda,
        "slug": event.slug,
        "is_published": "on" if event.is_published else "",
    }
    data.update(changes)
    return data


def calendar_entry(response):
    assert response.status_code == 200
    (entry,) = Calendar.from_ical(response.content).walk("VEVENT")
    return entry


def test_a_moved_event_gets_an_address_with_its_new_date_and_the_old_one_redirects(
    client, coordinator
):
    event = planned(coordinator)
    old_page, old_slug = event.get_absolute_url(), event.slug
    old_calendar = reverse("events:public-event-calendar", args=[old_slug])

    event_update(event=event, details=moved(event, days=-5))
    event.refresh_from_db()

    assert event.slug == f"moss-side-listening-event-{day_of(event.starts_at)}"
    assert event.slug != old_slug
    assert client.get(event.get_absolute_url()).status_code == 200
    page = client.get(old_page)
    assert page.status_code == 301
    assert page["Location"] == event.get_absolute_url()
    calendar = client.get(old_calendar)
    assert calendar.status_code == 301
    assert calendar["Location"] == reverse("events:public-event-calendar", args=[event.slug])
    assert list(event.old_addresses.values_list("slug", flat=True)) == [old_slug]


def test_a_coordinator_who_moves_or_renames_an_event_on_the_edit_page_moves_its_address(
    client, coordinator
):
    event = planned(coordinator)
    first_slug = event.slug
    client.force_login(coordinator)
    later = event.starts_at + timedelta(days=3)
    response = client.post(
        reverse("events:edit", args=[event.pk]),
        edit_form_data(event, starts_at=local(later), ends_at=local(later + timedelta(hours=2))),
    )
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert event.slug == f"moss-side-listening-event-{day_of(later)}"
    second_slug = event.slug

    client.post(reverse("events:edit", args=[event.pk]), edit_form_data(event, title="Youth forum"))
    event.refresh_from_db()
    assert event.slug == f"youth-forum-{day_of(later)}"
    # Each old address goes straight to the current one, never through another.
    for old in (first_slug, second_slug):
        response = client.get(reverse("events:public-detail", args=[old]))
        assert (response.status_code, response["Location"]) == (301, event.get_absolute_url())


def test_a_new_time_on_the_same_day_keeps_the_address(coordinator):
    event = planned(coordinator)
    slug = event.slug
    event_update(
        event=event,
        details=details_of(
            event,
            starts_at=event.starts_at + timedelta(hours=1),
            ends_at=event.ends_at + timedelta(hours=1),
        ),
    )
    event.refresh_from_db()
    assert event.slug == slug
    assert not EventAddress.objects.exists()


def test_an_address_typed_in_the_same_change_is_kept(coordinator):
    event = planned(coordinator)
    old_slug = event.slug
    event_update(event=event, details=details_of(event, title="Youth forum", slug="youth-forum"))
    event.refresh_from_db()
    assert event.slug == "youth-forum"
    assert list(event.old_addresses.values_list("slug", flat=True)) == [old_slug]


def test_an_event_moved_back_takes_back_its_first_address(client, coordinator):
    event = planned(coordinator)
    first_slug = event.slug
    event_update(event=event, details=moved(event, days=5))
    event.refresh_from_db()
    second_slug = event.slug

    event_update(event=event, details=moved(event, days=-5))
    event.refresh_from_db()

    assert event.slug == first_slug
    assert list(event.old_addresses.values_list("slug", flat=True)) == [second_slug]
    assert client.get(event.get_absolute_url()).status_code == 200
    response = client.get(reverse("events:public-detail", args=[second_slug]))
    assert response["Location"] == event.get_absolute_url()


def test_an_unpublished_event_is_not_found_at_its_old_address_either(client, coordinator):
    event = planned(coordinator)
    old_slug = event.slug
    event_update(event=event, details=moved(event, days=2))
    event_update(event=event, details=details_of(event, is_published=False))
    for url_name in ("events:public-detail", "events:public-event-calendar"):
        assert client.get(reverse(url_name, args=[old_slug])).status_code == 404
        assert client.get(reverse(url_name, args=[event.slug])).status_code == 404


def test_an_address_another_event_had_is_never_given_again(client, coordinator):
    first = planned(coordinator)
    taken = first.slug
    event_update(event=first, details=moved(first, days=1))

    second = planned(coordinator)
    assert second.slug == f"{taken}-2"
    assert event_unique_slug(title=first.title, starts_at=second.starts_at) == f"{taken}-3"
    # Nor can it be typed in.
    client.force_login(coordinator)
    response = client.post(
        reverse("events:edit", args=[second.pk]), edit_form_data(second, slug=taken)
    )
    assert response.status_code == 200
    assert (
        "Another event already uses this web address" in response.context["form"].errors["slug"][0]
    )
    response = client.get(reverse("events:public-detail", args=[taken]))
    assert response["Location"] == first.get_absolute_url()


def test_an_old_address_of_the_event_itself_can_be_typed_in_again(client, coordinator):
    event = EventFactory(slug="youth-forum-2027")
    EventAddressFactory(event=event, slug="youth-forum")
    client.force_login(coordinator)
    response = client.post(
        reverse("events:edit", args=[event.pk]), edit_form_data(event, slug="youth-forum")
    )
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert event.slug == "youth-forum"
    assert list(event.old_addresses.values_list("slug", flat=True)) == ["youth-forum-2027"]


def test_the_address_has_the_date_where_the_event_happens():
    # Half past midnight in British Summer Time is still the day before in UTC.
    starts_at = datetime(2027, 5, 31, 23, 30, tzinfo=UTC)
    assert event_unique_slug(title="Late vigil", starts_at=starts_at) == "late-vigil-2027-06-01"


def test_a_calendar_app_sees_the_same_event_after_its_address_changes(client, coordinator):
    event = planned(coordinator)
    before = calendar_entry(client.get(reverse("events:public-event-calendar", args=[event.slug])))
    event_update(event=event, details=moved(event, days=1))
    event.refresh_from_db()

    after = calendar_entry(client.get(reverse("events:public-event-calendar", args=[event.slug])))
    assert str(after["uid"]) == str(before["uid"])
    assert str(after["url"]).endswith(event.get_absolute_url())
    assert after.decoded("dtstart") == event.starts_at
    feed = Calendar.from_ical(client.get(reverse("events:public-calendar")).content)
    assert [str(entry["uid"]) for entry in feed.walk("VEVENT")] == [str(before["uid"])]


def test_an_event_renamed_in_the_admin_moves_its_address_too(client, administrator):
    event = EventFactory(title="Moss Side listening event", slug="moss-side-listening")
    starts_at, ends_at = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        {
            "programme": event.programme_id,
            "title": "Youth forum",
            "format": event.format,
            "venue": event.venue_id,
            "starts_at_0": f"{starts_at:%d/%m/%Y}",
            "starts_at_1": f"{starts_at:%H:%M:%S}",
            "ends_at_0": f"{ends_at:%d/%m/%Y}",
            "ends_at_1": f"{ends_at:%H:%M:%S}",
            "status": event.status,
            "other_officers_count": 0,
            "is_published": "on",
            "debrief-TOTAL_FORMS": 0,
            "debrief-INITIAL_FORMS": 0,
            "old_addresses-TOTAL_FORMS": 0,
            "old_addresses-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.slug == f"youth-forum-{day_of(event.starts_at)}"
    assert list(event.old_addresses.values_list("slug", flat=True)) == ["moss-side-listening"]
