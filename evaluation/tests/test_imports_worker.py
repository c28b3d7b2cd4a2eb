"""A large import with real services: the web process queues the check and the import
on Redis, a real Celery worker does them against PostgreSQL, and the page's progress
endpoint sees the bar move while the import's transaction is still open."""

import os
import time

import pytest
from django.core.cache import caches
from django.urls import reverse

from contacts.tests.delivery import celery_publishing_to, wait_for_workers, wait_until
from evaluation.models import Response, SurveyImport, Wave
from evaluation.tests.factories import WaveFactory
from evaluation.tests.test_imports import check, confirm, csv_file, uploaded

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROWS = 30_000


@pytest.fixture
def cache_shared_with_the_workers(settings, redis_server):
    """The web process reads the progress the worker writes, as in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            # The workers read the prefix from the environment, as the web process does.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cv"),
        }
    }
    yield
    caches["default"].clear()


def test_a_worker_checks_and_imports_a_large_file_while_the_page_watches(
    workers, redis_server, cache_shared_with_the_workers, administrator_client
):
    wave = WaveFactory(name="2022", status=Wave.Status.CLOSED)
    content = csv_file(
        "Respondent,Confidence,Attended a community event",
        *(f"{n},{n % 5 + 1},{'yes' if n % 3 else 'no'}" for n in range(ROWS)),
    )
    survey_import = uploaded(administrator_client, wave, content)
    url = reverse("evaluation:import-progress", kwargs={"pk": survey_import.pk})

    def watch() -> list[dict]:
        seen = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            seen.append(administrator_client.get(url).json())
            if seen[-1]["done"]:
                return seen
            time.sleep(0.02)
        raise AssertionError(f"The worker did not finish: {seen[-3:]}\n{workers.logs()}")

    with celery_publishing_to(redis_server.url):
        workers.start()
        wait_for_workers(1, workers)
        check(administrator_client, survey_import)
        assert survey_import.status == SurveyImport.Status.CHECKING  # queued, not done here
        checking = watch()
        survey_import.refresh_from_db()
        assert survey_import.status == SurveyImport.Status.CHECKED, survey_import.errors[:3]
        assert survey_import.rows_to_import == ROWS

        confirm(administrator_client, survey_import)
        assert survey_import.status == SurveyImport.Status.IMPORTING
        importing = watch()

    survey_import.refresh_from_db()
    assert survey_import.status == SurveyImport.Status.DONE
    wait_until(
        lambda: Response.objects.filter(survey_import=survey_import).count() == ROWS,
        timeout=10,
        what="the imported responses",
    )
    for seen in (checking, importing):
        moving = [report["processed"] for report in seen if not report["done"]]
        assert any(0 < processed < ROWS for processed in moving), seen[:5]
        assert moving == sorted(moving)
    assert importing[-1] | {"status_label": ""} == {
        "status": "done",
        "status_label": "",
        "processed": ROWS,
        "total": ROWS,
        "percent": 100,
        "done": True,
    }
