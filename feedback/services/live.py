"""The live session at an event (feedback.models.live): opening it, what phones send,
moderation, supports, polls, tables, and closing it into the feedback inbox.

Every change a phone or the screen shows raises the session's version; the state they
poll for is cached under that version (feedback.live_state), so 200 phones asking
every two seconds are answered from the cache, mostly with "not modified"."""

from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import (
    FeedbackItem,
    LivePoint,
    LivePoll,
    LivePollAnswer,
    LiveSession,
    LiveTable,
    hour_of,
)
from feedback.services.capture import _safeguarding_phrases, feedback_record
from feedback.text import redact_personal_details

# The standard pair, asked at the start and at the end of every session, so each
# event has a before and after.
TRUST_QUESTION = "How much do you trust the police in this area?"
MAX_TABLES = 12


class LiveSessionClosed(Exception):
    """The session has closed: nothing more can be sent to it."""


def live_session_bump(session: LiveSession) -> None:
    """Tell phones and the screen that something changed."""
    from feedback.live_state import forget_live_state

    LiveSession.objects.filter(pk=session.pk).update(version=F("version") + 1)
    transaction.on_commit(lambda: forget_live_state(session))


@transaction.atomic
def live_session_open(*, event, by) -> LiveSession:
    """Open the room's live session, or return the one already open. The standard
    trust question is ready to ask at the start and at the end."""
    existing = LiveSession.objects.open().filter(event=event).first()
    if existing is not None:
        return existing
    from feedback.selectors import key_questions_for_form

    questions = list(key_questions_for_form(programme=event.programme))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                session = LiveSession.objects.create(
                    event=event,
                    opened_by=by,
                    current_key_question=questions[0] if questions else None,
                )
            break
        except IntegrityError:
            # A join code already used, or another Coordinator opened it a moment ago.
            existing = LiveSession.objects.open().filter(event=event).first()
            if existing is not None:
                return existing
    else:  # pragma: no cover - five clashes in a space of 190 million codes
        raise RuntimeError("Could not find a free join code.")
    for position, purpose in enumerate(
        (LivePoll.Purpose.TRUST_BEFORE, LivePoll.Purpose.TRUST_AFTER)
    ):
        LivePoll.objects.create(
            session=session,
            question=TRUST_QUESTION,
            kind=LivePoll.Kind.SCALE,
            purpose=purpose,
            position=0 if position == 0 else 1000,
        )
    return session


def _lock(session: LiveSession) -> LiveSession:
    session = LiveSession.objects.select_for_update().get(pk=session.pk)
    if not session.is_open:
        raise LiveSessionClosed
    return session


@transaction.atomic
def live_point_send(
    *,
    session: LiveSession,
    text: str,
    kind: str = LivePoint.Kind.POINT,
    client_reference: str | None = None,
    table: LiveTable | None = None,
    recorded_by=None,
) -> LivePoint:
    """A point or question from a phone, or a table's note from its facilitator. It
    waits for the moderator, except a facilitator's note, which is approved as it is
    written. Words that suggest someone is at risk flag it: it is never shown on the
    screen. The same client reference sent twice stores it once."""
    if client_reference:
        existing = LivePoint.objects.filter(client_reference=client_reference).first()
        if existing is not None:
            return existing
    session = _lock(session)
    text = text.strip()
    redaction = redact_personal_details(text)
    flags = _safeguarding_phrases([text])
    point = LivePoint.objects.create(
        session=session,
        table=table if table is not None and table.session_id == session.pk else None,
        key_question=session.current_key_question,
        kind=kind,
        text=redaction.text,
        original_text=text if redaction.changed else "",
        was_redacted=redaction.changed,
        is_flagged=bool(flags),
        safeguarding_terms=", ".join(flags)[:300],
        status=(
            LivePoint.Status.APPROVED
            if recorded_by is not None and not flags
            else LivePoint.Status.PENDING
        ),
        client_reference=client_reference or None,
        recorded_by=recorded_by,
    )
    live_session_bump(session)
    return point


@transaction.atomic
def live_point_moderate(*, point: LivePoint, approve: bool) -> bool:
    """Approve a point onto the screen, or hide it. A flagged point is never shown: it
    can only be hidden from the list, and it still goes to the inbox, flagged."""
    point = LivePoint.objects.select_for_update().get(pk=point.pk)
    _lock(point.session)
    if approve and point.is_flagged:
        return False
    point.status = LivePoint.Status.APPROVED if approve else LivePoint.Status.HIDDEN
    point.save(update_fields=["status"])
    live_session_bump(point.session)
    return True


@transaction.atomic
def live_point_merge(*, point: LivePoint, into: LivePoint) -> bool:
    """The same point made twice: the duplicate's supports, and its sender's voice,
    count for the one on the screen."""
    if point.pk == into.pk or point.session_id != into.session_id:
        return False
    point, into = (
        LivePoint.objects.select_for_update().get(pk=point.pk),
        LivePoint.objects.select_for_update().get(pk=into.pk),
    )
    _lock(point.session)
    if into.status != LivePoint.Status.APPROVED or point.status == LivePoint.Status.MERGED:
        return False
    point.status = LivePoint.Status.MERGED
    point.merged_into = into
    point.save(update_fields=["status", "merged_into"])
    LivePoint.objects.filter(pk=into.pk).update(supports=F("supports") + point.supports + 1)
    live_session_bump(point.session)
    return True


