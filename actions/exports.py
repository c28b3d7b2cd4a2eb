"""Exports for staff to work on in a spreadsheet: feedback, actions with their timelines,
events with attendance and costs, and findings, each as CSV or XLSX, for one programme,
one community and a range of dates, or for everything.

An export never holds a contact's name, email address or phone number (nothing is read
from the contacts app), nor feedback as it was written before personal details were
taken out: only the redacted text. Staff names appear where the staff pages show them:
an action's owner, who wrote each update, an event's lead organiser.

Rows are read a chunk at a time and written out as they come, so an export of 100,000
rows never holds them all in memory, and each chunk costs the same few queries however
many rows it has. Text that a spreadsheet would run as a formula is neutralised, in
both formats."""

import csv
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import islice

import xlsxwriter
from crispy_forms.layout import Fieldset
from django import forms
from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from actions.forms import DashboardFilterForm
from actions.models import Action, ActionUpdate
from engagement.models import Community, Programme
from events.forms import fields_only_helper
from events.models import Event
from feedback.models import FeedbackItem, Findings, FindingsSection, FindingsVersion

# Rows read from the database at a time, and the most ids sent in one query after it.
CHUNK_SIZE = 2000
# Characters of CSV gathered before they are sent, so that a large file goes out in
# pieces of a useful size rather than a line at a time.
CSV_PIECE_SIZE = 64 * 1024
# The most characters an Excel cell holds; a longer text makes a file Excel calls broken.
EXCEL_CELL_LIMIT = 32_767
# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google
# Sheets, e.g. "=HYPERLINK(...)" typed into a public form.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV = "csv"
XLSX = "xlsx"
FORMATS = {
    CSV: ("text/csv; charset=utf-8", gettext_lazy("CSV (opens in any spreadsheet)")),
    XLSX: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        gettext_lazy("Excel workbook (XLSX)"),
    ),
}


def neutralise(cell):
    """A text cell as a spreadsheet will show it, never run: one that starts like a
    formula gets a leading apostrophe. Numbers and dates are left as they are."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return f"'{cell}"
    return cell


def _printable(text: str) -> str:
    """Text without the control characters a spreadsheet cannot hold (tabs and line
    breaks stay). Taken out before neutralising, so they cannot hide a formula."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


# Filters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFilters:
    """What an export is about: a programme, a community, and a range of dates. Empty
    means everything. Each dataset says which of its dates the range is about."""

    programme: Programme | None = None
    community: Community | None = None
    date_from: date | None = None
    date_to: date | None = None

    def dated(self, queryset, field: str):
        """The rows whose `field`, a date and time, falls in the range (whole days)."""
        if self.date_from is not None:
            start = timezone.make_aware(datetime.combine(self.date_from, time.min))
            queryset = queryset.filter(**{f"{field}__gte": start})
        if self.date_to is not None:
            end = timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))
            queryset = queryset.filter(**{f"{field}__lt": end})
        return queryset

    def describe(self) -> str:
        parts = []
        if self.programme is not None:
            parts.append(_("programme: %(name)s") % {"name": self.programme.name})
        if self.community is not None:
            parts.append(_("community: %(name)s") % {"name": self.community.name})
        if self.date_from is not None:
            parts.append(_("from %(date)s") % {"date": self.date_from.isoformat()})
        if self.date_to is not None:
            parts.append(_("to %(date)s") % {"date": self.date_to.isoformat()})
        return "; ".join(parts)


