import pytest
from django.conf import settings as django_settings

from conftest import require_service
from engagement.scheduler import OUTBOX_SWEEP, heartbeat_record


@pytest.mark.django_db
def test_health_is_ok_when_everything_configured_works(client):
    heartbeat_record(name=OUTBOX_SWEEP)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    expected_broker = "ok" if django_settings.REDIS_URL else "not configured"
    assert body["checks"]["broker"] == expected_broker


@pytest.mark.django_db
def test_health_is_503_when_the_cache_fails(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "failing"


@pytest.mark.django_db
def test_health_is_503_when_the_broker_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "failing"


@pytest.mark.django_db
def test_health_is_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr("engagement.views.connection.cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "failing"


@pytest.mark.services
@pytest.mark.django_db
def test_health_reaches_the_real_redis_broker(client):
    require_service(bool(django_settings.REDIS_URL), "Redis (REDIS_URL)")
    assert client.get("/healthz").json()["checks"]["broker"] == "ok"


@pytest.mark.services
def test_tests_run_on_postgresql_when_configured():
    require_service(bool(django_settings.DATABASE_URL), "PostgreSQL (DATABASE_URL)")
    assert django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.mark.services
@pytest.mark.django_db
def test_postgresql_runs_the_apps_queries_without_its_jit_compiler():
    require_service(bool(django_settings.DATABASE_URL), "PostgreSQL (DATABASE_URL)")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@pytest.mark.django_db
def test_health_is_503_when_the_scheduler_has_stopped(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/0"
    settings.OUTBOX_SWEEP_SECONDS = 60
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CELERY_BROKER_URL = "memory://"
    response = client.get("/healthz")
    assert response.status_code == 503, "a sweep that never ran is a stopped scheduler"
    assert response.json()["checks"]["scheduler"] == "failing"

    heartbeat_record(name=OUTBOX_SWEEP, now=timezone.now() - timedelta(seconds=170))
    assert client.get("/healthz").json()["checks"]["scheduler"] == "ok"
    heartbeat_record(name=OUTBOX_SWEEP, now=timezone.now() - timedelta(seconds=190))
    assert client.get("/healthz").status_code == 503


@pytest.mark.django_db
def test_health_needs_no_scheduler_when_tasks_run_in_process(client, settings):
    settings.REDIS_URL = ""
    assert client.get("/healthz").json()["checks"]["scheduler"] == "not configured"


@pytest.mark.django_db
def test_health_shows_details_only_to_the_server_itself_or_the_token(client, settings):
    heartbeat_record(name=OUTBOX_SWEEP)
    settings.HEALTHZ_TOKEN = "monitoring-token-1234567890"
    outside = client.get("/healthz", REMOTE_ADDR="203.0.113.5")
    assert set(outside.json()) == {"status"}
    wrong = client.get(
        "/healthz", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer not-the-token"
    )
    assert set(wrong.json()) == {"status"}
    with_token = client.get(
        "/healthz",
        REMOTE_ADDR="203.0.113.5",
        HTTP_AUTHORIZATION="Bearer monitoring-token-1234567890",
    )
    assert "outbox" in with_token.json()
    assert "checks" in client.get("/healthz", REMOTE_ADDR="127.0.0.1").json()
    # Behind the proxy every request comes from 127.0.0.1: the proxy's view counts.
    settings.BEHIND_HTTPS_PROXY = True
    proxied = client.get("/healthz", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert set(proxied.json()) == {"status"}


@pytest.mark.django_db
def test_health_answers_plain_http_without_a_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get("/events/").status_code == 301
