"""Demo data for contacts: a few hundred people with varied consents and attendance,
entered through the same services officers use, then aged so that the records spread
over the past year. Running again changes nothing."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contacts.models import (
    PRIVACY_NOTICE_VERSION,
    AgeBand,
    Attendee,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    Ethnicity,
)
from contacts.services.consent import attendee_record_activity, consent_withdraw
from contacts.services.invitations import attendance_record
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


@transaction.atomic
def seed(*, password: str) -> None:
    programme = Programme.objects.get(name=PROGRAMME_NAME)
    coordinator = get_user_model().objects.get(username="coordinator")
    seed_contacts(random.Random(11), list(programme.events.order_by("starts_at")), coordinator)


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
