"""Small helpers shared by the lay observation tests: people interested in it, offers
made as a Coordinator makes them, and the emails about one person's place."""

import re

from contacts.models import Attendee, ConsentPurpose, ObservationPlace, OutboxMessage
from contacts.services.lay_observation import opportunity_offer
from contacts.tests.factories import AttendeeFactory
from contacts.tests.helpers import path_of


def interested(**details) -> Attendee:
    """A contact who asked to hear about lay observation."""
    return AttendeeFactory(consents=[ConsentPurpose.LAY_OBSERVATION], **details)


def offer(opportunity, *people, by=None) -> list[ObservationPlace]:
    """Offer places to these people and return the places of those offered one, in
    the same order."""
    opportunity_offer(
        opportunity=opportunity,
        attendees=Attendee.objects.filter(pk__in=[person.pk for person in people]),
        by=by,
    )
    places = {place.attendee_id: place for place in opportunity.places.all()}
    return [places[person.pk] for person in people if person.pk in places]


def emails_about(place) -> list[str]:
    """What was emailed about a place, in the order it was queued: "offer", "taken",
    "place-free", "reminder", "cancelled" and so on."""
    messages = OutboxMessage.objects.filter(
        dedupe_key__startswith=f"lay-observation:{place.opportunity_id}:{place.pk}:"
    ).order_by("created_at")
    return [
        re.sub(r"-[0-9a-f]+$", "", message.dedupe_key.rsplit(":", 1)[1]) for message in messages
    ]


def queued_emails_about(place) -> list[str]:
    return [
        what
        for what, status in zip(
            emails_about(place),
            OutboxMessage.objects.filter(
                dedupe_key__startswith=f"lay-observation:{place.opportunity_id}:{place.pk}:"
            )
            .order_by("created_at")
            .values_list("status", flat=True),
            strict=True,
        )
        if status == OutboxMessage.Status.QUEUED
    ]


def latest_email(place, what: str) -> OutboxMessage:
    return (
        OutboxMessage.objects.filter(
            dedupe_key__startswith=f"lay-observation:{place.opportunity_id}:{place.pk}:{what}"
        )
        .order_by("created_at")
        .last()
    )


def link_in(message) -> str:
    """The path of the person's own link in an email about their place."""
    return path_of(re.search(r"https?://\S+/lay-observation/\S+/", message.body_text).group(0))


def feedback_link_in(message) -> str:
    return path_of(
        re.search(r"https?://\S+/give-feedback/lay-observation/\S+/", message.body_text).group(0)
    )