# Reading rows a chunk at a time ---------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """A header and the rows under it. The rows are read from the database as they
    are taken, once."""

    title: str
    header: list[str]
    rows: Iterator[list]


def _rows_of(queryset, *fields: str) -> Iterator[list]:
    """Chunks of the queryset's rows, each with `fields` as attributes, read as they are
    needed."""
    rows = queryset.values_list(*fields, named=True).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        yield chunk


def _names_by(links, owner: str, name: str, *order: str) -> dict[int, list[str]]:
    """{owner id: [name, ...]} from rows of a table that links owners to names."""
    names: dict[int, list[str]] = defaultdict(list)
    for owner_id, value in links.order_by(owner, *order, name).values_list(owner, name):
        names[owner_id].append(value)
    return names


def _counts_by(links, owner: str) -> dict[int, int]:
    """{owner id: how many rows of `links` it has}."""
    counted = links.order_by().values(owner).annotate(count=Count("pk"))
    return dict(counted.values_list(owner, "count"))


def _joined(values) -> str:
    return "; ".join(values)


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _staff_name(first_name, last_name, username) -> str:
    return " ".join(part for part in (first_name, last_name) if part) or (username or "")


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


class _YesNo:
    def __init__(self):
        self.yes, self.no = _("Yes"), _("No")

    def __call__(self, value: bool) -> str:
        return self.yes if value else self.no


# Feedback -------------------------------------------------------------------------------


def feedback_export(filters: ExportFilters) -> Export:
    """One row per feedback item: the text with personal details taken out, never the
    original, with its tags, event, community and key question. Safeguarding flags and
    officers' internal notes are kept, marked in their own columns."""
    items = FeedbackItem.objects.all()
    if filters.programme is not None:
        items = items.filter(event__programme=filters.programme)
    if filters.community is not None:
        items = items.filter(community=filters.community)
    items = filters.dated(items, "received_hour").order_by("received_hour", "pk")
    sources, statuses = _labels(FeedbackItem.Source), _labels(FeedbackItem.Status)
    yes_no = _YesNo()
    header = [
        _("Feedback reference"),
        _("Received (to the hour)"),
        _("Source"),
        _("Event"),
        _("Event date"),
        _("Programme"),
        _("Community"),
        _("Key question"),
        _("Workstreams"),
        _("Topics"),
        _("Status"),
        _("Safeguarding flag"),
        _("Internal note"),
        _("Personal details removed"),
        _("What was said"),
    ]

    def rows():
        for chunk in _rows_of(
            items,
            "pk",
            "received_hour",
            "source",
            "event__title",
            "event__starts_at",
            "event__programme__name",
            "community__name",
            "key_question__text",
            "status",
            "is_safeguarding_flagged",
            "is_internal",
            "was_redacted",
            "text",
        ):
            ids = [row.pk for row in chunk]
            topics = _names_by(
                FeedbackItem.topics.through.objects.filter(feedbackitem_id__in=ids),
                "feedbackitem_id",
                "topic__name",
            )
            workstreams = _names_by(
                FeedbackItem.workstreams.through.objects.filter(feedbackitem_id__in=ids),
                "feedbackitem_id",
                "workstream__name",
                "workstream__position",
            )
            for row in chunk:
                yield [
                    row.pk,
                    row.received_hour,
                    sources.get(row.source, row.source),
                    row.event__title or "",
                    _local_date(row.event__starts_at),
                    row.event__programme__name or "",
                    row.community__name or "",
                    row.key_question__text or "",
                    _joined(workstreams[row.pk]),
                    _joined(topics[row.pk]),
                    statuses.get(row.status, row.status),
                    yes_no(row.is_safeguarding_flagged),
                    yes_no(row.is_internal),
                    yes_no(row.was_redacted),
                    row.text,
                ]

    return Export(_("Feedback"), header, rows())


# Actions --------------------------------------------------------------------------------


def _actions_for(filters: ExportFilters):
    """Actions about the programme's events or the community (named on the action, or
    the focus of an event it came from), proposed in the range."""
    actions = Action.objects.all()
    if filters.programme is not None:
        actions = actions.filter(
            Exists(
                Action.events.through.objects.filter(
                    action_id=OuterRef("pk"), event__programme=filters.programme
                )
            )
        )
    if filters.community is not None:
        actions = actions.filter(
            Exists(
                Action.communities.through.objects.filter(
                    action_id=OuterRef("pk"), community=filters.community
                )
            )
            | Exists(
                Action.events.through.objects.filter(
                    action_id=OuterRef("pk"), event__focus_community=filters.community
                )
            )
        )
    return filters.dated(actions, "created_at").order_by("created_at", "pk")


