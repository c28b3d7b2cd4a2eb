"""The live session's public phone pages, without a browser: joining by code, the
phone page as plain forms, sending points, supporting them and answering polls once
per phone, the state the page polls for, the page once the session has ended, and
hostile input."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from engagement.roles import Role
from events.tests.factories import EventFactory
from feedback.models import LivePoint, LivePoll, LivePollAnswer
from feedback.services.live import (
    live_point_moderate,
    live_poll_close,
    live_poll_create,
    live_poll_open,
    live_session_close,
    live_session_open,
    live_set_key_question,
    live_tables_split,
)
from feedback.tests.factories import (
    KeyQuestionFactory,
    LivePointFactory,
    ProgrammeKeyQuestionFactory,
)

pytestmark = pytest.mark.django_db

QUESTION = "How can the police better respect this community?"
SOMALI_QUESTION = "Sidee booliisku si fiican ugu ixtiraami karaan bulshadan?"


@pytest.fixture
def coordinator_user(user_for_role):
    return user_for_role(Role.COORDINATOR)


@pytest.fixture
def session(coordinator_user):
    event = EventFactory(past=True, title="Listening evening at Longsight")
    question = KeyQuestionFactory(text=QUESTION)
    ProgrammeKeyQuestionFactory(programme=event.programme, key_question=question, position=1)
    return live_session_open(event=event, by=coordinator_user)


def phone_url(session, part=""):
    return f"/live/{session.code}/{part}"


def approved(session, text, **fields):
    return LivePointFactory(session=session, text=text, status=LivePoint.Status.APPROVED, **fields)


def send(client, session, text="More officers walking the estate", **data):
    return client.post(
        phone_url(session, "send/"),
        {"text": text, "kind": "point", "client_reference": "", **data},
    )


def open_poll(session):
    poll = live_poll_create(
        session=session,
        question="Which night suits you for the next meeting?",
        kind=LivePoll.Kind.CHOICE,
        options=["Tuesday", "Thursday"],
    )
    live_poll_open(poll=poll)
    poll.refresh_from_db()
    return poll


# Joining ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["{code}", "{lower}", " {lower} ", "{first}-{last}", "{first} {last}"]
)
def test_the_code_is_read_whatever_the_case_spaces_or_dashes(client, session, typed):
    code = session.code
    value = typed.format(code=code, lower=code.lower(), first=code[:3], last=code[3:].lower())

    response = client.post("/live/", {"code": value})

    assert response.status_code == 302
    assert response["Location"] == f"/live/{code}/"


def test_a_code_in_the_address_joins_too(client, session):
    response = client.get("/live/", {"code": session.code.lower()})
    assert response.status_code == 302 and response["Location"] == f"/live/{session.code}/"


def test_the_join_page_says_where_to_find_the_code(client):
    page = client.get("/live/").content.decode()
    assert "Join the live session" in page
    assert "on the screen" in page and "QR code" in page
    assert 'name="code"' in page and ">Join</button>" in page


def test_an_unknown_code_is_explained_beside_the_field_keeping_what_was_typed(client, session):
    unknown = "ACDEFG" if session.code != "ACDEFG" else "GFEDCA"

    response = client.post("/live/", {"code": unknown.lower()})

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is no session with that code." in page
    assert 'id="id_code_error"' in page and 'aria-invalid="true"' in page
    assert f'value="{unknown.lower()}"' in page
    assert "<title>Error:" in page


def test_a_code_with_characters_we_never_use_gets_a_clear_error(client):
    # 0, O, 1, I, L, 5, S, 2, Z, 8 and B are never in a code: they are easily mistaken.
    response = client.post("/live/", {"code": "KD0TQ1"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "That is not a code we use." in page
    assert 'value="KD0TQ1"' in page


def test_an_empty_code_asks_for_one(client):
    page = client.post("/live/", {"code": "  "}).content.decode()
    assert "Type the code shown on the screen in the room." in page


def test_an_unknown_phone_page_is_not_found(client, session):
    assert client.get("/live/ACDEFX/").status_code == 404


# The phone page without JavaScript -------------------------------------------------


def test_the_phone_page_works_as_plain_forms(client, session):
    open_poll(session)
    point = approved(session, "More officers on foot please")

    response = client.get(phone_url(session))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Listening evening at Longsight" in page
    assert QUESTION in page
    assert f'action="/live/{session.code}/send/"' in page
    assert 'name="text"' in page and 'name="kind"' in page
    assert 'type="hidden" name="client_reference"' in page
    assert ">Send</button>" in page
    assert "The moderator reads every point before it goes on the screen." in page
    assert "anonymous" in page
    assert f'action="/live/{session.code}/support/{point.pk}/"' in page
    assert "Which night suits you for the next meeting?" in page
    assert 'type="radio" name="value"' in page and ">Answer</button>" in page
    assert 'src="/static/js/live-phone.js" defer' in page


def test_only_approved_points_are_on_the_phone_never_pending_hidden_merged_or_flagged(
    client, session
):
    approved(session, "Shown: more patrols at night")
    LivePointFactory(session=session, text="Waiting: pending", status=LivePoint.Status.PENDING)
    LivePointFactory(session=session, text="Hidden by the moderator", status="hidden")
    LivePointFactory(session=session, text="Merged into another", status="merged")
    approved(session, "Flagged: he hits me", is_flagged=True)

    page = client.get(phone_url(session)).content.decode()

    assert "Shown: more patrols at night" in page
    for never in ("Waiting: pending", "Hidden by", "Merged into another", "Flagged:"):
        assert never not in page


def test_a_question_is_marked_and_the_room_without_a_key_question_is_an_open_discussion(
    client, session
):
    approved(session, "Why are stops not explained?", kind=LivePoint.Kind.QUESTION)
    live_set_key_question(session=session, key_question=None)

    page = client.get(phone_url(session)).content.decode()

    assert '<span class="live-kind">Question</span> <bdi>Why are stops not explained?</bdi>' in page
    assert "An open discussion" in page


def test_a_split_room_asks_which_table(client, session):
    live_tables_split(session=session, count=3)
    page = client.get(phone_url(session)).content.decode()
    assert 'name="table"' in page and "Not at a table" in page


def test_without_an_open_poll_there_is_no_poll_form(client, session):
    page = client.get(phone_url(session)).content.decode()
    assert 'name="value"' not in page
    assert 'id="poll"' in page  # kept, hidden, for the script to fill


def test_the_phone_page_costs_the_same_queries_with_5_or_40_points(
    client, session, django_assert_max_num_queries
):
    open_poll(session)
    for number in range(5):
        approved(session, f"Point {number}")
    client.get(phone_url(session))  # anything read once a process is read now
    with CaptureQueriesContext(connection) as five:
        assert client.get(phone_url(session)).status_code == 200
    for number in range(5, 40):
        approved(session, f"Point {number}")

    with django_assert_max_num_queries(len(five)):
        page = client.get(phone_url(session)).content.decode()
    assert page.count('class="live-point"') == 40


# Sending a point -----------------------------------------------------------------


def test_a_point_is_stored_waiting_for_the_moderator_redacted_with_nothing_about_the_phone(
    session,
):
    phone = Client(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="PhoneBrowser/9.9 (Test)")

    response = send(phone, session, text="Ring me on 07700 900123 about the patrols")

    assert response.status_code == 302 and response["Location"] == phone_url(session)
    point = LivePoint.objects.get(session=session)
    assert point.status == LivePoint.Status.PENDING
    assert "07700" not in point.text and point.was_redacted
    assert point.key_question.text == QUESTION
    names = {field.name for field in LivePoint._meta.concrete_fields}
    for about_the_phone in ("ip", "address", "agent", "cookie", "created", "sent_at", "time"):
        assert not any(about_the_phone in name for name in names), names
    for field in LivePoint._meta.concrete_fields:
        value = str(field.value_from_object(point))
        assert "203.0.113.77" not in value and "PhoneBrowser" not in value
    page = phone.get(response["Location"]).content.decode()
    assert "Thank you. The moderator reads it before it goes on the screen." in page
    assert "Ring me on" not in page  # not on the screen until approved


def test_the_same_point_sent_twice_is_stored_once(client, session):
    first = send(client, session, client_reference="phone-ref-1")
    again = send(client, session, client_reference="phone-ref-1")

    assert first.status_code == again.status_code == 302
    assert LivePoint.objects.filter(session=session).count() == 1


def test_the_script_gets_json_and_a_repeat_gives_the_same_point(client, session):
    data = {"text": "Lights in the underpass", "kind": "question", "client_reference": "r-9"}

    first = client.post(phone_url(session, "send/"), data, HTTP_ACCEPT="application/json")
    again = client.post(phone_url(session, "send/"), data, HTTP_ACCEPT="application/json")

    assert first.status_code == again.status_code == 201
    stored = LivePoint.objects.get()
    assert first.json() == again.json() == {"id": stored.pk, "client_reference": "r-9"}
    assert stored.kind == LivePoint.Kind.QUESTION


def test_an_empty_point_is_explained_beside_the_field_and_the_choice_of_kind_is_kept(
    client, session
):
    response = send(client, session, text="   ", kind="question")

    page = response.content.decode()
    assert response.status_code == 400
    assert "Write your point or question first." in page
    assert 'id="id_text_error"' in page or 'aria-invalid="true"' in page
    assert 'value="question"  id="id_kind_1" required checked' in page
    assert "<title>Error:" in page
    assert not LivePoint.objects.exists()


def test_an_empty_point_from_the_script_gets_its_errors_as_json(client, session):
    response = client.post(
        phone_url(session, "send/"), {"text": "", "kind": "point"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert "text" in response.json()["errors"]


def test_a_point_for_a_table(client, session):
    live_tables_split(session=session, count=3)
    table = session.tables.get(number=2)

    send(client, session, table=table.pk)

    assert LivePoint.objects.get().table == table


# Supporting a point ----------------------------------------------------------------


def test_a_phone_supports_a_point_once_and_another_phone_adds_its_own(session):
    point = approved(session, "More officers on foot")
    phone, other_phone = Client(), Client()

    first = phone.post(phone_url(session, f"support/{point.pk}/"))
    phone.post(phone_url(session, f"support/{point.pk}/"))
    point.refresh_from_db()
    assert first.status_code == 302 and first["Location"] == phone_url(session) + "#points"
    assert point.supports == 1

    other_phone.post(phone_url(session, f"support/{point.pk}/"))
    point.refresh_from_db()
    assert point.supports == 2


def test_the_phone_shows_what_it_supported(client, session):
    point = approved(session, "More officers on foot")
    other = approved(session, "Lights in the underpass")

    client.post(phone_url(session, f"support/{point.pk}/"))
    page = client.get(phone_url(session)).content.decode()

    assert page.count("You support this</button>") == 1
    assert "disabled data-supported" in page
    assert f"/support/{point.pk}/" not in page
    assert f"/support/{other.pk}/" in page


def test_the_script_gets_json_for_a_support(client, session):
    point = approved(session, "More officers on foot")
    url = phone_url(session, f"support/{point.pk}/")

    first = client.post(url, HTTP_ACCEPT="application/json")
    again = client.post(url, HTTP_ACCEPT="application/json")

    assert first.json() == again.json() == {"id": point.pk, "supported": True}
    point.refresh_from_db()
    assert point.supports == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"status": LivePoint.Status.PENDING},
        {"status": LivePoint.Status.HIDDEN},
        {"status": LivePoint.Status.APPROVED, "is_flagged": True},
    ],
    ids=["pending", "hidden", "flagged"],
)
def test_a_point_not_on_the_screen_cannot_be_supported(client, session, fields):
    point = LivePointFactory(session=session, **fields)

    response = client.post(
        phone_url(session, f"support/{point.pk}/"), HTTP_ACCEPT="application/json"
    )

    assert response.json() == {"id": point.pk, "supported": False}
    point.refresh_from_db()
    assert point.supports == 0


def test_a_point_of_another_session_is_not_found(client, session, coordinator_user):
    elsewhere = live_session_open(event=EventFactory(past=True), by=coordinator_user)
    point = approved(elsewhere, "Somewhere else")
    assert client.post(phone_url(session, f"support/{point.pk}/")).status_code == 404


# Answering a poll ------------------------------------------------------------------


def test_a_phone_answers_a_poll_once_and_another_phone_adds_its_own(session):
    poll = open_poll(session)
    phone, other_phone = Client(), Client()
    url = phone_url(session, f"answer/{poll.pk}/")

    first = phone.post(url, {"value": "1"})
    phone.post(url, {"value": "0"})
    assert first.status_code == 302 and first["Location"] == phone_url(session) + "#poll"
    assert list(LivePollAnswer.objects.values_list("value", flat=True)) == [1]

    other_phone.post(url, {"value": "0"})
    assert LivePollAnswer.objects.filter(poll=poll).count() == 2

    page = phone.get(phone_url(session)).content.decode()
    assert "Thank you, you answered." in page
    assert 'name="value"' not in page


def test_the_script_gets_json_for_an_answer(client, session):
    poll = open_poll(session)
    url = phone_url(session, f"answer/{poll.pk}/")

    first = client.post(url, {"value": "1"}, HTTP_ACCEPT="application/json")
    again = client.post(url, {"value": "1"}, HTTP_ACCEPT="application/json")

    assert first.json() == again.json() == {"id": poll.pk, "answered": True}
    assert LivePollAnswer.objects.count() == 1


def test_answering_a_closed_poll_stores_nothing_and_says_so(client, session):
    poll = open_poll(session)
    live_poll_close(poll=poll)

    response = client.post(phone_url(session, f"answer/{poll.pk}/"), {"value": "1"}, follow=True)

    assert "That question has closed." in response.content.decode()
    assert not LivePollAnswer.objects.exists()
    json_answer = client.post(
        phone_url(session, f"answer/{poll.pk}/"), {"value": "1"}, HTTP_ACCEPT="application/json"
    )
    assert json_answer.json() == {"id": poll.pk, "answered": False}


def test_an_answer_without_a_choice_is_explained_beside_the_question(client, session):
    poll = open_poll(session)

    response = client.post(phone_url(session, f"answer/{poll.pk}/"), {})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose an answer." in page
    assert 'href="#id_value_0"' in page  # the error summary leads to the first answer
    assert not LivePollAnswer.objects.exists()


# The state the page polls for ------------------------------------------------------


def test_the_state_has_an_etag_answers_not_modified_and_changes_with_the_room(
    client, session, django_capture_on_commit_callbacks
):
    point = LivePointFactory(session=session, text="Lights in the underpass", status="pending")
    url = phone_url(session, "state/")

    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    state = first.json()
    assert state["question"] == QUESTION and state["points"] == [] and state["open"]

    unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304 and unchanged["ETag"] == etag

    with django_capture_on_commit_callbacks(execute=True):
        live_point_moderate(point=point, approve=True)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert [shown["text"] for shown in changed.json()["points"]] == ["Lights in the underpass"]


def test_the_state_shows_the_open_poll_and_hides_it_once_closed(
    client, session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        poll = open_poll(session)
    state = client.get(phone_url(session, "state/")).json()
    assert state["poll"]["id"] == poll.pk and state["poll"]["answers"] == ["Tuesday", "Thursday"]

    with django_capture_on_commit_callbacks(execute=True):
        live_poll_close(poll=poll)
    assert client.get(phone_url(session, "state/")).json()["poll"] is None


def test_the_state_in_somali_has_the_somali_question(client, session):
    question = session.current_key_question
    question.translations = {"so": {"text": SOMALI_QUESTION}}
    question.save()

    response = client.get(f"/so{phone_url(session, 'state/')}")

    assert response.status_code == 200
    assert response.json()["question"] == SOMALI_QUESTION
    assert response.json()["language"] == "so"
    english = client.get(phone_url(session, "state/"))
    assert english.json()["question"] == QUESTION
    assert english["ETag"] != response["ETag"]


def test_the_phone_page_in_somali_asks_the_somali_question(client, session):
    question = session.current_key_question
    question.translations = {"so": {"text": SOMALI_QUESTION}}
    question.save()

    page = client.get(f"/so{phone_url(session)}").content.decode()

    assert SOMALI_QUESTION in page
    assert f'action="/so/live/{session.code}/send/"' in page


def test_an_untranslated_question_is_marked_as_english(client, session):
    page = client.get(f"/so{phone_url(session)}").content.decode()
    assert f'<span lang="en-gb" dir="ltr">{QUESTION}</span>' in page


def test_the_state_of_an_unknown_session_is_not_found(client):
    assert client.get("/live/ACDEFX/state/").status_code == 404


# When the session has ended ----------------------------------------------------------


def test_a_closed_session_says_thank_you_and_points_to_the_events_form(
    client, session, coordinator_user
):
    point = approved(session, "More officers on foot")
    live_session_close(session=session, by=coordinator_user)

    response = client.get(phone_url(session))

    page = response.content.decode()
    assert response.status_code == 410
    assert "The live session has ended" in page and "Thank you" in page
    assert f'href="/give-feedback/{session.event.feedback_token}/"' in page
    for part in ("send/", f"support/{point.pk}/"):
        assert client.post(phone_url(session, part), {"text": "Late"}).status_code == 410
    assert LivePoint.objects.count() == 1


def test_the_events_form_invites_people_to_join_while_a_session_is_open(
    client, session, coordinator_user
):
    address = f"/give-feedback/{session.event.feedback_token}/"

    page = client.get(address).content.decode()
    assert "A live session is on in the room now" in page
    assert f'href="/live/{session.code}/"' in page

    live_session_close(session=session, by=coordinator_user)
    assert "A live session is on" not in client.get(address).content.decode()


def test_the_general_form_has_no_live_session_notice(client, session):
    assert "A live session is on" not in client.get("/give-feedback/").content.decode()


# Hostile input ---------------------------------------------------------------------


def test_a_nul_byte_in_a_point_is_refused_without_a_server_error(client, session):
    response = send(client, session, text="More patrols\x00 please")

    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
    assert not LivePoint.objects.exists()


def test_a_nul_byte_in_the_address_is_refused_by_the_middleware(client, session):
    response = client.get("/live/", {"code": "KD4\x00TQM"})
    assert response.status_code == 400


@pytest.mark.parametrize("part", ["", "state/", "send/", "support/1/", "answer/1/"])
def test_a_nul_byte_for_the_code_in_the_address_is_not_found(client, session, part):
    # The code in the path went to the database, which refuses a NUL byte: a 500.
    request = client.get if part in ("", "state/") else client.post
    assert request(f"/live/%00/{part}").status_code == 404


def test_a_code_typed_into_the_address_with_a_dash_or_a_space_opens_the_phone_page(client, session):
    code = session.code
    for typed in (f"{code[:3]}-{code[3:]}", f"{code[:3]}%20{code[3:]}".lower()):
        assert client.get(f"/live/{typed}/").status_code == 200


def test_a_100_kb_point_is_refused_as_too_long(client, session):
    response = send(client, session, text="x" * 100_000)

    assert response.status_code == 400
    assert "Please keep it to 1000 characters or fewer." in response.content.decode()
    assert not LivePoint.objects.exists()


@pytest.mark.parametrize("value", ["two", "1.5", "-1", "99", ""])
def test_a_poll_answer_that_is_not_one_of_the_answers_is_refused(client, session, value):
    poll = open_poll(session)

    response = client.post(phone_url(session, f"answer/{poll.pk}/"), {"value": value})

    assert response.status_code == 400
    assert not LivePollAnswer.objects.exists()


def test_a_kind_that_does_not_exist_is_refused(client, session):
    assert send(client, session, kind="shout").status_code == 400
    assert not LivePoint.objects.exists()


@pytest.mark.parametrize(
    ("method", "part"),
    [
        ("get", "send/"),
        ("get", "support/1/"),
        ("get", "answer/1/"),
        ("post", "state/"),
        ("post", ""),
        ("put", ""),
        ("delete", "send/"),
    ],
)
def test_the_wrong_method_is_not_allowed(client, session, method, part):
    response = getattr(client, method)(phone_url(session, part))
    assert response.status_code == 405


def test_a_tampered_cookie_is_ignored(client, session):
    point = approved(session, "More officers on foot")
    client.cookies[f"cv-live-{session.code}"] = "not-signed"

    client.post(phone_url(session, f"support/{point.pk}/"))

    point.refresh_from_db()
    assert point.supports == 1
