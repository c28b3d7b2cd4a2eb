"""Counts of people too small to show, in every view the report offers: crafted small
groups, secondary suppression, a differencing attack through the report's own filters,
and a property test over random small data."""

from itertools import product

import pytest
from django.db.models import Count
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.models import PopulationShare, Response
from evaluation.selectors import ReportFilters, evaluation_report, reach, who_attends
from evaluation.selectors.comparison import comparison_dimensions
from evaluation.statistics import ANY, Dimension, add_up, parents_of, safe_counts, safe_groups
from evaluation.tests.factories import (
    AboutYouCardFactory,
    PopulationShareFactory,
    ResponseFactory,
    WaveFactory,
)
from events.tests.factories import EventFactory

THRESHOLD = 10


def every_view(dimensions):
    """Every cell a page could show: each dimension named by one of its shown values or
    left open, a required one always named."""
    choices = [
        sorted(dimension.shown, key=repr) + ([] if dimension.required else [ANY])
        for dimension in dimensions
    ]
    return list(product(*choices))


def children_of(key, index, dimension):
    return [key[:index] + (value,) + key[index + 1 :] for value in dimension.shown]


def attack(shown: dict, truth, dimensions, threshold):
    """What someone holding every shown figure can work out. They know every number
    shown, and (at worst) every cell with nobody in it, and take totals apart: a total
    less its parts, or a part from its total and the other parts, and then use what
    they found in the next sum. Returns the hidden numbers they found, and the small
    groups (1 to threshold - 1 people) they could pin down as a sum of hidden parts."""
    views = every_view(dimensions)
    known = dict(shown)
    for key in views:
        if truth(key) == 0:
            known.setdefault(key, 0)
    splits = []
    for parent in views:
        for index, dimension in enumerate(dimensions):
            if parent[index] is not ANY or dimension.required:
                continue
            parts = children_of(parent, index, dimension)
            rest = truth(parent) - sum(truth(part) for part in parts)
            splits.append((parent, parts, ("rest", parent, index), rest))
    found = {}
    changed = True
    while changed:
        changed = False
        for parent, parts, rest_term, rest in splits:
            if rest == 0:
                known.setdefault(rest_term, 0)
            terms = [parent, *parts, rest_term]
            unknown = [term for term in terms if term not in known]
            if len(unknown) != 1:
                continue
            (term,) = unknown
            if term == parent:
                value = sum(known[part] for part in parts) + known[rest_term]
            else:
                value = known[parent] - sum(known[t] for t in terms[1:] if t != term)
            known[term] = value
            if value:
                found[term] = value
            changed = True
    small_sums = []
    for parent, parts, rest_term, _rest in splits:
        if parent not in known:
            continue
        left = known[parent] - sum(known[t] for t in [*parts, rest_term] if t in known)
        if 0 < left < threshold:
            small_sums.append((parent, left))
    return found, small_sums


def assert_nothing_recoverable(safe, dimensions, threshold):
    """Every shown figure is at least the threshold, no two shown figures differ by a
    small group, and the attacker above finds nothing."""
    views = every_view(dimensions)
    shown = {key: safe.count(key) for key in views if safe.count(key) is not None}
    for key, count in shown.items():
        assert count >= threshold, key
        assert count == safe.true_count(key)
        for parent in parents_of(key, dimensions):
            if parent in shown:
                assert not 0 < shown[parent] - count < threshold, (parent, key)
    found, small_sums = attack(shown, safe.true_count, dimensions, threshold)
    assert not found, f"hidden numbers worked out: {found}"
    assert not small_sums, f"small groups pinned down: {small_sums}"


# One table ------------------------------------------------------------------------------

ONE_TABLE = [
    Dimension("wave", frozenset({"2026"}), required=True),
    Dimension("group", frozenset({"white", "black", "asian"})),
]


def test_a_group_of_three_is_hidden_and_cannot_be_taken_from_the_total():
    safe = safe_counts(
        {("2026", "white"): 40, ("2026", "black"): 3, ("2026", "asian"): 15},
        ONE_TABLE,
        threshold=THRESHOLD,
    )
    assert safe.count(safe.key(wave="2026")) == 58
    assert safe.count(safe.key(wave="2026", group="black")) is None
    # 58 − 40 − 15 would give the 3 away, so the smallest shown group is hidden too.
    assert safe.count(safe.key(wave="2026", group="asian")) is None
    assert safe.count(safe.key(wave="2026", group="white")) == 40
    assert_nothing_recoverable(safe, ONE_TABLE, THRESHOLD)


