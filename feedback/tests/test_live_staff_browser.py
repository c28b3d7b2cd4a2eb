"""The staff side of a live session in a real Chromium browser: the moderator's page
and the room's screen pass axe-core on a laptop and at 320 px; the screen shows a
point the moment it is approved, without reloading; the moderator's page shows new
points by itself unless the moderator is typing; a table's notes survive a Wi-Fi
drop."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from events.tests.factories import EventFactory
from events.tests.helpers import DESKTOP, SMALL_PHONE
from feedback.models import LivePoint
from feedback.services.live import (
    live_point_moderate,
    live_point_send,
    live_poll_answer,
    live_poll_create,
    live_poll_open,
    live_session_close,
    live_session_open,
    live_tables_split,
    live_tables_together,
)
from feedback.tests.factories import SafeguardingTermFactory
from feedback.tests.helpers import (
    a_programme_asking_the_key_questions,
    no_sideways_scroll,
    wait_until,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROJECTOR = {"width": 1280, "height": 720}


def a_busy_session(coordinator):
    """An open session with points waiting (one flagged), points on the screen, a poll
    answered, and tables that have come back together with their notes."""
    programme, _questions = a_programme_asking_the_key_questions()
    SafeguardingTermFactory(phrase="knife")
    event = EventFactory(programme=programme, title="Listening event at the mosque")
    session = live_session_open(event=event, by=coordinator)
    for text in [
        "More officers on foot around the market, not only in cars",
        "Why are young Black men stopped so often on the high street?",
    ]:
        live_point_moderate(point=live_point_send(session=session, text=text), approve=True)
    live_point_send(session=session, text="Please come to the youth club on Fridays")
    live_point_send(session=session, text="Someone had a knife near the bus stop")
    live_tables_split(session=session, count=2)
    for table in session.tables.all():
        live_point_send(
            session=session,
            text=f"Table {table.number} wants a monthly surgery",
            table=table,
            recorded_by=coordinator,
        )
    live_tables_together(session=session)
    poll = live_poll_create(
        session=session, question="Which night suits you?", kind="choice", options=["Tue", "Thu"]
    )
    live_poll_open(poll=poll)
    for value in (0, 1, 1):
        live_poll_answer(poll=poll, value=value)
    return session


def test_the_moderators_page_and_the_screen_pass_axe_on_a_laptop_and_a_phone(
    live_server, page, sign_in, axe_check, coordinator
):
    session = a_busy_session(coordinator)
    sign_in(page, coordinator.username)
    moderate_url = f"{live_server.url}{session.get_staff_url()}"
    screen_url = f"{live_server.url}{reverse('feedback:live-screen', args=[session.pk])}"

    for size in (DESKTOP, SMALL_PHONE):
        page.set_viewport_size(size)
        page.goto(moderate_url)
        expect(page.get_by_role("heading", level=1)).to_have_text("Listening event at the mosque")
        expect(page.get_by_text(session.code, exact=True)).to_be_visible()
        expect(
            page.get_by_text("Never shown on the screen; goes to the inbox flagged.")
        ).to_be_visible()
        no_sideways_scroll(page, f"moderator's page at {size['width']}px")
        axe_check(page, f"moderator's page at {size['width']}px")

    for size in (PROJECTOR, {"width": 1920, "height": 1080}, SMALL_PHONE):
        page.set_viewport_size(size)
        page.goto(screen_url)
        # Points from phones; a table's notes are under its table.
        expect(page.locator("[data-points] li")).to_have_count(2)
        expect(page.get_by_text("What the tables said")).to_be_visible()
        expect(
            page.locator("[data-tables]").get_by_text("Table 2 wants a monthly surgery")
        ).to_be_visible()
        expect(page.locator("[data-poll-answered]")).to_have_text("3 answered")
        expect(page.get_by_text("knife")).to_have_count(0)
        no_sideways_scroll(page, f"screen at {size['width']}px")
        axe_check(page, f"screen at {size['width']}px")

    # Nothing on the projector but the room's words, until the keyboard asks.
    back = page.get_by_role("link", name="Back to moderating")
    page.keyboard.press("Tab")
    expect(back).to_be_focused()
    expect(back).to_be_in_viewport()

    page.goto(f"{live_server.url}{reverse('feedback:live-close', args=[session.pk])}")
    expect(page.get_by_text("1 safeguarding flag")).to_be_visible()
    no_sideways_scroll(page, "closing page at 320px")
    axe_check(page, "closing page at 320px")


def test_the_screen_shows_an_approved_point_within_seconds_without_reloading(
    live_server, page, sign_in, coordinator
):
    session = a_busy_session(coordinator)
    sign_in(page, coordinator.username)
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{live_server.url}{reverse('feedback:live-screen', args=[session.pk])}")
    page.evaluate("() => { window.stillTheSamePage = true; }")
    waiting = LivePoint.objects.get(text="Please come to the youth club on Fridays")

    live_point_moderate(point=waiting, approve=True)

    expect(page.locator("[data-points]").get_by_text(waiting.text)).to_be_visible(timeout=3000)
    assert page.evaluate("() => window.stillTheSamePage") is True

    trust = session.polls.get(purpose="trust_before")
    live_poll_open(poll=trust)
    expect(page.locator("[data-poll-question]")).to_have_text(
        "How much do you trust the police in this area?", timeout=3000
    )
    expect(page.locator("[data-poll-bars] li")).to_have_count(5)
    expect(page.locator("[data-poll-answered]")).to_have_text("0 answered")

    live_session_close(session=session, by=coordinator)
    expect(page.get_by_text("The session has closed. Thank you for taking part.")).to_be_visible(
        timeout=3000
    )
    expect(page.get_by_text("Join from your phone")).to_be_hidden()
    assert page.evaluate("() => window.stillTheSamePage") is True


def test_the_moderators_page_shows_new_points_unless_the_moderator_is_typing(
    live_server, page, sign_in, coordinator
):
    session = a_busy_session(coordinator)
    sign_in(page, coordinator.username)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}{session.get_staff_url()}")
    waiting = page.locator("#waiting .live-mod-text")
    expect(waiting).to_have_count(2)

    live_point_send(session=session, text="Can we have a women-only meeting?")
    expect(waiting).to_have_count(3, timeout=10_000)

    page.locator("#id_question").fill("Which day is best?")
    live_point_send(session=session, text="The 101 line never answers")
    reload = page.get_by_role("button", name="New points arrived — reload")
    expect(reload).to_be_visible(timeout=10_000)
    expect(page.locator("#id_question")).to_have_value("Which day is best?")
    expect(waiting).to_have_count(3)
    reload.click()
    expect(waiting).to_have_count(4)


def test_a_tables_notes_survive_a_wifi_drop_and_are_stored_once(
    live_server, page, sign_in, axe_check, coordinator
):
    programme, _questions = a_programme_asking_the_key_questions()
    session = live_session_open(event=EventFactory(programme=programme), by=coordinator)
    live_tables_split(session=session, count=2)
    sign_in(page, coordinator.username)
    page.set_viewport_size(SMALL_PHONE)
    page.goto(f"{live_server.url}{reverse('feedback:live-table-notes', args=[session.pk, 2])}")
    status = page.locator("[data-connection-status]")
    notes = page.locator("[data-notes-list] li[data-reference]")
    expect(status).to_have_text("All notes are saved.")
    no_sideways_scroll(page, "table notes")
    axe_check(page, "table notes")

    page.context.set_offline(True)
    box = page.get_by_label("Your point or question")
    box.fill("Officers should knock, not bang")
    page.get_by_role("button", name="Add note").click()
    expect(notes.first.get_by_text("Waiting to send")).to_be_visible()
    expect(status).to_contain_text("1 note waiting to send")
    axe_check(page, "table notes, offline")

    page.context.set_offline(False)
    expect(status).to_have_text("All notes are saved.", timeout=10_000)
    wait_until(page, lambda: session.points.filter(table__number=2).exists())
    note = session.points.get(table__number=2)
    assert note.text == "Officers should knock, not bang" and note.recorded_by == coordinator
    page.reload()
    expect(notes).to_have_count(1)
