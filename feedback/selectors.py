"""Reads about feedback that span models: the forms' questions, forms still arriving,
an event's feedback in numbers, the analysis tables, the contacts who could join the
focus group, and findings with their sense-check. Each analysis table costs one query
however much feedback there is."""

import difflib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from contacts.models import Attendance, Attendee, ConsentPurpose, Opportunity
from engagement.database import MonthOf
from events.models import Event
from feedback.caching import FEEDBACK, kept
from feedback.models import (
    FeedbackItem,
    Findings,
    FindingsChange,
    FindingsSection,
    FocusGroupInvitation,
    FocusGroupMember,
    KeyQuestion,
    PendingSubmission,
    SectionAnswer,
    SenseCheckRequest,
    Submission,
    Topic,
)

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


def lay_observation_for_feedback_form(*, token: str) -> Opportunity | None:
    """The lay observation whose visitors were emailed this token, or None."""
    return Opportunity.objects.select_related("kind").filter(feedback_token=token).first()


def arriving_flagged_forms() -> list[tuple]:
    """Flagged anonymous forms waiting for the end of their hour, each with its answers,
    personal details taken out. Listed by their random ids: in no particular order."""
    forms = list(
        PendingSubmission.objects.flagged()
        .select_related("event", "lay_observation")
        .order_by("pk")
    )
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


def _topic_rows(items) -> list[tuple]:
    """(topic, community or None, where the community came from, "YYYY-MM", count) for
    the items' topics: one query, which every topic table below adds up. It counts the
    links between items and topics, each one item about one topic, so it needs no
    DISTINCT (which sorts every row) whatever `items` was filtered on."""
    Link = FeedbackItem.topics.through
    return list(
        Link.objects.filter(feedbackitem__in=items)
        .annotate(month=MonthOf("feedbackitem__received_hour"))
        .values_list(
            "topic__name",
            "feedbackitem__community__name",
            "feedbackitem__community_source",
            "month",
        )
        .annotate(count=Count("pk"))
        .order_by()
    )


def _by_community(rows) -> CountTable:
    unknown = _("No community recorded")
    another = _("Another community")
    counts = defaultdict(int)
    for topic, community, source, _month, count in rows:
        if community is None:
            community = another if source == FeedbackItem.CommunitySource.ANOTHER else unknown
        counts[(topic, community)] += count
    return _table((topic, community, count) for (topic, community), count in counts.items())


def month_start(key: str) -> date:
    """The first day of a "YYYY-MM" month."""
    year, month = key.split("-")
    return date(int(year), int(month), 1)


def _over_time(rows, months: int) -> CountTable:
    counts = defaultdict(int)
    for topic, _community, _source, month, count in rows:
        counts[(topic, month)] += count
    recent = sorted({month for _topic, month in counts})[-months:]
    label = {month: date_format(month_start(month), "M Y") for month in recent}
    shown = {key: count for key, count in counts.items() if key[1] in label}
    return _table(
        ((topic, label[month], count) for (topic, month), count in shown.items()),
        columns=[label[month] for month in recent],
    )


@dataclass(frozen=True)
class SingleCommunityTopic:
    topic: str
    community: str
    count: int


def _raised_by_one_community(rows) -> list[SingleCommunityTopic]:
    communities_by_topic = defaultdict(lambda: defaultdict(int))
    for topic, community, _source, _month, count in rows:
        if community is not None:
            communities_by_topic[topic][community] += count
    return sorted(
        (
            SingleCommunityTopic(topic, *next(iter(by_community.items())))
            for topic, by_community in communities_by_topic.items()
            if len(by_community) == 1
        ),
        key=lambda row: (-row.count, row.topic),
    )


def topics_by_community(items) -> CountTable:
    """Topics by the community each item is counted for. People who chose "Another
    community" have a column of their own, apart from items with no community."""
    return _by_community(_topic_rows(items))


def topics_over_time(items, months: int = 12) -> CountTable:
    """Topics by the month items were received, for the latest `months` months."""
    return _over_time(_topic_rows(items), months)


def topics_raised_by_one_community(items) -> list[SingleCommunityTopic]:
    """Topics that only one community raised: the "specific to certain communities"
    part of a programme's evaluation."""
    return _raised_by_one_community(_topic_rows(items))


@dataclass(frozen=True)
class TopicTables:
    by_community: CountTable
    over_time: CountTable
    only_one_community: list[SingleCommunityTopic]


def topic_tables(items, *, months: int = 12) -> TopicTables:
    """The three tables above from one query."""
    rows = _topic_rows(items)
    return TopicTables(
        _by_community(rows), _over_time(rows, months), _raised_by_one_community(rows)
    )


