"""Journeys through feedback in a real Chromium browser: a member of the public scans
the QR code and answers by keyboard on a small phone; a coordinator takes live notes
through a Wi-Fi drop, a lost answer and a reload, types in paper forms, tags from the
inbox, redacts and sets aside; a leader reads without being able to change anything.
Every page visited, error states included, is checked with axe-core against WCAG 2.2
AA."""

import gzip
import re
from datetime import timedelta
from importlib import import_module
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from engagement.tests.factories import CommunityFactory, ProgrammeFactory
from events.tests.factories import EventFactory
from feedback.models import (
    FeedbackItem,
    KeyQuestion,
    PendingSubmission,
    ProgrammeKeyQuestion,
    Submission,
    Topic,
    Workstream,
)
from feedback.services import (
    feedback_record,
    feedback_release_pending,
    feedback_stage_form,
    feedback_tag,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
SMALL_PHONE = {"width": 320, "height": 640}

# Everything a cold visit to the form behind the QR code downloads, gzip-compressed,
# must fit in this: people open it on the way home, on slow and metered phones.
PUBLIC_FORM_BUDGET_BYTES = 60 * 1024


def taxonomy():
    """The workstreams, key questions, topics and safeguarding words the migrations
    make. Transactional tests empty the database after each test, so they are made
    again here, by the migrations' own code."""
    import_module("feedback.migrations.0002_race_action_plan_taxonomy").create_taxonomy(apps, None)
    import_module("feedback.migrations.0003_starter_safeguarding_terms").add_terms(apps, None)


def programme_with_key_questions():
    taxonomy()
    programme = ProgrammeFactory(name="Race Action Plan listening events")
    questions = list(KeyQuestion.objects.order_by("workstream__position"))
    for position, question in enumerate(questions, start=1):
        ProgrammeKeyQuestion.objects.create(
            programme=programme, key_question=question, position=position
        )
    return programme, questions


def release_forms_sent_so_far() -> int:
    """Anonymous forms join the feedback once their hour is over: pretend it is."""
    return feedback_release_pending(now=timezone.now() + timedelta(hours=1))


def no_sideways_scroll(page, where: str):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{where} scrolls sideways at {viewport}px ({width}px wide)"


def wait_until(page, condition, timeout_ms: int = 5000):
    """Let the page run until the condition holds (e.g. something is in the database)."""
    for _ in range(timeout_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    pytest.fail("timed out waiting")


def tab_until(page, locator, most: int = 25):
    """Press Tab until the locator has the focus, as someone with only a keyboard."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{locator} was not reached in {most} presses of Tab")


# The anonymous form, from the QR code ------------------------------------------------


def test_someone_scans_the_qr_code_and_answers_by_keyboard_on_a_small_phone(
    live_server, browser, axe_check
):
    programme, questions = programme_with_key_questions()
    event = EventFactory(programme=programme, held=True, title="Listening event at Moss Side")
    context = browser.new_context(viewport=SMALL_PHONE)  # a new context: a cold cache
    responses, requested, scripts = [], [], []
    try:
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.on("response", lambda response: responses.append(response))
        page.on(
            "request",
            lambda request: (
                scripts.append(request.url) if request.resource_type == "script" else None
            ),
        )
        response = page.goto(f"{live_server.url}/give-feedback/{event.feedback_token}/")
        page.wait_for_load_state("networkidle")
        assert response.status == 200
        sizes = {}
        for answer in responses:
            body = answer.body() if 200 <= answer.status < 300 else b""
            sizes[answer.url] = len(gzip.compress(body, compresslevel=6))
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
        expect(page.get_by_label("Which community")).to_have_count(0)
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
        page.keyboard.press("Tab")
        expect(send).to_be_focused()
        page.keyboard.press("Enter")

        # (The browser keeps the #id_answer_… of the error link it followed.)
        expect(page).to_have_url(re.compile(r"/give-feedback/thank-you/(#id_answer_\d+)?$"))
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
    finally:
        context.close()

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
    programme, questions = programme_with_key_questions()
    event = EventFactory(programme=programme, held=True)
    context = browser.new_context(java_script_enabled=False, viewport=SMALL_PHONE)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/give-feedback/{event.feedback_token}/")
        page.get_by_label(questions[2].text).fill("Hold meetings in the evening.")
        page.get_by_role("button", name="Send my feedback").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")
    finally:
        context.close()
    assert release_forms_sent_so_far() == 1
    item = FeedbackItem.objects.get()
    assert item.text == "Hold meetings in the evening."
    assert item.key_question == questions[2] and item.source == FeedbackItem.Source.ONLINE_FORM


# Live notes through a Wi-Fi drop -----------------------------------------------------


def test_live_notes_survive_a_wifi_drop_a_lost_answer_and_a_reload(
    live_server, page, sign_in, axe_check, coordinator
):
    programme, questions = programme_with_key_questions()
    event = EventFactory(programme=programme, title="Youth forum")
    notes_path = reverse("feedback:live-notes", args=[event.pk])
    page.set_viewport_size(SMALL_PHONE)
    sign_in(page, coordinator.username)
    page.goto(f"{live_server.url}{notes_path}")

    expect(page.get_by_role("heading", level=1)).to_have_text("Live notes")
    expect(page.locator("[data-connection-status]")).to_have_text("All points are saved.")
    points = page.locator("[data-notes-list] li[data-reference]")
    point_box = page.get_by_label("Point made")
    no_sideways_scroll(page, "live notes")
    axe_check(page, "live notes, none yet")

    page.get_by_label("Question being discussed").select_option(label=questions[1].text)
    point_box.fill("Nobody came when we reported the racist graffiti.")
    point_box.press("Enter")

    expect(points.first).to_contain_text("Nobody came when we reported the racist graffiti.")
    expect(points.first).to_contain_text(questions[1].text)
    expect(page.locator("[data-connection-status]")).to_have_text("All points are saved.")
    expect(points.first.get_by_text("Waiting to send")).to_have_count(0)
    expect(point_box).to_be_focused()
    expect(point_box).to_have_value("")
    first = FeedbackItem.objects.get()
    assert first.source == FeedbackItem.Source.DISCUSSION_NOTE
    assert first.key_question == questions[1] and first.recorded_by == coordinator
    assert first.event == event

    # The Wi-Fi drops; the officer keeps typing.
    page.context.set_offline(True)
    offline_points = [
        "Young people want officers at the youth club, not only at the gates.",
        "Stop and search feels random to the lads on the estate.",
        "The 101 line takes too long to answer.",
    ]
    for text in offline_points:
        point_box.fill(text)
        point_box.press("Enter")
        expect(points.filter(has_text=text).get_by_text("Waiting to send")).to_be_visible()
    expect(page.locator("[data-connection-status]")).to_contain_text("Offline")
    expect(page.locator("[data-connection-status]")).to_contain_text("3 points waiting to send")
    expect(page.locator("[data-note-count]")).to_have_text("4")
    assert FeedbackItem.objects.count() == 1
    waiting = page.evaluate(f"() => JSON.parse(localStorage['community-voice-notes-{event.pk}'])")
    assert [note["text"] for note in waiting] == offline_points
    axe_check(page, "live notes, offline with points waiting")

    # The connection returns: each point arrives once, in the order typed.
    page.context.set_offline(False)
    expect(page.locator("[data-connection-status]")).to_have_text("All points are saved.")
    expect(page.get_by_text("Waiting to send")).to_have_count(0)
    texts = list(FeedbackItem.objects.order_by("pk").values_list("text", flat=True))
    assert texts == ["Nobody came when we reported the racist graffiti.", *offline_points]
    assert set(FeedbackItem.objects.values_list("key_question", flat=True)) == {questions[1].pk}

    # The server stores the next point but its answer is lost on the way back, so the
    # browser still holds the point and sends it again. The officer reloads the page
    # meanwhile: the point is shown once, and stored once.
    sent = []
    lose_answers = {"on": True}

    def lose_the_answer(route):
        if route.request.method != "POST":
            route.continue_()
            return
        sent.append(parse_qs(route.request.post_data)["client_reference"][0])
        answer = route.fetch()  # the server stores the point
        if lose_answers["on"]:
            route.abort("connectionreset")
        else:
            route.fulfill(response=answer)

    page.route(f"**{notes_path}", lose_the_answer)
    lost = "Please come back and tell us what you did about it."
    point_box.fill(lost)
    point_box.press("Enter")
    expect(points.filter(has_text=lost).get_by_text("Waiting to send")).to_be_visible()
    wait_until(page, lambda: FeedbackItem.objects.filter(text=lost).exists())
    page.wait_for_timeout(200)  # the lost answer reaches the browser
    expect(points.filter(has_text=lost).get_by_text("Waiting to send")).to_be_visible()
    assert FeedbackItem.objects.filter(text=lost).count() == 1

    page.reload()
    expect(points.filter(has_text=lost)).to_have_count(1)
    expect(points.filter(has_text=lost).get_by_text("Waiting to send")).to_be_visible()
    expect(points).to_have_count(5)
    expect(page.locator("[data-note-count]")).to_have_text("5")

    lose_answers["on"] = False
    expect(page.locator("[data-connection-status]")).to_have_text(
        "All points are saved.", timeout=10_000
    )
    expect(points.filter(has_text=lost).get_by_text("Waiting to send")).to_have_count(0)
    assert len(sent) >= 2 and len(set(sent)) == 1, "the same point was sent more than once"
    assert FeedbackItem.objects.filter(text=lost).count() == 1
    assert FeedbackItem.objects.count() == 5
    assert page.evaluate(f"() => localStorage['community-voice-notes-{event.pk}']") == "[]"
    page.unroute(f"**{notes_path}")

    # A fresh load lists each point exactly once.
    page.reload()
    expect(points).to_have_count(5)
    for text in [*offline_points, lost]:
        expect(points.filter(has_text=text)).to_have_count(1)
    axe_check(page, "live notes, all saved")


# Paper forms, the inbox and one item ----------------------------------------------

PAPER_FORMS = [
    {0: "Officer Jamal Reid was rude to my son at the bus station.", None: "Thank you."},
    {2: "Put meetings on the mosque noticeboard.", None: "My neighbour was threatened."},
    {1: "Racist abuse on the tram every week.", 3: "We never see officers like us."},
]


def test_coordinator_types_in_paper_forms_then_tags_redacts_and_sets_aside(
    live_server, page, sign_in, axe_check, coordinator
):
    programme, questions = programme_with_key_questions()
    event = EventFactory(programme=programme, held=True, title="Listening event at Longsight")
    page.set_viewport_size(DESKTOP)
    sign_in(page, coordinator.username)
    page.goto(f"{live_server.url}{event.get_staff_url()}")
    page.get_by_role("link", name="Type in paper forms (0 entered)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Type in paper forms")
    entered = page.locator("[data-forms-entered]")
    expect(entered).to_have_text("0 forms entered so far")
    axe_check(page, "type in paper forms")

    save = page.get_by_role("button", name="Save and next form")
    save.click()
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_role("alert").get_by_role("link")).to_have_text(
        "Write something in at least one box before you send."
    )
    assert not Submission.objects.exists()
    axe_check(page, "type in paper forms, saved empty")

    for number, answers in enumerate(PAPER_FORMS, start=1):
        for index, text in answers.items():
            label = "Anything else you want to tell us?" if index is None else questions[index].text
            page.get_by_label(label).fill(text)
        save.click()
        expect(page.locator(".messages")).to_contain_text(
            "Form saved. Here is a blank one for the next."
        )
        expect(entered).to_have_text(f"{number} form{'' if number == 1 else 's'} entered so far")
        for box in page.locator("textarea").all():
            expect(box).to_have_value("")
    axe_check(page, "type in paper forms, after saving")
    assert Submission.objects.filter(source=Submission.Source.PAPER_FORM, event=event).count() == 3
    assert FeedbackItem.objects.filter(source=FeedbackItem.Source.PAPER_FORM).count() == 6

    # Tag two items from the inbox: one ticked with the mouse, one with j and x.
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback")
    expect(page.get_by_text("6 items", exact=True)).to_be_visible()
    expect(
        page.get_by_role("status").filter(has_text="1 item may need safeguarding action.")
    ).to_be_visible()
    expect(page.get_by_label(re.compile("^Keyboard shortcuts"))).to_be_checked()
    items = page.locator("[data-inbox-item]")
    # A safeguarding flag first, then newest first.
    expect(items.locator(".inbox-text")).to_have_text(
        [
            "My neighbour was threatened.",
            "We never see officers like us.",
            "Racist abuse on the tram every week.",
            "Put meetings on the mosque noticeboard.",
            "Thank you.",
            "Officer Jamal Reid was rude to my son at the bus station.",
        ]
    )
    axe_check(page, "inbox")

    first_box = page.get_by_role("checkbox", name="Select: We never see officers like us.")
    first_box.check()
    page.keyboard.press("j")
    second_box = page.get_by_role("checkbox", name="Select: Racist abuse on the tram every week.")
    expect(second_box).to_be_focused()
    page.keyboard.press("x")
    expect(first_box).to_be_checked()
    expect(second_box).to_be_checked()
    page.keyboard.press("t")
    tagging = page.get_by_role("group", name="Tag the items you select")
    expect(tagging.get_by_label("Complaints")).to_be_focused()
    tagging.get_by_label("Hate crime").check()
    tagging.get_by_role("button", name="Tag selected items").click()

    expect(page.locator(".messages")).to_contain_text("2 items tagged.")
    for text in ("We never see officers like us.", "Racist abuse on the tram every week."):
        row = items.filter(has_text=text)
        expect(row.locator(".badge", has_text="Hate crime")).to_be_visible()
        expect(row.locator(".status-badge")).to_have_text("Tagged")
    expect(items.filter(has_text="Thank you.").locator(".status-badge")).to_have_text("New")
    hate_crime = Topic.objects.get(slug="hate-crime")
    assert set(hate_crime.feedback_items.values_list("text", flat=True)) == {
        "We never see officers like us.",
        "Racist abuse on the tram every week.",
    }
    assert set(hate_crime.feedback_items.values_list("status", flat=True)) == {"tagged"}
    axe_check(page, "inbox, after tagging")

    # A name slipped through: take it out by hand.
    named = FeedbackItem.objects.get(text__startswith="Officer Jamal Reid")
    items.filter(has_text="Officer Jamal Reid").get_by_role(
        "link", name=re.compile("^Open")
    ).click()
    expect(page).to_have_url(f"{live_server.url}/staff/feedback/{named.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback item")
    axe_check(page, "feedback item")

    redacted_box = page.get_by_label("Text with personal details taken out")
    redacted_box.fill("")
    page.get_by_role("button", name="Save the redacted text").click()
    expect(page.get_by_role("alert")).to_contain_text("The text cannot be empty.")
    axe_check(page, "feedback item, redacted to nothing")

    redacted_box.fill("Officer [name removed] was rude to my son at the bus station.")
    page.get_by_role("button", name="Save the redacted text").click()
    expect(page.locator(".messages")).to_contain_text("The text is updated. The original is kept.")
    expect(page.locator("blockquote")).to_have_text(
        "Officer [name removed] was rude to my son at the bus station."
    )
    redaction = page.get_by_role("region", name="Personal details were taken out")
    expect(redaction).to_contain_text("Officer Jamal Reid was rude")  # coordinators see it
    named.refresh_from_db()
    assert named.text == "Officer [name removed] was rude to my son at the bus station."
    assert named.original_text == "Officer Jamal Reid was rude to my son at the bus station."
    assert named.was_redacted and named.redaction_checked

    # "Thank you." says nothing to analyse: set it aside, with a reason.
    thanks = FeedbackItem.objects.get(text="Thank you.")
    page.goto(f"{live_server.url}/staff/feedback/{thanks.pk}/")
    page.get_by_role("button", name="Set aside").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why this item is set aside.")
    axe_check(page, "feedback item, set aside without a reason")
    page.get_by_label("Why is this set aside?").fill("No point made: a thank-you only.")
    page.get_by_role("button", name="Set aside").click()
    expect(page.locator(".messages")).to_contain_text("The item is set aside.")
    expect(page.get_by_text("Set aside: No point made: a thank-you only.")).to_be_visible()
    expect(page.get_by_role("button", name="Bring it back")).to_be_visible()
    thanks.refresh_from_db()
    assert thanks.status == FeedbackItem.Status.SET_ASIDE
    assert thanks.set_aside_reason == "No point made: a thank-you only."
    axe_check(page, "feedback item, set aside")

    # The flagged item: a person reads it and says so.
    flagged = FeedbackItem.objects.get(is_safeguarding_flagged=True)
    assert (
        flagged.text == "My neighbour was threatened."
        and flagged.safeguarding_terms == "threatened"
    )
    page.goto(f"{live_server.url}/staff/feedback/")
    items.filter(has_text="My neighbour was threatened.").get_by_role(
        "link", name=re.compile("^Open")
    ).click()
    expect(page.get_by_text("It uses words such as: threatened.")).to_be_visible()
    axe_check(page, "flagged feedback item")
    page.get_by_role("button", name="I have read it and dealt with it").click()
    expect(page.locator(".messages")).to_contain_text("Marked as checked.")
    expect(page.get_by_text("Someone has looked at this.")).to_be_visible()
    flagged.refresh_from_db()
    assert flagged.safeguarding_reviewed


def test_coordinator_reads_a_flagged_form_before_the_hour_on_a_small_screen(
    live_server, page, sign_in, axe_check, coordinator
):
    programme, questions = programme_with_key_questions()
    event = EventFactory(programme=programme, held=True, title="Listening event at Hulme")
    feedback_stage_form(
        answers=[(questions[1], "A man threatened my brother, call me on 07700 900123")],
        event=event,
        form_nonce="flagged",
    )
    feedback_stage_form(answers=[(None, "More patrols.")], event=event, form_nonce="plain")

    page.set_viewport_size(SMALL_PHONE)
    sign_in(page, coordinator.username)
    page.goto(f"{live_server.url}/staff/feedback/")
    arriving = page.get_by_role("region", name="Arriving on the hour")
    expect(arriving).to_be_visible()
    expect(arriving).to_contain_text("1 anonymous form on its way may need safeguarding action.")
    expect(arriving).to_contain_text(
        f"{questions[1].text}: A man threatened my brother, call me on [phone number removed]"
    )
    expect(arriving).to_contain_text("Listening event at Hulme")
    expect(arriving).not_to_contain_text("More patrols.")
    expect(page.get_by_text("0 items", exact=True)).to_be_visible()
    assert "07700 900123" not in page.content()
    no_sideways_scroll(page, "the inbox with forms arriving")
    axe_check(page, "inbox with forms arriving, at 320px")

    assert release_forms_sent_so_far() == 2
    page.reload()
    expect(page.get_by_role("region", name="Arriving on the hour")).to_have_count(0)
    expect(page.get_by_text("2 items", exact=True)).to_be_visible()
    expect(page.locator("[data-inbox-item]").first.locator(".flag-badge")).to_be_visible()


# What a leader sees ---------------------------------------------------------------


def test_leader_reads_the_inbox_an_item_and_the_analysis_but_changes_nothing(
    live_server, page, sign_in, axe_check, leader
):
    programme, questions = programme_with_key_questions()
    somali = CommunityFactory(name="Somali communities")
    roma = CommunityFactory(name="Gypsy, Roma and Traveller communities")
    event = EventFactory(programme=programme, held=True, focus_community=somali)
    hate_crime = Topic.objects.get(slug="hate-crime")
    stop_search = Topic.objects.get(slug="stop-and-search")
    protect = Workstream.objects.get(slug="protect")

    def point(text, community, topic):
        item = feedback_record(text=text, source="online_form", event=event, community=community)
        feedback_tag(items=[item], topics=[topic], workstreams=[protect])
        return item

    point("Racist abuse at the bus stop.", somali, hate_crime)
    point("Nobody followed up our hate crime report.", somali, hate_crime)
    point("Stopped and searched twice this month.", somali, stop_search)
    point("Abuse shouted at our site every weekend.", roma, hate_crime)
    phoned = feedback_record(
        text="A man threatened my brother, call me on 07700 900123",
        source="online_form",
        event=event,
        key_question=questions[1],
    )
    assert phoned.was_redacted and phoned.is_safeguarding_flagged

    page.set_viewport_size(DESKTOP)
    sign_in(page, leader.username)
    page.goto(f"{live_server.url}/staff/feedback/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback")
    expect(page.get_by_text("5 items", exact=True)).to_be_visible()
    expect(page.get_by_role("group", name="Tag the items you select")).to_have_count(0)
    expect(page.get_by_role("button", name="Tag selected items")).to_have_count(0)
    expect(page.locator("input[name=items]")).to_have_count(0)
    assert "07700 900123" not in page.content()
    axe_check(page, "inbox as a leader")

    page.get_by_role("link", name=re.compile("^Open A man threatened")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback item")
    expect(page.locator("blockquote")).to_have_text(
        "A man threatened my brother, call me on [phone number removed]"
    )
    expect(page.get_by_text("Safeguarding flag.")).to_be_visible()
    expect(page.get_by_text("Only Coordinators can see what was first written.")).to_be_visible()
    assert "07700 900123" not in page.content()
    for control in ("Save tags", "Save the redacted text", "Set aside", "The redaction is right"):
        expect(page.get_by_role("button", name=control)).to_have_count(0)
    expect(page.get_by_role("button", name="I have read it and dealt with it")).to_have_count(0)
    expect(page.get_by_role("textbox")).to_have_count(0)
    axe_check(page, "feedback item as a leader")

    page.goto(f"{live_server.url}/staff/feedback/")
    page.get_by_role("link", name="Analysis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What communities raised")

    by_community = page.get_by_role(
        "table", name="Number of feedback items by topic (rows) and community (columns)"
    )
    expect(by_community.get_by_role("rowheader")).to_have_text(["Hate crime", "Stop and search"])
    expect(by_community.get_by_role("columnheader")).to_have_text(
        ["Topic", "Gypsy, Roma and Traveller communities", "Somali communities", "Total"]
    )
    expect(by_community.get_by_role("row", name=re.compile("^Hate crime"))).to_have_text(
        re.compile(r"Hate crime\s*1\s*2\s*3")
    )
    only_one = page.get_by_role("table", name="Topics raised by only one community")
    expect(only_one.get_by_role("rowheader")).to_have_text(["Stop and search"])
    expect(only_one.get_by_role("row", name=re.compile("^Stop and search"))).to_contain_text(
        "Somali communities"
    )
    over_time = page.get_by_role(
        "table", name="Number of feedback items by topic (rows) and month (columns)"
    )
    expect(over_time.get_by_role("rowheader")).to_have_text(["Hate crime", "Stop and search"])
    axe_check(page, "analysis as a leader")

    page.set_viewport_size(SMALL_PHONE)
    no_sideways_scroll(page, "the analysis page")
    axe_check(page, "analysis at 320px")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_printable_paper_form_is_accessible_and_lists_every_question(
    live_server, page, sign_in, axe_check, coordinator
):
    from engagement.tests.factories import ProgrammeFactory
    from events.tests.factories import EventFactory
    from feedback.models import KeyQuestion, ProgrammeKeyQuestion

    programme = ProgrammeFactory()
    questions = list(KeyQuestion.objects.order_by("workstream__position"))
    for position, question in enumerate(questions):
        ProgrammeKeyQuestion.objects.create(
            programme=programme, key_question=question, position=position
        )
    event = EventFactory(programme=programme, held=True)
    sign_in(page, coordinator.username)
    page.goto(f"{live_server.url}/staff/events/{event.pk}/paper-form/")
    for question in questions:
        expect(
            page.get_by_role("heading", name=re.compile(re.escape(question.text)))
        ).to_be_visible()
    axe_check(page, "printable paper form")
