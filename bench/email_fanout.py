"""Email fan-out: the weekly You Said, We Did digest to 10,000 contacts who opted in
(300 in a smoke run), through the outbox, Redis and a real Celery worker to an SMTP
server on 127.0.0.1, beside a plain smtplib loop sending as many messages of the same
size to the same server in the same run.

Starts a redis-server of its own (no persistence), an SMTP server (aiosmtpd in a
process of its own, keeping only each message's Message-ID) and a Celery worker
started as `make worker` starts it: the prefork pool, with CELERY_WORKER_CONCURRENCY
processes (two for each core unless set), against a throwaway PostgreSQL database with
the production settings. Seeds one held event, an action from it agreed this week and
the contacts who came and opted in to updates, then runs the digest as beat would
(actions_send_digests): every message is written to the outbox in one transaction and
published to Redis when it commits. The clock starts at that commit and stops when the
SMTP server has every message and every outbox row says sent.

Then one smtplib connection sends as many messages, one sendmail each, built one by
one from the digest's subject, headers and text and HTML parts with the standard
library's MIME classes (those Django builds its own with), as a plain script sending
the same emails would. For information, the same loop sending copies of one finished
message made beforehand shows what the connection alone can carry.

Figures: the outbox's messages per second as a share of the plain loop's (target at
least 0.5x), the same share of the copies' rate (reported), and the messages lost and
sent twice (target 0 each). Also prints the CPU time each process spent per message
while the outbox was sending, which says where the time goes."""

import email
import email.policy
import json
import multiprocessing
import os
import re
import secrets
import signal
import smtplib
import subprocess
import tempfile
import time
from contextlib import ExitStack, contextmanager, suppress
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate
from pathlib import Path

from bench.harness import PROJECT_ROOT, PYTHON, Figure, free_port, manage
from bench.production import production_setup

FULL_MESSAGES = 10_000
SMOKE_MESSAGES = 300
TARGET_RATIO = 0.5

SEED = """
import json
from datetime import timedelta
from django.utils import timezone
from actions.services import action_agree, action_propose
from contacts.models import (
    PRIVACY_NOTICE_VERSION, Attendance, Attendee, ConsentMethod, ConsentPurpose, ConsentRecord,
)
from engagement.tests.factories import DepartmentFactory
from events.tests.factories import EventFactory

event = EventFactory(held=True, title="Moss Side listening event")
action = action_propose(
    title="Officers on foot in the evenings",
    you_said="People told us at the event that they rarely see officers on foot.",
    we_did="Neighbourhood teams will walk the high street on Friday evenings.",
    department=DepartmentFactory(name="Neighbourhood Policing"),
    due_on=timezone.localdate() + timedelta(days=30),
    by=None,
)
action.events.set([event])
action_agree(action=action, by=None)
now = timezone.now()
contacts = Attendee.objects.bulk_create(
    Attendee(name=f"Contact {n}", email=f"contact{n}@example.org", created_at=now)
    for n in range(COUNT)
)
ConsentRecord.objects.bulk_create(
    ConsentRecord(
        attendee=contact,
        purpose=ConsentPurpose.EMAIL_UPDATES,
        notice_version=PRIVACY_NOTICE_VERSION,
        method=ConsentMethod.ONLINE,
        confirmed_at=now,
    )
    for contact in contacts
)
Attendance.objects.bulk_create(Attendance(attendee=contact, event=event) for contact in contacts)
print(json.dumps({"contacts": Attendee.objects.opted_in_for_updates().count()}))
"""

# The digest as the weekly task runs it, inside an outer transaction so that the moment
# of the commit, when the messages are published, can be noted.
DIGEST = """
import json, time
from django.db import transaction
from actions.services.emails import actions_send_digests
started = time.time()
with transaction.atomic():
    queued = actions_send_digests()
    committing, cpu = time.time(), time.process_time()
published = time.time()
print(json.dumps({"queued": queued, "started": started, "committing": committing,
                  "published": published, "publisher_cpu": time.process_time() - cpu}))
"""

MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]+>)", re.MULTILINE | re.IGNORECASE)


# --- the SMTP server, in a process of its own ---------------------------------------


class CountingHandler:
    """Accepts every message and keeps only its Message-ID (a duplicate tells a
    message sent twice), and the first message whole, as the sample for the loop."""

    def __init__(self, arrived):
        self.arrived = arrived
        self.message_ids = []
        self.sample = b""

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        found = MESSAGE_ID.search(content)
        self.message_ids.append(found.group(1).decode() if found else "")
        if not self.sample:
            self.sample = content
        self.arrived.value += 1
        return "250 Message accepted for delivery"


