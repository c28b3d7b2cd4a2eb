"""Joining and leaving the focus group in a real Chromium browser on a 320 px phone: a
Coordinator invites a contact who said they would like to join, the invitation arrives
by email through a real SMTP server, the person makes an account and lands on their
focus group page, says they can come to a meeting, steps down, and is refused the
panel from then on. Every page is checked with axe-core against WCAG 2.2 AA."""

import pytest
from playwright.sync_api import expect

from contacts.models import ConsentPurpose
from contacts.tests.factories import AttendeeFactory
from engagement.roles import Role
from events.tests.helpers import SMALL_PHONE
from feedback.models import FocusGroupMember, MeetingReply
from feedback.tests.factories import FocusGroupMeetingFactory
from feedback.tests.helpers import (
    FIRST_PASSWORD_BOX,
    fill_in_the_join_form,
    join_path_from,
    no_sideways_scroll,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "kettle-harbour-lantern"


def check(page, axe_check, what: str) -> None:
    no_sideways_scroll(page, what)
    axe_check(page, f"{what}, at 320px")


def test_a_contact_is_invited_joins_replies_to_a_meeting_and_steps_down(
    live_server, browser, sign_in, axe_check, coordinator, smtp_server
):
    AttendeeFactory(
        name="Abdi Farah", email="abdi@example.org", consents=[ConsentPurpose.FOCUS_GROUP]
    )
    AttendeeFactory(name="Only Updates", subscribed=True)
    meeting = FocusGroupMeetingFactory(agenda="Welcome\nHow the sense-check works")
    held = FocusGroupMeetingFactory(held=True)

    # The Coordinator, on a phone.
    staff = browser.new_context(viewport=SMALL_PHONE)
    page = staff.new_page()
    sign_in(page, coordinator.username)
    page.goto(f"{live_server.url}/staff/focus-group/")
    expect(page.get_by_role("heading", name="Focus group", exact=True)).to_be_visible()
    check(page, axe_check, "the focus group page")
    page.goto(f"{live_server.url}/staff/focus-group/meetings/{held.pk}/attendance/")
    check(page, axe_check, "recording who came to a meeting")
    page.goto(f"{live_server.url}/staff/focus-group/")
    page.get_by_role("link", name="Invite a contact").click()
    expect(page.get_by_text("Only Updates")).to_have_count(0)
    check(page, axe_check, "the list of contacts to invite")
    page.get_by_role("button", name="Invite Abdi Farah").click()
    expect(page.get_by_text("An invitation is on its way to Abdi Farah")).to_be_visible()
    check(page, axe_check, "the list after inviting")
    staff.close()

    # The invitation, as it arrives.
    (email,) = smtp_server.wait_for(1)
    assert email["To"] == "abdi@example.org"
    join_path = join_path_from(email)

    # Abdi, on his own phone.
    phone = browser.new_context(viewport=SMALL_PHONE)
    page = phone.new_page()
    page.goto(f"{live_server.url}{join_path}")
    expect(page.get_by_role("heading", name="Welcome, Abdi")).to_be_visible()
    check(page, axe_check, "the invitation page")
    fill_in_the_join_form(page, username="abdi.f", password="short", agree=False)
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("This password is too short.").first).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("abdi.f")
    expect(page.locator(FIRST_PASSWORD_BOX)).to_have_value("")
    check(page, axe_check, "the invitation page with problems")

    fill_in_the_join_form(page, username="abdi.f", password=PASSWORD)
    page.wait_for_url(f"{live_server.url}/panel/")
    expect(page.get_by_text("Welcome to the focus group.")).to_be_visible()
    expect(page.get_by_text("How the sense-check works")).to_be_visible()
    check(page, axe_check, "the focus group page of a new member")
    member = FocusGroupMember.objects.get(user__username="abdi.f")

    page.get_by_role("button", name="I can come").click()
    expect(page.get_by_text("You said you can come.")).to_be_visible()
    assert MeetingReply.objects.get(meeting=meeting, member=member).can_come
    check(page, axe_check, "the focus group page after replying")

    page.get_by_role("link", name="Step down from the focus group").click()
    check(page, axe_check, "stepping down")
    page.get_by_role("button", name="Step down now").click()
    expect(
        page.get_by_role("heading", name="Thank you for being in the focus group")
    ).to_be_visible()
    check(page, axe_check, "the thank-you page")

    # Refused from now on: signed out, and signing in again opens nothing.
    page.goto(f"{live_server.url}/panel/")
    page.wait_for_url("**/accounts/login/**")
    sign_in(page, "abdi.f", PASSWORD)
    response = page.goto(f"{live_server.url}/panel/")
    assert response.status == 403
    member.refresh_from_db()
    assert member.ended_at is not None
    assert Role.FOCUS_GROUP_MEMBER not in member.user.groups.values_list("name", flat=True)

    # The invitation cannot be used again.
    response = page.goto(f"{live_server.url}{join_path}")
    assert response.status == 410
    expect(page.get_by_role("heading", name="This invitation has been used")).to_be_visible()
    check(page, axe_check, "a used invitation")
    phone.close()
