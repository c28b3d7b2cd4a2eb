"""Demo data for the evaluation: two waves of the confidence survey, the area's census
shares and "about you" cards from the events already held.

The 2022 wave was imported from a spreadsheet: about 300 people, most of them White, as
the force found, so few Black respondents that little can be said about them. It did
not ask whether people had been to an event. The 2026 wave is open, about 400 people
online and on paper, more diverse, and those who have been to an event are 10 to 15
points more confident than those who have not; confidence overall is a little up on
2022. The answers are drawn at random with a fixed seed, so every run makes the same
ones, and stored in bulk through the same builder the services use. Made once;
running again changes nothing."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from evaluation.answers import ParsedAnswer
from evaluation.forms.survey import events_to_choose_from
from evaluation.models import AboutYouCard, Answer, PopulationShare, Response, Source, SurveyImport
from evaluation.questions import DONT_KNOW, NO, YES, Kind, ethnic_group_of
from evaluation.services import (
    population_shares_replace,
    wave_add_question,
    wave_close,
    wave_create,
    wave_open,
)
from evaluation.services.survey import build_response
from events.models import Event
from feedback.models import hour_of

SEED = 2026

INTRODUCTION = (
    "We want to know how you feel about policing where you live. Your answers help us "
    "see whether things are getting better, and for whom. It takes about five minutes."
)

# The force area's population in the 2021 Census, in per cent.
CENSUS_ETHNIC_GROUPS = {"white": 78.0, "asian": 14.0, "black": 2.5, "mixed": 2.5, "other": 3.0}
CENSUS_AGE_BANDS = {
    "under_18": 21.0,
    "18_24": 10.0,
    "25_34": 13.5,
    "35_44": 12.5,
    "45_54": 12.5,
    "55_64": 12.0,
    "65_74": 9.8,
    "75_plus": 8.7,
}

# Who answered each wave: weights of the high-level ethnic groups ("" for no answer,
# "prefer" for "Prefer not to say") and of the age bands.
GROUPS_ANSWERING = {
    "2022": {"white": 85, "asian": 9, "black": 1.2, "mixed": 1.5, "other": 1, "prefer": 1.5, "": 1},
    "2026": {"white": 58, "asian": 21, "black": 9, "mixed": 5, "other": 3, "prefer": 2, "": 2},
}
AGES_ANSWERING = {
    "2022": {"18_24": 4, "25_34": 10, "35_44": 14, "45_54": 19, "55_64": 22, "65_74": 18,
             "75_plus": 10, "prefer_not_to_say": 2, "": 1},
    "2026": {"under_18": 2, "18_24": 12, "25_34": 17, "35_44": 17, "45_54": 16, "55_64": 15,
             "65_74": 11, "75_plus": 6, "prefer_not_to_say": 2, "": 2},
}  # fmt: skip
# The detailed ONS categories within each group.
ETHNICITIES = {
    "white": {"white_british": 80, "white_irish": 3, "white_other": 15,
              "white_gypsy_traveller": 1, "white_roma": 1},
    "asian": {"asian_indian": 58, "asian_pakistani": 13, "asian_bangladeshi": 7,
              "asian_chinese": 7, "asian_other": 15},
    "black": {"black_african": 60, "black_caribbean": 30, "black_other": 10},
    "mixed": {"mixed_white_black_caribbean": 35, "mixed_white_asian": 30,
              "mixed_white_black_african": 15, "mixed_other": 20},
    "other": {"other_arab": 40, "other_any": 60},
}  # fmt: skip

# The share who agree (or are satisfied, or know at least a fair amount) before the
# differences below, and how much each kind of person differs from it.
AGREEING = {
    "confidence": 0.56,
    "fair_treatment": 0.50,
    "understands_concerns": 0.45,
    "satisfaction": 0.53,
    "race_action_plan_awareness": 0.08,
}
# The question the 2026 wave adds to the standard ones.
EXTRA_QUESTION = "I know how to contact my local neighbourhood policing team."
EXTRA_AGREEING = 0.40
BY_GROUP = {"white": 0.02, "asian": -0.01, "black": -0.15, "mixed": -0.06, "other": -0.04}
BY_AGE = {"under_18": -0.05, "18_24": -0.08, "25_34": -0.04, "65_74": 0.04, "75_plus": 0.06}
BY_WAVE = {"2022": 0.0, "2026": 0.02}
# Having been to an event: the gap the programme hopes to see, and a larger one for
# knowing about the Race Action Plan, which the events talk about.
ATTENDED = {"race_action_plan_awareness": 0.25}
ATTENDED_DEFAULT = 0.11
SCORES_AGREEING = {4: 65, 5: 35}
SCORES_NOT_AGREEING = {3: 45, 2: 35, 1: 20}

# "About you" cards: who comes to the events for each community.
CARD_ETHNICITIES = {
    "Black African communities": {"black_african": 70, "black_other": 5,
                                  "mixed_white_black_african": 8, "white_british": 6,
                                  "asian_other": 4, "other_any": 4, "prefer_not_to_say": 3},
    "Somali communities": {"black_african": 84, "black_other": 4, "other_arab": 4,
                           "other_any": 4, "prefer_not_to_say": 4},
    "Black Caribbean communities": {"black_caribbean": 64, "mixed_white_black_caribbean": 14,
                                    "black_african": 8, "white_british": 8,
                                    "prefer_not_to_say": 6},
    "Young people (16–24)": {"white_british": 38, "asian_indian": 16, "black_african": 12,
                             "mixed_white_black_caribbean": 8, "mixed_white_asian": 6,
                             "asian_pakistani": 8, "black_caribbean": 6, "other_any": 3,
                             "prefer_not_to_say": 3},
    "South Asian Muslim communities": {"asian_pakistani": 46, "asian_bangladeshi": 24,
                                       "asian_indian": 14, "other_arab": 6,
                                       "asian_other": 6, "prefer_not_to_say": 4},
    "Gypsy, Roma and Traveller communities": {"white_gypsy_traveller": 56, "white_roma": 22,
                                              "white_irish": 10, "white_british": 8,
                                              "prefer_not_to_say": 4},
    "Mixed heritage communities": {"mixed_white_black_caribbean": 30, "mixed_white_asian": 22,
                                   "mixed_white_black_african": 14, "mixed_other": 12,
                                   "white_british": 10, "black_caribbean": 8,
                                   "prefer_not_to_say": 4},
}  # fmt: skip
CARD_ETHNICITIES_OPEN_TO_ALL = {"white_british": 45, "asian_indian": 15, "black_african": 10,
                                "asian_pakistani": 8, "black_caribbean": 6,
                                "mixed_white_black_caribbean": 6, "white_other": 6,
                                "prefer_not_to_say": 4}  # fmt: skip
CARD_AGES = {"under_18": 2, "18_24": 10, "25_34": 16, "35_44": 18, "45_54": 18, "55_64": 16,
             "65_74": 12, "75_plus": 6, "prefer_not_to_say": 2}  # fmt: skip
CARD_AGES_YOUNG = {"under_18": 25, "18_24": 60, "25_34": 10, "prefer_not_to_say": 5}


class Draw:
    """The demo's random choices, the same on every run."""

    def __init__(self):
        self.random = random.Random(SEED)

    def weighted(self, weights: dict):
        return self.random.choices(list(weights), weights=list(weights.values()))[0]

    def chance(self, probability: float) -> bool:
        return self.random.random() < probability

    def area(self) -> str:
        # The city is where most people live.
        areas = settings.EVALUATION_AREAS
        return self.random.choices(areas, weights=[4] + [1] * (len(areas) - 1))[0]

    def hour_between(self, first: datetime, last: datetime) -> datetime:
        seconds = max(int((last - first).total_seconds()), 1)
        return hour_of(first + timedelta(seconds=self.random.randrange(seconds)))


