"""An action from proposal to done or cannot act: who may take each step, what each step
puts on the timeline and whether the public sees it, the rules the database keeps, the
lists of overdue and public actions, and what a new action starts from."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from actions.models import Action, ActionUpdate
from actions.selectors import action_start, feedback_without_response
from actions.services import (
    ActionRefused,
    action_agree,
    action_decline,
    action_edit,
    action_post_update,
    action_propose,
    may_update,
)
from engagement.roles import Role
from feedback.models import KeyQuestion
from feedback.services import feedback_set_aside

pytestmark = pytest.mark.django_db

Status = Action.Status
Kind = ActionUpdate.Kind


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


def timeline(action) -> list[tuple]:
    """(kind, public, by) for each entry on the action's timeline, oldest first."""
    return [(update.kind, update.is_public, update.by) for update in action.updates.all()]


def propose(by, department, **fields) -> Action:
    values = {
        "title": "Stop and search refresher training",
        "you_said": "People said officers do not explain why they are stopping someone.",
        "we_did": "Every response officer will do a refresher on explaining a stop.",
        "department": department,
        "due_on": in_days(60),
        "by": by,
    }
    return action_propose(**{**values, **fields})


@pytest.fixture
def training(department_factory, action_owner):
    department = department_factory(name="Training and Learning")
    department.members.add(action_owner)
    return department


@pytest.fixture
def proposed(coordinator, training):
    return propose(coordinator, training)


@pytest.fixture
def agreed(proposed, leader):
    return action_agree(action=proposed, by=leader)


@pytest.fixture
def other_departments_owner(department_factory, user_factory):
    """An action owner, but of Custody, not of Training and Learning."""
    owner = user_factory(username="custody.owner", roles=[Role.ACTION_OWNER])
    department_factory(name="Custody").members.add(owner)
    return owner


def edit(action, by, **changes):
    """action_edit with everything as it is, except `changes`."""
    values = {
        "title": action.title,
        "you_said": action.you_said,
        "we_did": action.we_did,
        "department": action.department,
        "due_on": action.due_on,
        "owner": action.owner,
        "workstreams": list(action.workstreams.all()),
        "topics": list(action.topics.all()),
        "communities": list(action.communities.all()),
        "is_public": action.is_public,
    }
    return action_edit(action=action, by=by, **{**values, **changes})


# Proposing -----------------------------------------------------------------------------


class TestPropose:
    def test_a_new_action_waits_for_a_leader_with_an_internal_entry(self, coordinator, training):
        action = propose(coordinator, training, title="  Stop and search refresher  ")

        action.refresh_from_db()
        assert action.status == Status.PROPOSED
        assert action.title == "Stop and search refresher"
        assert action.created_by == coordinator
        assert action.agreed_at is None
        assert timeline(action) == [(Kind.PROPOSED, False, coordinator)]
        assert action not in Action.objects.public()
        assert not action.is_on_public_page

    def test_a_due_date_in_the_past_is_refused_beside_the_due_date(self, coordinator, training):
        with pytest.raises(ActionRefused) as refused:
            propose(coordinator, training, due_on=in_days(-1))

        assert refused.value.field == "due_on"
        assert "today or later" in refused.value.reason
        assert not Action.objects.exists()
        assert propose(coordinator, training, due_on=in_days(0)).due_on == in_days(0)

    def test_the_due_date_is_judged_against_the_day_given(self, coordinator, training):
        action = propose(coordinator, training, due_on=in_days(-10), today=in_days(-20))
        assert action.due_on == in_days(-10)
        with pytest.raises(ActionRefused):
            propose(coordinator, training, due_on=in_days(-10), today=in_days(-5))

    def test_an_owner_outside_the_department_is_refused_beside_the_owner(
        self, coordinator, training, action_owner, other_departments_owner
    ):
        with pytest.raises(ActionRefused) as refused:
            propose(coordinator, training, owner=other_departments_owner)

        assert refused.value.field == "owner"
        assert "is not in Training and Learning" in refused.value.reason
        assert not Action.objects.exists()
        assert propose(coordinator, training, owner=action_owner).owner == action_owner
        assert propose(coordinator, training, owner=None).owner is None

    def test_the_events_come_from_the_feedback_and_the_findings_it_answers(
        self,
        coordinator,
        training,
        event_factory,
        feedback_item_factory,
        findings_factory,
        findings_version_factory,
        findings_section_factory,
    ):
        listened = event_factory(held=True)
        first, second = feedback_item_factory.create_batch(2, event=listened)
        unplaced = feedback_item_factory(event=None)
        round_up = findings_factory(events=[event_factory(held=True), event_factory(held=True)])
        section = findings_section_factory(version=findings_version_factory(findings=round_up))
        elsewhere = event_factory(held=True)

        action = propose(coordinator, training, items=[first, second, unplaced], sections=[section])

        assert set(action.events.all()) == {listened, *round_up.events.all()}
        assert elsewhere not in action.events.all()
        assert set(action.items.all()) == {first, second, unplaced}
        assert list(action.sections.all()) == [section]
        assert list(Action.objects.for_event(listened)) == [action]

    def test_an_action_from_scratch_comes_from_no_event(self, coordinator, training):
        action = propose(coordinator, training)
        assert not action.events.exists()
        assert not action.items.exists()


