"""The anonymous feedback form in a real Chromium browser: a member of the public
scans the QR code and answers by keyboard alone on a small phone, and the form works
without JavaScript. Every page visited, error states included, is checked with
axe-core against WCAG 2.2 AA."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from events.tests.factories import EventFactory
from events.tests.helpers import SMALL_PHONE
from feedback.models import FeedbackItem, PendingSubmission, Submission
from feedback.tests.helpers import (
    a_programme_asking_the_key_questions,
    no_sideways_scroll,
    release_forms_sent_so_far,
    tab_until,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Everything a cold visit to the form behind the QR code downloads, gzip-compressed,
# must fit in this: people open it on the way home, on slow and metered phones.
PUBLIC_FORM_BUDGET_BYTES = 60 * 1024


def test_someone_scans_the_qr_code_and_answers_by_keyboard_on_a_small_phone(
    live_server, cold_visit, axe_check
):
    programme, questions = a_programme_asking_the_key_questions()
    event = EventFactory(programme=programme, held=True, title="Listening event at Moss Side")
    visit = cold_visit(
        f"{live_server.url}/give-feedback/{event.feedback_token}/", viewport=SMALL_PHONE
    )
    page, requested, scripts = visit.page, visit.requested, visit.scripts
    assert visit.response.status == 200
    sizes = visit.compressed_sizes()
    total = sum(sizes.values())

    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us what you think")
    expect(page.locator(".lead")).to_contain_text("Listening event at Moss Side")
    expect(page.get_by_text("This form is anonymous.")).to_be_visible()
    boxes = [page.get_by_label(question.text) for question in questions]
    anything_else = page.get_by_label("Anything else you want to tell us?")
    for box in [*boxes, anything_else]:
        expect(box).to_be_visible()
    # The hint is read before the box, not after typing in it.
    hint = page.get_by_text("For example hate crime, safety in your area")
    assert hint.bounding_box()["y"] < boxes[1].bounding_box()["y"]
    expect(boxes[1]).to_have_attribute("aria-describedby", re.compile(r"helptext"))
    community = page.get_by_label("Which community do you feel part of? (optional)")
    expect(community).to_have_value("")
    expect(community).to_have_attribute("aria-describedby", re.compile(r"helptext"))
    no_sideways_scroll(page, "the feedback form")
    assert page.locator("script").count() == 0
    axe_check(page, "feedback form at 320px")

    # Sent empty, by keyboard alone: Tab past the boxes to the button, then Enter.
    send = page.get_by_role("button", name="Send my feedback")
    tab_until(page, send)
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: Tell us what you think")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    link = summary.get_by_role("link")
    expect(link).to_have_text("Write something in at least one box before you send.")
    expect(link).to_have_attribute("href", f"#{boxes[0].get_attribute('id')}")
    # The problem is the whole form, not the first question: no box is marked wrong.
    expect(boxes[0]).not_to_have_attribute("aria-invalid", "true")
    assert not Submission.objects.exists() and not FeedbackItem.objects.exists()
    no_sideways_scroll(page, "the feedback form with an error")
    axe_check(page, "feedback form, sent empty, at 320px")

    # From the error summary: Tab to its link, Enter to reach the first box, then
    # type, Tab on, leave one box empty, and send with Enter. No clicks anywhere.
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(boxes[0]).to_be_focused()
    page.keyboard.type("Officers should explain why they are stopping someone.")
    page.keyboard.press("Tab")
    expect(boxes[1]).to_be_focused()
    page.keyboard.type("More patrols near the park at night.")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(anything_else).to_be_focused()
    page.keyboard.type("Please ring me back on 07700 900123 about my son.")
    # The community is left as "I would rather not say".
    page.keyboard.press("Tab")
    expect(community).to_be_focused()
    page.keyboard.press("Tab")
    expect(send).to_be_focused()
    page.keyboard.press("Enter")

    # (The browser keeps the #id_answer_… of the error link it followed.)
    expect(page).to_have_url(
        re.compile(r"/give-feedback/thank-you/\?event=[\w-]+(#id_answer_\d+)?$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")
    keep_in_touch = page.get_by_role("link", name="Keep in touch").last
    expect(keep_in_touch).to_have_attribute("href", reverse("keep-in-touch"))
    expect(
        page.get_by_text("It is a separate form, so your feedback stays anonymous")
    ).to_be_visible()
    expect(page.get_by_text("Your answers reach our team within the hour.")).to_be_visible()
    no_sideways_scroll(page, "the thank-you page")
    assert scripts == []
    axe_check(page, "thank-you page at 320px")
    tab_until(page, keep_in_touch)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Keep in touch")

    # Held until the hour is over, then stored with the other forms of that hour.
    assert PendingSubmission.objects.count() == 1 and not Submission.objects.exists()
    assert release_forms_sent_so_far() == 1
    submission = Submission.objects.get()
    assert submission.source == Submission.Source.ONLINE_FORM and submission.event == event
    stored = {
        item.key_question: item for item in FeedbackItem.objects.filter(submission=submission)
    }
    assert set(stored) == {questions[0], questions[1], None}, "the empty boxes store nothing"
    assert stored[questions[0]].text == "Officers should explain why they are stopping someone."
    assert stored[questions[1]].text == "More patrols near the park at night."
    assert stored[None].text == "Please ring me back on [phone number removed] about my son."
    for item in stored.values():
        assert item.source == FeedbackItem.Source.ONLINE_FORM
        assert item.event == event and item.community == event.focus_community
        assert item.community_source == FeedbackItem.CommunitySource.EVENT_DEFAULT
        assert item.recorded_by is None

    print(f"\nThe public feedback form, cold load: {total} bytes gzipped ({total / 1024:.1f} KiB)")
    for url, size in sizes.items():
        print(f"  {size:>7} {url}")
    assert len(sizes) >= 3, "expected the page and its stylesheets"
    assert total <= PUBLIC_FORM_BUDGET_BYTES
    ours = urlsplit(live_server.url)
    elsewhere = [url for url in requested if urlsplit(url)[:2] != ours[:2]]
    assert elsewhere == [], f"requests to another origin: {elsewhere}"


def test_the_feedback_form_works_without_javascript(live_server, browser):
    programme, questions = a_programme_asking_the_key_questions()
    event = EventFactory(programme=programme, held=True)
    context = browser.new_context(java_script_enabled=False, viewport=SMALL_PHONE)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/give-feedback/{event.feedback_token}/")
        page.get_by_label(questions[2].text).fill("Hold meetings in the evening.")
        page.get_by_label("Which community").select_option(label="Another community")
        page.get_by_role("button", name="Send my feedback").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")
    finally:
        context.close()
    assert release_forms_sent_so_far() == 1
    item = FeedbackItem.objects.get()
    assert item.text == "Hold meetings in the evening."
    assert item.key_question == questions[2] and item.source == FeedbackItem.Source.ONLINE_FORM
    assert item.community is None
    assert item.community_source == FeedbackItem.CommunitySource.ANOTHER
