"""A Leader's morning in a real Chromium browser: the overview leads straight to the
dashboard; a filter narrows it to one community; the overdue tile leads to the actions
behind it; an XLSX export of actions is downloaded and opened with openpyxl; and the
slides for the community's next event are downloaded and read back with python-pptx.
Every page is checked with axe-core at 1280 px and at 320 px."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pptx import Presentation

from actions.models import Action
from actions.tests.factories import ActionFactory
from engagement.tests.factories import CommunityFactory, DepartmentFactory
from events.models import Event
from events.tests.factories import EventFactory
from feedback.services import feedback_record
from feedback.tests.helpers import no_sideways_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = [{"width": 1280, "height": 900}, {"width": 320, "height": 640}]


def held(**fields) -> Event:
    event = EventFactory(past=True, **fields)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.HELD)
    event.refresh_from_db()
    return event


def check_at_both_widths(page, axe_check, what: str) -> None:
    for size in WIDTHS:
        page.set_viewport_size(size)
        if size["width"] == 320:
            no_sideways_scroll(page, what)
        axe_check(page, f"{what} at {size['width']}px")
    page.set_viewport_size(WIDTHS[0])


def test_a_leader_reads_the_dashboard_drills_down_and_downloads_exports_and_slides(
    live_server, page, axe_check, sign_in, leader
):
    somali = CommunityFactory(name="Somali communities")
    other = CommunityFactory(name="Young people (16–24)")
    last_time = held(title="Somali community listening event", focus_community=somali, headcount=40)
    held(title="Youth voice evening", focus_community=other, headcount=30)
    feedback_record(text="Officers should explain stops.", source="online_form", event=last_time)
    training = DepartmentFactory(name="Training and Learning")
    ActionFactory(
        title="Explain every stop and search",
        status=Action.Status.AGREED,
        department=training,
        due_on=timezone.localdate() - timedelta(days=12),
        events=[last_time],
        communities=[somali],
    )
    ActionFactory(
        title="Interpreters at every event",
        status=Action.Status.DONE,
        department=training,
        events=[last_time],
        communities=[somali],
    )
    next_time = EventFactory(
        title="Somali community meeting, spring",
        focus_community=somali,
        programme=last_time.programme,
        starts_at=timezone.now() + timedelta(days=10),
        ends_at=timezone.now() + timedelta(days=10, hours=3),
    )

    sign_in(page, leader.username)
    page.wait_for_url("**/staff/")
    check_at_both_widths(page, axe_check, "the Leader's overview")
    page.get_by_role("link", name="Open the dashboard: is the loop closed?").click()
    page.wait_for_url("**/staff/dashboard/")
    check_at_both_widths(page, axe_check, "the dashboard")

    page.get_by_text("Filter by programme, community or dates").click()
    page.get_by_label("Community (optional)").select_option(label="Somali communities")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url("**/staff/dashboard/?*community=*")
    events_facts = page.locator("section[aria-labelledby='events-heading'] dl").inner_text()
    assert "Held\n1" in events_facts.replace("\t", "\n")
    check_at_both_widths(page, axe_check, "the dashboard for one community")

    page.get_by_role("link", name="See overdue actions").click()
    page.wait_for_url("**/staff/actions/?due=overdue")
    listed = page.locator(".event-card h2").all_inner_texts()
    assert listed == ["Explain every stop and search"]
    check_at_both_widths(page, axe_check, "the overdue actions")

    page.get_by_role("link", name="Exports").first.click()
    page.wait_for_url("**/staff/exports/")
    check_at_both_widths(page, axe_check, "the exports page")
    page.get_by_label("Actions", exact=True).check()
    page.get_by_label("Excel workbook (XLSX)").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    with open(download_info.value.path(), "rb") as saved:
        workbook = load_workbook(io.BytesIO(saved.read()), read_only=True)
    cells = {
        cell
        for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)
        for cell in row
    }
    assert {"Explain every stop and search", "Interpreters at every event"} <= cells

    page.goto(f"{live_server.url}{next_time.get_staff_url()}")
    check_at_both_widths(page, axe_check, "the next event's page")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Slides (PowerPoint)").click()
    with open(download_info.value.path(), "rb") as saved:
        deck = Presentation(io.BytesIO(saved.read()))
    titles = [slide.shapes.title.text for slide in deck.slides if slide.shapes.title is not None]
    assert "Welcome and agenda" in titles
    assert "Since we last met" in titles
    assert any(title.startswith("Since we last met: done") for title in titles)
    text = "\n".join(
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    assert "Interpreters at every event" in text
    page.get_by_role("link", name="Handout for attendees").click()
    check_at_both_widths(page, axe_check, "the handout")
