"""The survey compared for each question: attendees and non-attendees, this wave and
earlier ones, and each ethnic group against everyone else, as answered or weighted to
the census. Each question's figures come from one grouped query for every question,
whatever the number of responses."""

from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.models import Answer, PopulationShare, Question, Wave
from evaluation.questions import (
    ATTENDED_KEY,
    ETHNIC_GROUP_LABELS,
    ETHNIC_GROUPS,
    NO,
    POSITIVE_FROM,
    POSITIVE_WORDS,
    YES,
    Kind,
)
from evaluation.selectors.common import (
    AGE_BAND_VALUES,
    NOT_GIVEN,
    SHORT_GROUP_LABELS,
    ReportFilters,
    default_wave,
    hidden_label,
    known_or_not_given,
    population_percents,
    respondents,
    suppressed_label,
    threshold,
    waves_in_order,
)
from evaluation.statistics import (
    ANY,
    Difference,
    Dimension,
    Estimate,
    SafeCounts,
    Weights,
    add_up,
    difference,
    difference_in_words,
    estimate,
    post_stratification_weights,
    safe_counts,
    weighted_estimate,
)

SHARE_KINDS = (*Kind.SCALES, Kind.YES_NO)
# An answer that counts towards the share: a score (don't know has none) or yes/no.
ANSWERING = Q(score__isnull=False) | Q(choice__in=[YES, NO])
POSITIVE = Q(score__gte=POSITIVE_FROM) | Q(choice=YES)

# What the share counts, to finish "more likely to …".
VERBS = {
    Kind.AGREEMENT: gettext_lazy("agree"),
    Kind.SATISFACTION: gettext_lazy("be satisfied"),
    Kind.AWARENESS: gettext_lazy("know at least a fair amount about it"),
    Kind.YES_NO: gettext_lazy("say yes"),
}


def comparison_dimensions(wave_ids) -> list[Dimension]:
    """Wave, attendance, ethnic group, age band and area, each with "did not say" as a
    value of its own (None or NOT_GIVEN). The page never names that value, but counting
    it as a cell that could be shown lets the suppression rules treat it like any
    other, which can only hide more."""
    return [
        Dimension("wave", frozenset(wave_ids), required=True),
        Dimension("attended", frozenset({True, False, None})),
        Dimension("ethnic_group", frozenset({*ETHNIC_GROUP_LABELS, NOT_GIVEN})),
        Dimension("age_band", frozenset({*AGE_BAND_VALUES, NOT_GIVEN})),
        Dimension("area", frozenset({*settings.EVALUATION_AREAS, NOT_GIVEN})),
    ]


@dataclass(frozen=True)
class Row:
    """One line of a comparison table: a share, the number answering and the 95 %
    range, or nothing when too few answered to show it. In the weighted view the
    estimate is the weighted one and `effective_n` its effective sample size."""

    label: str
    key: tuple
    n: int | None
    estimate: Estimate | None
    is_total: bool = False
    note: str = ""
    # What a hidden number reads: "fewer than 10", or "not shown" for a larger one.
    hidden_label: str = ""
    # A shorter name for the chart, where there is less room.
    short_label: str = ""

    @property
    def chart_label(self) -> str:
        return self.short_label or self.label

    @property
    def is_suppressed(self) -> bool:
        return self.n is None


@dataclass(frozen=True)
class ComparisonTable:
    slug: str
    title: str
    group_heading: str
    rows: list[Row]
    verdicts: list[str]

    @property
    def has_figures(self) -> bool:
        return any(row.estimate is not None for row in self.rows)


@dataclass(frozen=True)
class QuestionReport:
    key: str
    text: str
    kind: str
    attendance: ComparisonTable
    waves: ComparisonTable
    ethnic_groups: ComparisonTable

    @property
    def positive_words(self) -> str:
        return str(POSITIVE_WORDS[self.kind])

    @property
    def tables(self) -> list[ComparisonTable]:
        return [self.attendance, self.waves, self.ethnic_groups]


