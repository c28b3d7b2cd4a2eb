from django.db import transaction
from django.utils.text import slugify

from events.models import Debrief, Event, Venue


def event_unique_slug(*, title: str, starts_at) -> str:
    """A readable slug from the title and date, with a number added if it is taken."""
    base = slugify(f"{title} {starts_at:%Y-%m-%d}")[:100].strip("-") or "event"
    slug, number = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


@transaction.atomic
def event_save(*, form, by) -> Event:
    """Create or update an event from a valid EventForm."""
    event = form.save(commit=False)
    if not event.slug:
        event.slug = event_unique_slug(title=event.title, starts_at=event.starts_at)
    if event.pk is None and event.lead_organiser is None:
        event.lead_organiser = by
    event.save()
    form.save_m2m()
    return event


@transaction.atomic
def event_cancel(*, event: Event, reason: str) -> Event:
    event.status = Event.Status.CANCELLED
    event.cancellation_reason = reason
    event.save(update_fields=["status", "cancellation_reason", "updated_at"])
    return event


@transaction.atomic
def event_mark_held(*, form) -> Event:
    """Record what happened at an event from a valid EventHeldForm."""
    event = form.save(commit=False)
    event.status = Event.Status.HELD
    event.cancellation_reason = ""
    event.save()
    form.save_m2m()
    # Key questions point at events, not the other way round, so the form cannot save them.
    event.key_questions_covered.set(form.cleaned_data["key_questions_covered"])
    return event


@transaction.atomic
def debrief_save(*, form, event: Event, by) -> Debrief:
    debrief = form.save(commit=False)
    debrief.event = event
    debrief.written_by = by
    debrief.save()
    return debrief


def venue_archive(*, venue: Venue, archived: bool = True) -> Venue:
    venue.is_archived = archived
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
