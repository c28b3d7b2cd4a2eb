"""Drill: Redis stops for 30 seconds (5 in a smoke run) while the public fill in forms
and a Coordinator sends invitations.

gunicorn (2 workers), a Celery worker and beat (sweeping the outbox every 5 seconds
rather than 60, OUTBOX_SWEEP_SECONDS) run against a Redis of the drill's own, which is
the cache and the broker, with nothing kept on disk. The worker is started again when
it exits with a failure, as its service is (deploy/community-voice-worker.service,
Restart=on-failure): Celery 5.7 on kombu 5.7 sometimes exits when Redis goes away while
it holds an unacknowledged task, and the table counts those restarts.

Three people fill in an event's anonymous feedback form over and over (one of them
writes words that alert the duty inbox, so the public queue emails too).
Redis is stopped with SIGTERM and started again on the same port, empty, as a Redis
without persistence comes back. In the middle of the outage a Coordinator, signed in
through the sign-in page, invites the event's contacts through the staff pages.

Promises: no public form fails, every request is answered in under a second, and
once Redis is back every email (the invitations and the duty alerts) arrives exactly
once.
"""

import json
import re
import time
from pathlib import Path

import httpx

from bench.drills.services import (
    TRACEBACK,
    browser,
    celery_beat,
    collect_static_uncompressed,
    delivery_check,
    form_crowd,
    mail_sink,
    outbox_message_ids,
    outbox_statuses,
    own_redis,
    supervised_worker,
    tail,
    wait_for,
)
from bench.harness import Figure, manage
from bench.production import production_setup, running_gunicorn

