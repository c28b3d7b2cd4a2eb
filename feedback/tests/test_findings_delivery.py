"""Sharing findings with real services: the emails go through the outbox to a real
Celery worker on Redis, against PostgreSQL, and arrive at a real SMTP server. The
contact who came gets exactly one email, the member who checked the findings is
thanked, and pressing share again sends nothing more."""

import time

import pytest

from contacts.tests.delivery import celery_publishing_to, wait_for_workers, wait_until
from contacts.tests.factories import AttendanceFactory, AttendeeFactory
from feedback.services import findings_share
from feedback.tests.factories import FocusGroupMemberFactory
from feedback.tests.findings_helpers import a_held_event_with_tagged_feedback, agreed_findings
from feedback.tests.helpers import a_programme_asking_the_key_questions

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_sharing_emails_the_attending_contact_exactly_once(
    workers, redis_server, smtp, coordinator
):
    programme, questions = a_programme_asking_the_key_questions()
    programme.questions = questions
    tagged = a_held_event_with_tagged_feedback(programme)
    came = AttendeeFactory(subscribed=True, email="came@example.org")
    AttendanceFactory(event=tagged.event, attendee=came)
    AttendeeFactory(subscribed=True, email="stayed-home@example.org")
    member = FocusGroupMemberFactory(user__email="member@example.org")
    findings = agreed_findings(tagged=tagged, by=coordinator, member=member)

    with celery_publishing_to(redis_server.url):
        workers.start()
        wait_for_workers(1, workers)
        smtp.clear()
        assert findings_share(findings=findings, by=coordinator) == 1
        wait_until(
            lambda: smtp.messages_to("came@example.org") and smtp.messages_to("member@example.org"),
            timeout=60,
            what="the findings and the thanks",
        )
        assert findings_share(findings=findings, by=coordinator) == 0
        # A second email, had one been queued, would arrive now.
        time.sleep(3)

    [email] = smtp.messages_to("came@example.org")
    assert findings.title in email["Subject"]
    assert email["List-Unsubscribe"]
    body = email.get_body(preferencelist=("plain",)).get_content()
    assert tagged.event.get_absolute_url() in body
    assert len(smtp.messages_to("member@example.org")) == 1
    assert smtp.messages_to("stayed-home@example.org") == []
