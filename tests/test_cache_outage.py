"""Public pages keep working when Redis is down: the cache fails open to a count in the
process, and the outage is logged."""

import logging
import re

import pytest
from django.test import Client

from engagement import ratelimit
from engagement.tests.factories import ProgrammeFactory
from events.tests.factories import EventFactory

# Nothing listens on port 1, so every cache call fails at once.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    ratelimit.fallback_counter.clear()
    yield
    ratelimit.fallback_counter.clear()


@pytest.fixture
def broker_down():
    """Celery publishes to a broker that is not there, as in production with Redis down."""
    from contacts.services import outbox as outbox_services
    from engagement.celery import app

    def forget_connections():
        # Celery keeps a connection pool for the broker it first used.
        app._pool = None
        app.amqp._producer_pool = None

    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = DEAD_REDIS
    forget_connections()
    outbox_services._broker_unreachable_until = 0.0
    yield
    app.conf.task_always_eager, app.conf.broker_url = previous
    forget_connections()
    outbox_services._broker_unreachable_until = 0.0


def filled_feedback_form(client, url, text):
    page = client.get(url).content.decode()
    nonce = re.search(r'name="form_nonce" value="([^"]+)"', page).group(1)
    answer = re.search(r'name="(answer_\d+|anything_else)"', page).group(1)
    return {"form_nonce": nonce, answer: text}


@pytest.mark.django_db
def test_the_feedback_form_works_with_the_cache_and_broker_down(
    cache_down, broker_down, settings, caplog
):
    settings.SAFEGUARDING_EMAIL = "duty@example.police.uk"
    ProgrammeFactory()
    event = EventFactory(past=True)
    url = f"/give-feedback/{event.feedback_token}/"
    client = Client()
    with caplog.at_level(logging.WARNING):
        for number in range(5):
            data = filled_feedback_form(
                client, url, f"Point {number}: my neighbour is being threatened"
            )
            response = client.post(url, data)
            assert response.status_code == 302, response.content[:500]
    assert any("cache is unreachable" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_the_rate_limit_still_holds_per_process_while_the_cache_is_down(cache_down, settings):
    settings.FEEDBACK_RATE_LIMIT = 2
    ProgrammeFactory()
    event = EventFactory(past=True)
    url = f"/give-feedback/{event.feedback_token}/"
    client = Client()
    statuses = []
    for number in range(3):
        statuses.append(
            client.post(url, filled_feedback_form(client, url, f"Point {number}")).status_code
        )
    assert statuses == [302, 302, 429]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/events/", "/give-feedback/", "/keep-in-touch/", "/accounts/login/"]
)
def test_public_pages_open_with_the_cache_down(cache_down, path):
    ProgrammeFactory()
    assert Client().get(path).status_code == 200


@pytest.mark.django_db
def test_signing_in_works_with_the_cache_down(cache_down, coordinator):
    client = Client()
    client.post("/accounts/login/", {"username": "coordinator", "password": "wrong"})
    response = client.post(
        "/accounts/login/",
        {"username": "coordinator", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_health_says_the_cache_is_failing_rather_than_crashing(cache_down, client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "failing"


# The focus group's part of the loop, with Redis gone ------------------------------------


@pytest.mark.django_db
def test_joining_the_focus_group_works_with_the_cache_and_broker_down(
    cache_down, broker_down, coordinator
):
    from contacts.models import ConsentPurpose
    from contacts.tests.factories import AttendeeFactory
    from feedback.models import FocusGroupMember
    from feedback.services import focus_group_invitation_url, focus_group_invite

    invited = AttendeeFactory(name="Hodan Ali", consents=[ConsentPurpose.FOCUS_GROUP])
    url = focus_group_invitation_url(focus_group_invite(attendee=invited, by=coordinator))
    path = url.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    assert client.get(f"/{path}").status_code == 200
    password = "kettle-harbour-lantern"
    response = client.post(
        f"/{path}",
        {"username": "hodan", "password1": password, "password2": password, "agree": "on"},
    )
    assert response.status_code == 302, response.content[:500]
    assert FocusGroupMember.objects.active().filter(user__username="hodan").exists()
    assert client.get("/panel/").status_code == 200


@pytest.mark.django_db
def test_findings_are_checked_and_shared_with_the_broker_down_and_no_email_is_lost(
    cache_down, broker_down, programme, coordinator
):
    from contacts.models import OutboxMessage
    from contacts.tests.factories import AttendanceFactory, AttendeeFactory
    from feedback.services import findings_mark_agreed, findings_share
    from feedback.tests.factories import FocusGroupMemberFactory
    from feedback.tests.findings_helpers import (
        a_held_event_with_tagged_feedback,
        findings_sent_to,
    )

    tagged = a_held_event_with_tagged_feedback(programme)
    AttendanceFactory(event=tagged.event, attendee=AttendeeFactory(subscribed=True))
    member = FocusGroupMemberFactory()
    findings = findings_sent_to([member], tagged=tagged, by=coordinator)

    panel = Client()
    panel.force_login(member.user)
    request = member.sense_check_requests.get()
    for section in request.version.sections.all():
        response = panel.post(
            f"/panel/findings/{request.pk}/sections/{section.pk}/", {"verdict": "accurate"}
        )
        assert response.status_code == 302
    findings_mark_agreed(findings=findings, by=coordinator)
    assert findings_share(findings=findings, by=coordinator) == 1

    # The request to check, the thank-you and the findings: kept, waiting for the sweep.
    waiting = OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED)
    assert waiting.count() == 3
