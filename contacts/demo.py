"""Demo data for contacts: a few hundred people with varied consents and attendance,
entered through the same services officers use, then aged so that the records spread
over the past year; and lay observation, past and to come, with places taken, a
waiting list and who came. Running again changes nothing."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from contacts.models import (
    PRIVACY_NOTICE_VERSION,
    AgeBand,
    Attendee,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    Ethnicity,
    ObservationKind,
    ObservationPlace,
    Opportunity,
)
from contacts.services.consent import attendee_record_activity, consent_withdraw
from contacts.services.invitations import attendance_record
from contacts.services.lay_observation import (
    OpportunityDetails,
    opportunity_cancel,
    opportunity_create,
    opportunity_offer,
    place_decline,
    place_mark_attendance,
    place_set_vetting,
    place_take,
)
from contacts.services.sign_up import attendee_keep_in_touch, sign_up_submit
from engagement.demo import PROGRAMME_NAME
from engagement.models import Community, Programme
from events.models import Event

FIRST_NAMES = [
    "Abdi",
    "Adaeze",
    "Aisha",
    "Amir",
    "Bisi",
    "Chidi",
    "Dwayne",
    "Esther",
    "Fatima",
    "Grace",
    "Hamza",
    "Imani",
    "Jamal",
    "Kemi",
    "Leon",
    "Maryam",
    "Nia",
    "Omar",
    "Priya",
    "Ravi",
    "Sade",
    "Tariq",
    "Tunde",
    "Yasmin",
    "Zainab",
    "Marcus",
    "Shanice",
    "Kwame",
    "Hodan",
    "Liam",
]
LAST_NAMES = [
    "Abdullahi",
    "Adeyemi",
    "Ali",
    "Begum",
    "Campbell",
    "Clarke",
    "Farah",
    "Hussain",
    "Khan",
    "Mensah",
    "Mohamed",
    "Nwosu",
    "Okafor",
    "Patel",
    "Reid",
    "Robinson",
    "Shah",
    "Thomas",
    "Walker",
    "Williams",
    "Yusuf",
    "Brown",
    "Ahmed",
    "Osei",
    "Grant",
]
DISTRICTS = ["M14", "M15", "M16", "M12", "M13", "M8", "M19", "M21"]
DEMO_CONTACTS = 320
PENDING_SIGN_UPS = 6


def _details(randomness: random.Random, number: int, communities, ethnicities) -> dict:
    first, last = randomness.choice(FIRST_NAMES), randomness.choice(LAST_NAMES)
    email = f"{first}.{last}.{number}@example.org".lower() if randomness.random() < 0.9 else ""
    phone = f"07700 900{number % 1000:03d}" if randomness.random() < 0.4 or not email else ""
    shares_demographics = randomness.random() < 0.6
    purposes = set()
    if email and randomness.random() < 0.85:
        purposes.add(ConsentPurpose.EMAIL_UPDATES)
    if randomness.random() < 0.2:
        purposes.add(ConsentPurpose.FOCUS_GROUP)
    if randomness.random() < 0.1:
        purposes.add(ConsentPurpose.LAY_OBSERVATION)
    if shares_demographics:
        purposes.add(ConsentPurpose.DEMOGRAPHIC_DATA)
    if not purposes:
        purposes.add(ConsentPurpose.FOCUS_GROUP)
    return {
        "name": f"{first} {last}",
        "email": email,
        "phone": phone,
        "purposes": purposes,
        "communities": [randomness.choice(communities)] if shares_demographics else [],
        "ethnicity": randomness.choice(ethnicities[:12] + ethnicities[:6])
        if shares_demographics
        else "",
        "age_band": randomness.choice(AgeBand.values[:-1]) if shares_demographics else "",
        "postcode_district": randomness.choice(DISTRICTS) if shares_demographics else "",
        # Paper forms typed in by an officer, and sign-ups taken in person at events.
        "method": ConsentMethod.PAPER if number % 4 == 0 else ConsentMethod.IN_PERSON,
    }


def seed_contacts(randomness: random.Random, events: list[Event], recorded_by) -> None:
    if Attendee.objects.exists():
        return
    communities = list(Community.objects.all())
    ethnicities = [choice for choice in Ethnicity.values if choice != Ethnicity.PREFER_NOT_TO_SAY]
    now = timezone.now()
    for number in range(DEMO_CONTACTS):
        attendee = attendee_keep_in_touch(
            **_details(randomness, number, communities, ethnicities), recorded_by=recorded_by
        )
        created_at = now - timedelta(days=randomness.randint(1, 330))
        held_before = [event for event in events if event.is_held and event.starts_at <= created_at]
        for event in randomness.sample(
            held_before, k=min(len(held_before), randomness.randint(0, 3))
        ):
            attendance_record(attendee=attendee, event=event)
        if randomness.random() < 0.08:
            consent_withdraw(
                attendee=attendee,
                purpose=ConsentPurpose.EMAIL_UPDATES,
                method=ConsentRecord.WithdrawalMethod.ONE_CLICK,
            )
        # Age the record, as if it had been entered when the person signed up.
        last_activity_at = created_at + timedelta(days=randomness.randint(0, 30))
        Attendee.objects.filter(pk=attendee.pk).update(created_at=created_at)
        attendee_record_activity(attendee=attendee, at=last_activity_at)
        attendee.consents.update(given_at=created_at, confirmed_at=created_at)
        attendee.consents.filter(withdrawn_at__isnull=False).update(withdrawn_at=last_activity_at)
    # A few people signed up online and have not opened the emailed link yet.
    for number in range(PENDING_SIGN_UPS):
        sign_up_submit(
            name=randomness.choice(FIRST_NAMES),
            email=f"waiting.{number}@example.org",
            phone="",
            purposes={ConsentPurpose.EMAIL_UPDATES},
        )


# (kind, title, days from today, places, how many people are offered one, and whether a
# vetting check is needed.)
DEMO_OPPORTUNITIES = [
    ("Custody suite visit", "Custody suite visit, Longsight", -40, 2, 4, True),
    ("Control room visit", "Control room visit, Force headquarters", -12, 4, 5, False),
    ("Custody suite visit", "Custody suite visit, Longsight", 10, 2, 6, False),
    ("Ride-along", "Ride-along with the Moss Side neighbourhood team", 16, 1, 3, True),
    ("Stop and search scrutiny panel", "Stop and search scrutiny panel, March", 24, 6, 5, False),
]
DEMO_PLACES = {
    "Custody suite visit, Longsight": "Longsight police station, Stockport Road, M13. "
    "Use the side door marked Custody Visitors and ask for the duty sergeant.",
    "Control room visit, Force headquarters": "Force headquarters, Northampton Road, M40. "
    "Sign in at main reception.",
    "Ride-along with the Moss Side neighbourhood team": "Moss Side police station, "
    "Moss Lane East, M14. Ask at the front counter.",
    "Stop and search scrutiny panel, March": "Hulme Library meeting room, Hulme Walk, M15.",
}


def _demo_start(days: int):
    return (timezone.now() + timedelta(days=days)).replace(
        hour=18 if days > 20 else 10, minute=0, second=0, microsecond=0
    )


def seed_lay_observation(randomness: random.Random, coordinator) -> None:
    """Opportunities made, offered and answered through the services, as they would be
    for real. Past ones are made as if to come, answered, then moved back in time and
    their attendance recorded."""
    if Opportunity.objects.exists():
        return
    interested = list(
        Attendee.objects.with_live_consent(ConsentPurpose.LAY_OBSERVATION)
        .exclude(email="")
        .order_by("pk")
    )
    for kind_name, title, days, places, offered, vetting in DEMO_OPPORTUNITIES:
        starts_at = _demo_start(max(days, 1))
        opportunity = opportunity_create(
            details=OpportunityDetails(
                kind=ObservationKind.objects.get(name=kind_name),
                title=title,
                details="",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                place=DEMO_PLACES[title],
                places_available=places,
                only_event_attendees=False,
                minimum_age=18,
                id_to_bring="Photo ID, such as a passport or driving licence",
                needs_vetting=vetting,
                contact_officer=coordinator,
            ),
            by=coordinator,
        )
        chosen = randomness.sample(interested, k=min(offered, len(interested)))
        opportunity_offer(
            opportunity=opportunity,
            attendees=Attendee.objects.filter(pk__in=[person.pk for person in chosen]),
            by=coordinator,
        )
        places_offered = list(opportunity.places.order_by("pk"))
        # Most take a place, one says no, and the last may not have answered yet.
        for number, place in enumerate(places_offered):
            if number == len(places_offered) - 1 and days > 0:
                continue
            if number == 2:
                place_decline(place=place)
            else:
                place_take(place=place)
        if vetting:
            for place in opportunity.places.filter(status=ObservationPlace.Status.TAKEN)[:1]:
                place_set_vetting(
                    place=place, vetting=ObservationPlace.Vetting.CLEARED, by=coordinator
                )
        if days < 0:
            moved = timedelta(days=max(days, 1) - days)
            Opportunity.objects.filter(pk=opportunity.pk).update(
                starts_at=F("starts_at") - moved, ends_at=F("ends_at") - moved
            )
            opportunity.refresh_from_db()
            holders = list(opportunity.places.holding().order_by("pk"))
            place_mark_attendance(
                opportunity=opportunity,
                came={place.pk for place in holders[: max(len(holders) - 1, 1)]},
                by=coordinator,
            )
    # The force had to call one off.
    spare = opportunity_create(
        details=OpportunityDetails(
            kind=ObservationKind.objects.get(name="Ride-along"),
            title="Ride-along with the response team",
            details="",
            starts_at=_demo_start(5),
            ends_at=_demo_start(5) + timedelta(hours=4),
            place="Longsight police station, Stockport Road, M13.",
            places_available=1,
            only_event_attendees=True,
            minimum_age=18,
            id_to_bring="",
            needs_vetting=False,
            contact_officer=coordinator,
        ),
        by=coordinator,
    )
    opportunity_cancel(
        opportunity=spare, reason="The response team is needed at a large event.", by=coordinator
    )


@transaction.atomic
def seed(*, password: str) -> None:
    programme = Programme.objects.get(name=PROGRAMME_NAME)
    coordinator = get_user_model().objects.get(username="coordinator")
    seed_contacts(random.Random(11), list(programme.events.order_by("starts_at")), coordinator)
    seed_lay_observation(random.Random(12), coordinator)


@transaction.atomic
def seed_volume(*, scale: int = 1) -> dict:
    """Thousands of contacts for benchmarks, made in bulk."""
    attendees = Attendee.objects.bulk_create(
        Attendee(name=f"Bench contact {number}", email=f"bench{number}@example.org")
        for number in range(5000 * scale)
    )
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            attendee=attendee,
            purpose=ConsentPurpose.EMAIL_UPDATES,
            notice_version=PRIVACY_NOTICE_VERSION,
            method=ConsentMethod.ONLINE,
            confirmed_at=timezone.now(),
        )
        for attendee in attendees
    )
    return {"contacts": len(attendees)}