def feedback_analysis(*, programme_id: int | None = None) -> dict:
    """The analysis page's figures, for one programme or all: the topic tables, and how
    many items count for their event's community by default. Adding up 100,000 items
    takes the database a few hundred milliseconds, so the figures are kept until
    feedback changes (feedback.caching)."""

    def work_out() -> dict:
        items = feedback_for_analysis(programme_id=programme_id)
        tables = topic_tables(items)
        return {
            "community_by_default": items.with_community_by_default().count(),
            "by_community": tables.by_community,
            "over_time": tables.over_time,
            "only_one_community": tables.only_one_community,
        }

    scope = "all" if programme_id is None else programme_id
    return kept(FEEDBACK, f"analysis:{scope}", work_out)


def focus_group_candidates():
    """Contacts who said they would like to join the focus group, still say so, and are
    not members: the people a Coordinator may invite. Each comes with
    `last_invited_at`, when the latest invitation that has not been accepted was sent,
    and `left_at`, when they last left the group if they were a member before."""
    memberships = FocusGroupMember.objects.filter(attendee__isnull=False)
    latest_invitation = FocusGroupInvitation.objects.filter(
        attendee=OuterRef("pk"), accepted_at__isnull=True
    ).order_by("-sent_at")
    latest_membership = memberships.filter(attendee=OuterRef("pk")).order_by("-ended_at")
    return (
        Attendee.objects.with_live_consent(ConsentPurpose.FOCUS_GROUP)
        .exclude(pk__in=memberships.active().values("attendee_id"))
        .annotate(
            last_invited_at=Subquery(latest_invitation.values("sent_at")[:1]),
            left_at=Subquery(latest_membership.values("ended_at")[:1]),
        )
        .order_by("name", "pk")
    )


# Findings -------------------------------------------------------------------------------


def findings_candidate_items(*, events):
    """The feedback that findings about these events may quote: never a safeguarding
    flag, an officer's note marked internal, or an item set aside."""
    return FeedbackItem.objects.filter(event__in=list(events)).quotable()


def findings_recipients(*, events):
    """Contacts told when findings about these events are shared: those who consented
    to updates and came to one of the events, or who follow one of the events'
    communities (known only for people who let us keep their community)."""
    events = list(events)
    told = Q(pk__in=Attendance.objects.filter(event__in=events).values("attendee_id"))
    for community_id in {event.focus_community_id for event in events} - {None}:
        told |= Q(pk__in=Attendee.objects.in_community(community_id).values("pk"))
    return Attendee.objects.opted_in_for_updates().filter(told).order_by("pk")


def _quotes(*, with_topics: bool = True) -> Prefetch:
    """A section's feedback as it may be quoted: redacted text, and never an item that
    has been flagged, marked internal or set aside since it was put in the section."""
    items = FeedbackItem.objects.quotable().order_by("received_hour", "pk")
    if with_topics:
        items = items.prefetch_related("topics")
    return Prefetch("items", queryset=items, to_attr="quotes")


@dataclass(frozen=True)
class TopicGroup:
    topic: str
    items: list

    @property
    def count(self) -> int:
        return len(self.items)


def topic_groups(items) -> list[TopicGroup]:
    """Items grouped by topic, the most raised first. An item about two topics is in
    both groups; items with none come last."""
    groups = defaultdict(list)
    for item in items:
        for topic in item.topics.all() or [None]:
            groups[topic.name if topic else None].append(item)
    named = sorted(
        (TopicGroup(name, grouped) for name, grouped in groups.items() if name),
        key=lambda group: (-group.count, group.topic),
    )
    if None in groups:
        named.append(TopicGroup(_("No topic"), groups[None]))
    return named


def findings_sections_for_reading(*, version) -> list:
    """The version's sections, each with `quotes` and `topic_groups`, in three queries
    however many sections and items there are."""
    sections = list(version.sections.select_related("key_question").prefetch_related(_quotes()))
    for section in sections:
        section.topic_groups = topic_groups(section.quotes)
    return sections


@dataclass
class ReviewRow:
    """One section as sent, with each member's answer beside the others."""

    section: object
    answers: list  # (request, current answer or None, earlier answers), one per request
    counts: dict
    # The section of the latest version that comes from this one, to change when
    # amending; None if it was removed or the version is older than that.
    amend_section_id: int | None


