"""The staff page about the email outbox."""

import pytest
from django.urls import reverse

from contacts.models import OutboxMessage
from contacts.tests.factories import OutboxMessageFactory
from contacts.tests.helpers import is_not_cached, table_in

Status = OutboxMessage.Status


@pytest.mark.django_db
def test_the_outbox_shows_counts_and_recent_problems_with_masked_addresses(coordinator_client):
    OutboxMessageFactory(
        subject="Subject 1",
        to_address="person1@example.org",
        status=Status.FAILED,
        attempts=5,
        last_error="SMTPRecipientsRefused: {'person1@example.org': (550, b'No such user')}",
    )
    OutboxMessageFactory(
        subject="Subject 2",
        to_address="person2@example.org",
        attempts=1,
        last_error="SMTPServerDisconnected",
    )
    OutboxMessageFactory.create_batch(2, subject="Subject 3", status=Status.SENT)

    response = coordinator_client.get(reverse("contacts:outbox"))
    page = response.content.decode()
    assert response.status_code == 200
    assert is_not_cached(response)
    counts = table_in(page, "Emails by status")
    assert counts == {"Queued": "1", "Sending": "0", "Sent": "2", "Failed": "1", "Cancelled": "0"}
    assert "Subject 1" in page and "Subject 2" in page
    assert "Subject 3" not in page
    assert "p•••@example.org" in page
    # The mail server's error names the recipient: only the masked form is shown.
    assert "p•••@example.org&#x27;: (550, b&#x27;No such user&#x27;)" in page
    assert "SMTPServerDisconnected" in page
    assert "person1@" not in page and "person2@" not in page


@pytest.mark.django_db
def test_the_outbox_takes_the_same_number_of_queries_however_many_messages(
    coordinator_client, django_assert_max_num_queries
):
    OutboxMessageFactory.create_batch(2, status=Status.FAILED)
    with django_assert_max_num_queries(15) as few:
        coordinator_client.get(reverse("contacts:outbox"))
    OutboxMessageFactory.create_batch(29, status=Status.QUEUED)
    OutboxMessageFactory.create_batch(29, status=Status.FAILED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(reverse("contacts:outbox"))
    assert len(response.context["failed"]) == 25
