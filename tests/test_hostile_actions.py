"""An action owner signs in with a password and reaches the staff site, so the actions
pages are tested as an attacker holding an owner's password would use them: hostile
updates, made-up ids and other departments' actions, odd query strings. Nothing may
answer a server error, and nothing may change another department's action. A
Coordinator's propose form gets the same hostile input. Every example runs in a
savepoint that is rolled back, with the cache emptied."""

from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import event, given
from hypothesis import strategies as st

from actions.models import Action, ActionUpdate
from actions.tests.factories import ActionFactory
from engagement.tests.factories import DepartmentFactory
from tests.public_site import send_in_savepoint
from tests.strategies import PROPERTY_SETTINGS, hostile_name, hostile_text

pytestmark = pytest.mark.django_db

HUGE_IDS = ["0", "2147483648", "9223372036854775808", "99999999999999999999999"]


class Owner:
    def __init__(self, *, user, own, other):
        self.client = Client()
        self.client.force_login(user)
        self.own = own
        self.other = other

    def __repr__(self):
        return "<Owner>"


@pytest.fixture
def owner(action_owner):
    training = DepartmentFactory(name="Training and Learning")
    training.members.add(action_owner)
    return Owner(
        user=action_owner,
        own=ActionFactory(department=training, status=Action.Status.AGREED),
        other=ActionFactory(
            department=DepartmentFactory(name="Custody"), status=Action.Status.AGREED
        ),
    )


def _id(data, owner: Owner, label: str) -> tuple[str, str]:
    whose = data.draw(st.sampled_from(["own", "own", "other", "made up"]), label=label)
    if whose == "made up":
        return whose, data.draw(st.sampled_from(HUGE_IDS), label=f"{label} id")
    return whose, str((owner.own if whose == "own" else owner.other).pk)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_hostile_updates_never_answer_a_server_error_or_reach_another_department(owner, data):
    whose, action_id = _id(data, owner, "whose")
    prefix = f"action-{action_id}-"
    pairs = [
        (f"{prefix}text", data.draw(hostile_text, label="text")),
        (
            f"{prefix}status",
            data.draw(st.sampled_from(["", "in_progress", "done", "cannot_act"]) | hostile_text),
        ),
        (f"{prefix}cannot_act_reason", data.draw(hostile_text, label="reason")),
        (f"{prefix}is_public", data.draw(st.sampled_from(["on", ""]) | hostile_text)),
        ("back", data.draw(st.sampled_from(["mine", ""]) | hostile_text, label="back")),
        *data.draw(st.lists(st.tuples(hostile_name, hostile_text), max_size=3), label="extra"),
    ]
    response = send_in_savepoint(
        owner.client,
        "POST",
        f"/staff/actions/{action_id}/update/",
        data=urlencode(pairs, quote_via=quote),
        content_type="application/x-www-form-urlencoded",
    )
    event(f"{whose}: {response.status_code}")
    assert response.status_code < 500
    if whose == "other":
        assert response.status_code == 403
    if whose == "made up":
        assert response.status_code == 404
    if response.status_code == 302:
        assert response.url.startswith("/staff/actions/")
    assert not ActionUpdate.objects.filter(action=owner.other).exists()
    assert Action.objects.get(pk=owner.other.pk).status == Action.Status.AGREED


@PROPERTY_SETTINGS
@given(data=st.data())
def test_hostile_action_pages_never_answer_a_server_error(owner, data):
    _whose, action_id = _id(data, owner, "whose")
    paths = [
        "/staff/actions/mine/",
        f"/staff/actions/{action_id}/",
        f"/staff/actions/{action_id}/update/",
        "/you-said-we-did/",
        f"/you-said-we-did/{action_id}/",
    ]
    path = data.draw(st.sampled_from(paths), label="path")
    method = data.draw(st.sampled_from(["GET", "POST", "HEAD", "PUT", "DELETE"]), label="method")
    query = urlencode(
        data.draw(st.lists(st.tuples(hostile_name, hostile_text), max_size=3), label="query"),
        quote_via=quote,
    )
    response = send_in_savepoint(owner.client, method, f"{path}?{query}")
    event(f"{method} {path.split('/')[-3]}: {response.status_code}")
    assert response.status_code < 500


@PROPERTY_SETTINGS
@given(data=st.data())
def test_hostile_proposals_never_answer_a_server_error(coordinator, data):
    client = Client()
    client.force_login(coordinator)
    department = DepartmentFactory(name="Neighbourhood Policing")
    pairs = [
        ("title", data.draw(hostile_text, label="title")),
        ("you_said", data.draw(hostile_text, label="you said")),
        ("we_did", data.draw(hostile_text, label="we did")),
        ("department", data.draw(st.sampled_from([str(department.pk), *HUGE_IDS]) | hostile_text)),
        ("owner", data.draw(st.sampled_from(["", *HUGE_IDS]) | hostile_text, label="owner")),
        ("due_on", data.draw(st.sampled_from(["2099-01-31", "1999-01-01"]) | hostile_text)),
        ("item", data.draw(st.sampled_from(["1", *HUGE_IDS]) | hostile_text, label="item")),
        ("section", data.draw(hostile_text, label="section")),
        ("start", data.draw(st.sampled_from(["", "inbox"]) | hostile_text, label="start")),
        *data.draw(st.lists(st.tuples(hostile_name, hostile_text), max_size=3), label="extra"),
    ]
    response = send_in_savepoint(
        client,
        "POST",
        "/staff/actions/new/",
        data=urlencode(pairs, quote_via=quote),
        content_type="application/x-www-form-urlencoded",
    )
    event(f"propose: {response.status_code}")
    assert response.status_code < 500
