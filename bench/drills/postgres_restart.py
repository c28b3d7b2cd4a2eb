"""Drill: PostgreSQL restarts while the public fill in forms.

A PostgreSQL cluster of the drill's own (initdb into a temporary folder, run as the
postgres OS user, on a free port), never the shared server, holds a throwaway database
for the production setup: gunicorn with 2 workers and a Redis of the drill's own. Three
people fill in an event's anonymous feedback form over and over, each answer carrying a
unique marker. In the middle, `pg_ctl restart -m fast` ends every session at once and
brings the server back.

Promises: every form that was answered with the thank-you page is in the database
afterwards; every other answer is a page that tells the person to try again, with no
stack trace; and the app serves forms again within seconds of PostgreSQL coming back,
without gunicorn being restarted.
"""

import json
import time

from bench.drills.services import (
    TRACEBACK,
    TRY_AGAIN,
    collect_static_uncompressed,
    database_rows,
    environment,
    form_crowd,
    own_postgres,
    own_redis,
)
from bench.harness import Figure, manage
from bench.production import production_setup, running_gunicorn

SEED = """
import json
from engagement.tests.factories import ProgrammeFactory
from events.tests.factories import EventFactory
ProgrammeFactory()
print(json.dumps({"token": EventFactory(past=True).feedback_token}))
"""
# The app must serve forms again within this long after PostgreSQL is back.
RECOVERY_SECONDS = 5


def stored_markers(database_url: str) -> str:
    """Every answer the database holds, held back for the hour or already released."""
    rows = database_rows(database_url, "SELECT answers::text FROM feedback_pendingsubmission")
    rows += database_rows(database_url, "SELECT text FROM feedback_feedbackitem")
    return "\n".join(row[0] for row in rows)


def ended_at(attempt) -> float:
    started, seconds = attempt.latencies[-1] if attempt.latencies else (attempt.started, 0.0)
    return started + seconds


def run(smoke: bool) -> list[Figure]:
    drill_started = time.monotonic()
    before, after = (3, 6) if smoke else (10, 15)
    with own_postgres() as postgres, own_redis() as redis:
        print(f"  Own PostgreSQL cluster on port {postgres.port} in {postgres.folder}")
        with (
            environment(DATABASE_URL=postgres.url),
            production_setup(
                "postgres-restart",
                collectstatic=False,
                REDIS_URL=redis.url,
                FEEDBACK_RATE_LIMIT=1_000_000,
            ) as (env, port),
        ):
            database = env["DATABASE_URL"]
            collect_static_uncompressed(env)
            seeded = json.loads(manage("shell", "-c", SEED, env=env, capture=True).splitlines()[-1])
            form = f"/give-feedback/{seeded['token']}/"
            with running_gunicorn(env, port) as server:
                workers_before = sorted(server.worker_pids())
                print(f"  gunicorn workers {workers_before}; 3 people on {form}")
                with form_crowd(server.base, form, threads=3) as crowd:
                    time.sleep(before)
                    restart_began = time.monotonic()
                    postgres.restart()
                    back_at = time.monotonic()
                    print(
                        f"  pg_ctl restart -m fast after {before} s of load: PostgreSQL was back "
                        f"in {back_at - restart_began:.1f} s"
                    )
                    time.sleep(after)
                attempts = crowd.snapshot()
                workers_after = sorted(server.worker_pids())
            stored = stored_markers(database)

    succeeded = [attempt for attempt in attempts if attempt.succeeded]
    missing = [attempt for attempt in succeeded if attempt.marker not in stored]
    refused = [attempt for attempt in attempts if not attempt.succeeded]
    unclear = [
        attempt
        for attempt in refused
        if attempt.error
        or (attempt.post_status or attempt.get_status) != 503
        or not TRY_AGAIN.search(attempt.failure_page)
    ]
    tracebacks = [attempt for attempt in refused if TRACEBACK.search(attempt.failure_page)]
    statuses = sorted(
        {
            attempt.error.split(":")[0] or str(attempt.post_status or attempt.get_status)
            for attempt in refused
        }
    )
    first_success = min(
        (ended_at(attempt) for attempt in succeeded if attempt.started >= back_at), default=None
    )
    last_refusal = max((ended_at(attempt) for attempt in refused), default=None)
    recovered_in = None if first_success is None else max(first_success - back_at, 0.0)
    print(
        f"  {len(attempts)} forms: {len(succeeded)} thanked, {len(refused)} refused "
        f"({', '.join(statuses) or 'none'}); the last refusal ended "
        + (f"{last_refusal - back_at:+.1f} s from PostgreSQL's return" if last_refusal else "-")
    )
    if unclear:
        example = unclear[0]
        print(
            f"  An unclear refusal: {example.get_status}/{example.post_status} {example.error} "
            f"{' '.join(example.failure_page.split())[:300]}"
        )
    recovered = (
        recovered_in is not None
        and recovered_in <= RECOVERY_SECONDS
        and (last_refusal is None or last_refusal - back_at <= RECOVERY_SECONDS)
        and workers_before == workers_after
    )
    print(f"  Done in {time.monotonic() - drill_started:.0f} s, every process stopped.")
    return [
        Figure(
            "postgres restart: thanked forms stored",
            "all",
            f"{len(succeeded) - len(missing)} of {len(succeeded)}",
            not missing and bool(succeeded),
        ),
        Figure(
            "postgres restart: refusals saying try again",
            "all, status 503",
            f"{len(refused) - len(unclear)} of {len(refused)}",
            not unclear and bool(refused),
        ),
        Figure("postgres restart: stack traces shown", "0", str(len(tracebacks)), not tracebacks),
        Figure(
            "postgres restart: forms served again",
            f"< {RECOVERY_SECONDS} s, same workers",
            (f"{recovered_in:.1f} s" if recovered_in is not None else "never")
            + (", same workers" if workers_before == workers_after else ", workers restarted"),
            recovered,
        ),
    ]