def _serve_smtp(port, arrived, ready, commands):
    from aiosmtpd.controller import Controller

    handler = CountingHandler(arrived)
    # A fixed name for the greeting: otherwise aiosmtpd looks its host up for every
    # connection, a cost of this server that no client should be measured by.
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        server_hostname="bench-smtp.localhost",
        ready_timeout=10,
    )
    controller.start()
    ready.set()
    try:
        while commands.recv() == "take":
            # Everything that arrived since the last take; called while nothing is sent.
            arrived.value = 0
            message_ids, handler.message_ids = handler.message_ids, []
            commands.send((message_ids, handler.sample))
    finally:
        controller.stop()


class SmtpSink:
    def __init__(self, process, port, arrived, commands):
        self.process, self.port, self.arrived, self.commands = process, port, arrived, commands

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def take(self) -> tuple[list[str], bytes]:
        """The Message-IDs that arrived since the last take, and the sample message."""
        self.commands.send("take")
        return self.commands.recv()


@contextmanager
def smtp_sink():
    """The SMTP server in a process of its own, so that it shares no interpreter lock
    with the measuring code, until the block ends."""
    context = multiprocessing.get_context("spawn")
    port = free_port()
    arrived = context.Value("q", 0, lock=False)
    ready = context.Event()
    ours, theirs = context.Pipe()
    process = context.Process(
        target=_serve_smtp, args=(port, arrived, ready, theirs), name="bench-smtp"
    )
    process.start()
    try:
        if not ready.wait(15):
            raise SystemExit("The SMTP server did not start within 15 seconds.")
        yield SmtpSink(process, port, arrived, ours)
    finally:
        if process.is_alive():
            with suppress(OSError):
                ours.send("stop")
            process.join(10)
        if process.is_alive():
            process.kill()
            process.join(5)


# --- Redis and the worker -----------------------------------------------------------


@contextmanager
def redis_server(directory: str):
    """A redis-server of the benchmark's own on a free port, keeping nothing on disk.
    Yields its URL and its process id."""
    import redis

    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", directory]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.RedisError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"redis-server did not start on port {port}.") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", process.pid
    finally:
        _stop(process)


