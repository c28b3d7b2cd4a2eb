"""The weekly You Said, We Did digest with real services: the task runs on a real Celery
worker on Redis, against PostgreSQL, and its email arrives at a real SMTP server. The
contact who came to the event and opted in to updates gets exactly one email listing
both actions that changed, with a way to unsubscribe in its headers; running the task
again in the same week sends nothing more. With Redis down, the digest's emails wait in
the outbox for the sweep."""

import logging
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from actions.models import DigestRun
from actions.services import action_agree, action_post_update, action_propose
from actions.tasks import send_update_digests
from contacts.models import OutboxMessage
from contacts.services.links import attendee_unsubscribe_url
from contacts.tests.delivery import celery_publishing_to, wait_for_workers, wait_until
from contacts.tests.factories import AttendanceFactory, AttendeeFactory
from engagement.tests.factories import DepartmentFactory
from engagement.tests.smtp import text_of
from events.tests.factories import EventFactory

# Nothing listens on port 1, so every call to the broker fails at once.
DEAD_REDIS = "redis://127.0.0.1:1/0"

ON_FOOT = "Officers on foot in the evenings"
EXPLAIN = "Officers explain every stop"


def two_changed_actions(*, event, coordinator, leader, owner):
    """Two public actions from the event: one agreed this week, one agreed and done."""
    department = DepartmentFactory(name="Neighbourhood Policing")
    department.members.add(owner)

    def agreed(title, we_did):
        action = action_propose(
            title=title,
            you_said="People told us at the event.",
            we_did=we_did,
            department=department,
            due_on=timezone.localdate() + timedelta(days=30),
            by=coordinator,
        )
        action.events.set([event])
        return action_agree(action=action, by=leader)

    on_foot = agreed(ON_FOOT, "Neighbourhood teams will walk the high street on Friday evenings.")
    explain = agreed(EXPLAIN, "Every officer will be trained to explain why they stop someone.")
    action_post_update(action=explain, by=owner, status="done")
    return on_foot, explain


def run_on_the_worker(task, workers) -> str:
    """Send the task to the worker and wait for it to finish; returns what it returned,
    as the worker logged it."""
    task_id = task.delay().id
    finished = re.compile(rf"\[{task_id}\] succeeded in [\d.]+s: (.*)")

    def logged():
        workers.check_running(workers.processes[0])
        return finished.search(workers.logs(lines=200))

    return wait_until(logged, timeout=60, what=f"{task.name} to finish").group(1)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_weekly_digest_emails_the_contact_who_came_exactly_once(
    workers, redis_server, smtp, coordinator, leader, action_owner
):
    event = EventFactory(held=True, title="Moss Side listening event")
    came = AttendeeFactory(email="came@example.org", subscribed=True)
    AttendanceFactory(event=event, attendee=came)
    AttendanceFactory(event=event, attendee=AttendeeFactory(email="no-consent@example.org"))
    AttendeeFactory(email="stayed-home@example.org", subscribed=True)
    on_foot, explain = two_changed_actions(
        event=event, coordinator=coordinator, leader=leader, owner=action_owner
    )

    with celery_publishing_to(redis_server.url):
        workers.start()
        wait_for_workers(1, workers)
        smtp.clear()
        assert run_on_the_worker(send_update_digests, workers) == "1"
        wait_until(lambda: smtp.messages_to("came@example.org"), timeout=60, what="the digest")
        assert run_on_the_worker(send_update_digests, workers) == "0"
        # A second email, had one been queued, would arrive now.
        time.sleep(3)

    [email] = smtp.messages
    assert email["To"] == "came@example.org"
    assert "2 updates" in email["Subject"]
    assert email["List-Unsubscribe"].strip() == f"<{attendee_unsubscribe_url(came)}>"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = text_of(email)
    for action in (on_foot, explain):
        assert action.title in body
        assert f"/you-said-we-did/{action.pk}/" in body
    assert DigestRun.objects.get().emails_queued == 1


@pytest.fixture
def redis_down(settings):
    """The cache and the broker both unreachable, as in production with Redis down."""
    from contacts.services import outbox as outbox_services
    from engagement import ratelimit
    from engagement.celery import app

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    def forget_connections():
        # Celery keeps a connection pool for the broker it first used.
        app._pool = None
        app.amqp._producer_pool = None

    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = DEAD_REDIS
    forget_connections()
    ratelimit.fallback_counter.clear()
    outbox_services._broker_unreachable_until = 0.0
    yield
    app.conf.task_always_eager, app.conf.broker_url = previous
    forget_connections()
    ratelimit.fallback_counter.clear()
    outbox_services._broker_unreachable_until = 0.0


@pytest.mark.django_db(transaction=True)
def test_the_digest_runs_with_redis_down_and_its_emails_wait_for_the_sweep(
    redis_down, coordinator, leader, action_owner, caplog
):
    event = EventFactory(held=True)
    came = AttendeeFactory(email="came@example.org", subscribed=True)
    AttendanceFactory(event=event, attendee=came)
    two_changed_actions(event=event, coordinator=coordinator, leader=leader, owner=action_owner)

    # Beat's run of the task, in the worker's process, while Redis is gone.
    with caplog.at_level(logging.WARNING):
        assert send_update_digests() == 1
    assert any("broker is unreachable" in record.getMessage() for record in caplog.records)

    [waiting] = OutboxMessage.objects.filter(dedupe_key__startswith="actions-digest:")
    assert waiting.status == OutboxMessage.Status.QUEUED
    assert waiting.to_address == "came@example.org"
    assert waiting.unsubscribe_url
    assert DigestRun.objects.get().emails_queued == 1
    # Running it again in the same week, still with Redis down, queues nothing more.
    assert send_update_digests() == 0
    assert OutboxMessage.objects.filter(dedupe_key__startswith="actions-digest:").count() == 1
