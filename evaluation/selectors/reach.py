"""Reach, who attends and who says what: survey respondents and the people at events
(from their "about you" cards) by ethnic group and age against the census, the groups
under-represented, who came to each event, and each community's share of what was said
on each topic. A handful of grouped queries, whatever the data size."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from evaluation.models import AboutYouCard, PopulationShare, Wave
from evaluation.questions import ETHNIC_GROUP_LABELS, ETHNIC_GROUPS
from evaluation.selectors.common import (
    AGE_BAND_VALUES,
    AGE_BANDS,
    NOT_GIVEN,
    SHORT_GROUP_LABELS,
    default_wave,
    hidden_label,
    known_or_not_given,
    population_percents,
    respondents,
    suppressed_label,
    threshold,
    waves_in_order,
)
from evaluation.statistics import ANY, Dimension, SafeCounts, safe_counts, safe_groups
from events.models import Event
from feedback.selectors import feedback_for_analysis, topics_by_community

# A group is under-represented when its share of the people counted is below this
# fraction of its share of the population: below 80 % of it. A group that is 10 % of
# the area is listed when it is under 8 % of respondents, and not at 8 % or more.
UNDER_REPRESENTED_BELOW = Decimal("0.8")


@dataclass(frozen=True)
class ReachRow:
    value: str
    label: str
    count: int | None
    share: float | None
    population_percent: Decimal | None
    is_under_represented: bool
    hidden_label: str = ""

    @property
    def is_suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class ReachTable:
    slug: str
    title: str
    group_heading: str
    rows: list[ReachRow]
    not_given: int | None
    total: int | None
    # Whether shares are of the people who said their group, or of everyone counted.
    shares_of_known: bool
    not_given_label: str = ""
    total_label: str = ""

    @property
    def under_represented(self) -> list[ReachRow]:
        return [row for row in self.rows if row.is_under_represented]

    @property
    def has_population_shares(self) -> bool:
        return any(row.population_percent is not None for row in self.rows)


def is_under_represented(share: float | None, population_percent) -> bool:
    """Below 80 % of the group's share of the population (see UNDER_REPRESENTED_BELOW)."""
    if share is None or not population_percent:
        return False
    return Decimal(str(share)) * 100 < UNDER_REPRESENTED_BELOW * Decimal(population_percent)


def _reach_table(*, slug, title, group_heading, groups, percents, safe: SafeCounts, key_of):
    """Counts by group against the census, from a table made safe to show. `key_of`
    gives a group's cell (None for the total). Whether a group is under-represented is
    worked out from the real numbers and said even when its count is hidden: "fewer
    than 10, against 9 % of the area" gives no number away."""
    total = safe.true_count(key_of(None))
    not_given = safe.true_count(key_of(NOT_GIVEN))
    shown_total = safe.count(key_of(None))
    # A share gives its base away, roughly, so shares are worked out only on a base
    # the page shows: of the people who said their group when the number who did not
    # is shown (or nobody), otherwise of everyone counted, and none without a total.
    shares_of_known = not_given == 0 or safe.count(key_of(NOT_GIVEN)) is not None
    base = total - not_given if shares_of_known else total
    if shown_total is None:
        base = 0
    rows = []
    for value, label in groups:
        key = key_of(value)
        share = safe.true_count(key) / base if base else None
        percent = percents.get(value)
        shown = safe.count(key)
        rows.append(
            ReachRow(
                value,
                str(label),
                shown,
                share if shown is not None else None,
                percent,
                shown_total is not None and is_under_represented(share, percent),
                hidden_label(safe, key),
            )
        )
    return ReachTable(
        slug,
        title,
        group_heading,
        rows,
        safe.count(key_of(NOT_GIVEN)),
        shown_total,
        shares_of_known,
        hidden_label(safe, key_of(NOT_GIVEN)),
        hidden_label(safe, key_of(None)),
    )


