from celery import shared_task

from events.services import attendees_purge_inactive


@shared_task
def purge_inactive_contacts():
    return attendees_purge_inactive()
