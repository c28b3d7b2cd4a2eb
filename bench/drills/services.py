"""The processes the drills start, stop, kill and restart on 127.0.0.1: a Redis of their
own, a PostgreSQL cluster of their own, Celery workers, an SMTP server that records what
it receives, and a crowd filling in the anonymous feedback form. Every process is
started in its own process group and stopped by its id when its block ends, whatever
happened inside it; every temporary folder is removed."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from pathlib import Path

import httpx

from bench.harness import PROJECT_ROOT, PYTHON, free_port

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")


def wait_for(condition, *, seconds: float, every: float = 0.1, what: str = "it") -> float:
    """Polls until `condition()` is true; returns how long that took. Raises after
    `seconds`, naming `what` it was waiting for."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(every)
    raise TimeoutError(f"Gave up waiting for {what} after {seconds:.0f} s.")


def _stop_group(process: subprocess.Popen, *, grace: float = 10.0) -> None:
    """SIGTERM to the process group the process leads, SIGKILL to what is left after
    `grace` seconds. The group is the one it was started in, so only its own children
    are touched."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # pool children a killed leader left behind
    process.wait()


def tail(path: Path, characters: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-characters:]
    except OSError:
        return ""


# --- the production setup, quicker -----------------------------------------------------

COLLECT_STATIC_UNCOMPRESSED = """
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

manifest_only = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": manifest_only}}):
    call_command("collectstatic", "--no-input", verbosity=0)
"""


def collect_static_uncompressed(env: dict) -> None:
    """Static files collected with production's manifest of hashed names, which pages
    need to render, but without the compressed copy whitenoise makes of each file:
    compressing the fonts takes both cores for over a minute, and no drill measures a
    static file. Used with production_setup(collectstatic=False)."""
    from bench.harness import manage

    manage("shell", "-c", COLLECT_STATIC_UNCOMPRESSED, env=env)


# --- Redis ----------------------------------------------------------------------------


class OwnRedis:
    """A redis-server on a free port with nothing kept on disk (a restart empties it,
    as a Redis without persistence would be emptied), which can be stopped and started
    again on the same port."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = folder / "redis.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--dir", str(self.folder),
                   "--logfile", str(self.log), "--daemonize", "no"]  # fmt: skip
        self.process = subprocess.Popen(command, start_new_session=True)
        wait_for(self.answers, seconds=10, what=f"Redis on port {self.port}")

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        """SIGTERM, as a service manager stops it."""
        if self.process is not None:
            _stop_group(self.process)
            self.process = None

    def queue_length(self, queue: str = "celery") -> int:
        import redis

        return redis.Redis.from_url(self.url, socket_connect_timeout=1).llen(queue)


@contextmanager
def own_redis():
    with tempfile.TemporaryDirectory(prefix="community-voice-drill-redis-") as folder:
        server = OwnRedis(Path(folder))
        try:
            server.start()
            yield server
        finally:
            server.stop()


# --- PostgreSQL -----------------------------------------------------------------------


class OwnPostgres:
    """A PostgreSQL cluster in a temporary folder, run as the postgres OS user (root may
    not run it), listening on 127.0.0.1 on a free port and on a socket in the folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.log = folder / "postgres.log"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, program: str, *args: str, timeout: float = 60) -> None:
        command = ["runuser", "-u", "postgres", "--", str(POSTGRES_BIN / program), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(
                f"{program} {' '.join(args[:3])} failed:\n{result.stderr[-2000:]}\n{tail(self.log)}"
            )

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c max_connections=50 -c shared_buffers=32MB"
        )
        self._as_postgres(
            "pg_ctl", action, "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log),
            "-o", options, *extra,
        )  # fmt: skip

    def create(self) -> None:
        shutil.chown(self.folder, "postgres", "postgres")
        self._as_postgres(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync",
            "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every session is ended at once, open transactions are
        rolled back, and the server comes back."""
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self._pg_ctl("stop", "-m", "immediate")
            except (RuntimeError, subprocess.TimeoutExpired):
                self._kill_postmaster()

    def _kill_postmaster(self) -> None:
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGQUIT)
        except (OSError, ValueError, IndexError):
            pass


