"""The outbox. Every email goes through OutboxMessage: a change that causes an email
writes the message in its own transaction; after commit a Celery task claims and sends
it, with the other messages queued in the same transaction, one after another over one
connection to the mail server. If the broker is down or loses the task, or a worker
dies mid-send, the periodic sweep finds the message and sends it again. Staff mail
(safeguarding alerts, reminders to action owners) goes the same way, with no contact
attached."""

import contextlib
import functools
import logging
import os
import secrets
import smtplib
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from uuid import UUID

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import DatabaseError, IntegrityError, transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from contacts.models import Attendee, ConsentRecord, OutboxMessage
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
    _publish_on_commit(message.pk)
    return message


class _Publication:
    """The messages queued in one transaction, handed to Celery together when it
    commits, so that a fan-out to thousands makes tasks of OUTBOX_BATCH_SIZE messages
    rather than a task for each. Each message registers the publication as its own
    commit hook, so it is published whenever any of its messages is kept; the first
    hook to run publishes them all, and the others find nothing left. A message whose
    savepoint was rolled back may be published with the rest: there is no row to
    claim, so nothing is sent for it."""

    def __init__(self):
        self.message_ids = []

    def __call__(self):
        message_ids, self.message_ids = self.message_ids, []
        if message_ids:
            outbox_publish(message_ids=message_ids)


_publications = threading.local()


def _publish_on_commit(message_id: UUID) -> None:
    connection = transaction.get_connection()
    publication = getattr(_publications, "current", None)
    # The transaction's publication, while its hooks wait for the commit; after a
    # commit or a rollback they are gone and a new transaction starts a new one.
    if publication is None or not any(
        hook is publication for _savepoints, hook, _robust in reversed(connection.run_on_commit)
    ):
        publication = _publications.current = _Publication()
    publication.message_ids.append(message_id)
    transaction.on_commit(publication)


# A transaction that queues thousands of messages publishes them in many tasks. After
# a failure, publishing is not tried again for a short while, rather than once for each
# task, each try costing up to a connection timeout: the messages wait in the outbox
# for the sweep.
BROKER_RETRY_AFTER_SECONDS = 10.0
_broker_unreachable_until = 0.0


def outbox_publish(*, message_ids: Sequence[UUID | str], countdown: float = 0) -> int:
    """Hand messages to Celery, OUTBOX_BATCH_SIZE to a task, to be sent in `countdown`
    seconds. Never raises: if the broker is unreachable the messages stay queued in
    the database and the sweep sends them once it is back. Returns how many were
    handed over."""
    global _broker_unreachable_until
    # Imported here because tasks.py, a thin wrapper, imports this module.
    from contacts.tasks import send_outbox_messages

    uses_broker = not send_outbox_messages.app.conf.task_always_eager
    if uses_broker and time.monotonic() < _broker_unreachable_until:
        return 0
    # Task arguments travel as JSON, which has no UUID type.
    message_ids = [str(message_id) for message_id in message_ids]
    published = 0
    for start in range(0, len(message_ids), settings.OUTBOX_BATCH_SIZE):
        batch = message_ids[start : start + settings.OUTBOX_BATCH_SIZE]
        try:
            send_outbox_messages.apply_async((batch,), countdown=countdown or None, retry=False)
        except Exception:
            logger.warning(
                "The broker is unreachable; %d message(s) wait in the outbox for the sweep.",
                len(message_ids) - published,
            )
            if uses_broker:
                _broker_unreachable_until = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
            break
        published += len(batch)
    return published


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def _stuck_before(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)


