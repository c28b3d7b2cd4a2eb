"""Lay observation: opportunities to see policing from the inside, offers of places
to contacts who asked to hear about them, their answers, the day itself and after.

Every answer to an offer goes through the opportunity's row lock: the places taken
are counted with the lock held, so two people taking the last place at the same
moment get one place and one waiting-list place, never two places.

Emails go through the outbox, each once (waiting_list.place_email). Places freed by
someone giving theirs up go to the waiting list (waiting_list.places_offer_free)."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from contacts.models import (
    AttendeeQuerySet,
    ConsentPurpose,
    ObservationKind,
    ObservationPlace,
    Opportunity,
)
from contacts.services.consent import attendee_record_activity
from contacts.services.outbox import outbox_cancel_queued
from contacts.services.waiting_list import (
    opportunity_key,
    place_email,
    place_key,
    places_offer_free,
)

# Reminders go out on the morning two days before.
REMINDER_DAYS_BEFORE = 2


class PlaceProblem(Exception):
    """Why a person cannot answer an offer now: "erased", "withdrawn" (no longer
    interested in lay observation), "cancelled" (by the force), "started" (the date
    has come), or "closed" (nothing left to answer: the place was given up or not
    cleared)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Answer:
    TAKEN = "taken"
    WAITING = "waiting"


@dataclass(frozen=True)
class OpportunityDetails:
    kind: ObservationKind
    title: str
    details: str
    starts_at: datetime
    ends_at: datetime
    place: str
    places_available: int
    only_event_attendees: bool
    minimum_age: int | None
    id_to_bring: str
    needs_vetting: bool
    contact_officer: AbstractBaseUser | None


# What a change to tells the people with a place about.
ARRANGEMENTS = ("starts_at", "ends_at", "place")


def _lock(opportunity: Opportunity) -> Opportunity:
    # Only the opportunity's row: PostgreSQL cannot lock the nullable side of the outer
    # join that the contact officer needs.
    return (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("kind", "contact_officer")
        .get(pk=opportunity.pk)
    )


# Opportunities ---------------------------------------------------------------------


@transaction.atomic
def opportunity_create(*, details: OpportunityDetails, by: AbstractBaseUser) -> Opportunity:
    return Opportunity.objects.create(**vars(details), created_by=by)


@transaction.atomic
def opportunity_edit(
    *, opportunity: Opportunity, details: OpportunityDetails, by: AbstractBaseUser
) -> list[str]:
    """Save changes and return the names of the fields that changed. If the date, the
    time or the place changes, everyone with a place is told, once for each new
    arrangement, and reminded again before the new date. More places go to the
    waiting list."""
    opportunity = _lock(opportunity)
    if opportunity.is_cancelled:
        raise ValueError("A cancelled opportunity cannot change.")
    holding = opportunity.places.holding().count()
    if details.places_available < holding:
        raise ValueError("There cannot be fewer places than people who have one.")
    changed = [name for name, value in vars(details).items() if getattr(opportunity, name) != value]
    for name in changed:
        setattr(opportunity, name, getattr(details, name))
    if changed:
        opportunity.save(update_fields=changed)
    if set(changed) & set(ARRANGEMENTS) and opportunity.is_open_for_answers():
        arrangement = hashlib.sha256(
            f"{opportunity.starts_at.isoformat()}|{opportunity.ends_at.isoformat()}|"
            f"{opportunity.place}".encode()
        ).hexdigest()[:16]
        holders = opportunity.places.filter(status=ObservationPlace.Status.TAKEN).select_related(
            "attendee"
        )
        for place in holders:
            place.opportunity = opportunity
            place_email(
                place=place, template="lay_observation_changed", what=f"changed-{arrangement}"
            )
        holders.update(reminded_at=None)
    if "places_available" in changed:
        places_offer_free(opportunity=opportunity)
    return changed


@transaction.atomic
def opportunity_cancel(*, opportunity: Opportunity, reason: str, by: AbstractBaseUser) -> int:
    """The force cancels it. Everyone with a place or on the waiting list is told once;
    nothing else still queued about it goes. Cancelling again changes nothing. Returns
    how many people were told."""
    opportunity = _lock(opportunity)
    if opportunity.is_cancelled:
        return 0
    opportunity.status = Opportunity.Status.CANCELLED
    opportunity.cancellation_reason = reason
    opportunity.cancelled_at = timezone.now()
    opportunity.save(update_fields=["status", "cancellation_reason", "cancelled_at"])
    outbox_cancel_queued(
        dedupe_key_prefix=opportunity_key(opportunity), reason="The opportunity was cancelled."
    )
    told = 0
    for place in opportunity.places.filter(
        status__in=[ObservationPlace.Status.TAKEN, ObservationPlace.Status.WAITING]
    ).select_related("attendee"):
        place.opportunity = opportunity
        if place_email(place=place, template="lay_observation_cancelled", what="cancelled"):
            told += 1
    return told


