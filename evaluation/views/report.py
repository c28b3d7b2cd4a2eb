"""The evaluation report for Leaders, Coordinators and Administrators: the survey
compared (attendees and non-attendees, across waves, by ethnic group, raw or weighted
to the census), a printable version for a board meeting, reach against the census, who
attends each event and who says what, and the tables behind them as CSV or XLSX.

Every figure is an aggregate made safe to show by evaluation.statistics; nothing here
reads a single response. Downloads are written to the audit log and never cached."""

from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from actions.exports import CSV, FORMATS, csv_pieces, xlsx_file
from engagement.models import AuditLogEntry
from engagement.roles import Capability, can, capability_required
from engagement.services import audit_record
from evaluation.charts import report_sections
from evaluation.exports import comparison_export, reach_export, who_attends_export
from evaluation.forms.report import (
    COMPARISON,
    ETHNIC_GROUP,
    RAW,
    REACH,
    WAVES,
    WEIGHTED,
    ReachFilterForm,
    ReportFilterForm,
    TablesForm,
)
from evaluation.selectors import evaluation_report
from evaluation.selectors import reach as reach_figures
from evaluation.selectors import who_attends as attends

may_read_report = capability_required(Capability.VIEW_DASHBOARDS)


def _query_with(request, **changes) -> str:
    query = request.GET.copy()
    for name in ("table", "format"):
        query.pop(name, None)
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


def _report_context(request, form, *, tables_form=None) -> dict:
    filters = form.filters()
    report = evaluation_report(filters)
    return {
        "form": form,
        "tables_form": tables_form or TablesForm(initial={"format": CSV}),
        "report": report,
        "filters": report.filters,
        "sections": report_sections(report),
        "now": timezone.now(),
        "raw_query": _query_with(request, view=RAW),
        "weighted_query": _query_with(request, view=WEIGHTED),
        "filter_query": _query_with(request),
        "hidden_filters": [
            (name, value)
            for name, value in request.GET.items()
            if name in form.fields and name not in ("table", "format")
        ],
        "can_view_surveys": can(request.user, Capability.VIEW_SURVEYS),
        "can_manage_surveys": can(request.user, Capability.MANAGE_SURVEYS),
    }


@require_safe
@may_read_report
def report(request):
    """The comparison for each question, with the filters in the query string."""
    form = ReportFilterForm(request.GET or None)
    return render(request, "evaluation/report/report.html", _report_context(request, form))


@require_safe
@may_read_report
def report_print(request):
    """The same report for a board meeting: A4, no navigation, a section to a page,
    and the date and filters at the top."""
    form = ReportFilterForm(request.GET or None)
    return render(request, "evaluation/report/print.html", _report_context(request, form))


@require_safe
@may_read_report
def reach(request):
    form = ReachFilterForm(request.GET or None)
    figures = reach_figures(wave=form.selected_wave())
    return render(
        request,
        "evaluation/report/reach.html",
        {
            "form": form,
            "reach": figures,
            "can_view_surveys": can(request.user, Capability.VIEW_SURVEYS),
            "can_manage_surveys": can(request.user, Capability.MANAGE_SURVEYS),
        },
    )


@require_safe
@may_read_report
def who_attends(request):
    return render(request, "evaluation/report/who_attends.html", {"figures": attends()})


def _export_for(table: str, form):
    filters = form.filters()
    if table == REACH:
        return reach_export(wave=filters.wave)
    if table == COMPARISON:
        return comparison_export(filters, slug="attendance", title=_("Attendees and non-attendees"))
    if table == WAVES:
        return comparison_export(filters, slug="waves", title=_("Waves"))
    if table == ETHNIC_GROUP:
        return comparison_export(filters, slug="ethnic_group", title=_("By ethnic group"))
    return who_attends_export()


@require_safe
@never_cache
@may_read_report
def tables_download(request):
    """?table=comparison|waves|ethnic_group|reach|who_attends&format=csv|xlsx and the
    report's filters. A choice that cannot be used comes back on the report page,
    beside its field."""
    if not request.GET:
        return redirect("evaluation:report")
    tables_form = TablesForm(request.GET)
    if not tables_form.is_valid():
        form = ReportFilterForm(request.GET)
        response = render(
            request,
            "evaluation/report/report.html",
            _report_context(request, form, tables_form=tables_form),
        )
        response.status_code = 400
        return response
    table = tables_form.cleaned_data["table"]
    file_format = tables_form.cleaned_data["format"]
    filters = tables_form.filters()
    audit_record(
        request=request,
        action=AuditLogEntry.Action.EXPORTED,
        subject=f"evaluation {table} {file_format.upper()} table; {filters.describe()}",
    )
    export = _export_for(table, tables_form)
    filename = f"evaluation-{table.replace('_', '-')}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    content_type = FORMATS[file_format][0]
    if file_format == CSV:
        response = StreamingHttpResponse(csv_pieces(export), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        xlsx_file(export), as_attachment=True, filename=filename, content_type=content_type
    )
