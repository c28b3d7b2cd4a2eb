"""The actions pages on the staff site: proposing an action from scratch, from one
feedback item, from a findings section or from feedback ticked in the inbox; a mistake
coming back beside its field with what was typed; agreeing, declining and updating;
the action owners' page; and who may do what. An action owner reaches only their own
departments' actions and never reads feedback."""

import html
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionUpdate
from actions.tests.factories import ActionFactory, ActionUpdateFactory
from actions.tests.test_public import many_actions
from engagement.models import Community
from engagement.roles import Role
from engagement.tests.factories import CommunityFactory, DepartmentFactory, UserFactory
from feedback.models import FeedbackItem, KeyQuestion, Topic, Workstream
from feedback.tests.factories import (
    FeedbackItemFactory,
    FindingsFactory,
    FindingsSectionFactory,
    FindingsVersionFactory,
)

pytestmark = pytest.mark.django_db

HUGE_ID = "99999999999999999999"


# What a page shows ---------------------------------------------------------------------


class _Forms(HTMLParser):
    """The values each form on a page would send, as a browser fills them in: ticked
    boxes, chosen options, typed text."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "form":
            self._form = {}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind not in ("checkbox", "radio") or "checked" in attributes:
                self._form.setdefault(name, []).append(attributes.get("value") or "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self._form.setdefault(self._select, []).append(attributes.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._form.setdefault(name, []).append("")

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline that starts a textarea's text.
            text = self._form[self._textarea][-1]
            self._form[self._textarea][-1] = text.removeprefix("\n")
            self._textarea = None


def form_with(page: str, field: str) -> dict[str, list[str]]:
    """The values the first form with this field would send."""
    reader = _Forms()
    reader.feed(page)
    return next(form for form in reader.forms if field in form)


def error_beside(page: str, field_id: str) -> str:
    """The message shown beside a field, or "" if there is none."""
    found = re.search(rf'<div id="{re.escape(field_id)}_error"[^>]*>(.*?)</div>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>|\s+", " ", found[1])).strip() if found else ""


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


# Who is who ---------------------------------------------------------------------------


@pytest.fixture
def signed_in():
    """A client of its own for each person: `signed_in(user)`."""

    def client_for(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return client_for


@pytest.fixture
def training(action_owner):
    """The department the Action owner role's account belongs to."""
    department = DepartmentFactory(name="Training and Learning")
    department.members.add(action_owner)
    return department


@pytest.fixture
def custody():
    """Another department, with an action owner of its own."""
    department = DepartmentFactory(name="Custody")
    department.members.add(
        UserFactory(
            username="custody-owner",
            first_name="Cara",
            last_name="Custodian",
            roles=[Role.ACTION_OWNER],
        )
    )
    return department


@pytest.fixture
def coordinator_client(signed_in, coordinator):
    return signed_in(coordinator)


@pytest.fixture
def leader_client(signed_in, leader):
    return signed_in(leader)


@pytest.fixture
def owner_client(signed_in, action_owner, training):
    return signed_in(action_owner)


def proposal(department, **changes) -> dict:
    """What a Coordinator types to propose an action."""
    data = {
        "title": "Explain every stop and search",
        "you_said": "People told us officers rarely say why they stop someone.",
        "we_did": "Officers will be retrained to explain the grounds for every stop.",
        "department": department.pk,
        "owner": "",
        "due_on": in_days(60).isoformat(),
        "is_public": "on",
    }
    data.update(changes)
    return data


NEW = reverse("actions:new")


# Proposing ------------------------------------------------------------------------------