@transaction.atomic
def live_point_support(*, point: LivePoint) -> bool:
    """One more person agrees. The phone remembers that it did, not the server."""
    updated = LivePoint.objects.filter(
        pk=point.pk,
        status=LivePoint.Status.APPROVED,
        is_flagged=False,
        session__status=LiveSession.Status.OPEN,
    ).update(supports=F("supports") + 1)
    if updated:
        live_session_bump(point.session)
    return bool(updated)


@transaction.atomic
def live_set_key_question(*, session: LiveSession, key_question) -> None:
    session = _lock(session)
    session.current_key_question = key_question
    session.save(update_fields=["current_key_question"])
    live_session_bump(session)


@transaction.atomic
def live_poll_create(
    *, session: LiveSession, question: str, kind: str, options: list[str]
) -> LivePoll:
    session = _lock(session)
    poll = LivePoll.objects.create(
        session=session,
        question=question.strip(),
        kind=kind,
        options=[option.strip() for option in options if option.strip()]
        if kind == LivePoll.Kind.CHOICE
        else [],
        position=session.polls.count(),
    )
    live_session_bump(session)
    return poll


@transaction.atomic
def live_poll_open(*, poll: LivePoll) -> None:
    """Ask the room: one poll is open at a time."""
    session = _lock(poll.session)
    session.polls.filter(status=LivePoll.Status.OPEN).exclude(pk=poll.pk).update(
        status=LivePoll.Status.CLOSED
    )
    LivePoll.objects.filter(pk=poll.pk).update(status=LivePoll.Status.OPEN)
    live_session_bump(session)


@transaction.atomic
def live_poll_close(*, poll: LivePoll) -> None:
    session = _lock(poll.session)
    LivePoll.objects.filter(pk=poll.pk).update(status=LivePoll.Status.CLOSED)
    live_session_bump(session)


@transaction.atomic
def live_poll_answer(*, poll: LivePoll, value: int) -> bool:
    """One answer, while the poll is open. Whether this phone already answered is the
    phone's own business (its cookie): the server keeps only the answer."""
    if not LivePoll.objects.filter(
        pk=poll.pk, status=LivePoll.Status.OPEN, session__status=LiveSession.Status.OPEN
    ).exists():
        return False
    if not poll.is_valid_answer(value):
        return False
    LivePollAnswer.objects.create(poll=poll, value=value)
    live_session_bump(poll.session)
    return True


def live_poll_results(poll: LivePoll) -> list[tuple[str, int]]:
    counts = Counter(poll.answers.values_list("value", flat=True))
    return [(label, counts.get(index, 0)) for index, label in enumerate(poll.answer_labels())]


@transaction.atomic
def live_tables_split(*, session: LiveSession, count: int) -> None:
    """Split the room into tables, each with its own notes and points."""
    session = _lock(session)
    count = max(2, min(count, MAX_TABLES))
    existing = set(session.tables.values_list("number", flat=True))
    LiveTable.objects.bulk_create(
        [
            LiveTable(session=session, number=number)
            for number in range(1, count + 1)
            if number not in existing
        ]
    )
    session.is_split = True
    session.save(update_fields=["is_split"])
    live_session_bump(session)


@transaction.atomic
def live_tables_together(*, session: LiveSession) -> None:
    """The tables come back together: the screen shows what each said."""
    session = _lock(session)
    session.is_split = False
    session.save(update_fields=["is_split"])
    live_session_bump(session)


def _poll_summary(poll: LivePoll) -> str:
    results = live_poll_results(poll)
    answered = sum(count for _label, count in results)
    counts = "; ".join(f"{label}: {count}" for label, count in results)
    return _("Poll in the room: %(question)s (%(answered)s answered) %(counts)s") % {
        "question": poll.question,
        "answered": answered,
        "counts": counts,
    }


@transaction.atomic
def live_session_close(*, session: LiveSession, by) -> int:
    """Close the session and move what was said into the feedback inbox for the event,
    each point under the key question it answered: every point except those the
    moderator hid (a hidden point that was flagged goes too, flagged), every table
    note, and each poll's result. Returns how many items were made."""
    session = _lock(session)
    received_hour = hour_of(session.opened_at)
    made = 0
    points = (
        session.points.select_related("key_question")
        .filter(feedback_item__isnull=True)
        .exclude(status=LivePoint.Status.HIDDEN, is_flagged=False)
        .order_by("pk")
    )
    for point in points:
        item = feedback_record(
            text=point.original_text or point.text,
            source=(
                FeedbackItem.Source.DISCUSSION_NOTE
                if point.recorded_by_id
                else FeedbackItem.Source.LIVE_SESSION
            ),
            event=session.event,
            key_question=point.key_question,
            recorded_by=point.recorded_by,
            received_hour=received_hour,
        )
        point.feedback_item = item
        point.save(update_fields=["feedback_item"])
        made += 1
    for poll in session.polls.all():
        if poll.answers.exists():
            feedback_record(
                text=_poll_summary(poll),
                source=FeedbackItem.Source.LIVE_SESSION,
                event=session.event,
                recorded_by=by,
                received_hour=received_hour,
                alert_duty_officer=False,
            )
            made += 1
    session.polls.filter(status=LivePoll.Status.OPEN).update(status=LivePoll.Status.CLOSED)
    session.status = LiveSession.Status.CLOSED
    session.closed_at = timezone.now()
    session.save(update_fields=["status", "closed_at"])
    live_session_bump(session)
    return made
