"""Importing an earlier wave from a spreadsheet: upload, match columns to questions,
check every row, then import every row in one transaction or none at all.

A file with more rows than settings.SURVEY_IMPORT_BACKGROUND_ROWS is checked and
imported by a Celery worker while the page shows how far it has got. If the broker
cannot be reached, the work is done in the request instead.

Each step claims the import with a conditional update of its status, so a form sent
twice, or a task delivered twice, does the work once."""

import hashlib
import logging
import os
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.translation import gettext as _

from evaluation.imports import (
    ERRORS_KEPT,
    RowReader,
    UnreadableFile,
    data_rows,
    guess_mapping,
    mapping_problems,
    read_headings,
)
from evaluation.models import Answer, Question, Response, Source, SurveyImport, Wave
from evaluation.questions import Kind
from evaluation.services.survey import response_fields
from events.models import Event

logger = logging.getLogger(__name__)

# How often a running check or import reports how far it has got, in rows.
PROGRESS_STEP = 1000
# Responses stored at a time while importing (their answers with them), and deleted at
# a time when an import is removed.
BATCH_SIZE = 1000
PROGRESS_SECONDS = 60 * 60
Status = SurveyImport.Status
MAY_CHECK = (Status.UPLOADED, Status.CHECKED, Status.HAS_ERRORS)
WORKING = (Status.CHECKING, Status.IMPORTING)


class ImportRefused(Exception):
    """A step that cannot be taken now; `message` says why, for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def safe_filename(filename: str) -> str:
    """The file's own name, without folders or hidden characters, short enough to keep."""
    name = os.path.basename(str(filename).replace("\\", "/"))
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = stem[: 254 - len(extension)] + dot + extension
    return name or "survey.csv"


def _save(survey_import: SurveyImport, **fields) -> int:
    """Write fields of an import without saving the rest: a worker and a person may
    both be changing it, and it may have been discarded meanwhile."""
    return SurveyImport.objects.filter(pk=survey_import.pk).update(**fields)


def _progress_key(survey_import_id: int) -> str:
    return f"evaluation:survey-import:{survey_import_id}:imported"


def _note_progress(survey_import: SurveyImport, processed: int) -> None:
    """Tell the page how far the step under way has got. A check writes to the import
    itself. An import writes to the cache instead, since its transaction hides its
    writes until the end; without the cache, the bar waits for the end."""
    if survey_import.status == Status.IMPORTING:
        try:
            cache.set(_progress_key(survey_import.pk), processed, PROGRESS_SECONDS)
        except Exception:
            logger.warning("The cache is unreachable; import progress is not shown.")
    else:
        _save(survey_import, processed_rows=processed)


def survey_import_progress(survey_import: SurveyImport) -> dict:
    """How far the step under way has got, as the page and its script show it."""
    processed = survey_import.processed_rows
    if survey_import.status == Status.IMPORTING:
        try:
            processed = cache.get(_progress_key(survey_import.pk), processed)
        except Exception:
            logger.warning("The cache is unreachable; import progress is not shown.")
    total = survey_import.progress_total
    return {
        "status": survey_import.status,
        "status_label": str(survey_import.get_status_display()),
        "processed": processed,
        "total": total,
        "percent": min(100, round(100 * processed / total)) if total else 0,
        "done": survey_import.status not in WORKING,
    }


def _events_for(questions) -> list[Event]:
    if any(question.kind == Kind.EVENT for question in questions):
        return list(Event.objects.only("pk", "title").order_by("pk"))
    return []


def reader_for(survey_import: SurveyImport, questions=None) -> RowReader:
    """Reads the import's rows as answers to the questions its columns are matched to."""
    if questions is None:
        questions = list(Question.objects.filter(wave_id=survey_import.wave_id))
    keys = set(survey_import.mapping.values())
    mapped = [question for question in questions if question.key in keys]
    return RowReader(
        headers=survey_import.headers,
        mapping=survey_import.mapping,
        questions=mapped,
        events=_events_for(mapped),
    )