def test_people_who_did_not_say_count_as_hidden_in_the_total():
    # Two people gave no group: shown groups adding up to 48 of 50 would tell.
    safe = safe_counts(
        {("2026", "white"): 30, ("2026", "asian"): 18, ("2026", ""): 2},
        ONE_TABLE,
        threshold=THRESHOLD,
    )
    assert safe.count(safe.key(wave="2026")) == 50
    assert safe.count(safe.key(wave="2026", group="asian")) is None
    assert safe.count(safe.key(wave="2026", group="white")) == 30
    assert_nothing_recoverable(safe, ONE_TABLE, THRESHOLD)


def test_a_total_below_the_threshold_hides_everything():
    safe = safe_counts({("2026", "white"): 6, ("2026", "black"): 2}, ONE_TABLE, threshold=10)
    assert safe.count(safe.key(wave="2026")) is None
    assert safe.count(safe.key(wave="2026", group="white")) is None


def test_zero_is_hidden_like_any_small_number():
    safe = safe_counts({("2026", "white"): 40}, ONE_TABLE, threshold=THRESHOLD)
    assert safe.count(safe.key(wave="2026", group="black")) is None
    assert safe.count(safe.key(wave="2026", group="white")) == 40


def test_each_wave_stands_alone():
    safe = safe_counts(
        {("2026", "white"): 40, ("2022", "white"): 3},
        [
            Dimension("wave", frozenset({"2026", "2022"}), required=True),
            Dimension("group", frozenset({"white"})),
        ],
        threshold=THRESHOLD,
    )
    # There is no figure across waves, so the small 2022 cell hides nothing in 2026.
    assert safe.count(safe.key(wave="2026", group="white")) == 40
    assert safe.count(safe.key(wave="2022")) is None


# Differencing across views ----------------------------------------------------------------

VIEWS = [
    Dimension("wave", frozenset({"2026"}), required=True),
    Dimension("attended", frozenset({True, False})),
    Dimension("group", frozenset({"white", "black"})),
]


def test_attendees_only_view_does_not_show_23_of_25_black_respondents():
    safe = safe_counts(
        {
            ("2026", True, "black"): 23,
            ("2026", False, "black"): 2,
            ("2026", True, "white"): 60,
            ("2026", False, "white"): 40,
        },
        VIEWS,
        threshold=THRESHOLD,
    )
    assert safe.count(safe.key(wave="2026", group="black")) == 25
    assert safe.count(safe.key(wave="2026", attended=True, group="black")) is None
    assert safe.count(safe.key(wave="2026", attended=False, group="black")) is None
    # With 60 White attendees shown, the 83 attendees would give the 23 away and then
    # the 25 the 2; so the four attendance-by-group numbers are all hidden and only
    # the totals of each are shown, which leaves every hidden one open.
    assert safe.count(safe.key(wave="2026", attended=True, group="white")) is None
    assert safe.count(safe.key(wave="2026", attended=False, group="white")) is None
    assert safe.count(safe.key(wave="2026", attended=True)) == 83
    assert safe.count(safe.key(wave="2026", attended=False)) == 42
    assert safe.count(safe.key(wave="2026", group="white")) == 100
    assert_nothing_recoverable(safe, VIEWS, THRESHOLD)


def test_the_chain_through_the_attendee_total_is_what_the_attacker_would_use():
    """The same figures with only the 23 hidden: the attacker finds it, then the 2."""
    truth = {
        ("2026", True, "black"): 23,
        ("2026", False, "black"): 2,
        ("2026", True, "white"): 60,
        ("2026", False, "white"): 40,
    }
    safe = safe_counts(truth, VIEWS, threshold=THRESHOLD)
    naive = {
        key: safe.true_count(key)
        for key in every_view(VIEWS)
        if safe.true_count(key) >= THRESHOLD and key != ("2026", True, "black")
    }
    found, small = attack(naive, safe.true_count, VIEWS, THRESHOLD)
    assert found[("2026", True, "black")] == 23
    assert found[("2026", False, "black")] == 2


def test_dropping_two_filters_at_once_is_checked_too():
    dimensions = [
        Dimension("wave", frozenset({"2026"}), required=True),
        Dimension("attended", frozenset({True, False})),
        Dimension("age", frozenset({"young", "old"})),
    ]
    safe = safe_counts(
        {
            ("2026", True, "young"): 40,
            ("2026", False, "old"): 3,
            ("2026", True, "old"): 12,
            ("2026", False, "young"): 11,
        },
        dimensions,
        threshold=THRESHOLD,
    )
    # 66 in all; young attendees 40. Every parent of the 40 differs from it by 10 or more.
    assert safe.count(safe.key(wave="2026")) == 66
    for key in every_view(dimensions):
        shown = safe.count(key)
        if shown is None:
            continue
        for parent in parents_of(key, dimensions):
            assert not 0 < safe.true_count(parent) - shown < THRESHOLD


