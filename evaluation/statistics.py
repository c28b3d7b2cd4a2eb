"""The sums behind the evaluation report: the 95 % range of a share (Wilson), weighting a
sample to the area's census, comparing two ranges in plain words, and keeping counts of
people that are too small, or that could be worked out from other figures, off every
page and download.

Nothing here reads the database: the report's selectors count in one grouped query per
table family and hand the counts in."""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from itertools import combinations

from django.utils.text import capfirst
from django.utils.translation import gettext as _

# The z value of a two-sided 95 % interval.
Z_95 = 1.959963984540054


# The 95 % range of a share ---------------------------------------------------------------


def wilson_interval(successes: float, n: float, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval without continuity correction (Newcombe 1998, method
    3) for `successes` out of `n`, as (low, high) between 0 and 1; None when nobody
    answered. Unlike the textbook "p ± 1.96 standard errors" it stays inside 0–1 and
    behaves with small groups and shares near 0 % or 100 %. `n` may be an effective
    sample size, which need not be a whole number."""
    if n <= 0:
        return None
    share = min(max(successes / n, 0.0), 1.0)
    z_squared = z * z
    denominator = 1 + z_squared / n
    centre = (share + z_squared / (2 * n)) / denominator
    half_width = (z / denominator) * math.sqrt(share * (1 - share) / n + z_squared / (4 * n * n))
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


@dataclass(frozen=True)
class Estimate:
    """A share with its 95 % range. `n` is the number answering, or for a weighted
    share the effective sample size."""

    share: float
    n: float
    low: float
    high: float


def estimate(successes: float, n: float) -> Estimate | None:
    interval = wilson_interval(successes, n)
    if interval is None:
        return None
    return Estimate(successes / n, n, *interval)


# Weighting to the census ------------------------------------------------------------------


@dataclass(frozen=True)
class Weights:
    """Post-stratification weights by group. `left_out` are the groups of respondents
    the weighted view cannot use: those with no census share entered. Respondents who
    did not give their group are left out too."""

    by_group: dict[str, float]
    left_out: tuple[str, ...]
    # Groups with a census share but nobody in the sample: they cannot be weighted up
    # from nothing, so the others stand for them.
    missing: tuple[str, ...]


def post_stratification_weights(
    sample_counts: Mapping[str, int], population_percents: Mapping[str, float]
) -> Weights:
    """weight(g) = population share(g) / sample share(g), among respondents whose group
    is known and has a census share. The population shares are first scaled to add up
    to 100 % over the groups that have respondents; a weighted share is the same with or
    without that scaling, but the weights then read as "each respondent counts as this
    many": above 1 for a group the sample has too few of."""
    sampled = {
        group: count
        for group, count in sample_counts.items()
        if group and count > 0 and population_percents.get(group, 0) > 0
    }
    left_out = tuple(
        sorted(
            group
            for group, count in sample_counts.items()
            if group and count > 0 and group not in sampled
        )
    )
    missing = tuple(
        sorted(
            group
            for group, percent in population_percents.items()
            if percent > 0 and group not in sampled
        )
    )
    sample_total = sum(sampled.values())
    population_total = sum(float(population_percents[group]) for group in sampled)
    if not sample_total or not population_total:
        return Weights({}, left_out, missing)
    by_group = {
        group: (float(population_percents[group]) / population_total) / (count / sample_total)
        for group, count in sampled.items()
    }
    return Weights(by_group, left_out, missing)


@dataclass(frozen=True)
class WeightedEstimate(Estimate):
    # The number of respondents the weighted share stands on (before weighting).
    respondents: int


def weighted_estimate(groups: Iterable[tuple[float, int, int]]) -> WeightedEstimate | None:
    """A weighted share from (weight, number answering, number positive) for each group.

    Weighted share = Σ w·y / Σ w·n, where y counts each group's positive answers. The
    Kish effective sample size, n_eff = (Σ w·n)² / Σ w²·n, is how many unweighted
    answers the weighted ones are worth: weighting trades sample size for balance. The
    range is Wilson's with n_eff answering and share × n_eff positive."""
    weighted_n = weighted_positive = squares = 0.0
    respondents = 0
    for weight, answering, positive in groups:
        if answering <= 0:
            continue
        weighted_n += weight * answering
        weighted_positive += weight * positive
        squares += weight * weight * answering
        respondents += answering
    if weighted_n <= 0 or squares <= 0:
        return None
    share = weighted_positive / weighted_n
    effective_n = weighted_n * weighted_n / squares
    low, high = wilson_interval(share * effective_n, effective_n)
    return WeightedEstimate(share, effective_n, low, high, respondents)


# Comparing two shares ----------------------------------------------------------------------


class Difference(Enum):
    HIGHER = "higher"
    LOWER = "lower"
    NO_CLEAR_DIFFERENCE = "overlap"


def intervals_overlap(first: Estimate, second: Estimate) -> bool:
    """Whether the two 95 % ranges share any value. Calling a difference out only when
    they do not is cautious: two shares can differ by more than chance with ranges that
    just touch, but a board paper should not claim more than it can stand behind."""
    return first.low <= second.high and second.low <= first.high


def difference(first: Estimate, second: Estimate) -> Difference:
    if intervals_overlap(first, second):
        return Difference.NO_CLEAR_DIFFERENCE
    return Difference.HIGHER if first.share > second.share else Difference.LOWER


def percent(share: float) -> str:
    return f"{round(100 * share)}%"


def difference_in_words(
    *, first: Estimate, second: Estimate, first_label: str, second_label: str, verb: str
) -> str:
    """The comparison of two shares in a sentence for the page, such as "Attendees were
    more likely to agree than non-attendees (68% against 52%); the difference is larger
    than chance would explain." The labels are written as they read mid-sentence
    ("attendees"); `verb` says what the share counts ("agree")."""
    found = difference(first, second)
    values = {
        "first": capfirst(first_label),
        "second": second_label,
        "verb": verb,
        "first_share": percent(first.share),
        "second_share": percent(second.share),
    }
    if found is Difference.HIGHER:
        return (
            _(
                "%(first)s were more likely to %(verb)s than %(second)s (%(first_share)s "
                "against %(second_share)s); the difference is larger than chance would "
                "explain."
            )
            % values
        )
    if found is Difference.LOWER:
        return (
            _(
                "%(first)s were less likely to %(verb)s than %(second)s (%(first_share)s "
                "against %(second_share)s); the difference is larger than chance would "
                "explain."
            )
            % values
        )
    return _("No clear difference between %(first)s and %(second)s: the ranges overlap.") % {
        "first": first_label,
        "second": second_label,
    }


# Counts that are safe to show across every view -------------------------------------------


class _Any:
    """Stands for "every value" of a dimension a figure does not name."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "ANY"

    def __reduce__(self):
        return (_Any, ())


ANY = _Any()


@dataclass(frozen=True)
class Dimension:
    """Something people are counted by (wave, attendance, ethnic group, age band,
    area). `shown` are the values a figure may name, as a filter or as a row; any
    other value is counted in the totals but never shown on its own, and is treated
    as hidden. A `required` dimension is named by every figure: each figure is about
    one wave, and there is no figure across waves."""

    name: str
    shown: frozenset
    required: bool = False


def add_up(leaves: Mapping[tuple, float], dimensions: list[Dimension]) -> dict[tuple, float]:
    """Every total that can be made from the leaves (one value of every dimension):
    each leaf adds to the cells that name some of its values and ANY for the rest. A
    required dimension is always named."""
    free = [index for index, dimension in enumerate(dimensions) if not dimension.required]
    masks = [drop for size in range(len(free) + 1) for drop in combinations(free, size)]
    totals: dict[tuple, float] = defaultdict(int)
    for leaf, value in leaves.items():
        if not value:
            continue
        for drop in masks:
            key = list(leaf)
            for index in drop:
                key[index] = ANY
            totals[tuple(key)] += value
    return dict(totals)


@dataclass
class SafeCounts:
    """Counts of people with the cells that may be shown. `count(key)` is the number
    for a cell, or None when it must not be shown ("fewer than 10")."""

    dimensions: list[Dimension]
    counts: dict[tuple, int]
    shown: set
    threshold: int

    def key(self, **values) -> tuple:
        return tuple(values.get(dimension.name, ANY) for dimension in self.dimensions)

    def count(self, key: tuple) -> int | None:
        return self.counts.get(key, 0) if key in self.shown else None

    def true_count(self, key: tuple) -> int:
        """The real number, to decide with (whether a hidden count is small, whether a
        group is under-represented) and for sums made only of shown cells; never to
        show."""
        return self.counts.get(key, 0)

    def is_shown(self, key: tuple) -> bool:
        return key in self.shown


def _is_publishable(key: tuple, dimensions: list[Dimension], apart=()) -> bool:
    named = set()
    for value, dimension in zip(key, dimensions, strict=True):
        if value is ANY:
            if dimension.required:
                return False
        elif value not in dimension.shown:
            return False
        else:
            named.add(dimension.name)
    return not any(first in named and second in named for first, second in apart)


def _with(key: tuple, index: int, value) -> tuple:
    return key[:index] + (value,) + key[index + 1 :]


def _order(key: tuple) -> str:
    return repr(key)


def safe_counts(
    leaves: Mapping[tuple, int],
    dimensions: list[Dimension],
    *,
    threshold: int,
    shown_elsewhere: Iterable[tuple] = (),
    never_together: Iterable[tuple[str, str]] = (),
) -> SafeCounts:
    """Decide which counts of people may be shown, in every view the report offers.

    A view is a set of filters (a value for some dimensions); a figure is a count in a
    view, for one more value as its row, or for the whole view. Both are cells here: an
    assignment of values to some dimensions, ANY for the rest. Three rules:

    1. Primary: a count below `threshold` is never shown (nought included).
    2. Differencing: a count shown under filters F is shown only if, for every view
       obtained by dropping any subset of F's filters (including all of them), the
       difference between that parent's count and this count is 0 or at least
       `threshold`. Otherwise someone could open both views and take one from the
       other to find the small group left over: 25 Black respondents in all and 23
       among attendees tells that 2 Black respondents did not attend (or did not say),
       so the 23 is not shown. The parent's count is checked whether or not the
       parent is itself shown, which errs on the side of hiding.
    3. Secondary: whenever a cell is split by one more dimension (a total and its
       rows, or a view and the same view narrowed by each value of a filter), the
       parts never shown on their own (not given, prefer not to say) count as hidden,
       and the split must not leave exactly one unknown number (it could be worked
       out from the others, and then used in another split), nor hidden rows that add
       up to between 1 and `threshold` - 1 under a shown total. Otherwise the smallest
       row still shown is hidden too (or, with no row left to hide, the total), and
       the splits are checked again until none needs anything more hidden.

    Cells with nobody in them are treated as known to whoever reads the figures
    (nobody is a guess anyone could make), which errs on the side of hiding. Every
    cell gets the same answer whichever table it appears in, so a number hidden in
    one table is not shown in another. Dimensions marked `required` are never
    dropped: each wave stands alone.

    `never_together` are pairs of dimensions no figure names both of (a report of
    cards by age, and by ethnic group, but never by both): such cells are never shown,
    and a split that would name both is not a split anyone can see.

    `shown_elsewhere` are cells another page already shows (an event's number of
    cards on its own page): they are taken as known, shown here too, and never hidden
    to protect another cell; something else is hidden instead.

    The one-table rule of engagement.statistics.suppress (hide the next smallest when
    exactly one cell is hidden) is the first half of rule 3; a report with filters
    needs the rest."""
    counts = {key: int(value) for key, value in add_up(leaves, dimensions).items()}
    free = [index for index, dimension in enumerate(dimensions) if not dimension.required]
    never_together = tuple(never_together)
    publishable = [key for key in counts if _is_publishable(key, dimensions, never_together)]

    shown = set()
    for key in publishable:
        count = counts[key]
        if count < threshold:
            continue
        named = [index for index in free if key[index] is not ANY]
        if all(
            not 0 < counts[_dropped(key, drop)] - count < threshold
            for size in range(1, len(named) + 1)
            for drop in combinations(named, size)
        ):
            shown.add(key)
    fixed = {key for key in shown_elsewhere if key in counts}
    shown |= fixed

    # Each split: (total, its rows with somebody in them, the people in no row).
    splits = []
    for parent in publishable:
        for index in free:
            if parent[index] is not ANY or not _may_split(
                parent, index, dimensions, never_together
            ):
                continue
            children = [
                child
                for value in dimensions[index].shown
                if (child := _with(parent, index, value)) in counts
            ]
            rest = counts[parent] - sum(counts[child] for child in children)
            splits.append((parent, children, rest))

    changed = True
    while changed:
        changed = False
        for parent, children, rest in splits:
            while _gives_away(parent, children, rest, counts, shown, threshold):
                visible = sorted(
                    (child for child in children if child in shown and child not in fixed),
                    key=lambda child: (counts[child], _order(child)),
                )
                if visible:
                    shown.discard(visible[0])
                elif parent in shown and parent not in fixed:
                    shown.discard(parent)
                else:
                    break
                changed = True
    return SafeCounts(dimensions, counts, shown, threshold)


def _may_split(parent: tuple, index: int, dimensions, never_together) -> bool:
    name = dimensions[index].name
    named = {
        dimension.name
        for value, dimension in zip(parent, dimensions, strict=True)
        if value is not ANY
    }
    return not any(
        (first == name and second in named) or (second == name and first in named)
        for first, second in never_together
    )


def _gives_away(parent, children, rest, counts, shown, threshold) -> bool:
    """Whether a split, as shown, lets a hidden number be worked out: exactly one
    unknown among the total and its parts, or hidden parts adding up to a small
    number under a shown total."""
    hidden = [child for child in children if child not in shown]
    unknowns = len(hidden) + (1 if rest else 0) + (0 if parent in shown else 1)
    if unknowns == 0:
        return False
    if unknowns == 1:
        return True
    hidden_sum = sum(counts[child] for child in hidden) + rest
    return parent in shown and 0 < hidden_sum < threshold


def _dropped(key: tuple, drop: tuple[int, ...]) -> tuple:
    key = list(key)
    for index in drop:
        key[index] = ANY
    return tuple(key)


def parents_of(key: tuple, dimensions: list[Dimension]) -> list[tuple]:
    """The cells a cell's filters can be widened to: every subset of its named,
    droppable values replaced by ANY."""
    named = [
        index
        for index, dimension in enumerate(dimensions)
        if not dimension.required and key[index] is not ANY
    ]
    return [
        _dropped(key, drop)
        for size in range(1, len(named) + 1)
        for drop in combinations(named, size)
    ]


def safe_groups(sizes: Mapping[str, int], *, threshold: int) -> tuple[list[str], list[str]]:
    """Split groups (communities, by how many forms each sent) into those that may be
    shown on their own and those shown only together as one "other" group. A group
    below `threshold` joins the others; if the others together are still below it, the
    smallest group shown joins them too, until they are not (or none is left to show),
    so the other group's figures never stand for fewer people than the threshold."""
    ordered = sorted(sizes, key=lambda group: (sizes[group], group))
    together = [group for group in ordered if sizes[group] < threshold]
    alone = [group for group in ordered if sizes[group] >= threshold]
    while together and alone and sum(sizes[group] for group in together) < threshold:
        together.append(alone.pop(0))
    return sorted(alone), sorted(together)
