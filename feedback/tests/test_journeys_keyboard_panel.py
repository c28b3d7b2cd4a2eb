"""The focus group by keyboard alone, on a 320 px phone: a person joins from their
invitation and a member answers a section, with Tab, the arrow keys, Space and Enter
only, the focus visible on each control as they reach it."""

import pytest
from playwright.sync_api import expect

from contacts.models import ConsentPurpose
from contacts.tests.factories import AttendeeFactory
from events.tests.helpers import SMALL_PHONE
from feedback.models import FocusGroupMember, SectionAnswer
from feedback.services import focus_group_invitation_url, focus_group_invite
from feedback.tests.factories import FocusGroupMemberFactory
from feedback.tests.findings_helpers import a_held_event_with_tagged_feedback, findings_sent_to
from feedback.tests.helpers import (
    FIRST_PASSWORD_BOX,
    a_programme_asking_the_key_questions,
    tab_until,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "kettle-harbour-lantern"


def focus_is_visible(page) -> None:
    """The focused control shows an outline or a ring, so a keyboard user can see it."""
    style = page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return {outline: style.outlineStyle, shadow: style.boxShadow};
        }"""
    )
    assert style["outline"] != "none" or style["shadow"] != "none", style


def test_joining_by_keyboard_alone(live_server, browser, coordinator):
    invited = AttendeeFactory(name="Hodan Ali", consents=[ConsentPurpose.FOCUS_GROUP])
    url = focus_group_invitation_url(focus_group_invite(attendee=invited, by=coordinator))
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]

    context = browser.new_context(viewport=SMALL_PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    tab_until(page, page.get_by_label("Username"))
    focus_is_visible(page)
    page.keyboard.press("Control+A")
    page.keyboard.type("hodan")
    tab_until(page, page.locator(FIRST_PASSWORD_BOX))
    page.keyboard.type(PASSWORD)
    tab_until(page, page.get_by_label("Password again"))
    page.keyboard.type(PASSWORD)
    agree = page.get_by_label("I have read the focus group's ground rules")
    tab_until(page, agree)
    focus_is_visible(page)
    page.keyboard.press("Space")
    expect(agree).to_be_checked()
    tab_until(page, page.get_by_role("button", name="Join the focus group"))
    focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/panel/")
    assert FocusGroupMember.objects.active().filter(user__username="hodan").exists()
    context.close()


def test_a_member_answers_a_section_by_keyboard_alone(live_server, browser, sign_in, coordinator):
    programme, questions = a_programme_asking_the_key_questions()
    programme.questions = questions
    tagged = a_held_event_with_tagged_feedback(programme)
    member = FocusGroupMemberFactory(user__username="amina")
    findings_sent_to([member], tagged=tagged, by=coordinator)

    context = browser.new_context(viewport=SMALL_PHONE)
    page = context.new_page()
    sign_in(page, "amina")
    tab_until(page, page.get_by_role("link", name="Start reading"))
    focus_is_visible(page)
    page.keyboard.press("Enter")
    tab_until(page, page.get_by_role("link", name="Read and answer").first)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Section 1 of 2")).to_be_visible()

    # Tab reaches the first choice; the arrow keys move to the next and choose it.
    tab_until(page, page.get_by_label("Accurate", exact=True))
    focus_is_visible(page)
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Partly accurate", exact=True)).to_be_checked()
    tab_until(page, page.get_by_label("Your comment"))
    page.keyboard.type("It leaves out stops near the school.")
    tab_until(page, page.get_by_role("button", name="Save my answer"))
    focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you, your answer is saved.")).to_be_visible()

    answer = SectionAnswer.objects.get()
    assert answer.verdict == SectionAnswer.Verdict.PARTLY
    assert answer.comment == "It leaves out stops near the school."
    context.close()
