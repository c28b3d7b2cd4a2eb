"""Scaling: the pages staff read most, and the public You Said We Did page, at 1,000
feedback items and at 100,000, against the production setup (gunicorn with 2 workers,
DEBUG=false, PostgreSQL, Redis); and the memory the CSV and XLSX exports of 100,000
items take.

Each size has a throwaway database of its own (the second a copy of the first, freshly
migrated), filled in bulk with events, contacts (and who came to what), findings and
actions in proportion to the feedback, its own cache prefix (so nothing is kept from
the start) and its own gunicorn. A Coordinator asks for each page at the two sizes in
turn, one request at a time, so that whatever else the machine is doing slows both
alike; a bare Django view is timed the same way, as the machine's noise. The SQL queries
of each page are counted in a Django process on the same database, once as the page
is served and once with nothing kept in the cache (as on the first visit after feedback
changes), which is also timed there. The targets: the same number of queries at both
sizes, a p95 under 300 ms at 100,000 items, and at most twice the p95 at 1,000.

The exports are downloaded from gunicorn at 100,000 items; the figure is the most
memory (resident set) the worker that sent the file held while sending it.

    .venv/bin/python bench/suite.py --only scaling [--smoke]
"""

import http.client
import json
import math
import random
import statistics
import time
import urllib.parse
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from bench.harness import Figure, free_port, manage
from bench.production import describe, production_setup, running_gunicorn

SIZES = (1_000, 100_000)
SMOKE_SIZES = (200, 2_000)
REQUESTS = 100
SMOKE_REQUESTS = 5
AFRESH_REQUESTS = 3
# Gunicorn's workers take connections in turn as they are free: enough to reach both.
WARMING_REQUESTS = 4
TARGET_P95_MS = 300
TARGET_GROWTH = 2.0
EXPORT_TARGET_MB = 200
USERNAME = "bench-coordinator"

# For every 1,000 feedback items.
EVENTS_PER_THOUSAND = 5
CONTACTS_PER_THOUSAND = 150
FINDINGS_PER_THOUSAND = 2
ACTIONS_PER_THOUSAND = 10
SECTIONS_PER_FINDINGS = 3
ITEMS_PER_SECTION = 10
BATCH = 5000

PAGES = (
    ("feedback inbox", "/staff/feedback/", True),
    ("feedback analysis", "/staff/feedback/analysis/", True),
    ("leaders' dashboard", "/staff/dashboard/", True),
    ("You Said We Did (public)", "/you-said-we-did/", False),
)
# The machine's noise: a view that does nothing, timed beside the pages.
BARE_VIEW = ("bare Django view", "/bench/hello/", False)

POINTS = (
    "Officers should explain why they stop someone before searching them.",
    "We never see the same officer twice, so nobody knows us on the estate.",
    "More officers walking the high street on Friday evenings, not just driving through.",
    "Please have interpreters at the front counter; my mother cannot explain herself.",
    "Young people would report more if they could do it online, on a phone.",
    "The complaint took eight months and nobody told us what happened.",
    "Custody staff did not let him call his family for hours.",
    "Recruit officers from the community; the force does not look like us.",
)


# Seeding: runs inside `manage.py shell` on the throwaway database --------------------


def seed(count: int) -> dict:
    """`count` feedback items, the events, contacts, findings and actions that go with
    that many, a programme, its communities and a department, and a Coordinator to sign
    in as, all made in bulk in one transaction. Then the tables are vacuumed and
    analysed, as autovacuum would do after a bulk load, so that PostgreSQL plans with
    the counts it will have in service."""
    from django.db import connection, transaction
    from django.utils import timezone

    from engagement.models import Community, Department, Programme
    from engagement.roles import Role
    from engagement.services import user_create_with_roles

    began = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A throwaway database: the commit need not wait for the disk.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        programme = Programme.objects.create(name="Scaling programme")
        Community.objects.bulk_create(Community(name=f"Scaling community {n}") for n in range(8))
        Department.objects.create(name="Scaling department")
        user_create_with_roles(
            username=USERNAME, password="scaling-" + "x" * 20, roles=[Role.COORDINATOR]
        )
        randomness = random.Random(count)
        now = timezone.now()
        events = _seed_events(programme, count, now)
        contacts = _seed_contacts(events, count, randomness)
        items = _seed_items(events, count, randomness, now)
        findings = _seed_findings(events, items, count, randomness, now)
        actions = _seed_actions(events, items, count, randomness, now)
    seeded = time.perf_counter() - began
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {
        "events": len(events),
        "contacts": contacts,
        "feedback items": len(items),
        "findings": findings,
        "actions": actions,
        "seconds": round(seeded, 1),
        "vacuum seconds": round(time.perf_counter() - began - seeded, 1),
    }