@contextmanager
def own_postgres():
    """A fresh PostgreSQL cluster, stopped and deleted when the block ends."""
    folder = Path(tempfile.mkdtemp(prefix="community-voice-drill-pg-"))
    server = OwnPostgres(folder)
    try:
        server.create()
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def environment(**values: str):
    """os.environ with these values for the block, for code that reads the environment
    of this process (production_setup's choice of PostgreSQL server)."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def database_rows(database_url: str, sql: str, params=()) -> list[tuple]:
    """Rows straight from PostgreSQL, for checking what the app stored."""
    from bench.harness import _admin_connection

    connection = _admin_connection(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        connection.close()


# --- Celery ---------------------------------------------------------------------------


class CeleryProcess:
    """`celery -A engagement worker` (or beat) as `make worker` starts it, in a process
    group of its own so that it and its pool children can be killed together."""

    def __init__(self, env: dict, log: Path, *command: str):
        self.log = log
        self._log_file = open(log, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "engagement", *command, "--loglevel=INFO"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_until_ready(self, seconds: float = 60) -> float:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"The Celery process stopped:\n{tail(self.log)}")
            # The whole log: a worker given work at once logs much after "ready".
            return re.search(r"\] celery@\S+ ready\.", self.log.read_text(errors="replace"))

        try:
            return wait_for(ready, seconds=seconds, every=0.2, what="the Celery worker")
        except TimeoutError:
            print(f"  The end of {self.log.name}:\n{tail(self.log)}")
            raise

    def kill_hard(self) -> None:
        """kill -9 of the worker and its pool children, as an out-of-memory killer or a
        pulled plug would: nothing gets to finish or tidy up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        _stop_group(self.process, grace=15)
        self._log_file.close()


@contextmanager
def celery_worker(env: dict, folder: Path, name: str = "worker"):
    worker = CeleryProcess(env, folder / f"celery-{name}.log", "worker")
    try:
        worker.wait_until_ready()
        yield worker
    finally:
        worker.stop()


class SupervisedWorker:
    """A worker restarted when it exits with a failure, as the deployed service is
    (deploy/community-voice-worker.service: Restart=on-failure, RestartSec=5). Each
    restart is kept with the error the worker gave before it exited."""

    RESTART_SECONDS = 5

    def __init__(self, env: dict, folder: Path):
        self.env = env
        self.folder = folder
        self.restarts: list[str] = []
        self.current = self._start()
        self._stop = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

    def _start(self) -> CeleryProcess:
        name = f"celery-worker-{len(self.restarts) + 1}.log"
        return CeleryProcess(self.env, self.folder / name, "worker")

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            code = self.current.process.poll()
            if code is None or code == 0:
                continue
            errors = re.findall(r"CRITICAL/MainProcess\] (.*)", tail(self.current.log, 100_000))
            self.restarts.append(f"exit {code}: {errors[-1] if errors else 'no error logged'}")
            self.current.stop()
            if self._stop.wait(self.RESTART_SECONDS):
                return
            self.current = self._start()

    def stop(self) -> None:
        self._stop.set()
        self._watcher.join(timeout=10)
        self.current.stop()


@contextmanager
def supervised_worker(env: dict, folder: Path):
    supervisor = SupervisedWorker(env, folder)
    try:
        supervisor.current.wait_until_ready()
        yield supervisor
    finally:
        supervisor.stop()


@contextmanager
def celery_beat(env: dict, folder: Path):
    beat = CeleryProcess(env, folder / "celery-beat.log", "beat")
    try:
        yield beat
    finally:
        beat.stop()


def publish_task(redis_url: str, task_name: str) -> None:
    """Sends a task by name to the broker, as Celery beat does on its schedule."""
    from celery import Celery

    app = Celery("drill", broker=redis_url, set_as_current=False)
    try:
        app.send_task(task_name)
    finally:
        app.close()


def outbox_statuses(database_url: str) -> Counter:
    return Counter(
        dict(
            database_rows(
                database_url, "SELECT status, count(*) FROM contacts_outboxmessage GROUP BY status"
            )
        )
    )


def outbox_message_ids(database_url: str, where: str = "TRUE") -> list[str]:
    return [
        row[0]
        for row in database_rows(
            database_url, f"SELECT message_id FROM contacts_outboxmessage WHERE {where}"
        )
    ]


# --- email ------------------------------------------------------------------------------


@dataclass
class _RecordingHandler:
    received: list = field(default_factory=list)  # (Message-ID, monotonic time)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        headers = BytesHeaderParser().parsebytes(envelope.content)
        with self.lock:
            self.received.append((str(headers.get("Message-ID", "")).strip(), time.monotonic()))
        return "250 Message accepted for delivery"