def sense_check_review(*, version, latest) -> tuple[list, list[ReviewRow]]:
    """The requests sent for a version, and per section every member's current answer
    side by side, with the answers they replaced and the changes each led to. A fixed
    number of queries however many members and answers."""
    amend = {}
    for pk, based_on_id in latest.sections.values_list("pk", "based_on_id"):
        amend[pk] = pk
        if based_on_id:
            amend[based_on_id] = pk
    requests = list(
        version.sense_check_requests.select_related("member__user").order_by("sent_at", "pk")
    )
    answers = (
        SectionAnswer.objects.filter(request__version=version)
        .prefetch_related(
            Prefetch(
                "changes_made",
                queryset=FindingsChange.objects.select_related("version", "by"),
            )
        )
        .order_by("answered_at", "pk")
    )
    current, earlier = {}, defaultdict(list)
    for answer in answers:
        key = (answer.section_id, answer.request_id)
        if answer.replaced_at is None:
            current[key] = answer
        else:
            earlier[key].append(answer)
    rows = []
    for section in findings_sections_for_reading(version=version):
        row_answers = [
            (
                request,
                current.get((section.pk, request.pk)),
                earlier.get((section.pk, request.pk), []),
            )
            for request in requests
        ]
        counts = Counter(answer.verdict for _request, answer, _old in row_answers if answer)
        rows.append(ReviewRow(section, row_answers, dict(counts), amend.get(section.pk)))
    return requests, rows


def findings_history(*, findings) -> list:
    """Every step in the findings' record, oldest first, with the answers behind each
    change and who gave them."""
    return list(
        findings.changes.select_related("by", "version").prefetch_related(
            Prefetch(
                "because_of",
                queryset=SectionAnswer.objects.select_related("request__member__user", "section"),
            )
        )
    )


# Comparing versions

WORDS_AND_SPACES = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class ComparedPart:
    """One part of the findings (the overview or a section) in two versions. Each side
    is a list of (kind, text) with kind "same", "removed" or "added"; a side is None
    when the part is not in that version."""

    heading: str
    older: list | None
    newer: list | None

    @property
    def is_changed(self) -> bool:
        sides = (self.older or []) + (self.newer or [])
        return self.older is None or self.newer is None or any(k != "same" for k, _t in sides)


def _word_changes(old: str, new: str) -> tuple[list, list]:
    before, after = WORDS_AND_SPACES.findall(old), WORDS_AND_SPACES.findall(new)
    older, newer = [], []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            older.append(("same", "".join(before[i1:i2])))
            newer.append(("same", "".join(after[j1:j2])))
            continue
        if i2 > i1:
            older.append(("removed", "".join(before[i1:i2])))
        if j2 > j1:
            newer.append(("added", "".join(after[j1:j2])))
    return older, newer


def _section_text(section) -> str:
    lines = [section.summary]
    if section.quotes:
        lines += ["", _("It rests on:")]
        lines += [f"“{item.text}”" for item in section.quotes]
    return "\n".join(lines)


def findings_comparison(*, older, newer) -> list[ComparedPart]:
    """Two versions side by side, word by word: the overview, then each section,
    matched with its copy in the other version, whatever its heading became."""
    if older.number > newer.number:
        older, newer = newer, older
    based_on = dict(
        FindingsSection.objects.filter(version__findings_id=older.findings_id).values_list(
            "pk", "based_on_id"
        )
    )
    older_sections = {
        section.pk: section for section in findings_sections_for_reading(version=older)
    }
    parts = [
        ComparedPart(_("Overview"), *_word_changes(older.overview, newer.overview)),
    ]
    matched = set()
    for section in findings_sections_for_reading(version=newer):
        ancestor = based_on.get(section.pk)
        while ancestor is not None and ancestor not in older_sections:
            ancestor = based_on.get(ancestor)
        before = older_sections.get(ancestor)
        if before is None:
            parts.append(
                ComparedPart(section.heading, None, _word_changes("", _section_text(section))[1])
            )
            continue
        matched.add(before.pk)
        heading = section.heading
        if before.heading != section.heading:
            heading = f"{before.heading} → {section.heading}"
        parts.append(
            ComparedPart(heading, *_word_changes(_section_text(before), _section_text(section)))
        )
    for pk, section in older_sections.items():
        if pk not in matched:
            parts.append(
                ComparedPart(section.heading, _word_changes(_section_text(section), "")[0], None)
            )
    return parts


# Findings on other pages


def events_with_findings_overdue(*, now=None):
    """Held events with no shared findings FINDINGS_DUE_DAYS after they ended."""
    since = (now or timezone.now()) - timedelta(days=settings.FINDINGS_DUE_DAYS)
    return (
        Event.objects.filter(status=Event.Status.HELD, ends_at__lt=since)
        .exclude(findings__status=Findings.Status.SHARED)
        .order_by("ends_at")
    )