# Agreeing and declining ---------------------------------------------------------------


class TestAgree:
    def test_a_leader_agrees_a_proposed_action_and_the_public_sees_it(self, proposed, leader):
        before = timezone.now()
        action_agree(action=proposed, by=leader)

        proposed.refresh_from_db()
        assert proposed.status == Status.AGREED
        assert proposed.agreed_at >= before
        assert proposed.status_changed_at == proposed.agreed_at
        assert proposed.status_order == Action.STATUS_ORDER[Status.AGREED]
        assert timeline(proposed)[-1] == (Kind.AGREED, True, leader)
        assert list(Action.objects.public()) == [proposed]

    def test_agreeing_twice_changes_nothing(self, agreed, leader, coordinator):
        agreed_at = agreed.agreed_at

        again = action_agree(action=agreed, by=coordinator)

        assert again.status == Status.AGREED
        again.refresh_from_db()
        assert again.agreed_at == agreed_at
        assert again.updates.filter(kind=Kind.AGREED).count() == 1

    @pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.DONE, Status.DECLINED])
    def test_only_a_proposed_action_can_be_agreed(self, action_factory, leader, status):
        action = action_factory(status=status)

        with pytest.raises(ActionRefused, match="Only a proposed action can be agreed"):
            action_agree(action=action, by=leader)

        action.refresh_from_db()
        assert action.status == status
        assert not action.updates.exists()

    def test_an_agreed_action_for_staff_only_stays_off_the_public_page(
        self, coordinator, training, leader
    ):
        action = propose(coordinator, training, is_public=False)
        action = action_agree(action=action, by=leader)
        assert action.status == Status.AGREED
        assert action not in Action.objects.public()


class TestDecline:
    @pytest.mark.parametrize("reason", ["", "   \n"])
    def test_declining_needs_a_reason(self, proposed, leader, reason):
        with pytest.raises(ActionRefused) as refused:
            action_decline(action=proposed, reason=reason, by=leader)

        assert refused.value.field == "reason"
        proposed.refresh_from_db()
        assert proposed.status == Status.PROPOSED

    def test_a_declined_action_keeps_the_reason_for_staff_and_never_goes_public(
        self, proposed, leader
    ):
        assert proposed.is_public
        action_decline(action=proposed, reason="  Covered by the force-wide plan.  ", by=leader)

        proposed.refresh_from_db()
        assert proposed.status == Status.DECLINED
        assert proposed.decline_reason == "Covered by the force-wide plan."
        (entry,) = proposed.updates.filter(kind=Kind.DECLINED)
        assert (entry.is_public, entry.by, entry.text) == (
            False,
            leader,
            "Covered by the force-wide plan.",
        )
        assert proposed not in Action.objects.public()
        assert not proposed.is_on_public_page
        with pytest.raises(ActionRefused):
            action_agree(action=proposed, by=leader)

    def test_declining_twice_changes_nothing(self, proposed, leader):
        action_decline(action=proposed, reason="A duplicate.", by=leader)
        action_decline(action=proposed, reason="Another reason.", by=leader)
        proposed.refresh_from_db()
        assert proposed.decline_reason == "A duplicate."
        assert proposed.updates.filter(kind=Kind.DECLINED).count() == 1

    @pytest.mark.parametrize("status", [Status.AGREED, Status.IN_PROGRESS, Status.DONE])
    def test_only_a_proposed_action_can_be_declined(self, action_factory, leader, status):
        action = action_factory(status=status)

        with pytest.raises(ActionRefused, match="Only a proposed action can be declined"):
            action_decline(action=action, reason="Too late.", by=leader)

        action.refresh_from_db()
        assert action.status == status
        assert action.decline_reason == ""


