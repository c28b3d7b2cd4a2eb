from celery import shared_task
from django.core.management import call_command

from engagement.scheduler import OUTBOX_SWEEP, heartbeat_record
from engagement.services import SendOutcome, outbox_seconds_until_due, outbox_send, outbox_sweep


@shared_task
def clear_expired_sessions():
    call_command("clearsessions")


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