def test_a_coordinator_proposes_an_action_from_scratch(
    coordinator_client, coordinator, action_owner, training
):
    form = page_of(coordinator_client.get(NEW))
    for field in ("title", "you_said", "we_did", "department", "owner", "due_on"):
        assert f'name="{field}"' in form
    assert "Owner Tester (Training and Learning)" in form
    stop_search = Topic.objects.get(slug="stop-and-search")
    respect = Workstream.objects.get(slug="respect")
    community = Community.objects.create(name="Somali community")

    response = coordinator_client.post(
        NEW,
        proposal(
            training,
            owner=action_owner.pk,
            workstreams=[respect.pk],
            topics=[stop_search.pk],
            communities=[community.pk],
        ),
    )

    action = Action.objects.get()
    assert response.status_code == 302
    assert response.url == action.get_absolute_url()
    assert action.status == Action.Status.PROPOSED
    assert (action.department, action.owner, action.created_by) == (
        training,
        action_owner,
        coordinator,
    )
    assert list(action.workstreams.all()) == [respect]
    assert list(action.topics.all()) == [stop_search]
    assert list(action.communities.all()) == [community]
    assert list(action.updates.values_list("kind", flat=True)) == [ActionUpdate.Kind.PROPOSED]
    page = page_of(coordinator_client.get(response.url))
    assert "Action proposed. A Leader will agree or decline it." in page
    assert "Explain every stop and search" in page
    assert "Would be due" in page
    assert "Agree the action" not in page


def test_a_new_action_from_one_feedback_item_shows_it_and_links_it(coordinator_client, training):
    stop_search = Topic.objects.get(slug="stop-and-search")
    respect = Workstream.objects.get(slug="respect")
    item = FeedbackItemFactory(
        text="Nobody told me why I was searched.", topics=[stop_search], workstreams=[respect]
    )

    page = page_of(coordinator_client.get(NEW, {"item": item.pk}))

    assert "Nobody told me why I was searched." in page
    form = form_with(page, "title")
    assert form["item"] == [str(item.pk)]
    assert form["topics"] == [str(stop_search.pk)]
    assert form["workstreams"] == [str(respect.pk)]
    assert form["communities"] == [str(item.event.focus_community_id)]
    # "You said" is public: the Coordinator writes it in their own words.
    assert form["you_said"] == [""]

    response = coordinator_client.post(NEW, {**proposal(training), "item": item.pk})

    action = Action.objects.get()
    assert response.url == action.get_absolute_url()
    assert list(action.items.all()) == [item]
    assert list(action.events.all()) == [item.event]


def test_a_new_action_from_a_findings_section_starts_from_its_summary(coordinator_client, training):
    question = KeyQuestion.objects.get(workstream__slug="respect")
    items = FeedbackItemFactory.create_batch(2)
    findings = FindingsFactory(events=[items[0].event])
    section = FindingsSectionFactory(
        version=FindingsVersionFactory(findings=findings),
        key_question=question,
        heading="Explain why you stop someone",
        summary="People want officers to give the reason for a stop.",
        items=items,
    )

    page = page_of(coordinator_client.get(NEW, {"section": section.pk}))

    assert "Explain why you stop someone" in page
    form = form_with(page, "title")
    # The title is the Coordinator's own words, not the section's heading.
    assert form["title"] == [""]
    assert form["you_said"] == ["People want officers to give the reason for a stop."]
    assert form["section"] == [str(section.pk)]
    assert form["workstreams"] == [str(question.workstream_id)]

    response = coordinator_client.post(
        NEW,
        {
            **proposal(training, title="Explain every stop", you_said=form["you_said"][0]),
            "section": section.pk,
        },
    )

    action = Action.objects.get()
    assert response.url == action.get_absolute_url()
    assert list(action.sections.all()) == [section]
    assert set(action.items.all()) == set(items)
    assert items[0].event in action.events.all()


