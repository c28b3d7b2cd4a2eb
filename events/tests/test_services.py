"""The events services, called with plain values and no form: as the staff pages, the
demo data and other apps call them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from engagement.tests.factories import CommunityFactory, ProgrammeFactory, UserFactory
from events.models import Debrief, Event
from events.services import (
    EventCannotBeMarkedHeldError,
    EventDetails,
    debrief_save,
    event_create,
    event_mark_held,
    event_record_key_questions_covered,
    event_update,
    venue_archive,
    venue_unarchive,
)
from events.tests.factories import EventFactory, VenueFactory
from events.tests.helpers import local_minute


def details(**changes) -> EventDetails:
    starts_at = local_minute(timezone.now() + timedelta(days=10))
    values = {
        "programme": ProgrammeFactory(),
        "title": "Listening event in Moss Side",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "focus_community": CommunityFactory(),
        "venue": VenueFactory(),
        "public_description": "Come and tell us what you think.",
        "is_published": True,
    }
    values.update(changes)
    return EventDetails(**values)


@pytest.mark.django_db
def test_a_new_event_gets_a_web_address_and_is_led_by_whoever_planned_it():
    organiser = UserFactory()
    event = event_create(details=details(), by=organiser)
    event.refresh_from_db()
    day = timezone.localdate(event.starts_at)
    assert event.slug == f"listening-event-in-moss-side-{day:%Y-%m-%d}"
    assert event.lead_organiser == organiser
    assert event.status == Event.Status.PLANNED
    assert event.is_published
    someone_else = UserFactory()
    led = event_create(details=details(lead_organiser=someone_else), by=organiser)
    assert led.lead_organiser == someone_else
    assert led.slug == f"{event.slug}-2"


@pytest.mark.django_db
def test_updating_an_event_replaces_its_details_and_remakes_an_emptied_address():
    event = EventFactory(slug="old-address")
    new = details(title="Youth forum", slug="", format=Event.Format.ONLINE, venue=None)
    event_update(event=event, details=new)
    event.refresh_from_db()
    assert event.title == "Youth forum"
    assert event.format == Event.Format.ONLINE and event.venue is None
    assert event.slug.startswith("youth-forum-")


@pytest.mark.django_db
def test_marking_held_records_attendance_costs_and_questions(programme):
    event = EventFactory(past=True, programme=programme)
    officer = UserFactory()
    questions = list(programme.key_questions.order_by("programme_links__position"))
    event_mark_held(
        event=event,
        headcount=58,
        actual_ends_at=event.ends_at + timedelta(minutes=20),
        key_questions_covered=questions[:2],
        officers_attending=[officer],
        other_officers_count=4,
        chief_officer_attended=True,
        venue_hire_cost=Decimal("100.00"),
        catering_cost=Decimal("45.50"),
    )
    event.refresh_from_db()
    assert event.status == Event.Status.HELD
    assert event.headcount == 58
    assert event.overrun_minutes == 20
    assert event.total_cost == Decimal("145.50")
    assert list(event.officers_attending.all()) == [officer]
    assert set(event.key_questions_covered.all()) == set(questions[:2])


@pytest.mark.django_db
def test_without_an_actual_finish_the_event_finished_on_time():
    event = EventFactory(past=True)
    event_mark_held(event=event, headcount=10)
    event.refresh_from_db()
    assert event.actual_ends_at == event.ends_at
    assert event.overran_by is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("event_kind", "reason"),
    [
        ({}, "This event has not started yet."),
        ({"past": True, "cancelled": True}, "This event was cancelled"),
    ],
)
def test_an_event_that_cannot_be_marked_held_is_refused_and_left_alone(event_kind, reason):
    event = EventFactory(**event_kind)
    status = event.status
    assert not event.can_be_marked_held()
    assert event.reason_it_cannot_be_marked_held().startswith(reason)
    with pytest.raises(EventCannotBeMarkedHeldError, match=reason):
        event_mark_held(event=event, headcount=40)
    event.refresh_from_db()
    assert event.status == status and event.headcount is None


@pytest.mark.django_db
def test_the_key_questions_covered_can_be_recorded_on_their_own(programme):
    event = EventFactory(held=True, programme=programme)
    questions = list(programme.key_questions.all())
    event_record_key_questions_covered(event=event, key_questions=questions)
    assert event.key_questions_covered.count() == len(questions)
    event_record_key_questions_covered(event=event, key_questions=[])
    assert not event.key_questions_covered.exists()


@pytest.mark.django_db
def test_a_debrief_is_written_then_rewritten_by_the_last_person_to_save_it():
    event = EventFactory(held=True)
    first, second = UserFactory(), UserFactory()
    debrief_save(event=event, by=first, went_well="People stayed late.", to_improve="Start")
    debrief_save(event=event, by=second, went_well="People stayed late.", learning="Groups")
    debrief = Debrief.objects.get()
    assert (debrief.went_well, debrief.to_improve, debrief.learning) == (
        "People stayed late.",
        "",
        "Groups",
    )
    assert debrief.written_by == second


@pytest.mark.django_db
def test_a_venue_can_be_archived_and_brought_back():
    venue = VenueFactory()
    venue_archive(venue=venue)
    venue.refresh_from_db()
    assert venue.is_archived
    venue_unarchive(venue=venue)
    venue.refresh_from_db()
    assert not venue.is_archived
