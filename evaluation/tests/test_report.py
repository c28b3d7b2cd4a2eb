"""The evaluation report's pages: the right numbers for crafted data, filters, the
weighted view, empty states, bad filter values, who may see them, the downloads and
their cost in queries."""

import csv
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from engagement.models import AuditLogEntry
from engagement.roles import Role
from engagement.tests.factories import CommunityFactory
from evaluation.questions import Kind
from evaluation.selectors import reach, who_attends, who_says_what
from evaluation.services import wave_add_question
from evaluation.statistics import percent, weighted_estimate, wilson_interval
from evaluation.tests.factories import (
    AboutYouCardFactory,
    PopulationShareFactory,
    ResponseFactory,
    WaveFactory,
)
from events.tests.factories import EventFactory
from feedback.models import FeedbackItem
from feedback.tests.factories import FeedbackItemFactory, SubmissionFactory, TopicFactory

pytestmark = pytest.mark.django_db

REPORT = reverse("evaluation:report")
PRINT = reverse("evaluation:report-print")
REACH = reverse("evaluation:reach")
WHO_ATTENDS = reverse("evaluation:who-attends")
TABLES = reverse("evaluation:tables")
PAGES = [REPORT, PRINT, REACH, WHO_ATTENDS]


@pytest.fixture
def leader_client(leader):
    client = Client()
    client.force_login(leader)
    return client


def answered(wave, number, **answers):
    for _ in range(number):
        ResponseFactory(wave=wave, answers=answers)


def a_range(successes, n):
    low, high = wilson_interval(successes, n)
    return f"{percent(low)[:-1]}–{percent(high)}"


@pytest.fixture
def two_waves():
    """2022: 60 people, 30 agreeing. 2026: 100 attendees of whom 70 agree and 100
    non-attendees of whom 40 agree; the attendees are Black, the non-attendees White."""
    earlier = WaveFactory(name="2022")
    answered(earlier, 30, confidence="4", ethnicity="white_british")
    answered(earlier, 30, confidence="2", ethnicity="white_british")
    wave = WaveFactory(name="2026")
    answered(wave, 70, confidence="5", attended_event="yes", ethnicity="black_african")
    answered(wave, 30, confidence="1", attended_event="yes", ethnicity="black_african")
    answered(wave, 40, confidence="4", attended_event="no", ethnicity="white_british")
    answered(wave, 60, confidence="2", attended_event="no", ethnicity="white_british")
    # "Don't know" is left out of the share and of the number answering.
    answered(wave, 15, confidence="dont know", attended_event="no", ethnicity="white_british")
    return earlier, wave


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


# Who may see it ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*PAGES, f"{TABLES}?table=reach&format=csv"])
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.LEADER, Role.ADMINISTRATOR])
def test_coordinators_leaders_and_administrators_read_the_evaluation(client_for_role, role, url):
    assert client_for_role(role).get(url).status_code == 200


@pytest.mark.parametrize("url", [*PAGES, f"{TABLES}?table=reach&format=csv"])
@pytest.mark.parametrize("role", [Role.ACTION_OWNER, Role.FOCUS_GROUP_MEMBER])
def test_action_owners_and_focus_group_members_are_refused(client_for_role, role, url):
    assert client_for_role(role).get(url).status_code == 403
    assert not AuditLogEntry.objects.exists()


@pytest.mark.parametrize("url", [*PAGES, TABLES])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", [*PAGES, TABLES])
def test_the_pages_only_answer_get(leader_client, url):
    assert leader_client.post(url).status_code == 405
    assert leader_client.delete(url).status_code == 405


# The comparison -----------------------------------------------------------------------------


def test_the_report_shows_attendees_against_non_attendees_with_ranges(leader_client, two_waves):
    page = text_of(leader_client.get(REPORT))
    assert "Showing wave: 2026; as answered." in page
    assert "Attendees were more likely to agree than non-attendees (70% against 40%); " in page
    assert "the difference is larger than chance would explain." in page
    # The table beside the chart: share, number answering, 95 % range.
    assert 'Attendees</th> <td class="text-end">70%</td> <td class="text-end">100</td>' in page
    assert a_range(70, 100) in page
    assert a_range(40, 100) in page
    # Everyone: 110 agree of 200 answering; the 15 who did not know are left out.
    assert 'Everyone</th> <td class="text-end">55%</td> <td class="text-end">200</td>' in page
    assert a_range(110, 200) in page


