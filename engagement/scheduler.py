"""Heartbeats of the scheduled jobs that beat starts, for /healthz."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from engagement.models import Heartbeat

OUTBOX_SWEEP = "outbox-sweep"


def heartbeat_record(*, name: str, now=None) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"at": now or timezone.now()})


def scheduler_state(*, now=None) -> str:
    """'ok' while the outbox sweep runs on time. When no worker is configured (tasks
    run in the web process in development) there is no scheduler to watch."""
    if not settings.REDIS_URL:
        return "not configured"
    now = now or timezone.now()
    last = Heartbeat.objects.filter(name=OUTBOX_SWEEP).values_list("at", flat=True).first()
    allowed = timedelta(seconds=3 * settings.OUTBOX_SWEEP_SECONDS)
    return "ok" if last is not None and now - last <= allowed else "failing"
