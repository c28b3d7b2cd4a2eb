from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from engagement.tests.factories import ProgrammeFactory
from events.models import Event, Venue
from events.services import (
    VenueInUseError,
    event_cancel,
    event_unique_slug,
    venue_archive,
    venue_delete,
)
from events.tests.factories import EventFactory, VenueFactory


@pytest.mark.django_db
def test_public_listing_shows_only_published_upcoming_events_in_date_order():
    later = EventFactory(starts_at=timezone.now() + timedelta(days=20))
    sooner = EventFactory(starts_at=timezone.now() + timedelta(days=2))
    EventFactory(is_published=False)
    EventFactory(past=True)
    cancelled = EventFactory()
    event_cancel(event=cancelled, reason="Venue closed")
    assert list(Event.objects.public_listing()) == [sooner, later]


@pytest.mark.django_db
def test_an_event_happening_now_is_still_upcoming():
    now = timezone.now()
    happening = EventFactory(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2))
    assert happening in Event.objects.upcoming()
    assert happening not in Event.objects.past()


@pytest.mark.django_db
def test_cost_totals_add_up_per_event_and_per_programme():
    programme = ProgrammeFactory()
    first = EventFactory(programme=programme, held=True)
    EventFactory(
        programme=programme,
        held=True,
        venue_hire_cost=None,
        catering_cost=Decimal("20.00"),
        other_cost=Decimal("5.25"),
    )
    EventFactory(programme=programme)
    assert first.total_cost == Decimal("230.50")
    totals = programme.events.cost_totals()
    assert totals["venue_hire"] == Decimal("150.00")
    assert totals["catering"] == Decimal("100.50")
    assert totals["other"] == Decimal("5.25")
    assert totals["total"] == Decimal("255.75")
    assert totals["held"] == 2
    assert totals["headcount"] == 120
    annotated = Event.objects.with_costs().get(pk=first.pk)
    assert annotated.cost_total == Decimal("230.50")


@pytest.mark.django_db
def test_planned_and_actual_finish_show_an_overrun():
    event = EventFactory(held=True)
    event.actual_ends_at = event.ends_at + timedelta(minutes=40)
    assert event.overrun_minutes == 40
    event.actual_ends_at = event.ends_at - timedelta(minutes=10)
    assert event.overran_by is None
    assert event.overrun_minutes == 0


@pytest.mark.django_db
def test_the_database_refuses_an_event_that_ends_before_it_starts():
    event = EventFactory.build(programme=ProgrammeFactory(), venue=None, focus_community=None)
    event.ends_at = event.starts_at - timedelta(hours=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


@pytest.mark.django_db
def test_the_database_refuses_negative_costs_and_a_held_event_without_headcount():
    event = EventFactory(held=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(catering_cost=Decimal("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(headcount=None)


@pytest.mark.django_db
def test_feedback_tokens_are_unique_and_unguessable():
    tokens = {EventFactory().feedback_token for _ in range(20)}
    assert len(tokens) == 20
    assert all(len(token) == 14 for token in tokens)
    # Easy to type off a poster: no capitals and no characters that look alike.
    assert all(set(token) <= set("abcdefghjkmnpqrstuvwxyz23456789") for token in tokens)


@pytest.mark.django_db
def test_feedback_url_uses_the_site_address(settings):
    settings.SITE_URL = "https://voice.example.police.uk"
    event = EventFactory()
    assert event.feedback_url() == (
        f"https://voice.example.police.uk/give-feedback/{event.feedback_token}/"
    )


@pytest.mark.django_db
def test_slugs_come_from_the_title_and_date_and_never_clash():
    starts_at = timezone.now()
    first = event_unique_slug(title="Listening event: Moss Side!", starts_at=starts_at)
    assert first == f"listening-event-moss-side-{timezone.localdate(starts_at):%Y-%m-%d}"
    EventFactory(slug=first)
    assert event_unique_slug(title="Listening event: Moss Side!", starts_at=starts_at) == (
        f"{first}-2"
    )


@pytest.mark.django_db
def test_a_venue_in_use_cannot_be_deleted_only_archived():
    venue = VenueFactory()
    EventFactory(venue=venue)
    with pytest.raises(VenueInUseError):
        venue_delete(venue=venue)
    venue_archive(venue=venue)
    venue.refresh_from_db()
    assert venue.is_archived
    assert venue not in Venue.objects.in_use()


@pytest.mark.django_db
def test_an_unused_venue_can_be_deleted():
    venue = VenueFactory()
    venue_delete(venue=venue)
    assert not Venue.objects.filter(pk=venue.pk).exists()


def test_venue_lists_its_accessibility_features():
    venue = Venue(step_free_access=True, hearing_loop=True, prayer_space=True)
    assert venue.accessibility_features() == ["Step-free access", "Hearing loop", "Prayer space"]


@pytest.mark.django_db
def test_the_calendar_feed_keeps_recent_past_events_and_drops_old_and_draft_ones():
    now = timezone.now()
    recent = EventFactory(starts_at=now - timedelta(days=30))
    EventFactory(starts_at=now - timedelta(days=200))
    EventFactory(is_published=False)
    later = EventFactory(starts_at=now + timedelta(days=3))
    assert list(Event.objects.for_calendar_feed(now)) == [recent, later]


@pytest.mark.django_db
def test_the_venue_list_leaves_archived_venues_out_unless_asked():
    in_use = VenueFactory()
    archived = VenueFactory(is_archived=True)
    EventFactory.create_batch(2, venue=in_use)
    assert list(Venue.objects.for_list()) == [in_use]
    listed = {venue: venue.event_count for venue in Venue.objects.for_list(include_archived=True)}
    assert listed == {in_use: 2, archived: 0}
