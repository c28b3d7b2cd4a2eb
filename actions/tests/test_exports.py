"""Exports: feedback, actions, events and findings as CSV and XLSX, read back; the same
filters for each; formulas neutralised in both formats; no contact's personal data
anywhere; an audit entry per download; bad input answered on the page; the same
queries for 10 rows as for 200; and who may export."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions.exports import DATASETS, ExportFilters, csv_pieces, feedback_export, neutralise
from actions.models import Action
from actions.tests.factories import ActionFactory, ActionUpdateFactory
from conftest import make_role_user
from contacts.tests.factories import AttendanceFactory, AttendeeFactory
from engagement.models import AuditLogEntry
from engagement.roles import Role
from engagement.tests.factories import (
    CommunityFactory,
    DepartmentFactory,
    ProgrammeFactory,
    UserFactory,
)
from events.models import Event
from events.tests.factories import EventFactory
from feedback.models import FeedbackItem, KeyQuestion, Topic, Workstream
from feedback.tests.factories import (
    FeedbackItemFactory,
    FindingsFactory,
    FindingsSectionFactory,
    FindingsVersionFactory,
)

pytestmark = pytest.mark.django_db

INDEX = reverse("exports:index")
DOWNLOAD = reverse("exports:download")
FORMATS = ["csv", "xlsx"]
EXPORTERS = [Role.COORDINATOR, Role.LEADER, Role.ADMINISTRATOR]
REFUSED = [Role.ACTION_OWNER, Role.FOCUS_GROUP_MEMBER]
FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)"]


# Reading downloads ----------------------------------------------------------------------


def body_of(response) -> bytes:
    if response.streaming:
        return b"".join(
            piece if isinstance(piece, bytes) else piece.encode()
            for piece in response.streaming_content
        )
    return response.content


def rows_of(response, file_format: str) -> list[list[str]]:
    """The file's rows as text, read as a spreadsheet would read them; empty cells are
    empty strings."""
    body = body_of(response)
    if file_format == "csv":
        assert body.startswith("\ufeff".encode()), "Excel needs the byte order mark"
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    sheet = workbook.worksheets[0]
    return [
        ["" if value is None else str(value) for value in row]
        for row in sheet.iter_rows(values_only=True)
    ]


def as_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    header, *body = rows
    return [dict(zip(header, row, strict=False)) for row in body]


def download(client, dataset: str, file_format: str = "csv", **filters):
    return client.get(DOWNLOAD, {"dataset": dataset, "format": file_format, **filters})


def exported(client, dataset: str, file_format: str = "csv", **filters) -> list[dict]:
    response = download(client, dataset, file_format, **filters)
    assert response.status_code == 200, response.content[:2000]
    return as_dicts(rows_of(response, file_format))


def references(rows: list[dict]) -> set[str]:
    """The first column of each row: the reference of what it is about."""
    return {next(iter(row.values())) for row in rows}


def exported_audit_entries() -> list[AuditLogEntry]:
    return list(AuditLogEntry.objects.filter(action=AuditLogEntry.Action.EXPORTED))


@pytest.fixture
def leader_client(leader):
    client = Client()
    client.force_login(leader)
    return client


# Something of everything ----------------------------------------------------------------


def held_event(**fields) -> Event:
    return EventFactory(held=True, **fields)


@pytest.fixture
def programme_data():
    """A held event with costs and officers, two feedback items (one redacted, one
    flagged), an agreed action with a public and an internal update, and findings in two
    versions."""
    organiser = UserFactory(first_name="Grace", last_name="Organiser")
    officer = UserFactory(first_name="Olu", last_name="Officer")
    community = CommunityFactory(name="Somali communities")
    event = held_event(
        title="Listening evening in Moss Side",
        focus_community=community,
        lead_organiser=organiser,
        headcount=42,
        other_officers_count=3,
        chief_officer_attended=True,
        venue_hire_cost=Decimal("120.00"),
        catering_cost=Decimal("45.50"),
        other_cost=None,
        officers_attending=[officer],
    )
    question = KeyQuestion.objects.filter(workstream__isnull=False).first()
    topic = Topic.objects.order_by("name").first()
    workstream = Workstream.objects.order_by("position").first()
    redacted = FeedbackItemFactory(
        event=event,
        key_question=question,
        text="Call me on [phone number removed] about the patrols",
        original_text="Call me on 07700 900123 about the patrols",
        was_redacted=True,
        topics=[topic],
        workstreams=[workstream],
    )
    flagged = FeedbackItemFactory(event=event, flagged=True)
    owner = UserFactory(first_name="Priya", last_name="Owner")
    author = UserFactory(first_name="Sam", last_name="Writer")
    action = ActionFactory(
        title="Foot patrols on Friday evenings",
        status=Action.Status.AGREED,
        department=DepartmentFactory(name="Neighbourhood policing"),
        owner=owner,
        events=[event],
        items=[redacted],
        communities=[community],
        workstreams=[workstream],
        topics=[topic],
    )
    ActionUpdateFactory(action=action, text="Rota agreed for March.", is_public=True, by=author)
    ActionUpdateFactory(
        action=action, text="Sergeant off sick; cover arranged.", is_public=False, by=author
    )
    findings = FindingsFactory(title="What we heard in Moss Side", events=[event])
    FindingsSectionFactory(version=FindingsVersionFactory(findings=findings, number=1))
    latest = FindingsVersionFactory(findings=findings, number=2)
    FindingsSectionFactory(
        version=latest,
        position=1,
        heading="Explaining stops",
        key_question=question,
        items=[redacted, flagged],
    )
    return {
        "event": event,
        "community": community,
        "question": question,
        "topic": topic,
        "workstream": workstream,
        "redacted": redacted,
        "flagged": flagged,
        "action": action,
        "findings": findings,
    }


# The page -------------------------------------------------------------------------------


def test_the_page_offers_every_dataset_in_both_formats_with_the_filters(coordinator_client):
    response = coordinator_client.get(INDEX)

    assert response.status_code == 200
    page = response.content.decode()
    assert f'action="{DOWNLOAD}"' in page
    for slug in DATASETS:
        assert f'value="{slug}"' in page
    for file_format in FORMATS:
        assert f'value="{file_format}"' in page
    for field in ("programme", "community", "date_from", "date_to"):
        assert f'name="{field}"' in page
    assert "audit log" in page


def test_the_download_address_on_its_own_goes_to_the_page(coordinator_client):
    response = coordinator_client.get(DOWNLOAD)

    assert response.status_code == 302
    assert response.url == INDEX
    assert exported_audit_entries() == []


# Who may export -------------------------------------------------------------------------


@pytest.mark.parametrize("url", [INDEX, DOWNLOAD + "?dataset=feedback&format=csv"])
@pytest.mark.parametrize("role", EXPORTERS, ids=str)
def test_coordinators_leaders_and_administrators_may_export(client, url, role):
    client.force_login(make_role_user(role))

    response = client.get(url)

    assert response.status_code == 200
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("url", [INDEX, DOWNLOAD + "?dataset=feedback&format=csv"])
@pytest.mark.parametrize("role", REFUSED, ids=str)
@pytest.mark.parametrize("method", ["get", "post"])
def test_action_owners_and_focus_group_members_may_not(client, url, role, method):
    client.force_login(make_role_user(role))

    response = getattr(client, method)(url)

    refusals = {403, 405} if method == "post" else {403}
    assert response.status_code in refusals
    assert exported_audit_entries() == []


@pytest.mark.parametrize("url", [INDEX, DOWNLOAD + "?dataset=feedback&format=csv"])
def test_anonymous_visitors_are_asked_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert "/login/" in response.url
    assert exported_audit_entries() == []


# The files ------------------------------------------------------------------------------


def test_a_csv_is_streamed_as_an_attachment_that_is_never_cached(coordinator_client):
    response = download(coordinator_client, "feedback", "csv")

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="feedback-{today}.csv"'
    assert "no-store" in response["Cache-Control"]


def test_an_xlsx_is_a_workbook_attachment_that_is_never_cached(coordinator_client):
    response = download(coordinator_client, "events", "xlsx")

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="events-{today}.xlsx"'
    assert "no-store" in response["Cache-Control"]
    workbook = load_workbook(io.BytesIO(body_of(response)))
    assert workbook.sheetnames == ["Events"]


@pytest.mark.parametrize("file_format", FORMATS)
def test_feedback_is_exported_with_its_redacted_text_tags_event_community_and_question(
    coordinator_client, programme_data, file_format
):
    rows = exported(coordinator_client, "feedback", file_format)

    assert list(rows[0]) == [
        "Feedback reference",
        "Received (to the hour)",
        "Source",
        "Event",
        "Event date",
        "Programme",
        "Community",
        "Key question",
        "Workstreams",
        "Topics",
        "Status",
        "Safeguarding flag",
        "Internal note",
        "Personal details removed",
        "What was said",
    ]
    by_reference = {row["Feedback reference"]: row for row in rows}
    event = programme_data["event"]
    redacted = by_reference[str(programme_data["redacted"].pk)]
    assert redacted["What was said"] == "Call me on [phone number removed] about the patrols"
    assert redacted["Event"] == "Listening evening in Moss Side"
    assert redacted["Event date"].startswith(timezone.localdate(event.starts_at).isoformat())
    assert redacted["Programme"] == event.programme.name
    assert redacted["Community"] == "Somali communities"
    assert redacted["Key question"] == programme_data["question"].text
    assert redacted["Workstreams"] == programme_data["workstream"].name
    assert redacted["Topics"] == programme_data["topic"].name
    assert redacted["Personal details removed"] == "Yes"
    assert redacted["Safeguarding flag"] == "No"
    flagged = by_reference[str(programme_data["flagged"].pk)]
    assert flagged["Safeguarding flag"] == "Yes"
    assert flagged["What was said"] == programme_data["flagged"].text


@pytest.mark.parametrize("file_format", FORMATS)
def test_actions_are_exported_with_public_and_internal_updates_marked(
    coordinator_client, programme_data, file_format
):
    rows = exported(coordinator_client, "actions", file_format)

    action = programme_data["action"]
    mine = [row for row in rows if row["Action reference"] == str(action.pk)]
    assert [(row["Public or internal"], row["Update"]) for row in mine] == [
        ("Public", "Rota agreed for March."),
        ("Internal", "Sergeant off sick; cover arranged."),
    ]
    first = mine[0]
    assert first["Title"] == "Foot patrols on Friday evenings"
    assert first["Status"] == "Agreed"
    assert first["On You Said, We Did"] == "Yes"
    assert first["Department"] == "Neighbourhood policing"
    assert first["Owner"] == "Priya Owner"
    assert first["Update by"] == "Sam Writer"
    assert first["Communities"] == "Somali communities"
    assert first["Events it came from"] == "Listening evening in Moss Side"
    assert first["Feedback items it answers"] == "1"
    assert first["Due"].startswith(action.due_on.isoformat())


def test_an_action_with_no_updates_still_has_its_row(coordinator_client):
    action = ActionFactory(title="A quiet action")

    rows = exported(coordinator_client, "actions")

    assert [row["Title"] for row in rows] == ["A quiet action"]
    assert rows[0]["Update"] == ""
    assert rows[0]["Action reference"] == str(action.pk)


@pytest.mark.parametrize("file_format", FORMATS)
def test_events_are_exported_with_attendance_and_costs(
    coordinator_client, programme_data, file_format
):
    cancelled = EventFactory(cancelled=True, title="Cancelled surgery", focus_community=None)

    rows = exported(coordinator_client, "events", file_format)

    by_title = {row["Title"]: row for row in rows}
    held = by_title["Listening evening in Moss Side"]
    assert held["Status"] == "Held"
    assert held["Focus community"] == "Somali communities"
    assert held["Lead organiser"] == "Grace Organiser"
    assert held["Members of the public attending"] == "42"
    assert held["Officers with an account"] == "1"
    assert held["Other officers"] == "3"
    assert held["A chief officer attended"] == "Yes"
    assert float(held["Venue hire (£)"]) == 120
    assert float(held["Catering (£)"]) == 45.5
    assert held["Other costs (£)"] == ""
    assert float(held["Total cost (£)"]) == 165.5
    assert held["Feedback items"] == "2"
    other = by_title["Cancelled surgery"]
    assert other["Status"] == "Cancelled"
    assert other["Focus community"] == "Open to all"
    assert other["Reason for cancelling"] == cancelled.cancellation_reason
    assert other["Total cost (£)"] == ""


@pytest.mark.parametrize("file_format", FORMATS)
def test_findings_are_exported_section_by_section_from_the_latest_version(
    coordinator_client, programme_data, file_format
):
    FindingsFactory(title="Nothing written yet", events=[programme_data["event"]])

    rows = exported(coordinator_client, "findings", file_format)

    by_title = {row["Title"]: row for row in rows}
    assert len(rows) == 2
    written = by_title["What we heard in Moss Side"]
    assert written["Version"] == "2"
    assert written["Heading"] == "Explaining stops"
    assert written["Key question"] == programme_data["question"].text
    assert written["Feedback items it rests on"] == "2"
    assert written["Events"] == "Listening evening in Moss Side"
    assert written["Status"] == "Draft"
    empty = by_title["Nothing written yet"]
    assert empty["Heading"] == ""
    assert empty["Version"] == ""


# Formulas -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULAS)
def test_a_text_that_starts_like_a_formula_gets_an_apostrophe(text):
    assert neutralise(text) == f"'{text}"


@pytest.mark.parametrize("cell", ["Fine", "a=b", "", 42, -1, Decimal("-2.50"), None])
def test_other_cells_are_left_alone(cell):
    assert neutralise(cell) == cell


@pytest.mark.parametrize("file_format", FORMATS)
def test_formulas_in_feedback_names_and_titles_are_neutralised(coordinator_client, file_format):
    event = held_event(title='=HYPERLINK("http://evil.example")')
    for text in FORMULAS:
        FeedbackItemFactory(event=event, text=text)
    FeedbackItemFactory(event=event, text="\x07=cmd hidden behind a bell")
    owner = UserFactory(first_name="+Owner", last_name="-Name")
    action = ActionFactory(title="@Action title", owner=owner, events=[event])
    ActionUpdateFactory(action=action, text="=1+1", by=owner)

    feedback = exported(coordinator_client, "feedback", file_format)
    actions = exported(coordinator_client, "actions", file_format)
    events = exported(coordinator_client, "events", file_format)

    said = {row["What was said"] for row in feedback}
    assert said == {f"'{text}" for text in FORMULAS} | {"'=cmd hidden behind a bell"}
    assert {row["Event"] for row in feedback} == {'\'=HYPERLINK("http://evil.example")'}
    assert events[0]["Title"] == '\'=HYPERLINK("http://evil.example")'
    assert actions[0]["Title"] == "'@Action title"
    assert actions[0]["Owner"] == "'+Owner -Name"
    assert actions[0]["Update"] == "'=1+1"


def test_no_cell_of_the_workbook_is_a_formula(coordinator_client):
    event = held_event(title="=SUM(A1:A9)")
    for text in FORMULAS:
        FeedbackItemFactory(event=event, text=text)

    response = download(coordinator_client, "feedback", "xlsx")

    sheet = load_workbook(io.BytesIO(body_of(response))).worksheets[0]
    types = {cell.data_type for row in sheet.iter_rows() for cell in row}
    assert "f" not in types


# Personal data --------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", FORMATS)
def test_no_export_holds_a_contacts_personal_data_or_original_text(
    coordinator_client, programme_data, file_format
):
    attendee = AttendeeFactory(
        name="Amina Contactperson", email="amina.private@example.org", phone="07700 900999"
    )
    attendee.communities.add(programme_data["community"])
    AttendanceFactory(attendee=attendee, event=programme_data["event"])
    secrets = [
        "Amina Contactperson",
        "amina.private@example.org",
        "07700 900999",
        "07700900999",
        # The redacted item's original words.
        "07700 900123",
    ]

    for dataset in DATASETS:
        response = download(coordinator_client, dataset, file_format)
        text = "\n".join("\t".join(row) for row in rows_of(response, file_format))
        for secret in secrets:
            assert secret not in text, f"{secret} is in the {dataset} {file_format} export"


# Filters --------------------------------------------------------------------------------


@pytest.fixture
def two_programmes():
    """The same of everything in two programmes: one recent, about one community; one
    from two years ago, about another."""
    worlds = {}
    for name, days_ago in (("recent", 7), ("old", 730)):
        community = CommunityFactory(name=f"{name} community")
        programme = ProgrammeFactory(name=f"{name} programme")
        starts = timezone.now() - timedelta(days=days_ago)
        event = held_event(
            programme=programme,
            focus_community=community,
            title=f"{name} event",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
        )
        item = FeedbackItemFactory(
            event=event, received_hour=starts.replace(minute=0, second=0, microsecond=0)
        )
        action = ActionFactory(events=[event], created_at=starts, title=f"{name} action")
        findings = FindingsFactory(events=[event], created_at=starts, title=f"{name} findings")
        worlds[name] = {
            "community": community,
            "programme": programme,
            "starts": starts,
            "feedback": str(item.pk),
            "events": str(event.pk),
            "actions": str(action.pk),
            "findings": str(findings.pk),
        }
    return worlds


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("dataset", list(DATASETS))
def test_each_dataset_respects_the_programme_community_and_date_filters(
    coordinator_client, two_programmes, dataset, file_format
):
    recent, old = two_programmes["recent"], two_programmes["old"]

    everything = exported(coordinator_client, dataset, file_format)
    by_programme = exported(
        coordinator_client, dataset, file_format, programme=recent["programme"].pk
    )
    by_community = exported(coordinator_client, dataset, file_format, community=old["community"].pk)
    since = timezone.localdate(recent["starts"]) - timedelta(days=1)
    by_dates = exported(coordinator_client, dataset, file_format, date_from=since.isoformat())
    until = timezone.localdate(old["starts"])
    up_to = exported(coordinator_client, dataset, file_format, date_to=until.isoformat())

    assert references(everything) == {recent[dataset], old[dataset]}
    assert references(by_programme) == {recent[dataset]}
    assert references(by_community) == {old[dataset]}
    assert references(by_dates) == {recent[dataset]}
    assert references(up_to) == {old[dataset]}


def test_an_action_is_found_by_a_community_it_names_or_its_events_focus(coordinator_client):
    community = CommunityFactory(name="Roma communities")
    named = ActionFactory(title="Named", communities=[community])
    from_event = ActionFactory(
        title="From the event", events=[held_event(focus_community=community)]
    )
    ActionFactory(title="Elsewhere", events=[held_event()])

    rows = exported(coordinator_client, "actions", community=community.pk)

    assert references(rows) == {str(named.pk), str(from_event.pk)}


# The audit log --------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", FORMATS)
def test_each_download_is_audited_with_its_dataset_format_and_filters(
    coordinator_client, coordinator, two_programmes, file_format
):
    recent = two_programmes["recent"]

    download(
        coordinator_client,
        "actions",
        file_format,
        programme=recent["programme"].pk,
        community=recent["community"].pk,
        date_from="2020-01-01",
        date_to="2030-12-31",
    )

    [entry] = exported_audit_entries()
    assert entry.user == coordinator
    assert entry.subject == (
        f"actions {file_format.upper()} export; filters: programme: recent programme; "
        "community: recent community; from 2020-01-01; to 2030-12-31"
    )
    assert entry.path.startswith(DOWNLOAD + "?")


def test_a_download_with_no_filters_says_so_in_the_audit_log(leader_client, leader):
    download(leader_client, "findings", "csv")

    [entry] = exported_audit_entries()
    assert entry.user == leader
    assert entry.subject == "findings CSV export"


# Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"dataset": "contacts", "format": "csv"}, "Choose feedback, actions, events or findings"),
        ({"dataset": "", "format": "csv"}, "Choose what to export."),
        ({"dataset": "feedback", "format": "pdf"}, "Choose CSV or Excel workbook (XLSX)."),
        ({"dataset": "feedback"}, "Choose a format."),
        ({"dataset": "feedback", "format": "csv", "programme": "abc"}, "Choose a programme"),
        (
            {"dataset": "feedback", "format": "csv", "community": "9" * 30},
            "Choose a community",
        ),
        ({"dataset": "feedback", "format": "csv", "date_from": "31/02/2025"}, "Enter a real date"),
        ({"dataset": "feedback", "format": "csv", "date_to": "yesterday"}, "Enter a real date"),
        ({"dataset": "feedback", "format": "csv", "date_to": "9999-12-31"}, "between 1900 and"),
        ({"dataset": "feedback", "format": "csv", "date_from": "0001-01-01"}, "between 1900 and"),
        (
            {
                "dataset": "events",
                "format": "xlsx",
                "date_from": "2025-05-01",
                "date_to": "2025-04-01",
            },
            "The end of the range must be on or after its start.",
        ),
    ],
)
def test_what_cannot_be_used_is_shown_on_the_page_and_nothing_is_exported(
    coordinator_client, query, message
):
    response = coordinator_client.get(DOWNLOAD, query)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()
    assert 'class="error-summary' in response.content.decode()
    assert exported_audit_entries() == []


# Queries and streaming ------------------------------------------------------------------


def make_rows(dataset: str, count: int) -> None:
    """`count` rows of the dataset, each linked to tags, events and feedback as they
    would be."""
    community = CommunityFactory(name="Queries community")
    event = held_event(focus_community=community, officers_attending=[UserFactory()])
    topics = list(Topic.objects.all()[:2])
    workstreams = list(Workstream.objects.all()[:2])
    if dataset == "feedback":
        for n in range(count):
            FeedbackItemFactory(event=event, topics=topics, workstreams=workstreams, text=f"{n}")
    elif dataset == "actions":
        department = DepartmentFactory(name="Queries department")
        owner = UserFactory()
        item = FeedbackItemFactory(event=event)
        for _n in range(count):
            action = ActionFactory(
                department=department,
                owner=owner,
                events=[event],
                items=[item],
                topics=topics,
                workstreams=workstreams,
                communities=[community],
            )
            ActionUpdateFactory(action=action, by=owner)
            ActionUpdateFactory(action=action, by=owner, is_public=False)
    elif dataset == "events":
        for _n in range(count - 1):
            other = held_event(focus_community=community, officers_attending=[UserFactory()])
            FeedbackItemFactory(event=other)
    elif dataset == "findings":
        item = FeedbackItemFactory(event=event)
        for _n in range(count):
            findings = FindingsFactory(events=[event])
            FindingsSectionFactory(version=FindingsVersionFactory(findings=findings), items=[item])
            FindingsSectionFactory(
                version=FindingsVersionFactory(findings=findings, number=2), items=[item]
            )


def queries_for(client, dataset: str, file_format: str, assert_max, most=None) -> tuple[int, int]:
    """(queries, rows) for one download, read to its end."""
    with assert_max(most or 50) as counted:
        rows = rows_of(download(client, dataset, file_format), file_format)
    return len(counted.captured_queries), len(rows) - 1


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("dataset", list(DATASETS))
def test_an_export_costs_the_same_queries_for_10_rows_as_for_200(
    coordinator_client, django_assert_max_num_queries, dataset, file_format
):
    make_rows(dataset, 10)
    few, few_rows = queries_for(
        coordinator_client, dataset, file_format, django_assert_max_num_queries
    )

    make_rows(dataset, 190)
    more, more_rows = queries_for(
        coordinator_client, dataset, file_format, django_assert_max_num_queries, most=few
    )

    assert few_rows >= 10
    assert more_rows >= 200
    assert more == few


def test_a_large_csv_goes_out_in_pieces_as_its_rows_are_read_chunk_by_chunk(
    programme_data, monkeypatch
):
    event = programme_data["event"]
    made = FeedbackItem.objects.bulk_create(
        FeedbackItem(
            text="More officers on foot, please. " * 20,
            source=FeedbackItem.Source.ONLINE_FORM,
            event=event,
            received_hour=timezone.now().replace(minute=0, second=0, microsecond=0),
        )
        for _n in range(600)
    )
    last = made[-1]
    last.topics.set([programme_data["topic"]])
    monkeypatch.setattr("actions.exports.CHUNK_SIZE", 100)

    pieces = list(csv_pieces(feedback_export(ExportFilters())))

    assert len(pieces) > 2
    assert pieces[0].startswith("\ufeffFeedback reference,")
    rows = as_dicts(list(csv.reader(io.StringIO("".join(pieces).lstrip("\ufeff")))))
    assert len(rows) == 602
    assert len({row["Feedback reference"] for row in rows}) == 602
    topics = {row["Feedback reference"]: row["Topics"] for row in rows}
    assert topics[str(programme_data["redacted"].pk)] == programme_data["topic"].name
    assert topics[str(last.pk)] == programme_data["topic"].name
    assert sum(1 for topic in topics.values() if topic) == 2


def test_set_aside_items_and_internal_notes_are_exported_and_marked(coordinator_client):
    FeedbackItemFactory(set_aside=True, text="A duplicate point")
    FeedbackItemFactory(is_internal=True, text="Officer's own note")

    rows = {row["What was said"]: row for row in exported(coordinator_client, "feedback")}

    assert rows["A duplicate point"]["Status"] == "Set aside"
    assert rows["Officer's own note"]["Internal note"] == "Yes"
    assert rows["A duplicate point"]["Internal note"] == "No"


def test_every_action_status_is_exported_including_declined(coordinator_client):
    for status in Action.Status:
        ActionFactory(status=status, title=f"Action {status.value}")

    rows = exported(coordinator_client, "actions")

    assert {row["Status"] for row in rows} == {str(status.label) for status in Action.Status}
    declined = next(row for row in rows if row["Status"] == "Declined")
    assert declined["On You Said, We Did"] == "No"
    assert declined["Why it was declined"]


# In a browser ---------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_leader_downloads_a_workbook_and_is_told_about_a_wrong_date_range(
    live_server, page, axe_check, sign_in, leader
):
    held_event(title="Listening evening in Longsight")
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, leader.username)
    page.wait_for_url("**/staff/**")

    page.goto(f"{live_server.url}{INDEX}")
    axe_check(page, "exports page")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_label("Events").check()
    page.get_by_label("Excel workbook (XLSX)").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == f"events-{timezone.localdate()}.xlsx"
    with open(download.path(), "rb") as saved:
        workbook = load_workbook(io.BytesIO(saved.read()), read_only=True)
    titles = [row[1] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert titles == ["Listening evening in Longsight"]

    page.get_by_label("From (optional)").fill("2025-05-01")
    page.get_by_label("To (optional)").fill("2025-04-01")
    page.get_by_role("button", name="Download").click()
    summary = page.locator(".error-summary")
    assert "The end of the range must be on or after its start." in summary.inner_text()
    axe_check(page, "exports page with an error")
    assert exported_audit_entries()[0].subject == "events XLSX export"
