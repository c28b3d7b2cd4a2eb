"""A Leader reads the evaluation in Chromium, on a laptop and on a 320 px phone: the
comparison, a filter, the weighted view, reach, who attends and the board version, each
checked with axe-core and for sideways scrolling."""

import pytest

from engagement.roles import Role
from engagement.tests.factories import TEST_PASSWORD
from evaluation.tests.factories import (
    AboutYouCardFactory,
    PopulationShareFactory,
    ResponseFactory,
    WaveFactory,
)
from events.tests.factories import EventFactory
from events.tests.helpers import SMALL_PHONE
from feedback.tests.helpers import no_sideways_scroll

LAPTOP = {"width": 1280, "height": 900}


def _answers(wave, number, **answers):
    for _ in range(number):
        ResponseFactory(wave=wave, answers=answers)


def _evaluation_data():
    earlier = WaveFactory(name="2022")
    _answers(earlier, 40, confidence="4", ethnicity="white_british", age_band="45_54")
    _answers(earlier, 30, confidence="2", ethnicity="white_british", age_band="45_54")
    wave = WaveFactory(name="2026")
    _answers(wave, 30, confidence="5", attended_event="yes", ethnicity="black_african")
    _answers(wave, 10, confidence="2", attended_event="yes", ethnicity="black_african")
    _answers(wave, 25, confidence="4", attended_event="yes", ethnicity="white_british")
    _answers(wave, 10, confidence="1", attended_event="yes", ethnicity="white_british")
    _answers(wave, 30, confidence="4", attended_event="no", ethnicity="white_british")
    _answers(wave, 40, confidence="1", attended_event="no", ethnicity="white_british")
    _answers(wave, 12, confidence="4", attended_event="no", ethnicity="black_caribbean")
    _answers(wave, 8, confidence="2", attended_event="no", ethnicity="black_caribbean")
    _answers(wave, 3, confidence="3", attended_event="no", ethnicity="mixed_other")
    PopulationShareFactory(group="white", percent=80)
    PopulationShareFactory(group="black", percent=12)
    PopulationShareFactory(group="mixed", percent=8)
    event = EventFactory(past=True, title="Highfields listening event")
    AboutYouCardFactory.create_batch(14, event=event, ethnicity="black_caribbean")
    AboutYouCardFactory.create_batch(3, event=event, ethnicity="white_irish")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [LAPTOP, SMALL_PHONE], ids=["laptop", "phone"])
def test_a_leader_reads_the_evaluation(live_server, browser, axe_check, user_for_role, viewport):
    _evaluation_data()
    user_for_role(Role.LEADER)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("leader")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Evaluation").click()
    # 55 of 75 attendees agree; 42 of 93 non-attendees.
    assert page.get_by_text(
        "Attendees were more likely to agree than non-attendees (73% against 45%)"
    ).first.is_visible()
    no_sideways_scroll(page, "the evaluation")
    axe_check(page, "the evaluation")

    page.get_by_text("Choose a wave, or look at one group of people").click()
    page.get_by_label("Attended our events").select_option("attendees")
    page.get_by_role("button", name="Show figures").click()
    assert "attendees only" in page.locator(".report-scope").inner_text()
    axe_check(page, "the evaluation, attendees only")

    page.get_by_role("link", name="Show the figures weighted to the census").click()
    assert page.get_by_role("columnheader", name="Effective sample size").first.is_visible()
    no_sideways_scroll(page, "the weighted view")
    axe_check(page, "the weighted view")

    page.goto(f"{live_server.url}/staff/evaluation/?age_band=nonsense")
    assert page.get_by_text("Choose an age band from the list.").first.is_visible()
    axe_check(page, "the evaluation with a bad filter")

    page.get_by_role("link", name="Reach", exact=True).click()
    assert page.get_by_text("Survey respondents in 2026 by ethnic group").first.is_visible()
    no_sideways_scroll(page, "reach")
    axe_check(page, "reach")

    page.get_by_role("link", name="Who attends, who says what").click()
    assert page.get_by_text("Highfields listening event").is_visible()
    no_sideways_scroll(page, "who attends")
    axe_check(page, "who attends")

    page.get_by_role("link", name="Survey comparison").click()
    page.get_by_role("link", name="Printable version for a board meeting").click()
    assert page.get_by_role("heading", name="Community engagement: evaluation").is_visible()
    assert page.locator(".staff-nav").count() == 0
    no_sideways_scroll(page, "the board version")
    axe_check(page, "the board version")
    context.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_empty_evaluation_pages_pass_axe_on_a_phone(
    live_server, browser, axe_check, user_for_role
):
    user_for_role(Role.COORDINATOR)
    context = browser.new_context(viewport=SMALL_PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    for path in (
        "/staff/evaluation/",
        "/staff/evaluation/reach/",
        "/staff/evaluation/who-attends/",
    ):
        page.goto(f"{live_server.url}{path}")
        no_sideways_scroll(page, path)
        axe_check(page, f"{path} with no data")
    assert page.get_by_text("No about-you cards yet.").is_visible()
    WaveFactory(name="2026")
    page.goto(f"{live_server.url}/staff/evaluation/")
    assert page.get_by_role("heading", name="No answers in 2026 yet").is_visible()
    axe_check(page, "a wave with no answers")
    page.goto(f"{live_server.url}/staff/evaluation/tables/?table=pie&format=csv")
    assert page.get_by_text("Choose one of the tables in the list.").first.is_visible()
    axe_check(page, "a download with a bad choice")
    context.close()
