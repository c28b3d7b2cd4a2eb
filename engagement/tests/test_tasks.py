from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from engagement.tasks import clear_expired_sessions


@pytest.mark.django_db
def test_clearing_sessions_removes_only_expired_ones():
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="new", session_data="", expire_date=now + timedelta(days=1))
    clear_expired_sessions.delay()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]


def test_every_scheduled_task_exists(settings):
    from engagement.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_daily_tasks_that_email_people_run_in_the_morning(settings):
    for name in ("purge-inactive-contacts", "send-sense-check-reminders"):
        schedule = settings.CELERY_BEAT_SCHEDULE[name]["schedule"]
        assert (schedule.hour, schedule.minute) == ({10}, {0}), name
        assert str(schedule.tz) == settings.TIME_ZONE == "Europe/London"


def test_weekly_emails_about_actions_go_on_monday_mornings(settings):
    """Owners hear what is overdue before the digest tells the public what changed."""
    jobs = {
        "send-action-owner-reminders": ("actions.tasks.send_owner_reminders", 8),
        "send-action-digests": ("actions.tasks.send_update_digests", 9),
    }
    for name, (task, hour) in jobs.items():
        entry = settings.CELERY_BEAT_SCHEDULE[name]
        assert entry["task"] == task, name
        schedule = entry["schedule"]
        assert schedule.day_of_week == {1}, name
        assert (schedule.hour, schedule.minute) == ({hour}, {0}), name
        assert str(schedule.tz) == settings.TIME_ZONE == "Europe/London"
