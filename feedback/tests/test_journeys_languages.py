"""The feedback form in another language, in a real Chromium browser on a 320 px
phone: someone whose phone is set to Somali scans an event's QR code and gets the form
in Somali, switches to Arabic (which reads right to left), sends their feedback, and
signs up to keep in touch with emails in Arabic. Every page is checked with axe-core
against WCAG 2.2 AA.

The words the pages should show are taken from the catalogues (gettext under the
page's language), never written here, so the test holds while translators refine
them."""

import re

import pytest
from django.template import Context
from django.template.loader import get_template
from django.utils import translation
from playwright.sync_api import expect

from contacts.models import OutboxMessage, PendingSignUp
from engagement.languages import forget_enabled_languages
from events.tests.factories import EventFactory
from events.tests.helpers import SMALL_PHONE
from feedback.models import FeedbackItem
from feedback.tests.helpers import (
    a_programme_asking_the_key_questions,
    no_sideways_scroll,
    release_forms_sent_so_far,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARABIC_NAME = "العربية"
# What the person types: their own words, in Arabic.
ARABIC_ANSWER = "نريد أن نرى المزيد من الدوريات قرب الحديقة في المساء."


def in_language(code: str, text: str) -> str:
    """The words a page in `code` shows for an English string, from its catalogue."""
    with translation.override(code):
        return translation.gettext(text)


def email_subject(template: str, code: str) -> str:
    """An email's subject as the outbox renders it, in the language given."""
    with translation.override(code):
        subject = get_template(f"email/{template}_subject.txt").template.render(
            Context({}, autoescape=False)
        )
    return " ".join(subject.split())


def expect_language(page, code: str, direction: str):
    html = page.locator("html")
    expect(html).to_have_attribute("lang", code)
    expect(html).to_have_attribute("dir", direction)
    current = page.locator("nav.language-switcher a[aria-current='true']")
    expect(current).to_have_attribute("lang", code)


def loaded_stylesheets(page) -> list[str]:
    """The stylesheets the page has applied (whose rules the browser has read)."""
    return page.evaluate(
        "() => [...document.styleSheets]"
        ".filter(sheet => sheet.href && sheet.cssRules.length > 0)"
        ".map(sheet => new URL(sheet.href).pathname)"
    )


def outside_the_screen(box) -> bool:
    return box is None or (
        box["y"] + box["height"] <= 0
        or box["x"] + box["width"] <= 0
        or box["x"] >= SMALL_PHONE["width"]
    )


def test_someone_with_a_somali_phone_switches_to_arabic_gives_feedback_and_keeps_in_touch(
    live_server, browser, axe_check, settings
):
    settings.SITE_URL = live_server.url
    forget_enabled_languages()  # every language is on: none is turned off in this database
    programme, questions = a_programme_asking_the_key_questions()
    event = EventFactory(programme=programme, held=True, title="Listening event at Moss Side")
    token = event.feedback_token
    context = browser.new_context(locale="so", viewport=SMALL_PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()

    def check(label):
        no_sideways_scroll(page, label)
        axe_check(page, f"{label} at 320px")

    try:
        # The QR code's address has no language in it; the phone asks for Somali.
        response = page.goto(f"{live_server.url}/give-feedback/{token}/")

        assert response.status == 200
        expect(page).to_have_url(f"{live_server.url}/so/give-feedback/{token}/")
        expect_language(page, "so", "ltr")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            in_language("so", "Tell us what you think")
        )
        check("the feedback form in Somali")

        # They read Arabic more easily, and choose it in the language switcher.
        switcher = page.get_by_role("navigation", name=in_language("so", "Choose your language"))
        switcher.get_by_role("link", name=ARABIC_NAME, exact=True).click()

        expect(page).to_have_url(f"{live_server.url}/ar/give-feedback/{token}/")
        expect_language(page, "ar", "rtl")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            in_language("ar", "Tell us what you think")
        )
        stylesheets = loaded_stylesheets(page)
        assert any(path.endswith("/bootstrap.rtl.min.css") for path in stylesheets), stylesheets
        assert not any(path.endswith("/bootstrap.min.css") for path in stylesheets), stylesheets
        check("the feedback form in Arabic")

        # With the keyboard alone: the skip link is hidden until focused, then shows on
        # the screen, on the right (where an Arabic page starts), and leads to the form.
        skip_link = page.get_by_role("link", name=in_language("ar", "Skip to main content"))
        assert outside_the_screen(skip_link.bounding_box()), "the skip link shows before focus"
        page.keyboard.press("Tab")
        expect(skip_link).to_be_focused()
        expect(skip_link).to_be_in_viewport()
        box = skip_link.bounding_box()
        assert box["x"] >= 0 and box["y"] >= 0, box
        assert box["x"] + box["width"] <= SMALL_PHONE["width"], box
        assert box["x"] + box["width"] >= SMALL_PHONE["width"] - 24, "not at the start (right)"
        assert box["height"] >= 24, "the focused skip link is too small to see or press"
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()

        # They answer the first question in Arabic and send the form.
        page.locator(f"#id_answer_{questions[0].pk}").fill(ARABIC_ANSWER)
        page.get_by_role("button", name=in_language("ar", "Send my feedback")).click()

        # (The browser keeps the #main-content of the skip link it followed.)
        expect(page).to_have_url(
            re.compile(
                rf"^{re.escape(live_server.url)}/ar/give-feedback/thank-you/\?event={token}"
                r"(#main-content)?$"
            )
        )
        expect_language(page, "ar", "rtl")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            in_language("ar", "Thank you for your feedback")
        )
        check("the thank-you page in Arabic")

        # The page's way to keep in touch stays in Arabic.
        keep_in_touch = page.get_by_role("main").get_by_role(
            "link", name=in_language("ar", "Keep in touch"), exact=True
        )
        expect(keep_in_touch).to_have_attribute("href", "/ar/keep-in-touch/")
        keep_in_touch.click()

        expect(page).to_have_url(f"{live_server.url}/ar/keep-in-touch/")
        expect_language(page, "ar", "rtl")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            in_language("ar", "Keep in touch")
        )
        check("keep in touch in Arabic")
        page.get_by_label(in_language("ar", "Email address")).fill("hodan@example.org")
        email_language = page.get_by_label(in_language("ar", "Language for our emails"))
        expect(email_language).to_have_value("ar")  # the page's language, to begin with
        email_language.select_option("ar")
        page.get_by_label(
            in_language(
                "ar",
                "Email me about future events and what the police did about what people said",
            )
        ).check()
        page.get_by_role("button", name=in_language("ar", "Send my details")).click()

        expect(page.get_by_role("heading", level=1)).to_have_text(
            in_language("ar", "Check your email")
        )
        expect_language(page, "ar", "rtl")
        check("check your email in Arabic")

        # The confirmation email is written in Arabic, and its link opens the Arabic page.
        assert PendingSignUp.objects.get().language == "ar"
        confirmation = OutboxMessage.objects.get(to_address="hodan@example.org")
        assert confirmation.subject == email_subject("confirm_sign_up", "ar")
        link = re.search(
            rf"{re.escape(live_server.url)}/\S*keep-in-touch/confirm/\S+/", confirmation.body_text
        ).group(0)
        assert link.startswith(f"{live_server.url}/ar/"), link
        assert link in confirmation.body_html

        page.goto(link)
        expect_language(page, "ar", "rtl")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            in_language("ar", "Check and confirm your details")
        )
        check("confirm your details in Arabic")
    finally:
        context.close()

    # The feedback is stored as written, and known to be in Arabic.
    assert release_forms_sent_so_far() == 1
    item = FeedbackItem.objects.get()
    assert item.text == ARABIC_ANSWER
    assert item.key_question == questions[0] and item.event == event
    assert item.language == "ar"
