"""One factory per events model: Venue, Event, EventAddress and Debrief. The key
questions an event covered belong to the feedback app, whose factories are in
feedback/tests/factories.py."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from engagement.tests.factories import CommunityFactory, ProgrammeFactory
from events.models import Debrief, Event, EventAddress, Venue


def whole_minutes_from_now(**offset):
    """A time on the minute, as the browser's date and time picker gives."""
    return (timezone.now() + timedelta(**offset)).replace(second=0, microsecond=0)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Community Centre {n}")
    kind = Venue.Kind.COMMUNITY_CENTRE
    address = "1 High Street\nManchester"
    postcode = "M14 4SL"
    capacity = 100
    step_free_access = True
    typical_hire_cost = Decimal("150.00")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Listening event {n}")
    slug = factory.Sequence(lambda n: f"listening-event-{n}")
    focus_community = factory.SubFactory(CommunityFactory)
    format = Event.Format.IN_PERSON
    venue = factory.SubFactory(VenueFactory)
    starts_at = factory.LazyFunction(lambda: whole_minutes_from_now(days=14))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=3))
    public_description = "An evening to tell local officers what you think."
    is_published = True

    class Params:
        past = factory.Trait(
            starts_at=factory.LazyFunction(lambda: whole_minutes_from_now(days=-7)),
        )
        held = factory.Trait(
            starts_at=factory.LazyFunction(lambda: whole_minutes_from_now(days=-7)),
            status=Event.Status.HELD,
            headcount=60,
            venue_hire_cost=Decimal("150.00"),
            catering_cost=Decimal("80.50"),
            other_cost=Decimal("0.00"),
        )
        cancelled = factory.Trait(
            status=Event.Status.CANCELLED, cancellation_reason="The venue is closed."
        )

    @factory.post_generation
    def officers_attending(event, create, extracted, **kwargs):
        if create and extracted:
            event.officers_attending.set(extracted)


class EventAddressFactory(factory.django.DjangoModelFactory):
    """An address the event's public page had before its title or date changed."""

    class Meta:
        model = EventAddress

    event = factory.SubFactory(EventFactory)
    slug = factory.Sequence(lambda n: f"old-listening-event-{n}")


class DebriefFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Debrief

    event = factory.SubFactory(EventFactory, held=True)
    went_well = "Good turnout."
    to_improve = "Start on time."
    learning = ""
    follow_ups = ""
    who_took_part = ""
