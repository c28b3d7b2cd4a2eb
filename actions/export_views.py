"""Exports on the staff site: a page to choose what to download and for what, and the
download itself. Coordinators, Leaders and Administrators may export; Action owners and
focus group members may not. Every download is written to the audit log with its
filters, and none may be cached."""

from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from actions.exports import CSV, DATASETS, FORMATS, ExportForm, csv_pieces, xlsx_file
from engagement.models import AuditLogEntry
from engagement.roles import Capability, capability_required
from engagement.services import audit_record


def may_export(view):
    """Exports hold feedback and every action with its internal updates: both are
    needed."""
    return capability_required(Capability.VIEW_FEEDBACK)(
        capability_required(Capability.VIEW_ACTIONS)(view)
    )


def _page(request, form):
    return render(request, "actions/exports.html", {"form": form, "datasets": DATASETS.values()})


@require_safe
@may_export
def export_index(request):
    return _page(request, ExportForm())


def _audit_subject(dataset, file_format: str, filters) -> str:
    what = f"{dataset.slug} {file_format.upper()} export"
    described = filters.describe()
    return f"{what}; filters: {described}" if described else what


@require_safe
@never_cache
@may_export
def export_download(request):
    """?dataset=…&format=csv|xlsx and the filters. Anything that cannot be used comes
    back on the page, beside its field."""
    if not request.GET:
        return redirect("exports:index")
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _page(request, form)
    dataset = DATASETS[form.cleaned_data["dataset"]]
    file_format = form.cleaned_data["format"]
    filters = form.filters()
    audit_record(
        request=request,
        action=AuditLogEntry.Action.EXPORTED,
        subject=_audit_subject(dataset, file_format, filters),
    )
    export = dataset.build(filters)
    filename = f"{dataset.slug}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    content_type = FORMATS[file_format][0]
    if file_format == CSV:
        response = StreamingHttpResponse(csv_pieces(export), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        xlsx_file(export), as_attachment=True, filename=filename, content_type=content_type
    )