class MailSink:
    """An SMTP server on 127.0.0.1 that accepts everything and keeps each message's
    Message-ID, so that losses and duplicates can be counted."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.handler = _RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.url = f"smtp://127.0.0.1:{self.port}"

    def count(self) -> int:
        with self.handler.lock:
            return len(self.handler.received)

    def message_ids(self) -> Counter:
        with self.handler.lock:
            return Counter(message_id for message_id, _ in self.handler.received)

    def last_received_at(self) -> float | None:
        with self.handler.lock:
            return self.handler.received[-1][1] if self.handler.received else None


@contextmanager
def mail_sink():
    sink = MailSink()
    sink.controller.start()
    try:
        yield sink
    finally:
        sink.controller.stop()


def delivery_check(sink: MailSink, expected: list[str]) -> tuple[int, int]:
    """(lost, duplicates): expected Message-IDs never received, and receipts beyond the
    first of each."""
    received = sink.message_ids()
    lost = sum(1 for message_id in expected if received[message_id] == 0)
    duplicates = sum(count - 1 for count in received.values() if count > 1)
    return lost, duplicates


# --- the public filling in forms --------------------------------------------------------

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_NONCE = re.compile(r'name="form_nonce" value="([^"]+)"')
TRY_AGAIN = re.compile(r"try again", re.IGNORECASE)
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"/|Internal Server Error</h1>")


def browser(base: str) -> httpx.Client:
    """An HTTP client that keeps its cookies like a browser on 127.0.0.1: browsers treat
    the loopback address as secure and send it the cookies marked Secure, which the
    production settings set, though it is plain HTTP."""

    def send_every_cookie(request: httpx.Request) -> None:
        cookies = {cookie.name: cookie.value for cookie in client.cookies.jar}
        if cookies:
            request.headers["Cookie"] = "; ".join(
                f"{name}={value}" for name, value in cookies.items()
            )

    client = httpx.Client(
        base_url=base,
        timeout=10,
        follow_redirects=False,
        event_hooks={"request": [send_every_cookie]},
    )
    return client


@dataclass
class Attempt:
    """One person's go at the form: open it, fill it in, send it."""

    marker: str
    started: float
    get_status: int | None = None
    post_status: int | None = None
    location: str = ""
    latencies: list = field(default_factory=list)  # (monotonic start, seconds)
    error: str = ""
    failure_page: str = ""

    @property
    def succeeded(self) -> bool:
        return self.post_status == 302 and "/give-feedback/thank-you/" in self.location


class FormCrowd:
    """A few threads, each a person on the anonymous feedback form of one event: open
    the form (keeping the cookie), write an answer with a unique marker, send it, and
    start again, until told to stop. Every request, its status and its time is kept."""

    def __init__(self, base: str, path: str, *, threads: int = 3, text: str = "Drill answer"):
        self.base = base
        self.path = path
        self.threads_wanted = threads
        self.text = text
        self.attempts: list[Attempt] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._warm_up()
        for _ in range(self.threads_wanted):
            thread = threading.Thread(target=self._person, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _warm_up(self, people: int = 4) -> None:
        """A few people fill in the form first, each on a connection of their own so
        that every gunicorn worker gets one, and are not counted: a worker's first
        request loads templates and opens its connections, which is not the drill's."""
        for number in range(people):
            with browser(self.base) as client, suppress(httpx.HTTPError):
                self._fill_in(client, Attempt(f"warm-up-{number}", time.monotonic()))

    def _person(self) -> None:
        with browser(self.base) as client:
            while not self._stop.is_set():
                attempt = Attempt(f"drill-{uuid.uuid4().hex}", time.monotonic())
                with self._lock:
                    self.attempts.append(attempt)
                try:
                    self._fill_in(client, attempt)
                except httpx.HTTPError as error:
                    attempt.error = f"{type(error).__name__}: {error}"[:200]
                if not attempt.succeeded:
                    time.sleep(0.2)  # a person reading "try again" waits a moment

    def _fill_in(self, client, attempt: Attempt) -> None:
        started = time.monotonic()
        page = client.get(self.path)
        attempt.latencies.append((started, time.monotonic() - started))
        attempt.get_status = page.status_code
        if page.status_code != 200:
            attempt.failure_page = page.text
            return
        token, nonce = CSRF_TOKEN.search(page.text), FORM_NONCE.search(page.text)
        data = {
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "form_nonce": nonce.group(1) if nonce else "",
            "anything_else": f"{self.text} {attempt.marker}",
        }
        started = time.monotonic()
        sent = client.post(self.path, data=data, headers={"Referer": f"{self.base}{self.path}"})
        attempt.latencies.append((started, time.monotonic() - started))
        attempt.post_status = sent.status_code
        attempt.location = sent.headers.get("location", "")
        if not attempt.succeeded:
            attempt.failure_page = sent.text

    def snapshot(self) -> list[Attempt]:
        with self._lock:
            return list(self.attempts)


@contextmanager
def form_crowd(base: str, path: str, **options):
    crowd = FormCrowd(base, path, **options)
    crowd.start()
    try:
        yield crowd
    finally:
        crowd.stop()