def test_three_way_filter_cannot_be_recovered_from_its_two_siblings():
    dimensions = [
        Dimension("wave", frozenset({"2026"}), required=True),
        Dimension("age", frozenset({"a", "b", "c"})),
    ]
    safe = safe_counts(
        {("2026", "a"): 12, ("2026", "b"): 15, ("2026", "c"): 3}, dimensions, threshold=10
    )
    # Each shown age differs from the total by 10 or more, but 30 − 12 − 15 = 3.
    assert safe.count(safe.key(wave="2026", age="c")) is None
    assert safe.count(safe.key(wave="2026", age="a")) is None
    assert_nothing_recoverable(safe, dimensions, 10)


# A property over random small data ------------------------------------------------------

RANDOM_DIMENSIONS = [
    Dimension("wave", frozenset({"w"}), required=True),
    Dimension("attended", frozenset({True, False})),
    Dimension("group", frozenset({"p", "q", "r"})),
    Dimension("area", frozenset({"s", "t"})),
]
LEAVES = [
    ("w", attended, group, area)
    for attended in (True, False, None)
    for group in ("p", "q", "r", "")
    for area in ("s", "t", "elsewhere")
]


@settings(max_examples=150, deadline=None)
@given(
    counts=st.lists(
        st.integers(min_value=0, max_value=14), min_size=len(LEAVES), max_size=len(LEAVES)
    ),
    threshold=st.sampled_from([3, 5, 10]),
)
def test_no_shown_number_can_be_differenced_into_a_small_one(counts, threshold):
    safe = safe_counts(
        dict(zip(LEAVES, counts, strict=True)), RANDOM_DIMENSIONS, threshold=threshold
    )
    assert_nothing_recoverable(safe, RANDOM_DIMENSIONS, threshold)
    # What is shown is the truth.
    for key in every_view(RANDOM_DIMENSIONS):
        if safe.count(key) is not None:
            assert safe.count(key) == safe.true_count(key)


# Communities shown by the forms they sent -----------------------------------------------


def test_communities_with_few_forms_are_shown_only_together():
    alone, together = safe_groups({"A": 40, "B": 12, "C": 4, "D": 3}, threshold=10)
    # C and D make 7 forms, still too few, so B joins them.
    assert alone == ["A"]
    assert together == ["B", "C", "D"]
    alone, together = safe_groups({"A": 40, "C": 6, "D": 5}, threshold=10)
    assert (alone, together) == (["A"], ["C", "D"])
    assert safe_groups({"A": 40, "B": 12}, threshold=10) == (["A", "B"], [])


# The report itself, with crafted small groups -----------------------------------------------


def _responses(wave, number, **answers):
    for _ in range(number):
        ResponseFactory(wave=wave, answers=answers)


@pytest.fixture
def crafted_wave(db):
    """25 Black respondents, 23 of them attendees; 60 White attendees and 40 White
    non-attendees; 12 Asian attendees; three Mixed respondents."""
    wave = WaveFactory(name="2026")
    _responses(wave, 23, confidence="4", attended_event="yes", ethnicity="black_african")
    _responses(wave, 2, confidence="2", attended_event="no", ethnicity="black_caribbean")
    _responses(wave, 60, confidence="4", attended_event="yes", ethnicity="white_british")
    _responses(wave, 40, confidence="2", attended_event="no", ethnicity="white_british")
    _responses(wave, 12, confidence="5", attended_event="yes", ethnicity="asian_indian")
    _responses(wave, 3, confidence="5", attended_event="yes", ethnicity="mixed_other")
    return wave


def _confidence(report):
    return next(question for question in report.questions if question.key == "confidence")


def _row(table, label):
    return next(row for row in table.rows if row.label == label)


def test_the_report_hides_23_black_attendees_when_25_black_respondents_are_shown(crafted_wave):
    everyone = _confidence(evaluation_report(ReportFilters(wave=crafted_wave)))
    black_label = "Black, Black British, Black Welsh, Caribbean or African"
    assert _row(everyone.ethnic_groups, black_label).n == 25
    assert _row(everyone.ethnic_groups, "Mixed or Multiple ethnic groups").n is None
    # The three Mixed respondents are hidden, and so is the next smallest group, so
    # that they cannot be taken from the total.
    assert _row(everyone.ethnic_groups, "Asian, Asian British or Asian Welsh").n is None
    assert _row(everyone.ethnic_groups, "White").n == 100
    attendees = _confidence(evaluation_report(ReportFilters(wave=crafted_wave, attended=True)))
    assert _row(attendees.ethnic_groups, black_label).n is None
    assert _row(attendees.ethnic_groups, black_label).estimate is None
    black_only = _confidence(
        evaluation_report(ReportFilters(wave=crafted_wave, ethnic_group="black"))
    )
    assert _row(black_only.attendance, "Attendees").n is None
    assert _row(black_only.attendance, "Non-attendees").n is None


