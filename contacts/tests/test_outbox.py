"""The email outbox, in-process: what a message looks like when it goes out, that it
goes out once, that consent is asked again at the moment of sending, how refusals are
retried, what the sweep picks up, and that a broker that is down never breaks the
change that queued the mail. Tasks run eagerly; mail goes to a real SMTP server."""

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from contacts.models import (
    PRIVACY_NOTICE_VERSION,
    Attendee,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    Invitation,
    OutboxMessage,
)
from contacts.services import outbox as outbox_services
from contacts.services.consent import consent_withdraw
from contacts.services.invitations import event_invite
from contacts.services.outbox import (
    SendOutcome,
    outbox_enqueue,
    outbox_publish,
    outbox_send,
    outbox_sweep,
)
from contacts.services.records import attendee_erase
from contacts.tests.delivery import celery_publishing_to, consented_contacts
from engagement.tests.smtp import free_port, text_of
from events.tests.factories import EventFactory

Status = OutboxMessage.Status
UNSUBSCRIBE_URL = "http://127.0.0.1:8000/unsubscribe/a-long-token/"


def contact(email="sam@example.org", *, name="Sam Jones", purposes=None, confirmed=True):
    attendee = Attendee.objects.create(name=name, email=email)
    for purpose in purposes if purposes is not None else [ConsentPurpose.EMAIL_UPDATES]:
        ConsentRecord.objects.create(
            attendee=attendee,
            purpose=purpose,
            notice_version=PRIVACY_NOTICE_VERSION,
            method=ConsentMethod.ONLINE,
            confirmed_at=timezone.now() if confirmed else None,
        )
    return attendee


def queue_update(attendee, *, key="update:1", purpose=ConsentPurpose.EMAIL_UPDATES, **extra):
    """An email about events, which needs a live consent to email updates."""
    return outbox_enqueue(
        dedupe_key=key,
        to_address=attendee.email if attendee else "gone@example.org",
        template="confirm_updates",
        context={"name": attendee.name if attendee else "", "confirm_url": "http://x/"},
        consent_purpose=purpose,
        attendee=attendee,
        unsubscribe_url=UNSUBSCRIBE_URL,
        **extra,
    )


def reload(message) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


def make_due(message):
    """Pretend the retry delay has passed."""
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


# What goes out ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_message_goes_out_once_with_text_html_and_one_click_unsubscribe(
    smtp_server, django_capture_on_commit_callbacks
):
    sam = contact()
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
    sam = contact(confirmed=False)
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
def test_a_resent_message_keeps_its_message_id(smtp_server):
    """A worker killed after the mail server took a message sends it again; mail
    clients see the same Message-ID and can treat the two as one."""
    message = queue_update(contact())
    assert outbox_send(message_id=message.pk) == SendOutcome.SENT
    # As if the worker died before recording that it had sent the message.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert outbox_send(message_id=message.pk) == SendOutcome.SENT

    first, second = smtp_server.wait_for(2)
    assert first["Message-ID"] == second["Message-ID"] == reload(message).message_id
    assert reload(message).attempts == 2


@pytest.mark.django_db
def test_an_invitation_carries_the_event_as_a_calendar_file(
    smtp_server, coordinator, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Listening in Moss Side", slug="listening-in-moss-side")
    sam = contact()
    with django_capture_on_commit_callbacks(execute=True):
        assert event_invite(event=event, attendees=Attendee.objects.all(), by=coordinator) == 1

    (email,) = smtp_server.wait_for(1)
    (attachment,) = list(email.iter_attachments())
    assert attachment.get_filename() == "listening-in-moss-side.ics"
    assert attachment.get_content_type() == "text/calendar"
    calendar = attachment.get_content()
    calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
    assert "BEGIN:VCALENDAR" in calendar
    assert "SUMMARY:Listening in Moss Side" in calendar
    # A long header is folded onto a second line, which leaves a space in front.
    unsubscribe = f"<http://127.0.0.1:8000/unsubscribe/{sam.token}/>"
    assert email["List-Unsubscribe"].strip() == unsubscribe
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Listening in Moss Side" in text_of(email)
    assert email.get_body(preferencelist=("html",)) is not None


# Queued once, and only for changes that were kept ------------------------------------


@pytest.mark.django_db
def test_the_same_dedupe_key_never_queues_a_second_message():
    sam = contact()
    first = queue_update(sam, key="invitation:7:1")
    second = queue_update(sam, key="invitation:7:1")
    assert second.pk == first.pk
    assert second.message_id == first.message_id
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_mail_goes_out_only_after_the_change_commits_and_never_for_a_rollback(smtp_server):
    sam = contact()

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
    smtp_server, django_capture_on_commit_callbacks
):
    sam = contact()
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
    sam = contact("sam.jones@example.org", name="Sam Jones")
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
    sam = contact("sam.jones@example.org")
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
        attendee = contact(confirmed=False)
    elif recipient == "another purpose only":
        attendee = contact(purposes=[ConsentPurpose.FOCUS_GROUP])
    else:
        attendee = contact()
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
    sam = contact(purposes=[])
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
def test_a_refusal_is_retried_with_growing_delays_then_fails_with_the_reason(smtp_server, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    sam = contact("sam@example.org")
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
def test_a_mail_server_that_is_down_or_too_slow_means_a_retry(smtp_server, settings):
    sam = contact("sam@example.org")
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
def test_sending_one_message_twice_sends_it_once(smtp_server):
    message = queue_update(contact())
    assert outbox_send(message_id=message.pk) == SendOutcome.SENT
    assert outbox_send(message_id=message.pk) == SendOutcome.SKIPPED
    assert reload(message).attempts == 1
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_a_message_being_sent_by_another_worker_is_left_alone(smtp_server):
    message = queue_update(contact())
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - timedelta(seconds=5)
    )
    assert outbox_send(message_id=message.pk) == SendOutcome.SKIPPED
    assert smtp_server.messages == []


