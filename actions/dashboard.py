"""The Leaders' dashboard: whether the loop is closed, where actions stand, what events
cost and who came, what is being said, and how the focus group keeps up. Every figure
is an aggregate worked out in the database, so the page costs the same number of
queries however much feedback there is."""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from statistics import median

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import Action
from engagement.database import MonthOf
from engagement.statistics import suppress
from events.models import Event
from feedback.models import (
    FeedbackItem,
    Findings,
    FindingsSection,
    FocusGroupMember,
    SenseCheckRequest,
)
from feedback.selectors import month_start, topic_tables

logger = logging.getLogger(__name__)

OLDEST_OVERDUE_SHOWN = 5
EVENTS_SHOWN = 12


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard is about: a programme, a community, and a date range of the
    events (and of when feedback was received). Empty means everything."""

    programme: object = None
    community: object = None
    date_from: date | None = None
    date_to: date | None = None

    def _start(self) -> datetime | None:
        if self.date_from is None:
            return None
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    def _end(self) -> datetime | None:
        if self.date_to is None:
            return None
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))

    def events(self):
        events = Event.objects.filter(status=Event.Status.HELD)
        if self.programme is not None:
            events = events.filter(programme=self.programme)
        if self.community is not None:
            events = events.filter(focus_community=self.community)
        if self._start():
            events = events.filter(starts_at__gte=self._start())
        if self._end():
            events = events.filter(starts_at__lt=self._end())
        return events

    def items(self):
        """Feedback counted in analysis: set-aside items and internal notes left out."""
        items = FeedbackItem.objects.counted().filter(is_internal=False)
        if self.programme is not None:
            items = items.filter(event__programme=self.programme)
        if self.community is not None:
            items = items.filter(community=self.community)
        if self._start():
            items = items.filter(received_hour__gte=self._start())
        if self._end():
            items = items.filter(received_hour__lt=self._end())
        return items

    def actions(self):
        """Actions about the programme's events or the community, proposed in the range.
        Declined actions are left out: nobody is doing them."""
        actions = Action.objects.exclude(status=Action.Status.DECLINED)
        if self.programme is not None:
            actions = actions.filter(
                Exists(
                    Action.events.through.objects.filter(
                        action_id=OuterRef("pk"), event__programme=self.programme
                    )
                )
            )
        if self.community is not None:
            actions = actions.filter(
                Exists(
                    Action.communities.through.objects.filter(
                        action_id=OuterRef("pk"), community=self.community
                    )
                )
                | Exists(
                    Action.events.through.objects.filter(
                        action_id=OuterRef("pk"), event__focus_community=self.community
                    )
                )
            )
        if self._start():
            actions = actions.filter(created_at__gte=self._start())
        if self._end():
            actions = actions.filter(created_at__lt=self._end())
        return actions

    @property
    def is_filtered(self) -> bool:
        return any((self.programme, self.community, self.date_from, self.date_to))


def _published_response(link_model, column: str):
    """Exists: the row has an action that is on the public page (agreed, in progress,
    done, or cannot act with its explanation)."""
    return Exists(
        link_model.objects.filter(
            **{column: OuterRef("pk")},
            action__is_public=True,
            action__status__in=Action.PUBLIC_STATUSES,
        )
    )


def _share(part: int, whole: int) -> int | None:
    """A percentage, or None when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None


def _days(delta: timedelta) -> float:
    return max(delta.total_seconds() / 86400, 0)


def _median_days(pairs) -> float | None:
    """The median of (later - earlier) in days, over the pairs where both are known."""
    days = [_days(later - earlier) for later, earlier in pairs if later and earlier]
    return round(median(days), 1) if days else None


# Loop closure ---------------------------------------------------------------------------


@dataclass
class QuarterRow:
    label: str
    items: int
    answered: int

    @property
    def share(self) -> int | None:
        return _share(self.answered, self.items)