def event_findings(*, event) -> dict:
    """The findings about one event, for its hub, and whether they are overdue."""
    findings = list(Findings.objects.for_event(event).order_by("-created_at", "-pk"))
    return {
        "findings_list": findings,
        "overdue": events_with_findings_overdue().filter(pk=event.pk).exists(),
    }


def shared_findings_for_event(*, event) -> list:
    """Shared findings about an event, for its public page, each with the sections of
    the version agreed and the points they quote."""
    return list(
        Findings.objects.shared()
        .for_event(event)
        .select_related("agreed_version")
        .prefetch_related(
            Prefetch(
                "agreed_version__sections",
                queryset=FindingsSection.objects.prefetch_related(_quotes(with_topics=False)),
                to_attr="shared_sections",
            )
        )
        .order_by("-shared_at")
    )


# The panel


def findings_to_check(*, member) -> list:
    """The requests a member may still answer, newest first, each with how many of its
    sections they have answered out of how many."""
    return list(
        SenseCheckRequest.objects.for_member(member)
        .open()
        .select_related("version__findings")
        .annotate(
            section_count=Count("version__sections", distinct=True),
            answered_count=Count(
                "answers__section",
                filter=Q(answers__replaced_at__isnull=True),
                distinct=True,
            ),
        )
        .order_by("-sent_at", "-pk")
    )


def sense_check_sections(*, request) -> list:
    """The sections of the version a member was asked about, each with its quotes and
    `answer`, this member's own current answer (or None), and `earlier_answers`."""
    sections = findings_sections_for_reading(version=request.version)
    current, earlier = {}, defaultdict(list)
    for answer in request.answers.order_by("answered_at", "pk"):
        if answer.replaced_at is None:
            current[answer.section_id] = answer
        else:
            earlier[answer.section_id].append(answer)
    for section in sections:
        section.answer = current.get(section.pk)
        section.earlier_answers = earlier.get(section.pk, [])
    return sections


@dataclass(frozen=True)
class TrustFigure:
    """The room's answers to the standard trust question at one point of a session:
    how many answered, and the mean on the 1 to 5 scale and the share answering 4 or
    5, both hidden when fewer than the threshold answered."""

    answered: int
    mean: float | None
    share_trusting: int | None


@dataclass(frozen=True)
class TrustRow:
    event: Event
    before: TrustFigure
    after: TrustFigure


def _trust_figure(counts: dict[int, int], threshold: int) -> TrustFigure:
    answered = sum(counts.values())
    if answered < threshold:
        return TrustFigure(answered, None, None)
    # Answers are stored as 0 to 4 for "1" to "5".
    mean = sum((value + 1) * count for value, count in counts.items()) / answered
    trusting = sum(count for value, count in counts.items() if value >= 3)
    return TrustFigure(answered, round(mean, 1), round(100 * trusting / answered))


def trust_before_and_after(*, limit: int = 12) -> tuple[list[TrustRow], TrustRow | None]:
    """For the latest events whose live session asked the standard trust question at
    the start and the end: the answers before and after, per event and in all. Two
    queries however many events and answers."""
    from feedback.models import LivePoll, LivePollAnswer

    threshold = settings.SUPPRESSION_THRESHOLD
    rows = (
        LivePollAnswer.objects.filter(
            poll__purpose__in=[LivePoll.Purpose.TRUST_BEFORE, LivePoll.Purpose.TRUST_AFTER]
        )
        .values("poll__session__event", "poll__purpose", "value")
        .annotate(count=Count("pk"))
    )
    by_event: dict[int, dict[str, dict[int, int]]] = {}
    totals: dict[str, dict[int, int]] = {"trust_before": {}, "trust_after": {}}
    for row in rows:
        counts = by_event.setdefault(row["poll__session__event"], {}).setdefault(
            row["poll__purpose"], {}
        )
        counts[row["value"]] = counts.get(row["value"], 0) + row["count"]
        total = totals[row["poll__purpose"]]
        total[row["value"]] = total.get(row["value"], 0) + row["count"]
    events = Event.objects.filter(pk__in=by_event).order_by("-starts_at")[:limit]
    result = [
        TrustRow(
            event,
            _trust_figure(by_event[event.pk].get("trust_before", {}), threshold),
            _trust_figure(by_event[event.pk].get("trust_after", {}), threshold),
        )
        for event in events
    ]
    overall = None
    if by_event:
        overall = TrustRow(
            None,
            _trust_figure(totals["trust_before"], threshold),
            _trust_figure(totals["trust_after"], threshold),
        )
    return result, overall
