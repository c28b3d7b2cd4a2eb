"""A focus group member is a volunteer who signs in with a password alone, so the panel
is tested as an attacker holding one would use it: hostile answers, made-up and other
members' ids, odd query strings. Nothing may answer a server error, and nothing may
reach or change another member's request. Every example runs in a savepoint that is
rolled back, with the cache emptied."""

from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import event, given
from hypothesis import strategies as st

from feedback.models import SectionAnswer
from feedback.tests.factories import FocusGroupMeetingFactory, FocusGroupMemberFactory
from feedback.tests.findings_helpers import a_held_event_with_tagged_feedback, findings_sent_to
from tests.public_site import send_in_savepoint
from tests.strategies import PROPERTY_SETTINGS, hostile_name, hostile_text

pytestmark = pytest.mark.django_db

HUGE_IDS = ["0", "2147483648", "9223372036854775808", "99999999999999999999999"]


class Panel:
    def __init__(self, *, member, own, others, meeting):
        self.client = Client()
        self.client.force_login(member.user)
        self.own = own
        self.others = others
        self.meeting = meeting

    def __repr__(self):
        return "<Panel>"


@pytest.fixture
def panel(programme, coordinator):
    tagged = a_held_event_with_tagged_feedback(programme)
    member, other = FocusGroupMemberFactory(), FocusGroupMemberFactory()
    findings = findings_sent_to([member, other], tagged=tagged, by=coordinator)

    def request_of(someone):
        request = someone.sense_check_requests.get(version__findings=findings)
        return request, list(request.version.sections.values_list("pk", flat=True))

    return Panel(
        member=member,
        own=request_of(member),
        others=request_of(other),
        meeting=FocusGroupMeetingFactory(),
    )


def _ids(data, real: list[int], label: str) -> str:
    """Mostly a real id, so that examples reach the code behind the lookup."""
    if data.draw(st.integers(0, 4), label=f"{label} made up") == 4:
        return data.draw(st.sampled_from(HUGE_IDS), label=label)
    return data.draw(st.sampled_from([str(pk) for pk in real]), label=label)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_hostile_answers_never_answer_a_server_error_or_reach_another_member(panel, data):
    whose = data.draw(st.sampled_from(["own", "own", "other"]), label="whose")
    request, sections = panel.own if whose == "own" else panel.others
    request_id = _ids(data, [request.pk], "request id")
    section_id = _ids(data, sections if data.draw(st.booleans()) else panel.own[1], "section")
    pairs = [
        (
            "verdict",
            data.draw(st.sampled_from(["accurate", "partly", "not_accurate"]) | hostile_text),
        ),
        ("comment", data.draw(hostile_text, label="comment")),
        ("suggestion", data.draw(hostile_text, label="suggestion")),
        *data.draw(st.lists(st.tuples(hostile_name, hostile_text), max_size=3), label="extra"),
    ]
    path = f"/panel/findings/{request_id}/sections/{section_id}/"
    response = send_in_savepoint(
        panel.client,
        "POST",
        path,
        data=urlencode(pairs, quote_via=quote),
        content_type="application/x-www-form-urlencoded",
    )
    event(f"{whose}: {response.status_code}")
    assert response.status_code < 500
    if whose == "other":
        assert response.status_code == 404
    assert not SectionAnswer.objects.filter(request=panel.others[0]).exists()


@PROPERTY_SETTINGS
@given(data=st.data())
def test_hostile_panel_requests_never_answer_a_server_error(panel, data):
    own_request, own_sections = panel.own
    paths = [
        "/panel/",
        "/panel/step-down/",
        f"/panel/findings/{_ids(data, [own_request.pk, panel.others[0].pk], 'request')}/",
        f"/panel/meetings/{_ids(data, [panel.meeting.pk], 'meeting')}/can-come/",
        f"/panel/meetings/{_ids(data, [panel.meeting.pk], 'meeting')}/cannot-come/",
    ]
    path = data.draw(st.sampled_from(paths), label="path")
    method = data.draw(st.sampled_from(["GET", "POST", "HEAD", "PUT", "DELETE"]), label="method")
    query = urlencode(
        data.draw(st.lists(st.tuples(hostile_name, hostile_text), max_size=3), label="query"),
        quote_via=quote,
    )
    response = send_in_savepoint(panel.client, method, f"{path}?{query}")
    event(f"{method} {path.split('/')[2]}: {response.status_code}")
    assert response.status_code < 500
