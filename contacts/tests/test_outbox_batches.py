"""How the outbox sends many messages quickly: the messages one transaction queues
are published together, OUTBOX_BATCH_SIZE to a task; a worker keeps one connection to
the mail server from message to message and opens it again when the server closes it;
and the claims and "sent" marks of a batch do not wait for PostgreSQL's disk."""

import threading
import time

import pytest
from aiosmtpd.controller import Controller
from django.db import connection, transaction

from conftest import require_service
from contacts import tasks
from contacts.models import OutboxMessage
from contacts.services import outbox as outbox_services
from contacts.services.outbox import SendOutcome, outbox_send, outbox_send_batch
from contacts.tests.factories import AttendeeFactory
from contacts.tests.helpers import queue_update, reload
from engagement.tests.smtp import RecordingHandler, free_port

Status = OutboxMessage.Status


@pytest.fixture(autouse=True)
def _no_connection_left_open():
    outbox_services.outbox_close_connection()
    yield
    outbox_services.outbox_close_connection()


def connections_used(smtp_server, monkeypatch) -> list:
    """The client address of the connection each message arrived on, in order."""
    peers = []
    record = smtp_server.handler.handle_DATA

    async def handle_DATA(server, session, envelope):
        peers.append(session.peer)
        return await record(server, session, envelope)

    monkeypatch.setattr(smtp_server.handler, "handle_DATA", handle_DATA)
    return peers


def queue_for(count: int, *, start: int = 0) -> list[OutboxMessage]:
    return [
        queue_update(
            AttendeeFactory(email=f"person{number}@example.org", subscribed=True),
            key=f"update:{number}",
        )
        for number in range(start, start + count)
    ]


# One connection to the mail server ------------------------------------------------


@pytest.mark.django_db
def test_a_worker_sends_message_after_message_over_one_connection(smtp_server, monkeypatch):
    peers = connections_used(smtp_server, monkeypatch)
    first, second = queue_for(3), queue_for(2, start=3)

    assert set(outbox_send_batch(message_ids=[m.pk for m in first]).values()) == {SendOutcome.SENT}
    # The next task finds the connection still open.
    assert set(outbox_send_batch(message_ids=[m.pk for m in second]).values()) == {SendOutcome.SENT}

    assert len(smtp_server.wait_for(5)) == 5
    assert len(peers) == 5
    assert len(set(peers)) == 1


@pytest.mark.django_db
def test_a_connection_idle_too_long_is_not_used_again(smtp_server, monkeypatch, settings):
    settings.EMAIL_CONNECTION_MAX_IDLE_SECONDS = 0
    peers = connections_used(smtp_server, monkeypatch)
    messages = queue_for(2)

    for message in messages:
        assert outbox_send(message_id=message.pk) == SendOutcome.SENT

    smtp_server.wait_for(2)
    assert len(set(peers)) == 2


@pytest.mark.django_db
def test_after_a_refusal_the_next_message_starts_a_fresh_connection(smtp_server):
    refused, accepted = queue_for(2)
    smtp_server.handler.refuse.add(refused.to_address)

    outcomes = outbox_send_batch(message_ids=[refused.pk, accepted.pk])

    assert outcomes == {str(refused.pk): SendOutcome.RETRY, str(accepted.pk): SendOutcome.SENT}
    assert reload(refused).status == Status.QUEUED
    assert "550" in reload(refused).last_error
    (email,) = smtp_server.wait_for(1)
    assert email["To"] == accepted.to_address
    assert reload(accepted).attempts == 1