def test_the_report_compares_this_wave_with_the_earlier_one(leader_client, two_waves):
    page = text_of(leader_client.get(REPORT))
    # 2026: 55 % of 200; 2022: 50 % of 60. The ranges overlap.
    assert "No clear difference between respondents in 2026 and respondents in 2022" in page
    assert a_range(30, 60) in page


def test_the_report_compares_each_ethnic_group_with_everyone_else(leader_client, two_waves):
    page = text_of(leader_client.get(REPORT))
    assert (
        "Black respondents were more likely to agree than everyone else (70% against 40%)" in page
    )
    assert "White respondents were less likely to agree than everyone else" in page


def test_an_earlier_wave_is_reported_on_its_own_with_nothing_earlier(leader_client, two_waves):
    page = text_of(leader_client.get(REPORT, {"wave": "2022"}))
    assert "Showing wave: 2022; as answered." in page
    assert "There is no earlier wave to compare with yet." in page
    assert a_range(30, 60) in page
    assert "Too few answered to compare attendees with non-attendees." in page


def test_a_filter_narrows_every_table(leader_client, two_waves):
    page = text_of(leader_client.get(REPORT, {"attendance": "attendees"}))
    assert "Showing wave: 2026; attendees only; as answered." in page
    # Everyone in the ethnic group table is now the 100 attendees.
    assert 'Everyone</th> <td class="text-end">70%</td> <td class="text-end">100</td>' in page


def test_a_small_group_reads_fewer_than_10_and_gives_no_share(leader_client, two_waves):
    _earlier, wave = two_waves
    answered(wave, 3, confidence="5", attended_event="yes", ethnicity="mixed_other")
    response = leader_client.get(REPORT)
    page = text_of(response)
    assert (
        'Mixed or Multiple ethnic groups</th> <td class="text-end">–</td> '
        '<td class="text-end">fewer than 10</td>' in page
    )


def test_the_weighted_view_shows_the_effective_sample_size(leader_client, two_waves):
    PopulationShareFactory(group="white", percent=70)
    PopulationShareFactory(group="black", percent=30)
    page = text_of(leader_client.get(REPORT, {"view": "weighted"}))
    assert "weighted to the census" in page
    assert "Effective sample size" in page
    # 2026's respondents: 100 Black, 115 White. Weights 0.3/(100/215) and 0.7/(115/215).
    black, white = 0.3 / (100 / 215), 0.7 / (115 / 215)
    found = weighted_estimate([(black, 100, 70), (white, 100, 40)])
    assert (
        f'{percent(found.share)}</td> <td class="text-end">200</td> '
        f'<td class="text-end">{round(found.n)}</td>' in page
    )
    assert "Show the figures as answered" in page


def test_without_census_shares_the_weighted_view_asks_for_them(client_for_role, two_waves):
    leader_page = text_of(client_for_role(Role.LEADER).get(REPORT, {"view": "weighted"}))
    assert "Enter census shares to see the weighted view." in leader_page
    assert reverse("evaluation:census") not in leader_page
    admin_page = client_for_role(Role.ADMINISTRATOR).get(REPORT, {"view": "weighted"})
    assert reverse("evaluation:census") in admin_page.content.decode()


def test_the_report_explains_how_to_read_it(leader_client, two_waves):
    page = text_of(leader_client.get(REPORT))
    assert "How to read this" in page
    assert "“Don't know” answers are left out" in page
    assert "do not overlap" in page
    assert "“fewer than 10”" in page


def test_the_print_version_has_no_navigation_and_states_date_and_filters(leader_client, two_waves):
    response = leader_client.get(PRINT, {"attendance": "non_attendees"})
    page = text_of(response)
    assert 'class="staff-nav"' not in page
    assert "Worked out" in page
    assert "wave: 2026; non-attendees only; as answered" in page
    assert "evaluation.css" in page
    assert "print-section" in page