def _claim(message_id: UUID | str, now: datetime) -> OutboxMessage | None:
    """Mark a message as being sent and read it, unless it is sent, cancelled, not yet
    due, or another worker holds it. One UPDATE does both: a second worker's UPDATE of
    the same row waits for the first and then finds it no longer claimable, so two
    workers never both claim a message. The message comes back with what its
    recipient's record says at this moment (see _recipient_columns). Written out in
    SQL because the ORM's update() cannot return rows, and this runs for every email."""
    Status = OutboxMessage.Status
    recipient_columns, recipient_params = _recipient_columns()
    claimed = OutboxMessage.objects.raw(
        "UPDATE contacts_outboxmessage "  # noqa: S608 (the columns are built from querysets)
        "SET status = %s, claimed_at = %s, attempts = attempts + 1 "
        "WHERE id = %s AND ((status = %s AND next_attempt_at <= %s) "
        f"OR (status = %s AND claimed_at < %s)) RETURNING *, {recipient_columns}",
        [
            *_db_values(
                Status.SENDING,
                now,
                _as_uuid(message_id),
                Status.QUEUED,
                now,
                Status.SENDING,
                _stuck_before(now),
            ),
            *recipient_params,
        ],
    )
    return next(iter(claimed), None)


@functools.cache
def _recipient_columns() -> tuple[str, list]:
    """Two columns for the claim to return, which answer Attendee.may_be_emailed_for's
    question in the same statement: `recipient_reachable` (the contact is not erased
    and has an address) and `recipient_consents` (they hold a live consent for the
    message's purpose). Built from the querysets that define both."""
    reachable, reachable_params = (
        Attendee.objects.not_erased().exclude(email="").order_by().values("id")
    ).query.sql_with_params()
    live, live_params = (
        ConsentRecord.objects.live().order_by().values("attendee_id", "purpose")
    ).query.sql_with_params()
    columns = (
        f"EXISTS (SELECT 1 FROM ({reachable}) reachable "  # noqa: S608
        "WHERE reachable.id = contacts_outboxmessage.attendee_id) AS recipient_reachable, "
        f"EXISTS (SELECT 1 FROM ({live}) live "
        "WHERE live.attendee_id = contacts_outboxmessage.attendee_id "
        "AND live.purpose = contacts_outboxmessage.consent_purpose) AS recipient_consents"
    )
    return columns, [*reachable_params, *live_params]


def _as_uuid(message_id: UUID | str) -> UUID:
    return message_id if isinstance(message_id, UUID) else UUID(str(message_id))


def _db_values(*values) -> list:
    """Parameters for SQL written out, in the form the database keeps them (SQLite
    keeps UUIDs and times as text)."""
    connection = transaction.get_connection()
    return [
        OutboxMessage._meta.pk.get_db_prep_value(value, connection)
        if isinstance(value, UUID)
        else connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime)
        else value
        for value in values
    ]


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


# The mail server connection ---------------------------------------------------------
# Each worker process keeps its connection to the mail server open from one message to
# the next, rather than connecting, greeting and quitting for every email. A connection
# left idle for EMAIL_CONNECTION_MAX_IDLE_SECONDS is closed before the next message, as
# mail servers drop idle clients; one the server closed anyway is opened again for the
# same message; after any other failure it is dropped, and the next message opens a
# fresh one.


class _OpenConnection(threading.local):
    backend: SmtpBackend | None = None
    made_with: tuple = ()
    process_id: int = 0
    last_used: float = 0.0


_open = _OpenConnection()


def _connection_settings() -> tuple:
    return (
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_HOST_PASSWORD,
        settings.EMAIL_USE_TLS,
        settings.EMAIL_USE_SSL,
        settings.EMAIL_TIMEOUT,
    )


def outbox_close_connection() -> None:
    """Say goodbye to the mail server, e.g. when the worker process stops."""
    backend, _open.backend = _open.backend, None
    if backend is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):  # dropped anyway
            backend.close()


def _reusable_connection() -> tuple[SmtpBackend, bool]:
    """The open SMTP connection and True, or a newly opened one and False. Kept only
    while the settings it was made with hold, within the process that made it (a
    forked worker must not write to its parent's socket), and while it is fresh."""
    made_with = _connection_settings()
    backend = _open.backend
    if backend is not None and (
        _open.made_with != made_with
        or _open.process_id != os.getpid()
        or time.monotonic() - _open.last_used > settings.EMAIL_CONNECTION_MAX_IDLE_SECONDS
    ):
        if _open.process_id == os.getpid():
            outbox_close_connection()
        _open.backend = backend = None
    if backend is not None:
        return backend, True
    backend = get_connection(timeout=settings.EMAIL_TIMEOUT)
    backend.open()
    _open.backend, _open.made_with, _open.process_id = backend, made_with, os.getpid()
    _open.last_used = time.monotonic()
    return backend, False


