"""Capturing and handling feedback in a real Chromium browser: a coordinator takes
live notes through a Wi-Fi drop, a lost answer and a reload; types in paper forms;
tags from the inbox; redacts, sets aside and reviews a flag on the item page. Every
page visited, error states included, is checked with axe-core against WCAG 2.2 AA."""

import re
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from events.tests.factories import EventFactory
from events.tests.helpers import DESKTOP, SMALL_PHONE
from feedback.models import FeedbackItem, Submission, Topic
from feedback.tests.helpers import (
    a_programme_asking_the_key_questions,
    no_sideways_scroll,
    wait_until,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_live_notes_survive_a_wifi_drop_a_lost_answer_and_a_reload(
    live_server, page, sign_in, axe_check, coordinator
):
    programme, questions = a_programme_asking_the_key_questions()
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


PAPER_FORMS = [
    {0: "The tall officer, Reidy, was rude to my son at the bus station.", None: "Thank you."},
    {2: "Put meetings on the mosque noticeboard.", None: "My neighbour was threatened."},
    {
        1: "Rude comments about our headscarves on the tram every week.",
        3: "We never see officers like us.",
    },
]


def test_coordinator_types_in_paper_forms_then_tags_redacts_and_sets_aside(
    live_server, page, sign_in, axe_check, coordinator
):
    programme, questions = a_programme_asking_the_key_questions()
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
            "Rude comments about our headscarves on the tram every week.",
            "Put meetings on the mosque noticeboard.",
            "Thank you.",
            "The tall officer, Reidy, was rude to my son at the bus station.",
        ]
    )
    axe_check(page, "inbox")

    first_box = page.get_by_role("checkbox", name="Select: We never see officers like us.")
    first_box.check()
    page.keyboard.press("j")
    second_box = page.get_by_role(
        "checkbox", name="Select: Rude comments about our headscarves on the tram every week."
    )
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
    for text in (
        "We never see officers like us.",
        "Rude comments about our headscarves on the tram every week.",
    ):
        row = items.filter(has_text=text)
        expect(row.locator(".badge", has_text="Hate crime")).to_be_visible()
        expect(row.locator(".status-badge")).to_have_text("Tagged")
    expect(items.filter(has_text="Thank you.").locator(".status-badge")).to_have_text("New")
    hate_crime = Topic.objects.get(slug="hate-crime")
    assert set(hate_crime.feedback_items.values_list("text", flat=True)) == {
        "We never see officers like us.",
        "Rude comments about our headscarves on the tram every week.",
    }
    assert set(hate_crime.feedback_items.values_list("status", flat=True)) == {"tagged"}
    axe_check(page, "inbox, after tagging")

    # A nickname no list can know slipped through: take it out by hand.
    named = FeedbackItem.objects.get(text__startswith="The tall officer, Reidy")
    items.filter(has_text="The tall officer, Reidy").get_by_role(
        "link", name=re.compile("^Open")
    ).click()
    item_url = f"{live_server.url}{reverse('feedback:item', args=[named.pk])}"
    expect(page).to_have_url(item_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback item")
    axe_check(page, "feedback item")

    redacted_box = page.get_by_label("Text with personal details taken out")
    redacted_box.fill("")
    page.get_by_role("button", name="Save the redacted text").click()
    expect(page.get_by_role("alert")).to_contain_text("The text cannot be empty.")
    expect(page.locator("#div_id_text")).to_contain_text("The text cannot be empty.")
    expect(redacted_box).to_have_attribute("aria-invalid", "true")
    axe_check(page, "feedback item, redacted to nothing")

    redacted_box.fill("The tall officer, [name removed], was rude to my son at the bus station.")
    page.get_by_role("button", name="Save the redacted text").click()
    expect(page.locator(".messages")).to_contain_text("The text is updated. The original is kept.")
    expect(page).to_have_url(item_url)
    expect(page.locator("blockquote")).to_have_text(
        "The tall officer, [name removed], was rude to my son at the bus station."
    )
    redaction = page.get_by_role("region", name="Personal details were taken out")
    expect(redaction).to_contain_text("The tall officer, Reidy, was rude")  # coordinators see it
    named.refresh_from_db()
    assert named.text == "The tall officer, [name removed], was rude to my son at the bus station."
    assert named.original_text == "The tall officer, Reidy, was rude to my son at the bus station."
    assert named.was_redacted and named.redaction_checked

    # "Thank you." says nothing to analyse: set it aside, with a reason.
    thanks = FeedbackItem.objects.get(text="Thank you.")
    page.goto(f"{live_server.url}{reverse('feedback:item', args=[thanks.pk])}")
    page.get_by_role("button", name="Set aside").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why this item is set aside.")
    axe_check(page, "feedback item, set aside without a reason")
    page.get_by_label("Why is this set aside?").fill("No point made")
    page.get_by_role("button", name="Set aside").click()
    expect(page.locator(".messages")).to_contain_text("The item is set aside.")
    # Set aside too soon: bring it back and say more.
    page.get_by_role("button", name="Bring it back").click()
    expect(page.locator(".messages")).to_contain_text("The item is back in the feedback.")
    thanks.refresh_from_db()
    assert thanks.status == FeedbackItem.Status.NEW
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
    page.goto(f"{live_server.url}{reverse('feedback:inbox')}")
    items.filter(has_text="My neighbour was threatened.").get_by_role(
        "link", name=re.compile("^Open")
    ).click()
    expect(page.get_by_text("Flagged for: threatened.")).to_be_visible()
    axe_check(page, "flagged feedback item")
    page.get_by_role("button", name="I have read it and dealt with it").click()
    expect(page.locator(".messages")).to_contain_text("Marked as checked.")
    expect(page.get_by_text("Someone has looked at this.")).to_be_visible()
    flagged.refresh_from_db()
    assert flagged.safeguarding_reviewed