# Updates ------------------------------------------------------------------------------


class TestPostUpdate:
    def test_an_owner_of_another_department_is_refused(self, agreed, other_departments_owner):
        assert not may_update(other_departments_owner, agreed)
        with pytest.raises(ActionRefused, match="department's action owners"):
            action_post_update(
                action=agreed, by=other_departments_owner, text="Done it.", is_public=True
            )
        assert not agreed.updates.filter(kind=Kind.UPDATE).exists()

    def test_a_leader_cannot_post_updates(self, agreed, leader):
        with pytest.raises(ActionRefused):
            action_post_update(action=agreed, by=leader, text="Checked in with the team.")

    def test_the_departments_owner_and_any_coordinator_may_post(
        self, agreed, action_owner, coordinator
    ):
        assert not agreed.department.members.filter(pk=coordinator.pk).exists()
        action_post_update(action=agreed, by=action_owner, text="Trainers booked.")
        action_post_update(action=agreed, by=coordinator, text="Venue confirmed.")

        assert [(update.by, update.text) for update in agreed.updates.filter(kind=Kind.UPDATE)] == [
            (action_owner, "Trainers booked."),
            (coordinator, "Venue confirmed."),
        ]

    def test_an_owner_who_leaves_the_department_can_no_longer_post(self, agreed, action_owner):
        agreed.department.members.remove(action_owner)
        with pytest.raises(ActionRefused):
            action_post_update(action=agreed, by=action_owner, text="Still on it.")

    def test_work_moves_from_agreed_to_in_progress_to_done_each_step_public(
        self, agreed, action_owner
    ):
        agreed_at = agreed.status_changed_at

        action_post_update(action=agreed, by=action_owner, status=Status.IN_PROGRESS)
        agreed.refresh_from_db()
        assert agreed.status == Status.IN_PROGRESS
        assert agreed.status_changed_at > agreed_at
        assert agreed.status_order == Action.STATUS_ORDER[Status.IN_PROGRESS]

        action_post_update(
            action=agreed,
            by=action_owner,
            status=Status.DONE,
            text="All 240 response officers have done the refresher.",
            is_public=True,
        )
        agreed.refresh_from_db()
        assert agreed.status == Status.DONE
        assert agreed.is_finished
        assert timeline(agreed)[2:] == [
            (Kind.IN_PROGRESS, True, action_owner),
            (Kind.UPDATE, True, action_owner),
            (Kind.DONE, True, action_owner),
        ]
        assert agreed in Action.objects.public()

    def test_an_agreed_action_can_be_done_straight_away(self, agreed, action_owner):
        action_post_update(action=agreed, by=action_owner, status=Status.DONE)
        agreed.refresh_from_db()
        assert agreed.status == Status.DONE

    @pytest.mark.parametrize("finished", [Status.DONE, Status.CANNOT_ACT])
    @pytest.mark.parametrize("new", [Status.IN_PROGRESS, Status.AGREED, Status.PROPOSED])
    def test_a_finished_action_cannot_go_back(self, action_factory, coordinator, finished, new):
        action = action_factory(status=finished)

        with pytest.raises(ActionRefused) as refused:
            action_post_update(action=action, by=coordinator, status=new, text="Reopening.")

        assert refused.value.field == "status"
        action.refresh_from_db()
        assert action.status == finished
        assert not action.updates.exists()

    def test_an_in_progress_action_cannot_go_back_to_agreed(self, agreed, action_owner):
        action_post_update(action=agreed, by=action_owner, status=Status.IN_PROGRESS)
        with pytest.raises(ActionRefused) as refused:
            action_post_update(action=agreed, by=action_owner, status=Status.AGREED)
        assert refused.value.field == "status"

    def test_an_unknown_status_is_refused(self, agreed, action_owner):
        with pytest.raises(ActionRefused) as refused:
            action_post_update(action=agreed, by=action_owner, status="finished-ish")
        assert refused.value.field == "status"

    @pytest.mark.parametrize("reason", ["", "  "])
    def test_cannot_act_without_an_explanation_is_refused(self, agreed, action_owner, reason):
        with pytest.raises(ActionRefused) as refused:
            action_post_update(
                action=agreed,
                by=action_owner,
                status=Status.CANNOT_ACT,
                cannot_act_reason=reason,
                text="We looked into it.",
            )

        assert refused.value.field == "cannot_act_reason"
        agreed.refresh_from_db()
        assert agreed.status == Status.AGREED
        assert not agreed.updates.filter(kind=Kind.UPDATE).exists()

    def test_cannot_act_shows_the_honest_explanation_to_the_public(self, agreed, action_owner):
        explanation = "Street lighting belongs to the city council; we have passed it on."
        action_post_update(
            action=agreed,
            by=action_owner,
            status=Status.CANNOT_ACT,
            cannot_act_reason=f" {explanation} ",
        )

        agreed.refresh_from_db()
        assert agreed.status == Status.CANNOT_ACT
        assert agreed.cannot_act_reason == explanation
        entry = agreed.updates.get(kind=Kind.CANNOT_ACT)
        assert (entry.is_public, entry.text) == (True, explanation)
        assert agreed in Action.objects.public()

    def test_an_update_is_public_or_internal_as_chosen(self, agreed, action_owner):
        action_post_update(action=agreed, by=action_owner, text="Dates set.", is_public=True)
        action_post_update(action=agreed, by=action_owner, text="Budget code 4471.")

        updates = agreed.updates.filter(kind=Kind.UPDATE)
        assert [(update.text, update.is_public) for update in updates] == [
            ("Dates set.", True),
            ("Budget code 4471.", False),
        ]
        assert list(agreed.updates.public().filter(kind=Kind.UPDATE)) == [updates[0]]

    def test_a_text_only_update_leaves_the_status_alone(self, agreed, action_owner):
        since = agreed.status_changed_at

        action_post_update(action=agreed, by=action_owner, text="  Trainers booked.  ")

        agreed.refresh_from_db()
        assert agreed.status == Status.AGREED
        assert agreed.status_changed_at == since
        assert agreed.updates.get(kind=Kind.UPDATE).text == "Trainers booked."

    @pytest.mark.parametrize("status", ["", Status.AGREED])
    def test_an_update_with_nothing_in_it_is_refused(self, agreed, action_owner, status):
        count = agreed.updates.count()

        with pytest.raises(ActionRefused) as refused:
            action_post_update(action=agreed, by=action_owner, text="   ", status=status)

        assert refused.value.field == "text"
        assert agreed.updates.count() == count

    def test_no_updates_before_a_leader_agrees_or_after_declining(
        self, proposed, coordinator, leader
    ):
        with pytest.raises(ActionRefused, match="once a Leader has agreed"):
            action_post_update(action=proposed, by=coordinator, text="Starting early.")
        action_decline(action=proposed, reason="Not for us.", by=leader)
        with pytest.raises(ActionRefused, match="once a Leader has agreed"):
            action_post_update(action=proposed, by=coordinator, text="Anyway.")
        assert not proposed.updates.filter(kind=Kind.UPDATE).exists()