@dataclass
class WeightedView:
    """The weights of the chosen wave's respondents, for the page to explain them.
    Only groups whose number of respondents can be shown are weighted: a weight with
    the census share would give that number away."""

    has_population_shares: bool
    weights_by_wave: dict[int, Weights] = field(default_factory=dict)
    shown_weights: list[tuple[str, float]] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    too_small: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class Report:
    filters: ReportFilters
    waves: list[Wave]
    questions: list[QuestionReport]
    weighting: WeightedView
    has_responses: bool
    suppressed_label: str
    threshold: int


class _Family:
    """One question's counts across the waves shown: who answered and who was
    positive, with the counts that may be shown decided once for every view."""

    def __init__(self, leaves: dict[tuple, tuple[int, int]], dimensions: list[Dimension]):
        self.dimensions = dimensions
        self.safe: SafeCounts = safe_counts(
            {leaf: counts[0] for leaf, counts in leaves.items()}, dimensions, threshold=threshold()
        )
        self.positive = add_up({leaf: counts[1] for leaf, counts in leaves.items()}, dimensions)

    def key(self, **values) -> tuple:
        return self.safe.key(**values)

    def raw(self, key: tuple) -> tuple[int | None, Estimate | None]:
        n = self.safe.count(key)
        if not n:
            return n, None
        return n, estimate(self.positive.get(key, 0), n)

    def weighted(self, key: tuple, weights: Weights | None, groups=None) -> tuple:
        """The weighted estimate for a cell and a note for the page. It stands only on
        the groups inside the cell that can themselves be shown, so the weighted
        figures cannot be used to work out a hidden count; the note names any group
        left out for being too small here."""
        if weights is None or not weights.by_group:
            return None, _("Enter census shares to see it weighted.")
        index = [dimension.name for dimension in self.dimensions].index("ethnic_group")
        named = key[index]
        if named is not ANY:
            candidates = [named]
        else:
            candidates = list(groups if groups is not None else weights.by_group)
        parts, left_out = [], []
        for group in candidates:
            if group not in weights.by_group:
                continue
            part = key[:index] + (group,) + key[index + 1 :]
            answering = self.safe.true_count(part)
            if not answering:
                continue
            if not self.safe.is_shown(part):
                left_out.append(str(SHORT_GROUP_LABELS[group]))
                continue
            parts.append((weights.by_group[group], answering, self.positive.get(part, 0)))
        found = weighted_estimate(parts)
        if found is None:
            return None, _("Too few in groups that can be weighted.")
        if left_out:
            return found, _("Leaves out, as too few to show here: %(groups)s.") % {
                "groups": ", ".join(left_out)
            }
        return found, ""


def _row(
    family: _Family,
    *,
    label: str,
    key: tuple,
    weights,
    weighted: bool,
    is_total=False,
    short_label="",
):
    n, raw = family.raw(key)
    if n is None:
        hidden = hidden_label(family.safe, key)
        return Row(label, key, None, None, is_total, hidden_label=hidden, short_label=short_label)
    if not weighted:
        return Row(label, key, n, raw, is_total, short_label=short_label)
    found, note = family.weighted(key, weights)
    return Row(label, key, n, found, is_total, note, short_label=short_label)


def _compare(first: Row, second: Row, first_label: str, second_label: str, verb: str):
    if first.estimate is None or second.estimate is None:
        return None
    return difference_in_words(
        first=first.estimate,
        second=second.estimate,
        first_label=first_label,
        second_label=second_label,
        verb=verb,
    )


