"""Email delivery with real services: invitations published to Redis, sent by real
Celery workers against PostgreSQL, received by a real SMTP server. A worker killed
mid-batch, a broker that goes away, and recipients whose mail server refuses or
stalls must never lose an email, and must send each one once (a killed worker may
repeat only the one message it was sending)."""

import time
from collections import Counter

import pytest
import redis

from contacts.models import Attendee, OutboxMessage
from contacts.services.invitations import event_invite
from contacts.tests.delivery import (
    WORKER_OUTBOX_SETTINGS,
    celery_publishing_to,
    wait_for_workers,
    wait_until,
)
from contacts.tests.factories import AttendeeFactory
from engagement.tests.smtp import SmtpServer
from events.tests.factories import EventFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

Status = OutboxMessage.Status
MAX_ATTEMPTS = int(WORKER_OUTBOX_SETTINGS["OUTBOX_MAX_ATTEMPTS"])


def unfinished() -> int:
    return OutboxMessage.objects.filter(status__in=[Status.QUEUED, Status.SENDING]).count()


def received_by_address(smtp: SmtpServer) -> Counter:
    return Counter(str(message["To"]) for message in smtp.messages)


def test_a_worker_killed_mid_batch_loses_no_invitation(workers, redis_server, smtp, coordinator):
    event = EventFactory()
    contacts = AttendeeFactory.create_batch(500, subscribed=True)
    addresses = {contact.email for contact in contacts}

    with celery_publishing_to(redis_server.url):
        first = workers.start()  # no beat: what it sends, it got from the published tasks
        wait_for_workers(1, workers)

        started = time.monotonic()
        assert event_invite(event=event, attendees=Attendee.objects.all(), by=coordinator) == 500
        invited = time.monotonic()
        assert OutboxMessage.objects.count() == 500

        wait_until(lambda: len(smtp.messages) >= 100, timeout=60, what="100 invitations")
        workers.kill(first)
        killed = time.monotonic()
        sent_before_kill = len(smtp.messages)
        in_flight = set(
            OutboxMessage.objects.filter(status=Status.SENDING).values_list("to_address", flat=True)
        )
        assert sent_before_kill < 500, "the worker finished before it could be killed"
        assert len(in_flight) <= 1, "a solo worker sends one message at a time"

        workers.start(beat=True)
        wait_until(lambda: unfinished() == 0, timeout=120, what="the outbox to empty")
        done = time.monotonic()
        time.sleep(1)  # a late duplicate would arrive now

    received = received_by_address(smtp)
    duplicates = {address: count for address, count in received.items() if count > 1}
    print(
        f"\n500 invitations: queued and published in {invited - started:.2f} s; "
        f"{sent_before_kill} sent when the worker was killed after {killed - invited:.1f} s "
        f"(in flight: {len(in_flight)}); all sent {done - killed:.1f} s after the kill, "
        f"{done - invited:.1f} s in all; {len(duplicates)} duplicate(s)."
    )
    assert set(received) == addresses, f"lost: {sorted(addresses - set(received))[:10]}"
    assert set(duplicates) <= in_flight
    assert all(count == 2 for count in duplicates.values())
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_invitations_made_while_redis_is_down_are_sent_once_it_is_back(
    workers, redis_server, smtp, coordinator
):
    event = EventFactory()
    early = AttendeeFactory.create_batch(5, subscribed=True)
    broker = redis.Redis(host="127.0.0.1", port=redis_server.port, socket_timeout=2)

    with celery_publishing_to(redis_server.url):
        # Published while no worker runs; lost when Redis stops, as it keeps nothing on disk.
        invite = Attendee.objects.filter(pk__in=[contact.pk for contact in early])
        assert event_invite(event=event, attendees=invite, by=coordinator) == 5
        assert broker.llen("celery") == 1, "one task for the five, queued together"

        redis_server.stop()
        later = AttendeeFactory.create_batch(200, subscribed=True)
        started = time.monotonic()
        assert event_invite(event=event, attendees=Attendee.objects.all(), by=coordinator) == 200
        invite_seconds = time.monotonic() - started

        assert OutboxMessage.objects.filter(status=Status.QUEUED, attempts=0).count() == 205
        assert invite_seconds < 5, f"inviting with Redis down took {invite_seconds:.1f} s"

        redis_server.start()
        assert broker.llen("celery") == 0, "the restarted Redis still held the tasks"
        back = time.monotonic()
        workers.start(beat=True)
        wait_until(lambda: unfinished() == 0, timeout=90, what="the outbox to empty")
        done = time.monotonic()
        time.sleep(1)

    print(
        f"\nRedis down: 200 invitations queued in {invite_seconds:.2f} s; "
        f"205 sent by the sweep {done - back:.1f} s after Redis came back."
    )
    received = received_by_address(smtp)
    assert set(received) == {contact.email for contact in early + later}
    assert set(received.values()) == {1}
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_refused_and_a_stalled_recipient_fail_without_holding_up_the_rest(
    workers, redis_server, smtp, coordinator
):
    # Made first, so that their tasks are first in the queue.
    refused, stalled = AttendeeFactory.create_batch(2, subscribed=True)
    good = AttendeeFactory.create_batch(48, subscribed=True)
    smtp.handler.refuse.add(refused.email)
    smtp.handler.stall.add(stalled.email)
    smtp.handler.stall_seconds = 2 * int(WORKER_OUTBOX_SETTINGS["EMAIL_TIMEOUT"]) + 1
    event = EventFactory()

    with celery_publishing_to(redis_server.url):
        workers.start(beat=True)
        workers.start()
        wait_for_workers(2, workers)

        started = time.monotonic()
        assert event_invite(event=event, attendees=Attendee.objects.all(), by=coordinator) == 50
        wait_until(lambda: len(smtp.messages) >= 48, timeout=30, what="the 48 good invitations")
        good_done = time.monotonic()
        failing = OutboxMessage.objects.filter(attendee__in=[refused, stalled])
        still_trying = failing.exclude(status=Status.FAILED).count()

        wait_until(
            lambda: failing.filter(status=Status.FAILED).count() == 2,
            timeout=60,
            what="both failing recipients to be given up on",
        )
        failed_done = time.monotonic()
        time.sleep(1)

    print(
        f"\nRefused and stalled recipients: the 48 others delivered in {good_done - started:.1f} s;"
        f" both failing ones given up after {failed_done - started:.1f} s."
    )
    assert still_trying >= 1, "the good invitations waited for the failing ones to give up"
    assert good_done - started < 10
    received = received_by_address(smtp)
    assert set(received) == {contact.email for contact in good}
    assert set(received.values()) == {1}
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == 48

    refused_message = failing.get(attendee=refused)
    assert refused_message.attempts == MAX_ATTEMPTS
    assert "SMTPRecipientsRefused" in refused_message.last_error
    assert "550" in refused_message.last_error
    assert refused.email not in refused_message.last_error
    stalled_message = failing.get(attendee=stalled)
    assert stalled_message.attempts == MAX_ATTEMPTS
    assert "timed out" in stalled_message.last_error