# Empty states and bad input -------------------------------------------------------------


def test_with_no_waves_the_report_says_so_and_links_to_the_waves_for_those_who_see_them(
    client_for_role,
):
    coordinator_page = text_of(client_for_role(Role.COORDINATOR).get(REPORT))
    assert "No survey answers yet" in coordinator_page
    assert reverse("evaluation:waves") in coordinator_page
    leader_page = text_of(client_for_role(Role.LEADER).get(REPORT))
    assert "No survey answers yet" in leader_page
    assert reverse("evaluation:waves") not in leader_page


def test_a_wave_with_no_answers_says_so(client_for_role):
    WaveFactory(name="2026")
    page = text_of(client_for_role(Role.COORDINATOR).get(REPORT))
    assert "No answers in 2026 yet" in page
    assert reverse("evaluation:wave", kwargs={"slug": "2026"}) in page


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"wave": "1999"}, "wave", "Choose a wave from the list."),
        ({"ethnic_group": "martian"}, "ethnic_group", "Choose an ethnic group from the list."),
        ({"age_band": "65_plus"}, "age_band", "Choose an age band from the list."),
        ({"area": "x" * 5000}, "area", "Choose an area from the list."),
        ({"attendance": "maybe"}, "attendance", "Choose everyone, attendees only"),
        ({"view": "secret"}, "view", "Choose as answered or weighted to the census."),
        ({"wave": ["2022", "2026"], "area": ["Blaby", "Melton", "?"]}, "area", "Choose an area"),
    ],
)
def test_a_bad_filter_gets_a_message_beside_its_field_and_the_figures_still_show(
    leader_client, two_waves, params, field, message
):
    response = leader_client.get(REPORT, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors[field]
    assert "Attendees were more likely to agree" in text_of(response)


@pytest.mark.parametrize("url", [REPORT, PRINT, REACH, TABLES])
def test_nul_bytes_in_the_filters_get_the_bad_request_page_never_an_error(leader_client, url):
    for params in ({"age_band": "\x00"}, {"wave": "2026\x00"}, {"table": "\x00"}):
        assert leader_client.get(url, params).status_code == 400
    assert not AuditLogEntry.objects.exists()


# Reach and who attends -----------------------------------------------------------------------


def test_reach_lists_the_groups_under_represented_against_the_census(leader_client, two_waves):
    PopulationShareFactory(group="white", percent=60)
    PopulationShareFactory(group="black", percent=10)
    PopulationShareFactory(group="asian", percent=30)
    page = text_of(leader_client.get(REACH))
    assert "Survey respondents in 2026 by ethnic group" in page
    # Asian: nobody, against 30 % of the area. Black: 100 of 215 (47 %), over-represented.
    assert (
        "<strong>Under-represented:</strong> Asian, Asian British or Asian Welsh "
        "(fewer than 10 against 30% of the area)"
    ) in page
    assert 'White</th> <td class="text-end">115</td> <td class="text-end">53%</td>' in page


def test_reach_without_census_shares_asks_for_them(client_for_role, two_waves):
    page = client_for_role(Role.ADMINISTRATOR).get(REACH).content.decode()
    assert "Enter census shares to compare with the area" in page
    assert reverse("evaluation:census") in page


def test_who_attends_counts_cards_by_event_and_hides_small_groups(leader_client):
    event = EventFactory(past=True, title="Highfields listening event")
    AboutYouCardFactory.create_batch(12, event=event, ethnicity="black_caribbean")
    AboutYouCardFactory.create_batch(11, event=event, ethnicity="white_british")
    AboutYouCardFactory.create_batch(2, event=event, ethnicity="asian_indian")
    page = text_of(leader_client.get(WHO_ATTENDS))
    assert "Highfields listening event" in page
    assert '<td class="text-end text-nowrap">25</td>' in page
    # Two Asian cards are hidden, and so is the next smallest group, White at 11,
    # which says why.
    assert ">11<" not in page
    assert '<td class="text-end text-nowrap">not shown</td>' in page
    assert '<td class="text-end text-nowrap">12</td>' in page


def test_with_no_cards_who_attends_says_so(leader_client):
    page = text_of(leader_client.get(WHO_ATTENDS))
    assert "No about-you cards yet." in page
    assert "No tagged feedback with a community yet." in page


# Downloads ------------------------------------------------------------------------------


def download(client, **params):
    response = client.get(TABLES, params)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def test_the_comparison_table_downloads_as_csv_and_is_audited(leader_client, leader, two_waves):
    response, content = download(leader_client, table="comparison", format="csv", view="raw")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert "evaluation-comparison-" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:5] == [
        "Question key",
        "Question",
        "Who",
        "Number answering",
        "Share positive (%)",
    ]
    attendees = next(row for row in rows if row[0] == "confidence" and row[2] == "Attendees")
    assert attendees[3:7] == [
        "100",
        "70.0",
        f"{100 * wilson_interval(70, 100)[0]:.1f}",
        f"{100 * wilson_interval(70, 100)[1]:.1f}",
    ]
    entry = AuditLogEntry.objects.get()
    assert entry.user == leader
    assert entry.action == AuditLogEntry.Action.EXPORTED
    assert "comparison CSV" in entry.subject


