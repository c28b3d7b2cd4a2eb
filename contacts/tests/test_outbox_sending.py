"""The email outbox, in-process: what a message looks like when it goes out, that it
goes out once and only for changes that were kept, that consent is asked again at the
moment of sending, and how refusals are retried. Tasks run eagerly; mail goes to a
real SMTP server."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from contacts.models import Attendee, ConsentPurpose, ConsentRecord, OutboxMessage
from contacts.services import outbox as outbox_services
from contacts.services.consent import consent_withdraw
from contacts.services.invitations import event_invite
from contacts.services.outbox import SendOutcome, outbox_enqueue, outbox_send
from contacts.services.records import attendee_erase
from contacts.tests.factories import AttendeeFactory, OutboxMessageFactory
from contacts.tests.helpers import UNSUBSCRIBE_URL, make_due, queue_update, reload
from engagement.tests.smtp import free_port, text_of
from events.tests.factories import EventFactory

Status = OutboxMessage.Status


@pytest.fixture
def sam(db):
    return AttendeeFactory(name="Sam Jones", email="sam@example.org", subscribed=True)


# What goes out ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_message_goes_out_once_with_text_html_and_one_click_unsubscribe(
    smtp_server, django_capture_on_commit_callbacks, sam
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_update(sam)

    (email,) = smtp_server.wait_for(1)
    message = reload(message)
    assert message.status == Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.last_error == ""
    assert email["To"] == "sam@example.org"
    assert email["Message-ID"] == message.message_id
    assert email["List-Unsubscribe"] == f"<{UNSUBSCRIBE_URL}>"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Hello Sam Jones," in text_of(email)
    html = email.get_body(preferencelist=("html",))
    assert html.get_content_type() == "text/html"
    assert "<p>" in html.get_content()
    assert email.get_body(preferencelist=("plain",)).get_content_type() == "text/plain"
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_a_message_without_an_unsubscribe_link_has_no_list_unsubscribe_headers(smtp_server):
    sam = AttendeeFactory(email="sam@example.org", awaiting=[ConsentPurpose.EMAIL_UPDATES])
    message = outbox_enqueue(
        dedupe_key="confirm:1",
        to_address=sam.email,
        template="confirm_updates",
        context={"confirm_url": "http://x/"},
        attendee=sam,
    )
    assert outbox_send(message_id=message.pk) == SendOutcome.SENT
    (email,) = smtp_server.wait_for(1)
    assert email["List-Unsubscribe"] is None
    assert email["List-Unsubscribe-Post"] is None


@pytest.mark.django_db
def test_a_resent_message_keeps_its_message_id(smtp_server, sam):
    """A worker killed after the mail server took a message sends it again; mail
    clients see the same Message-ID and can treat the two as one."""
    message = queue_update(sam)
    assert outbox_send(message_id=message.pk) == SendOutcome.SENT
    # As if the worker died before recording that it had sent the message.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert outbox_send(message_id=message.pk) == SendOutcome.SENT

    first, second = smtp_server.wait_for(2)
    assert first["Message-ID"] == second["Message-ID"] == reload(message).message_id
    assert reload(message).attempts == 2


# Queued once, and only for changes that were kept ------------------------------------


@pytest.mark.django_db
def test_the_same_dedupe_key_never_queues_a_second_message(sam):
    first = queue_update(sam, key="invitation:7:1")
    second = queue_update(sam, key="invitation:7:1")
    assert second.pk == first.pk
    assert second.message_id == first.message_id
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_mail_goes_out_only_after_the_change_commits_and_never_for_a_rollback(smtp_server, sam):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_update(sam, key="rolled-back")
        raise RuntimeError("the change failed after the email was queued")
    assert not OutboxMessage.objects.exists()

    with transaction.atomic():
        message = queue_update(sam, key="kept")
        assert smtp_server.messages == [], "sent before the change was committed"
    (email,) = smtp_server.wait_for(1)
    assert email["Message-ID"] == reload(message).message_id
    assert len(smtp_server.messages) == 1


# Consent, asked again at the moment of sending --------------------------------------


@pytest.mark.django_db
def test_withdrawing_consent_after_queueing_cancels_the_message(
    smtp_server, django_capture_on_commit_callbacks, sam
):
    with django_capture_on_commit_callbacks() as callbacks:
        message = queue_update(sam)
    consent_withdraw(
        attendee=sam,
        purpose=ConsentPurpose.EMAIL_UPDATES,
        method=ConsentRecord.WithdrawalMethod.ONE_CLICK,
    )
    for callback in callbacks:
        callback()

    message = reload(message)
    assert message.status == Status.CANCELLED
    assert "consent" in message.last_error
    assert message.sent_at is None
    assert smtp_server.messages == []


def _personal_values(message) -> str:
    return " ".join(
        str(getattr(message, field.attname))
        for field in OutboxMessage._meta.concrete_fields
        if field.attname not in {"dedupe_key", "message_id"}
    )


@pytest.mark.django_db
def test_erasing_after_queueing_cancels_the_message_and_scrubs_it(
    smtp_server, coordinator, django_capture_on_commit_callbacks
):
    event = EventFactory()
    sam = AttendeeFactory(name="Sam Jones", email="sam.jones@example.org", subscribed=True)
    with django_capture_on_commit_callbacks() as callbacks:
        event_invite(event=event, attendees=Attendee.objects.all(), by=coordinator)
    (message,) = OutboxMessage.objects.all()
    assert "Sam Jones" in message.body_text

    attendee_erase(attendee=sam)
    for callback in callbacks:
        callback()

    message = reload(message)
    assert message.status == Status.CANCELLED
    assert message.to_address == "erased@invalid"
    assert message.subject == message.body_text == message.body_html == ""
    assert message.attachment_content == message.unsubscribe_url == ""
    personal = _personal_values(message)
    assert "sam.jones" not in personal
    assert "Sam Jones" not in personal
    assert sam.token not in personal
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_erasing_after_a_refused_delivery_leaves_no_address_in_the_outbox(smtp_server, settings):
    """Mail servers name the recipient in their refusals; that must not outlive erasure."""
    settings.OUTBOX_MAX_ATTEMPTS = 1
    sam = AttendeeFactory(email="sam.jones@example.org", subscribed=True)
    smtp_server.handler.refuse.add("sam.jones@example.org")
    message = queue_update(sam)
    assert outbox_send(message_id=message.pk) == SendOutcome.FAILED
    assert "550" in reload(message).last_error

    attendee_erase(attendee=sam)

    assert "sam.jones" not in _personal_values(reload(message))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "recipient",
    ["unconfirmed", "withdrawn", "another purpose only", "erased", "deleted"],
)
def test_a_message_is_never_sent_without_a_live_consent_for_its_purpose(smtp_server, recipient):
    if recipient == "unconfirmed":
        attendee = AttendeeFactory(awaiting=[ConsentPurpose.EMAIL_UPDATES])
    elif recipient == "another purpose only":
        attendee = AttendeeFactory(consents=[ConsentPurpose.FOCUS_GROUP])
    else:
        attendee = AttendeeFactory(subscribed=True)
    message = queue_update(attendee)
    if recipient == "withdrawn":
        consent_withdraw(
            attendee=attendee,
            purpose=ConsentPurpose.EMAIL_UPDATES,
            method=ConsentRecord.WithdrawalMethod.PREFERENCES,
        )
    elif recipient == "erased":
        # Erased some other way than attendee_erase, which would cancel the message.
        Attendee.objects.filter(pk=attendee.pk).update(erased_at=timezone.now())
    elif recipient == "deleted":
        attendee.delete()

    assert outbox_send(message_id=message.pk) == SendOutcome.CANCELLED
    assert reload(message).status == Status.CANCELLED
    assert reload(message).last_error
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_a_reply_needs_no_consent_but_never_goes_to_an_erased_contact(smtp_server):
    sam = AttendeeFactory(email="sam@example.org")
    reply = outbox_enqueue(
        dedupe_key="reply:1",
        to_address=sam.email,
        template="confirm_updates",
        context={"confirm_url": "http://x/"},
        attendee=sam,
    )
    assert outbox_send(message_id=reply.pk) == SendOutcome.SENT

    later = outbox_enqueue(
        dedupe_key="reply:2",
        to_address=sam.email,
        template="confirm_updates",
        context={"confirm_url": "http://x/"},
        attendee=sam,
    )
    Attendee.objects.filter(pk=sam.pk).update(erased_at=timezone.now())
    assert outbox_send(message_id=later.pk) == SendOutcome.CANCELLED
    assert len(smtp_server.wait_for(1)) == 1


# Refusals, retries and sending twice ------------------------------------------------


@pytest.mark.django_db
def test_a_refusal_is_retried_with_growing_delays_then_fails_with_the_reason(
    smtp_server, settings, sam
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    smtp_server.handler.refuse.add("sam@example.org")
    message = queue_update(sam)

    delays = []
    for attempt in (1, 2):
        before = timezone.now()
        assert outbox_send(message_id=message.pk) == SendOutcome.RETRY
        message = reload(message)
        assert message.status == Status.QUEUED
        assert message.attempts == attempt
        assert "SMTPRecipientsRefused" in message.last_error
        assert "550" in message.last_error
        assert "sam@example.org" not in message.last_error
        assert message.next_attempt_at > before
        delays.append((message.next_attempt_at - before).total_seconds())
        # Not due yet: a second delivery of the task does nothing.
        assert outbox_send(message_id=message.pk) == SendOutcome.SKIPPED
        make_due(message)
    assert 59 <= delays[0] <= 61
    assert 119 <= delays[1] <= 121

    assert outbox_send(message_id=message.pk) == SendOutcome.FAILED
    message = reload(message)
    assert message.status == Status.FAILED
    assert message.attempts == 3
    assert "550" in message.last_error
    assert "Mailbox unavailable" in message.last_error
    make_due(message)
    assert outbox_send(message_id=message.pk) == SendOutcome.SKIPPED
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_a_mail_server_that_is_down_or_too_slow_means_a_retry(smtp_server, settings, sam):
    message = queue_update(sam)

    settings.EMAIL_PORT = free_port()  # nothing listens there
    assert outbox_send(message_id=message.pk) == SendOutcome.RETRY
    assert "ConnectionRefusedError" in reload(message).last_error

    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_TIMEOUT = 1
    smtp_server.handler.stall.add("sam@example.org")
    smtp_server.handler.stall_seconds = 3
    make_due(message)
    started = time.monotonic()
    assert outbox_send(message_id=message.pk) == SendOutcome.RETRY
    assert time.monotonic() - started < 2.9, "the send waited for the stalled server"
    assert "timed out" in reload(message).last_error
    assert reload(message).attempts == 2

    smtp_server.handler.stall.clear()
    make_due(message)
    assert outbox_send(message_id=message.pk) == SendOutcome.SENT
    assert len(smtp_server.wait_for(1)) == 1


@pytest.mark.django_db
def test_sending_one_message_twice_sends_it_once(smtp_server, sam):
    message = queue_update(sam)
    assert outbox_send(message_id=message.pk) == SendOutcome.SENT
    assert outbox_send(message_id=message.pk) == SendOutcome.SKIPPED
    assert reload(message).attempts == 1
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_a_message_being_sent_by_another_worker_is_left_alone(smtp_server, sam):
    message = queue_update(sam)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - timedelta(seconds=5)
    )
    assert outbox_send(message_id=message.pk) == SendOutcome.SKIPPED
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_a_message_cancelled_while_it_is_being_sent_stays_cancelled(smtp_server, monkeypatch):
    message = OutboxMessageFactory()
    real_as_email = outbox_services._as_email

    def cancel_then_build(outbox_message, connection):
        OutboxMessage.objects.filter(pk=outbox_message.pk).update(status=Status.CANCELLED)
        return real_as_email(outbox_message, connection)

    monkeypatch.setattr(outbox_services, "_as_email", cancel_then_build)
    outbox_send(message_id=message.pk)
    assert reload(message).status == Status.CANCELLED


@pytest.mark.django_db
def test_the_subject_and_plain_text_say_what_was_written_and_only_the_html_escapes_it():
    message = outbox_enqueue(
        dedupe_key="escaping",
        to_address="siobhan@example.org",
        template="sense_check_thanks",
        context={"name": "Siobhán O'Brien", "findings": {"title": "Stop & search <review>"}},
    )
    assert message.subject == "Thank you: “Stop & search <review>” is now shared"
    assert "Hello Siobhán O'Brien," in message.body_text
    assert "Stop & search <review>" in message.body_text
    assert "&#x27;" not in message.body_text
    assert "O&#x27;Brien" in message.body_html
    assert "Stop &amp; search &lt;review&gt;" in message.body_html