def test_every_pair_of_views_an_attacker_could_request_gives_nothing_away(crafted_wave):
    """Open the report under every combination of its filters and note every number
    shown: no two differ by a small group, no hidden number is ever shown elsewhere,
    and taking totals apart, one after another, works out no hidden number."""
    shown: dict[tuple, int] = {}
    hidden: set[tuple] = set()
    for attended, group, age in product(
        (None, True, False), ("", "white", "black", "asian", "mixed"), ("", "25_34")
    ):
        report = evaluation_report(
            ReportFilters(wave=crafted_wave, attended=attended, ethnic_group=group, age_band=age)
        )
        for table in _confidence(report).tables:
            for row in table.rows:
                if row.n is None:
                    hidden.add(row.key)
                else:
                    assert shown.setdefault(row.key, row.n) == row.n
                    assert row.n >= THRESHOLD
    assert shown and hidden
    assert not hidden & set(shown), "a number hidden in one view was shown in another"
    dimensions = comparison_dimensions([crafted_wave.pk])
    for narrow, count in shown.items():
        for wide in parents_of(narrow, dimensions):
            if wide in shown:
                assert not 0 < shown[wide] - count < THRESHOLD, (wide, narrow)
    answered = Response.objects.filter(
        answers__question__key="confidence", answers__score__isnull=False
    )
    truth = add_up(
        {
            (crafted_wave.pk, attended, group, age or "", area or ""): count
            for attended, group, age, area, count in answered.values_list(
                "attended", "ethnic_group", "age_band", "area"
            ).annotate(count=Count("pk"))
        },
        dimensions,
    )
    found, small_sums = attack(shown, lambda key: truth.get(key, 0), dimensions, THRESHOLD)
    # Some figures no page names (those who did not give their age, say) can be worked
    # out, and are as safe to know as the shown ones; none hidden on a page can be.
    assert not hidden & set(found), {key: found[key] for key in hidden & set(found)}
    assert not [value for value in found.values() if value < THRESHOLD]
    assert not small_sums
    # The figures the crafted data is about.
    assert shown[(crafted_wave.pk, ANY, "black", ANY, ANY)] == 25
    assert (crafted_wave.pk, True, "black", ANY, ANY) in hidden


def test_reach_and_who_attends_hide_a_group_of_three(db):
    wave = WaveFactory(name="2026")
    _responses(wave, 30, ethnicity="white_british")
    _responses(wave, 3, ethnicity="black_african")
    _responses(wave, 12, ethnicity="asian_indian")
    PopulationShareFactory(group="white", percent=70)
    PopulationShareFactory(group="black", percent=10)
    event = EventFactory(past=True)
    AboutYouCardFactory.create_batch(20, event=event, ethnicity="white_british")
    AboutYouCardFactory.create_batch(3, event=event, ethnicity="black_caribbean")
    found = reach(wave=wave)
    by_group = {row.value: row for row in found.table("respondents-ethnic-group").rows}
    assert by_group["black"].count is None
    assert by_group["black"].share is None
    # Secondary: 45 − 30 would otherwise give the 3 away.
    assert by_group["asian"].count is None
    assert by_group["white"].count == 30
    # Black respondents are under-represented (below 80 % of 10 %), said without a count.
    assert by_group["black"].is_under_represented
    cards = {row.value: row for row in found.table("cards-ethnic-group").rows}
    assert cards["black"].count is None
    assert cards["white"].count is None  # 23 − 20 = 3 would tell
    assert found.table("cards-ethnic-group").total == 23
    attendance = who_attends().events[0]
    assert attendance.total == 23
    assert all(count is None for count, _label in attendance.counts)
    labels = dict(zip(who_attends().group_labels, attendance.counts, strict=True))
    assert labels["Black"] == (
        None,
        "fewer than 10",
    )
    # The 20 is hidden only so the 3 cannot be worked out: it says so.
    assert labels["White"] == (None, "not shown")


def test_census_weights_are_listed_only_for_groups_whose_numbers_are_shown(crafted_wave):
    PopulationShareFactory(group="white", percent=80)
    PopulationShareFactory(group="black", percent=15)
    PopulationShareFactory(group="mixed", percent=5)
    report = evaluation_report(ReportFilters(wave=crafted_wave, weighted=True))
    listed = dict(report.weighting.shown_weights)
    assert "Mixed or Multiple ethnic groups" not in listed
    assert "White" in listed
    assert PopulationShare.objects.count() == 3
