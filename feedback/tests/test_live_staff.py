"""The staff side of a live session: the moderator's page, the room's screen and its
state, polls, tables and their notes, closing into the inbox, and who may do what."""

import lxml.html
import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagement.roles import Role
from feedback.models import FeedbackItem, FocusGroupMember, LivePoint, LivePoll, LiveSession
from feedback.services.live import (
    live_point_moderate,
    live_point_send,
    live_poll_answer,
    live_poll_create,
    live_poll_open,
    live_session_open,
    live_set_key_question,
    live_tables_split,
)
from feedback.tests.factories import SafeguardingTermFactory

pytestmark = pytest.mark.django_db

FLAGGED_TEXT = "He showed me a knife outside the chip shop"


@pytest.fixture
def session(event, coordinator):
    SafeguardingTermFactory(phrase="knife")
    return live_session_open(event=event, by=coordinator)


def url_for(name, session, **kwargs):
    return reverse(f"feedback:{name}", kwargs={"pk": session.pk, **kwargs})


def a_point(session, text, *, approve=False, **kwargs):
    point = live_point_send(session=session, text=text, **kwargs)
    if approve:
        live_point_moderate(point=point, approve=True)
    return point


def section_text(response, section_id: str) -> str:
    page = lxml.html.document_fromstring(response.content.decode())
    return " ".join(page.get_element_by_id(section_id).text_content().split())


def point_texts(response, section_id: str) -> list[str]:
    """The points listed in a section of the moderator's page, in order."""
    page = lxml.html.document_fromstring(response.content.decode())
    section = page.get_element_by_id(section_id)
    return [
        " ".join(text.text_content().split())
        for text in section.xpath(".//*[contains(@class, 'live-mod-text')]")
    ]


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def refreshed(session) -> LiveSession:
    return LiveSession.objects.get(pk=session.pk)


# The moderator's page ---------------------------------------------------------------