# The sweep ---------------------------------------------------------------------------


def _outbox_row(number, **fields):
    return OutboxMessage(
        dedupe_key=f"sweep:{number}",
        to_address=f"person{number}@example.org",
        subject="Hello",
        body_text="Hello",
        message_id=f"<sweep.{number}@community-voice.test>",
        **fields,
    )


@pytest.mark.django_db
def test_the_sweep_picks_up_only_stuck_and_lost_messages_in_one_query(
    settings, monkeypatch, django_assert_max_num_queries
):
    settings.OUTBOX_SWEEP_SECONDS = 60
    settings.OUTBOX_STUCK_AFTER_SECONDS = 600
    now = timezone.now()
    long_ago = now - timedelta(hours=1)
    stuck = [
        _outbox_row(n, status=Status.SENDING, claimed_at=now - timedelta(seconds=601))
        for n in range(100)
    ]
    lost = [
        _outbox_row(n, status=Status.QUEUED, next_attempt_at=now - timedelta(seconds=61))
        for n in range(100, 200)
    ]
    left_alone = [
        # Queued a moment ago: its task is still on its way.
        _outbox_row(200, status=Status.QUEUED, next_attempt_at=now),
        # A worker is sending it right now.
        _outbox_row(201, status=Status.SENDING, claimed_at=now - timedelta(seconds=30)),
        # Waiting for its retry.
        _outbox_row(202, status=Status.QUEUED, next_attempt_at=now + timedelta(minutes=5)),
        _outbox_row(203, status=Status.SENT, next_attempt_at=long_ago, sent_at=long_ago),
        _outbox_row(204, status=Status.FAILED, next_attempt_at=long_ago),
        _outbox_row(205, status=Status.CANCELLED, next_attempt_at=long_ago),
    ]
    OutboxMessage.objects.bulk_create(stuck + lost + left_alone)
    expected = set(
        OutboxMessage.objects.filter(
            dedupe_key__in=[m.dedupe_key for m in stuck + lost]
        ).values_list("pk", flat=True)
    )
    published = []
    monkeypatch.setattr(
        outbox_services, "outbox_publish", lambda ids: published.extend(ids) or len(ids)
    )

    with django_assert_max_num_queries(1):
        assert outbox_sweep(now=now) == 200
    assert set(published) == expected
    assert len(published) == 200


@pytest.mark.django_db
def test_the_sweep_sends_what_a_dead_worker_or_a_lost_task_left_behind(smtp_server, settings):
    settings.OUTBOX_SWEEP_SECONDS = 60
    settings.OUTBOX_STUCK_AFTER_SECONDS = 600
    now = timezone.now()
    stuck = queue_update(contact("stuck@example.org"), key="stuck")
    lost = queue_update(contact("lost@example.org"), key="lost")
    fresh = queue_update(contact("fresh@example.org"), key="fresh")
    OutboxMessage.objects.filter(pk=stuck.pk).update(
        status=Status.SENDING, attempts=1, claimed_at=now - timedelta(minutes=11)
    )
    OutboxMessage.objects.filter(pk=lost.pk).update(next_attempt_at=now - timedelta(minutes=2))

    assert outbox_sweep() == 2

    emails = smtp_server.wait_for(2)
    assert sorted(email["To"] for email in emails) == ["lost@example.org", "stuck@example.org"]
    assert reload(stuck).status == reload(lost).status == Status.SENT
    assert reload(stuck).attempts == 2
    assert reload(fresh).status == Status.QUEUED
    assert len(smtp_server.messages) == 2


# A broker that is down ---------------------------------------------------------------


