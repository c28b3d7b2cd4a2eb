"""Importing an earlier wave from a spreadsheet, for Administrators: upload the file,
match its columns to the wave's questions, see every row's problems before anything is
saved, then import all of it or none. A large file is worked on by a Celery worker
while the page shows how far it has got."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from engagement.roles import Capability, capability_required
from evaluation.forms.imports import MappingForm, RemoveImportForm, UploadForm
from evaluation.imports import (
    UnreadableFile,
    column_letter,
    preview_cells,
    stored_preview,
)
from evaluation.models import Question, SurveyImport, Wave
from evaluation.services import (
    ImportRefused,
    survey_import_check_start,
    survey_import_discard,
    survey_import_earlier,
    survey_import_progress,
    survey_import_start,
    survey_import_upload,
)
from evaluation.services.imports import MAY_CHECK, WORKING, reader_for

EXAMPLES_PER_COLUMN = 3


def _get_import(pk: int, *, with_content: bool = False) -> SurveyImport:
    imports = SurveyImport.objects.select_related("wave", "uploaded_by")
    if not with_content:
        # The file can be tens of megabytes; only pages that read it load it.
        imports = imports.defer("content")
    return get_object_or_404(imports, pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
@capability_required(Capability.MANAGE_SURVEYS)
def import_upload(request, slug):
    wave = get_object_or_404(Wave, slug=slug)
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                survey_import = survey_import_upload(
                    wave=wave, filename=upload.name, content=upload.read(), by=request.user
                )
            except UnreadableFile as problem:
                form.add_error("file", problem.message)
            else:
                messages.success(
                    request, _("The file is uploaded. Match each column to a question.")
                )
                return redirect("evaluation:import-detail", pk=survey_import.pk)
    imports = wave.imports.defer("content").select_related("uploaded_by")
    return render(
        request,
        "evaluation/imports/upload.html",
        {"wave": wave, "form": form, "imports": imports},
    )


def _examples(rows, width: int) -> dict[int, list[str]]:
    """A few different answers from each column, to help match it."""
    examples: dict[int, list[str]] = {index: [] for index in range(width)}
    for _number, cells in rows:
        for index, cell in enumerate(cells[:width]):
            text = cell.strip()[:40]
            if text and text not in examples[index] and len(examples[index]) < EXAMPLES_PER_COLUMN:
                examples[index].append(text)
    return examples


def _render_detail(request, survey_import, *, mapping_data=None, remove_form=None):
    context = {
        "survey_import": survey_import,
        "wave": survey_import.wave,
        "progress": survey_import_progress(survey_import),
        "earlier": survey_import_earlier(survey_import),
        "is_working": survey_import.status in WORKING,
        "may_check": survey_import.status in MAY_CHECK,
        "may_import": survey_import.status == SurveyImport.Status.CHECKED
        and not survey_import.error_count,
        "blank_rows": max(0, survey_import.total_rows - survey_import.rows_to_import),
    }
    if survey_import.status == SurveyImport.Status.DONE:
        context["remove_form"] = remove_form or RemoveImportForm(
            responses=survey_import.imported_count
        )
    if context["may_check"]:
        questions = list(Question.objects.filter(wave_id=survey_import.wave_id).in_order())
        width = len(survey_import.headers)
        content = bytes(survey_import.content)
        rows = preview_cells(content, survey_import.filename, survey_import.encoding)
        form = MappingForm(
            mapping_data,
            headers=survey_import.headers,
            questions=questions,
            initial_mapping=survey_import.mapping,
            examples=_examples(rows, width),
        )
        reader = reader_for(survey_import, questions)
        context.update(
            form=form,
            columns=[
                (column_letter(index), header) for index, header in enumerate(survey_import.headers)
            ],
            preview_rows=[(number, (cells + [""] * width)[:width]) for number, cells in rows],
            stored_columns=[question for _index, _header, question in reader.columns],
            stored_rows=stored_preview(reader, rows),
        )
    return render(request, "evaluation/imports/detail.html", context)


# The page shows rows of the file, ethnicity among them: never kept by a browser.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@capability_required(Capability.MANAGE_SURVEYS)
def import_detail(request, pk):
    survey_import = _get_import(pk, with_content=True)
    if request.method != "POST":
        return _render_detail(request, survey_import)
    if survey_import.status not in MAY_CHECK:
        messages.error(request, _("The columns of this file can no longer be changed."))
        return redirect("evaluation:import-detail", pk=pk)
    questions = list(Question.objects.filter(wave_id=survey_import.wave_id).in_order())
    form = MappingForm(
        request.POST,
        headers=survey_import.headers,
        questions=questions,
        initial_mapping=survey_import.mapping,
    )
    if form.is_valid():
        try:
            survey_import_check_start(
                survey_import=survey_import, mapping=form.cleaned_data["mapping"]
            )
        except ImportRefused as refusal:
            messages.error(request, refusal.message)
        return redirect("evaluation:import-detail", pk=pk)
    return _render_detail(request, survey_import, mapping_data=request.POST)


@never_cache
@require_safe
@capability_required(Capability.MANAGE_SURVEYS)
def import_progress(request, pk):
    return JsonResponse(survey_import_progress(_get_import(pk)))


@require_POST
@capability_required(Capability.MANAGE_SURVEYS)
def import_confirm(request, pk):
    survey_import = _get_import(pk)
    try:
        survey_import_start(survey_import=survey_import)
    except ImportRefused as refusal:
        messages.error(request, refusal.message)
    return redirect("evaluation:import-detail", pk=pk)


@never_cache
@require_POST
@capability_required(Capability.MANAGE_SURVEYS)
def import_discard(request, pk):
    survey_import = _get_import(pk)
    if survey_import.status == SurveyImport.Status.DONE:
        remove_form = RemoveImportForm(request.POST, responses=survey_import.imported_count)
        if not remove_form.is_valid():
            return _render_detail(request, survey_import, remove_form=remove_form)
    try:
        removed = survey_import_discard(survey_import=survey_import)
    except ImportRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("evaluation:import-detail", pk=pk)
    if removed:
        messages.success(
            request,
            _("The import is removed, with the %(count)s responses it added to the wave.")
            % {"count": f"{removed:,}"},
        )
    else:
        messages.success(request, _("The uploaded file is discarded. Nothing was imported."))
    return redirect("evaluation:import", slug=survey_import.wave.slug)