@dataclass
class LoopClosure:
    items: int
    items_answered: int
    sections: int
    sections_answered: int
    days_to_findings: float | None
    days_to_response: float | None
    quarters: list[QuarterRow] = field(default_factory=list)

    @property
    def items_share(self) -> int | None:
        return _share(self.items_answered, self.items)

    @property
    def sections_share(self) -> int | None:
        return _share(self.sections_answered, self.sections)

    @property
    def items_waiting(self) -> int:
        return self.items - self.items_answered


def _quarter_label(year: int, quarter: int) -> str:
    return _("Q%(quarter)d %(year)d") % {"quarter": quarter, "year": year}


def loop_closure(filters: DashboardFilters) -> LoopClosure:
    answered_item = _published_response(Action.items.through, "feedbackitem_id")
    items = filters.items()
    # Every item has the hour it was received, so the months add up to the totals.
    totals = {"total": 0, "answered": 0}
    by_quarter: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for row in (
        items.annotate(month=MonthOf("received_hour"))
        .values("month")
        .annotate(total=Count("pk"), answered=Count("pk", filter=answered_item))
        .order_by()
    ):
        start = month_start(row["month"])
        counts = by_quarter[(start.year, (start.month - 1) // 3 + 1)]
        counts[0] += row["total"]
        counts[1] += row["answered"]
        totals["total"] += row["total"]
        totals["answered"] += row["answered"]
    quarters = [
        QuarterRow(_quarter_label(year, quarter), total, answered)
        for (year, quarter), (total, answered) in sorted(by_quarter.items())
    ]

    events = filters.events()
    shared = Findings.objects.shared().filter(events__in=events).distinct()
    sections = FindingsSection.objects.filter(
        version__in=shared.values("agreed_version")
    ).aggregate(
        total=Count("pk"),
        answered=Count(
            "pk", filter=_published_response(Action.sections.through, "findingssection_id")
        ),
    )
    findings_times = (
        Findings.objects.shared()
        .filter(pk__in=shared.values("pk"))
        .annotate(first_event_ended=Min("events__ends_at"))
        .values_list("shared_at", "first_event_ended")
    )
    public = Q(actions__is_public=True, actions__status__in=Action.PUBLIC_STATUSES)
    response_times = events.annotate(
        first_response=Min("actions__agreed_at", filter=public)
    ).values_list("first_response", "ends_at")
    return LoopClosure(
        items=totals["total"],
        items_answered=totals["answered"],
        sections=sections["total"],
        sections_answered=sections["answered"],
        days_to_findings=_median_days(findings_times),
        days_to_response=_median_days(response_times),
        quarters=quarters,
    )


# Actions --------------------------------------------------------------------------------


@dataclass
class ActionCounts:
    label: str
    open: int
    overdue: int
    done: int
    cannot_act: int


def _counts_by(actions, label_field: str, today: date) -> list[ActionCounts]:
    rows = (
        actions.values(label_field)
        .annotate(
            open_count=Count("pk", filter=Q(status__in=Action.OPEN_STATUSES), distinct=True),
            overdue_count=Count(
                "pk",
                filter=Q(status__in=Action.UNDER_WAY_STATUSES, due_on__lt=today),
                distinct=True,
            ),
            done_count=Count("pk", filter=Q(status=Action.Status.DONE), distinct=True),
            cannot_count=Count("pk", filter=Q(status=Action.Status.CANNOT_ACT), distinct=True),
        )
        .order_by(label_field)
    )
    return sorted(
        (
            ActionCounts(
                row[label_field] or _("No workstream"),
                row["open_count"],
                row["overdue_count"],
                row["done_count"],
                row["cannot_count"],
            )
            for row in rows
        ),
        key=lambda counts: (-counts.overdue, -counts.open, counts.label),
    )


def action_progress(filters: DashboardFilters, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    actions = filters.actions()
    totals = actions.aggregate(
        open=Count("pk", filter=Q(status__in=Action.OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=Action.UNDER_WAY_STATUSES, due_on__lt=today)),
        done=Count("pk", filter=Q(status=Action.Status.DONE)),
        cannot_act=Count("pk", filter=Q(status=Action.Status.CANNOT_ACT)),
        proposed=Count("pk", filter=Q(status=Action.Status.PROPOSED)),
    )
    return {
        **totals,
        "by_department": _counts_by(actions, "department__name", today),
        "by_workstream": _counts_by(actions, "workstreams__name", today),
        "oldest_overdue": list(
            actions.overdue(today)
            .select_related("department")
            .order_by("due_on", "pk")[:OLDEST_OVERDUE_SHOWN]
        ),
    }


# Events ---------------------------------------------------------------------------------


@dataclass
class EventRow:
    event: Event
    officers: int
    cost: Decimal
    key_questions: int

    @property
    def headcount(self) -> int | None:
        return self.event.headcount

    @property
    def officers_per_100(self) -> int | None:
        if not self.event.headcount:
            return None
        return round(100 * self.officers / self.event.headcount)

    @property
    def is_police_heavy(self) -> bool:
        ratio = self.officers_per_100
        return ratio is not None and ratio > settings.POLICE_HEAVY_OFFICERS_PER_100

    @property
    def cost_per_attendee(self) -> Decimal | None:
        if not self.event.headcount:
            return None
        return (self.cost / self.event.headcount).quantize(Decimal("0.01"))

    @property
    def overrun_minutes(self) -> int:
        return self.event.overrun_minutes


ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=10, decimal_places=2))


def _with_event_figures(events):
    return events.annotate(
        officer_accounts=Count("officers_attending", distinct=True),
        key_questions=Count("key_questions_covered", distinct=True),
        cost=Coalesce("venue_hire_cost", ZERO)
        + Coalesce("catering_cost", ZERO)
        + Coalesce("other_cost", ZERO),
    )


def event_figures(filters: DashboardFilters) -> dict:
    events = filters.events()
    officers_per_event = (
        Event.objects.filter(pk__in=events.values("pk"))
        .annotate(accounts=Count("officers_attending", distinct=True))
        .values_list("pk", "accounts", "other_officers_count", "headcount")
    )
    officers = 0
    police_heavy = 0
    for _pk, accounts, others, headcount in officers_per_event:
        officers += accounts + others
        if headcount and 100 * (accounts + others) / headcount > (
            settings.POLICE_HEAVY_OFFICERS_PER_100
        ):
            police_heavy += 1
    totals = events.aggregate(
        held=Count("pk"),
        attendance=Coalesce(Sum("headcount"), 0),
        with_headcount=Count("pk", filter=Q(headcount__gt=0)),
        chief_officer=Count("pk", filter=Q(chief_officer_attended=True)),
        overran=Count("pk", filter=Q(actual_ends_at__gt=F("ends_at"))),
        cost=Coalesce(Sum("venue_hire_cost"), ZERO)
        + Coalesce(Sum("catering_cost"), ZERO)
        + Coalesce(Sum("other_cost"), ZERO),
    )
    held, attendance = totals["held"], totals["attendance"]
    recent = [
        EventRow(
            event,
            officers=event.officer_accounts + event.other_officers_count,
            cost=event.cost,
            key_questions=event.key_questions,
        )
        for event in _with_event_figures(events)
        .select_related("focus_community")
        .order_by("-starts_at", "-pk")[:EVENTS_SHOWN]
    ]
    return {
        **totals,
        "officers": officers,
        "police_heavy": police_heavy,
        "police_heavy_limit": settings.POLICE_HEAVY_OFFICERS_PER_100,
        "average_attendance": round(attendance / totals["with_headcount"])
        if totals["with_headcount"]
        else None,
        "cost_per_event": (totals["cost"] / held).quantize(Decimal("0.01")) if held else None,
        "cost_per_attendee": (totals["cost"] / attendance).quantize(Decimal("0.01"))
        if attendance
        else None,
        "officers_per_100": round(100 * officers / attendance) if attendance else None,
        "recent": recent,
    }


# What is being said ---------------------------------------------------------------------


def what_is_being_said(filters: DashboardFilters) -> dict:
    items = filters.items()
    # Each link is one item in one workstream: counted without DISTINCT.
    by_workstream = (
        FeedbackItem.workstreams.through.objects.filter(feedbackitem__in=items)
        .values_list("workstream__name")
        .annotate(count=Count("pk"))
        .order_by()
    )
    tables = topic_tables(items, months=6)
    return {
        "by_community": tables.by_community,
        "over_time": tables.over_time,
        "only_one_community": tables.only_one_community[:10],
        "by_workstream": sorted(by_workstream, key=lambda pair: (-pair[1], pair[0])),
    }


# Focus group ----------------------------------------------------------------------------


def focus_group_figures(filters: DashboardFilters) -> dict:
    requests = SenseCheckRequest.objects.filter(
        version__findings__events__in=filters.events()
    ).distinct()
    answered = requests.annotate(first_answer=Min("answers__answered_at")).values_list(
        "first_answer", "sent_at"
    )
    totals = requests.aggregate(
        asked=Count("pk", distinct=True),
        answered=Count("pk", filter=Q(answers__isnull=False), distinct=True),
    )
    members = FocusGroupMember.objects.active().count()
    answering = (
        FocusGroupMember.objects.active()
        .filter(sense_check_requests__answers__isnull=False)
        .distinct()
        .count()
    )
    table = suppress(
        {_("Answered a sense-check"): answering, _("Not yet"): members - answering},
        total=members,
    )
    return {
        "days_to_answer": _median_days(answered),
        "asked": totals["asked"],
        "answered": totals["answered"],
        "answer_share": _share(totals["answered"], totals["asked"]),
        "members": table,
    }


def dashboard(filters: DashboardFilters) -> dict:
    return {
        "loop": loop_closure(filters),
        "actions": action_progress(filters),
        "events": event_figures(filters),
        "said": what_is_being_said(filters),
        "focus_group": focus_group_figures(filters),
    }


# Keeping the figures for a few minutes --------------------------------------------------

CACHE_VERSION = 1


def _cache_key(filters: DashboardFilters) -> str:
    parts = (
        getattr(filters.programme, "pk", ""),
        getattr(filters.community, "pk", ""),
        filters.date_from or "",
        filters.date_to or "",
    )
    return f"dashboard:{CACHE_VERSION}:" + ":".join(str(part) for part in parts)


def cached_dashboard(filters: DashboardFilters, *, now: datetime | None = None) -> dict:
    """The dashboard's figures, worked out at most every DASHBOARD_CACHE_SECONDS for
    each set of filters, with `worked_out_at` saying when. Adding up 100,000 items
    takes the database a second or more; a Leader opening the page again, or a
    colleague opening it at the same time, gets the figures at once. With the cache
    unreachable the figures are worked out every time (and the failure logged)."""
    key = _cache_key(filters)
    try:
        data = cache.get(key)
    except Exception:
        logger.warning("The cache is unreachable; the dashboard is worked out afresh.")
        data = None
        reachable = False
    else:
        reachable = True
    if data is None:
        data = {**dashboard(filters), "worked_out_at": now or timezone.now()}
        if reachable:
            try:
                cache.set(key, data, timeout=settings.DASHBOARD_CACHE_SECONDS)
            except Exception:
                logger.warning("The cache is unreachable; the dashboard was not kept.")
    return data


def dashboard_refresh() -> None:
    """Work out the unfiltered figures again and keep them, so that Leaders opening
    the dashboard rarely wait for them. Run by beat a little more often than the
    figures expire."""
    filters = DashboardFilters()
    data = {**dashboard(filters), "worked_out_at": timezone.now()}
    try:
        cache.set(_cache_key(filters), data, timeout=settings.DASHBOARD_CACHE_SECONDS)
    except Exception:
        logger.warning("The cache is unreachable; the dashboard was not kept.")