def actions_export(filters: ExportFilters) -> Export:
    """One row per entry on each action's timeline, public and internal, marked which,
    with the action's own columns repeated; an action with no entries has one row."""
    actions = _actions_for(filters)
    statuses = _labels(Action.Status)
    kinds = _labels(ActionUpdate.Kind)
    yes_no = _YesNo()
    public, internal = _("Public"), _("Internal")
    today = timezone.localdate()
    header = [
        _("Action reference"),
        _("Title"),
        _("Status"),
        _("On You Said, We Did"),
        _("Overdue"),
        _("Department"),
        _("Owner"),
        _("Due"),
        _("Proposed"),
        _("Agreed"),
        _("Workstreams"),
        _("Topics"),
        _("Communities"),
        _("Events it came from"),
        _("Feedback items it answers"),
        _("You said"),
        _("We did / we will"),
        _("Why we cannot act"),
        _("Why it was declined"),
        _("Update date"),
        _("What happened"),
        _("Public or internal"),
        _("Update by"),
        _("Update"),
    ]

    def rows():
        for chunk in _rows_of(
            actions,
            "pk",
            "title",
            "status",
            "is_public",
            "department__name",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
            "due_on",
            "created_at",
            "agreed_at",
            "you_said",
            "we_did",
            "cannot_act_reason",
            "decline_reason",
        ):
            ids = [row.pk for row in chunk]

            def linked(field: str, name: str, *order: str, ids=ids):
                through = getattr(Action, field).through.objects.filter(action_id__in=ids)
                return _names_by(through, "action_id", name, *order)

            workstreams = linked("workstreams", "workstream__name", "workstream__position")
            topics = linked("topics", "topic__name")
            communities = linked("communities", "community__name")
            events = linked("events", "event__title", "event__starts_at")
            answered = _counts_by(
                Action.items.through.objects.filter(action_id__in=ids), "action_id"
            )
            timelines: dict[int, list] = defaultdict(list)
            for update in (
                ActionUpdate.objects.filter(action_id__in=ids)
                .order_by("action_id", "at", "pk")
                .values_list(
                    "action_id",
                    "at",
                    "kind",
                    "is_public",
                    "by__first_name",
                    "by__last_name",
                    "by__username",
                    "text",
                    named=True,
                )
            ):
                timelines[update.action_id].append(
                    [
                        update.at,
                        kinds.get(update.kind, update.kind),
                        public if update.is_public else internal,
                        _staff_name(
                            update.by__first_name, update.by__last_name, update.by__username
                        ),
                        update.text,
                    ]
                )
            for row in chunk:
                action = [
                    row.pk,
                    row.title,
                    statuses.get(row.status, row.status),
                    yes_no(row.is_public and row.status in Action.PUBLIC_STATUSES),
                    yes_no(row.status in Action.UNDER_WAY_STATUSES and row.due_on < today),
                    row.department__name,
                    _staff_name(row.owner__first_name, row.owner__last_name, row.owner__username),
                    row.due_on,
                    row.created_at,
                    row.agreed_at,
                    _joined(workstreams[row.pk]),
                    _joined(topics[row.pk]),
                    _joined(communities[row.pk]),
                    _joined(events[row.pk]),
                    answered.get(row.pk, 0),
                    row.you_said,
                    row.we_did,
                    row.cannot_act_reason,
                    row.decline_reason,
                ]
                for update in timelines.get(row.pk) or [[None, "", "", "", ""]]:
                    yield [*action, *update]

    return Export(_("Actions"), header, rows())


# Events ---------------------------------------------------------------------------------


