import secrets
from contextlib import nullcontext
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import TruncHour
from django.urls import reverse
from django.utils import timezone

from contacts.models import Opportunity, OutboxMessage
from contacts.services.outbox import outbox_enqueue
from engagement.models import Community
from engagement.public_cache import kept
from feedback.caching import FEEDBACK, changed
from feedback.models import (
    FeedbackItem,
    KeyQuestion,
    PendingSubmission,
    SafeguardingFlagChange,
    SafeguardingTerm,
    Submission,
    hour_of,
)
from feedback.text import redact_personal_details, safeguarding_phrases
from feedback.text.language import detect_language


def current_hour() -> datetime:
    """The time to the hour: all that is kept of when anything was said."""
    return hour_of(timezone.now())


def _alert_duty_officer(
    item: FeedbackItem, flag_change: SafeguardingFlagChange | None = None
) -> None:
    """Tell the duty inbox about a flagged item: flagged by the words when it was
    stored, or by a person later. Each flag by hand is told, even on an item whose
    earlier flag was removed."""
    if not settings.SAFEGUARDING_EMAIL:
        return
    outbox_enqueue(
        dedupe_key=(
            f"safeguarding:{item.pk}"
            if flag_change is None
            else f"safeguarding:flag-change:{flag_change.pk}"
        ),
        to_address=settings.SAFEGUARDING_EMAIL,
        template="safeguarding_alert",
        context={
            "item": item,
            "item_url": f"{settings.SITE_URL}{reverse('feedback:item', kwargs={'pk': item.pk})}",
        },
        from_anonymous_form=item.source == FeedbackItem.Source.ONLINE_FORM,
    )


# The name the safeguarding phrases are kept under (engagement/public_cache.py), for a
# view that reads them with what else it needs in one round trip.
SAFEGUARDING_PHRASES = "safeguarding-phrases"


def all_safeguarding_phrases() -> list[str]:
    return list(SafeguardingTerm.objects.values_list("phrase", flat=True))


def _safeguarding_phrases(texts, phrases: list[str] | None = None) -> list[str]:
    if phrases is None:
        phrases = kept(SAFEGUARDING_PHRASES, all_safeguarding_phrases)
    found = []
    for text in texts:
        found += [phrase for phrase in safeguarding_phrases(text, phrases) if phrase not in found]
    return found


def _community_and_source(community, another_community: bool, event) -> tuple:
    """The community an item is counted for, and where that came from."""
    Source = FeedbackItem.CommunitySource
    if community is not None:
        return community, Source.GIVEN
    if another_community:
        return None, Source.ANOTHER
    if event is not None and event.focus_community_id is not None:
        return event.focus_community, Source.EVENT_DEFAULT
    return None, Source.NOT_KNOWN


# Savepoints are avoided on purpose in the two functions below. In PostgreSQL a row
# written inside a savepoint carries the savepoint's own transaction id, and those ids
# are handed out in order; the hourly release of anonymous forms (below) must write all
# its rows with the one id of its transaction.


