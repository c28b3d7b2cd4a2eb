"""Large imports: checked and imported by a Celery worker while the page shows how far
it has got, and done in the request instead when the broker cannot be reached."""

import logging

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from evaluation import tasks
from evaluation.models import Answer, Response, SurveyImport, Wave
from evaluation.services import imports as import_services
from evaluation.tests.test_imports import check, confirm, csv_file, detail, uploaded


@pytest.fixture
def wave(wave_factory):
    return wave_factory(name="2022", status=Wave.Status.CLOSED)


@pytest.fixture
def with_a_broker():
    """Celery sends tasks to a broker instead of running them in the process."""
    conf = tasks.check_survey_import.app.conf
    previous = conf.task_always_eager
    conf.task_always_eager = False
    try:
        yield
    finally:
        conf.task_always_eager = previous


def progress(client, survey_import) -> dict:
    return client.get(reverse("evaluation:import-progress", kwargs={"pk": survey_import.pk})).json()


@pytest.mark.django_db
def test_fifty_thousand_rows_are_checked_and_imported_by_the_worker_with_progress(
    administrator_client, wave, monkeypatch, django_capture_on_commit_callbacks
):
    rows = 50_000
    areas = ["Blaby", "Melton", "Charnwood", "Leicester City"]
    content = csv_file(
        "Respondent,Confidence,Attended a community event,Area",
        *(
            f"{n},{n % 5 + 1},{'yes' if n % 3 else 'no'},{areas[n % len(areas)]}"
            for n in range(rows)
        ),
    )
    survey_import = uploaded(administrator_client, wave, content)
    assert survey_import.total_rows == rows

    ran_by_worker = []
    for name in ("survey_import_check", "survey_import_run"):
        work = getattr(tasks, name)
        monkeypatch.setattr(
            tasks,
            name,
            lambda *, survey_import_id, work=work, name=name: (
                ran_by_worker.append(name),
                work(survey_import_id=survey_import_id),
            ),
        )
    seen = []
    note = import_services._note_progress

    def noting(survey_import, processed):
        note(survey_import, processed)
        seen.append((survey_import.status, progress(administrator_client, survey_import)))

    monkeypatch.setattr(import_services, "_note_progress", noting)

    with django_capture_on_commit_callbacks(execute=True):
        check(administrator_client, survey_import)
    survey_import.refresh_from_db()
    assert survey_import.status == SurveyImport.Status.CHECKED
    assert survey_import.rows_to_import == rows
    with django_capture_on_commit_callbacks(execute=True):
        confirm(administrator_client, survey_import)
    survey_import.refresh_from_db()
    assert survey_import.status == SurveyImport.Status.DONE

    assert ran_by_worker == ["survey_import_check", "survey_import_run"]
    assert Response.objects.filter(survey_import=survey_import).count() == rows
    assert Answer.objects.filter(response__survey_import=survey_import).count() == 3 * rows
    assert survey_import.imported_count == rows

    checking = [report for status, report in seen if status == "checking"]
    importing = [report for status, report in seen if status == "importing"]
    assert len(checking) == len(importing) == rows // import_services.PROGRESS_STEP
    # The page saw the bar move, a thousand rows at a time, in both steps.
    assert [report["processed"] for report in checking[:3]] == [1000, 2000, 3000]
    assert [report["processed"] for report in importing[:3]] == [1000, 2000, 3000]
    assert checking[24]["percent"] == importing[24]["percent"] == 50
    assert all(report["done"] is False for report in checking + importing)
    assert progress(administrator_client, survey_import)["done"] is True


@pytest.mark.django_db
def test_a_large_file_waits_for_the_worker_with_a_progress_bar(
    administrator_client,
    wave,
    settings,
    monkeypatch,
    with_a_broker,
    django_capture_on_commit_callbacks,
):
    settings.SURVEY_IMPORT_BACKGROUND_ROWS = 2
    survey_import = uploaded(administrator_client, wave, csv_file("Confidence", "4", "5", "3"))
    queued = []
    monkeypatch.setattr(
        tasks.check_survey_import, "apply_async", lambda args, **options: queued.append(args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        check(administrator_client, survey_import)
    survey_import.refresh_from_db()
    assert queued == [(survey_import.pk,)]
    assert survey_import.status == SurveyImport.Status.CHECKING
    page = detail(administrator_client, survey_import).content.decode()
    assert "Checking every row" in page
    assert 'max="3" value="0"' in page
    assert progress(administrator_client, survey_import)["done"] is False

    # The worker picks the task up; a second delivery of the same task does nothing.
    tasks.check_survey_import(survey_import.pk)
    tasks.check_survey_import(survey_import.pk)
    survey_import.refresh_from_db()
    assert survey_import.status == SurveyImport.Status.CHECKED
    assert progress(administrator_client, survey_import) | {"status_label": ""} == {
        "status": "checked",
        "status_label": "",
        "processed": 3,
        "total": 3,
        "percent": 100,
        "done": True,
    }


@pytest.mark.django_db
def test_when_the_broker_is_down_the_work_is_done_in_the_request(
    administrator_client,
    wave,
    settings,
    monkeypatch,
    caplog,
    with_a_broker,
    django_capture_on_commit_callbacks,
):
    settings.SURVEY_IMPORT_BACKGROUND_ROWS = 1
    survey_import = uploaded(administrator_client, wave, csv_file("Confidence", "4", "5"))

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.check_survey_import, "apply_async", broker_down)
    monkeypatch.setattr(tasks.run_survey_import, "apply_async", broker_down)
    with caplog.at_level(logging.WARNING):
        with django_capture_on_commit_callbacks(execute=True):
            assert check(administrator_client, survey_import).status_code == 302
        survey_import.refresh_from_db()
        assert survey_import.status == SurveyImport.Status.CHECKED
        with django_capture_on_commit_callbacks(execute=True):
            assert confirm(administrator_client, survey_import).status_code == 302
    survey_import.refresh_from_db()
    assert survey_import.status == SurveyImport.Status.DONE
    assert Response.objects.count() == 2
    assert caplog.text.count("The broker is unreachable") == 2


@pytest.mark.django_db
def test_a_check_that_stops_can_be_started_again(administrator_client, wave, monkeypatch):
    survey_import = uploaded(administrator_client, wave, csv_file("Confidence", "4"))

    def broken(*args, **kwargs):
        raise RuntimeError("The database went away")

    monkeypatch.setattr(import_services, "_check", broken)
    check(administrator_client, survey_import)
    assert survey_import.status == SurveyImport.Status.UPLOADED
    assert (
        b"The check stopped before the end" in detail(administrator_client, survey_import).content
    )
    monkeypatch.undo()
    check(administrator_client, survey_import)
    assert survey_import.status == SurveyImport.Status.CHECKED


@pytest.mark.django_db
def test_the_import_progress_comes_from_the_cache_while_its_transaction_is_open(
    administrator_client, survey_import_factory
):
    survey_import = survey_import_factory(
        status=SurveyImport.Status.IMPORTING, rows_to_import=4000, processed_rows=0
    )
    import_services._note_progress(survey_import, 3000)
    assert progress(administrator_client, survey_import)["processed"] == 3000
    assert progress(administrator_client, survey_import)["percent"] == 75
