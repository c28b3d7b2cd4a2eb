"""Demo data for events: venues and a year of past and upcoming events, with
attendance, costs and debriefs, made through the same services the staff pages use.
Events are made once; running again changes nothing."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from engagement.demo import PROGRAMME_NAME
from engagement.languages import LANGUAGES_BY_CODE
from engagement.models import Community, Programme
from engagement.services import content_translations_save
from events.models import Event, Venue
from events.services import (
    EventDetails,
    debrief_save,
    event_cancel,
    event_create,
    event_mark_held,
)

VENUES = [
    {
        "name": "Moss Side Community Centre",
        "kind": Venue.Kind.COMMUNITY_CENTRE,
        "address": "1 Raby Street\nManchester",
        "postcode": "M14 4SL",
        "capacity": 120,
        "step_free_access": True,
        "hearing_loop": True,
        "accessible_toilet": True,
        "parking": False,
        "accessibility_notes": "Bus 86 stops outside. Lift to the first-floor hall.",
        "typical_hire_cost": Decimal("180.00"),
    },
    {
        "name": "Central Mosque Community Hall",
        "kind": Venue.Kind.RELIGIOUS_CENTRE,
        "address": "20 Upper Park Road\nManchester",
        "postcode": "M14 5RU",
        "capacity": 150,
        "step_free_access": True,
        "parking": True,
        "prayer_space": True,
        "accessibility_notes": (
            "Separate entrance for the hall on the side street. Shoes off in the prayer room only."
        ),
        "typical_hire_cost": Decimal("0.00"),
    },
    {
        "name": "Town Hall Council Chamber",
        "kind": Venue.Kind.TOWN_HALL,
        "address": "Albert Square\nManchester",
        "postcode": "M2 5DB",
        "capacity": 200,
        "step_free_access": True,
        "hearing_loop": True,
        "accessible_toilet": True,
        "accessibility_notes": (
            "Step-free entrance on Lloyd Street. Tram stop St Peter's Square, 3 minutes' walk."
        ),
        "typical_hire_cost": Decimal("350.00"),
    },
    {
        "name": "Longsight Youth Hub",
        "kind": Venue.Kind.PARTNER_VENUE,
        "address": "531 Stockport Road\nManchester",
        "postcode": "M12 4JH",
        "capacity": 70,
        "step_free_access": True,
        "accessible_toilet": True,
        "accessibility_notes": "Run by a youth charity. Quiet room available.",
        "typical_hire_cost": Decimal("90.00"),
    },
    {
        "name": "New Testament Church of God",
        "kind": Venue.Kind.RELIGIOUS_CENTRE,
        "address": "2 Lloyd Street North\nManchester",
        "postcode": "M16 7NN",
        "capacity": 100,
        "parking": True,
        "accessibility_notes": "Two steps at the main door; a ramp is put out on request.",
        "typical_hire_cost": Decimal("120.00"),
    },
    {
        "name": "Online (Microsoft Teams)",
        "kind": Venue.Kind.ONLINE,
        "capacity": 300,
        "typical_hire_cost": Decimal("0.00"),
    },
]

TITLES = {
    "Black African communities": "Listening event with Black African communities",
    "Somali communities": "Somali community listening event",
    "Black Caribbean communities": "Community conversation: Black Caribbean communities",
    "Young people (16–24)": "Youth voice: young people and the police",
    "South Asian Muslim communities": "Community conversation at the mosque",
    "Gypsy, Roma and Traveller communities": "Gypsy, Roma and Traveller community meeting",
    "Mixed heritage communities": "Mixed heritage communities listening event",
}

# What staff would add for the events whose communities read these languages: the
# poster and forms in them, and the title and description translated.
EVENT_LANGUAGES = {
    "Somali communities": (
        ["so", "ar"],
        {
            "so": {
                "title": "Kulanka dhegeysiga bulshada Soomaaliyeed",
                "public_description": (
                    "Fiid ay bulshada Soomaaliyeed u sheegayaan saraakiisha booliska "
                    "deegaanka waxa ka dhigi lahaa booliska mid u wanaagsan iyaga. Cunto iyo "
                    "cabbitaan waa la bixin doonaa. Qof walba waa soo dhaweyn yahay."
                ),
            },
            "ar": {"title": "لقاء استماع مع الجالية الصومالية"},
        },
    ),
    "South Asian Muslim communities": (
        ["ur", "bn", "pa", "gu"],
        {
            "ur": {"title": "مسجد میں کمیونٹی کے ساتھ بات چیت"},
            "bn": {"title": "মসজিদে কমিউনিটির সাথে আলোচনা"},
        },
    ),
}

DEBRIEFS = [
    (
        "Good turnout and honest conversation. People stayed to talk to officers afterwards.",
        "Start on time; the welcome ran long. More tables for small-group discussion.",
        "Small groups of 6–8 with one officer each worked far better than a panel.",
        "Neighbourhood inspector to send stop and search figures to the community group.",
        "Neighbourhood team, Professional Standards, two community organisations.",
    ),
    (
        "Young people spoke openly once officers sat with them rather than stood at the front.",
        "Hand out paper forms earlier: many left before the end.",
        "Evening events suit young people better than Saturday mornings.",
        "Recruitment team to come to the next event with apprenticeship information.",
        "Youth charity staff, schools liaison officers, recruitment team.",
    ),
    (
        "Strong attendance from elders; interpreters made a real difference.",
        "The hearing loop was not switched on for the first half hour.",
        "Book interpreters two weeks ahead and confirm the day before.",
        "Training and Learning to review cultural awareness input for new officers.",
        "Mosque committee, neighbourhood team, Training and Learning.",
    ),
]


def debrief_for(community_name: str):
    if "Young" in community_name:
        return DEBRIEFS[1]
    if "Muslim" in community_name:
        return DEBRIEFS[2]
    return DEBRIEFS[0]


@transaction.atomic
def seed(*, password: str) -> None:
    venues = [
        Venue.objects.get_or_create(name=fields["name"], defaults=fields)[0] for fields in VENUES
    ]
    programme = Programme.objects.get(name=PROGRAMME_NAME)
    if not programme.events.exists():
        seed_events(programme, venues)


def seed_events(programme: Programme, venues: list[Venue]) -> None:
    randomness = random.Random(7)
    User = get_user_model()
    coordinator = User.objects.get(username="coordinator")
    leader = User.objects.get(username="leader")
    communities = list(Community.objects.order_by("name"))
    physical_venues = [venue for venue in venues if venue.kind != Venue.Kind.ONLINE]
    online_venue = venues[-1]
    today = timezone.localdate()
    first_day = today - timedelta(weeks=36)

    in_other_languages = []
    for number in range(26):
        day = first_day + timedelta(weeks=2 * number)
        community = communities[number % len(communities)]
        is_online = number % 9 == 4
        venue = online_venue if is_online else physical_venues[number % len(physical_venues)]
        starts_at = timezone.make_aware(datetime.combine(day, time(18, 0)))
        if number % 5 == 2:
            starts_at = timezone.make_aware(datetime.combine(day, time(10, 30)))
        ends_at = starts_at + timedelta(hours=3)
        event = event_create(
            details=EventDetails(
                programme=programme,
                title=TITLES[community.name],
                focus_community=community if number % 7 != 6 else None,
                age_group=Event.AgeGroup.YOUNG_PEOPLE if "Young" in community.name else "",
                format=Event.Format.ONLINE if is_online else Event.Format.IN_PERSON,
                venue=venue,
                online_link="https://teams.microsoft.com/l/meetup-join/demo" if is_online else "",
                starts_at=starts_at,
                ends_at=ends_at,
                lead_organiser=coordinator,
                public_description=(
                    f"An evening for {community.name} to tell local officers what "
                    "would make policing better for them. Food and drink provided. "
                    "Everyone welcome."
                ),
                agenda=(
                    "Welcome and introductions\nWhat happened since last time (You Said, We Did)"
                    "\nSmall-group discussions on the four key questions\nFeedback to the room\n"
                    "Chance to talk to officers one to one"
                ),
                is_published=day != today + timedelta(weeks=10),
            ),
            by=coordinator,
        )
        if community.name in EVENT_LANGUAGES:
            in_other_languages.append((event, *EVENT_LANGUAGES[community.name]))
        if ends_at >= timezone.now():
            continue
        if number == 5:
            event_cancel(event=event, reason="The venue flooded. We will rearrange this event.")
            continue
        event_mark_held(
            event=event,
            headcount=randomness.randint(32, 85),
            actual_ends_at=ends_at + timedelta(minutes=randomness.choice([0, 0, 15, 30, 45])),
            officers_attending=[coordinator, leader],
            other_officers_count=randomness.randint(3, 11),
            chief_officer_attended=randomness.random() < 0.4,
            venue_hire_cost=venue.typical_hire_cost,
            catering_cost=Decimal(randomness.randint(60, 240)),
            other_cost=Decimal(randomness.choice([0, 0, 25, 40, 120])),
        )
        went_well, to_improve, learning, follow_ups, who = debrief_for(community.name)
        debrief_save(
            event=event,
            by=coordinator,
            went_well=went_well,
            to_improve=to_improve,
            learning=learning,
            follow_ups=follow_ups,
            who_took_part=who,
        )
    # After the events are marked held, which saves them whole.
    for event, languages, translations in in_other_languages:
        Event.objects.filter(pk=event.pk).update(offered_languages=languages)
        content_translations_save(
            obj=event,
            translations=translations,
            languages=[LANGUAGES_BY_CODE[code] for code in translations],
        )


@transaction.atomic
def seed_volume(*, scale: int = 1) -> dict:
    """Large volumes for benchmarks: many events over several years and thousands of
    contacts, made in bulk."""
    programme = Programme.objects.get(name=PROGRAMME_NAME)
    venues = list(Venue.objects.all())
    communities = list(Community.objects.all())
    randomness = random.Random(99)
    start = timezone.now() - timedelta(days=5 * 365)
    events = []
    for number in range(400 * scale):
        starts_at = start + timedelta(days=number * 5 // scale, hours=18)
        events.append(
            Event(
                programme=programme,
                title=f"Bench event {number}",
                slug=f"bench-event-{number}",
                focus_community=randomness.choice(communities),
                venue=randomness.choice(venues),
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=3),
                status=Event.Status.HELD if starts_at < timezone.now() else Event.Status.PLANNED,
                headcount=60 if starts_at < timezone.now() else None,
                is_published=True,
            )
        )
    Event.objects.bulk_create(events)
    return {"events": len(events)}
