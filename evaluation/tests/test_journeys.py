"""The evaluation from start to finish in a real Chromium browser: an Administrator
imports last year's spreadsheet as an earlier wave; a member of the public answers this
year's survey on a 320 px phone with JavaScript off; and a Leader reads the comparison
of attendees with non-attendees and of this wave with last year's. Every page is
checked with axe-core against WCAG 2.2 AA."""

from datetime import timedelta

import pytest
from django.utils import timezone

from evaluation.models import Response, Source, Wave
from evaluation.services import evaluation_release_held
from evaluation.tests.factories import ResponseFactory, WaveFactory
from evaluation.tests.test_imports import EXPORT_2022
from events.tests.helpers import DESKTOP, SMALL_PHONE
from feedback.tests.helpers import no_sideways_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def this_years_answers(wave: Wave) -> None:
    """Forty attendees, thirty of whom agree they have confidence in the police, and
    forty non-attendees, of whom twelve agree: a gap the report must call out."""
    for attended, agreeing in (("yes", 30), ("no", 12)):
        for number in range(40):
            ResponseFactory(
                wave=wave,
                answers={
                    "confidence": "4" if number < agreeing else "2",
                    "attended_event": attended,
                    "ethnicity": "black_african" if number % 2 else "white_british",
                },
            )


def test_import_answer_and_read_the_comparison(
    live_server, browser, axe_check, sign_in, administrator, leader
):
    last_year = WaveFactory(name="2022", status=Wave.Status.CLOSED)
    this_year = WaveFactory(name="2026", introduction="Tell us how we are doing.")
    this_years_answers(this_year)

    # An Administrator imports last year's spreadsheet.
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, administrator.username)
    page.wait_for_url("**/staff/")
    page.goto(f"{live_server.url}/staff/evaluation/waves/")
    page.get_by_role("link", name="2022").click()
    page.get_by_role("link", name="Import a spreadsheet").click()
    axe_check(page, "the upload page")
    page.get_by_label("Spreadsheet file").set_input_files(str(EXPORT_2022))
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("button", name="Check every row").click()
    page.get_by_role("heading", name="Ready to import").wait_for()
    axe_check(page, "the checked spreadsheet")
    page.get_by_role("button", name="Import 30 responses").click()
    page.get_by_role("heading", name="Imported", exact=True).wait_for()
    assert Response.objects.filter(wave=last_year, source=Source.IMPORTED).count() == 30
    context.close()

    # The survey at 320 px passes axe (axe needs JavaScript to run) ...
    context = browser.new_context(viewport=SMALL_PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}{this_year.get_public_url()}")
    no_sideways_scroll(page, "the survey")
    axe_check(page, "the survey at 320px")
    context.close()

    # ... and a member of the public answers it on a small phone with JavaScript off.
    context = browser.new_context(viewport=SMALL_PHONE, java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}{this_year.get_public_url()}")
    confidence = page.get_by_role("group", name="I have confidence in the police in this area")
    confidence.get_by_label("Agree", exact=True).check()
    page.get_by_role("group", name="Have you been to one of our community events?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url("**/thank-you/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Thank you")
    context.close()
    # Stored on the hour with the rest of that hour's answers.
    assert evaluation_release_held(now=timezone.now() + timedelta(hours=1)) == 1
    online = Response.objects.get(wave=this_year, source=Source.ONLINE)
    assert online.attended is True
    assert online.answers.get(question__key="confidence").score == 4
    context.close()

    # A Leader reads the comparison.
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, leader.username)
    page.wait_for_url("**/staff/")
    page.get_by_role("link", name="Evaluation").first.click()
    page.wait_for_url("**/staff/evaluation/")
    # The filters are folded away until opened; the latest wave with answers is shown.
    page.goto(f"{live_server.url}/staff/evaluation/?wave=2026")
    axe_check(page, "the evaluation report")
    # 31 of 41 attendees agree against 12 of 40 non-attendees.
    assert page.get_by_text(
        "Attendees were more likely to agree than non-attendees (76% against 30%); "
        "the difference is larger than chance would explain."
    ).first.is_visible()
    assert page.get_by_text("This wave and earlier ones").first.is_visible()
    page.set_viewport_size(SMALL_PHONE)
    no_sideways_scroll(page, "the evaluation report")
    axe_check(page, "the evaluation report at 320px")
    page.goto(f"{live_server.url}/staff/evaluation/print/?wave=2026")
    axe_check(page, "the printable report")
    context.close()