def _in_the_background(task_name: str, survey_import_id: int, work: Callable) -> None:
    """Hand the work to a worker once the current transaction is committed; do it here
    if the broker cannot take it."""
    # Imported here because tasks.py, a thin wrapper, imports this module.
    from evaluation import tasks

    task = getattr(tasks, task_name)

    def enqueue():
        if task.app.conf.task_always_eager:
            task.delay(survey_import_id)
            return
        try:
            task.apply_async((survey_import_id,), retry=False)
        except Exception:
            logger.warning(
                "The broker is unreachable; survey import %s is worked on in the request.",
                survey_import_id,
            )
            work(survey_import_id=survey_import_id)

    transaction.on_commit(enqueue)


# Upload --------------------------------------------------------------------------------


def survey_import_upload(*, wave: Wave, filename: str, content: bytes, by=None) -> SurveyImport:
    """Keep an uploaded file with its column headings, each column matched to the
    question its heading most looks like. Raises UnreadableFile if it cannot be read."""
    filename = safe_filename(filename)
    headings = read_headings(content, filename)
    return SurveyImport.objects.create(
        wave=wave,
        uploaded_by=by,
        filename=filename,
        content=content,
        content_sha256=hashlib.sha256(content).hexdigest(),
        encoding=headings.encoding,
        headers=headings.headers,
        mapping=guess_mapping(headings.headers, wave.questions.all()),
        total_rows=headings.row_count,
    )


def survey_import_earlier(survey_import: SurveyImport) -> SurveyImport | None:
    """The latest import of the very same file into the same wave that was completed."""
    if not survey_import.content_sha256:
        return None
    return (
        SurveyImport.objects.filter(
            wave_id=survey_import.wave_id,
            content_sha256=survey_import.content_sha256,
            status=Status.DONE,
        )
        .exclude(pk=survey_import.pk)
        .defer("content")
        .order_by("-uploaded_at", "-pk")
        .first()
    )


# Checking ------------------------------------------------------------------------------


def survey_import_check_start(*, survey_import: SurveyImport, mapping: dict[str, str]) -> None:
    """Save how the columns match the questions and check every row: here for a small
    file, by a worker for a large one."""
    mapping = {header: mapping.get(header) or "" for header in survey_import.headers}
    keys = Question.objects.filter(wave_id=survey_import.wave_id).values_list("key", flat=True)
    beside, whole = mapping_problems(mapping, keys)
    if beside or whole:
        raise ImportRefused(next(iter(beside.values()), None) or whole[0])
    claimed = SurveyImport.objects.filter(pk=survey_import.pk, status__in=MAY_CHECK).update(
        mapping=mapping,
        status=Status.CHECKING,
        processed_rows=0,
        rows_to_import=0,
        error_count=0,
        errors=[],
        message="",
    )
    if not claimed:
        raise ImportRefused(_("This file is being checked or imported already."))
    if survey_import.total_rows > settings.SURVEY_IMPORT_BACKGROUND_ROWS:
        _in_the_background("check_survey_import", survey_import.pk, survey_import_check)
    else:
        survey_import_check(survey_import_id=survey_import.pk)


def survey_import_check(*, survey_import_id: int) -> None:
    """Read every row as answers and note every problem; nothing is imported. Safe to
    run again: only an import waiting to be checked is checked."""
    survey_import = (
        SurveyImport.objects.filter(pk=survey_import_id, status=Status.CHECKING)
        .select_related("wave")
        .first()
    )
    if survey_import is None:
        return
    try:
        _check(survey_import)
    except UnreadableFile as problem:
        _save(survey_import, status=Status.FAILED, message=problem.message[:300])
    except Exception:
        logger.exception("Checking survey import %s stopped.", survey_import_id)
        _save(
            survey_import,
            status=Status.UPLOADED,
            message=_("The check stopped before the end. Nothing was imported. Check it again."),
        )