@transaction.atomic
def seed(*, password: str) -> None:
    draw = Draw()
    if not PopulationShare.objects.exists():
        population_shares_replace(
            shares={
                PopulationShare.Dimension.ETHNIC_GROUP: _percentages(CENSUS_ETHNIC_GROUPS),
                PopulationShare.Dimension.AGE_BAND: _percentages(CENSUS_AGE_BANDS),
            }
        )
    if not Response.objects.exists():
        admin = get_user_model().objects.filter(username="admin").first()
        seed_2022(draw, by=admin)
        seed_2026(draw, by=admin)
    if not AboutYouCard.objects.exists():
        seed_cards(draw)


def _percentages(shares: dict) -> dict:
    return {group: Decimal(str(percent)) for group, percent in shares.items()}


def seed_2022(draw: Draw, *, by) -> None:
    wave = wave_create(
        name="2022",
        slug="2022",
        introduction=INTRODUCTION,
        by=by,
        fieldwork_started_on=date(2022, 6, 6),
        fieldwork_ended_on=date(2022, 8, 26),
    )
    wave_open(wave=wave)
    wave_close(wave=wave)
    people = 304
    survey_import = SurveyImport.objects.create(
        wave=wave,
        uploaded_by=by,
        uploaded_at=timezone.make_aware(datetime(2022, 9, 14, 10, 0)),
        filename="public-confidence-survey-2022.xlsx",
        status=SurveyImport.Status.DONE,
        total_rows=people,
        processed_rows=people,
        imported_count=people,
        message="Every row was imported.",
    )
    _store(
        wave,
        [_person(draw, wave_name="2022", attended=None, events=[]) for _number in range(people)],
        source=Source.IMPORTED,
        survey_import=survey_import,
    )