def events_export(filters: ExportFilters) -> Export:
    """One row per event, planned, held or cancelled: when and where, how many members
    of the public and officers came, what it cost, and how much feedback it gave."""
    events = Event.objects.all()
    if filters.programme is not None:
        events = events.filter(programme=filters.programme)
    if filters.community is not None:
        events = events.filter(focus_community=filters.community)
    events = filters.dated(events, "starts_at").order_by("starts_at", "pk")
    statuses, formats = _labels(Event.Status), _labels(Event.Format)
    age_groups = _labels(Event.AgeGroup)
    open_to_all = _("Open to all")
    yes_no = _YesNo()
    header = [
        _("Event reference"),
        _("Title"),
        _("Programme"),
        _("Status"),
        _("Format"),
        _("Starts"),
        _("Ends (planned)"),
        _("Actual finish"),
        _("Venue"),
        _("Focus community"),
        _("Age group focus"),
        _("Published"),
        _("Lead organiser"),
        _("Members of the public attending"),
        _("Officers with an account"),
        _("Other officers"),
        _("A chief officer attended"),
        _("Venue hire (£)"),
        _("Catering (£)"),
        _("Other costs (£)"),
        _("Total cost (£)"),
        _("Feedback items"),
        _("Reason for cancelling"),
    ]

    def rows():
        for chunk in _rows_of(
            events,
            "pk",
            "title",
            "programme__name",
            "status",
            "format",
            "starts_at",
            "ends_at",
            "actual_ends_at",
            "venue__name",
            "focus_community__name",
            "age_group",
            "is_published",
            "lead_organiser__first_name",
            "lead_organiser__last_name",
            "lead_organiser__username",
            "headcount",
            "other_officers_count",
            "chief_officer_attended",
            "venue_hire_cost",
            "catering_cost",
            "other_cost",
            "cancellation_reason",
        ):
            ids = [row.pk for row in chunk]
            officers = _counts_by(
                Event.officers_attending.through.objects.filter(event_id__in=ids), "event_id"
            )
            feedback = _counts_by(FeedbackItem.objects.filter(event_id__in=ids), "event_id")
            for row in chunk:
                costs = [row.venue_hire_cost, row.catering_cost, row.other_cost]
                known = [cost for cost in costs if cost is not None]
                yield [
                    row.pk,
                    row.title,
                    row.programme__name,
                    statuses.get(row.status, row.status),
                    formats.get(row.format, row.format),
                    row.starts_at,
                    row.ends_at,
                    row.actual_ends_at,
                    row.venue__name or "",
                    row.focus_community__name or open_to_all,
                    age_groups.get(row.age_group, row.age_group),
                    yes_no(row.is_published),
                    _staff_name(
                        row.lead_organiser__first_name,
                        row.lead_organiser__last_name,
                        row.lead_organiser__username,
                    ),
                    row.headcount,
                    officers.get(row.pk, 0),
                    row.other_officers_count,
                    yes_no(row.chief_officer_attended),
                    *costs,
                    sum(known, Decimal("0.00")) if known else None,
                    feedback.get(row.pk, 0),
                    row.cancellation_reason,
                ]

    return Export(_("Events"), header, rows())


# Findings -------------------------------------------------------------------------------


def _findings_for(filters: ExportFilters):
    """Findings about an event of the programme, or an event for the community, drafted
    in the range."""
    findings = Findings.objects.all()
    if filters.programme is not None:
        findings = findings.filter(
            Exists(
                Findings.events.through.objects.filter(
                    findings_id=OuterRef("pk"), event__programme=filters.programme
                )
            )
        )
    if filters.community is not None:
        findings = findings.filter(
            Exists(
                Findings.events.through.objects.filter(
                    findings_id=OuterRef("pk"), event__focus_community=filters.community
                )
            )
        )
    return filters.dated(findings, "created_at").order_by("created_at", "pk")