def test_a_new_action_from_feedback_ticked_in_the_inbox(coordinator_client, training):
    stop_search = Topic.objects.get(slug="stop-and-search")
    ticked = [
        FeedbackItemFactory(text="Say why you stopped me.", topics=[stop_search]),
        FeedbackItemFactory(text="I was searched twice in a week."),
    ]
    FeedbackItemFactory(text="Not ticked.")
    inbox = page_of(coordinator_client.get(reverse("feedback:inbox")))
    assert "Propose an action from selected items" in inbox
    assert f'formaction="{NEW}"' in inbox

    started = page_of(
        coordinator_client.post(NEW, {"start": "inbox", "items": [item.pk for item in ticked]})
    )

    assert Action.objects.count() == 0
    assert "There is a problem" not in started
    assert "2 feedback items" in started
    assert "Say why you stopped me." in started and "Not ticked." not in started
    form = form_with(started, "title")
    assert sorted(form["item"]) == sorted(str(item.pk) for item in ticked)
    assert form["topics"] == [str(stop_search.pk)]

    response = coordinator_client.post(NEW, {**proposal(training), "item": form["item"]})

    action = Action.objects.get()
    assert response.url == action.get_absolute_url()
    assert set(action.items.all()) == set(ticked)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"due_on": in_days(-1).isoformat()}, "due_on", "The due date must be today or later."),
        ({"due_on": "31/02/2027"}, "due_on", "Enter a real date"),
        ({"title": ""}, "title", "Give the action a short title."),
        ({"title": "Explain\x00 stops"}, "title", "Null characters are not allowed."),
        ({"you_said": "They\x00 said"}, "you_said", "Null characters are not allowed."),
        ({"we_did": "We\x00 did"}, "we_did", "Null characters are not allowed."),
        ({"department": HUGE_ID}, "department", "Choose a department from the list."),
        ({"owner": HUGE_ID}, "owner", "Choose an owner from the list."),
        ({"workstreams": [HUGE_ID]}, "workstreams", "Choose workstreams from the list."),
        ({"topics": [HUGE_ID]}, "topics", "Choose topics from the list."),
        ({"communities": [HUGE_ID]}, "communities", "Choose communities from the list."),
    ],
    ids=lambda value: value if isinstance(value, str) and value.isidentifier() else None,
)
def test_a_mistake_in_a_proposal_is_shown_beside_its_field_with_what_was_typed(
    coordinator_client, training, changes, field, message
):
    CommunityFactory(name="Somali communities")
    data = {**proposal(training, item=HUGE_ID, section=HUGE_ID), **changes}

    page = page_of(coordinator_client.post(NEW, data))

    assert message in error_beside(page, f"id_{field}")
    assert "There is a problem" in page
    assert Action.objects.count() == 0
    form = form_with(page, "title")
    for kept in ("you_said", "we_did"):
        if kept != field:
            assert form[kept] == [data[kept]]
    if field != "title":
        assert form["title"] == [data["title"]]


def test_an_owner_outside_the_department_is_refused_beside_the_owner(
    coordinator_client, training, custody
):
    someone_in_custody = custody.members.get()

    page = page_of(coordinator_client.post(NEW, proposal(training, owner=someone_in_custody.pk)))

    assert "Cara Custodian is not in Training and Learning" in error_beside(page, "id_owner")
    assert form_with(page, "title")["owner"] == [str(someone_in_custody.pk)]
    assert Action.objects.count() == 0


# Changing -------------------------------------------------------------------------------


def test_a_coordinator_changes_an_action_and_the_timeline_keeps_what_changed(
    coordinator_client, action_owner, training, custody
):
    action = ActionFactory(title="Old title", status=Action.Status.AGREED, department=training)
    edit = reverse("actions:edit", args=[action.pk])
    form = form_with(page_of(coordinator_client.get(edit)), "title")
    assert form["title"] == ["Old title"]
    assert form["department"] == [str(training.pk)]

    response = coordinator_client.post(
        edit,
        proposal(
            training,
            title="New title",
            owner=action_owner.pk,
            due_on=in_days(90).isoformat(),
            note="The course moved to the spring.",
        ),
    )

    assert response.url == action.get_absolute_url()
    action.refresh_from_db()
    assert (action.title, action.owner, action.due_on) == ("New title", action_owner, in_days(90))
    kinds = dict(action.updates.values_list("kind", "is_public"))
    assert kinds == {
        ActionUpdate.Kind.OWNER_CHANGED: False,
        ActionUpdate.Kind.DUE_DATE_CHANGED: True,
        ActionUpdate.Kind.EDITED: False,
    }