@pytest.mark.django_db
def test_publishing_to_a_broker_that_is_down_neither_raises_nor_waits(
    smtp_server, django_capture_on_commit_callbacks
):
    sam = contact()
    with celery_publishing_to(f"redis://127.0.0.1:{free_port()}/0"):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            message = queue_update(sam)
        elapsed = time.monotonic() - started
        assert outbox_publish([message.pk]) == 0
    assert elapsed < 1.5, f"the commit waited {elapsed:.1f} s for a broker that refuses"
    assert reload(message).status == Status.QUEUED
    assert reload(message).attempts == 0

    # Once the broker is back, the sweep sends what was left.
    assert outbox_sweep(now=timezone.now() + timedelta(hours=1)) == 1
    assert len(smtp_server.wait_for(1)) == 1
    assert reload(message).status == Status.SENT


@pytest.mark.django_db
def test_a_broker_that_never_answers_holds_up_a_transaction_only_briefly(
    django_capture_on_commit_callbacks,
):
    """A Redis that accepts connections but never replies (hung, or the wrong port)
    must not hang the request that queued mail, however many messages it queued."""
    attendees = consented_contacts(20)
    with django_capture_on_commit_callbacks() as callbacks:
        for number, attendee in enumerate(attendees):
            queue_update(attendee, key=f"update:{number}")
    assert len(callbacks) == 20

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    port = silent.getsockname()[1]
    finished, abandoned = threading.Event(), threading.Event()

    def commit_hooks():
        for callback in callbacks:
            if abandoned.is_set():
                return
            callback()
        finished.set()

    try:
        with celery_publishing_to(f"redis://127.0.0.1:{port}/0"):
            started = time.monotonic()
            threading.Thread(target=commit_hooks, daemon=True).start()
            done = finished.wait(timeout=10)
            elapsed = time.monotonic() - started
            # Once tasks run in-process again, the thread must not send anything.
            abandoned.set()
    finally:
        silent.close()
    assert done, "publishing hung on a broker that never answers"
    assert elapsed < 8, f"publishing 20 messages to a silent broker took {elapsed:.1f} s"
    assert OutboxMessage.objects.filter(status=Status.QUEUED).count() == 20


# Invitations -------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_event_invitation_goes_once_to_each_consented_contact_only(
    smtp_server, coordinator, django_capture_on_commit_callbacks
):
    event = EventFactory()
    consented = [contact(f"yes{n}@example.org", name=f"Yes {n}") for n in range(3)]
    contact("unconfirmed@example.org", confirmed=False)
    withdrawn = contact("withdrawn@example.org")
    consent_withdraw(
        attendee=withdrawn,
        purpose=ConsentPurpose.EMAIL_UPDATES,
        method=ConsentRecord.WithdrawalMethod.ONE_CLICK,
    )
    attendee_erase(attendee=contact("erased@example.org"))
    contact("focus-group-only@example.org", purposes=[ConsentPurpose.FOCUS_GROUP])
    Attendee.objects.create(name="Phone only", phone="0161 000 0000")

    with django_capture_on_commit_callbacks(execute=True):
        assert event_invite(event=event, attendees=Attendee.objects.all(), by=coordinator) == 3
    emails = smtp_server.wait_for(3)
    assert sorted(str(email["To"]) for email in emails) == [a.email for a in consented]
    assert set(Invitation.objects.values_list("attendee_id", flat=True)) == {
        a.pk for a in consented
    }
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}

    # Inviting again sends nothing new, even when it is sent for again.
    with django_capture_on_commit_callbacks(execute=True):
        assert event_invite(event=event, attendees=Attendee.objects.all(), by=coordinator) == 0
    newcomer = contact("newcomer@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert event_invite(event=event, attendees=Attendee.objects.all(), by=coordinator) == 1
    emails = smtp_server.wait_for(4)
    assert len(smtp_server.messages) == 4
    assert emails[-1]["To"] == newcomer.email
    assert OutboxMessage.objects.count() == 4
    assert Invitation.objects.count() == 4


@pytest.mark.django_db
def test_a_message_cancelled_while_it_is_being_sent_stays_cancelled(smtp_server, monkeypatch):
    message = OutboxMessage.objects.create(
        dedupe_key="cancel-during-send",
        to_address="someone@example.org",
        subject="Hello",
        body_text="Hello",
        message_id="<cancel-during-send@test>",
    )
    real_as_email = outbox_services._as_email

    def cancel_then_build(outbox_message, connection):
        OutboxMessage.objects.filter(pk=outbox_message.pk).update(
            status=OutboxMessage.Status.CANCELLED
        )
        return real_as_email(outbox_message, connection)

    monkeypatch.setattr(outbox_services, "_as_email", cancel_then_build)
    outbox_services.outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.CANCELLED


@pytest.mark.django_db
def test_health_reports_the_outbox_backlog(client):
    from datetime import timedelta

    from django.utils import timezone

    from contacts.models import OutboxMessage

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


@pytest.mark.django_db
def test_the_sweep_task_beats_the_heart():
    from contacts.tasks import sweep_outbox
    from engagement.models import Heartbeat
    from engagement.scheduler import OUTBOX_SWEEP

    sweep_outbox.delay()
    assert Heartbeat.objects.filter(name=OUTBOX_SWEEP).exists()