def _check(survey_import: SurveyImport) -> None:
    reader = reader_for(survey_import)
    rows = error_count = to_import = 0
    errors: list[dict] = []
    content = bytes(survey_import.content)
    for number, cells in data_rows(content, survey_import.filename, survey_import.encoding):
        row = reader.read(number, cells)
        rows += 1
        if row.errors:
            error_count += len(row.errors)
            errors.extend(row.errors[: ERRORS_KEPT - len(errors)])
        elif not row.is_blank:
            to_import += 1
        if rows % PROGRESS_STEP == 0:
            _note_progress(survey_import, rows)
    if error_count:
        status, message = Status.HAS_ERRORS, ""
    elif to_import == 0:
        status = Status.HAS_ERRORS
        message = _(
            "No row has an answer in the columns matched to questions. Match other "
            "columns, or check that this is the right file."
        )
    else:
        status = Status.CHECKED
        message = ""
    _save(
        survey_import,
        status=status,
        total_rows=rows,
        processed_rows=rows,
        rows_to_import=to_import,
        error_count=error_count,
        errors=errors,
        message=message,
    )


# Importing -----------------------------------------------------------------------------


def survey_import_start(*, survey_import: SurveyImport) -> None:
    """Import every checked row: here for a small file, by a worker for a large one."""
    claimed = SurveyImport.objects.filter(
        pk=survey_import.pk, status=Status.CHECKED, error_count=0
    ).update(status=Status.IMPORTING, processed_rows=0, message="")
    if not claimed:
        raise ImportRefused(
            _("Only a file that has been checked and has no problems can be imported.")
        )
    if survey_import.rows_to_import > settings.SURVEY_IMPORT_BACKGROUND_ROWS:
        _in_the_background("run_survey_import", survey_import.pk, survey_import_run)
    else:
        survey_import_run(survey_import_id=survey_import.pk)


class _RowsChanged(Exception):
    def __init__(self, errors: list[dict], error_count: int):
        super().__init__("rows with problems")
        self.errors = errors
        self.error_count = error_count


def survey_import_run(*, survey_import_id: int) -> None:
    """Store every row with answers as a response, all in one transaction: if anything
    goes wrong, nothing is stored and the page says so. Safe to run again: only an
    import under way is imported, and the transaction that stores its rows is the one
    that marks it done."""
    survey_import = (
        SurveyImport.objects.filter(pk=survey_import_id, status=Status.IMPORTING)
        .select_related("wave")
        .first()
    )
    if survey_import is None:
        return
    try:
        with transaction.atomic():
            still_importing = SurveyImport.objects.select_for_update().filter(
                pk=survey_import_id, status=Status.IMPORTING
            )
            if not still_importing.exists():
                return
            imported = _store_rows(survey_import)
            _save(
                survey_import,
                status=Status.DONE,
                processed_rows=imported,
                imported_count=imported,
                content=b"",
                message="",
            )
    except _RowsChanged as changed:
        _save(
            survey_import,
            status=Status.HAS_ERRORS,
            errors=changed.errors,
            error_count=changed.error_count,
            message=_(
                "Nothing was imported: some rows no longer read as answers. Correct them "
                "and check again."
            ),
        )
    except UnreadableFile as problem:
        _save(survey_import, status=Status.FAILED, message=problem.message[:300])
    except Exception:
        logger.exception("Importing survey import %s stopped.", survey_import_id)
        _save(
            survey_import,
            status=Status.CHECKED,
            processed_rows=0,
            message=_(
                "The import stopped before the end, so nothing was saved. Try again; if it "
                "stops again, ask for help."
            ),
        )


