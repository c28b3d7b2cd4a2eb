"""You Said, We Did from start to finish in a real Chromium browser: a Coordinator
proposes an action from a section of shared findings about a held event; a Leader
agrees it; the department's action owner, on a 320 px phone, posts a public update and
marks it done; a visitor finds it on You Said, We Did, on its own page and on the
event's public page, none of which names a member of staff; and the contact who came
to the event, and opted in to updates, gets exactly one weekly digest that links to it.
Every page is checked with axe-core against WCAG 2.2 AA, at 320 px where a phone is
used. The owner's quick update is also made by keyboard alone."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import Action, ActionUpdate
from actions.services import action_agree, action_propose, actions_send_digests
from contacts.tests.factories import AttendanceFactory, AttendeeFactory
from engagement.tests.factories import DepartmentFactory
from engagement.tests.smtp import text_of
from events.tests.helpers import DESKTOP, SMALL_PHONE
from feedback.models import Findings
from feedback.services import findings_share
from feedback.tests.findings_helpers import a_held_event_with_tagged_feedback, agreed_findings
from feedback.tests.helpers import (
    a_programme_asking_the_key_questions,
    no_sideways_scroll,
    tab_until,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Officers explain every stop"
WE_DID = (
    "Every stop and search will be recorded on body-worn video, and officers will be "
    "trained to explain why they stop someone."
)
PUBLIC_UPDATE = "All neighbourhood officers in Moss Side finished the training in March."


# The staff header and its navigation come before the content on every staff page.
MOST_TABS = 40


def focus_is_visible(page) -> None:
    """The focused control shows an outline or a ring, so a keyboard user can see it."""
    style = page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return {outline: style.outlineStyle, shadow: style.boxShadow};
        }"""
    )
    assert style["outline"] != "none" or style["shadow"] != "none", style


def check(page, axe_check, what: str, *, phone: bool = False) -> None:
    if phone:
        no_sideways_scroll(page, what)
    axe_check(page, f"{what}{', at 320px' if phone else ''}")


@dataclass
class SharedFindings:
    event: object
    findings: Findings
    department: object


def shared_findings_about_a_held_event(coordinator, action_owner) -> SharedFindings:
    """A held, published event whose findings are agreed and shared, a contact who came
    and opted in to updates, and the department the action owner works in."""
    programme, questions = a_programme_asking_the_key_questions()
    programme.questions = questions
    tagged = a_held_event_with_tagged_feedback(programme, title="Moss Side listening event")
    came = AttendeeFactory(name="Grace Contact", email="grace@example.org", subscribed=True)
    AttendanceFactory(event=tagged.event, attendee=came)
    AttendeeFactory(email="no-consent@example.org")
    findings = agreed_findings(tagged=tagged, by=coordinator)
    findings_share(findings=findings, by=coordinator)
    department = DepartmentFactory(name="Neighbourhood Policing")
    department.members.add(action_owner)
    return SharedFindings(event=tagged.event, findings=findings, department=department)