def _send_email(message: OutboxMessage) -> None:
    """Send one message, over the process's open SMTP connection when there is one.
    Other backends (files in development, memory in tests) get a connection each
    time, as connecting costs them nothing."""
    if not issubclass(_backend_class(settings.EMAIL_BACKEND), SmtpBackend):
        with get_connection(timeout=settings.EMAIL_TIMEOUT) as connection:
            _as_email(message, connection).send()
        return
    backend, reused = _reusable_connection()
    try:
        try:
            _as_email(message, backend).send()
        except (smtplib.SMTPException, ConnectionError) as error:
            if not (reused and _hung_up(error)):
                raise
            # The server closed a connection that had been fine, as servers do with
            # clients idle or connected for long: that says nothing about this
            # message, which goes again on a fresh connection.
            outbox_close_connection()
            backend, _reused = _reusable_connection()
            _as_email(message, backend).send()
    except BaseException:
        # A refusal, a timeout or a dropped line leaves the session in a state that is
        # not worth guessing; the next message starts afresh.
        outbox_close_connection()
        raise
    _open.last_used = time.monotonic()


def _hung_up(error: Exception) -> bool:
    """The server closed the connection, or said it was closing it (421)."""
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421
    return isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError)


@functools.cache
def _backend_class(path: str) -> type:
    return import_string(path)


def outbox_seconds_until_due(*, message_id: UUID | str) -> float:
    next_attempt_at = OutboxMessage.objects.values_list("next_attempt_at", flat=True).get(
        pk=message_id
    )
    return max((next_attempt_at - timezone.now()).total_seconds(), 0.0)


def outbox_send_batch(*, message_ids: Sequence[UUID | str]) -> dict[str, str]:
    """Send messages one after another, each as outbox_send does, over the worker's
    one connection to the mail server. Each is claimed just before it is sent and
    recorded as sent just after, so a worker that dies in the middle leaves at most the
    one message it was sending for the sweep to send again. Returns each message's
    outcome."""
    with _status_changes_not_waiting_for_disk():
        return {str(message_id): outbox_send(message_id=message_id) for message_id in message_ids}


@contextlib.contextmanager
def _status_changes_not_waiting_for_disk():
    """PostgreSQL need not wait for the disk before confirming the claims and the
    "sent" marks of a batch: otherwise two disk flushes per email take longer than
    sending it. The changes are visible to every other worker at once, so a message is
    still never claimed twice. If PostgreSQL itself crashes (not a restart) it may
    forget the last fraction of a second of them, and the sweep sends those messages
    again: at most a duplicate, as after a killed worker, never a loss, because the
    message was written for good when it was queued."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:
            # A broken connection is closed rather than kept with the setting on.
            connection.close()


def outbox_send(*, message_id: UUID | str) -> str:
    """Claim, check consent again, and send one message. Safe to call twice."""
    now = timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return SendOutcome.SKIPPED

    if message.consent_purpose and message.attendee_id is None:
        return _finish(message, OutboxMessage.Status.CANCELLED, "The recipient is gone.")
    if message.attendee_id is not None and not (
        message.recipient_reachable and (message.recipient_consents or not message.consent_purpose)
    ):
        return _finish(
            message,
            OutboxMessage.Status.CANCELLED,
            "The recipient no longer has a live consent for this email.",
        )

    try:
        _send_email(message)
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
    Status = OutboxMessage.Status
    sent_at = timezone.now() if status == Status.SENT else None
    # What _still_sending(message).update(...) does, written out as the claim is, since
    # this too runs for every email.
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(
            "UPDATE contacts_outboxmessage SET status = %s, last_error = %s, sent_at = %s "
            "WHERE id = %s AND status = %s AND claimed_at = %s",
            _db_values(status, reason, sent_at, message.pk, Status.SENDING, message.claimed_at),
        )
    return {
        Status.SENT: SendOutcome.SENT,
        Status.FAILED: SendOutcome.FAILED,
        Status.CANCELLED: SendOutcome.CANCELLED,
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
