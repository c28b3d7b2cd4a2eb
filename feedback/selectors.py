"""Reads about feedback that span models: the forms' questions, forms still arriving,
an event's feedback in numbers, and the analysis tables. Each analysis table costs one
query however much feedback there is."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events.models import Event
from feedback.models import FeedbackItem, KeyQuestion, PendingSubmission, Submission, Topic

TOPICS_IN_EVENT_SUMMARY = 10


def key_questions_for_form(*, programme):
    """The questions a feedback form asks, in the programme's order; none without a
    programme."""
    if programme is None:
        return KeyQuestion.objects.none()
    return KeyQuestion.objects.for_programme(programme).select_related("workstream")


def event_for_feedback_form(*, token: str) -> Event | None:
    """The event whose poster carries this token, or None."""
    return (
        Event.objects.select_related("programme", "focus_community")
        .filter(feedback_token=token)
        .first()
    )


def arriving_flagged_forms() -> list[tuple]:
    """Flagged anonymous forms waiting for the end of their hour, each with its answers,
    personal details taken out. Listed by their random ids: in no particular order."""
    forms = list(PendingSubmission.objects.flagged().select_related("event").order_by("pk"))
    key_questions = KeyQuestion.objects.in_bulk(
        {question_id for form in forms for question_id, _text in form.answers if question_id}
    )
    return [(form, form.answers_for_reading(key_questions)) for form in forms]


def event_feedback_summary(*, event: Event) -> dict:
    """An event's feedback in numbers, for the event hub: points by key question, the
    most raised topics, safeguarding flags and paper forms typed in."""
    items = FeedbackItem.objects.filter(event=event).counted()
    by_question = dict(items.values_list("key_question").annotate(count=Count("pk")))
    by_topic = (
        Topic.objects.filter(feedback_items__in=items)
        .annotate(count=Count("feedback_items", distinct=True))
        .order_by("-count", "name")
    )
    return {
        "total": sum(by_question.values()),
        "question_rows": [
            (question, by_question.get(question.pk, 0))
            for question in KeyQuestion.objects.for_programme(event.programme)
        ],
        "general_count": by_question.get(None, 0),
        "topic_rows": list(by_topic[:TOPICS_IN_EVENT_SUMMARY]),
        "flagged": items.flagged().count(),
        "paper_forms": Submission.objects.filter(event=event).paper_forms().count(),
    }


# Analysis ----------------------------------------------------------------------------

SHADES = 5


@dataclass(frozen=True)
class CountTable:
    row_labels: list[str]
    column_labels: list[str]
    counts: dict[tuple[str, str], int]
    largest: int

    def rows(self):
        """[(row label, [(count, shade 0–4), ...], row total)]"""
        result = []
        for row in self.row_labels:
            cells = []
            for column in self.column_labels:
                count = self.counts.get((row, column), 0)
                shade = 0 if not count else 1 + (SHADES - 2) * count // max(self.largest, 1)
                cells.append((count, min(shade, SHADES - 1)))
            result.append((row, cells, sum(count for count, _shade in cells)))
        return result

    @property
    def is_empty(self) -> bool:
        return not self.counts


def _table(pairs, columns=None) -> CountTable:
    """A table from (row, column, count); columns in the order given, or A to Z."""
    counts = {(row, column): count for row, column, count in pairs}
    row_totals = defaultdict(int)
    for (row, _column), count in counts.items():
        row_totals[row] += count
    rows = sorted(row_totals, key=lambda row: (-row_totals[row], row))
    columns = columns or sorted({column for _row, column in counts})
    return CountTable(rows, columns, counts, max(counts.values(), default=0))


def feedback_for_analysis(*, programme_id: int | None = None):
    """The items the analysis counts, from one programme's events or from all."""
    items = FeedbackItem.objects.counted()
    if programme_id is not None:
        items = items.filter(event__programme_id=programme_id)
    return items


def topics_by_community(items) -> CountTable:
    """Topics by the community each item is counted for. People who chose "Another
    community" have a column of their own, apart from items with no community."""
    unknown = _("No community recorded")
    another = _("Another community")
    pairs = (
        items.filter(topics__isnull=False)
        .values_list("topics__name", "community__name", "community_source")
        .annotate(count=Count("pk", distinct=True))
    )
    counts = defaultdict(int)
    for topic, community, source, count in pairs:
        if community is None:
            community = another if source == FeedbackItem.CommunitySource.ANOTHER else unknown
        counts[(topic, community)] += count
    return _table((topic, community, count) for (topic, community), count in counts.items())


def topics_over_time(items, months: int = 12) -> CountTable:
    pairs = list(
        items.filter(topics__isnull=False)
        .annotate(month=TruncMonth("received_hour"))
        .values_list("topics__name", "month")
        .annotate(count=Count("pk", distinct=True))
    )
    recent = sorted({month for _topic, month, _count in pairs})[-months:]
    label = {month: date_format(month, "M Y") for month in recent}
    return _table(
        ((topic, label[month], count) for topic, month, count in pairs if month in label),
        columns=[label[month] for month in recent],
    )


@dataclass(frozen=True)
class SingleCommunityTopic:
    topic: str
    community: str
    count: int


def topics_raised_by_one_community(items) -> list[SingleCommunityTopic]:
    """Topics that only one community raised: the "specific to certain communities"
    part of a programme's evaluation."""
    pairs = (
        items.filter(topics__isnull=False, community__isnull=False)
        .values_list("topics__name", "community__name")
        .annotate(count=Count("pk", distinct=True))
    )
    communities_by_topic = defaultdict(dict)
    for topic, community, count in pairs:
        communities_by_topic[topic][community] = count
    return sorted(
        (
            SingleCommunityTopic(topic, *next(iter(by_community.items())))
            for topic, by_community in communities_by_topic.items()
            if len(by_community) == 1
        ),
        key=lambda row: (-row.count, row.topic),
    )