def coordinator_proposes(browser, live_server, sign_in, axe_check, coordinator, shared) -> Action:
    staff = browser.new_context(viewport=DESKTOP)
    page = staff.new_page()
    sign_in(page, coordinator.username)
    page.goto(f"{live_server.url}/staff/findings/{shared.findings.pk}/")
    check(page, axe_check, "the shared findings")
    section = shared.findings.agreed_version.sections.order_by("position").first()
    page.get_by_role("region", name=section.heading).get_by_role(
        "link", name="Propose an action"
    ).click()

    expect(page.get_by_role("heading", name="Propose an action", level=1)).to_be_visible()
    expect(page.get_by_text(f"The findings section “{section.heading}”")).to_be_visible()
    # "You said" starts as the section's summary, which the focus group checked.
    expect(page.get_by_role("textbox", name="You said")).to_have_value(section.summary)
    check(page, axe_check, "proposing an action from a findings section")

    # Nothing said about what the force will do comes back with the reason beside it.
    page.get_by_label("Title").fill(TITLE)
    page.get_by_role("button", name="Propose the action").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("Say what the force did or will do.").first).to_be_visible()
    check(page, axe_check, "proposing an action, with problems")

    page.get_by_label("We did / we will").fill(WE_DID)
    page.get_by_label("Department").select_option(label="Neighbourhood Policing")
    page.get_by_label("Due by").fill((timezone.localdate() + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Propose the action").click()
    expect(page.get_by_text("Action proposed. A Leader will agree or decline it.")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    check(page, axe_check, "the proposed action")
    staff.close()

    action = Action.objects.get()
    assert action.status == Action.Status.PROPOSED
    # A browser sends a text box's line breaks as CRLF.
    assert action.you_said.replace("\r\n", "\n") == section.summary
    assert list(action.sections.all()) == [section]
    assert list(action.events.all()) == [shared.event]
    return action


def leader_agrees(browser, live_server, sign_in, axe_check, leader, action) -> None:
    staff = browser.new_context(viewport=DESKTOP)
    page = staff.new_page()
    sign_in(page, leader.username)
    page.get_by_role(
        "link", name="1 proposed action is waiting for you to agree or decline it"
    ).click()
    check(page, axe_check, "the proposed actions")
    page.get_by_role("link", name=TITLE).click()
    check(page, axe_check, "a proposed action, as a Leader")
    page.get_by_role("button", name="Agree the action").click()
    expect(
        page.get_by_text("Agreed. It is on You Said, We Did and the department can post updates.")
    ).to_be_visible()
    check(page, axe_check, "the agreed action")
    staff.close()
    action.refresh_from_db()
    assert action.status == Action.Status.AGREED


def owner_updates_and_finishes_on_a_phone(
    browser, live_server, sign_in, axe_check, action_owner, action
) -> None:
    phone = browser.new_context(viewport=SMALL_PHONE)
    page = phone.new_page()
    sign_in(page, action_owner.username)
    check(page, axe_check, "the action owner's overview", phone=True)
    page.get_by_role("navigation", name="Staff").get_by_role(
        "link", name="My department's actions"
    ).click()
    expect(page.get_by_role("heading", name="My department's actions")).to_be_visible()
    check(page, axe_check, "my department's actions", phone=True)

    card = page.locator(f"#action-{action.pk}")
    card.get_by_text("Post an update").click()
    check(page, axe_check, "my department's actions, the update form open", phone=True)
    card.get_by_role("textbox", name="Update").fill(PUBLIC_UPDATE)
    card.get_by_label("Show this update to the public").check()
    card.get_by_role("button", name="Post update").click()
    expect(page.get_by_text(f"Update posted on “{TITLE}”.")).to_be_visible()
    check(page, axe_check, "my department's actions after an update", phone=True)

    card = page.locator(f"#action-{action.pk}")
    card.get_by_text("Post an update").click()
    card.get_by_label("Status").select_option(label="Done")
    card.get_by_role("button", name="Post update").click()
    expect(page.get_by_text(f"Update posted on “{TITLE}”.")).to_be_visible()
    expect(card.get_by_text("Done", exact=True)).to_be_visible()
    check(page, axe_check, "my department's actions with the action done", phone=True)

    card.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    check(page, axe_check, "the done action, as its owner", phone=True)
    phone.close()

    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    assert action.updates.filter(kind=ActionUpdate.Kind.UPDATE, is_public=True).count() == 1


def visitor_sees_it(browser, live_server, axe_check, action, event, staff_names) -> None:
    visitor = browser.new_context(viewport=SMALL_PHONE)
    page = visitor.new_page()
    page.goto(f"{live_server.url}/you-said-we-did/")
    entry = page.locator(".event-card").filter(has_text=TITLE)
    expect(entry.get_by_text("Done", exact=True)).to_be_visible()
    expect(entry.get_by_text("Neighbourhood Policing")).to_be_visible()
    expect(entry.get_by_text(PUBLIC_UPDATE)).to_be_visible()
    check(page, axe_check, "You said, we did", phone=True)
    assert not any(name in page.content() for name in staff_names)

    entry.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    timeline = page.get_by_role("region", name="What has happened")
    expect(timeline.get_by_text("Agreed")).to_be_visible()
    expect(timeline.get_by_text(PUBLIC_UPDATE)).to_be_visible()
    expect(timeline.get_by_text("Done")).to_be_visible()
    check(page, axe_check, "the action's public page", phone=True)
    assert not any(name in page.content() for name in staff_names)

    page.get_by_role("link", name="Moss Side listening event").click()
    expect(page.get_by_role("heading", name="Moss Side listening event", level=1)).to_be_visible()
    told = page.get_by_role("region", name="You said, we did")
    expect(told.get_by_role("link", name=TITLE)).to_be_visible()
    check(page, axe_check, "the event's public page with its action", phone=True)
    assert page.url == f"{live_server.url}{event.get_absolute_url()}"
    visitor.close()


def test_an_action_is_proposed_agreed_done_and_told_to_the_people_who_asked(
    live_server, browser, sign_in, axe_check, coordinator, leader, action_owner, smtp_server
):
    shared = shared_findings_about_a_held_event(coordinator, action_owner)
    smtp_server.wait_for(1)
    smtp_server.clear()

    action = coordinator_proposes(browser, live_server, sign_in, axe_check, coordinator, shared)
    leader_agrees(browser, live_server, sign_in, axe_check, leader, action)
    owner_updates_and_finishes_on_a_phone(
        browser, live_server, sign_in, axe_check, action_owner, action
    )
    staff_names = [user.get_full_name() for user in (coordinator, leader, action_owner)] + [
        action_owner.username
    ]
    visitor_sees_it(browser, live_server, axe_check, action, shared.event, staff_names)

    assert smtp_server.messages == []
    assert actions_send_digests() == 1
    smtp_server.wait_for(1)
    [digest] = smtp_server.messages
    assert digest["To"] == "grace@example.org"
    assert "You said, we did: 1 update" in digest["Subject"]
    assert digest["List-Unsubscribe"]
    body = text_of(digest)
    assert TITLE in body
    assert "Done" in body
    assert f"/you-said-we-did/{action.pk}/" in body
    assert not any(name in body for name in staff_names)
    # The same week again sends nothing more.
    assert actions_send_digests() == 0
    assert len(smtp_server.messages) == 1


def test_an_owner_posts_a_public_update_on_a_phone_by_keyboard_alone(
    live_server, browser, sign_in, coordinator, leader, action_owner
):
    department = DepartmentFactory(name="Neighbourhood Policing")
    department.members.add(action_owner)
    action = action_propose(
        title=TITLE,
        you_said="Officers should say why they stop someone.",
        we_did=WE_DID,
        department=department,
        due_on=timezone.localdate() + timedelta(days=30),
        by=coordinator,
    )
    action_agree(action=action, by=leader)

    context = browser.new_context(viewport=SMALL_PHONE)
    page = context.new_page()
    sign_in(page, action_owner.username)
    page.goto(f"{live_server.url}/staff/actions/mine/")
    card = page.locator(f"#action-{action.pk}")

    # The update form is folded away; Enter on its summary opens it.
    summary = card.locator("summary")
    tab_until(page, summary, MOST_TABS)
    focus_is_visible(page)
    page.keyboard.press("Enter")
    update = card.get_by_role("textbox", name="Update")
    expect(update).to_be_visible()
    tab_until(page, update, MOST_TABS)
    focus_is_visible(page)
    page.keyboard.type(PUBLIC_UPDATE)
    public = card.get_by_label("Show this update to the public")
    tab_until(page, public, MOST_TABS)
    focus_is_visible(page)
    page.keyboard.press("Space")
    expect(public).to_be_checked()
    post = card.get_by_role("button", name="Post update")
    tab_until(page, post, MOST_TABS)
    focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Update posted on “{TITLE}”.")).to_be_visible()
    assert page.url.endswith(f"/staff/actions/mine/#action-{action.pk}")

    update = action.updates.get(kind=ActionUpdate.Kind.UPDATE)
    assert update.text == PUBLIC_UPDATE
    assert update.is_public
    assert update.by == action_owner
    context.close()