def test_an_overdue_action_can_be_changed_without_moving_its_due_date(coordinator_client):
    late = in_days(-10)
    action = ActionFactory(status=Action.Status.AGREED, due_on=late)

    response = coordinator_client.post(
        reverse("actions:edit", args=[action.pk]),
        proposal(action.department, title="Clearer title", due_on=late.isoformat()),
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.due_on) == ("Clearer title", late)


def test_changing_an_action_keeps_a_retired_topic_and_an_unapproved_community(
    coordinator_client,
):
    retired = Topic.objects.create(name="Horse patrols", slug="horse-patrols", is_active=False)
    proposed = Community.objects.create(name="Kurdish communities", is_approved=False)
    action = ActionFactory(status=Action.Status.AGREED, topics=[retired], communities=[proposed])
    edit = reverse("actions:edit", args=[action.pk])
    form = form_with(page_of(coordinator_client.get(edit)), "title")
    assert form["topics"] == [str(retired.pk)]
    assert form["communities"] == [str(proposed.pk)]

    response = coordinator_client.post(
        edit,
        proposal(
            action.department,
            title="Clearer title",
            topics=[retired.pk],
            communities=[proposed.pk],
        ),
    )

    assert response.status_code == 302
    assert list(action.topics.all()) == [retired]
    assert list(action.communities.all()) == [proposed]
    new_form = page_of(coordinator_client.get(NEW))
    assert "Horse patrols" not in new_form
    assert "Kurdish communities" not in new_form


def test_a_declined_action_can_no_longer_be_changed(coordinator_client):
    action = ActionFactory(title="Turned down", status=Action.Status.DECLINED)
    edit = reverse("actions:edit", args=[action.pk])

    response = coordinator_client.post(edit, proposal(action.department, title="Sneaky"))

    assert response.url == action.get_absolute_url()
    action.refresh_from_db()
    assert action.title == "Turned down"
    page = page_of(coordinator_client.get(response.url))
    assert "This action was declined, so it can no longer change." in page
    assert edit not in page


# Agreeing and declining -----------------------------------------------------------------


def test_a_leader_agrees_a_proposed_action_and_it_goes_public(leader_client, leader, client):
    action = ActionFactory(title="Stop and search training")
    detail = page_of(leader_client.get(action.get_absolute_url()))
    assert "Agree the action" in detail
    assert reverse("actions:decline", args=[action.pk]) in detail
    assert client.get(action.get_public_url()).status_code == 404

    response = leader_client.post(reverse("actions:agree", args=[action.pk]))

    assert response.url == action.get_absolute_url()
    action.refresh_from_db()
    assert action.status == Action.Status.AGREED
    assert action.agreed_at is not None
    agreed = action.updates.get(kind=ActionUpdate.Kind.AGREED)
    assert (agreed.is_public, agreed.by) == (True, leader)
    page = page_of(leader_client.get(response.url))
    assert "Agreed. It is on You Said, We Did" in page
    assert "Agree the action" not in page
    assert "Stop and search training" in page_of(client.get(action.get_public_url()))


def test_agreeing_a_declined_action_is_refused_with_a_message(leader_client):
    action = ActionFactory(status=Action.Status.DECLINED)

    response = leader_client.post(reverse("actions:agree", args=[action.pk]), follow=True)

    assert "Only a proposed action can be agreed." in page_of(response)
    action.refresh_from_db()
    assert action.status == Action.Status.DECLINED