def test_the_page_shows_the_code_and_waiting_flagged_and_on_screen_points(
    coordinator_client, session
):
    older = a_point(session, "More patrols near the school at home time")
    a_point(session, FLAGGED_TEXT)
    a_point(session, "Better street lighting on the estate", approve=True)
    hidden = a_point(session, "Something the moderator hid")
    live_point_moderate(point=hidden, approve=False)
    newer = a_point(session, "Can officers come to the youth club?", kind="question")

    response = coordinator_client.get(session.get_staff_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert session.code in page
    assert url_for("live-screen", session) in page
    assert url_for("live-close", session) in page
    assert point_texts(response, "waiting") == [  # oldest first
        older.text,
        FLAGGED_TEXT,
        f"Question {newer.text}",
    ]
    assert "Never shown on the screen; goes to the inbox flagged." in section_text(
        response, "waiting"
    )
    assert "Something the moderator hid" not in page
    assert point_texts(response, "on-screen") == ["Better street lighting on the estate"]
    assert "Supporters: 0" in section_text(response, "on-screen")
    # A flagged point can only be hidden: no approve or merge button for it.
    flagged = session.points.get(is_flagged=True)
    form_html = page.split(url_for("live-point", session, point_pk=flagged.pk))[1].split("</form>")[
        0
    ]
    assert 'value="hide"' in form_html
    assert 'value="approve"' not in form_html and 'value="merge"' not in form_html


def test_the_trust_pair_is_listed_first_and_last_among_the_polls(coordinator_client, session):
    live_poll_create(
        session=session, question="Which night suits you?", kind="choice", options=["Tue", "Thu"]
    )
    polls = coordinator_client.get(session.get_staff_url()).context["polls"]
    purposes = [poll.purpose for poll, _results in polls]
    assert purposes == ["trust_before", "asked", "trust_after"]


def test_approving_and_hiding_move_points_on_and_off_the_screen(coordinator_client, session):
    point = a_point(session, "More officers on foot please")
    point_url = url_for("live-point", session, point_pk=point.pk)

    response = coordinator_client.post(point_url, {"action": "approve"})
    assert response.status_code == 302 and response.url == session.get_staff_url()
    point.refresh_from_db()
    assert point.status == LivePoint.Status.APPROVED

    coordinator_client.post(point_url, {"action": "hide"})
    point.refresh_from_db()
    assert point.status == LivePoint.Status.HIDDEN

    response = coordinator_client.post(point_url, {"action": "shout"})
    assert messages_of(response) == ["Choose what to do with the point."]


def test_merging_adds_the_duplicates_voice_but_never_into_a_waiting_point(
    coordinator_client, session
):
    on_screen = a_point(session, "More officers walking the estate", approve=True)
    duplicate = a_point(session, "We want to see officers on foot")
    waiting = a_point(session, "Officers on foot, please")

    response = coordinator_client.post(
        url_for("live-point", session, point_pk=waiting.pk),
        {"action": "merge", "into": duplicate.pk},
    )
    assert messages_of(response) == ["Choose a point on the screen to merge it into."]
    waiting.refresh_from_db()
    assert waiting.status == LivePoint.Status.PENDING

    coordinator_client.post(
        url_for("live-point", session, point_pk=duplicate.pk),
        {"action": "merge", "into": on_screen.pk},
    )
    on_screen.refresh_from_db()
    duplicate.refresh_from_db()
    assert on_screen.supports == 1
    assert duplicate.status == LivePoint.Status.MERGED and duplicate.merged_into == on_screen


def test_a_flagged_point_cannot_be_approved_and_never_reaches_the_screen(
    coordinator_client, session
):
    flagged = a_point(session, FLAGGED_TEXT)
    assert flagged.is_flagged

    response = coordinator_client.post(
        url_for("live-point", session, point_pk=flagged.pk), {"action": "approve"}
    )

    assert messages_of(response) == [
        "A flagged point never goes on the screen. It goes to the inbox, flagged."
    ]
    flagged.refresh_from_db()
    assert flagged.status == LivePoint.Status.PENDING
    state = coordinator_client.get(url_for("live-screen-state", session)).json()
    assert state["points"] == []
    screen = coordinator_client.get(url_for("live-screen", session)).content.decode()
    assert "knife" not in screen


def test_the_key_question_is_set_and_new_points_are_filed_under_it(
    coordinator_client, session, programme
):
    question = programme.questions[2]

    coordinator_client.post(url_for("live-question", session), {"key_question": question.pk})

    assert refreshed(session).current_key_question == question
    assert a_point(session, "Talk to us before the raids").key_question == question
    assert question.text in section_text(
        coordinator_client.get(session.get_staff_url()), "key-question"
    )
    response = coordinator_client.post(url_for("live-question", session), {"key_question": 99999})
    assert messages_of(response) == ["Choose one of the programme's key questions."]
    assert refreshed(session).current_key_question == question


def test_a_poll_is_added_and_a_bad_one_is_refused_with_nothing_made(coordinator_client, session):
    before = session.polls.count()

    response = coordinator_client.post(
        url_for("live-poll-new", session),
        {"question": "Which night?", "kind": "choice", "options": "Tuesday"},
    )
    assert messages_of(response) == ["Give between two and eight answers, one a line."]
    assert session.polls.count() == before

    coordinator_client.post(
        url_for("live-poll-new", session),
        {"question": "Which night?", "kind": "choice", "options": "Tuesday\n\nThursday\n"},
    )
    poll = session.polls.get(question="Which night?")
    assert poll.options == ["Tuesday", "Thursday"] and poll.status == LivePoll.Status.READY
    coordinator_client.post(
        url_for("live-poll-new", session), {"question": "How safe do you feel?", "kind": "scale"}
    )
    assert session.polls.get(question="How safe do you feel?").answer_labels() == list("12345")


def test_opening_a_poll_closes_the_open_one_and_results_show_as_counts(coordinator_client, session):
    trust = session.polls.get(purpose=LivePoll.Purpose.TRUST_BEFORE)
    night = live_poll_create(
        session=session, question="Which night?", kind="choice", options=["Tue", "Thu"]
    )
    coordinator_client.post(url_for("live-poll", session, poll_pk=trust.pk), {"action": "open"})
    live_poll_answer(poll=trust, value=3)
    live_poll_answer(poll=trust, value=3)
    live_poll_answer(poll=trust, value=4)

    coordinator_client.post(url_for("live-poll", session, poll_pk=night.pk), {"action": "open"})

    trust.refresh_from_db()
    night.refresh_from_db()
    assert trust.status == LivePoll.Status.CLOSED and night.status == LivePoll.Status.OPEN
    response = coordinator_client.get(session.get_staff_url())
    assert response.context["open_poll"] == night
    polls = section_text(response, "polls")
    assert "3 answered" in polls and "67%" in polls and "33%" in polls
    coordinator_client.post(url_for("live-poll", session, poll_pk=night.pk), {"action": "close"})
    night.refresh_from_db()
    assert night.status == LivePoll.Status.CLOSED


def test_the_room_splits_into_tables_and_comes_back_together(
    coordinator_client, session, django_capture_on_commit_callbacks
):
    coordinator_client.post(url_for("live-tables", session), {"action": "split", "count": 3})

    assert refreshed(session).is_split
    assert list(session.tables.values_list("number", flat=True)) == [1, 2, 3]
    page = coordinator_client.get(session.get_staff_url()).content.decode()
    for number in (1, 2, 3):
        assert url_for("live-table-notes", session, number=number) in page
    assert "Bring the tables together" in page

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            url_for("live-table-notes", session, number=2), {"text": "Bins", "kind": "point"}
        )
        coordinator_client.post(url_for("live-tables", session), {"action": "together"})

    assert not refreshed(session).is_split
    state = coordinator_client.get(url_for("live-screen-state", session)).json()
    assert state["split"] is False
    assert {"number": 2, "notes": ["Bins"]} in state["tables"]
    screen = coordinator_client.get(url_for("live-screen", session)).content.decode()
    assert "What the tables said" in screen and "Table 2" in screen