def findings_export(filters: ExportFilters) -> Export:
    """One row per section of each findings' latest version, with the findings' own
    columns repeated; findings with no sections yet have one row. What focus group
    members answered is not included."""
    findings = _findings_for(filters)
    statuses = _labels(Findings.Status)
    header = [
        _("Findings reference"),
        _("Title"),
        _("Status"),
        _("Events"),
        _("Drafted"),
        _("Sent to the focus group"),
        _("Agreed"),
        _("Shared"),
        _("Version"),
        _("Section"),
        _("Heading"),
        _("Key question"),
        _("Summary"),
        _("Feedback items it rests on"),
    ]
    latest_version = (
        FindingsVersion.objects.filter(findings_id=OuterRef("findings_id"))
        .order_by("-number")
        .values("pk")[:1]
    )

    def rows():
        for chunk in _rows_of(
            findings, "pk", "title", "status", "created_at", "sent_at", "agreed_at", "shared_at"
        ):
            ids = [row.pk for row in chunk]
            events = _names_by(
                Findings.events.through.objects.filter(findings_id__in=ids),
                "findings_id",
                "event__title",
                "event__starts_at",
            )
            versions = {
                version_pk: (findings_id, number)
                for findings_id, version_pk, number in FindingsVersion.objects.filter(
                    findings_id__in=ids, pk=Subquery(latest_version)
                )
                .order_by()
                .values_list("findings_id", "pk", "number")
            }
            section_rows = list(
                FindingsSection.objects.filter(version_id__in=versions)
                .order_by("version_id", "position", "pk")
                .values_list(
                    "pk", "version_id", "position", "heading", "key_question__text", "summary"
                )
            )
            items = _counts_by(
                FindingsSection.items.through.objects.filter(
                    findingssection__version_id__in=list(versions)
                ),
                "findingssection_id",
            )
            sections: dict[int, list] = defaultdict(list)
            for section_pk, version_pk, position, heading, question, summary in section_rows:
                sections[versions[version_pk][0]].append(
                    [position, heading, question or "", summary, items.get(section_pk, 0)]
                )
            numbers = dict(versions.values())
            for row in chunk:
                own = [
                    row.pk,
                    row.title,
                    statuses.get(row.status, row.status),
                    _joined(events[row.pk]),
                    row.created_at,
                    row.sent_at,
                    row.agreed_at,
                    row.shared_at,
                    numbers.get(row.pk),
                ]
                for section in sections.get(row.pk) or [[None, "", "", "", None]]:
                    yield [*own, *section]

    return Export(_("Findings"), header, rows())


# What can be exported ---------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    slug: str
    label: str
    description: str
    # Which of its dates the date range is about.
    dated_by: str
    build: Callable[[ExportFilters], Export]


DATASETS = {
    dataset.slug: dataset
    for dataset in (
        Dataset(
            "feedback",
            gettext_lazy("Feedback"),
            gettext_lazy(
                "Each item's text with personal details taken out, its workstreams and "
                "topics, event, community and key question, and whether it is flagged "
                "for safeguarding or an internal note."
            ),
            gettext_lazy("the hour each item was received"),
            feedback_export,
        ),
        Dataset(
            "actions",
            gettext_lazy("Actions"),
            gettext_lazy(
                "Each action with its department, owner, due date and tags, and every "
                "update on its timeline, marked public or internal: one row per update."
            ),
            gettext_lazy("when each action was proposed"),
            actions_export,
        ),
        Dataset(
            "events",
            gettext_lazy("Events"),
            gettext_lazy(
                "Each event with its venue, how many members of the public and officers "
                "came, what it cost and how much feedback it gave."
            ),
            gettext_lazy("when each event starts"),
            events_export,
        ),
        Dataset(
            "findings",
            gettext_lazy("Findings"),
            gettext_lazy(
                "The sections of each findings' latest version, with its events and when "
                "it was sent, agreed and shared: one row per section."
            ),
            gettext_lazy("when the findings were drafted"),
            findings_export,
        ),
    )
}


# Writing files ----------------------------------------------------------------------------


def _csv_value(cell, zone) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return f"{cell.astimezone(zone):%Y-%m-%d %H:%M}"
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, str):
        return neutralise(_printable(cell))
    return str(cell)


