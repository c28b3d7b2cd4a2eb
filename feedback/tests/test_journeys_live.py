"""The live session in a room, in Chromium: two phones at 320 px and the Coordinator's
laptop showing the screen and the moderation page. Points are sent, one approved and
supported and one hidden, the trust question answered by both phones with the screen
showing the result within 3 seconds, and closing the session moves everything into
the inbox."""

import re

import pytest
from playwright.sync_api import expect

from engagement.roles import Role
from engagement.tests.factories import TEST_PASSWORD
from events.tests.factories import EventFactory
from feedback.models import FeedbackItem, LivePoint
from feedback.services.live import live_session_open
from feedback.tests.factories import KeyQuestionFactory, ProgrammeKeyQuestionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WITHIN_3_SECONDS = 3_000


def phone(browser, live_server):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    return context, context.new_page()


def fits_320(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_room_sends_supports_and_answers_and_it_all_reaches_the_inbox(
    live_server, browser, axe_check, user_for_role
):
    coordinator = user_for_role(Role.COORDINATOR)
    event = EventFactory(past=True, title="Moss Side listening event")
    question = KeyQuestionFactory(text="How can the police better protect this community?")
    ProgrammeKeyQuestionFactory(programme=event.programme, key_question=question, position=1)
    session = live_session_open(event=event, by=coordinator)

    laptop = browser.new_context(viewport={"width": 1280, "height": 800})
    first_context, first = phone(browser, live_server)
    second_context, second = phone(browser, live_server)
    try:
        moderate = laptop.new_page()
        moderate.goto(f"{live_server.url}/accounts/login/")
        moderate.get_by_label("Username").fill(coordinator.username)
        moderate.get_by_label("Password").fill(TEST_PASSWORD)
        moderate.get_by_role("button", name="Sign in").click()
        moderate.wait_for_url("**/staff/**")
        screen = laptop.new_page()
        screen.goto(f"{live_server.url}/staff/live/{session.pk}/screen/")
        expect(screen.locator("[data-question]")).to_have_text(question.text)
        axe_check(screen, "the room's screen")

        # The first phone joins by typing the code on the screen, in lower case.
        first.goto(f"{live_server.url}/live/")
        axe_check(first, "joining page")
        first.get_by_label("The code on the screen").fill(session.code.lower())
        first.get_by_role("button", name=re.compile("Join")).click()
        expect(first).to_have_url(re.compile(rf"/live/{session.code}/$"))
        expect(first.get_by_role("heading", name="Moss Side listening event")).to_be_visible()
        axe_check(first, "phone page")
        fits_320(first)
        second.goto(f"{live_server.url}/live/{session.code}/")

        first.get_by_label("Your point or question").fill("More officers walking the estate")
        first.get_by_role("button", name="Send", exact=True).click()
        expect(first.locator("[data-live-status]")).to_contain_text("Sent")
        second.get_by_label("Your point or question").fill("Buy cheap phones here")
        second.get_by_role("button", name="Send", exact=True).click()
        expect(second.locator("[data-live-status]")).to_contain_text("Sent")

        # The moderator approves the one and hides the other.
        moderate.goto(f"{live_server.url}/staff/live/{session.pk}/")
        axe_check(moderate, "moderation page")
        wanted = LivePoint.objects.get(text="More officers walking the estate")
        unwanted = LivePoint.objects.get(text="Buy cheap phones here")
        moderate.locator(f"form[action$='/points/{wanted.pk}/']").get_by_role(
            "button", name="Approve"
        ).click()
        moderate.locator(f"form[action$='/points/{unwanted.pk}/']").get_by_role(
            "button", name="Hide"
        ).click()

        # The screen and the other phone show it without a reload.
        expect(screen.locator("[data-points]")).to_contain_text(
            "More officers walking the estate", timeout=WITHIN_3_SECONDS
        )
        expect(screen.locator("[data-points]")).not_to_contain_text("Buy cheap phones")
        expect(second.locator("[data-live-points]")).to_contain_text(
            "More officers walking the estate", timeout=WITHIN_3_SECONDS
        )
        second.locator("[data-live-points]").get_by_role("button", name="Support").click()
        expect(second.locator("[data-live-points]")).to_contain_text("You support this")
        expect(screen.locator("[data-points]")).to_contain_text("1", timeout=WITHIN_3_SECONDS)
        wanted.refresh_from_db()
        assert wanted.supports == 1

        # The trust question at the start, answered by both phones.
        moderate.reload()
        moderate.locator("form", has=moderate.get_by_role("button", name="Open")).first.get_by_role(
            "button", name="Open"
        ).click()
        for page, answer in ((first, "4"), (second, "5")):
            poll = page.locator("[data-live-poll]")
            expect(poll).to_contain_text(
                "How much do you trust the police in this area?", timeout=WITHIN_3_SECONDS
            )
            poll.get_by_label(re.compile(rf"^{answer}")).check()
            poll.get_by_role("button", name="Answer").click()
            expect(poll).to_contain_text("Thank you, you answered.")
        expect(screen.locator("[data-poll-answered]")).to_have_text(
            "2 answered", timeout=WITHIN_3_SECONDS
        )
        axe_check(first, "phone page with a poll answered")
        axe_check(screen, "the screen with results")

        # Closing moves everything into the inbox for the event.
        # Clicked, as a coordinator would: the page does not reload itself under a click,
        # where it could over a navigation started from outside it.
        moderate.get_by_role("link", name="Close the session").click()
        expect(moderate).to_have_url(re.compile(rf"/staff/live/{session.pk}/close/$"))
        axe_check(moderate, "closing page")
        moderate.get_by_role(
            "button", name="Close the session and move everything to the inbox"
        ).click()
        expect(moderate).to_have_url(re.compile(r"/staff/feedback/"))
        expect(
            moderate.locator(".inbox-text", has_text="More officers walking the estate")
        ).to_be_visible()
        items = FeedbackItem.objects.filter(event=event)
        texts = list(items.values_list("text", flat=True))
        assert "More officers walking the estate" in texts
        assert "Buy cheap phones here" not in texts
        assert any(text.startswith("Poll in the room") for text in texts)
        assert items.get(text="More officers walking the estate").key_question == question
        expect(screen.locator("[data-closed]")).to_be_visible(timeout=WITHIN_3_SECONDS)

        # A phone still open on the session turns, by itself, into the closed page, which
        # points to the feedback form. (Navigating it here would race its own reload.)
        expect(first.get_by_role("link", name=re.compile("feedback form"))).to_have_attribute(
            "href", re.compile(f"/give-feedback/{event.feedback_token}/"), timeout=WITHIN_3_SECONDS
        )
        axe_check(first, "closed session page")
        # A phone that comes back later gets the same page, marked as gone.
        assert first.request.get(f"{live_server.url}/live/{session.code}/").status == 410
    finally:
        for context in (laptop, first_context, second_context):
            context.close()
