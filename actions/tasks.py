from celery import shared_task

from actions.dashboard import dashboard_refresh
from actions.services import (
    actions_send_digests,
    actions_send_monthly_summaries,
    actions_send_owner_reminders,
)


@shared_task
def send_update_digests():
    # Safe to repeat: a second run in the same week finds that week's digest done.
    return actions_send_digests()


@shared_task
def send_owner_reminders():
    # Safe to repeat: each owner's reminder for the week has one dedupe key.
    return actions_send_owner_reminders()


@shared_task
def send_monthly_summaries():
    # Safe to repeat: each Leader's summary for a month has one dedupe key.
    return actions_send_monthly_summaries()


@shared_task
def refresh_dashboard():
    # Only keeps figures in the cache: a missed run means one slower page, no more.
    dashboard_refresh()
