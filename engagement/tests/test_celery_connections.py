"""A Celery worker keeps its database connection from one task to the next, as the web
app keeps it from one request to the next, instead of connecting to PostgreSQL for
every task: a connection that is too old or broken is closed, a healthy one stays."""

import time
from types import SimpleNamespace

import pytest
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from conftest import require_service
from engagement.celery import app, keep_database_connections_as_requests_do


def task(*, in_process: bool):
    return SimpleNamespace(request=SimpleNamespace(is_eager=in_process))


def fresh_connection():
    """A connection opened now, well within CONN_MAX_AGE."""
    connection.close()
    connection.ensure_connection()
    return connection.connection


def test_celery_is_told_to_keep_connections_for_many_tasks(settings):
    assert settings.CELERY_DB_REUSE_MAX >= 100
    assert DjangoWorkerFixup(app).db_reuse_max == settings.CELERY_DB_REUSE_MAX


@pytest.mark.django_db(transaction=True)
def test_a_healthy_connection_is_kept_between_tasks():
    kept = fresh_connection()

    keep_database_connections_as_requests_do(task=task(in_process=False))

    assert connection.connection is kept
    # The next task checks it before use, as each request does.
    assert connection.health_check_done is False


# SQLite's in-memory test database is never closed, so this needs PostgreSQL.
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_connection_past_its_age_or_broken_is_closed_after_a_task():
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    fresh_connection()
    connection.close_at = time.monotonic() - 1
    keep_database_connections_as_requests_do(task=task(in_process=False))
    assert connection.connection is None

    fresh_connection().close()  # as when PostgreSQL restarts
    connection.errors_occurred = True
    keep_database_connections_as_requests_do(task=task(in_process=False))
    assert connection.connection is None


@pytest.mark.django_db(transaction=True)
def test_tasks_run_in_process_leave_the_connection_alone():
    kept = fresh_connection()
    connection.close_at = time.monotonic() - 1

    keep_database_connections_as_requests_do(task=task(in_process=True))

    assert connection.connection is kept
