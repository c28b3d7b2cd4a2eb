"""Requests per second for each public page under the production setup, as a share of a
bare Django view served by the same gunicorn in the same run.

Starts gunicorn (2 workers, DEBUG=false, static files collected and served by
whitenoise) on 127.0.0.1 against a throwaway database (or the PostgreSQL in
DATABASE_URL) and the cache in REDIS_URL, with a few upcoming events, a held event and
a dozen public actions, then runs wrk (16 connections) against each page. Prints
requests per second, the share of the bare view's, and the latency at the 50th and 99th
percentiles, then stops what it started. Needs wrk (`apt-get install wrk`).

    .venv/bin/python bench/public_pages.py [--seconds 5] [--connections 16]
"""

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.live import free_port, manage, run_wrk  # noqa: E402
from bench.production import describe, production_env, running_gunicorn  # noqa: E402

SEED = """
import json
from actions.models import Action
from actions.tests.factories import ActionFactory
from events.tests.factories import EventFactory
upcoming = [EventFactory() for _ in range(6)]
held = EventFactory(past=True, held=True)
for _ in range(12):
    ActionFactory(status=Action.Status.AGREED, events=[held])
print(json.dumps({"event": upcoming[0].slug, "token": held.feedback_token}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("Public pages: skipped, wrk is not installed (apt-get install wrk).")
        return 1

    with tempfile.TemporaryDirectory(prefix="community-voice-bench-pages-") as var_dir:
        port = free_port()
        env = production_env(var_dir, port, "pages")
        manage("migrate", "--no-input", env=env)
        manage("collectstatic", "--no-input", env=env)
        seeded = json.loads(manage("shell", "-c", SEED, env=env, capture=True).splitlines()[-1])
        with running_gunicorn(env, port) as base:
            pages = [
                ("Bare Django view", "/bench/hello/"),
                ("Home", "/"),
                ("Events list", "/events/"),
                ("An event", f"/events/{seeded['event']}/"),
                ("iCalendar feed", "/events/calendar.ics"),
                ("Give feedback", "/give-feedback/"),
                ("An event's feedback form", f"/give-feedback/{seeded['token']}/"),
                ("Keep in touch", "/keep-in-touch/"),
                ("You said, we did", "/you-said-we-did/"),
                ("Home in Somali", "/so/"),
                ("Feedback form in Arabic", "/ar/give-feedback/"),
            ]
            print(
                f"Public pages: {args.connections} connections, {args.seconds} s each, "
                + describe(env)
            )
            ceiling = None
            for label, path in pages:
                figures = run_wrk(
                    f"{base}{path}", seconds=args.seconds, connections=args.connections, headers={}
                )
                ceiling = ceiling or figures["rate"]
                print(
                    f"  {label:<28} {figures['rate']:>8.0f} requests/s  "
                    f"{100 * figures['rate'] / ceiling:>5.1f}% of the bare view  "
                    f"p50 {figures['p50'] or 0:.1f} ms  p99 {figures['p99'] or 0:.1f} ms"
                    + (f"  {figures['errors']} errors" if figures["errors"] else "")
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
