from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from engagement.services import outbox_enqueue
from feedback.models import FeedbackItem, SafeguardingTerm, Submission
from feedback.text import matching_phrases, redact_personal_details


def current_hour():
    """The time to the hour: all that is kept of when anything was said."""
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def _alert_duty_officer(item: FeedbackItem) -> None:
    if not settings.SAFEGUARDING_EMAIL:
        return
    outbox_enqueue(
        dedupe_key=f"safeguarding:{item.pk}",
        to_address=settings.SAFEGUARDING_EMAIL,
        template="safeguarding_alert",
        context={
            "item": item,
            "item_url": f"{settings.SITE_URL}{reverse('feedback:item', kwargs={'pk': item.pk})}",
        },
    )


@transaction.atomic
def feedback_record(
    *,
    text: str,
    source: str,
    event=None,
    key_question=None,
    community=None,
    recorded_by=None,
    submission: Submission | None = None,
    client_reference: str | None = None,
    topics=(),
) -> FeedbackItem:
    """Store one point. Personal details are taken out of the text at once (the
    original is kept for Coordinators to check), and words that suggest someone is at
    risk raise a flag for a person to look at. The same client reference, sent again
    by a device that lost its connection, returns the item already stored."""
    if client_reference:
        existing = FeedbackItem.objects.filter(client_reference=client_reference).first()
        if existing is not None:
            return existing
    text = text.strip()
    redaction = redact_personal_details(text)
    flags = matching_phrases(text, SafeguardingTerm.objects.values_list("phrase", flat=True))
    if community is None and event is not None:
        community = event.focus_community
    try:
        with transaction.atomic():
            item = FeedbackItem.objects.create(
                text=redaction.text,
                original_text=text if redaction.changed else "",
                was_redacted=redaction.changed,
                source=source,
                event=event,
                key_question=key_question,
                community=community,
                recorded_by=recorded_by,
                submission=submission,
                client_reference=client_reference or None,
                received_hour=current_hour(),
                is_safeguarding_flagged=bool(flags),
                safeguarding_terms=", ".join(flags)[:300],
                status=FeedbackItem.Status.TAGGED if topics else FeedbackItem.Status.NEW,
            )
    except IntegrityError:
        # The same note arrived twice at once; the other request stored it.
        return FeedbackItem.objects.get(client_reference=client_reference)
    if key_question is not None and key_question.workstream_id:
        item.workstreams.add(key_question.workstream_id)
    if topics:
        item.topics.set(topics)
    if flags:
        _alert_duty_officer(item)
    return item


@transaction.atomic
def feedback_submit_form(
    *, source: str, answers, event=None, community=None, form_nonce: str
) -> tuple[Submission, bool]:
    """Store one filled-in form: `answers` is a list of (key question or None, text).
    Returns the submission and whether it is new; sending the same form twice (the
    same nonce) stores it once."""
    existing = Submission.objects.filter(form_nonce=form_nonce).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                event=event, source=source, received_hour=current_hour(), form_nonce=form_nonce
            )
    except IntegrityError:
        return Submission.objects.get(form_nonce=form_nonce), False
    for key_question, text in answers:
        if text.strip():
            feedback_record(
                text=text,
                source=source,
                event=event,
                key_question=key_question,
                community=community,
                submission=submission,
            )
    return submission, True


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
    return len(items)


@transaction.atomic
def feedback_save_tags(*, form) -> FeedbackItem:
    """Save one item's tags from a valid FeedbackItemForm; a new item becomes tagged."""
    item = form.save()
    if item.status == FeedbackItem.Status.NEW and (
        item.topics.exists() or item.workstreams.exists()
    ):
        item.status = FeedbackItem.Status.TAGGED
        item.save(update_fields=["status"])
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


def feedback_mark_checked(*, item: FeedbackItem, redaction: bool = False, flag: bool = False):
    if redaction:
        item.redaction_checked = True
    if flag:
        item.safeguarding_reviewed = True
    item.save(update_fields=["redaction_checked", "safeguarding_reviewed"])
    return item
