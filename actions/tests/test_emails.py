"""The two weekly emails about actions. The digest goes, at most once a week, to
contacts who opted in to updates and came to an event an action came from or follow
one of its communities, listing the public actions agreed, done or marked cannot act
since the last digest; consent is asked again when it is sent. The reminder goes to
each department's action owners, listing what is overdue and due soon."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from actions.models import Action, ActionUpdate, DigestRun
from actions.services import (
    action_agree,
    action_decline,
    action_post_update,
    action_propose,
    actions_send_digests,
    actions_send_owner_reminders,
    week_of,
)
from actions.tasks import send_owner_reminders, send_update_digests
from contacts.models import ConsentPurpose, ConsentRecord, OutboxMessage
from contacts.services.consent import consent_withdraw
from contacts.services.records import attendee_erase
from contacts.tests.factories import AttendanceFactory, AttendeeFactory
from engagement.roles import Role
from feedback.tests.factories import FeedbackItemFactory

pytestmark = pytest.mark.django_db

Status = Action.Status
LONDON = ZoneInfo("Europe/London")
# The digest and the reminders go out on Monday mornings.
MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=LONDON)
LAST_WEEK = MONDAY - timedelta(days=7)
STAFF_NAMES = ("Bartholomew", "Quigley", "Tester")


def digests():
    return OutboxMessage.objects.filter(dedupe_key__startswith="actions-digest:")


def html_of(email) -> str:
    (html, _mimetype), *_others = email.alternatives
    return html


@pytest.fixture
def owner(user_factory):
    return user_factory(
        username="b.quigley",
        first_name="Bartholomew",
        last_name="Quigley",
        roles=[Role.ACTION_OWNER],
    )


@pytest.fixture
def training(department_factory, owner):
    department = department_factory(name="Training and Learning")
    department.members.add(owner)
    return department


@pytest.fixture
def event(event_factory, community_factory):
    return event_factory(
        held=True,
        title="Somali community listening event",
        focus_community=community_factory(name="Somali communities"),
    )


@pytest.fixture
def came(event):
    """A contact who came to the event and opted in to updates."""
    attendee = AttendeeFactory(name="Hodan Ali", email="hodan@example.org", subscribed=True)
    AttendanceFactory(event=event, attendee=attendee)
    return attendee


@pytest.fixture
def story(coordinator, leader, owner, training):
    """Make an action, take it to `status` through the services, and date every entry
    on its timeline `when`."""

    def tell(title, *, when, event=None, status=Status.AGREED, **fields):
        items = [FeedbackItemFactory(event=event)] if event else []
        action = action_propose(
            title=title,
            you_said=f"People told us: {title.lower()}.",
            we_did=f"We will act on {title.lower()}.",
            department=training,
            owner=owner,
            due_on=timezone.localdate() + timedelta(days=60),
            by=coordinator,
            items=items,
            **fields,
        )
        if status == Status.DECLINED:
            action_decline(action=action, reason="Covered by another action.", by=leader)
        elif status != Status.PROPOSED:
            action_agree(action=action, by=leader)
        if status in (Status.IN_PROGRESS, Status.DONE):
            action_post_update(action=action, by=owner, status=Status.IN_PROGRESS)
        if status == Status.DONE:
            action_post_update(action=action, by=owner, status=Status.DONE)
        if status == Status.CANNOT_ACT:
            action_post_update(
                action=action,
                by=owner,
                status=Status.CANNOT_ACT,
                cannot_act_reason="Bus shelters belong to the transport authority.",
            )
        ActionUpdate.objects.filter(action=action).update(at=when)
        action.refresh_from_db()
        return action

    return tell


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run the digest as the weekly job does, and send what it queued."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return actions_send_digests(now=now)

    return run


# Who gets the digest -------------------------------------------------------------------


def test_a_contact_who_came_gets_one_email_listing_what_changed_that_week(
    story, event, came, send, mailoutbox
):
    agreed = story("Stop and search refresher", event=event, when=MONDAY - timedelta(days=2))
    done = story(
        "Leaflets in Somali", event=event, status=Status.DONE, when=MONDAY - timedelta(days=6)
    )
    before = story("Older action", event=event, when=MONDAY - timedelta(days=8))

    assert send(MONDAY) == 1

    (email,) = mailoutbox
    assert email.to == ["hodan@example.org"]
    assert "2 updates" in email.subject
    assert "Hello Hodan Ali," in email.body
    assert f"Stop and search refresher – Agreed\n{agreed.we_did}" in email.body
    assert f"Leaflets in Somali – Done\n{done.we_did}" in email.body
    assert before.title not in email.body
    assert agreed.title in html_of(email) and done.title in html_of(email)
    assert digests().get().consent_purpose == ConsentPurpose.EMAIL_UPDATES
    run = DigestRun.objects.get()
    assert (run.week, run.covered_from, run.covered_until) == ("2026-W11", LAST_WEEK, MONDAY)
    assert run.emails_queued == 1


def test_cannot_act_is_told_with_its_explanation(story, event, came, send, mailoutbox):
    story("Shelter lighting", event=event, status=Status.CANNOT_ACT, when=MONDAY)

    send(MONDAY)

    (email,) = mailoutbox
    assert "Shelter lighting – Cannot act" in email.body
    assert "Bus shelters belong to the transport authority." in email.body
    assert "We will act on shelter lighting." not in email.body


def test_a_contact_following_one_of_the_actions_communities_gets_it_too(
    story, community_factory, send, mailoutbox
):
    young = community_factory(name="Young people (16–24)")
    follows = AttendeeFactory(subscribed=True, shares_demographics=True, communities=[young])
    # Nothing to a contact whose community is kept without consent to keep it, nor to
    # followers of another community.
    AttendeeFactory(subscribed=True, communities=[young])
    AttendeeFactory(subscribed=True, shares_demographics=True, communities=[community_factory()])
    action = story("Youth panel on stop and search", communities=[young], when=MONDAY)
    assert not action.events.exists()

    assert send(MONDAY) == 1

    assert [email.to for email in mailoutbox] == [[follows.email]]
    assert action.title in mailoutbox[0].body


def test_a_contact_following_the_events_community_gets_it(story, event, send, mailoutbox):
    follows = AttendeeFactory(
        subscribed=True, shares_demographics=True, communities=[event.focus_community]
    )
    story("Interpreters at the front desk", event=event, when=MONDAY)

    send(MONDAY)

    assert [email.to for email in mailoutbox] == [[follows.email]]


def test_nobody_without_a_live_consent_to_updates_is_emailed(story, event, send, mailoutbox):
    for attendee in (
        AttendeeFactory(),
        AttendeeFactory(consents=[ConsentPurpose.DEMOGRAPHIC_DATA]),
        AttendeeFactory(awaiting=[ConsentPurpose.EMAIL_UPDATES]),
        AttendeeFactory(subscribed=True, updates_consent__withdrawn=True),
        AttendeeFactory(subscribed=True, email=""),
    ):
        AttendanceFactory(event=event, attendee=attendee)
    story("Stop and search refresher", event=event, when=MONDAY)

    assert send(MONDAY) == 0
    assert not digests().exists()
    assert mailoutbox == []


def test_a_contact_who_came_to_another_event_is_not_told(
    story, event, event_factory, send, mailoutbox
):
    elsewhere = AttendeeFactory(subscribed=True)
    AttendanceFactory(event=event_factory(held=True), attendee=elsewhere)
    story("Stop and search refresher", event=event, when=MONDAY)

    assert send(MONDAY) == 0
    assert mailoutbox == []


def test_nothing_is_sent_when_nothing_changed(story, event, came, send, mailoutbox):
    story("Agreed long ago", event=event, when=MONDAY - timedelta(days=30))
    # Updates and new due dates are not what the digest is about.
    action = story("In hand", event=event, when=MONDAY - timedelta(days=30))
    ActionUpdate.objects.create(
        action=action, kind=ActionUpdate.Kind.UPDATE, text="On track.", is_public=True, at=MONDAY
    )

    assert send(MONDAY) == 0

    assert mailoutbox == []
    assert not digests().exists()
    run = DigestRun.objects.get()
    assert run.emails_queued == 0


def test_internal_proposed_and_declined_actions_are_never_listed(
    story, event, came, send, mailoutbox
):
    story("Shown to the public", event=event, when=MONDAY)
    story("Staff only", event=event, is_public=False, when=MONDAY)
    story("Still proposed", event=event, status=Status.PROPOSED, when=MONDAY)
    story("Declined", event=event, status=Status.DECLINED, when=MONDAY)
    made_internal = story("Made internal later", event=event, status=Status.DONE, when=MONDAY)
    Action.objects.filter(pk=made_internal.pk).update(is_public=False)

    send(MONDAY)

    (email,) = mailoutbox
    assert "Shown to the public" in email.body
    for hidden in ("Staff only", "Still proposed", "Declined", "Made internal later"):
        assert hidden not in email.body
        assert hidden not in html_of(email)
    assert "1 update" in email.subject


def test_a_second_run_in_the_week_sends_nothing_and_later_changes_wait_for_next_week(
    story, event, came, send, mailoutbox
):
    first = story("Stop and search refresher", event=event, when=MONDAY - timedelta(days=1))
    assert send(MONDAY) == 1

    later = story("Leaflets in Somali", event=event, when=MONDAY + timedelta(hours=1))
    assert send(MONDAY + timedelta(hours=2)) == 0
    assert len(mailoutbox) == 1
    assert DigestRun.objects.count() == 1

    assert send(MONDAY + timedelta(days=7)) == 1

    assert len(mailoutbox) == 2
    next_week = mailoutbox[1]
    assert later.title in next_week.body
    assert first.title not in next_week.body
    run = DigestRun.objects.get(week=week_of(MONDAY + timedelta(days=7)))
    assert run.covered_from == MONDAY


def test_a_missed_week_is_covered_by_the_next_digest(story, event, came, send, mailoutbox):
    send(LAST_WEEK - timedelta(days=7))
    missed = story("Custody interpreters", event=event, when=LAST_WEEK - timedelta(days=2))

    send(MONDAY)

    (email,) = mailoutbox
    assert missed.title in email.body


def test_withdrawing_consent_after_the_digest_was_queued_stops_it(
    story, event, came, django_capture_on_commit_callbacks, mailoutbox
):
    stays = AttendeeFactory(subscribed=True)
    AttendanceFactory(event=event, attendee=stays)
    story("Stop and search refresher", event=event, when=MONDAY)
    with django_capture_on_commit_callbacks() as callbacks:
        assert actions_send_digests(now=MONDAY) == 2

    consent_withdraw(
        attendee=came,
        purpose=ConsentPurpose.EMAIL_UPDATES,
        method=ConsentRecord.WithdrawalMethod.ONE_CLICK,
    )
    for callback in callbacks:
        callback()

    assert [email.to for email in mailoutbox] == [[stays.email]]
    message = digests().get(attendee=came)
    assert message.status == OutboxMessage.Status.CANCELLED
    assert message.sent_at is None


def test_erasing_a_contact_cancels_their_queued_digest(
    story, event, came, django_capture_on_commit_callbacks, mailoutbox
):
    story("Stop and search refresher", event=event, when=MONDAY)
    with django_capture_on_commit_callbacks() as callbacks:
        actions_send_digests(now=MONDAY)
    message = digests().get()
    assert "Stop and search refresher" in message.body_text

    attendee_erase(attendee=came)
    for callback in callbacks:
        callback()

    assert mailoutbox == []
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.CANCELLED
    assert message.body_text == ""
    assert message.to_address != "hodan@example.org"


def test_the_digest_has_unsubscribe_headers_and_public_links_and_no_staff_names(
    story, event, came, send, mailoutbox
):
    action = story("Stop and search refresher", event=event, when=MONDAY)
    cannot = story("Shelter lighting", event=event, status=Status.CANNOT_ACT, when=MONDAY)
    ActionUpdate.objects.create(
        action=action, kind=ActionUpdate.Kind.UPDATE, text="Bartholomew is on it.", at=MONDAY
    )

    send(MONDAY)

    (email,) = mailoutbox
    unsubscribe = f"{settings.SITE_URL}/unsubscribe/{came.token}/"
    assert email.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = html_of(email)
    for body in (email.body, html):
        assert f"{settings.SITE_URL}/you-said-we-did/" in body
        assert f"{settings.SITE_URL}{action.get_public_url()}" in body
        assert f"{settings.SITE_URL}{cannot.get_public_url()}" in body
        assert unsubscribe in body
        for name in STAFF_NAMES:
            assert name not in body
    assert all(name not in email.subject for name in STAFF_NAMES)
    assert action.get_public_url() == f"/you-said-we-did/{action.pk}/"


# Reminders to action owners ------------------------------------------------------------


@pytest.fixture
def departments(department_factory, user_factory):
    """Training and Learning and Custody, with Tom in both, and Neighbourhood Policing,
    whose only open action is not due for weeks."""

    def person(username, first_name, **fields):
        return user_factory(
            username=username, first_name=first_name, roles=[Role.ACTION_OWNER], **fields
        )

    people = {
        "priya": person("priya", "Priya"),
        "tom": person("tom", "Tom"),
        "sam": person("sam", "Sam"),
        "nina": person("nina", "Nina"),
        "gone": person("gone", "Gone", is_active=False),
        "no email": person("noemail", "Nomail", email=""),
    }
    training = department_factory(name="Training and Learning")
    training.members.add(people["priya"], people["tom"], people["gone"], people["no email"])
    custody = department_factory(name="Custody")
    custody.members.add(people["tom"], people["sam"])
    neighbourhoods = department_factory(name="Neighbourhood Policing")
    neighbourhoods.members.add(people["nina"])
    return {
        "people": people,
        "training": training,
        "custody": custody,
        "neighbourhoods": neighbourhoods,
    }


@pytest.fixture
def waiting(departments, action_factory):
    today = MONDAY.date()
    training, custody = departments["training"], departments["custody"]
    neighbourhoods = departments["neighbourhoods"]

    def make(title, department, status, days):
        return action_factory(
            title=title, department=department, status=status, due_on=today + timedelta(days)
        )

    return {
        "late training": make("Cultural awareness refresher", training, Status.AGREED, -3),
        "soon training": make("Interpreter booking guide", training, Status.IN_PROGRESS, 10),
        "late custody": make("Custody leaflets in Somali", custody, Status.IN_PROGRESS, -1),
        "not yet": make("Mentoring scheme", training, Status.AGREED, 30),
        "done": make("Body camera guidance", training, Status.DONE, -30),
        "proposed": make("Proposed and late", training, Status.PROPOSED, -2),
        "declined": make("Declined and late", custody, Status.DECLINED, -2),
        "cannot act": make("Council lighting", neighbourhoods, Status.CANNOT_ACT, -5),
        "weeks away": make("Youth club visits", neighbourhoods, Status.AGREED, 40),
    }


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return actions_send_owner_reminders(now=now)

    return run


def test_each_owner_gets_one_reminder_of_their_departments_overdue_and_due_soon_actions(
    departments, waiting, remind, mailoutbox
):
    assert remind(MONDAY) == 3

    emails = {email.to[0]: email for email in mailoutbox}
    assert len(mailoutbox) == 3
    assert set(emails) == {
        "priya@example.police.uk",
        "tom@example.police.uk",
        "sam@example.police.uk",
    }
    tom = emails["tom@example.police.uk"]
    assert tom.subject == "2 actions overdue – Community Voice"
    overdue, due_soon = tom.body.split("Due in the next two weeks")
    assert overdue.index("Cultural awareness refresher (Training and Learning)") < overdue.index(
        "Custody leaflets in Somali (Custody)"
    )
    assert "Interpreter booking guide (Training and Learning), due 19 March 2026" in due_soon
    assert f"{settings.SITE_URL}/staff/actions/mine/" in tom.body
    assert f"{settings.SITE_URL}{waiting['late custody'].get_absolute_url()}" in tom.body
    assert "Hello Tom," in tom.body

    priya = emails["priya@example.police.uk"]
    assert priya.subject == "1 action overdue – Community Voice"
    assert "Custody leaflets" not in priya.body
    assert "Interpreter booking guide" in priya.body
    sam = emails["sam@example.police.uk"]
    assert "Custody leaflets in Somali" in sam.body
    assert "Training and Learning" not in sam.body

    for email in mailoutbox:
        for never in ("Mentoring scheme", "Body camera", "Proposed and late", "Declined"):
            assert never not in email.body
            assert never not in html_of(email)


def test_an_owner_with_only_actions_due_soon_is_told_what_is_due(
    departments, action_factory, remind, mailoutbox
):
    action_factory(
        title="Interpreter booking guide",
        department=departments["custody"],
        status=Status.AGREED,
        due_on=MONDAY.date(),
    )

    remind(MONDAY)

    assert {email.to[0] for email in mailoutbox} == {
        "tom@example.police.uk",
        "sam@example.police.uk",
    }
    assert all(email.subject == "1 action due soon – Community Voice" for email in mailoutbox)
    assert all("Overdue" not in email.body for email in mailoutbox)


def test_nobody_is_reminded_when_nothing_is_due(departments, waiting, remind, mailoutbox):
    Action.objects.exclude(pk=waiting["weeks away"].pk).delete()

    assert remind(MONDAY) == 0
    assert mailoutbox == []


def test_a_second_run_in_the_same_week_sends_no_more_reminders(
    departments, waiting, remind, mailoutbox
):
    remind(MONDAY)
    queued = OutboxMessage.objects.count()

    assert remind(MONDAY + timedelta(days=2)) == 0

    assert OutboxMessage.objects.count() == queued
    assert len(mailoutbox) == 3
    assert remind(MONDAY + timedelta(days=7)) == 3
    assert len(mailoutbox) == 6


def test_reminders_skip_inactive_accounts_and_people_without_an_address(
    departments, waiting, remind, mailoutbox
):
    remind(MONDAY)

    addresses = {address for email in mailoutbox for address in email.to}
    assert "gone@example.police.uk" not in addresses
    assert "" not in addresses
    assert not OutboxMessage.objects.filter(to_address="").exists()
    assert len(addresses) == 3


# The weekly jobs -----------------------------------------------------------------------


def test_the_weekly_jobs_send_the_digest_and_the_reminders(
    coordinator, leader, training, event, came, django_capture_on_commit_callbacks, mailoutbox
):
    action = action_propose(
        title="Stop and search refresher",
        you_said="Explain why you stop someone.",
        we_did="Refresher training for response officers.",
        department=training,
        due_on=timezone.localdate() + timedelta(days=3),
        by=coordinator,
        items=[FeedbackItemFactory(event=event)],
    )
    action_agree(action=action, by=leader)

    with django_capture_on_commit_callbacks(execute=True):
        assert send_update_digests.delay().get() == 1
        assert send_owner_reminders.delay().get() == 1

    assert sorted(address for email in mailoutbox for address in email.to) == [
        "b.quigley@example.police.uk",
        "hodan@example.org",
    ]
