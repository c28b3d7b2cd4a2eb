from celery import shared_task

from feedback.services import feedback_release_pending, sense_check_send_reminders


@shared_task
def release_pending_feedback():
    # Safe to repeat: a run that fails is made good by the next one on the schedule.
    return feedback_release_pending()


@shared_task
def send_sense_check_reminders():
    # Safe to repeat: each request is reminded once, and a day missed is caught up by
    # the next run, which reminds everyone still inside the two days.
    return sense_check_send_reminders()
