"""Safeguarding flags by hand in a real Chromium browser, on a 320 px screen: a
coordinator reads a point the list of words missed, flags it with a note, finds it at
the top of the inbox, then removes the flag, first forgetting the reason. Every page
visited, error states included, is checked with axe-core against WCAG 2.2 AA."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from contacts.models import OutboxMessage
from events.tests.factories import EventFactory
from events.tests.helpers import SMALL_PHONE
from feedback.models import FeedbackItem, SafeguardingFlagChange
from feedback.services import feedback_record
from feedback.tests.helpers import (
    DUTY_INBOX,
    a_programme_asking_the_key_questions,
    no_sideways_scroll,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MISSED = "My niece has not been at school for weeks and her new friends are much older."


def test_coordinator_flags_what_the_words_missed_then_removes_the_flag_with_a_reason(
    live_server, page, sign_in, axe_check, coordinator, settings
):
    settings.SAFEGUARDING_EMAIL = DUTY_INBOX
    programme, questions = a_programme_asking_the_key_questions()
    event = EventFactory(programme=programme, held=True, title="Listening event at Hulme")
    feedback_record(text="More patrols near the park, please.", source="online_form", event=event)
    item = feedback_record(
        text=MISSED, source="online_form", event=event, key_question=questions[1]
    )
    assert not item.is_safeguarding_flagged
    item_url = f"{live_server.url}{reverse('feedback:item', args=[item.pk])}"

    page.set_viewport_size(SMALL_PHONE)
    sign_in(page, coordinator.username)
    page.goto(f"{live_server.url}{reverse('feedback:inbox')}")
    expect(page.get_by_text("may need safeguarding action")).to_have_count(0)
    page.locator("[data-inbox-item]").filter(has_text=MISSED).get_by_role(
        "link", name=re.compile("^Open")
    ).click()
    expect(page).to_have_url(item_url)

    safeguarding = page.get_by_role("region", name="Safeguarding")
    expect(safeguarding).to_be_visible()
    expect(safeguarding.get_by_role("heading", name="History of the flag")).to_have_count(0)
    expect(safeguarding.get_by_role("button", name="Remove the flag")).to_have_count(0)
    no_sideways_scroll(page, "a feedback item with no flag")
    axe_check(page, "feedback item with no flag, at 320px")

    # Flag it, saying why.
    safeguarding.get_by_label("What made you flag it? (optional)").fill(
        "She may be being groomed by older men."
    )
    safeguarding.get_by_role("button", name="Flag for safeguarding").click()
    expect(page).to_have_url(item_url)
    expect(page.locator(".messages")).to_contain_text(
        "The item is flagged for safeguarding, and the duty inbox is told."
    )
    banner = page.locator(".alert-danger").filter(has_text="Safeguarding flag.")
    expect(banner).to_contain_text("Coordinator Tester flagged it by hand.")
    expect(banner.get_by_role("button", name="I have read it and dealt with it")).to_be_visible()
    history = safeguarding.locator("li")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Flagged by hand by Coordinator Tester")
    expect(history.first).to_contain_text("Why: She may be being groomed by older men.")
    expect(safeguarding.get_by_role("button", name="Flag for safeguarding")).to_have_count(0)
    no_sideways_scroll(page, "a feedback item flagged by hand")
    axe_check(page, "feedback item flagged by hand, at 320px")

    alert = OutboxMessage.objects.get(to_address=DUTY_INBOX)
    assert reverse("feedback:item", args=[item.pk]) in alert.body_text
    assert "groomed" not in alert.body_text and "niece" not in alert.body_text

    # It is now at the top of the inbox and counted as needing action.
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Feedback").click()
    expect(
        page.get_by_role("status").filter(has_text="1 item may need safeguarding action.")
    ).to_be_visible()
    first = page.locator("[data-inbox-item]").first
    expect(first.locator(".inbox-text")).to_have_text(MISSED)
    expect(first.locator(".flag-badge")).to_be_visible()
    no_sideways_scroll(page, "the inbox with a flag by hand")
    axe_check(page, "inbox with a flag by hand, at 320px")

    # Later, the school says she is safe: remove the flag, first with no reason.
    page.goto(item_url)
    reason = safeguarding.get_by_label("Why remove the flag?")
    safeguarding.get_by_role("button", name="Remove the flag").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_contain_text("Say why the flag can be removed.")
    expect(page.locator("#div_id_unflag-reason")).to_contain_text(
        "Say why the flag can be removed."
    )
    expect(reason).to_have_attribute("aria-invalid", "true")
    no_sideways_scroll(page, "removing a flag with no reason")
    axe_check(page, "feedback item, flag removed with no reason, at 320px")
    item.refresh_from_db()
    assert item.is_safeguarding_flagged

    summary.get_by_role("link").click()
    expect(reason).to_be_focused()
    reason.fill("Spoke to the school: she is safe and back in lessons.")
    safeguarding.get_by_role("button", name="Remove the flag").click()
    expect(page).to_have_url(item_url)
    expect(page.locator(".messages")).to_contain_text(
        "The flag is removed. The reason is kept in the history."
    )
    expect(page.locator(".alert-danger").filter(has_text="Safeguarding flag.")).to_have_count(0)
    expect(history).to_have_count(2)
    expect(history.nth(1)).to_contain_text("Flag removed by Coordinator Tester")
    expect(history.nth(1)).to_contain_text(
        "Reason: Spoke to the school: she is safe and back in lessons."
    )
    expect(safeguarding.get_by_role("button", name="Flag for safeguarding")).to_be_visible()
    no_sideways_scroll(page, "a feedback item whose flag was removed")
    axe_check(page, "feedback item, flag removed, at 320px")

    item.refresh_from_db()
    assert not item.is_safeguarding_flagged
    assert list(
        SafeguardingFlagChange.objects.order_by("at").values_list("flagged", "reason", "by")
    ) == [
        (True, "She may be being groomed by older men.", coordinator.pk),
        (False, "Spoke to the school: she is safe and back in lessons.", coordinator.pk),
    ]
    assert FeedbackItem.objects.flagged().count() == 0