@transaction.atomic(savepoint=False)
def feedback_record(
    *,
    text: str,
    source: str,
    event=None,
    key_question=None,
    community: Community | None = None,
    another_community: bool = False,
    recorded_by=None,
    submission: Submission | None = None,
    client_reference: str | None = None,
    topics=(),
    received_hour: datetime | None = None,
    alert_duty_officer: bool = True,
) -> FeedbackItem:
    """Store one point. Personal details are taken out of the text at once (the
    original is kept for Coordinators to check), and words that suggest someone is at
    risk raise a flag for a person to look at and, unless told otherwise, an email to
    the duty inbox. The same client reference, sent again by a device that lost its
    connection, returns the item already stored.

    `community` is the community the person said they feel part of, and
    `another_community` says they chose one not on the list. When they said neither,
    the point is counted for the event's community, and the item says so."""
    if client_reference:
        existing = FeedbackItem.objects.filter(client_reference=client_reference).first()
        if existing is not None:
            return existing
    text = text.strip()
    redaction = redact_personal_details(text)
    flags = _safeguarding_phrases([text])
    community, community_source = _community_and_source(community, another_community, event)
    fields = {
        "text": redaction.text,
        "original_text": text if redaction.changed else "",
        "was_redacted": redaction.changed,
        "source": source,
        "event": event,
        "key_question": key_question,
        "community": community,
        "community_source": community_source,
        "recorded_by": recorded_by,
        "submission": submission,
        "client_reference": client_reference or None,
        "received_hour": received_hour or current_hour(),
        "is_safeguarding_flagged": bool(flags),
        "safeguarding_terms": ", ".join(flags)[:300],
        "status": FeedbackItem.Status.TAGGED if topics else FeedbackItem.Status.NEW,
        "language": detect_language(text),
    }
    if client_reference:
        try:
            with transaction.atomic():
                item = FeedbackItem.objects.create(**fields)
        except IntegrityError:
            # The same note arrived twice at once; the other request stored it.
            return FeedbackItem.objects.get(client_reference=client_reference)
    else:
        item = FeedbackItem.objects.create(**fields)
    if key_question is not None and key_question.workstream_id:
        item.workstreams.add(key_question.workstream_id)
    if topics:
        item.topics.set(topics)
    if flags and alert_duty_officer:
        _alert_duty_officer(item)
    return item


def _store_form(
    *,
    source: str,
    answers,
    event,
    community,
    another_community: bool,
    form_nonce: str,
    received_hour: datetime,
    alert_duty_officer: bool,
    lay_observation: Opportunity | None = None,
) -> Submission:
    """Write one form and its answers. The caller makes sure the nonce is new."""
    submission = Submission.objects.create(
        event=event,
        lay_observation=lay_observation,
        source=source,
        received_hour=received_hour,
        form_nonce=form_nonce,
    )
    for key_question, text in answers:
        if text.strip():
            feedback_record(
                text=text,
                source=source,
                event=event,
                key_question=key_question,
                community=community,
                another_community=another_community,
                submission=submission,
                received_hour=received_hour,
                alert_duty_officer=alert_duty_officer,
            )
    return submission


@transaction.atomic
def feedback_submit_form(
    *,
    source: str,
    answers,
    event=None,
    community: Community | None = None,
    another_community: bool = False,
    form_nonce: str,
    received_hour: datetime | None = None,
    alert_duty_officer: bool = True,
) -> tuple[Submission, bool]:
    """Store one filled-in form at once: `answers` is a list of (key question or None,
    text), and the community is as feedback_record takes it. Returns the submission and
    whether it is new; sending the same form twice (the same nonce) stores it once. The
    form is stored in the current hour unless told otherwise. Anonymous online forms
    that people send go through feedback_stage_form instead."""
    existing = Submission.objects.filter(form_nonce=form_nonce).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            submission = _store_form(
                source=source,
                answers=answers,
                event=event,
                community=community,
                another_community=another_community,
                form_nonce=form_nonce,
                received_hour=hour_of(received_hour) if received_hour else current_hour(),
                alert_duty_officer=alert_duty_officer,
            )
    except IntegrityError:
        return Submission.objects.get(form_nonce=form_nonce), False
    return submission, True


# Anonymous online forms --------------------------------------------------------------
#
# An anonymous form is held in PendingSubmission until its hour is over, then stored
# as feedback with every other form of that hour, in a random order, in one
# transaction. Only then do the ids, the order of rows on disk and PostgreSQL's
# transaction ids say nothing about which form came when, so nothing pairs a form
# with a sign-up made a moment later. docs/privacy.md describes the threat model.