def seed_2026(draw: Draw, *, by) -> None:
    today = timezone.localdate()
    wave = wave_create(
        name="2026",
        slug="2026",
        introduction=INTRODUCTION,
        by=by,
        fieldwork_started_on=today - timedelta(days=42),
    )
    extra = wave_add_question(wave=wave, text=EXTRA_QUESTION, kind=Kind.AGREEMENT)
    wave_open(wave=wave)
    events = list(events_to_choose_from())
    first = timezone.now() - timedelta(days=42)
    last = timezone.now() - timedelta(hours=2)
    # Paper forms are mostly filled in at events, so more of them are from attendees.
    for source, people, attending in ((Source.ONLINE, 296, 0.27), (Source.PAPER, 108, 0.62)):
        answers = []
        for _number in range(people):
            roll = draw.random.random()
            attended = YES if roll < attending else NO if roll < 0.95 else DONT_KNOW
            if draw.chance(0.03):
                attended = None
            answers.append(
                _person(draw, wave_name="2026", attended=attended, events=events, extra=extra.key)
            )
        _store(wave, answers, source=source, hours=(draw, first, last))


def _person(draw: Draw, *, wave_name: str, attended, events, extra: str = "") -> dict:
    """One person's answers, as {question key: ParsedAnswer}."""
    group = draw.weighted(GROUPS_ANSWERING[wave_name])
    age = draw.weighted(AGES_ANSWERING[wave_name])
    answers = {}
    if group == "prefer":
        answers["ethnicity"] = ParsedAnswer(None, "prefer_not_to_say")
    elif group:
        answers["ethnicity"] = ParsedAnswer(None, draw.weighted(ETHNICITIES[group]))
    if age:
        answers["age_band"] = ParsedAnswer(None, age)
    if draw.chance(0.9):
        answers["area"] = ParsedAnswer(None, draw.area())
    if attended is not None:
        answers["attended_event"] = ParsedAnswer(None, attended)
        if attended == YES and events and draw.chance(0.8):
            event = draw.random.choice(events)
            answers["attended_which"] = ParsedAnswer(None, str(event.pk))
    been = attended == YES
    # One leaning per person, so that someone confident in the police tends to agree
    # that they are fair too.
    leaning = draw.random.random()
    asked = {**AGREEING, extra: EXTRA_AGREEING} if extra else AGREEING
    for key, agreeing in asked.items():
        if draw.chance(0.03):
            continue
        if key != "race_action_plan_awareness" and draw.chance(0.05):
            answers[key] = ParsedAnswer(None, DONT_KNOW)
            continue
        share = (
            agreeing
            + BY_GROUP.get(group, 0)
            + BY_AGE.get(age, 0)
            + BY_WAVE[wave_name]
            + (ATTENDED.get(key, ATTENDED_DEFAULT) if been else 0)
        )
        agrees = min(max(leaning + draw.random.gauss(0, 0.2), 0), 0.999) < share
        score = draw.weighted(SCORES_AGREEING if agrees else SCORES_NOT_AGREEING)
        answers[key] = ParsedAnswer(score, str(score))
    return answers


def _store(wave, people: list[dict], *, source: str, survey_import=None, hours=None) -> None:
    questions_by_key = {question.key: question for question in wave.questions.all()}
    responses, rows = [], []
    for answers in people:
        received_hour = hours[0].hour_between(hours[1], hours[2]) if hours else None
        response, answer_rows = build_response(
            wave=wave,
            answers=answers,
            questions_by_key=questions_by_key,
            source=source,
            survey_import=survey_import,
            received_hour=received_hour,
        )
        responses.append(response)
        rows += answer_rows
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(rows, batch_size=2000)


def seed_cards(draw: Draw) -> None:
    """Cards from each event held, from a sixth to over half of the people there."""
    events = Event.objects.filter(status=Event.Status.HELD).select_related("focus_community")
    cards = []
    for event in events.order_by("starts_at"):
        community = event.focus_community.name if event.focus_community else ""
        ethnicities = CARD_ETHNICITIES.get(community, CARD_ETHNICITIES_OPEN_TO_ALL)
        ages = CARD_AGES_YOUNG if "Young" in community else CARD_AGES
        for _number in range(round((event.headcount or 0) * draw.random.uniform(0.15, 0.7))):
            ethnicity = draw.weighted(ethnicities) if draw.chance(0.95) else ""
            online = draw.chance(0.2)
            cards.append(
                AboutYouCard(
                    event=event,
                    source=Source.ONLINE if online else Source.PAPER,
                    received_hour=hour_of(
                        event.starts_at + timedelta(hours=draw.random.randint(0, 3))
                        if online
                        else event.ends_at + timedelta(days=1)
                    ),
                    ethnicity=ethnicity,
                    ethnic_group=ethnic_group_of(ethnicity),
                    age_band=draw.weighted(ages) if draw.chance(0.92) else "",
                    area=draw.area() if draw.chance(0.85) else "",
                )
            )
    AboutYouCard.objects.bulk_create(cards)
