"""The report's sums: Wilson intervals against published values, weighting against a
worked example, and the plain-words verdicts."""

import pytest

from evaluation.statistics import (
    Difference,
    Estimate,
    difference,
    difference_in_words,
    estimate,
    intervals_overlap,
    post_stratification_weights,
    weighted_estimate,
    wilson_interval,
)


# Newcombe RG (1998), "Two-sided confidence intervals for the single proportion:
# comparison of seven methods", Statistics in Medicine 17:857–872, table I, method 3
# (the Wilson score interval without continuity correction).
@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombes_published_values(successes, n, low, high):
    found_low, found_high = wilson_interval(successes, n)
    assert round(found_low, 4) == low
    assert round(found_high, 4) == high


def test_wilson_interval_of_nobody_answering_is_none():
    assert wilson_interval(0, 0) is None
    assert estimate(0, 0) is None


def test_wilson_interval_stays_between_nought_and_one_at_the_extremes():
    low, high = wilson_interval(20, 20)
    assert 0 < low < 1
    assert high == 1.0
    low, high = wilson_interval(0, 5)
    assert low == 0.0
    assert 0 < high < 1


def test_wilson_interval_takes_a_fractional_effective_sample_size():
    low, high = wilson_interval(0.645 * 94.12, 94.12)
    assert low < 0.645 < high
    assert high - low < wilson_interval(6.45, 10)[1] - wilson_interval(6.45, 10)[0]


def test_a_wider_z_gives_a_wider_range():
    low_95, high_95 = wilson_interval(30, 100)
    low_99, high_99 = wilson_interval(30, 100, z=2.5758293035489)
    assert low_99 < low_95 and high_99 > high_95


# Weighting, worked by hand -------------------------------------------------------------
#
# 100 respondents: 80 White, of whom 60 agree; 20 Black, of whom 8 agree. The census
# says the area is 70 % White and 30 % Black.
#
#   weight(White) = 0.70 / 0.80 = 0.875        weight(Black) = 0.30 / 0.20 = 1.5
#   weighted share = (0.875 × 60 + 1.5 × 8) / (0.875 × 80 + 1.5 × 20)
#                  = (52.5 + 12) / (70 + 30) = 64.5 / 100 = 0.645
#   (unweighted: 68 / 100 = 0.68; the Black respondents, fewer of whom agree, now count
#   for their share of the area)
#   n_eff = (Σ w·n)² / Σ w²·n = 100² / (80 × 0.875² + 20 × 1.5²)
#         = 10000 / (61.25 + 45) = 10000 / 106.25 = 94.12


def test_weights_are_the_population_share_over_the_sample_share():
    weights = post_stratification_weights({"white": 80, "black": 20}, {"white": 70, "black": 30})
    assert weights.by_group["white"] == pytest.approx(0.875)
    assert weights.by_group["black"] == pytest.approx(1.5)
    assert weights.left_out == ()
    assert weights.missing == ()


def test_the_worked_example_of_a_weighted_share():
    weights = post_stratification_weights({"white": 80, "black": 20}, {"white": 70, "black": 30})
    found = weighted_estimate(
        [(weights.by_group["white"], 80, 60), (weights.by_group["black"], 20, 8)]
    )
    weighted_agreeing = 0.875 * 60 + 1.5 * 8
    weighted_answering = 0.875 * 80 + 1.5 * 20
    sum_of_squared_weights = 80 * 0.875**2 + 20 * 1.5**2
    assert weighted_agreeing == pytest.approx(64.5)
    assert weighted_answering == pytest.approx(100)
    assert sum_of_squared_weights == pytest.approx(106.25)
    assert found.share == pytest.approx(0.645)
    assert found.n == pytest.approx(10000 / 106.25)
    assert round(found.n, 2) == 94.12
    assert found.respondents == 100
    low, high = wilson_interval(0.645 * found.n, found.n)
    assert (found.low, found.high) == pytest.approx((low, high))
    # Weighting costs precision: the range is wider than the same share from 100.
    unweighted_low, unweighted_high = wilson_interval(64.5, 100)
    assert found.high - found.low > unweighted_high - unweighted_low


def test_respondents_of_unknown_group_or_with_no_census_share_are_left_out():
    weights = post_stratification_weights(
        {"white": 80, "black": 20, "": 15, "mixed": 5}, {"white": 70, "black": 30}
    )
    assert set(weights.by_group) == {"white", "black"}
    assert weights.left_out == ("mixed",)
    assert weights.by_group["white"] == pytest.approx(0.875)


def test_a_census_group_with_no_respondents_is_named_and_the_others_stand_for_it():
    weights = post_stratification_weights(
        {"white": 80, "black": 20}, {"white": 63, "black": 27, "asian": 10}
    )
    assert weights.missing == ("asian",)
    # 63 and 27 are scaled to 70 % and 30 % of the groups that can be weighted.
    assert weights.by_group["white"] == pytest.approx(0.875)
    assert weights.by_group["black"] == pytest.approx(1.5)


def test_no_census_shares_gives_no_weights():
    weights = post_stratification_weights({"white": 80}, {})
    assert weights.by_group == {}
    assert weighted_estimate([]) is None


def test_equal_weights_change_nothing():
    found = weighted_estimate([(1.0, 50, 30), (1.0, 50, 20)])
    assert found.share == pytest.approx(0.5)
    assert found.n == pytest.approx(100)


# Comparing ranges ---------------------------------------------------------------------


def test_ranges_that_share_a_value_overlap():
    first = Estimate(0.6, 100, 0.5, 0.7)
    assert intervals_overlap(first, Estimate(0.45, 100, 0.35, 0.55))
    assert intervals_overlap(first, Estimate(0.75, 100, 0.7, 0.8))
    assert not intervals_overlap(first, Estimate(0.3, 100, 0.2, 0.45))
    assert not intervals_overlap(Estimate(0.3, 100, 0.2, 0.45), first)


def test_a_difference_is_called_out_only_when_the_ranges_do_not_overlap():
    attendees = estimate(140, 200)
    non_attendees = estimate(100, 200)
    assert not intervals_overlap(attendees, non_attendees)
    assert difference(attendees, non_attendees) is Difference.HIGHER
    assert difference(non_attendees, attendees) is Difference.LOWER
    assert difference(estimate(11, 20), estimate(9, 20)) is Difference.NO_CLEAR_DIFFERENCE


def test_the_verdicts_in_plain_words():
    higher = difference_in_words(
        first=estimate(140, 200),
        second=estimate(100, 200),
        first_label="attendees",
        second_label="non-attendees",
        verb="agree",
    )
    assert higher == (
        "Attendees were more likely to agree than non-attendees (70% against 50%); "
        "the difference is larger than chance would explain."
    )
    lower = difference_in_words(
        first=estimate(100, 200),
        second=estimate(140, 200),
        first_label="attendees",
        second_label="non-attendees",
        verb="be satisfied",
    )
    assert lower.startswith("Attendees were less likely to be satisfied than non-attendees")
    same = difference_in_words(
        first=estimate(11, 20),
        second=estimate(9, 20),
        first_label="attendees",
        second_label="non-attendees",
        verb="agree",
    )
    assert same == "No clear difference between attendees and non-attendees: the ranges overlap."
