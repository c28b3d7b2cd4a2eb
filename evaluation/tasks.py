from celery import shared_task

from evaluation.services import evaluation_release_held


@shared_task
def release_held_forms():
    # Safe to repeat: a run that fails is made good by the next one on the schedule.
    return evaluation_release_held()
