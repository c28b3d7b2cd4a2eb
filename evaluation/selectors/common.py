"""What the evaluation report's pages share: their filters, the waves, the census
shares, the threshold below which counts of people are not shown, and a one-way count
table made safe to show."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.models import AgeBand
from engagement.statistics import SafeTable
from evaluation.models import PopulationShare, Response, Wave
from evaluation.questions import ETHNIC_GROUP_LABELS
from evaluation.statistics import ANY, Dimension, SafeCounts, safe_counts

# The groups' names as they read inside a sentence.
SHORT_GROUP_LABELS = {
    "asian": gettext_lazy("Asian"),
    "black": gettext_lazy("Black"),
    "mixed": gettext_lazy("Mixed"),
    "white": gettext_lazy("White"),
    "other": gettext_lazy("Other ethnic group"),
}
# The age bands a filter or a row may name; "prefer not to say" is counted with those
# who did not answer, never named.
AGE_BANDS = [
    (value, label) for value, label in AgeBand.choices if value != AgeBand.PREFER_NOT_TO_SAY
]
AGE_BAND_VALUES = frozenset(value for value, _label in AGE_BANDS)
NOT_GIVEN = ""


def threshold() -> int:
    return settings.SUPPRESSION_THRESHOLD


def suppressed_label() -> str:
    """What a hidden count reads: "fewer than 10", worded as on every other page."""
    return SafeTable([], None, threshold()).suppressed_label


@dataclass(frozen=True)
class ReportFilters:
    """What the report is about: one wave, and optionally only attendees or
    non-attendees, one ethnic group, one age band, one area. `weighted` asks for the
    figures weighted to the census."""

    wave: Wave | None = None
    attended: bool | None = None
    ethnic_group: str = ""
    age_band: str = ""
    area: str = ""
    weighted: bool = False

    @property
    def is_filtered(self) -> bool:
        return bool(self.attended is not None or self.ethnic_group or self.age_band or self.area)

    def describe(self) -> str:
        parts = []
        if self.wave is not None:
            parts.append(_("wave: %(name)s") % {"name": self.wave.name})
        if self.attended is True:
            parts.append(_("attendees only"))
        elif self.attended is False:
            parts.append(_("non-attendees only"))
        if self.ethnic_group:
            parts.append(
                _("ethnic group: %(group)s")
                % {"group": ETHNIC_GROUP_LABELS.get(self.ethnic_group, self.ethnic_group)}
            )
        if self.age_band:
            parts.append(
                _("age: %(band)s") % {"band": dict(AGE_BANDS).get(self.age_band, self.age_band)}
            )
        if self.area:
            parts.append(_("area: %(area)s") % {"area": self.area})
        parts.append(_("weighted to the census") if self.weighted else _("as answered"))
        return "; ".join(str(part) for part in parts)

    def cell(self, wave_id, **overrides) -> dict:
        """The values this view names, for one wave, with some replaced (ANY to drop)."""
        values = {
            "wave": wave_id,
            "attended": ANY if self.attended is None else self.attended,
            "ethnic_group": self.ethnic_group or ANY,
            "age_band": self.age_band or ANY,
            "area": self.area or ANY,
        }
        values.update(overrides)
        return values


def waves_in_order() -> list[Wave]:
    return list(Wave.objects.in_order())


def default_wave(waves: list[Wave], with_responses: set[int]) -> Wave | None:
    """The latest wave that has answers, or the latest wave."""
    for wave in reversed(waves):
        if wave.pk in with_responses:
            return wave
    return waves[-1] if waves else None


def population_percents() -> dict[str, dict[str, Decimal]]:
    """{dimension: {group: percent}} of the census shares entered."""
    percents: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for dimension, group, percent in PopulationShare.objects.values_list(
        "dimension", "group", "percent"
    ):
        percents[dimension][group] = percent
    return percents


def known_or_not_given(value, known) -> str:
    """A value as the report counts it: prefer not to say, an area off the list or an
    old value count as not given."""
    return value if value in known else NOT_GIVEN


def hidden_label(safe: SafeCounts, key: tuple) -> str:
    """What a hidden count reads: "fewer than 10" for a small group, "not shown" for a
    larger number hidden so that a small one cannot be worked out from it."""
    return suppressed_label() if safe.true_count(key) < safe.threshold else _("not shown")


@dataclass(frozen=True)
class Respondents:
    """Survey respondents by wave, ethnic group and age band, made safe to show: by
    ethnic group or by age within one wave, never both."""

    safe: SafeCounts

    @property
    def waves_with_answers(self) -> set[int]:
        return {key[0] for key in self.safe.counts}

    def sample(self, wave_id: int) -> dict[str, int]:
        """{ethnic group: respondents} for the groups whose number can be shown: the
        sample the weighting stands on. A weight with the census share gives the
        group's number away, so a group too small to show is not weighted."""
        return {
            group: self.safe.true_count(key)
            for group in ETHNIC_GROUP_LABELS
            if self.safe.is_shown(key := self.safe.key(wave=wave_id, ethnic_group=group))
        }

    def not_sampled(self, wave_id: int) -> list[str]:
        """Groups with respondents in the wave that are too few to weight."""
        return [
            group
            for group in ETHNIC_GROUP_LABELS
            if self.safe.true_count(key := self.safe.key(wave=wave_id, ethnic_group=group))
            and not self.safe.is_shown(key)
        ]


def respondents() -> Respondents:
    """One grouped query over every wave's respondents."""
    leaves: dict[tuple, int] = defaultdict(int)
    for wave_id, group, age_band, count in (
        Response.objects.values_list("wave_id", "ethnic_group", "age_band")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        key = (
            wave_id,
            known_or_not_given(group, ETHNIC_GROUP_LABELS),
            known_or_not_given(age_band, AGE_BAND_VALUES),
        )
        leaves[key] += count
    dimensions = [
        Dimension("wave", frozenset(key[0] for key in leaves), required=True),
        Dimension("ethnic_group", frozenset({*ETHNIC_GROUP_LABELS, NOT_GIVEN})),
        Dimension("age_band", frozenset({*AGE_BAND_VALUES, NOT_GIVEN})),
    ]
    return Respondents(
        safe_counts(
            leaves,
            dimensions,
            threshold=threshold(),
            never_together=[("ethnic_group", "age_band")],
        )
    )
