"""Lay observation places that change hands without the person waiting having to
ask: a place given up goes to the first on the waiting list, by email, and someone who
stops wanting to hear about lay observation, or erases their details, gives up every
place and offer they hold.

The person told that a place is free still has to open their link and take it. Taking
a place always goes through the same locked path (lay_observation.place_take), so two
waiting people racing for one place cannot both get it.

This module is apart from lay_observation.py because taking back consent
(consent.py) gives up places, while taking a place (lay_observation.py) counts as
activity, which consent.py records."""

from django.db import transaction
from django.utils import timezone

from contacts.models import (
    Attendee,
    ConsentPurpose,
    ObservationPlace,
    Opportunity,
    OutboxMessage,
)
from contacts.services.links import (
    attendee_unsubscribe_url,
    email_context,
    lay_observation_place_url,
)
from contacts.services.outbox import outbox_cancel_queued, outbox_enqueue

# Every email about lay observation has a dedupe key starting with this, then the
# opportunity and the place: "lay-observation:<opportunity>:<place>:<what>".
LAY_OBSERVATION_KEY = "lay-observation:"


def opportunity_key(opportunity: Opportunity) -> str:
    return f"{LAY_OBSERVATION_KEY}{opportunity.pk}:"


def place_key(place: ObservationPlace) -> str:
    return f"{LAY_OBSERVATION_KEY}{place.opportunity_id}:{place.pk}:"


def place_email(
    *, place: ObservationPlace, template: str, what: str, context: dict | None = None
) -> OutboxMessage | None:
    """Queue one email about a person's place, once for each `what`. Nothing is queued
    for someone with no address left."""
    attendee = place.attendee
    if attendee.is_erased or not attendee.email:
        return None
    opportunity = place.opportunity
    officer = opportunity.contact_officer
    return outbox_enqueue(
        dedupe_key=f"{place_key(place)}{what}",
        to_address=attendee.email,
        template=template,
        context={
            **email_context(attendee),
            "opportunity": opportunity,
            "place": place,
            "place_url": lay_observation_place_url(place),
            "officer_name": (officer.get_full_name() or officer.get_username()) if officer else "",
            "officer_email": officer.email if officer else "",
            **(context or {}),
        },
        consent_purpose=ConsentPurpose.LAY_OBSERVATION,
        attendee=attendee,
        unsubscribe_url=attendee_unsubscribe_url(attendee),
    )


def places_offer_free(*, opportunity: Opportunity, now=None) -> int:
    """Tell the first people on the waiting list who have not been told yet that a
    place is free: as many as there are free places no waiting person has been told
    about. Returns how many were told. The caller holds the opportunity's lock."""
    now = now or timezone.now()
    if not opportunity.is_open_for_answers(now):
        return 0
    places = ObservationPlace.objects.filter(opportunity=opportunity)
    free = opportunity.places_available - places.holding().count()
    already_told = places.filter(
        status=ObservationPlace.Status.WAITING, told_place_free_at__isnull=False
    ).count()
    to_tell = free - already_told
    if to_tell <= 0:
        return 0
    waiting = list(
        places.waiting_in_order()
        .filter(told_place_free_at__isnull=True)
        .select_related("attendee", "opportunity__kind", "opportunity__contact_officer")[:to_tell]
    )
    for place in waiting:
        place.told_place_free_at = now
        place.save(update_fields=["told_place_free_at"])
        place_email(
            place=place,
            template="lay_observation_place_free",
            what=f"place-free-{now:%Y%m%d%H%M%S%f}",
        )
    return len(waiting)


@transaction.atomic
def lay_observation_withdraw(*, attendee: Attendee, erase: bool = False) -> int:
    """The person no longer wants lay observation, or erased their details: every offer,
    waiting-list place and place they hold on an opportunity still to come is given up,
    mail about lay observation still queued for them is stopped, and each place they
    held goes to the waiting list. Places on opportunities that have happened stay, for
    the counts. On erasure, no vetting status is kept either. Returns how many places
    were given up."""
    now = timezone.now()
    open_places = ObservationPlace.objects.filter(
        attendee=attendee,
        status__in=[
            ObservationPlace.Status.OFFERED,
            ObservationPlace.Status.WAITING,
            ObservationPlace.Status.TAKEN,
        ],
        opportunity__status=Opportunity.Status.PLANNED,
        opportunity__starts_at__gt=now,
    )
    # Opportunities are locked before their places, in the order place_take locks them,
    # so that a withdrawal and an answer at the same moment never wait on each other.
    opportunities = list(
        Opportunity.objects.select_for_update()
        .filter(pk__in=open_places.values("opportunity_id"))
        .order_by("pk")
    )
    given_up = list(open_places.select_for_update(of=("self",)))
    freed = {place.opportunity_id for place in given_up if place.holds_a_place}
    ObservationPlace.objects.filter(pk__in=[place.pk for place in given_up]).update(
        status=ObservationPlace.Status.WITHDRAWN,
        answered_at=now,
        waiting_since=None,
        told_place_free_at=None,
    )
    outbox_cancel_queued(
        dedupe_key_prefix=LAY_OBSERVATION_KEY,
        attendee_id=attendee.pk,
        reason="The recipient no longer wants lay observation.",
    )
    if erase:
        ObservationPlace.objects.filter(attendee=attendee).update(vetting_status="")
    for opportunity in opportunities:
        if opportunity.pk in freed:
            places_offer_free(opportunity=opportunity, now=now)
    return len(given_up)
