import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagement.settings")

app = Celery("engagement")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def keep_database_connections_as_requests_do(task=None, **kwargs):
    """A worker keeps its database connection from one task to the next, as the web
    app keeps it from one request to the next (CELERY_DB_REUSE_MAX stops Celery
    closing it after every task): one older than CONN_MAX_AGE, or broken (PostgreSQL
    restarted), is closed, and the next task checks the connection before using it.
    Tasks run in-process (development, tests) are inside someone else's work and are
    left alone."""
    if task is not None and task.request.is_eager:
        return
    from django.db import close_old_connections

    close_old_connections()