def card_dimensions(event_ids) -> list[Dimension]:
    return [
        Dimension("event", frozenset(event_ids)),
        Dimension("ethnic_group", frozenset({*ETHNIC_GROUP_LABELS, NOT_GIVEN})),
        Dimension("age_band", frozenset({*AGE_BAND_VALUES, NOT_GIVEN})),
    ]


def about_you_cards() -> SafeCounts:
    """About-you cards by event, ethnic group and age band, in one grouped query, made
    safe to show together: by event and ethnic group, and by age over all events, so
    the figures for each event and for all events cannot be taken from one another.
    Each event's own page shows its number of cards when it is at least the
    threshold, so those numbers are taken as known."""
    leaves: dict[tuple, int] = defaultdict(int)
    for event_id, group, age_band, count in (
        AboutYouCard.objects.values_list("event_id", "ethnic_group", "age_band")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        key = (
            event_id,
            known_or_not_given(group, ETHNIC_GROUP_LABELS),
            known_or_not_given(age_band, AGE_BAND_VALUES),
        )
        leaves[key] += count
    per_event: dict[int, int] = defaultdict(int)
    for key, count in leaves.items():
        per_event[key[0]] += count
    return safe_counts(
        leaves,
        card_dimensions(per_event),
        threshold=threshold(),
        never_together=[("ethnic_group", "age_band"), ("event", "age_band")],
        shown_elsewhere=[
            (event_id, ANY, ANY) for event_id, count in per_event.items() if count >= threshold()
        ],
    )


@dataclass
class Reach:
    wave: Wave | None
    waves: list[Wave]
    tables: list[ReachTable]
    has_ethnic_shares: bool
    has_age_shares: bool
    suppressed_label: str
    threshold: int

    def table(self, slug: str) -> ReachTable | None:
        return next((table for table in self.tables if table.slug == slug), None)


def reach(*, wave: Wave | None) -> Reach:
    """Survey respondents of one wave, and everyone who filled in an "about you" card
    at an event, by ethnic group and by age band against the census shares."""
    waves = waves_in_order()
    people = respondents()
    if wave is None:
        wave = default_wave(waves, people.waves_with_answers)
    percents = population_percents()
    ethnic_percents = percents[PopulationShare.Dimension.ETHNIC_GROUP]
    age_percents = percents[PopulationShare.Dimension.AGE_BAND]
    tables = []
    safe = people.safe
    if wave is not None:
        tables.append(
            _reach_table(
                slug="respondents-ethnic-group",
                title=_("Survey respondents in %(wave)s by ethnic group") % {"wave": wave.name},
                group_heading=_("Ethnic group"),
                groups=ETHNIC_GROUPS,
                percents=ethnic_percents,
                safe=safe,
                key_of=lambda value: (
                    safe.key(wave=wave.pk)
                    if value is None
                    else safe.key(wave=wave.pk, ethnic_group=value)
                ),
            )
        )
        tables.append(
            _reach_table(
                slug="respondents-age",
                title=_("Survey respondents in %(wave)s by age") % {"wave": wave.name},
                group_heading=_("Age"),
                groups=AGE_BANDS,
                percents=age_percents,
                safe=safe,
                key_of=lambda value: (
                    safe.key(wave=wave.pk)
                    if value is None
                    else safe.key(wave=wave.pk, age_band=value)
                ),
            )
        )
    cards = about_you_cards()
    tables.append(
        _reach_table(
            slug="cards-ethnic-group",
            title=_("People at events (about-you cards) by ethnic group"),
            group_heading=_("Ethnic group"),
            groups=ETHNIC_GROUPS,
            percents=ethnic_percents,
            safe=cards,
            key_of=lambda value: cards.key() if value is None else cards.key(ethnic_group=value),
        )
    )
    tables.append(
        _reach_table(
            slug="cards-age",
            title=_("People at events (about-you cards) by age"),
            group_heading=_("Age"),
            groups=AGE_BANDS,
            percents=age_percents,
            safe=cards,
            key_of=lambda value: cards.key() if value is None else cards.key(age_band=value),
        )
    )
    return Reach(
        wave=wave,
        waves=waves,
        tables=tables,
        has_ethnic_shares=bool(ethnic_percents),
        has_age_shares=bool(age_percents),
        suppressed_label=suppressed_label(),
        threshold=threshold(),
    )


# Who attends, and who says what ------------------------------------------------------------


@dataclass(frozen=True)
class EventAttendance:
    event: Event
    total: int | None
    total_label: str
    # (count, or None where it is not shown, and what a hidden one reads) for each
    # group of WhoAttends.group_labels.
    counts: list[tuple[int | None, str]]


@dataclass(frozen=True)
class TopicRow:
    topic: str
    # (points, share of the topic's points) for each column.
    cells: list[tuple[int, float]]
    total: int


@dataclass(frozen=True)
class WhoSaysWhat:
    # (community, forms it sent) for each column; the last may be the others together.
    columns: list[tuple[str, int]]
    rows: list[TopicRow]
    # The communities shown only together.
    combined: list[str]
    # Too few forms in all to show any community.
    all_hidden: bool

    @property
    def is_empty(self) -> bool:
        return not self.rows


@dataclass
class WhoAttends:
    group_labels: list[str]
    events: list[EventAttendance]
    said: WhoSaysWhat
    suppressed_label: str
    threshold: int


def who_says_what() -> WhoSaysWhat:
    """Each community's share of what was said on each topic, from the feedback the
    analysis counts (officers' internal notes left out), among points whose community
    is known. A count of points is not a count of people, but a community that sent
    fewer forms than the threshold could still be picked out, so communities are shown
    by the number of forms they sent: those with too few are shown only together, as
    "other communities", never alone. Points noted by officers have no form, so they
    do not make a community big enough to show on its own."""
    items = feedback_for_analysis().filter(is_internal=False)
    table = topics_by_community(items)
    forms = dict(
        items.filter(topics__isnull=False, community__isnull=False)
        .values_list("community__name")
        .annotate(forms=Count("submission", distinct=True))
        .order_by()
    )
    alone, together = safe_groups(forms, threshold=threshold())
    combined_forms = sum(forms[name] for name in together)
    all_hidden = bool(together) and combined_forms < threshold()
    columns = [(name, forms[name]) for name in alone]
    if together and not all_hidden:
        columns.append((str(_("Other communities")), combined_forms))
    rows = []
    if columns:
        for topic in table.row_labels:
            cells = [table.counts.get((topic, name), 0) for name in alone]
            if together and not all_hidden:
                cells.append(sum(table.counts.get((topic, name), 0) for name in together))
            total = sum(cells)
            if total:
                rows.append(TopicRow(topic, [(count, count / total) for count in cells], total))
    return WhoSaysWhat(columns, rows, together, all_hidden)


def who_attends() -> WhoAttends:
    """Who filled in an "about you" card at each event, by ethnic group, newest event
    first: one grouped query for the counts and one for the events."""
    cards = about_you_cards()
    event_ids = {key[0] for key in cards.counts if key[0] is not ANY}
    events = Event.objects.filter(pk__in=event_ids).order_by("-starts_at", "-pk")
    groups = [*ETHNIC_GROUP_LABELS, NOT_GIVEN]
    attendance = []
    for event in events:
        total = cards.key(event=event.pk)
        by_group = [cards.key(event=event.pk, ethnic_group=group) for group in groups]
        attendance.append(
            EventAttendance(
                event,
                cards.count(total),
                hidden_label(cards, total),
                [(cards.count(key), hidden_label(cards, key)) for key in by_group],
            )
        )
    return WhoAttends(
        group_labels=[
            *(str(SHORT_GROUP_LABELS[value]) for value, _label in ETHNIC_GROUPS),
            str(_("Not given")),
        ],
        events=attendance,
        said=who_says_what(),
        suppressed_label=suppressed_label(),
        threshold=threshold(),
    )
