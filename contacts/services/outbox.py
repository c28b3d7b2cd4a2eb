"""The outbox. Every email goes through OutboxMessage: a change that causes an email
writes the message in its own transaction; after commit a Celery task claims and sends
it. If the broker is down or loses the task, or a worker dies mid-send, the periodic
sweep finds the message and sends it again. Staff mail (safeguarding alerts, reminders
to action owners) goes the same way, with no contact attached."""

import logging
import secrets
import smtplib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from uuid import UUID

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from contacts.models import Attendee, OutboxMessage
from engagement.languages import (
    DEFAULT_LANGUAGE,
    is_public_path,
    language_path,
    split_language_prefix,
    usable_language,
)

logger = logging.getLogger(__name__)


class SendOutcome:
    SENT = "sent"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


def _render_email(template: str, context: dict, language: str) -> tuple[str, str, str]:
    context = {
        "site_url": settings.SITE_URL,
        "organisation_name": settings.ORGANISATION_NAME,
        **_links_in_language(context, language),
    }
    with translation.override(language):
        subject = " ".join(_render_plain_text(f"email/{template}_subject.txt", context).split())
        body_text = _render_plain_text(f"email/{template}.txt", context)
        body_html = render_to_string(f"email/{template}.html", context)
    return subject, body_text, body_html


def _links_in_language(value, language: str):
    """Links to the site in an email lead to its reader's language: a public page's
    address gets the language's prefix, and a staff page's never has one, whatever
    language was active where the link was made."""
    if isinstance(value, str):
        if not value.startswith(f"{settings.SITE_URL}/"):
            return value
        path = value[len(settings.SITE_URL) :]
        _prefix, unprefixed = split_language_prefix(path)
        target = language if is_public_path(unprefixed) else DEFAULT_LANGUAGE
        return f"{settings.SITE_URL}{language_path(unprefixed, target)}"
    if isinstance(value, dict):
        return {key: _links_in_language(item, language) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_links_in_language(item, language) for item in value)
    return value


def email_language(*, attendee: Attendee | None, language: str | None) -> str:
    """The language an email is written in: the one asked for, else its contact's
    choice, else English (staff mail). A language since turned off becomes English."""
    if language is None and attendee is not None:
        language = attendee.language
    return usable_language(language)


def _render_plain_text(name: str, context: dict) -> str:
    """A subject or plain-text body, without HTML escaping: "O'Brien" must not arrive
    as "O&#x27;Brien". Only the HTML part escapes what it quotes."""
    return get_template(name).template.render(Context(context, autoescape=False))


def _new_message_id() -> str:
    # Random only: the standard library's make_msgid puts the time in it, and this value
    # is stored with the message.
    domain = urlsplit(settings.SITE_URL).hostname or "community-voice.localhost"
    return f"<{secrets.token_hex(16)}.cv@{domain}>"


def outbox_enqueue(
    *,
    dedupe_key: str,
    to_address: str,
    template: str,
    context: dict,
    consent_purpose: str = "",
    attendee: Attendee | None = None,
    unsubscribe_url: str = "",
    attachment: Attachment | None = None,
    from_anonymous_form: bool = False,
    language: str | None = None,
) -> OutboxMessage:
    """Queue one email. Call it inside the transaction that makes the change the email
    is about. The same dedupe key never queues a second message. It is written in
    `language`, or else in its contact's language, or else in English."""
    existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    subject, body_text, body_html = _render_email(
        template,
        {**context, "unsubscribe_url": unsubscribe_url},
        email_language(attendee=attendee, language=language),
    )
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                dedupe_key=dedupe_key,
                to_address=to_address,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                consent_purpose=consent_purpose,
                attendee=attendee,
                unsubscribe_url=unsubscribe_url,
                message_id=_new_message_id(),
                attachment_name=attachment.filename if attachment else "",
                attachment_content=attachment.content if attachment else "",
                attachment_mimetype=attachment.mimetype if attachment else "",
                from_anonymous_form=from_anonymous_form,
            )
    except IntegrityError:
        # Another request queued the same message a moment ago.
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: outbox_publish(message_ids=[message.pk]))
    return message


# Each message is published by its own on-commit hook, so one transaction that queues
# hundreds of messages (an invitation) would try a broker that is down hundreds of
# times, each try costing up to a connection timeout. After a failure, publishing is
# not tried again for a short while: the messages wait in the outbox for the sweep.
BROKER_RETRY_AFTER_SECONDS = 10.0
_broker_unreachable_until = 0.0


def outbox_publish(*, message_ids: Sequence[UUID | str]) -> int:
    """Hand messages to Celery. Never raises: if the broker is unreachable the messages
    stay queued in the database and the sweep sends them once it is back."""
    global _broker_unreachable_until
    # Imported here because tasks.py, a thin wrapper, imports this module.
    from contacts.tasks import send_outbox_message

    uses_broker = not send_outbox_message.app.conf.task_always_eager
    if uses_broker and time.monotonic() < _broker_unreachable_until:
        return 0
    published = 0
    for message_id in message_ids:
        try:
            # Task arguments travel as JSON, which has no UUID type.
            send_outbox_message.apply_async((str(message_id),), retry=False)
        except Exception:
            logger.warning(
                "The broker is unreachable; %d message(s) wait in the outbox for the sweep.",
                len(message_ids) - published,
            )
            if uses_broker:
                _broker_unreachable_until = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
            break
        published += 1
    return published


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def _stuck_before(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)