# Offering places -------------------------------------------------------------------


@transaction.atomic
def opportunity_offer(
    *, opportunity: Opportunity, attendees: AttendeeQuerySet, by: AbstractBaseUser | None
) -> int:
    """Offer a place to each of `attendees` who may have one (see
    AttendeeQuerySet.offerable_for): one email each, with their own link. Nobody is
    offered the same opportunity twice. Returns how many were offered."""
    opportunity = _lock(opportunity)
    if not opportunity.is_open_for_answers():
        return 0
    offered = 0
    for attendee in attendees.offerable_for(opportunity).order_by("pk").iterator():
        try:
            with transaction.atomic():
                place = ObservationPlace.objects.create(
                    opportunity=opportunity, attendee=attendee, offered_by=by
                )
        except IntegrityError:
            continue
        place_email(place=place, template="lay_observation_offer", what="offer")
        offered += 1
    return offered


# Answers from the emailed link -----------------------------------------------------


def _lock_place(place: ObservationPlace) -> ObservationPlace:
    """The opportunity's lock, then the place's, in that order everywhere."""
    opportunity = _lock(place.opportunity)
    place = (
        ObservationPlace.objects.select_for_update(of=("self",))
        .select_related("attendee")
        .get(pk=place.pk)
    )
    place.opportunity = opportunity
    return place


def place_problem(place: ObservationPlace, now=None) -> str | None:
    """Why the person cannot answer their offer now, or None if they can."""
    attendee = place.attendee
    if attendee.is_erased:
        return "erased"
    if (
        place.status == ObservationPlace.Status.WITHDRAWN
        or not attendee.consents.live().filter(purpose=ConsentPurpose.LAY_OBSERVATION).exists()
    ):
        return "withdrawn"
    opportunity = place.opportunity
    if opportunity.is_cancelled:
        return "cancelled"
    if opportunity.has_started(now):
        return "started"
    return None


def _refuse_if_closed(place: ObservationPlace) -> None:
    problem = place_problem(place)
    if problem:
        raise PlaceProblem(problem)


@transaction.atomic
def place_take(*, place: ObservationPlace) -> str:
    """Take a place if one is free, or else join the end of the waiting list. Returns
    Answer.TAKEN or Answer.WAITING. Taking again is harmless."""
    place = _lock_place(place)
    _refuse_if_closed(place)
    if place.holds_a_place:
        return Answer.TAKEN
    if place.status not in ObservationPlace.ANSWERABLE:
        raise PlaceProblem("closed")
    opportunity = place.opportunity
    now = timezone.now()
    place.answered_at = now
    # Told or not, someone who finds no place free is told again next time one is.
    place.told_place_free_at = None
    if opportunity.places.holding().count() < opportunity.places_available:
        place.status = ObservationPlace.Status.TAKEN
        place.waiting_since = None
        place.vetting_status = (
            ObservationPlace.Vetting.PENDING
            if opportunity.needs_vetting
            else ObservationPlace.Vetting.NOT_NEEDED
        )
        answer = Answer.TAKEN
    else:
        if place.status != ObservationPlace.Status.WAITING:
            place.status = ObservationPlace.Status.WAITING
            place.waiting_since = now
        answer = Answer.WAITING
    place.save(
        update_fields=[
            "status",
            "answered_at",
            "waiting_since",
            "told_place_free_at",
            "vetting_status",
        ]
    )
    if answer == Answer.TAKEN:
        place_email(place=place, template="lay_observation_taken", what="taken")
    attendee_record_activity(attendee=place.attendee)
    return answer


@transaction.atomic
def place_decline(*, place: ObservationPlace) -> bool:
    """Not for them: an offer turned down, or the waiting list left. Returns whether
    anything changed. Someone with a place gives it up with place_cancel instead."""
    place = _lock_place(place)
    _refuse_if_closed(place)
    if place.status == ObservationPlace.Status.DECLINED:
        return False
    if place.status not in (ObservationPlace.Status.OFFERED, ObservationPlace.Status.WAITING):
        raise PlaceProblem("closed")
    place.status = ObservationPlace.Status.DECLINED
    place.answered_at = timezone.now()
    place.waiting_since = None
    place.told_place_free_at = None
    place.save(update_fields=["status", "answered_at", "waiting_since", "told_place_free_at"])
    # If they had been told a place was free, the next person is told instead.
    places_offer_free(opportunity=place.opportunity)
    return True


@transaction.atomic
def place_cancel(*, place: ObservationPlace) -> bool:
    """They give up their place before the day: it goes to the first on the waiting
    list, who is emailed and can take it from their own link. Returns whether anything
    changed."""
    place = _lock_place(place)
    _refuse_if_closed(place)
    if place.status == ObservationPlace.Status.CANCELLED:
        return False
    if place.status != ObservationPlace.Status.TAKEN:
        raise PlaceProblem("closed")
    _give_up(place)
    return True