@pytest.fixture
def impatient_smtp_server(settings):
    """A mail server that closes a connection left idle for a fraction of a second, as
    real ones do after a few minutes."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), timeout=0.3)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.EMAIL_TIMEOUT = 5
    yield handler
    controller.stop()


@pytest.mark.django_db
def test_a_connection_the_server_closed_is_opened_again_for_the_same_message(
    impatient_smtp_server,
):
    before, after = queue_for(2)
    assert outbox_send(message_id=before.pk) == SendOutcome.SENT
    time.sleep(0.8)  # the server hangs up

    assert outbox_send(message_id=after.pk) == SendOutcome.SENT

    assert [str(email["To"]) for email in impatient_smtp_server.messages] == [
        before.to_address,
        after.to_address,
    ]
    # Sent on its first attempt: a closed connection is not the message's failure.
    assert reload(after).attempts == 1
    assert reload(after).last_error == ""


class TiredHandler(RecordingHandler):
    """Takes one message on each connection, then answers 421, as servers that limit
    the messages on one connection do."""

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        session.messages = getattr(session, "messages", 0) + 1
        if session.messages > 1:
            return "421 4.7.0 Too many messages on this connection, try again"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"


@pytest.mark.django_db
def test_a_server_that_says_it_is_closing_the_connection_gets_the_message_on_a_new_one(
    settings,
):
    handler = TiredHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.EMAIL_TIMEOUT = 5
    try:
        messages = queue_for(3)
        outcomes = outbox_send_batch(message_ids=[message.pk for message in messages])
    finally:
        controller.stop()

    assert set(outcomes.values()) == {SendOutcome.SENT}
    assert len(handler.messages) == 3
    assert {reload(message).attempts for message in messages} == {1}


# Publishing in batches -------------------------------------------------------------


@pytest.fixture
def published(monkeypatch) -> list:
    """The batches handed to Celery, with their countdowns, instead of sending them."""
    batches = []
    monkeypatch.setattr(
        tasks.send_outbox_messages,
        "apply_async",
        lambda args, countdown=None, **options: batches.append((args[0], countdown)),
    )
    return batches


@pytest.mark.django_db
def test_what_one_transaction_queues_is_published_in_batches(
    published, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_BATCH_SIZE = 50
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        messages = queue_for(120)
        assert published == [], "published before the commit"

    assert [len(batch) for batch, _countdown in published] == [50, 50, 20]
    assert [message_id for batch, _ in published for message_id in batch] == [
        str(message.pk) for message in messages
    ]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_does_not_hold_back_the_rest(published):
    with transaction.atomic():
        kept = queue_for(1)
        with pytest.raises(RuntimeError), transaction.atomic():
            queue_for(1, start=1)
            raise RuntimeError("this part of the change failed")
        kept += queue_for(1, start=2)
    with transaction.atomic():
        later = queue_for(1, start=3)

    assert OutboxMessage.objects.count() == 3
    # The rolled-back message may travel with the rest; with no row it sends nothing.
    first, second = (batch for batch, _countdown in published)
    assert {str(message.pk) for message in kept} <= set(first)
    assert second == [str(later[0].pk)]


@pytest.mark.django_db(transaction=True)
def test_a_transaction_rolled_back_publishes_nothing(published):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_for(2)
        raise RuntimeError("the change failed")
    with transaction.atomic():
        (message,) = queue_for(1, start=2)

    assert published == [([str(message.pk)], None)]


@pytest.mark.django_db
def test_a_message_to_try_again_gets_a_task_of_its_own_when_its_backoff_ends(
    smtp_server, monkeypatch, settings
):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    refused, accepted = queue_for(2)
    smtp_server.handler.refuse.add(refused.to_address)
    retries = []
    monkeypatch.setattr(
        tasks,
        "outbox_publish",
        lambda *, message_ids, countdown: retries.append((message_ids, countdown)),
    )

    # Called as a worker calls it, not in-process.
    assert tasks.send_outbox_messages([str(refused.pk), str(accepted.pk)]) == {
        SendOutcome.RETRY: 1,
        SendOutcome.SENT: 1,
    }

    [(message_ids, countdown)] = retries
    assert message_ids == [str(refused.pk)]
    assert 58 <= countdown <= 60


# Not waiting for the disk ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_batch_does_not_wait_for_the_disk_and_puts_the_setting_back(published, monkeypatch):
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    messages = queue_for(2)
    during = []

    def send(message):
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            during.append(cursor.fetchone()[0])

    monkeypatch.setattr(outbox_services, "_send_email", send)
    outbox_send_batch(message_ids=[message.pk for message in messages])

    assert during == ["off", "off"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    assert {reload(message).status for message in messages} == {Status.SENT}


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_one_message_at_once_send_it_once(published, monkeypatch):
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    (message,) = queue_for(1)
    sent, start = [], threading.Barrier(2)
    monkeypatch.setattr(outbox_services, "_send_email", lambda message: sent.append(message.pk))

    def worker(outcomes):
        start.wait()
        try:
            outcomes.append(outbox_send_batch(message_ids=[message.pk])[str(message.pk)])
        finally:
            connection.close()

    outcomes = []
    threads = [threading.Thread(target=worker, args=(outcomes,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == [SendOutcome.SENT, SendOutcome.SKIPPED]
    assert sent == [message.pk]
    assert reload(message).attempts == 1