def test_table_notes_take_json_and_a_resent_note_is_stored_once(
    coordinator_client, coordinator, session
):
    live_tables_split(session=session, count=2)
    notes_url = url_for("live-table-notes", session, number=1)
    page = coordinator_client.get(notes_url).content.decode()
    assert f'data-storage-key="live-{session.pk}-table-1"' in page

    sent = {"text": "Call 07700 900123 about the bins", "kind": "point", "client_reference": "t1"}
    first = coordinator_client.post(notes_url, sent, HTTP_ACCEPT="application/json")
    again = coordinator_client.post(notes_url, sent, HTTP_ACCEPT="application/json")

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["client_reference"] == "t1"
    assert "07700" not in first.json()["text"]
    note = LivePoint.objects.get(client_reference="t1")
    assert note.table.number == 1 and note.recorded_by == coordinator
    assert note.status == LivePoint.Status.APPROVED
    bad = coordinator_client.post(notes_url, {"text": ""}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400 and "text" in bad.json()["errors"]
    plain = coordinator_client.post(notes_url, {"text": "Lighting", "kind": "question"})
    assert plain.status_code == 302
    assert "Lighting" in coordinator_client.get(notes_url).content.decode()
    assert coordinator_client.get(url_for("live-table-notes", session, number=9)).status_code == 404


# The screen ---------------------------------------------------------------------------


def test_the_screen_shows_the_question_points_poll_and_how_to_join(coordinator_client, session):
    a_point(session, "Better street lighting", approve=True)
    poll = live_poll_create(
        session=session, question="Which night?", kind="choice", options=["Tue", "Thu"]
    )
    live_poll_open(poll=poll)
    live_poll_answer(poll=poll, value=1)

    response = coordinator_client.get(url_for("live-screen", session))

    assert response.status_code == 200
    page = lxml.html.document_fromstring(response.content.decode())
    assert page.get("lang") == "en-gb"
    text = " ".join(page.text_content().split())
    assert session.current_key_question.text in text
    assert "Better street lighting" in text
    assert "Which night?" in text and "1 answered" in text
    assert session.code in text
    assert page.xpath("//*[@data-qr]//*[local-name()='svg']")
    assert page.get_element_by_id("live-screen-state").get("type") == "application/json"
    assert [heading.tag for heading in page.xpath("//h1|//h2")][0] == "h1"
    assert not page.xpath("//*[@aria-live]")


def test_the_screen_state_answers_not_modified_until_something_changes(
    coordinator_client, session, django_capture_on_commit_callbacks
):
    state_url = url_for("live-screen-state", session)
    first = coordinator_client.get(state_url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.json()["points"] == []

    unchanged = coordinator_client.get(state_url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304 and unchanged.headers["ETag"] == etag

    with django_capture_on_commit_callbacks(execute=True):
        point = a_point(session, "More patrols")
        coordinator_client.post(
            url_for("live-point", session, point_pk=point.pk), {"action": "approve"}
        )
    changed = coordinator_client.get(state_url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert [shown["text"] for shown in changed.json()["points"]] == ["More patrols"]


# Closing ----------------------------------------------------------------------------


def test_closing_moves_points_notes_and_poll_results_into_the_inbox(
    coordinator_client, coordinator, session, programme
):
    question = programme.questions[1]
    live_set_key_question(session=session, key_question=question)
    a_point(session, "Waiting point about the buses")
    a_point(session, "Approved point about lighting", approve=True)
    hidden = a_point(session, "A hidden rude remark")
    live_point_moderate(point=hidden, approve=False)
    flagged = a_point(session, FLAGGED_TEXT)
    live_point_moderate(point=flagged, approve=False)
    live_tables_split(session=session, count=2)
    live_point_send(
        session=session,
        text="Table one wants a surgery",
        table=session.tables.first(),
        recorded_by=coordinator,
    )
    trust = session.polls.get(purpose=LivePoll.Purpose.TRUST_BEFORE)
    live_poll_open(poll=trust)
    live_poll_answer(poll=trust, value=2)

    confirm = coordinator_client.get(url_for("live-close", session))
    assert confirm.status_code == 200
    confirm_text = " ".join(confirm.content.decode().split())
    assert "Close the session and move everything to the inbox" in confirm_text
    assert "3 points and questions from the room" in confirm_text
    assert "1 table note" in confirm_text and "1 safeguarding flag" in confirm_text

    response = coordinator_client.post(url_for("live-close", session))

    assert response.status_code == 302
    assert response.url == (
        reverse("feedback:inbox") + f"?event={session.event_id}&source=live_session"
    )
    assert not refreshed(session).is_open
    items = FeedbackItem.objects.filter(event=session.event)
    texts = set(items.values_list("text", flat=True))
    assert "Waiting point about the buses" in texts
    assert "Approved point about lighting" in texts
    assert "A hidden rude remark" not in texts
    flagged_item = items.get(text=FLAGGED_TEXT)
    assert flagged_item.is_safeguarding_flagged
    assert flagged_item.source == FeedbackItem.Source.LIVE_SESSION
    note = items.get(text="Table one wants a surgery")
    assert note.source == FeedbackItem.Source.DISCUSSION_NOTE and note.recorded_by == coordinator
    assert set(items.exclude(text__startswith="Poll").values_list("key_question", flat=True)) == {
        question.pk
    }
    (poll_item,) = items.filter(text__startswith="Poll in the room")
    assert "1 answered" in poll_item.text and "3: 1" in poll_item.text
    assert items.count() == 5


def test_after_closing_every_change_is_refused_with_a_message(coordinator_client, session):
    point = a_point(session, "Waiting point")
    live_tables_split(session=session, count=2)
    poll = session.polls.first()
    coordinator_client.post(url_for("live-close", session), follow=True)
    version = refreshed(session).version
    items = FeedbackItem.objects.count()

    for url, data in [
        (url_for("live-point", session, point_pk=point.pk), {"action": "approve"}),
        (url_for("live-point", session, point_pk=point.pk), {"action": "hide"}),
        (url_for("live-question", session), {"key_question": ""}),
        (url_for("live-poll-new", session), {"question": "Late?", "kind": "scale"}),
        (url_for("live-poll", session, poll_pk=poll.pk), {"action": "open"}),
        (url_for("live-tables", session), {"action": "together"}),
        (url_for("live-table-notes", session, number=1), {"text": "Late", "kind": "point"}),
        (url_for("live-close", session), {}),
    ]:
        response = coordinator_client.post(url, data, follow=True)
        assert response.redirect_chain == [(session.get_staff_url(), 302)], url
        assert [str(message) for message in response.context["messages"]] == [
            "The session has closed."
        ], url

    point.refresh_from_db()
    assert point.status == LivePoint.Status.PENDING
    assert refreshed(session).version == version and refreshed(session).is_split
    assert not session.polls.filter(question="Late?").exists()
    assert FeedbackItem.objects.count() == items
    page = coordinator_client.get(session.get_staff_url()).content.decode()
    assert "This session has closed" in page and 'value="approve"' not in page


# Who may moderate -------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, session):
    point = a_point(session, "A point")
    for url in [
        session.get_staff_url(),
        url_for("live-screen", session),
        url_for("live-screen-state", session),
        url_for("live-close", session),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url, url
    response = client.post(url_for("live-point", session, point_pk=point.pk), {"action": "approve"})
    assert response.status_code == 302 and "/login/" in response.url
    point.refresh_from_db()
    assert point.status == LivePoint.Status.PENDING


@pytest.mark.parametrize(
    "role", [Role.LEADER, Role.ACTION_OWNER, Role.ADMINISTRATOR, Role.FOCUS_GROUP_MEMBER]
)
def test_other_roles_and_members_not_facilitating_are_refused(client_for_role, session, role):
    client = client_for_role(role)
    point = a_point(session, "A point")
    for url in [
        session.get_staff_url(),
        url_for("live-screen", session),
        url_for("live-screen-state", session),
        url_for("live-close", session),
        url_for("live-table-notes", session, number=1),
    ]:
        assert client.get(url).status_code == 403, url
    response = client.post(url_for("live-point", session, point_pk=point.pk), {"action": "approve"})
    assert response.status_code == 403
    point.refresh_from_db()
    assert point.status == LivePoint.Status.PENDING


def test_a_focus_group_member_facilitating_moderates_but_cannot_close(
    client, focus_group_member, session
):
    FocusGroupMember.objects.get(user=focus_group_member).events_facilitated.add(session.event)
    client.force_login(focus_group_member)
    point = a_point(session, "A point")

    page = client.get(session.get_staff_url())
    assert page.status_code == 200
    assert page.context["is_coordinator"] is False
    assert url_for("live-close", session) not in page.content.decode()
    client.post(url_for("live-point", session, point_pk=point.pk), {"action": "approve"})
    point.refresh_from_db()
    assert point.status == LivePoint.Status.APPROVED
    assert client.get(url_for("live-screen", session)).status_code == 200

    assert client.get(url_for("live-close", session)).status_code == 403
    assert client.post(url_for("live-close", session)).status_code == 403
    assert refreshed(session).is_open


def test_a_facilitating_member_finds_the_open_session_on_their_panel_page(
    client, focus_group_member, session
):
    client.force_login(focus_group_member)
    assert session.get_staff_url() not in client.get("/panel/").content.decode()

    FocusGroupMember.objects.get(user=focus_group_member).events_facilitated.add(session.event)
    assert session.get_staff_url() in client.get("/panel/").content.decode()

    session.status = session.Status.CLOSED
    session.save()
    assert session.get_staff_url() not in client.get("/panel/").content.decode()


def test_the_moderate_page_makes_as_many_queries_for_forty_points_as_for_five(
    coordinator_client, session, django_assert_max_num_queries
):
    live_tables_split(session=session, count=3)
    table = session.tables.first()

    def add_points(count):
        for number in range(count):
            a_point(session, f"Waiting point {number}", table=table)
            a_point(session, f"Approved point {number}", approve=True)

    add_points(5)
    with CaptureQueriesContext(connection) as five:
        assert coordinator_client.get(session.get_staff_url()).status_code == 200

    add_points(35)
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = coordinator_client.get(session.get_staff_url())
    assert len(response.context["pending"]) == 40


# The event's page ---------------------------------------------------------------------


def test_the_event_page_starts_a_live_session_and_then_links_to_it(
    coordinator_client, client_for_role, event
):
    event_url = reverse("events:detail", args=[event.pk])
    open_url = reverse("feedback:live-open", args=[event.pk])
    page = coordinator_client.get(event_url).content.decode()
    assert "Start a live session" in page and open_url in page

    response = coordinator_client.post(open_url)

    session = LiveSession.objects.get(event=event)
    assert response.url == session.get_staff_url()
    page = coordinator_client.get(event_url).content.decode()
    assert "Live session on now: moderate" in page and session.get_staff_url() in page
    assert "Start a live session" not in page
    leader_page = client_for_role(Role.LEADER).get(event_url).content.decode()
    assert "Live session" not in leader_page