def _attendance_table(family, filters, weights, verb) -> ComparisonTable:
    wave_id = filters.wave.pk
    rows = [
        _row(
            family,
            label=_("Everyone"),
            key=family.key(**filters.cell(wave_id, attended=ANY)),
            weights=weights,
            weighted=filters.weighted,
            is_total=True,
        ),
        _row(
            family,
            label=_("Attendees"),
            key=family.key(**filters.cell(wave_id, attended=True)),
            weights=weights,
            weighted=filters.weighted,
        ),
        _row(
            family,
            label=_("Non-attendees"),
            key=family.key(**filters.cell(wave_id, attended=False)),
            weights=weights,
            weighted=filters.weighted,
        ),
    ]
    verdict = _compare(rows[1], rows[2], _("attendees"), _("non-attendees"), verb)
    return ComparisonTable(
        "attendance",
        _("Attendees and non-attendees"),
        _("Who"),
        rows,
        [verdict or _("Too few answered to compare attendees with non-attendees.")],
    )


def _waves_table(family, filters, waves, weights_by_wave, verb) -> ComparisonTable:
    rows = [
        _row(
            family,
            label=wave.name,
            key=family.key(**filters.cell(wave.pk)),
            weights=weights_by_wave.get(wave.pk),
            weighted=filters.weighted,
        )
        for wave in waves
    ]
    this = rows[-1]
    verdicts = []
    for wave, row in zip(waves[:-1], rows[:-1], strict=True):
        verdict = _compare(
            this,
            row,
            _("respondents in %(wave)s") % {"wave": filters.wave.name},
            _("respondents in %(wave)s") % {"wave": wave.name},
            verb,
        )
        verdicts.append(
            verdict
            or _("Too few answered to compare %(this)s with %(earlier)s.")
            % {"this": filters.wave.name, "earlier": wave.name}
        )
    if not verdicts:
        verdicts.append(_("There is no earlier wave to compare with yet."))
    return ComparisonTable("waves", _("This wave and earlier ones"), _("Wave"), rows, verdicts)


def _everyone_else(family, total: Row, group: Row, group_value, weights, weighted):
    """Everyone in the view but one group: the total less the group, both shown."""
    if total.n is None or group.n is None or total.n == group.n:
        return None
    if weighted:
        others = [other for other in ETHNIC_GROUP_LABELS if other != group_value]
        found, _note = family.weighted(total.key, weights, groups=others)
        return found
    positive = family.positive.get(total.key, 0) - family.positive.get(group.key, 0)
    return estimate(positive, total.n - group.n)


def _ethnic_group_table(family, filters, weights, verb) -> ComparisonTable:
    wave_id = filters.wave.pk
    total = _row(
        family,
        label=_("Everyone"),
        key=family.key(**filters.cell(wave_id, ethnic_group=ANY)),
        weights=weights,
        weighted=filters.weighted,
        is_total=True,
    )
    rows = [total]
    verdicts = []
    for value, label in ETHNIC_GROUPS:
        row = _row(
            family,
            label=str(label),
            short_label=str(SHORT_GROUP_LABELS[value]),
            key=family.key(**filters.cell(wave_id, ethnic_group=value)),
            weights=weights,
            weighted=filters.weighted,
        )
        rows.append(row)
        others = _everyone_else(family, total, row, value, weights, filters.weighted)
        if row.estimate is None or others is None:
            continue
        if difference(row.estimate, others) is not Difference.NO_CLEAR_DIFFERENCE:
            verdicts.append(
                difference_in_words(
                    first=row.estimate,
                    second=others,
                    first_label=_("%(group)s respondents") % {"group": SHORT_GROUP_LABELS[value]},
                    second_label=_("everyone else"),
                    verb=verb,
                )
            )
    if not verdicts:
        if sum(1 for row in rows[1:] if row.estimate is not None) == 0:
            verdicts.append(_("Too few answered in any one group to compare groups."))
        else:
            verdicts.append(
                _(
                    "No clear difference between any group shown and everyone else: "
                    "the ranges overlap."
                )
            )
    return ComparisonTable("ethnic_group", _("By ethnic group"), _("Ethnic group"), rows, verdicts)