def _give_up(place: ObservationPlace) -> None:
    place.status = ObservationPlace.Status.CANCELLED
    place.answered_at = timezone.now()
    place.save(update_fields=["status", "answered_at"])
    outbox_cancel_queued(dedupe_key_prefix=place_key(place), reason="The place was given up.")
    places_offer_free(opportunity=place.opportunity)


# Vetting, the day itself, and after -----------------------------------------------


@transaction.atomic
def place_set_vetting(*, place: ObservationPlace, vetting: str, by: AbstractBaseUser) -> bool:
    """Record the outcome of the short vetting check, never its details. Someone not
    cleared loses their place, kindly told, and it goes to the waiting list. Returns
    whether anything changed."""
    place = _lock_place(place)
    opportunity = place.opportunity
    if not opportunity.needs_vetting or not opportunity.is_open_for_answers():
        raise PlaceProblem("closed")
    if place.status != ObservationPlace.Status.TAKEN:
        raise PlaceProblem("closed")
    if vetting not in (
        ObservationPlace.Vetting.PENDING,
        ObservationPlace.Vetting.CLEARED,
        ObservationPlace.Vetting.NOT_CLEARED,
    ):
        raise ValueError(f"Not a vetting outcome: {vetting!r}")
    if place.vetting_status == vetting:
        return False
    place.vetting_status = vetting
    place.save(update_fields=["vetting_status"])
    if vetting == ObservationPlace.Vetting.NOT_CLEARED:
        place_email(place=place, template="lay_observation_not_cleared", what="not-cleared")
        _give_up(place)
    return True


def feedback_form_url(opportunity: Opportunity) -> str:
    path = reverse(
        "give-feedback-lay-observation",
        kwargs={"lay_observation_token": opportunity.feedback_token},
    )
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def place_mark_attendance(
    *, opportunity: Opportunity, came: set[int], by: AbstractBaseUser
) -> tuple[int, int]:
    """Record who came, from the ids of the places of those who did: everyone else
    with a place did not. Each visitor is emailed the anonymous form about the visit,
    once; the link is the same for every visitor, so nothing ties their answers to
    them. Returns how many came and how many did not."""
    opportunity = _lock(opportunity)
    if not opportunity.can_record_attendance():
        raise PlaceProblem("cancelled" if opportunity.is_cancelled else "not_started")
    now = timezone.now()
    counts = {ObservationPlace.Status.ATTENDED: 0, ObservationPlace.Status.DID_NOT_ATTEND: 0}
    for place in opportunity.places.holding().select_related("attendee"):
        place.opportunity = opportunity
        status = (
            ObservationPlace.Status.ATTENDED
            if place.pk in came
            else ObservationPlace.Status.DID_NOT_ATTEND
        )
        counts[status] += 1
        if place.status == status:
            continue
        place.status = status
        place.attendance_recorded_at = now
        place.save(update_fields=["status", "attendance_recorded_at"])
        if status == ObservationPlace.Status.ATTENDED:
            place_email(
                place=place,
                template="lay_observation_feedback",
                what="feedback",
                context={"feedback_url": feedback_form_url(opportunity)},
            )
            if not place.attendee.is_erased:
                attendee_record_activity(attendee=place.attendee)
        else:
            outbox_cancel_queued(
                dedupe_key_prefix=f"{place_key(place)}feedback",
                reason="Marked as not having come.",
            )
    return counts[ObservationPlace.Status.ATTENDED], counts[ObservationPlace.Status.DID_NOT_ATTEND]


def lay_observation_send_reminders(*, now: datetime | None = None) -> int:
    """Remind everyone with a place, from the morning two days before the day, once
    for each date. A run missed is caught up by the next, up to the day itself.
    Returns how many were reminded."""
    now = now or timezone.now()
    last_day = timezone.localdate(now) + timedelta(days=REMINDER_DAYS_BEFORE + 1)
    window_end = timezone.make_aware(datetime.combine(last_day, datetime.min.time()))
    reminded = 0
    with transaction.atomic():
        due = list(
            ObservationPlace.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status=ObservationPlace.Status.TAKEN,
                reminded_at__isnull=True,
                opportunity__status=Opportunity.Status.PLANNED,
                opportunity__starts_at__gt=now,
                opportunity__starts_at__lt=window_end,
            )
            .select_related("attendee", "opportunity__kind", "opportunity__contact_officer")
        )
        for place in due:
            place.reminded_at = now
            place.save(update_fields=["reminded_at"])
            if place_email(
                place=place,
                template="lay_observation_reminder",
                what=f"reminder-{int(place.opportunity.starts_at.timestamp())}",
            ):
                reminded += 1
    return reminded