CONTACTS = 5
SEED = f"""
import json
from contacts.tests.factories import AttendeeFactory
from engagement.roles import Role
from engagement.tests.factories import ProgrammeFactory, UserFactory
from events.tests.factories import EventFactory

ProgrammeFactory()
held = EventFactory(past=True)
upcoming = EventFactory()
for _ in range({CONTACTS}):
    AttendeeFactory(subscribed=True)
UserFactory(username="drill-coordinator", roles=[Role.COORDINATOR])
print(json.dumps({{"token": held.feedback_token, "event": upcoming.pk}}))
"""
PASSWORD = "correct-horse-battery-staple"  # engagement.tests.factories.TEST_PASSWORD
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEND_FORM = re.compile(r'<form method="post" action="([^"]*/invite/send/)">(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
WORRIED = "I am worried: my neighbour is being threatened."


def sign_in(staff: httpx.Client) -> None:
    page = staff.get("/accounts/login/")
    signed_in = staff.post(
        "/accounts/login/",
        data={
            "csrfmiddlewaretoken": CSRF_TOKEN.search(page.text).group(1),
            "username": "drill-coordinator",
            "password": PASSWORD,
        },
    )
    if signed_in.status_code != 302:
        raise RuntimeError(f"Signing in answered {signed_in.status_code}.")


def invite_everyone(staff: httpx.Client, event: int) -> tuple[int, float, str]:
    """The Coordinator opens the event's invitation page for everyone opted in, and
    presses send. Returns the status of the send, the time both requests took, and the
    message the staff page then shows."""
    started = time.monotonic()
    page = staff.get(f"/staff/events/{event}/invite/", params={"community": "", "interest": ""})
    action, fields = SEND_FORM.search(page.text).groups()
    data = dict(HIDDEN.findall(fields))
    sent = staff.post(action, data=data)
    took = time.monotonic() - started
    shown = staff.get(sent.headers["location"]).text if sent.status_code == 302 else sent.text
    message = re.search(r"Invitations are on their way to \d+ \w+|Nobody new to invite", shown)
    return sent.status_code, took, message.group(0) if message else "no message"


def run(smoke: bool) -> list[Figure]:
    drill_started = time.monotonic()
    outage = 5 if smoke else 30
    before, after = (3, 4) if smoke else (8, 10)
    with (
        own_redis() as redis,
        mail_sink() as sink,
        production_setup(
            "redis-outage",
            collectstatic=False,
            REDIS_URL=redis.url,
            EMAIL_URL=sink.url,
            FEEDBACK_RATE_LIMIT=1_000_000,
            SAFEGUARDING_EMAIL="duty@example.police.uk",
            OUTBOX_SWEEP_SECONDS=5,
        ) as (env, port),
    ):
        folder = Path(env["VAR_DIR"])
        database = env["DATABASE_URL"]
        collect_static_uncompressed(env)
        seeded = json.loads(manage("shell", "-c", SEED, env=env, capture=True).splitlines()[-1])
        form = f"/give-feedback/{seeded['token']}/"
        with (
            running_gunicorn(env, port) as base,
            supervised_worker(env, folder) as workers,
            celery_beat(env, folder) as beat,
            browser(base) as staff,
        ):
            sign_in(staff)
            print(
                f"  gunicorn, a worker (restarted on failure, as its service is) and beat "
                f"on Redis {redis.port}; 3 people on {form}"
            )
            with (
                form_crowd(base, form, threads=2) as crowd,
                form_crowd(base, form, threads=1, text=WORRIED) as worried,
            ):
                time.sleep(before)
                redis.stop()
                down_at = time.monotonic()
                print(f"  Redis stopped (SIGTERM) after {before} s of load")
                time.sleep(outage / 2)
                invited_status, invited_took, invited_message = invite_everyone(
                    staff, seeded["event"]
                )
                print(
                    f"  During the outage the Coordinator invited the event's contacts "
                    f"through the staff pages: {invited_status}, {invited_took:.2f} s, "
                    f'"{invited_message}"'
                )
                time.sleep(max(0.0, down_at + outage - time.monotonic()))
                redis.start()
                back_at = time.monotonic()
                print(f"  Redis started again, empty, on the same port after {outage} s")
                time.sleep(after)
            attempts = crowd.snapshot() + worried.snapshot()

            expected = outbox_message_ids(database)
            limit = 30 if smoke else 60
            try:
                wait_for(
                    lambda: (
                        outbox_statuses(database)["sent"] == len(expected)
                        and sink.count() >= len(expected)
                    ),
                    seconds=limit,
                    every=0.5,
                    what="every email",
                )
                delivered_in = time.monotonic() - back_at
                time.sleep(1)  # a duplicate would come after
            except TimeoutError:
                delivered_in = None
                for process in (workers.current, beat):
                    print(f"  The end of {process.log.name}:\n{tail(process.log, 2500)}")
            statuses = outbox_statuses(database)
            restarts = list(workers.restarts)

    failed = [attempt for attempt in attempts if not attempt.succeeded]
    during = [attempt for attempt in attempts if down_at <= attempt.started < back_at]
    slowest = {"before": 0.0, "during": 0.0, "after": 0.0}
    for attempt in attempts:
        for started, seconds in attempt.latencies:
            phase = "before" if started < down_at else "during" if started < back_at else "after"
            slowest[phase] = max(slowest[phase], seconds)
    worst = max(slowest.values())
    lost, duplicates = delivery_check(sink, expected)
    tracebacks = sum(1 for attempt in failed if TRACEBACK.search(attempt.failure_page))
    print(
        f"  {len(attempts)} forms filled in, {len(during)} of them while Redis was down; "
        f"{len(failed)} failed"
        + (
            f" (e.g. {failed[0].get_status}/{failed[0].post_status} {failed[0].error})"
            if failed
            else ""
        )
    )
    print(
        "  Slowest request before, during and after the outage: "
        + ", ".join(f"{seconds * 1000:.0f} ms" for seconds in slowest.values())
    )
    for restart in restarts:
        print(f"  The worker stopped and was restarted: {restart}")
    print(
        f"  Outbox: {dict(statuses)}; {sink.count()} emails received; "
        + (
            f"all sent {delivered_in:.1f} s after Redis came back"
            if delivered_in is not None
            else f"not all sent {limit} s after the load ended"
        )
    )
    print(f"  Done in {time.monotonic() - drill_started:.0f} s, every process stopped.")
    return [
        Figure(
            f"redis outage {outage} s: failed public forms",
            "0",
            f"{len(failed)} of {len(attempts)} ({len(during)} in the outage)",
            not failed and tracebacks == 0 and len(during) > 0,
        ),
        Figure(
            "redis outage: slowest public request", "< 1 s", f"{worst * 1000:.0f} ms", worst < 1
        ),
        Figure(
            "redis outage: staff invitation sent in it",
            "accepted, < 1 s",
            f"{invited_status}, {invited_took * 1000:.0f} ms",
            invited_status == 302
            and invited_message.startswith("Invitations")
            and invited_took < 1,
        ),
        Figure(
            f"redis outage: {len(expected)} emails, each once",
            "0 lost, 0 twice",
            f"{lost} lost, {duplicates} twice",
            lost == 0 and duplicates == 0 and delivered_in is not None and len(expected) > CONTACTS,
        ),
        Figure(
            "redis outage: worker restarts by its service",
            "-",
            str(len(restarts)),
            None,
        ),
    ]