def test_a_leader_declines_an_action_saying_why(leader_client, client):
    action = ActionFactory(title="A second helpline")
    decline = reverse("actions:decline", args=[action.pk])
    assert 'name="reason"' in page_of(leader_client.get(decline))

    page = page_of(leader_client.post(decline, {"reason": "   "}))

    assert "Say why the action is declined." in error_beside(page, "id_reason")
    action.refresh_from_db()
    assert action.status == Action.Status.PROPOSED

    page = page_of(leader_client.post(decline, {"reason": "Bad\x00 reason"}))

    assert "Null characters are not allowed." in error_beside(page, "id_reason")

    response = leader_client.post(decline, {"reason": "The existing 101 line covers this."})

    assert response.url == action.get_absolute_url()
    action.refresh_from_db()
    assert action.status == Action.Status.DECLINED
    assert action.decline_reason == "The existing 101 line covers this."
    assert action.updates.get(kind=ActionUpdate.Kind.DECLINED).is_public is False
    assert client.get(action.get_public_url()).status_code == 404
    assert "A second helpline" not in client.get(reverse("actions:public-list")).content.decode()


def test_only_a_proposed_action_can_be_declined(leader_client):
    action = ActionFactory(status=Action.Status.AGREED)

    response = leader_client.post(
        reverse("actions:decline", args=[action.pk]), {"reason": "Too late."}, follow=True
    )

    assert "Only a proposed action can be declined." in page_of(response)
    action.refresh_from_db()
    assert action.status == Action.Status.AGREED


# Updating -------------------------------------------------------------------------------


def field_name(action, field: str) -> str:
    return f"action-{action.pk}-{field}"


def test_an_action_owner_posts_updates_and_moves_the_action_on(
    owner_client, action_owner, training, client
):
    action = ActionFactory(status=Action.Status.AGREED, department=training)
    update = reverse("actions:update", args=[action.pk])
    detail = page_of(owner_client.get(action.get_absolute_url()))
    assert f'action="{update}"' in detail
    assert field_name(action, "text") in detail

    response = owner_client.post(
        update,
        {
            field_name(action, "text"): "The first course is booked for March.",
            field_name(action, "is_public"): "on",
            field_name(action, "status"): Action.Status.IN_PROGRESS,
        },
    )

    assert response.url == action.get_absolute_url()
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    posted = action.updates.get(kind=ActionUpdate.Kind.UPDATE)
    assert (posted.text, posted.is_public, posted.by) == (
        "The first course is booked for March.",
        True,
        action_owner,
    )
    assert "The first course is booked for March." in page_of(client.get(action.get_public_url()))

    owner_client.post(
        update,
        {
            field_name(action, "text"): "Only for staff: the trainer is off sick.",
            field_name(action, "status"): Action.Status.DONE,
        },
    )

    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    assert action.updates.get(text="Only for staff: the trainer is off sick.").is_public is False
    public_page = page_of(client.get(action.get_public_url()))
    assert "the trainer is off sick" not in public_page
    assert "We said we would" in public_page