# Editing ------------------------------------------------------------------------------


class TestEdit:
    def test_a_new_due_date_is_public_and_a_new_owner_internal(
        self, agreed, coordinator, action_owner, user_factory
    ):
        action_owner.first_name, action_owner.last_name = "Priya", "Shah"
        action_owner.save()
        colleague = user_factory(first_name="Tom", last_name="Reid")
        agreed.department.members.add(colleague)
        action = edit(agreed, coordinator, owner=action_owner)
        old_due = action.due_on

        action = edit(action, coordinator, owner=colleague, due_on=in_days(90), note="Handover.")

        action.refresh_from_db()
        assert action.owner == colleague
        assert action.due_on == in_days(90)
        owner_changes = list(action.updates.filter(kind=Kind.OWNER_CHANGED))
        assert [entry.is_public for entry in owner_changes] == [False, False]
        assert "Priya Shah → Tom Reid" in owner_changes[-1].text
        assert "Handover." in owner_changes[-1].text
        due_change = action.updates.get(kind=Kind.DUE_DATE_CHANGED)
        assert due_change.is_public
        assert due_change.by == coordinator
        assert due_change.text == (
            f"Now due by {date_format(in_days(90), 'j F Y')} (was {date_format(old_due, 'j F Y')})."
        )
        # The public timeline never names the people who own the action.
        public_text = " ".join(entry.text for entry in action.updates.public())
        assert "Shah" not in public_text and "Reid" not in public_text

    def test_changing_only_the_words_is_noted_without_owner_or_due_entries(
        self, agreed, coordinator
    ):
        action = edit(agreed, coordinator, title="Explaining a stop: refresher training")

        action.refresh_from_db()
        assert action.title == "Explaining a stop: refresher training"
        kinds = [entry.kind for entry in action.updates.all()]
        assert kinds == [Kind.PROPOSED, Kind.AGREED, Kind.EDITED]

    def test_saving_with_no_change_adds_nothing_to_the_timeline(self, agreed, coordinator):
        count = agreed.updates.count()
        edit(agreed, coordinator)
        assert agreed.updates.count() == count

    def test_a_declined_action_cannot_be_edited(self, proposed, leader, coordinator):
        action_decline(action=proposed, reason="Not for us.", by=leader)

        with pytest.raises(ActionRefused, match="declined"):
            edit(proposed, coordinator, title="Try again")

        proposed.refresh_from_db()
        assert proposed.title == "Stop and search refresher training"

    def test_an_overdue_action_keeps_its_date_but_cannot_get_a_new_past_one(
        self, action_factory, training, coordinator
    ):
        overdue = action_factory(department=training, status=Status.AGREED, due_on=in_days(-10))

        edit(overdue, coordinator, we_did="Training now runs over two days.")
        overdue.refresh_from_db()
        assert overdue.we_did == "Training now runs over two days."
        assert overdue.due_on == in_days(-10)

        with pytest.raises(ActionRefused) as refused:
            edit(overdue, coordinator, due_on=in_days(-5))
        assert refused.value.field == "due_on"
        overdue.refresh_from_db()
        assert overdue.due_on == in_days(-10)
        assert not overdue.updates.filter(kind=Kind.DUE_DATE_CHANGED).exists()

    def test_an_owner_outside_the_department_is_refused(
        self, agreed, coordinator, action_owner, other_departments_owner, department_factory
    ):
        with pytest.raises(ActionRefused) as refused:
            edit(agreed, coordinator, owner=other_departments_owner)
        assert refused.value.field == "owner"

        # Moving the action to Custody keeps nobody from Training as its owner.
        with pytest.raises(ActionRefused) as refused:
            edit(
                agreed,
                coordinator,
                department=department_factory(name="Custody"),
                owner=action_owner,
            )
        assert refused.value.field == "owner"
        agreed.refresh_from_db()
        assert agreed.owner is None
        assert agreed.department.name == "Training and Learning"