def _store_rows(survey_import: SurveyImport) -> int:
    """Save the rows in batches; raise _RowsChanged, which undoes every batch, if any
    row has a problem (the wave's questions or events may have changed since the
    check)."""
    questions = list(Question.objects.filter(wave_id=survey_import.wave_id))
    questions_by_key = {question.key: question for question in questions}
    reader = reader_for(survey_import, questions)
    responses = _Rows(Response, exclude=())
    answers = _Rows(Answer, exclude=("id",))
    errors: list[dict] = []
    error_count = imported = 0
    content = bytes(survey_import.content)
    for number, cells in data_rows(content, survey_import.filename, survey_import.encoding):
        row = reader.read(number, cells)
        if row.errors:
            error_count += len(row.errors)
            errors.extend(row.errors[: ERRORS_KEPT - len(errors)])
            continue
        if error_count or row.is_blank:
            continue
        response_id = uuid.uuid4()
        responses.add(
            id=response_id,
            wave_id=survey_import.wave_id,
            source=Source.IMPORTED,
            survey_import_id=survey_import.pk,
            **response_fields(row.answers, questions_by_key),
        )
        for key, answer in row.answers.items():
            answers.add(
                response_id=response_id,
                question_id=questions_by_key[key].pk,
                score=answer.score,
                choice=answer.choice,
            )
        if len(responses) == BATCH_SIZE:
            imported += _store_batch(responses, answers)
            if imported % PROGRESS_STEP == 0:
                _note_progress(survey_import, imported)
    if error_count:
        raise _RowsChanged(errors, error_count)
    imported += _store_batch(responses, answers)
    return imported


def _store_batch(responses: "_Rows", answers: "_Rows") -> int:
    count = len(responses)
    responses.insert()
    answers.insert()
    return count


class _Rows:
    """Rows of one model waiting to be inserted, as plain values. A file of 50,000
    responses has hundreds of thousands of answers: making a model instance for each,
    as bulk_create does, would take most of the import's time. Every column is given,
    with the field's default where the row has no value, as bulk_create would."""

    # Values of these kinds go to the database as they are; others (UUIDs, dates) are
    # prepared by their field, as the ORM would.
    PLAIN = frozenset(
        {
            "AutoField",
            "BigAutoField",
            "BigIntegerField",
            "BooleanField",
            "CharField",
            "IntegerField",
            "PositiveIntegerField",
            "PositiveSmallIntegerField",
            "SlugField",
            "SmallIntegerField",
            "TextField",
        }
    )

    def __init__(self, model, *, exclude: tuple[str, ...]):
        self.model = model
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.fields = [
            field for field in model._meta.concrete_fields if field.attname not in exclude
        ]
        self.defaults = {field.attname: field.get_default() for field in self.fields}
        self.preparers = [
            None
            if (field.target_field if field.is_relation else field).get_internal_type()
            in self.PLAIN
            else field.get_db_prep_save
            for field in self.fields
        ]
        self.rows: list[tuple] = []

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, **values) -> None:
        values = self.defaults | values
        self.rows.append(
            tuple(
                values[field.attname]
                if prepare is None
                else prepare(values[field.attname], self.connection)
                for field, prepare in zip(self.fields, self.preparers, strict=True)
            )
        )

    def insert(self) -> None:
        if not self.rows:
            return
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in self.fields)
        one_row = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        most_values = self.connection.features.max_query_params or 5000
        per_statement = max(1, min(500, most_values // len(self.fields)))
        with self.connection.cursor() as cursor:
            for start in range(0, len(self.rows), per_statement):
                chunk = self.rows[start : start + per_statement]
                # Only the model's own table and column names go into the statement;
                # every value is a parameter.
                cursor.execute(
                    f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) "  # noqa: S608
                    f"VALUES {', '.join([one_row] * len(chunk))}",
                    [value for row in chunk for value in row],
                )
        self.rows = []


# Discarding ----------------------------------------------------------------------------


@transaction.atomic
def survey_import_discard(*, survey_import: SurveyImport) -> int:
    """Delete an import and every response it added to the wave, which undoes an import
    made by mistake. Returns how many responses were deleted."""
    locked = (
        SurveyImport.objects.select_for_update()
        .filter(pk=survey_import.pk)
        .values("status")
        .first()
    )
    if locked is None:
        return 0
    if locked["status"] == Status.IMPORTING:
        raise ImportRefused(
            _("This file is being imported. Wait until it is done, then remove it.")
        )
    removed = 0
    while True:
        batch = list(
            Response.objects.filter(survey_import=survey_import).values_list("pk", flat=True)[
                :BATCH_SIZE
            ]
        )
        if not batch:
            break
        Answer.objects.filter(response_id__in=batch).delete()
        Response.objects.filter(pk__in=batch).delete()
        removed += len(batch)
    SurveyImport.objects.filter(pk=survey_import.pk).delete()
    return removed
