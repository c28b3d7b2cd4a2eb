"""The live session on a small phone in a real Chromium browser: with JavaScript, a
point typed while the signal is lost is kept and sent when it comes back, new points
on the screen appear without reloading, and supports and poll answers are sent in
place; without JavaScript, the same things work as plain forms. The pages pass
axe-core (WCAG 2.2 AA) at 320 px, checked in a JavaScript context: axe needs it."""

import pytest
from playwright.sync_api import expect

from engagement.roles import Role
from events.tests.factories import EventFactory
from events.tests.helpers import SMALL_PHONE
from feedback.models import LivePoint, LivePoll, LivePollAnswer
from feedback.services.live import (
    live_point_moderate,
    live_point_send,
    live_poll_create,
    live_poll_open,
    live_session_open,
)
from feedback.tests.factories import KeyQuestionFactory, ProgrammeKeyQuestionFactory
from feedback.tests.helpers import no_sideways_scroll, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION = "How can the police better protect this community?"


@pytest.fixture
def session(user_for_role):
    event = EventFactory(past=True, title="Listening evening at Moss Side")
    question = KeyQuestionFactory(text=QUESTION)
    ProgrammeKeyQuestionFactory(programme=event.programme, key_question=question, position=1)
    session = live_session_open(event=event, by=user_for_role(Role.COORDINATOR))
    on_the_screen(session, "More officers walking the estate at night")
    return session


def on_the_screen(session, text):
    point = live_point_send(session=session, text=text)
    live_point_moderate(point=point, approve=True)
    return point


def a_poll(session):
    poll = live_poll_create(
        session=session,
        question="Which night suits you for the next meeting?",
        kind=LivePoll.Kind.CHOICE,
        options=["Tuesday", "Thursday"],
    )
    live_poll_open(poll=poll)
    return poll


@pytest.fixture
def phone(browser):
    contexts = []

    def open_phone(javascript=True):
        context = browser.new_context(viewport=SMALL_PHONE, java_script_enabled=javascript)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context, context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def test_with_javascript_nothing_typed_is_lost_and_the_room_arrives_by_itself(
    live_server, phone, axe_check, session
):
    context, page = phone()
    # The event's feedback form says a session is on, and leads to it.
    page.goto(f"{live_server.url}/give-feedback/{session.event.feedback_token}/")
    axe_check(page, "the event's form with the live session notice at 320px")
    page.get_by_role("link", name="join it").click()
    page.wait_for_url(f"**/live/{session.code}/")
    page.goto(f"{live_server.url}/live/")
    no_sideways_scroll(page, "the join page")
    axe_check(page, "the join page at 320px")
    page.get_by_label("The code on the screen").fill(session.code.lower())
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(f"**/live/{session.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Listening evening at Moss Side")
    expect(page.locator("[data-live-question]")).to_have_text(QUESTION)
    no_sideways_scroll(page, "the phone page")
    axe_check(page, "the phone page at 320px")

    # The signal drops while someone types.
    context.set_offline(True)
    box = page.get_by_label("Your point or question")
    box.fill("The bus stop on Princess Road needs lighting")
    page.get_by_role("button", name="Send", exact=True).click()
    status = page.locator("[data-live-status]")
    expect(status).to_have_text("Saved on your phone – it will be sent when you are back online.")
    expect(page.locator("[data-live-outbox]")).to_contain_text("The bus stop on Princess Road")
    expect(box).to_have_value("")
    stored = page.evaluate(
        "code => localStorage.getItem('community-voice-live-' + code)", session.code
    )
    assert "The bus stop on Princess Road" in stored
    assert not LivePoint.objects.filter(text__contains="Princess Road").exists()

    # Back online: it goes, once.
    context.set_offline(False)
    expect(page.get_by_text("Sent. The moderator will read it.")).to_be_visible()
    expect(page.locator("[data-live-outbox]")).to_be_hidden()
    sent = LivePoint.objects.get(text__contains="Princess Road")
    assert sent.status == LivePoint.Status.PENDING
    assert page.url.endswith(f"/live/{session.code}/")  # never left the page

    # The moderator approves another point: it appears within three seconds.
    on_the_screen(session, "Officers should explain why they stop people")
    points = page.locator("#points")
    expect(points).to_contain_text("Officers should explain why they stop people", timeout=3000)

    # Supporting it, in place.
    new_point = points.get_by_role("listitem").filter(has_text="explain why they stop")
    new_point.get_by_role("button", name="Support").click()
    expect(new_point.get_by_role("button", name="You support this")).to_be_disabled()
    wait_until(
        page, lambda: LivePoint.objects.get(text__contains="explain why").supports == 1, 5000
    )

    # A poll opens: it appears, and is answered in place.
    poll = a_poll(session)
    question = page.get_by_role("group", name="Which night suits you for the next meeting?")
    question.get_by_label("Thursday").check()
    page.get_by_role("button", name="Answer").click()
    expect(page.get_by_text("Thank you, you answered.")).to_be_visible()
    assert list(LivePollAnswer.objects.filter(poll=poll).values_list("value", flat=True)) == [1]
    no_sideways_scroll(page, "the phone page, updated")
    axe_check(page, "the phone page, drawn by the script, at 320px")

    # After a reload the phone still knows what it supported and answered.
    page.reload()
    expect(new_point.get_by_role("button", name="You support this")).to_be_disabled()
    expect(page.get_by_text("Thank you, you answered.")).to_be_visible()


def test_without_javascript_the_live_session_is_plain_forms(live_server, phone, session):
    poll = a_poll(session)
    _context, page = phone(javascript=False)
    page.goto(f"{live_server.url}/live/")
    page.get_by_label("The code on the screen").fill(f"{session.code[:3]}-{session.code[3:]}")
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(f"**/live/{session.code}/")

    page.get_by_label("Your point or question").fill("Why are stops not explained?")
    page.get_by_label("Question", exact=True).check()
    page.get_by_role("button", name="Send", exact=True).click()
    expect(
        page.get_by_text("Thank you. The moderator reads it before it goes on the screen.")
    ).to_be_visible()
    point = LivePoint.objects.get(text="Why are stops not explained?")
    assert point.kind == LivePoint.Kind.QUESTION and point.status == LivePoint.Status.PENDING

    shown = page.locator("#points").get_by_role("listitem").first
    shown.get_by_role("button", name="Support").click()
    expect(shown.get_by_role("button", name="You support this")).to_be_disabled()
    assert LivePoint.objects.get(text__contains="walking the estate").supports == 1

    page.get_by_role("group", name="Which night suits you").get_by_label("Tuesday").check()
    page.get_by_role("button", name="Answer").click()
    expect(page.get_by_text("Thank you, you answered.").first).to_be_visible()
    assert LivePollAnswer.objects.filter(poll=poll, value=0).count() == 1


def test_the_phone_page_fits_the_public_page_budget_on_a_cold_load(
    live_server, cold_visit, session
):
    a_poll(session)
    visit = cold_visit(f"{live_server.url}/live/{session.code}/")

    assert visit.response.status == 200
    sizes = visit.compressed_sizes()
    assert any(url.endswith("/static/js/live-phone.js") for url in visit.scripts)
    assert sum(sizes.values()) <= 60 * 1024, sizes