# Rules the database keeps -------------------------------------------------------------


class TestConstraints:
    def test_cannot_act_needs_a_public_explanation(self, action_factory):
        with pytest.raises(IntegrityError), transaction.atomic():
            action_factory(status=Status.CANNOT_ACT, cannot_act_reason="")

        action = action_factory(status=Status.AGREED)
        with pytest.raises(IntegrityError), transaction.atomic():
            Action.objects.filter(pk=action.pk).update(status=Status.CANNOT_ACT)
        action.refresh_from_db()
        assert action.status == Status.AGREED

    def test_a_declined_action_needs_a_reason(self, action_factory):
        with pytest.raises(IntegrityError), transaction.atomic():
            action_factory(status=Status.DECLINED, decline_reason="")
        assert not Action.objects.exists()

    def test_the_status_order_follows_the_status_when_saved(self, action_factory):
        action = action_factory(status=Status.AGREED)
        action.status = Status.DONE
        action.save(update_fields=["status"])
        action.refresh_from_db()
        assert action.status_order == Action.STATUS_ORDER[Status.DONE]


# Lists ----------------------------------------------------------------------------------


class TestQuerySets:
    @pytest.fixture
    def spread(self, action_factory):
        """Actions at each status, due at different times."""
        make = action_factory
        return {
            "late in progress": make(status=Status.IN_PROGRESS, due_on=in_days(-5)),
            "late agreed": make(status=Status.AGREED, due_on=in_days(-1)),
            "due today": make(status=Status.AGREED, due_on=in_days(0)),
            "due in a fortnight": make(status=Status.IN_PROGRESS, due_on=in_days(14)),
            "due in 15 days": make(status=Status.AGREED, due_on=in_days(15)),
            "proposed long ago": make(status=Status.PROPOSED, due_on=in_days(-30)),
            "done late": make(status=Status.DONE, due_on=in_days(-20)),
            "cannot act soon": make(status=Status.CANNOT_ACT, due_on=in_days(2)),
            "declined soon": make(status=Status.DECLINED, due_on=in_days(3)),
            "internal agreed": make(status=Status.AGREED, due_on=in_days(40), is_public=False),
        }

    def test_overdue_is_agreed_or_in_progress_work_past_its_date(self, spread):
        assert set(Action.objects.overdue()) == {spread["late in progress"], spread["late agreed"]}
        assert spread["late agreed"].is_overdue()
        assert not spread["done late"].is_overdue()
        assert not spread["proposed long ago"].is_overdue()
        # Seen from a week ago, nothing was late yet.
        assert set(Action.objects.overdue(today=in_days(-7))) == set()

    def test_due_soon_is_work_due_from_today_for_two_weeks(self, spread):
        assert set(Action.objects.due_soon()) == {
            spread["due today"],
            spread["due in a fortnight"],
        }
        assert set(Action.objects.due_soon(today=in_days(1))) == {
            spread["due in a fortnight"],
            spread["due in 15 days"],
        }

    def test_overdue_first_then_soonest_due_then_finished(self, spread):
        order = list(Action.objects.overdue_first())
        names = {action.pk: name for name, action in spread.items()}
        assert [names[action.pk] for action in order] == [
            "late in progress",
            "late agreed",
            "proposed long ago",
            "due today",
            "due in a fortnight",
            "due in 15 days",
            "internal agreed",
            "done late",
            "cannot act soon",
            "declined soon",
        ]

    def test_the_public_see_agreed_work_that_is_not_internal(self, spread):
        assert set(Action.objects.public()) == {
            spread[name]
            for name in (
                "late in progress",
                "late agreed",
                "due today",
                "due in a fortnight",
                "due in 15 days",
                "done late",
                "cannot act soon",
            )
        }

    def test_open_actions_are_those_not_finished(self, spread):
        assert spread["proposed long ago"] in Action.objects.open()
        assert not set(Action.objects.open()) & {
            spread["done late"],
            spread["cannot act soon"],
            spread["declined soon"],
        }

    def test_the_latest_public_update_ignores_internal_notes_and_status_entries(
        self, action_factory, action_update_factory
    ):
        action = action_factory(status=Status.DONE)
        quiet = action_factory(status=Status.AGREED)
        now = timezone.now()

        def entry(on, text, hours_ago, **fields):
            return action_update_factory(
                action=on, text=text, at=now - timedelta(hours=hours_ago), **fields
            )

        entry(action, "Course written.", 30)
        shown = entry(action, "First course run on 4 March.", 20)
        entry(action, "Trainer off sick, one session moved.", 10, is_public=False)
        entry(action, "", 5, kind=Kind.DONE)
        entry(quiet, "Internal only.", 1, is_public=False)

        annotated = {
            row.pk: row for row in Action.objects.with_latest_public_update().order_by("pk")
        }
        assert annotated[action.pk].latest_public_text == "First course run on 4 March."
        assert annotated[action.pk].latest_public_at == shown.at
        assert annotated[quiet.pk].latest_public_text is None
        assert annotated[quiet.pk].latest_public_at is None

    def test_the_latest_public_update_is_read_in_one_query(
        self, action_factory, action_update_factory, django_assert_num_queries
    ):
        for action in action_factory.create_batch(5, status=Status.AGREED):
            action_update_factory.create_batch(2, action=action)
        with django_assert_num_queries(1):
            texts = [row.latest_public_text for row in Action.objects.with_latest_public_update()]
        assert texts == ["Training dates are booked for March."] * 5