def test_a_hidden_count_downloads_as_words_never_the_number(leader_client, two_waves):
    _earlier, wave = two_waves
    answered(wave, 3, confidence="5", attended_event="yes", ethnicity="mixed_other")
    _response, content = download(leader_client, table="ethnic_group", format="csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    mixed = next(row for row in rows if row[0] == "confidence" and row[2].startswith("Mixed"))
    assert mixed[3] == "fewer than 10"
    assert mixed[4:7] == ["", "", ""]
    assert ",3," not in content.decode()


def test_the_tables_download_as_xlsx(leader_client, two_waves):
    response, content = download(leader_client, table="waves", format="xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][2] == "Wave"
    waves = [row[2] for row in rows if row[0] == "confidence"]
    assert waves == ["2022", "2026"]


def test_reach_and_who_attends_download(leader_client, two_waves):
    event = EventFactory(past=True, title="Highfields listening event")
    AboutYouCardFactory.create_batch(12, event=event, ethnicity="black_caribbean")
    _response, content = download(leader_client, table="reach", format="csv")
    assert "Survey respondents in 2026 by ethnic group" in content.decode("utf-8-sig")
    _response, content = download(leader_client, table="who_attends", format="csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][0] == "Highfields listening event"
    assert rows[1][2] == "12"


def test_a_question_written_like_a_formula_is_neutralised_in_the_download(leader_client, two_waves):
    _earlier, wave = two_waves
    question = wave_add_question(
        wave=wave, text='=HYPERLINK("http://example.com") is fair', kind=Kind.AGREEMENT
    )
    answered(wave, 12, **{question.key: "4"})
    _response, content = download(leader_client, table="comparison", format="csv")
    assert "'=HYPERLINK" in content.decode("utf-8-sig")


def test_the_download_address_on_its_own_goes_to_the_report(leader_client):
    response = leader_client.get(TABLES)
    assert response.status_code == 302
    assert response["Location"] == REPORT


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"table": "contacts", "format": "csv"}, "Choose one of the tables in the list."),
        ({"table": "reach", "format": "pdf"}, "Choose CSV or Excel workbook (XLSX)."),
        ({"format": "csv"}, "Choose a table to download."),
        ({"table": "x" * 10000, "format": "csv"}, "Choose one of the tables in the list."),
    ],
)
def test_a_bad_download_choice_comes_back_beside_its_field(
    leader_client, two_waves, params, message
):
    response = leader_client.get(TABLES, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditLogEntry.objects.exists()


# Queries ---------------------------------------------------------------------------------


def _data(size: int):
    for number in range(size):
        wave = WaveFactory(name=f"{2020 + number}")
        answered(
            wave, 12 * (number + 1), confidence="4", attended_event="yes", ethnicity="white_british"
        )
        answered(wave, 11, confidence="2", attended_event="no", ethnicity="black_african")
        event = EventFactory(past=True)
        AboutYouCardFactory.create_batch(10 + number, event=event)
        topic = TopicFactory(name=f"Topic for size {size}, {number}")
        _forms(CommunityFactory(name=f"Community {number}"), topic, 10 + number, event)
    PopulationShareFactory(group="white", percent=80)
    PopulationShareFactory(group="black", percent=20)


@pytest.mark.parametrize("size", [1, 3])
@pytest.mark.parametrize(
    "url",
    [
        REPORT,
        f"{REPORT}?view=weighted&attendance=attendees",
        PRINT,
        REACH,
        WHO_ATTENDS,
        f"{TABLES}?table=comparison&format=csv",
        f"{TABLES}?table=reach&format=xlsx",
        f"{TABLES}?table=who_attends&format=csv",
    ],
)
def test_each_page_costs_the_same_queries_whatever_the_data(
    leader_client, django_assert_max_num_queries, size, url
):
    _data(size)
    with django_assert_max_num_queries(14):
        response = leader_client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200


# Who says what ---------------------------------------------------------------------------


def _forms(community, topic, number, event, *, points_each=1):
    for _ in range(number):
        submission = SubmissionFactory(event=event)
        for _point in range(points_each):
            FeedbackItemFactory(
                event=event,
                community=community,
                submission=submission,
                source=FeedbackItem.Source.ONLINE_FORM,
                topics=[topic],
            )


def test_who_says_what_shows_communities_with_few_forms_only_together(leader_client):
    event = EventFactory(held=True)
    stop_and_search = TopicFactory(name="Searches near the park")
    somali = CommunityFactory(name="Somali communities")
    roma = CommunityFactory(name="Roma communities")
    youth = CommunityFactory(name="Young people")
    _forms(somali, stop_and_search, 12, event)
    _forms(roma, stop_and_search, 3, event, points_each=2)
    _forms(youth, stop_and_search, 11, event)
    # Points noted by officers make no community big enough on their own.
    FeedbackItemFactory.create_batch(20, event=event, community=roma, topics=[stop_and_search])
    said = who_says_what()
    assert said.columns == [("Somali communities", 12), ("Other communities", 14)]
    assert said.combined == ["Roma communities", "Young people"]
    (row,) = said.rows
    # 12 of the 37 points from Somali communities; 25 from the others together.
    assert row.total == 12 + 6 + 11 + 20
    assert row.cells[0] == (12, 12 / 49)
    page = text_of(leader_client.get(WHO_ATTENDS))
    assert "Somali communities" in page
    assert "Shown together as other communities: Roma communities, Young people." in page
    assert "Roma communities<br>" not in page


def test_who_says_what_with_too_few_forms_in_all_shows_nothing(leader_client):
    event = EventFactory(held=True)
    topic = TopicFactory(name="Parking near the mosque")
    _forms(CommunityFactory(name="Somali communities"), topic, 4, event)
    _forms(CommunityFactory(name="Roma communities"), topic, 3, event)
    said = who_says_what()
    assert said.all_hidden
    assert said.rows == []
    assert "too few to show who says what" in text_of(leader_client.get(WHO_ATTENDS))


def test_an_events_own_count_of_cards_is_taken_as_known(db):
    """The event's page shows its number of cards when it is 10 or more, so the report
    must not let that number be used to work out a hidden one."""
    big = EventFactory(past=True)
    small = EventFactory(past=True)
    AboutYouCardFactory.create_batch(30, event=big, ethnicity="white_british")
    AboutYouCardFactory.create_batch(12, event=big, ethnicity="black_african")
    AboutYouCardFactory.create_batch(4, event=small, ethnicity="black_african")
    figures = who_attends()
    by_event = {row.event: row for row in figures.events}
    assert by_event[big].total == 42
    assert by_event[small].total is None
    # 46 in all less the 42 shown on the big event's page would give the 4 away.
    assert reach(wave=None).table("cards-ethnic-group").total is None
    assert reach(wave=None).table("cards-age").total is None
