"""What the outbox does when sending did not happen: the periodic sweep that picks up
messages a dead worker or a lost task left behind, a broker that is down or silent,
and the backlog that /healthz reports."""

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import OutboxMessage
from contacts.services import outbox as outbox_services
from contacts.services.outbox import outbox_publish, outbox_sweep
from contacts.tasks import sweep_outbox
from contacts.tests.delivery import celery_publishing_to
from contacts.tests.factories import AttendeeFactory, OutboxMessageFactory
from contacts.tests.helpers import queue_update, reload
from engagement.models import Heartbeat
from engagement.scheduler import OUTBOX_SWEEP
from engagement.tests.smtp import free_port

Status = OutboxMessage.Status


# The sweep ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweep_picks_up_only_stuck_and_lost_messages_in_one_query(
    settings, monkeypatch, django_assert_max_num_queries
):
    settings.OUTBOX_SWEEP_SECONDS = 60
    settings.OUTBOX_STUCK_AFTER_SECONDS = 600
    now = timezone.now()
    long_ago = now - timedelta(hours=1)
    stuck = OutboxMessageFactory.build_batch(
        100, status=Status.SENDING, claimed_at=now - timedelta(seconds=601)
    )
    lost = OutboxMessageFactory.build_batch(
        100, status=Status.QUEUED, next_attempt_at=now - timedelta(seconds=61)
    )
    left_alone = [
        # Queued a moment ago: its task is still on its way.
        OutboxMessageFactory.build(status=Status.QUEUED, next_attempt_at=now),
        # A worker is sending it right now.
        OutboxMessageFactory.build(status=Status.SENDING, claimed_at=now - timedelta(seconds=30)),
        # Waiting for its retry.
        OutboxMessageFactory.build(
            status=Status.QUEUED, next_attempt_at=now + timedelta(minutes=5)
        ),
        OutboxMessageFactory.build(status=Status.SENT, next_attempt_at=long_ago, sent_at=long_ago),
        OutboxMessageFactory.build(status=Status.FAILED, next_attempt_at=long_ago),
        OutboxMessageFactory.build(status=Status.CANCELLED, next_attempt_at=long_ago),
    ]
    OutboxMessage.objects.bulk_create(stuck + lost + left_alone)
    expected = set(
        OutboxMessage.objects.filter(
            dedupe_key__in=[m.dedupe_key for m in stuck + lost]
        ).values_list("pk", flat=True)
    )
    published = []
    monkeypatch.setattr(
        outbox_services,
        "outbox_publish",
        lambda *, message_ids: published.extend(message_ids) or len(message_ids),
    )

    with django_assert_max_num_queries(1):
        assert outbox_sweep(now=now) == 200
    assert set(published) == expected
    assert len(published) == 200


@pytest.mark.django_db
def test_the_sweep_sends_what_a_dead_worker_or_a_lost_task_left_behind(smtp_server, settings):
    settings.OUTBOX_SWEEP_SECONDS = 60
    settings.OUTBOX_STUCK_AFTER_SECONDS = 600
    now = timezone.now()
    stuck = queue_update(AttendeeFactory(email="stuck@example.org", subscribed=True), key="stuck")
    lost = queue_update(AttendeeFactory(email="lost@example.org", subscribed=True), key="lost")
    fresh = queue_update(AttendeeFactory(email="fresh@example.org", subscribed=True), key="fresh")
    OutboxMessage.objects.filter(pk=stuck.pk).update(
        status=Status.SENDING, attempts=1, claimed_at=now - timedelta(minutes=11)
    )
    OutboxMessage.objects.filter(pk=lost.pk).update(next_attempt_at=now - timedelta(minutes=2))

    assert outbox_sweep() == 2

    emails = smtp_server.wait_for(2)
    assert sorted(email["To"] for email in emails) == ["lost@example.org", "stuck@example.org"]
    assert reload(stuck).status == reload(lost).status == Status.SENT
    assert reload(stuck).attempts == 2
    assert reload(fresh).status == Status.QUEUED
    assert len(smtp_server.messages) == 2


# A broker that is down ---------------------------------------------------------------


@pytest.mark.django_db
def test_publishing_to_a_broker_that_is_down_neither_raises_nor_waits(
    smtp_server, django_capture_on_commit_callbacks
):
    sam = AttendeeFactory(subscribed=True)
    with celery_publishing_to(f"redis://127.0.0.1:{free_port()}/0"):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            message = queue_update(sam)
        elapsed = time.monotonic() - started
        assert outbox_publish(message_ids=[message.pk]) == 0
    assert elapsed < 1.5, f"the commit waited {elapsed:.1f} s for a broker that refuses"
    assert reload(message).status == Status.QUEUED
    assert reload(message).attempts == 0

    # Once the broker is back, the sweep sends what was left.
    assert outbox_sweep(now=timezone.now() + timedelta(hours=1)) == 1
    assert len(smtp_server.wait_for(1)) == 1
    assert reload(message).status == Status.SENT


@pytest.mark.django_db
def test_a_broker_that_never_answers_holds_up_a_transaction_only_briefly(
    django_capture_on_commit_callbacks,
):
    """A Redis that accepts connections but never replies (hung, or the wrong port)
    must not hang the request that queued mail, however many messages it queued."""
    attendees = AttendeeFactory.create_batch(20, subscribed=True)
    with django_capture_on_commit_callbacks() as callbacks:
        for number, attendee in enumerate(attendees):
            queue_update(attendee, key=f"update:{number}")
    assert len(callbacks) == 20

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    port = silent.getsockname()[1]
    finished, abandoned = threading.Event(), threading.Event()

    def commit_hooks():
        for callback in callbacks:
            if abandoned.is_set():
                return
            callback()
        finished.set()

    try:
        with celery_publishing_to(f"redis://127.0.0.1:{port}/0"):
            started = time.monotonic()
            threading.Thread(target=commit_hooks, daemon=True).start()
            done = finished.wait(timeout=10)
            elapsed = time.monotonic() - started
            # Once tasks run in-process again, the thread must not send anything.
            abandoned.set()
    finally:
        silent.close()
    assert done, "publishing hung on a broker that never answers"
    assert elapsed < 8, f"publishing 20 messages to a silent broker took {elapsed:.1f} s"
    assert OutboxMessage.objects.filter(status=Status.QUEUED).count() == 20


# Monitoring ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_health_reports_the_outbox_backlog(client):
    for status in ["queued", "queued", "failed", "sent"]:
        OutboxMessageFactory(status=status)
    oldest = OutboxMessage.objects.filter(status="queued").first()
    OutboxMessage.objects.filter(pk=oldest.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    outbox = client.get(reverse("healthz")).json()["outbox"]
    assert outbox["queued"] == 2
    assert outbox["failed"] == 1
    assert 290 <= outbox["oldest_queued_seconds"] <= 400


@pytest.mark.django_db
def test_the_sweep_task_beats_the_heart():
    sweep_outbox.delay()
    assert Heartbeat.objects.filter(name=OUTBOX_SWEEP).exists()