def test_cannot_act_needs_an_explanation_beside_the_field_and_keeps_what_was_typed(
    owner_client, training, client
):
    action = ActionFactory(status=Action.Status.IN_PROGRESS, department=training)
    update = reverse("actions:update", args=[action.pk])
    typed = {
        field_name(action, "text"): "We looked into it carefully.",
        field_name(action, "status"): Action.Status.CANNOT_ACT,
        field_name(action, "cannot_act_reason"): "  ",
    }

    page = page_of(owner_client.post(update, typed))

    reason_id = f"id_{field_name(action, 'cannot_act_reason')}"
    assert "Explain, for the public, why the force cannot act on this." in error_beside(
        page, reason_id
    )
    form = form_with(page, field_name(action, "text"))
    assert form[field_name(action, "text")] == ["We looked into it carefully."]
    assert form[field_name(action, "status")] == [Action.Status.CANNOT_ACT]
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    assert not action.updates.exists()

    response = owner_client.post(
        update,
        {
            **typed,
            field_name(action, "cannot_act_reason"): "The CCTV belongs to the council.",
        },
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.CANNOT_ACT
    assert action.cannot_act_reason == "The CCTV belongs to the council."
    assert "The CCTV belongs to the council." in page_of(client.get(action.get_public_url()))


def test_an_empty_update_or_a_nul_byte_is_refused_beside_the_text(owner_client, training):
    action = ActionFactory(status=Action.Status.AGREED, department=training)
    update = reverse("actions:update", args=[action.pk])
    text_id = f"id_{field_name(action, 'text')}"

    page = page_of(owner_client.post(update, {field_name(action, "text"): ""}))
    assert "Write an update or choose a new status." in error_beside(page, text_id)

    page = page_of(owner_client.post(update, {field_name(action, "text"): "Half\x00 done"}))
    assert "Null characters are not allowed." in error_beside(page, text_id)

    page = page_of(
        owner_client.post(
            update, {field_name(action, "text"): "Done?", field_name(action, "status"): "declined"}
        )
    )
    assert "Choose a status from the list." in error_beside(
        page, f"id_{field_name(action, 'status')}"
    )
    assert not action.updates.exists()


def test_an_update_from_the_owners_page_returns_there(owner_client, training):
    action = ActionFactory(status=Action.Status.AGREED, department=training)

    response = owner_client.post(
        reverse("actions:update", args=[action.pk]),
        {field_name(action, "text"): "Dates booked.", "back": "mine"},
    )

    assert response.url == f"{reverse('actions:mine')}#action-{action.pk}"
    page = page_of(owner_client.get(response.url))
    assert f"Update posted on “{action.title}”." in html.unescape(page)


def test_a_proposed_action_takes_no_updates_until_it_is_agreed(owner_client, training):
    action = ActionFactory(status=Action.Status.PROPOSED, department=training)

    response = owner_client.post(
        reverse("actions:update", args=[action.pk]),
        {field_name(action, "text"): "Started early."},
        follow=True,
    )

    assert "Updates are posted once a Leader has agreed the action." in page_of(response)
    assert not action.updates.exists()


# The action owners' page ----------------------------------------------------------------


def test_the_owners_page_lists_only_their_departments_actions_overdue_first(
    owner_client, training, custody
):
    due_soon = ActionFactory(
        title="Due soon", department=training, status=Action.Status.AGREED, due_on=in_days(3)
    )
    overdue = ActionFactory(
        title="Overdue one",
        department=training,
        status=Action.Status.IN_PROGRESS,
        due_on=in_days(-5),
    )
    done = ActionFactory(
        title="Done long ago", department=training, status=Action.Status.DONE, due_on=in_days(-60)
    )
    waiting = ActionFactory(title="Waiting for a Leader", department=training, due_on=in_days(9))
    ActionFactory(title="Declined one", department=training, status=Action.Status.DECLINED)
    ActionFactory(title="Custody suite signs", department=custody, status=Action.Status.AGREED)
    ActionUpdateFactory(action=due_soon, text="Trainers found.", is_public=True)

    page = page_of(owner_client.get(reverse("actions:mine")))

    titles = [overdue.title, due_soon.title, waiting.title, done.title]
    positions = [page.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "Declined one" not in page
    assert "Custody suite signs" not in page
    assert "Overdue: was due" in page
    assert "Trainers found." in page
    assert "Waiting for a Leader to agree it." in page
    assert field_name(overdue, "text") in page
    assert field_name(waiting, "text") not in page
    assert 'name="back" value="mine"' in page


def test_an_owner_in_no_department_is_told_to_ask_for_one(signed_in, action_owner):
    ActionFactory(title="Another department action", status=Action.Status.AGREED)

    page = page_of(signed_in(action_owner).get(reverse("actions:mine")))

    assert "You are not in a department yet" in page
    assert "Another department action" not in page


def test_an_action_owners_overview_links_to_their_actions(owner_client, training):
    action = ActionFactory(title="Refresher course", department=training, status="agreed")

    page = page_of(owner_client.get(reverse("staff-home")))

    assert reverse("actions:mine") in page
    assert action.get_absolute_url() in page
    assert owner_client.get(action.get_absolute_url()).status_code == 200


def test_an_action_owner_reads_their_action_but_never_the_feedback_behind_it(
    owner_client, training
):
    item = FeedbackItemFactory(text="Words only staff who read feedback may see.")
    action = ActionFactory(department=training, status=Action.Status.AGREED, items=[item])

    page = page_of(owner_client.get(action.get_absolute_url()))

    assert action.title in page
    assert "It answers 1 feedback item." in page
    assert item.text not in page
    assert reverse("feedback:item", args=[item.pk]) not in page


# Who may do what ------------------------------------------------------------------------


def test_an_action_owner_of_another_department_is_refused_and_changes_nothing(
    signed_in, custody, training
):
    action = ActionFactory(status=Action.Status.AGREED, department=training)
    custody_owner = signed_in(custody.members.get())
    update = reverse("actions:update", args=[action.pk])

    assert custody_owner.get(action.get_absolute_url()).status_code == 403
    assert custody_owner.get(update).status_code == 403
    response = custody_owner.post(
        update,
        {
            field_name(action, "text"): "Not mine to say.",
            field_name(action, "is_public"): "on",
            field_name(action, "status"): Action.Status.DONE,
        },
    )

    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == Action.Status.AGREED
    assert not action.updates.exists()
    assert action.title not in custody_owner.get(reverse("actions:mine")).content.decode()


def test_a_leader_cannot_propose_or_change_actions(leader_client, training):
    action = ActionFactory(title="As agreed", status=Action.Status.AGREED, department=training)
    edit = reverse("actions:edit", args=[action.pk])

    assert leader_client.get(NEW).status_code == 403
    assert leader_client.post(NEW, proposal(training)).status_code == 403
    assert leader_client.get(edit).status_code == 403
    assert leader_client.post(edit, proposal(training, title="Changed")).status_code == 403

    assert Action.objects.get().title == "As agreed"
    detail = page_of(leader_client.get(action.get_absolute_url()))
    assert edit not in detail
    assert NEW not in page_of(leader_client.get(reverse("actions:list")))


def test_a_coordinator_cannot_agree_or_decline(coordinator_client):
    action = ActionFactory()
    decline = reverse("actions:decline", args=[action.pk])

    assert coordinator_client.post(reverse("actions:agree", args=[action.pk])).status_code == 403
    assert coordinator_client.get(decline).status_code == 403
    assert coordinator_client.post(decline, {"reason": "No."}).status_code == 403

    action.refresh_from_db()
    assert action.status == Action.Status.PROPOSED
    assert not action.updates.exists()
    detail = page_of(coordinator_client.get(action.get_absolute_url()))
    assert "Agree the action" not in detail
    assert decline not in detail


def test_unknown_or_huge_ids_are_not_found(coordinator_client):
    for path in (
        f"/staff/actions/{HUGE_ID}/",
        f"/staff/actions/{HUGE_ID}/edit/",
        f"/staff/actions/{HUGE_ID}/update/",
        "/staff/actions/2147483648/",
    ):
        assert coordinator_client.get(path).status_code == 404, path


# Actions on other pages ------------------------------------------------------------------


def test_a_feedback_items_page_shows_the_actions_that_answer_it(coordinator_client, leader_client):
    item = FeedbackItemFactory(text="More officers on foot, please.")
    action = ActionFactory(title="Friday foot patrols", items=[item])
    unanswered = FeedbackItemFactory(text="Nothing answers this yet.")
    propose_from_item = f"{NEW}?item={item.pk}"

    page = page_of(coordinator_client.get(reverse("feedback:item", args=[item.pk])))

    assert "Friday foot patrols" in page
    assert action.get_absolute_url() in page
    assert propose_from_item in page
    leaders_page = page_of(leader_client.get(reverse("feedback:item", args=[item.pk])))
    assert "Friday foot patrols" in leaders_page
    assert propose_from_item not in leaders_page
    other = page_of(coordinator_client.get(reverse("feedback:item", args=[unanswered.pk])))
    assert "No action answers this yet." in other


def test_a_findings_section_shows_its_actions_and_coordinators_may_propose_one(
    coordinator_client, leader_client
):
    section = FindingsSectionFactory(heading="Patrols at night")
    action = ActionFactory(title="Night patrols by the park")
    action.sections.add(section)
    findings_page = reverse("feedback:findings-detail", args=[section.version.findings_id])
    propose_from_section = f"{NEW}?section={section.pk}"

    page = page_of(coordinator_client.get(findings_page))

    assert "Night patrols by the park" in page
    assert action.get_absolute_url() in page
    assert propose_from_section in page
    leaders_page = page_of(leader_client.get(findings_page))
    assert "Night patrols by the park" in leaders_page
    assert propose_from_section not in leaders_page


def test_feedback_with_no_response_leaves_out_answered_set_aside_and_internal_items(
    coordinator_client,
):
    waiting = FeedbackItemFactory(text="Still waiting for an answer.")
    answered = FeedbackItemFactory(text="Already answered.")
    ActionFactory(items=[answered])
    FeedbackItemFactory(text="Set aside as a duplicate.", set_aside=True)
    FeedbackItemFactory(text="An officer's own note.", is_internal=True)

    page = page_of(coordinator_client.get(reverse("actions:unanswered")))

    assert waiting.text in page
    assert f"{NEW}?item={waiting.pk}" in page
    for left_out in ("Already answered.", "Set aside as a duplicate.", "An officer's own note."):
        assert html.escape(left_out) not in page
    assert "1 item" in page
    assert FeedbackItem.objects.count() == 4


# The list of every action -----------------------------------------------------------------


def test_the_list_shows_overdue_actions_first_and_filters(leader_client, training, custody):
    later = ActionFactory(
        title="Due later", status="agreed", due_on=in_days(40), department=custody
    )
    overdue = ActionFactory(
        title="Overdue action", status="in_progress", due_on=in_days(-2), department=training
    )
    ActionFactory(title="Proposed action", due_on=in_days(20), department=training)

    page = page_of(leader_client.get(reverse("actions:list")))
    assert page.index(overdue.title) < page.index("Proposed action") < page.index(later.title)
    assert "1 proposed action is waiting for a Leader" in page

    page = page_of(leader_client.get(reverse("actions:list"), {"due": "overdue"}))
    assert overdue.title in page and later.title not in page
    page = page_of(leader_client.get(reverse("actions:list"), {"department": custody.pk}))
    assert later.title in page and overdue.title not in page
    page = page_of(leader_client.get(reverse("actions:list"), {"search": "proposed"}))
    assert "Proposed action" in page and overdue.title not in page


@pytest.mark.parametrize(
    "query",
    [
        {"status": "nonsense"},
        {"department": HUGE_ID},
        {"workstream": "../x"},
        {"due": "yesterday"},
        {"page": "abc"},
        {"page": HUGE_ID},
    ],
)
def test_junk_in_the_lists_query_string_is_no_server_error(leader_client, query):
    ActionFactory(title="Still listed", status="agreed")

    assert "Still listed" in page_of(leader_client.get(reverse("actions:list"), query))


# Queries ----------------------------------------------------------------------------------


def test_the_list_of_every_action_costs_the_same_queries_however_many(
    leader_client, training, django_assert_max_num_queries
):
    many_actions(30, department=training)
    with django_assert_max_num_queries(20) as few:
        leader_client.get(reverse("actions:list"))
    many_actions(300, department=training)
    with django_assert_max_num_queries(len(few.captured_queries)) as more:
        response = leader_client.get(reverse("actions:list"))
    assert response.context["page"].paginator.count == 330
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_owners_page_costs_the_same_queries_however_many_actions(
    owner_client, training, django_assert_max_num_queries
):
    many_actions(30, department=training)
    with django_assert_max_num_queries(20) as few:
        owner_client.get(reverse("actions:mine"))
    many_actions(300, department=training)
    with django_assert_max_num_queries(len(few.captured_queries)) as more:
        response = owner_client.get(reverse("actions:mine"))
    assert len(response.context["actions"]) == 30
    listed = Action.objects.exclude(status=Action.Status.DECLINED).count()
    assert response.context["page"].paginator.count == listed > 30
    assert len(more.captured_queries) == len(few.captured_queries)