def _alert_duty_officer_of_form(pending: PendingSubmission) -> None:
    """Tell the duty inbox at once, without waiting for the hour. The email holds no
    words from the form and no link to it (it is not stored as feedback yet), only the
    way to the inbox, where Coordinators can read it before it arrives."""
    if not settings.SAFEGUARDING_EMAIL:
        return
    outbox_enqueue(
        dedupe_key=f"safeguarding:form:{pending.pk}",
        to_address=settings.SAFEGUARDING_EMAIL,
        template="safeguarding_alert",
        context={"inbox_url": f"{settings.SITE_URL}{reverse('feedback:inbox')}#arriving"},
        from_anonymous_form=True,
    )


def _hold_unless_sent_before(pending: PendingSubmission) -> bool:
    """Insert the held form unless a form with its nonce is held or stored already, and
    say whether it was inserted. One statement, where the ORM would take a query and an
    insert: every anonymous form waits for this. (A copy that slips in while its first
    is being released is skipped when its hour is released, as a form already stored.)
    The row is written as the model would write it; no signals listen for held forms."""
    connection = transaction.get_connection()
    fields = PendingSubmission._meta.concrete_fields
    quote = connection.ops.quote_name
    table = quote(PendingSubmission._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    stored = quote(Submission._meta.db_table)
    nonce = quote("form_nonce")
    # Only names from the models go into the text; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT {placeholders} "  # noqa: S608
        f"WHERE NOT EXISTS (SELECT 1 FROM {stored} WHERE {nonce} = %s) "
        f"ON CONFLICT ({nonce}) DO NOTHING"
    )
    values = [field.get_db_prep_save(field.pre_save(pending, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, pending.form_nonce])
        return cursor.rowcount == 1


def feedback_stage_form(
    *,
    answers,
    event=None,
    community: Community | None = None,
    another_community: bool = False,
    form_nonce: str,
    lay_observation: Opportunity | None = None,
    flag_phrases: list[str] | None = None,
) -> bool:
    """Hold an anonymous online form until its hour is over; `answers` is a list of
    (key question or None, text), and the community is as feedback_record takes it.
    A visitor's form about a lay observation gives `lay_observation` instead of an
    event. Returns whether it is new: the same form sent twice (the same nonce) is kept
    once, whether or not it has been released yet. Words that suggest someone is at
    risk tell the duty inbox at once; a caller that has read those phrases already
    (all_safeguarding_phrases, kept as SAFEGUARDING_PHRASES) passes them as `flag_phrases`."""
    filled_in = [
        [key_question.pk if key_question else None, text.strip()]
        for key_question, text in answers
        if text.strip()
    ]
    flags = _safeguarding_phrases((text for _question, text in filled_in), flag_phrases)
    pending = PendingSubmission(
        event=event,
        lay_observation=lay_observation,
        community=community,
        another_community=another_community,
        answers=filled_in,
        form_nonce=form_nonce,
        received_hour=current_hour(),
        is_safeguarding_flagged=bool(flags),
        safeguarding_terms=", ".join(flags)[:300],
    )
    # Committed on its own: a visitor waits for no transaction. Inside a caller's
    # transaction, a savepoint keeps a refused form from breaking it.
    nested = transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic() if nested else nullcontext():
            is_new = _hold_unless_sent_before(pending)
    except IntegrityError:
        return False
    if not is_new:
        return False
    if flags:
        _alert_duty_officer_of_form(pending)
    return True


OUTBOX_TIMES = ("created_at", "claimed_at", "sent_at", "next_attempt_at")
FINISHED = (
    OutboxMessage.Status.SENT,
    OutboxMessage.Status.CANCELLED,
    OutboxMessage.Status.FAILED,
)


def _not_on_the_hour(field: str) -> Q:
    return Q(**{f"{field}__isnull": False}) & ~Q(**{field: TruncHour(field, tzinfo=UTC)})


def _keep_only_the_hour_on_finished_alerts(randomness: secrets.SystemRandom) -> int:
    """Cut the times of finished messages about anonymous forms to the hour. Messages
    still queued or being sent wait for a later release."""
    unrounded = Q()
    for field in OUTBOX_TIMES:
        unrounded |= _not_on_the_hour(field)
    messages = list(
        OutboxMessage.objects.select_for_update(skip_locked=True)
        .filter(from_anonymous_form=True, status__in=FINISHED)
        .filter(unrounded)
    )
    randomness.shuffle(messages)
    for message in messages:
        for field in OUTBOX_TIMES:
            if getattr(message, field) is not None:
                setattr(message, field, hour_of(getattr(message, field)))
        # PostgreSQL writes an updated row next to the old one when the page has room,
        # which would leave the message among the rows written around the same moment.
        # Written again, in random order, it goes where the release writes.
        OutboxMessage.objects.filter(pk=message.pk).delete()
        message.save(force_insert=True)
    return len(messages)


@transaction.atomic
def feedback_release_pending(*, now: datetime | None = None) -> int:
    """Store every held form whose hour is over as feedback, in a random order and in
    one transaction, and cut the times of finished alerts about anonymous forms to
    the hour. Returns how many forms were stored. Safe to run again or at the same
    time: forms another release holds are skipped, and a stored form is not stored
    twice."""
    randomness = secrets.SystemRandom()
    pending = list(
        PendingSubmission.objects.due(now)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("event__focus_community", "community", "lay_observation")
    )
    randomness.shuffle(pending)
    key_questions = KeyQuestion.objects.in_bulk(
        {question_id for form in pending for question_id, _text in form.answers if question_id}
    )
    already_stored = set(
        Submission.objects.filter(form_nonce__in=[form.form_nonce for form in pending]).values_list(
            "form_nonce", flat=True
        )
    )
    for form in pending:
        if form.form_nonce in already_stored:
            continue
        _store_form(
            source=Submission.Source.ONLINE_FORM,
            answers=[(key_questions.get(question_id), text) for question_id, text in form.answers],
            event=form.event,
            lay_observation=form.lay_observation,
            community=form.community,
            another_community=form.another_community,
            form_nonce=form.form_nonce,
            received_hour=form.received_hour,
            # A flagged form told the duty inbox when it arrived.
            alert_duty_officer=not form.is_safeguarding_flagged,
        )
    PendingSubmission.objects.filter(pk__in=[form.pk for form in pending]).delete()
    _keep_only_the_hour_on_finished_alerts(randomness)
    return len(pending)


@transaction.atomic
def feedback_tag(*, items, topics=(), workstreams=(), replace: bool = False) -> int:
    """Add topics and workstreams to many items at once; new items become tagged."""
    items = list(items)
    TopicLink = FeedbackItem.topics.through
    WorkstreamLink = FeedbackItem.workstreams.through
    if replace:
        TopicLink.objects.filter(feedbackitem__in=items).delete()
        WorkstreamLink.objects.filter(feedbackitem__in=items).delete()
    TopicLink.objects.bulk_create(
        [TopicLink(feedbackitem=item, topic=topic) for item in items for topic in topics],
        ignore_conflicts=True,
    )
    WorkstreamLink.objects.bulk_create(
        [
            WorkstreamLink(feedbackitem=item, workstream=workstream)
            for item in items
            for workstream in workstreams
        ],
        ignore_conflicts=True,
    )
    if topics or workstreams:
        FeedbackItem.objects.filter(
            pk__in=[item.pk for item in items], status=FeedbackItem.Status.NEW
        ).update(status=FeedbackItem.Status.TAGGED)
    # Links made in bulk send no signals.
    changed(FEEDBACK)
    return len(items)


@transaction.atomic
def feedback_save_tags(
    *,
    item: FeedbackItem,
    key_question: KeyQuestion | None = None,
    community: Community | None = None,
    topics=(),
    workstreams=(),
) -> FeedbackItem:
    """Set one item's key question, community, topics and workstreams, replacing what
    it had. A new item given a topic or a workstream becomes tagged. A community changed
    here was chosen by whoever tagged it, so the item no longer says it came from the
    person or the event."""
    # Read from the stored row: a model form has already put the new values on `item`.
    stored_community_id = FeedbackItem.objects.values_list("community_id", flat=True).get(
        pk=item.pk
    )
    if (community.pk if community else None) != stored_community_id:
        item.community_source = (
            FeedbackItem.CommunitySource.TAGGED
            if community
            else FeedbackItem.CommunitySource.NOT_KNOWN
        )
    item.key_question = key_question
    item.community = community
    if item.status == FeedbackItem.Status.NEW and (topics or workstreams):
        item.status = FeedbackItem.Status.TAGGED
    item.save(update_fields=["key_question", "community", "community_source", "status"])
    item.topics.set(topics)
    item.workstreams.set(workstreams)
    return item


@transaction.atomic
def feedback_set_aside(*, item: FeedbackItem, reason: str) -> FeedbackItem:
    item.status = FeedbackItem.Status.SET_ASIDE
    item.set_aside_reason = reason
    item.save(update_fields=["status", "set_aside_reason"])
    return item


@transaction.atomic
def feedback_restore(*, item: FeedbackItem) -> FeedbackItem:
    item.status = FeedbackItem.Status.TAGGED if item.topics.exists() else FeedbackItem.Status.NEW
    item.set_aside_reason = ""
    item.save(update_fields=["status", "set_aside_reason"])
    return item


@transaction.atomic
def feedback_redact(*, item: FeedbackItem, text: str) -> FeedbackItem:
    """Officers may only change what was said to take details out. The first version
    is kept, for Coordinators only."""
    if not item.original_text:
        item.original_text = item.text
    item.text = text.strip()
    item.was_redacted = True
    item.redaction_checked = True
    item.save(update_fields=["text", "original_text", "was_redacted", "redaction_checked"])
    return item


def feedback_mark_redaction_checked(*, item: FeedbackItem) -> FeedbackItem:
    """A person has checked that the right details were taken out of the text."""
    item.redaction_checked = True
    item.save(update_fields=["redaction_checked"])
    return item


def feedback_mark_flag_reviewed(*, item: FeedbackItem) -> FeedbackItem:
    """A person has read a flagged item and dealt with it."""
    item.safeguarding_reviewed = True
    item.save(update_fields=["safeguarding_reviewed"])
    return item


# Safeguarding flags by hand ----------------------------------------------------------


@transaction.atomic
def feedback_flag(*, item: FeedbackItem, by, note: str = "") -> SafeguardingFlagChange | None:
    """A person flags an item for safeguarding, having read something the list of
    words missed. Like a flag the words raise, it puts the item at the top of the inbox,
    waits for someone to deal with it, and tells the duty inbox. Returns the change
    recorded, or None if the item was flagged already."""
    already = (
        FeedbackItem.objects.select_for_update()
        .values_list("is_safeguarding_flagged", flat=True)
        .get(pk=item.pk)
    )
    if already:
        return None
    item.is_safeguarding_flagged = True
    item.safeguarding_reviewed = False
    item.save(update_fields=["is_safeguarding_flagged", "safeguarding_reviewed"])
    change = SafeguardingFlagChange.objects.create(
        item=item, flagged=True, reason=note.strip(), by=by
    )
    _alert_duty_officer(item, change)
    return change


@transaction.atomic
def feedback_unflag(*, item: FeedbackItem, by, reason: str) -> SafeguardingFlagChange | None:
    """A person removes a safeguarding flag, saying why; the reason is kept with who
    removed it and when. Returns the change recorded, or None if the item had no flag."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A flag is removed only with a reason.")
    flagged = (
        FeedbackItem.objects.select_for_update()
        .values_list("is_safeguarding_flagged", flat=True)
        .get(pk=item.pk)
    )
    if not flagged:
        return None
    item.is_safeguarding_flagged = False
    # Deciding that nobody needs to act is dealing with the flag.
    item.safeguarding_reviewed = True
    item.save(update_fields=["is_safeguarding_flagged", "safeguarding_reviewed"])
    return SafeguardingFlagChange.objects.create(item=item, flagged=False, reason=reason, by=by)
