from celery import shared_task

from evaluation.services import (
    evaluation_release_held,
    survey_import_check,
    survey_import_run,
)


@shared_task
def release_held_forms():
    # Safe to repeat: a run that fails is made good by the next one on the schedule.
    return evaluation_release_held()


@shared_task
def check_survey_import(survey_import_id: int):
    # Safe to repeat: only an import waiting to be checked is checked.
    survey_import_check(survey_import_id=survey_import_id)


@shared_task
def run_survey_import(survey_import_id: int):
    # Safe to repeat: the transaction that stores the rows also marks the import done.
    survey_import_run(survey_import_id=survey_import_id)
