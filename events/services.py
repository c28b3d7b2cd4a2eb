from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from engagement.models import Community, Programme
from engagement.services import community_propose
from events.models import Debrief, Event, EventAddress, Venue
from events.selectors import event_slug_taken


def event_unique_slug(*, title: str, starts_at: datetime, event: Event | None = None) -> str:
    """A readable slug from the title and the local date, with a number added if
    another event has it now or had it before. `event` may reuse its own old ones."""
    day = timezone.localdate(starts_at)
    base = slugify(f"{title} {day:%Y-%m-%d}")[:100].strip("-") or "event"
    slug, number = base, 2
    while event_slug_taken(slug=slug, event=event):
        slug = f"{base}-{number}"
        number += 1
    return slug


@transaction.atomic
def event_readdress(*, event: Event) -> None:
    """Keep the public address of an event right, before its changes are saved. A new
    title or date gives it a new address made from them, unless a different one was
    chosen in the same change, and the address it had before then redirects to the new
    one. What is stored is read again, because a model form has already changed the
    event in memory."""
    stored = Event.objects.select_for_update().only("slug", "title", "starts_at").get(pk=event.pk)
    same_day = timezone.localdate(event.starts_at) == timezone.localdate(stored.starts_at)
    moved = event.title != stored.title or not same_day
    if not event.slug or (moved and event.slug == stored.slug):
        event.slug = event_unique_slug(title=event.title, starts_at=event.starts_at, event=event)
    if event.slug != stored.slug:
        # An event moved back to an address it had before makes it current again.
        EventAddress.objects.filter(event=event, slug=event.slug).delete()
        EventAddress.objects.create(event=event, slug=stored.slug)


@dataclass(frozen=True)
class EventDetails:
    """What is planned about an event: everything a Coordinator fills in before it
    happens. An empty slug is made from the title and date."""

    programme: Programme
    title: str
    starts_at: datetime
    ends_at: datetime
    focus_community: Community | None = None
    age_group: str = Event.AgeGroup.ALL_AGES
    format: str = Event.Format.IN_PERSON
    venue: Venue | None = None
    online_link: str = ""
    lead_organiser: AbstractBaseUser | None = None
    public_description: str = ""
    agenda: str = ""
    slug: str = ""
    is_published: bool = False
    offered_languages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        # Not dataclasses.asdict, which would deep-copy the model instances.
        return {field.name: getattr(self, field.name) for field in fields(self)}


@transaction.atomic
def event_create(
    *, details: EventDetails, by: AbstractBaseUser, proposed_community: str = ""
) -> Event:
    """Plan a new event. Whoever plans it leads it, unless someone else is named. A
    community that is not in the list yet is proposed for an Administrator to approve,
    and the event focuses on it meanwhile."""
    if proposed_community.strip():
        details = replace(
            details, focus_community=community_propose(name=proposed_community, by=by)
        )
    event = Event(**details.as_dict())
    if not event.slug:
        event.slug = event_unique_slug(title=event.title, starts_at=event.starts_at)
    if event.lead_organiser is None:
        event.lead_organiser = by
    event.save()
    return event


@transaction.atomic
def event_update(
    *,
    event: Event,
    details: EventDetails,
    by: AbstractBaseUser | None = None,
    proposed_community: str = "",
) -> Event:
    """Replace what is planned about an event. Its public address follows a new title
    or date, and the old address keeps working (event_readdress). A community not in
    the list yet is proposed, as when planning."""
    if proposed_community.strip():
        details = replace(
            details, focus_community=community_propose(name=proposed_community, by=by)
        )
    for name, value in details.as_dict().items():
        setattr(event, name, value)
    event_readdress(event=event)
    event.save()
    return event


@transaction.atomic
def event_cancel(*, event: Event, reason: str) -> Event:
    event.status = Event.Status.CANCELLED
    event.cancellation_reason = reason
    event.save(update_fields=["status", "cancellation_reason", "updated_at"])
    return event


class EventCannotBeMarkedHeldError(Exception):
    pass


@transaction.atomic
def event_record_key_questions_covered(*, event: Event, key_questions) -> Event:
    """Say which of the programme's key questions the event discussed."""
    # Key questions point at events, not the other way round, so this goes through
    # the questions' side of the relation.
    event.key_questions_covered.set(key_questions)
    return event


@transaction.atomic
def event_mark_held(
    *,
    event: Event,
    headcount: int,
    actual_ends_at: datetime | None = None,
    key_questions_covered=(),
    officers_attending=(),
    other_officers_count: int = 0,
    chief_officer_attended: bool = False,
    venue_hire_cost: Decimal | None = None,
    catering_cost: Decimal | None = None,
    other_cost: Decimal | None = None,
) -> Event:
    """Record what happened at an event, or correct it. No actual finish means it
    finished when planned. Raises EventCannotBeMarkedHeldError for an event that was
    cancelled or has not started."""
    reason = event.reason_it_cannot_be_marked_held()
    if reason:
        raise EventCannotBeMarkedHeldError(reason)
    event.status = Event.Status.HELD
    event.cancellation_reason = ""
    event.headcount = headcount
    event.actual_ends_at = actual_ends_at or event.ends_at
    event.other_officers_count = other_officers_count
    event.chief_officer_attended = chief_officer_attended
    event.venue_hire_cost = venue_hire_cost
    event.catering_cost = catering_cost
    event.other_cost = other_cost
    event.save()
    event.officers_attending.set(officers_attending)
    event_record_key_questions_covered(event=event, key_questions=key_questions_covered)
    return event


@transaction.atomic
def debrief_save(
    *,
    event: Event,
    by: AbstractBaseUser,
    went_well: str = "",
    to_improve: str = "",
    learning: str = "",
    follow_ups: str = "",
    who_took_part: str = "",
) -> Debrief:
    """Write or rewrite the event's debrief; the last person to save it wrote it."""
    debrief, _created = Debrief.objects.update_or_create(
        event=event,
        defaults={
            "went_well": went_well,
            "to_improve": to_improve,
            "learning": learning,
            "follow_ups": follow_ups,
            "who_took_part": who_took_part,
            "written_by": by,
        },
    )
    return debrief


def venue_archive(*, venue: Venue) -> Venue:
    """Stop offering a venue for new events. Past events keep it."""
    venue.is_archived = True
    venue.save(update_fields=["is_archived"])
    return venue


def venue_unarchive(*, venue: Venue) -> Venue:
    venue.is_archived = False
    venue.save(update_fields=["is_archived"])
    return venue


class VenueInUseError(Exception):
    pass


@transaction.atomic
def venue_delete(*, venue: Venue) -> None:
    """Delete a venue no event has used. One that has been used can only be archived,
    so that past events keep their venue."""
    if venue.is_in_use():
        raise VenueInUseError(venue)
    venue.delete()
