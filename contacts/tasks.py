from collections import Counter

from celery import shared_task
from celery.signals import worker_process_shutdown, worker_shutdown

from contacts.services.lay_observation import lay_observation_send_reminders
from contacts.services.outbox import (
    SendOutcome,
    outbox_close_connection,
    outbox_publish,
    outbox_seconds_until_due,
    outbox_send,
    outbox_send_batch,
    outbox_sweep,
)
from contacts.services.records import attendees_purge_inactive
from engagement.scheduler import OUTBOX_SWEEP, heartbeat_record


@shared_task
def purge_inactive_contacts():
    return attendees_purge_inactive()


@shared_task(bind=True)
def send_outbox_messages(self, message_ids):
    outcomes = outbox_send_batch(message_ids=message_ids)
    # Tasks run in-process in development; there the next sweep does the retrying.
    if not self.request.is_eager:
        for message_id, outcome in outcomes.items():
            if outcome == SendOutcome.RETRY:
                outbox_publish(
                    message_ids=[message_id],
                    countdown=outbox_seconds_until_due(message_id=message_id),
                )
    return dict(Counter(outcomes.values()))


@shared_task(bind=True, max_retries=None)
def send_outbox_message(self, message_id):
    # One message to a task, as the outbox published them before it sent in batches;
    # kept for the tasks still queued from then.
    outcome = outbox_send(message_id=message_id)
    if outcome == SendOutcome.RETRY and not self.request.is_eager:
        raise self.retry(countdown=outbox_seconds_until_due(message_id=message_id))
    return outcome


@worker_process_shutdown.connect
@worker_shutdown.connect
def close_the_mail_server_connection(**kwargs):
    # Each worker process keeps its connection to the mail server between messages.
    outbox_close_connection()


@shared_task
def sweep_outbox():
    published = outbox_sweep()
    heartbeat_record(name=OUTBOX_SWEEP)
    return published


@shared_task
def send_lay_observation_reminders():
    # Safe to repeat: each place is reminded once for each date, and a day missed is
    # caught up by the next run, up to the day itself.
    return lay_observation_send_reminders()
