import pytest
from django.conf import settings as django_settings

from conftest import require_service


@pytest.mark.django_db
def test_health_is_ok_when_everything_configured_works(client):
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


@pytest.mark.django_db
def test_health_reports_the_outbox_backlog(client):
    from datetime import timedelta

    from django.utils import timezone

    from engagement.models import OutboxMessage

    for number, status in enumerate(["queued", "queued", "failed", "sent"]):
        message = OutboxMessage.objects.create(
            dedupe_key=f"test:{number}",
            to_address="someone@example.org",
            subject="Hello",
            body_text="Hello",
            message_id=f"<{number}@test>",
            status=status,
        )
    OutboxMessage.objects.filter(dedupe_key="test:0").update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    outbox = client.get("/healthz").json()["outbox"]
    assert outbox["queued"] == 2
    assert outbox["failed"] == 1
    assert 290 <= outbox["oldest_queued_seconds"] <= 400
    assert message.status == "sent"