class _Lines:
    """Stands in for a file: csv.writer hands back each line it writes."""

    def write(self, line: str) -> str:
        return line


def csv_pieces(export: Export) -> Iterator[str]:
    """The export as CSV, in pieces to send as they are made. It starts with a byte
    order mark, so that Excel reads accented letters right."""
    writer = csv.writer(_Lines())
    zone = timezone.get_current_timezone()
    piece = ["\ufeff", writer.writerow([_csv_value(label, zone) for label in export.header])]
    size = 0
    for row in export.rows:
        line = writer.writerow([_csv_value(cell, zone) for cell in row])
        piece.append(line)
        size += len(line)
        if size >= CSV_PIECE_SIZE:
            yield "".join(piece)
            piece, size = [], 0
    yield "".join(piece)


def xlsx_file(export: Export):
    """The export as an Excel workbook in a temporary file, open at its start. Rows go
    to disk as they come (XlsxWriter's constant-memory mode); the file is deleted when
    it is closed. Text is written as text, never read as a formula, a number or a link."""
    # Closed, and so deleted, by the response once the file has been sent.
    output = tempfile.TemporaryFile(prefix="community-voice-export-")  # noqa: SIM115
    workbook = xlsxwriter.Workbook(
        output,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "tmpdir": tempfile.gettempdir(),
        },
    )
    sheet = workbook.add_worksheet(export.title[:31])
    sheet.freeze_panes(1, 0)
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "0.00"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    zone = timezone.get_current_timezone()
    for column, label in enumerate(export.header):
        sheet.write_string(0, column, neutralise(_printable(str(label))), bold)
    for number, row in enumerate(export.rows, start=1):
        for column, cell in enumerate(row):
            if cell is None:
                continue
            if isinstance(cell, str):
                text = neutralise(_printable(cell))[:EXCEL_CELL_LIMIT]
                sheet.write_string(number, column, text)
            elif isinstance(cell, bool):
                sheet.write_boolean(number, column, cell)
            elif isinstance(cell, datetime):
                # Excel has no time zones: the time as the site shows it.
                local = cell.astimezone(zone).replace(tzinfo=None)
                sheet.write_datetime(number, column, local, moment)
            elif isinstance(cell, date):
                sheet.write_datetime(number, column, cell, day)
            elif isinstance(cell, Decimal):
                sheet.write_number(number, column, cell, money)
            elif isinstance(cell, int | float):
                sheet.write_number(number, column, cell)
            else:
                sheet.write_string(number, column, neutralise(_printable(str(cell))))
    workbook.close()
    output.seek(0)
    return output


# The form ---------------------------------------------------------------------------------


class ExportForm(DashboardFilterForm):
    """What to export, in which format, and for what: the dashboard's filters, which may
    be left empty."""

    field_order = ["dataset", "format"]

    dataset = forms.ChoiceField(
        label=gettext_lazy("What to export"),
        choices=[(slug, dataset.label) for slug, dataset in DATASETS.items()],
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose what to export."),
            "invalid_choice": gettext_lazy(
                "Choose feedback, actions, events or findings to export."
            ),
        },
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[(slug, label) for slug, (_type, label) in FORMATS.items()],
        help_text=gettext_lazy(
            "A CSV starts to download at once. A workbook is made first, which takes "
            "longer for a large export."
        ),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose a format."),
            "invalid_choice": gettext_lazy("Choose CSV or Excel workbook (XLSX)."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"dataset": "feedback", "format": CSV})
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper(
            "dataset",
            "format",
            Fieldset(_("Only include"), "programme", "community", "date_from", "date_to"),
        )

    def filters(self) -> ExportFilters:
        return ExportFilters(
            programme=self.cleaned_data["programme"],
            community=self.cleaned_data["community"],
            date_from=self.cleaned_data["date_from"],
            date_to=self.cleaned_data["date_to"],
        )
