from celery import shared_task

from contacts.services.lay_observation import lay_observation_send_reminders
from contacts.services.outbox import (
    SendOutcome,
    outbox_seconds_until_due,
    outbox_send,
    outbox_sweep,
)
from contacts.services.records import attendees_purge_inactive
from engagement.scheduler import OUTBOX_SWEEP, heartbeat_record


@shared_task
def purge_inactive_contacts():
    return attendees_purge_inactive()


@shared_task(bind=True, max_retries=None)
def send_outbox_message(self, message_id):
    outcome = outbox_send(message_id=message_id)
    # Tasks run in-process in development; there the next sweep does the retrying.
    if outcome == SendOutcome.RETRY and not self.request.is_eager:
        raise self.retry(countdown=outbox_seconds_until_due(message_id=message_id))
    return outcome


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
