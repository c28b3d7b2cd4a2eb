"""A real Celery worker, started as `make worker` would, takes a task from Redis and
runs it against the database."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from conftest import require_service
from engagement.celery import app as celery_app

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def database_url_for_the_test_database():
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


@pytest.fixture
def worker():
    require_service(bool(settings.REDIS_URL), "Redis (REDIS_URL)")
    require_service(
        connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL), shared with the worker"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": database_url_for_the_test_database(),
        "REDIS_URL": settings.REDIS_URL,
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "engagement",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=PROJECT_ROOT,
        env=environment,
    )
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_queued_tasks(worker):
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="new", session_data="", expire_date=now + timedelta(days=1))

    celery_app.conf.task_always_eager = False
    celery_app.send_task("engagement.tasks.clear_expired_sessions")

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not Session.objects.filter(session_key="old").exists():
            break
        assert worker.poll() is None, "the worker stopped"
        time.sleep(0.5)
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]
