"""Requests per second for each public page under the production setup, as a share of a
bare Django view served by the same gunicorn in the same run, with latency percentiles
and the SQL queries each page makes when it is rendered afresh.

Target: every public page at least 10 % of the bare view's requests per second, with at
most 10 SQL queries. After the run, the largest gunicorn worker's peak memory, and the
weight of each page on a cold load (bench/page_weight.py).

wrk runs 16 connections against each page for a few seconds; pages
are asked for as a first-time visitor would (no cookies), so a page kept whole for
anonymous visitors (engagement/public_cache.py) is served from the cache, as it would
be in production.

    .venv/bin/python bench/suite.py --only pages [--smoke]
"""

import json
import urllib.request
from pathlib import Path

from bench.harness import Figure, manage, ratio, run_wrk
from bench.page_weight import measure_weights
from bench.production import describe, production_setup, running_gunicorn

TARGET_SHARE = 10.0
MAX_QUERIES = 10
WORKER_MEMORY_MB = 200
CONNECTIONS = 16

SEED = """
import json
import urllib.request
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from actions.models import Action
from actions.tests.factories import ActionFactory
from engagement.tests.factories import ProgrammeFactory
from events.tests.factories import EventFactory
from feedback.tests.factories import ProgrammeKeyQuestionFactory
programme = ProgrammeFactory(name="Race Action Plan listening events")
for _ in range(3):
    ProgrammeKeyQuestionFactory(programme=programme)
upcoming = [EventFactory(programme=programme) for _ in range(6)]
held = EventFactory(programme=programme, past=True, held=True)
for _ in range(12):
    ActionFactory(status=Action.Status.AGREED, events=[held])
paths = {
    "Home": "/",
    "Events list": "/events/",
    "An event": f"/events/{upcoming[0].slug}/",
    "iCalendar feed": "/events/calendar.ics",
    "Give feedback": "/give-feedback/",
    "An event's feedback form": f"/give-feedback/{held.feedback_token}/",
    "Keep in touch": "/keep-in-touch/",
    "You said, we did": "/you-said-we-did/",
    "An action": f"/you-said-we-did/{Action.objects.public().first().pk}/",
    "Home in Somali": "/so/",
    "Feedback form in Arabic": "/ar/give-feedback/",
}
queries = {}
for label, path in paths.items():
    with CaptureQueriesContext(connection) as captured:
        status = Client(HTTP_HOST="127.0.0.1").get(path).status_code
    assert status == 200, (path, status)
    queries[label] = len(captured)
print(json.dumps({"paths": paths, "queries": queries}))
"""


def run_pages(server, paths: dict, queries: dict, *, seconds: int, kept: bool) -> list[Figure]:
    """For each page, wrk against the bare view and then the page, so that each share
    is of a ceiling measured moments before, under the same load; a figure per page."""
    figures = []
    for label, path in paths.items():
        warm_up(f"{server}{path}")
        bare = run_wrk(
            f"{server}/bench/hello/",
            seconds=max(1, seconds // 2),
            connections=CONNECTIONS,
            headers={},
        )
        page = run_wrk(f"{server}{path}", seconds=seconds, connections=CONNECTIONS, headers={})
        share = 100 * page["rate"] / bare["rate"]
        print(
            f"  {label:<26} {page['rate']:>7.0f} requests/s  {share:5.1f} % of bare "
            f"({bare['rate']:.0f})  "
            f"p50 {page['p50']:.1f} ms  p90 {page['p90']:.1f} ms  "
            f"p99 {page['p99']:.1f} ms  {queries[label]} queries"
            + (f"  {page['errors']} errors" if page["errors"] else "")
        )
        measured = f"{ratio(page['rate'], bare['rate'])}, p99 {page['p99']:.0f} ms"
        if kept:
            figures.append(
                Figure(
                    f"Public page: {label}",
                    f">= {TARGET_SHARE:.0f} % of bare, <= {MAX_QUERIES} queries",
                    f"{measured}, {queries[label]} queries",
                    share >= TARGET_SHARE and queries[label] <= MAX_QUERIES and not page["errors"],
                )
            )
        else:
            figures.append(Figure(f"Rendered afresh: {label}", "reported", measured, None))
    return figures


def warm_up(url: str, requests: int = 10) -> None:
    """A few visits first, so that each worker has read its templates and catalogues."""
    for _ in range(requests):
        urllib.request.urlopen(url, timeout=30).read()


def measure(smoke: bool) -> list[Figure]:
    seconds = 2 if smoke else 8
    figures = []
    # The seed renders each page once in-process to count its queries; those renders
    # must not leave pages in the Redis the server will use.
    with production_setup("pages", PUBLIC_PAGE_CACHE_SECONDS="0") as (env, port):
        seeded = json.loads(manage("shell", "-c", SEED, env=env, capture=True).splitlines()[-1])
        paths, queries = seeded["paths"], seeded["queries"]
        env["PUBLIC_PAGE_CACHE_SECONDS"] = "60"
        with running_gunicorn(env, port) as server:
            print(f"  As visitors get them: {CONNECTIONS} connections, {seconds} s a page, "
                  f"{describe(env)}")  # fmt: skip
            figures += run_pages(server, paths, queries, seconds=seconds, kept=True)
            peak = max(peak_memory_mb(pid) for pid in server.worker_pids())
            print(f"  Largest gunicorn worker's peak memory after the run: {peak:.0f} MB")
            figures.append(
                Figure(
                    "Memory: gunicorn worker peak after the pages",
                    f"<= {WORKER_MEMORY_MB} MB",
                    f"{peak:.0f} MB",
                    peak <= WORKER_MEMORY_MB,
                )
            )
            print("  Page weight on a cold load:")
            figures += measure_weights(server.base, paths)
        # The same pages with nothing kept: what each costs to render, the first visit
        # after a change.
        env["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
        with running_gunicorn(env, port) as server:
            print("  Rendered afresh for every request (nothing kept):")
            figures += run_pages(server, paths, queries, seconds=max(2, seconds // 2), kept=False)
    return figures


def peak_memory_mb(pid: int) -> float:
    """The process's resident memory at its highest (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