def _in_proportion(count: int, per_thousand: int) -> range:
    """Numbers for the records that go with `count` feedback items: at least one."""
    return range(max(count * per_thousand // 1000, 1))


def _seed_events(programme, count, now):
    from engagement.models import Community
    from events.models import Event

    communities = list(Community.objects.filter(name__startswith="Scaling"))
    events = []
    for number in _in_proportion(count, EVENTS_PER_THOUSAND):
        starts_at = now - timedelta(days=2 + number * 730 // 500 % 730, hours=number % 5)
        events.append(
            Event(
                programme=programme,
                title=f"Scaling event {number}",
                slug=f"scaling-event-{number}",
                focus_community=communities[number % len(communities)],
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=3),
                actual_ends_at=starts_at + timedelta(hours=3, minutes=number % 4 * 10),
                status=Event.Status.HELD,
                headcount=30 + number % 40,
                other_officers_count=2 + number % 9,
                chief_officer_attended=number % 4 == 0,
                venue_hire_cost=Decimal("150.00"),
                catering_cost=Decimal("60.00"),
                is_published=True,
            )
        )
    return Event.objects.bulk_create(events)


def _seed_contacts(events, count, randomness) -> int:
    from contacts.models import (
        PRIVACY_NOTICE_VERSION,
        Attendance,
        Attendee,
        ConsentMethod,
        ConsentPurpose,
        ConsentRecord,
    )

    numbers = _in_proportion(count, CONTACTS_PER_THOUSAND)
    attendees = Attendee.objects.bulk_create(
        (Attendee(name=f"Scaling contact {n}", email=f"scaling{n}@example.org") for n in numbers),
        batch_size=BATCH,
    )
    ConsentRecord.objects.bulk_create(
        (
            ConsentRecord(
                attendee=attendee,
                purpose=ConsentPurpose.EMAIL_UPDATES,
                notice_version=PRIVACY_NOTICE_VERSION,
                method=ConsentMethod.ONLINE,
            )
            for attendee in attendees
        ),
        batch_size=BATCH,
    )
    Attendance.objects.bulk_create(
        (
            Attendance(attendee=attendee, event=event)
            for attendee in attendees
            for event in randomness.sample(events, min(2, len(events)))
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    return len(attendees)


def _seed_items(events, count, randomness, now):
    from feedback.models import FeedbackItem, KeyQuestion, Topic, Workstream

    topics = list(Topic.objects.values_list("pk", flat=True))
    workstreams = list(Workstream.objects.values_list("pk", flat=True))
    questions = list(KeyQuestion.objects.filter(workstream__isnull=False))
    hour = now.replace(minute=0, second=0, microsecond=0)
    Status = FeedbackItem.Status
    items = []
    for number in range(count):
        event = events[randomness.randrange(len(events))]
        question = questions[number % len(questions)] if number % 3 else None
        status = Status.NEW if number % 10 == 0 else Status.TAGGED
        if number % 97 == 0:
            status = Status.SET_ASIDE
        items.append(
            FeedbackItem(
                text=POINTS[number % len(POINTS)],
                source=FeedbackItem.Source.DISCUSSION_NOTE
                if number % 2
                else FeedbackItem.Source.ONLINE_FORM,
                event=event,
                key_question=question,
                community=event.focus_community,
                community_source=FeedbackItem.CommunitySource.EVENT_DEFAULT,
                received_hour=min(event.starts_at.replace(minute=0, second=0), hour),
                status=status,
                set_aside_reason="Not about policing." if status == Status.SET_ASIDE else "",
                is_safeguarding_flagged=number % 211 == 0,
                safeguarding_terms="scared" if number % 211 == 0 else "",
                is_internal=number % 53 == 0 and number % 2 == 1,
            )
        )
    items = FeedbackItem.objects.bulk_create(items, batch_size=BATCH)
    TopicLink = FeedbackItem.topics.through
    TopicLink.objects.bulk_create(
        (
            TopicLink(feedbackitem_id=item.pk, topic_id=topic)
            for number, item in enumerate(items)
            if item.status != Status.NEW
            for topic in {topics[number % len(topics)], topics[number * 7 % len(topics)]}
        ),
        batch_size=BATCH,
    )
    WorkstreamLink = FeedbackItem.workstreams.through
    WorkstreamLink.objects.bulk_create(
        (
            WorkstreamLink(
                feedbackitem_id=item.pk, workstream_id=workstreams[number % len(workstreams)]
            )
            for number, item in enumerate(items)
            if item.status != Status.NEW
        ),
        batch_size=BATCH,
    )
    return items


def _seed_findings(events, items, count, randomness, now) -> int:
    from feedback.models import Findings, FindingsSection, FindingsVersion

    numbers = _in_proportion(count, FINDINGS_PER_THOUSAND)
    statuses = [Findings.Status.SHARED, Findings.Status.AGREED, Findings.Status.DRAFT]
    findings = Findings.objects.bulk_create(
        Findings(
            title=f"Scaling findings {n}",
            status=statuses[n % len(statuses)],
            created_at=now - timedelta(days=n % 300 + 10),
            agreed_at=now - timedelta(days=n % 300) if n % 3 != 2 else None,
            shared_at=now - timedelta(days=n % 300) if n % 3 == 0 else None,
        )
        for n in numbers
    )
    Findings.events.through.objects.bulk_create(
        Findings.events.through(findings_id=one.pk, event_id=randomness.choice(events).pk)
        for one in findings
    )
    versions = FindingsVersion.objects.bulk_create(
        FindingsVersion(findings=one, number=1, overview="What people told us, in short.")
        for one in findings
    )
    for one, version in zip(findings, versions, strict=True):
        if one.status != Findings.Status.DRAFT:
            one.agreed_version = version
    Findings.objects.bulk_update(findings, ["agreed_version"])
    sections = FindingsSection.objects.bulk_create(
        FindingsSection(version=version, position=p, heading=f"Theme {p + 1}", summary="Summary.")
        for version in versions
        for p in range(SECTIONS_PER_FINDINGS)
    )
    Link = FindingsSection.items.through
    Link.objects.bulk_create(
        (
            Link(findingssection_id=section.pk, feedbackitem_id=item.pk)
            for section in sections
            for item in randomness.sample(items, min(ITEMS_PER_SECTION, len(items)))
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    return len(findings)


def _seed_actions(events, items, count, randomness, now) -> int:
    from django.utils import timezone

    from actions.models import Action, ActionUpdate
    from engagement.models import Community, Department
    from feedback.models import Topic, Workstream

    Status = Action.Status
    statuses = [Status.IN_PROGRESS, Status.AGREED, Status.DONE, Status.CANNOT_ACT]
    statuses += [Status.PROPOSED, Status.IN_PROGRESS, Status.DONE, Status.DECLINED]
    department = Department.objects.get(name="Scaling department")
    actions = []
    for n in _in_proportion(count, ACTIONS_PER_THOUSAND):
        status = statuses[n % len(statuses)]
        proposed_at = now - timedelta(days=n % 600 + 5)
        actions.append(
            Action(
                title=f"Scaling action {n}: foot patrols and explaining stops",
                you_said="People rarely see officers on foot, and stops are not explained.",
                we_did="Neighbourhood teams walk the high street every Friday evening.",
                department=department,
                due_on=timezone.localdate() + timedelta(days=n % 120 - 60),
                status=status,
                status_order=Action.STATUS_ORDER[status],
                status_changed_at=proposed_at + timedelta(days=3),
                is_public=n % 10 != 0,
                cannot_act_reason="The law gives this to another body."
                if status == Status.CANNOT_ACT
                else "",
                decline_reason="Covered by another action." if status == Status.DECLINED else "",
                created_at=proposed_at,
                agreed_at=None if status in (Status.PROPOSED, Status.DECLINED) else proposed_at,
            )
        )
    actions = Action.objects.bulk_create(actions)
    workstreams = list(Workstream.objects.values_list("pk", flat=True))
    topics = list(Topic.objects.values_list("pk", flat=True))
    communities = list(
        Community.objects.filter(name__startswith="Scaling").values_list("pk", flat=True)
    )
    for field, column, choices in (
        ("workstreams", "workstream_id", workstreams),
        ("topics", "topic_id", topics),
        ("communities", "community_id", communities),
        ("events", "event_id", [event.pk for event in events]),
    ):
        through = getattr(Action, field).through
        through.objects.bulk_create(
            through(action_id=action.pk, **{column: chosen})
            for action in actions
            for chosen in randomness.sample(choices, min(2, len(choices)))
        )
    # A third of the new items are answered by an action.
    Action.items.through.objects.bulk_create(
        (
            Action.items.through(
                action_id=actions[number % len(actions)].pk, feedbackitem_id=item.pk
            )
            for number, item in enumerate(items)
            if number % 3 == 0
        ),
        batch_size=BATCH,
    )
    Kind = ActionUpdate.Kind
    updates = []
    for action in actions:
        updates.append(ActionUpdate(action=action, kind=Kind.PROPOSED, at=action.created_at))
        if action.agreed_at:
            updates.append(
                ActionUpdate(action=action, kind=Kind.AGREED, is_public=True, at=action.agreed_at)
            )
            updates.append(
                ActionUpdate(
                    action=action,
                    kind=Kind.UPDATE,
                    text="Sessions held, figures published, next steps set.",
                    is_public=True,
                    at=action.status_changed_at,
                )
            )
    ActionUpdate.objects.bulk_create(updates, batch_size=BATCH)
    return len(actions)


def prepare(count: int, afresh_requests: int) -> dict:
    """Everything one size needs inside Django: the database filled with `count` items,
    the queries each page makes, and a signed-in session for the Coordinator, as a
    browser would hold it."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    seeded = seed(count)
    queries = count_queries(afresh_requests)
    client = Client()
    client.force_login(get_user_model().objects.get(username=USERNAME))
    return {"seeded": seeded, "queries": queries, "cookie": client.cookies["sessionid"].value}


def count_queries(afresh_requests: int) -> dict:
    """For each page: the SQL queries as it is served (the cache as the previous
    request left it), and worked out afresh with nothing kept in the cache, with the
    time that takes in this process."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    staff = Client()
    staff.force_login(get_user_model().objects.get(username=USERNAME))
    anonymous = Client()
    nothing_kept = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    result = {}
    for label, path, signed_in in PAGES:
        client = staff if signed_in else anonymous
        client.get(path)
        with CaptureQueriesContext(connection) as served:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        # Read now: the next request empties the connection's log of queries.
        served_count = len(served)
        with override_settings(CACHES=nothing_kept):
            durations = []
            for _ in range(afresh_requests):
                started = time.perf_counter()
                client.get(path)
                durations.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as afresh:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        result[label] = {
            "served": served_count,
            "afresh": len(afresh),
            "afresh_median_ms": statistics.median(durations),
        }
    return result


def _call(env: dict, function: str, *args):
    """Calls one of this module's functions in `manage.py shell` on the benchmark's
    database, and returns what it returned (through JSON)."""
    code = (
        f"import json; from bench.scaling import {function}; "
        f"print(json.dumps({function}(*{args!r})))"
    )
    output = manage("shell", "-c", code, env=env, capture=True, timeout=600)
    return json.loads(output.strip().splitlines()[-1])


# Measuring over HTTP -------------------------------------------------------------------


class Browser:
    """One connection to a server, with the headers a browser would send, that times
    GETs sent one at a time."""

    def __init__(self, base: str, headers: dict):
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=60)
        self.headers = headers

    def get(self, path: str) -> float:
        """The time to the last byte, in ms."""
        started = time.perf_counter()
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}")
        return (time.perf_counter() - started) * 1000

    def close(self) -> None:
        self.connection.close()


def summary(durations: list[float]) -> dict:
    durations = sorted(durations)
    return {
        "median": statistics.median(durations),
        # Nearest rank: the 95th of 100, the slowest of 5.
        "p95": durations[math.ceil(len(durations) * 0.95) - 1],
    }


def _status(pid: int, field: str) -> int:
    """A memory figure from /proc/<pid>/status, in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def export_memory(server, file_format: str, headers: dict) -> dict:
    """Downloads the feedback export; returns the seconds it took, the file's size and
    the highest resident memory of the worker that sent it, with what it held before.
    Each worker's high-water mark is reset first (/proc/<pid>/clear_refs), so the peak
    is this download's."""
    workers = server.worker_pids()
    before = {}
    for pid in workers:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        before[pid] = _status(pid, "VmRSS")
    host, port = server.base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=600)
    started = time.perf_counter()
    try:
        connection.request(
            "GET",
            f"/staff/exports/download/?dataset=feedback&format={file_format}",
            headers=headers,
        )
        response = connection.getresponse()
        size = 0
        while piece := response.read(1 << 16):
            size += len(piece)
        if response.status != 200:
            raise SystemExit(f"The {file_format} export answered {response.status}")
    finally:
        connection.close()
    seconds = time.perf_counter() - started
    peaks = {pid: _status(pid, "VmHWM") for pid in workers}
    sender = max(peaks, key=lambda pid: peaks[pid] - before[pid])
    print(
        f"  {file_format} export: {seconds:.1f} s, {size / 2**20:.1f} MB, worker peak "
        f"{peaks[sender] / 1024:.0f} MB (from {before[sender] / 1024:.0f} MB)",
        flush=True,
    )
    return {
        "seconds": seconds,
        "bytes": size,
        "peak_mb": peaks[sender] / 1024,
        "before_mb": before[sender] / 1024,
    }


# The section -------------------------------------------------------------------------


def measure(smoke: bool) -> list[Figure]:
    sizes = SMOKE_SIZES if smoke else SIZES
    requests = SMOKE_REQUESTS if smoke else REQUESTS
    afresh_requests = 1 if smoke else AFRESH_REQUESTS
    small, large = sizes
    began = time.perf_counter()
    with production_setup("scaling") as (env, port), empty_copy(env["DATABASE_URL"]) as copy:
        print(f"  migrated and static files collected in {time.perf_counter() - began:.0f} s")
        # Each size has a database, a cache prefix and a gunicorn of its own, so that
        # both are timed in the same minutes, request by request in turn.
        envs = {
            small: {
                **env,
                "DATABASE_URL": copy,
                "CACHE_KEY_PREFIX": f"{env['CACHE_KEY_PREFIX']}-{small}",
            },
            large: {**env, "CACHE_KEY_PREFIX": f"{env['CACHE_KEY_PREFIX']}-{large}"},
        }
        prepared = {}
        for size in sizes:
            prepared[size] = _call(envs[size], "prepare", size, afresh_requests)
            print(f"  {size:,} feedback items: {prepared[size]['seeded']}", flush=True)
        small_port = free_port()
        envs[small]["SITE_URL"] = f"http://127.0.0.1:{small_port}"
        with (
            running_gunicorn(envs[small], small_port) as small_server,
            running_gunicorn(envs[large], port) as large_server,
        ):
            servers = {small: small_server, large: large_server}
            print(
                f"  {describe(env)}, one for each size; {requests} requests per page "
                "and size, one at a time, the two sizes in turn",
                flush=True,
            )
            results = time_pages(servers, prepared, requests)
            headers = {"Cookie": f"sessionid={prepared[large]['cookie']}"}
            exports = {
                file_format: export_memory(large_server, file_format, headers)
                for file_format in ("csv", "xlsx")
            }
    return figures(sizes, results, exports)


@contextmanager
def empty_copy(database_url: str):
    """A copy of the migrated, still empty database in `database_url`, made by
    PostgreSQL from it as a template (a second migrate would take far longer), and
    dropped when the block ends. Yields its URL."""
    import psycopg2

    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The scaling benchmark needs PostgreSQL in DATABASE_URL.")
    parts = urllib.parse.urlsplit(database_url)
    source = parts.path.lstrip("/")
    copy = f"{source}_small"

    def run(statement: str) -> None:
        connection = psycopg2.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=urllib.parse.unquote(parts.username or "postgres"),
            password=urllib.parse.unquote(parts.password or ""),
            dbname="postgres",
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    run(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{copy}"))
    finally:
        run(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def time_pages(servers: dict, prepared: dict, requests: int) -> dict:
    """Median and p95 of each page at each size over HTTP, with the queries counted
    in-process. The sizes take turns, request by request, so that whatever else the
    machine is doing slows both alike."""
    results = {size: {} for size in servers}
    for label, path, signed_in in (*PAGES, BARE_VIEW):
        browsers = {
            size: Browser(
                server.base,
                {"Cookie": f"sessionid={prepared[size]['cookie']}"} if signed_in else {},
            )
            for size, server in servers.items()
        }
        durations = {size: [] for size in servers}
        try:
            for number in range(WARMING_REQUESTS + requests):
                for size, browser in browsers.items():
                    elapsed = browser.get(path)
                    if number >= WARMING_REQUESTS:
                        durations[size].append(elapsed)
        finally:
            for browser in browsers.values():
                browser.close()
        for size in servers:
            results[size][label] = {
                **summary(durations[size]),
                **prepared[size]["queries"].get(label, {}),
            }
        print(
            f"    {label:<28} "
            + "; ".join(
                f"{size:,}: median {results[size][label]['median']:6.1f} ms, "
                f"p95 {results[size][label]['p95']:6.1f} ms"
                for size in servers
            ),
            flush=True,
        )
    return results


def figures(sizes, results, exports) -> list[Figure]:
    small, large = sizes
    rows = []
    for label, _path, _signed_in in PAGES:
        at_small, at_large = results[small][label], results[large][label]
        growth = at_large["p95"] / at_small["p95"] if at_small["p95"] else float("inf")
        rows += [
            Figure(
                f"Scaling: {label}, p95 at {large:,} items",
                f"under {TARGET_P95_MS} ms",
                f"{at_large['p95']:.0f} ms (median {at_large['median']:.0f} ms)",
                at_large["p95"] < TARGET_P95_MS,
            ),
            Figure(
                f"Scaling: {label}, p95 at {large:,} vs {small:,}",
                f"at most {TARGET_GROWTH:.0f}x",
                f"{growth:.2f}x ({at_large['p95']:.0f} vs {at_small['p95']:.0f} ms)",
                growth <= TARGET_GROWTH,
            ),
            Figure(
                f"Scaling: {label}, SQL queries",
                "the same at both sizes",
                f"{at_small['served']} and {at_large['served']} "
                f"(afresh {at_small['afresh']} and {at_large['afresh']})",
                at_small["served"] == at_large["served"]
                and at_small["afresh"] == at_large["afresh"],
            ),
            Figure(
                f"Scaling: {label}, worked out afresh at {large:,}",
                "reported",
                f"median {at_large['afresh_median_ms']:.0f} ms in-process "
                f"({at_small['afresh_median_ms']:.0f} ms at {small:,})",
                None,
            ),
        ]
    bare_small, bare_large = results[small][BARE_VIEW[0]], results[large][BARE_VIEW[0]]
    rows.append(
        Figure(
            "Scaling: bare Django view beside them, p95 (the machine's noise)",
            "reported",
            f"{bare_small['p95']:.0f} ms beside {small:,} items, "
            f"{bare_large['p95']:.0f} ms beside {large:,}",
            None,
        )
    )
    for file_format, export in exports.items():
        rows.append(
            Figure(
                f"Scaling: {file_format.upper()} export of {large:,} items, worker peak memory",
                f"under {EXPORT_TARGET_MB} MB",
                f"{export['peak_mb']:.0f} MB (from {export['before_mb']:.0f} MB), "
                f"{export['seconds']:.1f} s, {export['bytes'] / 2**20:.1f} MB file",
                export["peak_mb"] < EXPORT_TARGET_MB,
            )
        )
    return rows
