"""The live session's services: opening, what phones send, moderation, supports,
polls, tables, closing into the inbox, and trust before and after."""

import pytest
from django.db import IntegrityError

from feedback.models import FeedbackItem, LivePoint, LivePoll, LiveSession
from feedback.selectors import trust_before_and_after
from feedback.services.live import (
    TRUST_QUESTION,
    LiveSessionClosed,
    live_point_merge,
    live_point_moderate,
    live_point_send,
    live_point_support,
    live_poll_answer,
    live_poll_create,
    live_poll_open,
    live_poll_results,
    live_session_close,
    live_session_open,
    live_tables_split,
    live_tables_together,
)
from feedback.tests.factories import KeyQuestionFactory, ProgrammeKeyQuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(event_factory, coordinator):
    event = event_factory(past=True)
    question = KeyQuestionFactory(text="How can the police better respect this community?")
    ProgrammeKeyQuestionFactory(programme=event.programme, key_question=question, position=1)
    return live_session_open(event=event, by=coordinator)


def test_opening_gives_a_join_code_the_first_key_question_and_the_trust_pair(session):
    assert len(session.code) == 6
    assert session.current_key_question.text.startswith("How can the police")
    purposes = set(session.polls.values_list("purpose", flat=True))
    assert purposes == {LivePoll.Purpose.TRUST_BEFORE, LivePoll.Purpose.TRUST_AFTER}
    assert set(session.polls.values_list("question", flat=True)) == {TRUST_QUESTION}


def test_opening_twice_returns_the_open_session_and_the_database_allows_only_one(
    session, coordinator
):
    assert live_session_open(event=session.event, by=coordinator) == session
    with pytest.raises(IntegrityError):
        LiveSession.objects.create(event=session.event, opened_by=coordinator)


def test_a_point_waits_for_the_moderator_redacted_and_sent_twice_is_stored_once(session):
    text = "Call me on 07700 900123 about the patrols"
    point = live_point_send(session=session, text=text, client_reference="ref-1")
    again = live_point_send(session=session, text=text, client_reference="ref-1")

    assert again == point
    assert session.points.count() == 1
    assert point.status == LivePoint.Status.PENDING
    assert "07700" not in point.text and point.original_text == text
    assert point.key_question == session.current_key_question
    assert not session.points.on_screen().exists()


def test_safeguarding_words_flag_a_point_which_never_reaches_the_screen(session):
    point = live_point_send(session=session, text="My husband hits me and I am scared to go home")

    assert point.is_flagged
    assert live_point_moderate(point=point, approve=True) is False
    point.refresh_from_db()
    assert point.status == LivePoint.Status.PENDING
    assert list(session.points.on_screen()) == []


def test_a_facilitators_table_note_is_approved_as_written(session, coordinator):
    live_tables_split(session=session, count=3)
    table = session.tables.get(number=2)
    note = live_point_send(
        session=session, text="More patrols at night", table=table, recorded_by=coordinator
    )
    assert note.status == LivePoint.Status.APPROVED and note.table == table


def test_supports_count_only_on_approved_points_and_merging_adds_them(session):
    first = live_point_send(session=session, text="More officers on foot please")
    second = live_point_send(session=session, text="We want officers walking the estate")
    assert live_point_support(point=first) is False  # still waiting

    live_point_moderate(point=first, approve=True)
    assert live_point_support(point=first) is True
    assert live_point_merge(point=second, into=first) is True

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.supports == 2  # one support, and the duplicate's sender
    assert second.status == LivePoint.Status.MERGED and second.merged_into == first
    assert live_point_merge(point=first, into=first) is False


