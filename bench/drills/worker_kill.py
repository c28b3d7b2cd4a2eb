"""Drill: `kill -9` the Celery worker in the middle of a fan-out, start a new one.

An invitation to an event goes to 2,000 contacts (200 in a smoke run) through the app's
own fan-out (contacts.services.invitations.event_invite: one outbox message each,
published to Celery when the transaction commits), against a Redis of the drill's own
and an SMTP server that records each Message-ID. A worker started as `make worker`
starts it sends about a third, then it and its pool children are killed with SIGKILL.
A new worker is started, and the outbox sweep is published to the broker whenever the
queue runs dry, as beat does on its schedule, until every message is sent. A message
the killed worker was sending is sent again once it has been "sending" for
OUTBOX_STUCK_AFTER_SECONDS, shortened here from ten minutes to 15 seconds.

Promise: no message lost, and at most one duplicate for each message a worker was
sending when it was killed (it may have reached the mail server before the worker
could record it as sent).
"""

import contextlib
import json
import time
from pathlib import Path

from bench.drills.services import (
    CeleryProcess,
    celery_worker,
    delivery_check,
    mail_sink,
    outbox_message_ids,
    outbox_statuses,
    own_redis,
    publish_task,
    tail,
    wait_for,
)
from bench.harness import Figure, manage
from bench.production import production_setup

SEED = """
import json
from django.utils import timezone
from contacts.models import (
    PRIVACY_NOTICE_VERSION, Attendee, ConsentMethod, ConsentPurpose, ConsentRecord,
)
from contacts.services.invitations import event_invite
from events.tests.factories import EventFactory

event = EventFactory()
people = Attendee.objects.bulk_create(
    Attendee(name=f"Person {n}", email=f"person{n}@example.org", source=ConsentMethod.ONLINE)
    for n in range(COUNT)
)
ConsentRecord.objects.bulk_create(
    ConsentRecord(
        attendee=person, purpose=ConsentPurpose.EMAIL_UPDATES, method=ConsentMethod.ONLINE,
        notice_version=PRIVACY_NOTICE_VERSION, confirmed_at=timezone.now(),
    )
    for person in people
)
print(json.dumps({"invited": event_invite(event=event, attendees=Attendee.objects.all(), by=None)}))
"""

# OUTBOX_STUCK_AFTER_SECONDS (ten minutes by default) and OUTBOX_SWEEP_SECONDS (one),
# shortened so that the drill fits in a few minutes.
STUCK_AFTER_SECONDS = 15
SWEEP_SECONDS = 5


def run(smoke: bool) -> list[Figure]:
    drill_started = time.monotonic()
    count = 200 if smoke else 2000
    limit = 25 if smoke else 120  # seconds, for the new worker to finish the fan-out
    with (
        own_redis() as redis,
        mail_sink() as sink,
        production_setup(
            "worker-kill",
            collectstatic=False,
            REDIS_URL=redis.url,
            EMAIL_URL=sink.url,
            OUTBOX_STUCK_AFTER_SECONDS=STUCK_AFTER_SECONDS,
            OUTBOX_SWEEP_SECONDS=SWEEP_SECONDS,
        ) as (env, _port),
    ):
        folder = Path(env["VAR_DIR"])
        database = env["DATABASE_URL"]
        started = time.monotonic()
        seeded = json.loads(
            manage("shell", "-c", SEED.replace("COUNT", str(count)), env=env, capture=True)
            .strip()
            .splitlines()[-1]
        )
        expected = outbox_message_ids(database)
        print(
            f"  Invited {seeded['invited']} contacts to an event: {len(expected)} outbox "
            f"messages, {redis.queue_length()} tasks in Redis ({time.monotonic() - started:.0f} s)."
        )

        first = CeleryProcess(env, folder / "celery-first.log", "worker")
        try:
            first.wait_until_ready()
            sending_started = time.monotonic()
            try:
                wait_for(
                    lambda: sink.count() >= count // 3,
                    seconds=limit,
                    every=0.02,
                    what=f"a third of the {count} emails",
                )
            except TimeoutError:
                print(f"  The end of {first.log.name}:\n{tail(first.log)}")
                raise
            # Killed while it holds a message, when it can be caught doing so: the case
            # that can end in a duplicate.
            with contextlib.suppress(TimeoutError):
                wait_for(
                    lambda: bool(outbox_message_ids(database, "status = 'sending'")),
                    seconds=5,
                    every=0.005,
                    what="a message being sent",
                )
            first.kill_hard()
            killed_at = time.monotonic()
        finally:
            first.stop()
        delivered_before = sink.count()
        in_flight = outbox_message_ids(database, "status = 'sending'")
        rate = delivered_before / max(killed_at - sending_started, 0.001)
        print(
            f"  kill -9 of worker {first.pid} and its pool after {delivered_before} emails "
            f"({rate:.0f}/s): {len(in_flight)} message(s) were being sent, "
            f"{redis.queue_length()} tasks left in Redis."
        )

        sweeps = 0
        with celery_worker(env, folder, "second") as second:
            print(f"  Started worker {second.pid}; sweeping when the queue runs dry.")
            last_sweep = 0.0
            deadline = time.monotonic() + limit + STUCK_AFTER_SECONDS
            while time.monotonic() < deadline:
                statuses = outbox_statuses(database)
                if statuses["sent"] == len(expected):
                    break
                queue_dry = redis.queue_length() == 0
                if queue_dry and time.monotonic() - last_sweep >= SWEEP_SECONDS:
                    publish_task(redis.url, "contacts.tasks.sweep_outbox")
                    last_sweep = time.monotonic()
                    sweeps += 1
                time.sleep(0.5)
            # A duplicate would arrive after the database says "sent"; give it a moment.
            time.sleep(1)
        recovered_in = (sink.last_received_at() or killed_at) - killed_at
        statuses = outbox_statuses(database)
        drained = statuses["sent"] == len(expected)
        lost, duplicates = delivery_check(sink, expected)
        print(
            f"  Outbox: {dict(statuses)}; {sink.count()} emails received, {sweeps} sweep(s); "
            f"last email {recovered_in:.1f} s after the kill "
            f"(stuck messages are re-sent after {STUCK_AFTER_SECONDS} s)."
        )

    print(f"  Done in {time.monotonic() - drill_started:.0f} s, every process stopped.")
    return [
        Figure(f"worker kill: emails lost of {count}", "0", str(lost), lost == 0),
        Figure(
            "worker kill: duplicate emails",
            f"<= {len(in_flight)} (in flight)",
            str(duplicates),
            duplicates <= len(in_flight),
        ),
        Figure(
            "worker kill: kill to last email",
            f"< {limit + STUCK_AFTER_SECONDS} s",
            f"{recovered_in:.1f} s" if drained else f"{statuses['sent']} sent, then gave up",
            drained,
        ),
    ]
