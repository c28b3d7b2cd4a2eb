"""Reading feedback in a real Chromium browser: a coordinator reads a flagged form
before its hour is over on a small screen; a leader reads the inbox, an item and the
analysis without being able to change anything; the printable paper form. Every page
visited is checked with axe-core against WCAG 2.2 AA."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from engagement.tests.factories import CommunityFactory
from events.tests.factories import EventFactory
from events.tests.helpers import DESKTOP, SMALL_PHONE
from feedback.models import FeedbackItem, Topic, Workstream
from feedback.services import feedback_record, feedback_stage_form
from feedback.tests.factories import FeedbackItemFactory
from feedback.tests.helpers import (
    a_programme_asking_the_key_questions,
    no_sideways_scroll,
    release_forms_sent_so_far,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_coordinator_reads_a_flagged_form_before_the_hour_on_a_small_screen(
    live_server, page, sign_in, axe_check, coordinator
):
    programme, questions = a_programme_asking_the_key_questions()
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


def test_leader_reads_the_inbox_an_item_and_the_analysis_but_changes_nothing(
    live_server, page, sign_in, axe_check, leader
):
    programme, questions = a_programme_asking_the_key_questions()
    somali = CommunityFactory(name="Somali communities")
    roma = CommunityFactory(name="Gypsy, Roma and Traveller communities")
    event = EventFactory(programme=programme, held=True, focus_community=somali)
    hate_crime = Topic.objects.get(slug="hate-crime")
    stop_search = Topic.objects.get(slug="stop-and-search")
    protect = Workstream.objects.get(slug="protect")

    for text, community, topic in (
        ("Racist abuse at the bus stop.", somali, hate_crime),
        ("Nobody followed up our hate crime report.", somali, hate_crime),
        ("Stopped and searched twice this month.", somali, stop_search),
        ("Abuse shouted at our site every weekend.", roma, hate_crime),
    ):
        FeedbackItemFactory(
            text=text,
            source=FeedbackItem.Source.ONLINE_FORM,
            event=event,
            community=community,
            topics=[topic],
            workstreams=[protect],
        )
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


def test_the_printable_paper_form_is_accessible_and_lists_every_question(
    live_server, page, sign_in, axe_check, coordinator
):
    programme, questions = a_programme_asking_the_key_questions()
    event = EventFactory(programme=programme, held=True)
    sign_in(page, coordinator.username)
    page.goto(f"{live_server.url}{reverse('feedback:paper-form', args=[event.pk])}")
    for question in questions:
        expect(
            page.get_by_role("heading", name=re.compile(re.escape(question.text)))
        ).to_be_visible()
    axe_check(page, "printable paper form")