# Feedback the action answers -----------------------------------------------------------


def test_an_action_keeps_its_feedback_when_the_item_is_set_aside_later(
    coordinator, training, feedback_item_factory
):
    item = feedback_item_factory()
    action = propose(coordinator, training, items=[item])

    feedback_set_aside(item=item, reason="Said twice on the same form.")

    assert list(action.items.all()) == [item]
    assert list(Action.objects.answering(item)) == [action]
    assert list(action.events.all()) == [item.event]


class TestActionStart:
    @pytest.fixture
    def tagged_items(self, feedback_item_factory, topic_factory, community_factory):
        question = KeyQuestion.objects.filter(workstream__slug="respect").get()
        protect = KeyQuestion.objects.filter(workstream__slug="protect").get().workstream
        stop_search = topic_factory(name="Stop and search start", slug="stop-search-start")
        complaints = topic_factory(name="Complaints start", slug="complaints-start")
        somali = community_factory(name="Somali start community")
        said_so = feedback_item_factory(
            key_question=question, topics=[stop_search], community=somali
        )
        from_the_room = feedback_item_factory(topics=[complaints], workstreams=[protect])
        return {
            "items": [said_so, from_the_room],
            "workstreams": {question.workstream, protect},
            "topics": {stop_search, complaints},
            "communities": {somali, from_the_room.event.focus_community},
        }

    def test_from_feedback_items_the_links_are_filled_in_but_not_their_words(self, tagged_items):
        items = tagged_items["items"]

        start = action_start(item_ids=[str(item.pk) for item in items])

        assert set(start.items) == set(items)
        assert start.sections == []
        assert set(start.workstreams) == tagged_items["workstreams"]
        assert set(start.topics) == tagged_items["topics"]
        assert set(start.communities) == tagged_items["communities"]
        # What people said is quoted beside the form, never copied into public words.
        assert start.you_said == ""
        initial = start.initial()
        assert set(initial["topics"]) == {topic.pk for topic in tagged_items["topics"]}
        assert set(initial["communities"]) == {
            community.pk for community in tagged_items["communities"]
        }

    def test_from_a_findings_section_its_feedback_and_summary_are_used(
        self, tagged_items, findings_section_factory, feedback_item_factory
    ):
        question = KeyQuestion.objects.filter(workstream__slug="represent").get()
        section = findings_section_factory(
            heading="Officers who look like us",
            summary="People rarely see officers from their community in senior roles.",
            key_question=question,
            items=tagged_items["items"],
        )
        extra = feedback_item_factory()

        start = action_start(section_ids=[str(section.pk)], item_ids=[str(extra.pk)])

        assert start.sections == [section]
        assert set(start.items) == {*tagged_items["items"], extra}
        assert start.you_said == section.summary
        assert set(start.workstreams) == {*tagged_items["workstreams"], question.workstream}
        assert set(start.topics) == tagged_items["topics"]
        assert tagged_items["communities"] <= set(start.communities)
        # The title is left for the Coordinator to write: a heading is often a question.
        assert "title" not in start.initial()

    def test_ids_that_are_not_ids_are_ignored(
        self, feedback_item_factory, findings_section_factory
    ):
        item = feedback_item_factory()
        findings_section_factory()
        junk = ["abc", "-1", "99999999999999999999", "", "1.5", " 1"]

        start = action_start(item_ids=[*junk, str(item.pk)], section_ids=junk)

        assert start.items == [item]
        assert start.sections == []

    def test_ids_that_match_nothing_start_an_empty_action(self):
        start = action_start(item_ids=["987654"], section_ids=["987654"])
        assert (start.items, start.sections, start.workstreams) == ([], [], [])
        assert start.initial() == {
            "you_said": "",
            "workstreams": [],
            "topics": [],
            "communities": [],
        }


def test_feedback_without_response_leaves_out_answered_set_aside_and_internal_items(
    coordinator, training, feedback_item_factory
):
    waiting = feedback_item_factory(text="Nobody has answered this yet.")
    answered = feedback_item_factory(text="An action answers this.")
    feedback_item_factory(text="A duplicate.", set_aside=True)
    feedback_item_factory(text="Sergeant to call back.", is_internal=True)
    propose(coordinator, training, items=[answered])

    assert list(feedback_without_response()) == [waiting]