def _claim(message_id: UUID | str, now: datetime) -> OutboxMessage | None:
    """Mark a message as being sent, unless it is sent, cancelled, not yet due, or
    another worker holds it. SKIP LOCKED lets many workers claim side by side."""
    with transaction.atomic():
        message = (
            # Only the message row: PostgreSQL cannot lock the nullable side of the
            # outer join that select_related("attendee") makes.
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=message_id)
            .filter(
                Q(status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now)
                | Q(status=OutboxMessage.Status.SENDING, claimed_at__lt=_stuck_before(now))
            )
            .select_related("attendee")
            .first()
        )
        if message is None:
            return None
        message.status = OutboxMessage.Status.SENDING
        message.claimed_at = now
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts"])
    return message


def _as_email(message: OutboxMessage, connection) -> EmailMultiAlternatives:
    headers = {"Message-ID": message.message_id}
    if message.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_address],
        headers=headers,
        connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.attachment_name:
        email.attach(
            message.attachment_name, message.attachment_content, message.attachment_mimetype
        )
    return email


def outbox_seconds_until_due(*, message_id: UUID | str) -> float:
    next_attempt_at = OutboxMessage.objects.values_list("next_attempt_at", flat=True).get(
        pk=message_id
    )
    return max((next_attempt_at - timezone.now()).total_seconds(), 0.0)


def outbox_send(*, message_id: UUID | str) -> str:
    """Claim, check consent again, and send one message. Safe to call twice."""
    now = timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return SendOutcome.SKIPPED

    if message.consent_purpose and message.attendee_id is None:
        return _finish(message, OutboxMessage.Status.CANCELLED, "The recipient is gone.")
    if message.attendee is not None and not message.attendee.may_be_emailed_for(
        message.consent_purpose
    ):
        return _finish(
            message,
            OutboxMessage.Status.CANCELLED,
            "The recipient no longer has a live consent for this email.",
        )

    try:
        with get_connection(timeout=settings.EMAIL_TIMEOUT) as connection:
            _as_email(message, connection).send()
    except (smtplib.SMTPException, OSError) as error:
        reason = f"{type(error).__name__}: {error}"
        if message.to_address:
            # Mail servers name the recipient in their errors; the outbox keeps no
            # address outside to_address, which erasure scrubs.
            reason = reason.replace(message.to_address, message.masked_address)
        reason = reason[:1000]
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            return _finish(message, OutboxMessage.Status.FAILED, reason)
        _still_sending(message).update(
            status=OutboxMessage.Status.QUEUED,
            last_error=reason,
            next_attempt_at=timezone.now() + _retry_delay(message.attempts),
        )
        return SendOutcome.RETRY
    return _finish(message, OutboxMessage.Status.SENT, "")


def _still_sending(message: OutboxMessage):
    """The message, unless someone changed it while it was being sent: an erasure
    cancels it, and that must not be overwritten."""
    return OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.SENDING, claimed_at=message.claimed_at
    )


def _finish(message: OutboxMessage, status: str, reason: str) -> str:
    _still_sending(message).update(
        status=status,
        last_error=reason,
        sent_at=timezone.now() if status == OutboxMessage.Status.SENT else None,
    )
    return {
        OutboxMessage.Status.SENT: SendOutcome.SENT,
        OutboxMessage.Status.FAILED: SendOutcome.FAILED,
        OutboxMessage.Status.CANCELLED: SendOutcome.CANCELLED,
    }[status]


def outbox_sweep(*, now: datetime | None = None) -> int:
    """Re-publish what should have been sent by now: messages whose task was lost
    (broker down or restarted) and messages a dead worker left half-sent."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.OUTBOX_SWEEP_SECONDS)
    stuck = OutboxMessage.objects.stuck(older_than=_stuck_before(now))
    lost = OutboxMessage.objects.due(now - grace)
    message_ids = list(
        (stuck | lost).order_by("next_attempt_at").values_list("pk", flat=True)[:5000]
    )
    return outbox_publish(message_ids=message_ids)


def outbox_cancel_for_attendee(*, attendee_id: int, reason: str) -> int:
    """Stop everything still queued for one person, e.g. when they erase their data."""
    return OutboxMessage.objects.filter(
        attendee_id=attendee_id,
        status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.SENDING],
    ).update(status=OutboxMessage.Status.CANCELLED, last_error=reason)


def outbox_cancel_queued(
    *, dedupe_key_prefix: str, reason: str, attendee_id: int | None = None
) -> int:
    """Stop what is still queued under one start of dedupe key, such as every email
    about one lay observation, or, with `attendee_id`, one person's."""
    messages = OutboxMessage.objects.filter(
        dedupe_key__startswith=dedupe_key_prefix,
        status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.SENDING],
    )
    if attendee_id is not None:
        messages = messages.filter(attendee_id=attendee_id)
    return messages.update(status=OutboxMessage.Status.CANCELLED, last_error=reason)


def outbox_scrub_for_attendee(*, attendee_id: int) -> int:
    """Remove everything personal from the messages of a person who erased their data,
    keeping only that a message existed and how it went, for counts."""
    return OutboxMessage.objects.filter(attendee_id=attendee_id).update(
        to_address="erased@invalid",
        subject="",
        body_text="",
        body_html="",
        attachment_content="",
        unsubscribe_url="",
        last_error="",
    )
