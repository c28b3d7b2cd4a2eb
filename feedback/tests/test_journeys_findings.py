"""Findings from start to finish in a real Chromium browser: a contact who said they
would like to join the focus group is invited, and accepts on her phone from the emailed
link; a Coordinator drafts findings from an event's tagged feedback and sends them to
two members; each answers on a 320 px phone; the Coordinator reads the answers side by
side, amends a section because of one, compares the versions, agrees and shares; the
contact who came gets exactly one email, through a real SMTP server, and the findings
are on the public event page. Every page is checked with axe-core against WCAG 2.2 AA."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contacts.models import ConsentPurpose
from contacts.tests.factories import AttendanceFactory, AttendeeFactory
from events.tests.helpers import DESKTOP, SMALL_PHONE
from feedback.models import Findings, FocusGroupMember, SectionAnswer
from feedback.tests.factories import FocusGroupMemberFactory
from feedback.tests.findings_helpers import a_held_event_with_tagged_feedback
from feedback.tests.helpers import (
    a_programme_asking_the_key_questions,
    fill_in_the_join_form,
    join_path_from,
    no_sideways_scroll,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AMINAS_PASSWORD = "harbour-kettle-lantern"


def check(page, axe_check, what: str, *, phone: bool = False) -> None:
    if phone:
        no_sideways_scroll(page, what)
    axe_check(page, f"{what}{', at 320px' if phone else ''}")


def invite_and_join(browser, live_server, sign_in, axe_check, coordinator, smtp_server):
    """A Coordinator invites Amina, who ticked "I would like to join the focus group";
    she accepts from the emailed link on her phone and chooses a password."""
    AttendeeFactory(
        name="Amina Yusuf", email="amina@example.org", consents=[ConsentPurpose.FOCUS_GROUP]
    )
    staff = browser.new_context(viewport=DESKTOP)
    page = staff.new_page()
    sign_in(page, coordinator.username)
    page.goto(f"{live_server.url}/staff/focus-group/")
    page.get_by_role("link", name="Invite a contact").click()
    page.get_by_role("button", name="Invite Amina Yusuf").click()
    expect(page.get_by_text("An invitation is on its way to Amina Yusuf")).to_be_visible()
    check(page, axe_check, "inviting a contact to the focus group")
    staff.close()

    (invitation,) = smtp_server.wait_for(1)
    assert invitation["To"] == "amina@example.org"
    join_path = join_path_from(invitation)

    phone = browser.new_context(viewport=SMALL_PHONE)
    page = phone.new_page()
    page.goto(f"{live_server.url}{join_path}")
    expect(page.get_by_role("heading", name="Welcome, Amina")).to_be_visible()
    check(page, axe_check, "accepting the invitation", phone=True)
    fill_in_the_join_form(page, username="amina", password=AMINAS_PASSWORD)
    page.wait_for_url(f"{live_server.url}/panel/")
    expect(page.get_by_text("Welcome to the focus group.")).to_be_visible()
    phone.close()
    return FocusGroupMember.objects.get(user__username="amina")


def member_answers(browser, live_server, sign_in, axe_check, member, answers, password=None):
    """A member signs in on a phone and answers each section in turn: `answers` is a
    list of (verdict label, comment), one per section."""
    context = browser.new_context(viewport=SMALL_PHONE)
    page = context.new_page()
    if password:
        sign_in(page, member.user.username, password)
    else:
        sign_in(page, member.user.username)
    expect(page.get_by_role("heading", name="Findings to check")).to_be_visible()
    check(page, axe_check, "the member's page with findings to check", phone=True)
    page.get_by_role("link", name="Start reading").click()
    expect(page.get_by_text("You have answered 0 of 2 sections.")).to_be_visible()
    check(page, axe_check, "the findings to check", phone=True)
    page.get_by_role("link", name="Read and answer").first.click()
    for number, (verdict, comment) in enumerate(answers, start=1):
        expect(page.get_by_text(f"Section {number} of 2")).to_be_visible()
        check(page, axe_check, f"section {number} to answer", phone=True)
        if number == 1 and verdict != "Accurate":
            # Not accurate without saying why comes back with the reason beside the box.
            page.get_by_label(verdict, exact=True).check()
            page.get_by_role("button", name="Save my answer").click()
            expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
            check(page, axe_check, "an answer with a problem", phone=True)
        page.get_by_label(verdict, exact=True).check()
        page.get_by_label("Your comment").fill(comment)
        page.get_by_role("button", name="Save my answer").click()
        expect(page.get_by_text("Thank you, your answer is saved.")).to_be_visible()
    expect(page.get_by_text("You have answered 2 of 2 sections.")).to_be_visible()
    check(page, axe_check, "the findings, all answered", phone=True)
    context.close()


def test_findings_are_drafted_checked_amended_agreed_and_shared(
    live_server, browser, sign_in, axe_check, coordinator, smtp_server
):
    programme, questions = a_programme_asking_the_key_questions()
    programme.questions = questions
    tagged = a_held_event_with_tagged_feedback(programme, title="Moss Side listening event")
    came = AttendeeFactory(name="Grace Contact", email="grace@example.org", subscribed=True)
    AttendanceFactory(event=tagged.event, attendee=came)
    AttendeeFactory(email="no-consent@example.org")
    amina = invite_and_join(browser, live_server, sign_in, axe_check, coordinator, smtp_server)
    tariq = FocusGroupMemberFactory(user__username="tariq", user__first_name="Tariq")
    FocusGroupMemberFactory(user__username="not-asked")

    # The Coordinator drafts the findings from the event hub and sends them.
    staff = browser.new_context(viewport=DESKTOP)
    page = staff.new_page()
    sign_in(page, coordinator.username)
    page.goto(f"{live_server.url}{tagged.event.get_staff_url()}")
    page.get_by_role("button", name="Draft findings from this event's feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What we heard at Moss Side listening event"
    )
    expect(page.get_by_text("Explain why you stop someone.")).to_be_hidden()
    page.get_by_text("It rests on 3 points").click()
    expect(page.get_by_text("“Explain why you stop someone.”")).to_be_visible()
    expect(page.get_by_text(tagged.flagged.text)).to_have_count(0)
    expect(page.get_by_text(tagged.internal.text)).to_have_count(0)
    check(page, axe_check, "the draft findings")

    page.get_by_role("link", name="Edit the title and overview").click()
    check(page, axe_check, "the title and overview")
    page.get_by_label("Overview (optional)").fill("People spoke most about stop and search.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("People spoke most about stop and search.")).to_be_visible()
    check(page, axe_check, "the findings with an overview")

    page.get_by_role("link", name="Send to the focus group").click()
    check(page, axe_check, "sending to the focus group")
    page.get_by_label("Only the members I choose").check()
    page.get_by_role("button", name="Send").click()
    expect(
        page.get_by_text("Choose at least one member, or send it to everyone.", exact=True)
    ).to_be_visible()
    check(page, axe_check, "sending with problems")
    page.get_by_label("Amina", exact=False).check()
    page.get_by_label("Tariq", exact=False).check()
    page.get_by_label("Answer by").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Version 1 is sent. 2 members are emailed a link")).to_be_visible()
    staff.close()

    # Each member answers on their phone.
    member_answers(
        browser,
        live_server,
        sign_in,
        axe_check,
        amina,
        [("Accurate", ""), ("Accurate", "")],
        password=AMINAS_PASSWORD,
    )
    member_answers(
        browser,
        live_server,
        sign_in,
        axe_check,
        tariq,
        [("Partly accurate", "It leaves out being stopped near school."), ("Accurate", "")],
    )
    assert SectionAnswer.objects.count() == 4

    # The Coordinator reads the answers side by side, amends, compares, agrees, shares.
    staff = browser.new_context(viewport=DESKTOP)
    page = staff.new_page()
    sign_in(page, coordinator.username)
    findings = Findings.objects.get()
    page.goto(f"{live_server.url}/staff/findings/{findings.pk}/answers/")
    first_section = page.get_by_role("region", name=questions[0].text)
    expect(first_section.get_by_text("It leaves out being stopped near school.")).to_be_visible()
    expect(first_section.get_by_text("Accurate: 1 · Partly accurate: 1")).to_be_visible()
    check(page, axe_check, "the answers side by side")
    first_section.get_by_role("link", name="Amend this section").click()
    check(page, axe_check, "amending a section")
    page.get_by_label("Summary").fill(
        "People want officers to explain every stop, near schools too."
    )
    page.get_by_label("Tariq", exact=False).check()
    page.get_by_label("What changed and why (optional)").fill("Added stops near schools.")
    page.get_by_role("button", name="Save the section").click()
    expect(page.get_by_text("Saved as version 2.")).to_be_visible()
    expect(page.get_by_text("Added stops near schools.")).to_be_visible()
    check(page, axe_check, "the findings with their record after amending")

    page.get_by_role("link", name="Compare versions").click()
    expect(page.locator("ins").filter(has_text="schools")).to_have_count(1)
    check(page, axe_check, "comparing versions 1 and 2")
    page.get_by_role("link", name=findings.title).click()

    page.get_by_role("button", name="Mark version 2 agreed").click()
    expect(page.get_by_text("Version 2 is agreed.")).to_be_visible()
    check(page, axe_check, "agreed findings")
    page.get_by_role("button", name="Share the findings").click()
    expect(page.get_by_text("1 contact is being emailed them.")).to_be_visible()
    check(page, axe_check, "shared findings")
    staff.close()

    # The contact who came gets exactly one email; the findings are on the public page.
    # The invitation, two requests to check, two thank-yous and Grace's email.
    smtp_server.wait_for(6)
    to_grace = smtp_server.messages_to("grace@example.org")
    assert len(to_grace) == 1
    assert "What we heard" in to_grace[0]["Subject"]
    assert smtp_server.messages_to("no-consent@example.org") == []

    visitor = browser.new_context(viewport=SMALL_PHONE)
    page = visitor.new_page()
    page.goto(f"{live_server.url}{tagged.event.get_absolute_url()}")
    expect(page.get_by_role("heading", name="What we heard")).to_be_visible()
    expect(page.get_by_text("People want officers to explain every stop")).to_be_visible()
    check(page, axe_check, "the public event page with findings", phone=True)
    visitor.close()
