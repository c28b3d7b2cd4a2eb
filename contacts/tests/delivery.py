"""Helpers for tests of email delivery: the Celery app pointed at a broker of the
test's choosing, and real Redis servers and Celery workers started as subprocesses.
Every process started here is stopped by its own PID."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import kombu.pools
from django.db import connection

from contacts.services import outbox as outbox_services
from engagement.celery import app as celery_app
from engagement.tests.smtp import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# What the workers in delivery tests are started with: short enough that retries, the
# sweep and stuck messages all happen within a test.
WORKER_OUTBOX_SETTINGS = {
    "EMAIL_TIMEOUT": "2",
    "OUTBOX_SWEEP_SECONDS": "2",
    "OUTBOX_STUCK_AFTER_SECONDS": "5",
    "OUTBOX_RETRY_BASE_SECONDS": "1",
    "OUTBOX_MAX_ATTEMPTS": "3",
}


def wait_until(condition, *, timeout: float, what: str, interval: float = 0.1):
    """Poll until condition() is true; fail with `what` once the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up after {timeout:.0f} s waiting for {what}.")
        time.sleep(interval)


def _reset_broker_connections():
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu.pools.reset()
    # The outbox stops trying a broker for a while after it fails; a new broker starts
    # with a clean slate.
    outbox_services._broker_unreachable_until = 0.0


@contextmanager
def celery_publishing_to(broker_url: str):
    """Send tasks to a real broker from the test process, as the web app does, instead
    of running them in-process."""
    conf = celery_app.conf
    previous = (conf.broker_url, conf.task_always_eager)
    _reset_broker_connections()
    conf.broker_url = broker_url
    conf.task_always_eager = False
    try:
        yield
    finally:
        _reset_broker_connections()
        conf.broker_url, conf.task_always_eager = previous


def _stop(process: subprocess.Popen, *, timeout: float = 20):
    if process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


class RedisServer:
    """A redis-server of the test's own on 127.0.0.1, without persistence: stopping it
    loses every task it held, as a restarted broker does."""

    def __init__(self, directory: Path, port: int | None = None):
        self.directory = directory
        self.port = port or free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, timeout=10, what=f"redis-server on port {self.port}")
        return self

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process is not None:
            _stop(self.process)


def database_url_for_the_test_database() -> str:
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


class Workers:
    """Celery workers started as `make worker` would start them, against the pytest
    database, a given Redis and a given SMTP server. Each one logs to its own file."""

    def __init__(self, directory: Path, *, redis_url: str, email_url: str):
        self.directory = directory
        self.environment = {
            **os.environ,
            "DATABASE_URL": database_url_for_the_test_database(),
            "REDIS_URL": redis_url,
            "EMAIL_URL": email_url,
            **WORKER_OUTBOX_SETTINGS,
        }
        self.environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.processes = []

    def start(self, *, beat: bool = False) -> subprocess.Popen:
        number = len(self.processes) + 1
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "engagement",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            f"--hostname=worker{number}@%h",
        ]
        if beat:
            # Beat keeps its schedule in a file; each worker gets its own.
            command += ["--beat", "-s", str(self.directory / f"beat-schedule-{number}")]
        with open(self.directory / f"worker{number}.log", "wb") as log:
            process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=self.environment, stdout=log, stderr=log
            )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen):
        """kill -9: the worker gets no chance to finish or hand back what it holds."""
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def check_running(self, process: subprocess.Popen):
        assert process.poll() is None, f"A worker stopped:\n{self.logs()}"

    def logs(self, lines: int = 40) -> str:
        tails = []
        for path in sorted(self.directory.glob("worker*.log")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            tails.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(tails)

    def stop_all(self):
        for process in self.processes:
            _stop(process)


def wait_for_workers(count: int, workers: Workers) -> None:
    """Until `count` workers answer a ping; fails at once if one of them has died."""

    def answered():
        for process in workers.processes:
            workers.check_running(process)
        return len(celery_app.control.ping(timeout=0.5)) >= count

    wait_until(answered, timeout=60, what=f"{count} worker(s) to answer")