def test_one_poll_is_open_at_a_time_and_answers_count_only_while_open(session):
    poll = live_poll_create(
        session=session, question="Which night?", kind=LivePoll.Kind.CHOICE, options=["Tue", "Thu"]
    )
    trust = session.polls.get(purpose=LivePoll.Purpose.TRUST_BEFORE)
    live_poll_open(poll=trust)
    assert live_poll_answer(poll=trust, value=4)
    live_poll_open(poll=poll)

    trust.refresh_from_db()
    assert trust.status == LivePoll.Status.CLOSED
    assert live_poll_answer(poll=trust, value=4) is False
    assert live_poll_answer(poll=poll, value=1)
    assert live_poll_answer(poll=poll, value=7) is False  # no such answer
    assert live_poll_results(poll) == [("Tue", 0), ("Thu", 1)]


def test_every_change_raises_the_version_phones_and_the_screen_poll(session):
    before = LiveSession.objects.get(pk=session.pk).version
    live_point_send(session=session, text="More patrols")
    live_tables_split(session=session, count=2)
    live_tables_together(session=session)
    assert LiveSession.objects.get(pk=session.pk).version == before + 3


def test_closing_moves_what_was_said_into_the_inbox_and_stops_everything(session, coordinator):
    approved = live_point_send(session=session, text="Explain stop and search to us")
    live_point_moderate(point=approved, approve=True)
    hidden = live_point_send(session=session, text="spam spam spam")
    live_point_moderate(point=hidden, approve=False)
    flagged = live_point_send(session=session, text="Someone threatened to kill my brother")
    live_point_moderate(point=flagged, approve=False)
    waiting = live_point_send(session=session, text="Why do we never see officers?")
    live_tables_split(session=session, count=2)
    note = live_point_send(
        session=session,
        text="Table one wants a youth club visit",
        table=session.tables.first(),
        recorded_by=coordinator,
    )
    trust = session.polls.get(purpose=LivePoll.Purpose.TRUST_BEFORE)
    live_poll_open(poll=trust)
    live_poll_answer(poll=trust, value=2)

    made = live_session_close(session=session, by=coordinator)

    items = FeedbackItem.objects.filter(event=session.event)
    assert made == 5 == items.count()
    texts = set(items.values_list("text", flat=True))
    assert "spam spam spam" not in texts
    for point in (approved, flagged, waiting, note):
        point.refresh_from_db()
        assert point.feedback_item.key_question == session.current_key_question
    flagged_item = FeedbackItem.objects.get(pk=flagged.feedback_item_id)
    assert flagged_item.is_safeguarding_flagged
    assert FeedbackItem.objects.get(pk=note.feedback_item_id).source == "discussion_note"
    assert FeedbackItem.objects.get(pk=approved.feedback_item_id).source == "live_session"
    assert items.filter(text__startswith="Poll in the room").count() == 1

    session.refresh_from_db()
    assert session.status == LiveSession.Status.CLOSED
    with pytest.raises(LiveSessionClosed):
        live_point_send(session=session, text="Too late")
    with pytest.raises(LiveSessionClosed):
        live_session_close(session=session, by=coordinator)
    assert live_point_support(point=approved) is False


def test_trust_before_and_after_is_hidden_below_the_threshold(
    session, coordinator, settings, django_assert_max_num_queries
):
    settings.SUPPRESSION_THRESHOLD = 10
    before = session.polls.get(purpose=LivePoll.Purpose.TRUST_BEFORE)
    after = session.polls.get(purpose=LivePoll.Purpose.TRUST_AFTER)
    live_poll_open(poll=before)
    for value in [1] * 6 + [3] * 6:  # twelve people: "2" six times and "4" six times
        live_poll_answer(poll=before, value=value)
    live_poll_open(poll=after)
    for value in [3, 4, 4]:
        live_poll_answer(poll=after, value=value)

    with django_assert_max_num_queries(2):
        rows, overall = trust_before_and_after()

    (row,) = rows
    assert row.event == session.event
    assert (row.before.answered, row.before.mean, row.before.share_trusting) == (12, 3.0, 50)
    assert row.after.answered == 3 and row.after.mean is None and row.after.share_trusting is None
    assert overall.before.answered == 12
