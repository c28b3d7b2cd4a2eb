"""The evaluation's demo data: two waves of the survey with the gap between attendees
and non-attendees the report is there to show, the census shares, and "about you"
cards from the events held."""

import time
from collections import Counter
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum

from evaluation import demo
from evaluation.models import AboutYouCard, Answer, PopulationShare, Response, Source, Wave
from evaluation.questions import POSITIVE_FROM
from events.models import Event

pytestmark = pytest.mark.django_db


def share_confident(responses) -> float:
    answers = Answer.objects.filter(
        response__in=responses, question__key="confidence", score__isnull=False
    )
    return answers.filter(score__gte=POSITIVE_FROM).count() / answers.count()


def test_the_2022_wave_was_imported_closed_and_mostly_white(demo_data):
    wave = Wave.objects.get(slug="2022")
    assert wave.status == Wave.Status.CLOSED
    assert wave.fieldwork_started_on.year == wave.fieldwork_ended_on.year == 2022
    responses = wave.responses.all()
    assert 280 <= responses.count() <= 320
    assert set(responses.values_list("source", flat=True)) == {Source.IMPORTED}
    assert wave.imports.get().imported_count == responses.count()
    # The question about events was not asked then.
    assert not responses.filter(attended__isnull=False).exists()
    groups = Counter(responses.values_list("ethnic_group", flat=True))
    assert groups["white"] / responses.count() > 0.75
    # Too few Black respondents to say anything about them.
    assert 0 < groups["black"] < settings.SUPPRESSION_THRESHOLD


def test_the_2026_wave_is_open_more_diverse_and_shows_the_gap(demo_data):
    wave = Wave.objects.get(slug="2026")
    assert wave.is_open
    responses = wave.responses.all()
    assert 380 <= responses.count() <= 420
    sources = Counter(responses.values_list("source", flat=True))
    assert set(sources) == {Source.ONLINE, Source.PAPER}
    assert sources[Source.PAPER] >= 80
    groups = Counter(responses.values_list("ethnic_group", flat=True))
    assert groups["white"] / responses.count() < 0.65
    assert groups["black"] >= 2 * settings.SUPPRESSION_THRESHOLD
    assert responses.filter(attended_event__isnull=False).exists()

    attendees = share_confident(responses.attendees())
    non_attendees = share_confident(responses.non_attendees())
    assert 0.10 <= attendees - non_attendees <= 0.16
    earlier = share_confident(Wave.objects.get(slug="2022").responses.all())
    assert 0 < share_confident(responses) - earlier <= 0.08


def test_the_2026_wave_asks_one_question_of_its_own_and_it_is_answered(demo_data):
    added = Wave.objects.get(slug="2026").questions.get(is_standard=False)
    assert added.text == demo.EXTRA_QUESTION
    assert added.answers.count() > 300


def test_census_shares_add_up_to_100_for_each_part(demo_data):
    totals = dict(
        PopulationShare.objects.values("dimension")
        .annotate(total=Sum("percent"))
        .values_list("dimension", "total")
    )
    assert totals == {"ethnic_group": Decimal("100"), "age_band": Decimal("100")}


def test_cards_come_from_held_events_some_groups_big_enough_to_show(demo_data):
    cards = AboutYouCard.objects.all()
    assert cards.count() >= 200
    assert set(cards.values_list("event__status", flat=True)) == {Event.Status.HELD}
    cells = list(
        cards.values("event", "ethnic_group")
        .annotate(people=Count("pk"))
        .values_list("people", flat=True)
    )
    assert any(people >= settings.SUPPRESSION_THRESHOLD for people in cells)
    assert any(people < settings.SUPPRESSION_THRESHOLD for people in cells)
    assert {Source.ONLINE, Source.PAPER} == set(cards.values_list("source", flat=True))


def test_the_demo_waves_are_on_the_public_site(demo_data, client):
    assert client.get("/survey/2026/").status_code == 200
    assert client.get("/survey/2022/").status_code == 410


def test_the_demo_is_the_same_every_time_and_quick(demo_data):
    before = _summary()
    with transaction.atomic():
        Response.objects.all().delete()
        Wave.objects.all().delete()
        AboutYouCard.objects.all().delete()
        PopulationShare.objects.all().delete()
        started = time.monotonic()
        demo.seed(password="unused")
        took = time.monotonic() - started
        assert _summary() == before
        transaction.set_rollback(True)
    assert took < 3


def _summary():
    return (
        list(
            Response.objects.values_list("wave__name", "source", "attended", "ethnicity")
            .annotate(n=Count("pk"))
            .order_by("wave__name", "source", "attended", "ethnicity")
        ),
        list(Answer.objects.values_list("score").annotate(n=Count("pk")).order_by("score")),
        AboutYouCard.objects.count(),
    )
