from celery import shared_task

from feedback.services import feedback_release_pending


@shared_task
def release_pending_feedback():
    # Safe to repeat: a run that fails is made good by the next one on the schedule.
    return feedback_release_pending()