def _stop(process: subprocess.Popen, *, group: bool = False, timeout: float = 20) -> None:
    """SIGTERM, then SIGKILL after `timeout` seconds. With `group`, the process leads a
    process group of its own (a worker and its pool), and whatever of the group is
    left is killed too."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    if group:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


WORKER_COMMAND = [PYTHON, "-m", "celery", "-A", "engagement", "worker", "--loglevel=INFO"]
CONCURRENCY = re.compile(rb"concurrency: (\d+) \((\w+)\)")


@contextmanager
def celery_worker(env: dict, log_path: Path):
    """A worker started as `make worker` starts it, until the block ends. It shares the
    benchmark's session, as the smtplib loop does, so that the scheduler treats the
    two alike; its own process group lets it and its pool be stopped together.
    Yields the process and the pool it reported, e.g. "4 prefork"."""
    worker_env = {key: value for key, value in env.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [*WORKER_COMMAND, "--hostname=bench-email@%h"],
            cwd=PROJECT_ROOT,
            env=worker_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            process_group=0,
        )
    try:
        deadline = time.monotonic() + 60
        while b" ready." not in log_path.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"The Celery worker did not start:\n{_tail(log_path)}")
            time.sleep(0.1)
        found = CONCURRENCY.search(log_path.read_bytes())
        yield process, " ".join(part.decode() for part in found.groups()) if found else "?"
    finally:
        _stop(process, group=True)


def _tail(path: Path, characters: int = 2000) -> str:
    return path.read_text(errors="replace")[-characters:]


# --- the outbox run -----------------------------------------------------------------


class Outbox:
    """The benchmark's view of the outbox table, on one connection of its own."""

    def __init__(self, database_url: str):
        import psycopg2

        self.connection = psycopg2.connect(database_url)
        self.connection.autocommit = True

    def close(self):
        self.connection.close()

    def _rows(self, sql: str) -> list:
        with self.connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    def statuses(self) -> dict:
        return dict(self._rows("SELECT status, count(*) FROM contacts_outboxmessage GROUP BY 1"))

    def message_ids(self) -> set[str]:
        return {row[0] for row in self._rows("SELECT message_id FROM contacts_outboxmessage")}

    def server_pids(self) -> list[int]:
        """The PostgreSQL processes working for this database, other than this one."""
        return [
            row[0]
            for row in self._rows(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int, *, with_children: bool = False) -> float:
    """User and system CPU time of a process (and of its current children)."""
    pids = [pid]
    if with_children:
        children = Path(f"/proc/{pid}/task/{pid}/children")
        pids += [int(child) for child in children.read_text().split()] if children.exists() else []
    ticks = 0
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / CLOCK_TICKS


def _memory_mb(pid: int) -> list[float]:
    """Resident memory of a process and of each of its children, in MB."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [pid, *(int(child) for child in children.read_text().split())]
    sizes = []
    for each in pids:
        status = Path(f"/proc/{each}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sizes


def _cpu_snapshot(processes: dict, outbox: Outbox) -> dict:
    return {
        "worker": _cpu_seconds(processes["worker"], with_children=True),
        "postgres": sum(_cpu_seconds(pid) for pid in outbox.server_pids()),
        "redis": _cpu_seconds(processes["redis"]),
        "smtp server": _cpu_seconds(processes["smtp"]),
    }


def run_outbox(
    env: dict, sink: SmtpSink, count: int, processes: dict, deadline_seconds: float
) -> dict:
    """The digest queued and published by a management shell while the worker sends;
    polls the SMTP server's count, then the outbox, until both say every message is
    through or the deadline passes. Notes the CPU time each process used from the
    first message's arrival to the last."""
    outbox = Outbox(env["DATABASE_URL"])
    digest = subprocess.Popen(
        [PYTHON, "manage.py", "shell", "-c", DIGEST],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    cpu_before = cpu_after = finished = None
    memory = []
    try:
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            arrived = sink.arrived.value
            if arrived and cpu_before is None:
                cpu_before = _cpu_snapshot(processes, outbox)
            if arrived >= count and outbox.statuses().get("sent", 0) >= count:
                finished = time.time()
                cpu_after = _cpu_snapshot(processes, outbox)
                memory = _memory_mb(processes["worker"])
                break
            if digest.poll() not in (None, 0):
                break
            time.sleep(0.02 if arrived >= count else 0.05)
        output, errors = digest.communicate(timeout=max(deadline - time.monotonic(), 5))
        if digest.returncode != 0:
            raise SystemExit(f"The digest failed:\n{errors[-3000:]}")
        timings = json.loads(output.strip().splitlines()[-1])
        time.sleep(1)  # a late duplicate would arrive now
        received, sample = sink.take()
        statuses, expected = outbox.statuses(), outbox.message_ids()
    finally:
        if digest.poll() is None:
            digest.kill()
            digest.wait()
        outbox.close()
    cpu = {}
    if cpu_before and cpu_after:
        cpu = {part: cpu_after[part] - cpu_before[part] for part in cpu_before}
        cpu["publisher"] = timings["publisher_cpu"]
    return {
        **timings,
        "finished": finished,
        "received": received,
        "sample": sample,
        "statuses": statuses,
        "expected": expected,
        "cpu": cpu,
        "worker_memory": memory,
    }


# --- the smtplib loop ---------------------------------------------------------------


def run_smtplib(port: int, sample: bytes, count: int, *, build: bool) -> tuple[float, list[str]]:
    """`count` messages like the sample, each with a Message-ID of its own, through one
    SMTP connection, one sendmail each: built one by one as a plain script would build
    them (`build`), or copies of the sample's bytes made beforehand. Returns the
    seconds taken and the Message-IDs sent."""
    message_ids = [f"<{secrets.token_hex(16)}.cv@127.0.0.1>" for _ in range(count)]
    if build:
        parts = _parts_of(sample)
        messages = (
            _built_like(parts, number, message_id) for number, message_id in enumerate(message_ids)
        )
    else:
        found = MESSAGE_ID.search(sample)
        before, after = sample[: found.start(1)], sample[found.end(1) :]
        messages = [before + message_id.encode() + after for message_id in message_ids]
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as connection:
        for number, message in enumerate(messages):
            connection.sendmail("bench@127.0.0.1", [f"contact{number}@example.org"], message)
    return time.perf_counter() - started, message_ids


def _parts_of(sample: bytes) -> dict:
    parsed = email.message_from_bytes(sample, policy=email.policy.default)
    return {
        "headers": {
            name: str(parsed[name])
            for name in ("Subject", "From", "List-Unsubscribe", "List-Unsubscribe-Post")
            if parsed[name]
        },
        "text": parsed.get_body(preferencelist=("plain",)).get_content(),
        "html": parsed.get_body(preferencelist=("html",)).get_content(),
    }


def _built_like(parts: dict, number: int, message_id: str) -> bytes:
    """A message built with the standard library's MIME classes, as Django builds its
    own: a text part and an HTML part, with the same headers."""
    message = MIMEMultipart("alternative")
    for name, value in parts["headers"].items():
        message[name] = value
    message["To"] = f"contact{number}@example.org"
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id
    message.attach(MIMEText(parts["text"], "plain", "utf-8"))
    message.attach(MIMEText(parts["html"], "html", "utf-8"))
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


# --- the benchmark ------------------------------------------------------------------


def measure(smoke: bool) -> list[Figure]:
    count = SMOKE_MESSAGES if smoke else FULL_MESSAGES
    with ExitStack() as stack:
        scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="community-voice-email-"))
        sink = stack.enter_context(smtp_sink())
        redis_url, redis_pid = stack.enter_context(redis_server(scratch))
        env, _port = stack.enter_context(
            production_setup("email", collectstatic=False, REDIS_URL=redis_url, EMAIL_URL=sink.url)
        )
        started = time.monotonic()
        seed = SEED.replace("COUNT", str(count))
        output = manage("shell", "-c", seed, env=env, capture=True, timeout=120)
        seeded = json.loads(output.strip().splitlines()[-1])
        print(f"  seeded {seeded['contacts']} contacts in {time.monotonic() - started:.1f} s")
        worker_log = Path(scratch, "worker.log")
        worker, pool = stack.enter_context(celery_worker(env, worker_log))
        print(
            f"  {count} digests; worker: celery -A engagement worker --loglevel=INFO "
            f"({pool} processes); SMTP server and Redis of its own on 127.0.0.1",
            flush=True,
        )
        processes = {"worker": worker.pid, "redis": redis_pid, "smtp": sink.process.pid}
        outbox = run_outbox(env, sink, count, processes, deadline_seconds=40 if smoke else 150)
        if not outbox["sample"]:
            raise SystemExit(f"No email reached the SMTP server. The worker:\n{_tail(worker_log)}")
        built_seconds, built_ids = run_smtplib(sink.port, outbox["sample"], count, build=True)
        built_received, _sample = sink.take()
        copies_seconds, _ids = run_smtplib(sink.port, outbox["sample"], count, build=False)
        sink.take()

    queued = outbox["queued"]
    received = outbox["received"]
    lost = len(outbox["expected"] - set(received))
    duplicated = len(received) - len(set(received))
    outbox_seconds = (outbox["finished"] or float("nan")) - outbox["committing"]
    outbox_rate = queued / outbox_seconds if outbox["finished"] else 0.0
    built_rate, copies_rate = count / built_seconds, count / copies_seconds
    print(
        f"  outbox: {queued} queued in {outbox['committing'] - outbox['started']:.1f} s and "
        f"published in {outbox['published'] - outbox['committing']:.1f} s; all sent "
        f"{outbox_seconds:.1f} s after the commit: {outbox_rate:.0f}/s; {outbox['statuses']}"
    )
    if outbox["cpu"]:
        print(
            "  CPU per message while sending: "
            + ", ".join(
                f"{part} {1000 * used / queued:.2f} ms" for part, used in outbox["cpu"].items()
            )
        )
    if outbox["worker_memory"]:
        main, *pool = outbox["worker_memory"]
        print(
            f"  worker memory: {main:.0f} MB, and {', '.join(f'{size:.0f}' for size in pool)} MB "
            "for its pool processes"
        )
    missing = len(set(built_ids) - set(built_received))
    print(
        f"  smtplib loop building each message: {built_rate:.0f}/s"
        + (f" ({missing} did not arrive)" if missing else "")
        + f"; sending copies of one {len(outbox['sample'])}-byte message: {copies_rate:.0f}/s"
    )
    share, share_of_copies = outbox_rate / built_rate, outbox_rate / copies_rate
    return [
        Figure(
            f"Email fan-out, {queued} digests: outbox vs smtplib loop",
            f">= {TARGET_RATIO}x",
            f"{share:.2f}x ({outbox_rate:.0f} vs {built_rate:.0f}/s)",
            share >= TARGET_RATIO,
        ),
        Figure(
            "Email fan-out: outbox vs copies through one connection",
            "reported",
            f"{share_of_copies:.2f}x ({outbox_rate:.0f} vs {copies_rate:.0f}/s)",
            None,
        ),
        Figure("Email fan-out: messages lost", "0", str(lost), lost == 0),
        Figure("Email fan-out: messages sent twice", "0", str(duplicated), duplicated == 0),
    ]
