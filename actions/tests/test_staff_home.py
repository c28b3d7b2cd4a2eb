"""What the staff overview says about actions, for each role."""

from datetime import timedelta

import pytest
from django.utils import timezone

from actions.models import Action
from engagement.roles import Role


@pytest.fixture
def waiting_and_overdue(action_factory):
    action_factory(title="Waiting for a Leader")
    action_factory(
        title="Late translation",
        status=Action.Status.AGREED,
        due_on=timezone.localdate() - timedelta(days=3),
    )


@pytest.mark.django_db
def test_a_leader_is_told_what_waits_for_them_and_what_is_overdue(
    client_for_role, waiting_and_overdue
):
    page = client_for_role(Role.LEADER).get("/staff/").content.decode()
    assert "1 proposed action is waiting for you to agree or decline it" in page
    assert "/staff/actions/?status=proposed" in page
    assert "1 action is overdue" in page
    assert "/staff/actions/?due=overdue" in page


@pytest.mark.django_db
def test_a_coordinator_is_told_a_proposal_waits_for_a_leader(client_for_role, waiting_and_overdue):
    page = client_for_role(Role.COORDINATOR).get("/staff/").content.decode()
    assert "1 proposed action is waiting for a Leader" in page


@pytest.mark.django_db
def test_an_action_owner_sees_only_their_departments_actions_on_the_overview(
    client_for_role, action_owner, action_factory, department_factory, waiting_and_overdue
):
    training = department_factory(name="Training and Learning")
    training.members.add(action_owner)
    action_factory(
        title="Refresher course on stop and search",
        department=training,
        status=Action.Status.AGREED,
        due_on=timezone.localdate() - timedelta(days=1),
    )
    page = client_for_role(Role.ACTION_OWNER).get("/staff/").content.decode()
    assert "Refresher course on stop and search" in page
    assert "Late translation" not in page
    assert "proposed action" not in page
    assert "1 overdue" in page
    assert "/staff/actions/mine/" in page


@pytest.mark.django_db
def test_nothing_about_actions_when_nothing_waits(client_for_role):
    page = client_for_role(Role.LEADER).get("/staff/").content.decode()
    assert "actions-overview-heading" not in page


def _current_link(response) -> str:
    return next(item["label"] for item in response.context["staff_navigation"] if item["current"])


@pytest.mark.django_db
def test_the_navigation_marks_the_section_an_action_page_belongs_to(
    client_for_role, action_owner, action_factory, department_factory
):
    training = department_factory(name="Training and Learning")
    training.members.add(action_owner)
    action = action_factory(department=training, status=Action.Status.AGREED)
    owner = client_for_role(Role.ACTION_OWNER)
    assert _current_link(owner.get(action.get_absolute_url())) == "My department's actions"
    assert _current_link(owner.get("/staff/actions/mine/")) == "My department's actions"
    coordinator = client_for_role(Role.COORDINATOR)
    assert _current_link(coordinator.get(action.get_absolute_url())) == "Actions"
    assert _current_link(coordinator.get("/staff/")) == "Overview"