def _answer_leaves(keys, wave_ids) -> dict[str, dict[tuple, tuple[int, int]]]:
    """{question key: {(wave, attended, ethnic group, age band, area): (answering,
    positive)}} in one grouped query."""
    leaves: dict[str, dict[tuple, tuple[int, int]]] = defaultdict(dict)
    rows = (
        Answer.objects.filter(
            question__key__in=keys,
            question__kind__in=SHARE_KINDS,
            response__wave_id__in=wave_ids,
        )
        .values_list(
            "question__key",
            "response__wave_id",
            "response__attended",
            "response__ethnic_group",
            "response__age_band",
            "response__area",
        )
        .annotate(answering=Count("pk", filter=ANSWERING), positive=Count("pk", filter=POSITIVE))
        .order_by()
    )
    areas = set(settings.EVALUATION_AREAS)
    for key, wave_id, attended, group, age_band, area, answering, positive in rows:
        if not answering:
            continue
        # Prefer not to say, and an area off the list, count as not given.
        leaf = (
            wave_id,
            attended,
            known_or_not_given(group, ETHNIC_GROUP_LABELS),
            known_or_not_given(age_band, AGE_BAND_VALUES),
            known_or_not_given(area, areas),
        )
        before = leaves[key].get(leaf, (0, 0))
        leaves[key][leaf] = (before[0] + answering, before[1] + positive)
    return leaves


def evaluation_report(filters: ReportFilters) -> Report:
    """The comparison for each question of the chosen wave that has a share positive
    (five-point scales and yes/no), keyed by the question's stable key so that earlier
    waves compare."""
    waves = waves_in_order()
    people = respondents()
    with_responses = people.waves_with_answers
    wave = filters.wave or default_wave(waves, with_responses)
    if filters.wave is None and wave is not None:
        filters = replace(filters, wave=wave)
    report = Report(
        filters=filters,
        waves=[],
        questions=[],
        weighting=WeightedView(has_population_shares=False),
        has_responses=wave is not None and wave.pk in with_responses,
        suppressed_label=suppressed_label(),
        threshold=threshold(),
    )
    if wave is None:
        return report
    shown_waves = waves[: [item.pk for item in waves].index(wave.pk) + 1]
    report.waves = shown_waves
    wave_ids = [item.pk for item in shown_waves]
    questions = list(
        Question.objects.filter(wave=wave, kind__in=SHARE_KINDS)
        .exclude(key=ATTENDED_KEY)
        .in_order()
    )
    percents = population_percents()[PopulationShare.Dimension.ETHNIC_GROUP]
    weights_by_wave = {
        wave_id: post_stratification_weights(people.sample(wave_id), percents)
        for wave_id in wave_ids
    }
    report.weighting = _weighting(percents, weights_by_wave, people, wave)
    if not report.has_responses:
        return report
    leaves = _answer_leaves([question.key for question in questions], wave_ids)
    dimensions = comparison_dimensions(wave_ids)
    for question in questions:
        family = _Family(leaves.get(question.key, {}), dimensions)
        verb = str(VERBS[question.kind])
        report.questions.append(
            QuestionReport(
                key=question.key,
                text=question.text,
                kind=question.kind,
                attendance=_attendance_table(family, filters, weights_by_wave[wave.pk], verb),
                waves=_waves_table(family, filters, shown_waves, weights_by_wave, verb),
                ethnic_groups=_ethnic_group_table(family, filters, weights_by_wave[wave.pk], verb),
            )
        )
    return report


def _weighting(percents, weights_by_wave, people, wave) -> WeightedView:
    weights = weights_by_wave[wave.pk]
    return WeightedView(
        has_population_shares=bool(percents),
        weights_by_wave=weights_by_wave,
        shown_weights=[
            (str(label), round(weights.by_group[value], 2))
            for value, label in ETHNIC_GROUPS
            if value in weights.by_group
        ],
        left_out=[str(ETHNIC_GROUP_LABELS[group]) for group in weights.left_out],
        too_small=[str(ETHNIC_GROUP_LABELS[group]) for group in people.not_sampled(wave.pk)],
        missing=[
            str(ETHNIC_GROUP_LABELS.get(group, group))
            for group in weights.missing
            if group not in people.not_sampled(wave.pk)
        ],
    )
