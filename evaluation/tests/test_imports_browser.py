"""An Administrator imports last year's spreadsheet in a real Chromium browser: upload,
match, check, import, at 1280 px and at 320 px, with axe-core on every page; a file
with problems shows them by row; and a large file's progress bar moves by itself with
JavaScript and says to refresh without it."""

import pytest

from engagement.tests.factories import TEST_PASSWORD
from evaluation.models import Response, SurveyImport, Wave
from evaluation.services import survey_import_check
from evaluation.tests.factories import SurveyImportFactory, WaveFactory
from evaluation.tests.test_imports import EXPORT_2022
from feedback.tests.helpers import no_sideways_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = [{"width": 1280, "height": 900}, {"width": 320, "height": 640}]


def check_at_both_widths(page, axe_check, what: str) -> None:
    for size in WIDTHS:
        page.set_viewport_size(size)
        if size["width"] == 320:
            no_sideways_scroll(page, what)
        axe_check(page, f"{what} at {size['width']}px")
    page.set_viewport_size(WIDTHS[0])


def test_an_administrator_imports_last_years_spreadsheet(
    live_server, page, axe_check, sign_in, administrator, tmp_path
):
    wave = WaveFactory(name="2022", status=Wave.Status.CLOSED)
    sign_in(page, administrator.username)
    page.wait_for_url("**/staff/")
    page.goto(f"{live_server.url}/staff/evaluation/waves/{wave.slug}/import/")
    check_at_both_widths(page, axe_check, "the upload page")

    page.get_by_role("button", name="Upload").click()
    assert page.get_by_text("Choose the spreadsheet file to upload.").first.is_visible()

    page.get_by_label("Spreadsheet file").set_input_files(str(EXPORT_2022))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**/staff/evaluation/imports/*/")
    assert page.get_by_label("Column C: Q1 Confidence in local police").input_value() == (
        "confidence"
    )
    assert page.get_by_label("Column A: Respondent ID").input_value() == ""
    check_at_both_widths(page, axe_check, "the matching page")

    page.get_by_role("button", name="Check every row").click()
    page.get_by_role("heading", name="Ready to import").wait_for()
    check_at_both_widths(page, axe_check, "the checked file")
    assert Response.objects.count() == 0

    page.get_by_role("button", name="Import 30 responses").click()
    page.get_by_role("heading", name="Imported", exact=True).wait_for()
    check_at_both_widths(page, axe_check, "the imported file")
    assert Response.objects.filter(wave=wave).count() == 30

    page.get_by_role("button", name="Remove the import and its responses").click()
    assert page.get_by_text("Tick the box").first.is_visible()
    check_at_both_widths(page, axe_check, "the removal refused without the tick")
    page.get_by_label("I understand that the 30 responses").check()
    page.get_by_role("button", name="Remove the import and its responses").click()
    page.wait_for_url(f"**/staff/evaluation/waves/{wave.slug}/import/")
    assert Response.objects.count() == 0

    bad = tmp_path / "survey-2022-with-mistakes.csv"
    bad.write_text("Confidence,Attended?\n4,yes\n6,yes\n3,maybe\n", encoding="utf-8")
    page.get_by_label("Spreadsheet file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("button", name="Check every row").click()
    page.get_by_role("heading", name="Some rows need correcting").wait_for()
    assert page.get_by_role("row", name="3 Confidence 6").is_visible()
    check_at_both_widths(page, axe_check, "a file with problems")


def test_the_progress_bar_moves_by_itself_with_javascript(
    live_server, page, axe_check, sign_in, administrator
):
    survey_import = SurveyImportFactory(
        status=SurveyImport.Status.CHECKING,
        mapping={"confidence": "confidence", "attended_event": "attended_event"},
        total_rows=1,
    )
    sign_in(page, administrator.username)
    page.wait_for_url("**/staff/")
    page.goto(f"{live_server.url}/staff/evaluation/imports/{survey_import.pk}/")
    page.get_by_role("heading", name="Checking every row").wait_for()
    assert page.get_by_text("Refresh the page to see progress").is_hidden()
    check_at_both_widths(page, axe_check, "an import being checked")

    survey_import_check(survey_import_id=survey_import.pk)
    page.get_by_role("heading", name="Ready to import").wait_for(timeout=10_000)


def test_without_javascript_the_page_says_to_refresh(live_server, browser, administrator):
    survey_import = SurveyImportFactory(status=SurveyImport.Status.CHECKING, total_rows=1)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(administrator.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/staff/evaluation/imports/{survey_import.pk}/")
    assert page.get_by_text("Refresh the page to see progress").is_visible()
    context.close()
