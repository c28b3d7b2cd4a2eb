"""What the phones and the room's screen poll for, as JSON with an ETag.

The state is built once per version of the session (and per language, for phones) and
kept in the cache under that version, so a room of phones asking every two seconds
costs one cache read each, and a 304 when nothing changed. The session's current
version is cached too and replaced when a change commits. If the cache is away, the
state is built from the database every time: slower, never wrong."""

import contextlib
import json

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from engagement.translatable import shown_text
from feedback.models import LivePoint, LivePoll, LiveSession
from feedback.services.live import TRUST_QUESTION, live_poll_results

STATE_SECONDS = 120
POINTS_ON_SCREEN = 12


def _version_key(code: str) -> str:
    return f"live:{code}:version"


def _state_key(code: str, version: int, audience: str) -> str:
    return f"live:{code}:{version}:{audience}"


def forget_live_state(session: LiveSession) -> None:
    """After a change commits: phones and the screen fetch the new version."""
    version = LiveSession.objects.values_list("version", flat=True).get(pk=session.pk)
    # The cache being away must not undo the change: the state is then built each time.
    _cache_set(_version_key(session.code), version)


def _cache_get(key):
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001
        return None


def _cache_set(key, value) -> None:
    with contextlib.suppress(Exception):
        cache.set(key, value, STATE_SECONDS)


def cached_state(code: str, audience: str, build) -> tuple[str, bytes] | None:
    """(etag, body) for the session with this join code, or None if there is none.
    `build(session)` makes the state as a dict."""
    version = _cache_get(_version_key(code))
    if version is not None:
        found = _cache_get(_state_key(code, version, audience))
        if found is not None:
            return found
    session = LiveSession.objects.select_related("current_key_question").filter(code=code).first()
    if session is None:
        return None
    _cache_set(_version_key(code), session.version)
    body = json.dumps(build(session), ensure_ascii=False).encode("utf-8")
    found = (f'"{session.version}-{audience}"', body)
    _cache_set(_state_key(code, session.version, audience), found)
    return found


def poll_question(poll: LivePoll) -> str:
    """The standard trust question is asked in the reader's language."""
    if poll.question == TRUST_QUESTION:
        return _("How much do you trust the police in this area?")
    return poll.question


def _poll_state(poll: LivePoll | None, *, with_results: bool) -> dict | None:
    if poll is None:
        return None
    state = {
        "id": poll.pk,
        "question": poll_question(poll),
        "kind": poll.kind,
        "answers": poll.answer_labels(),
        "open": poll.status == LivePoll.Status.OPEN,
    }
    if poll.kind == LivePoll.Kind.SCALE:
        state["scale"] = [_("Not at all"), _("Completely")]
    if with_results:
        results = live_poll_results(poll)
        state["results"] = [count for _label, count in results]
        state["answered"] = sum(state["results"])
    return state


def _point_state(point: LivePoint) -> dict:
    return {
        "id": point.pk,
        "text": point.text,
        "kind": point.kind,
        "supports": point.supports,
        "table": point.table.number if point.table_id else None,
    }


def _current_poll(session: LiveSession) -> LivePoll | None:
    return session.polls.filter(status=LivePoll.Status.OPEN).first()


def phone_state(session: LiveSession) -> dict:
    question = session.current_key_question
    points = session.points.on_screen().select_related("table")[:50]
    return {
        "version": session.version,
        "open": session.is_open,
        "language": get_language(),
        "question": str(shown_text(question, "text")) if question else "",
        "points": [_point_state(point) for point in points],
        "poll": _poll_state(_current_poll(session), with_results=False),
    }


def screen_state(session: LiveSession) -> dict:
    question = session.current_key_question
    open_poll = _current_poll(session)
    shown_poll = open_poll or session.polls.filter(status=LivePoll.Status.CLOSED).last()
    state = {
        "version": session.version,
        "open": session.is_open,
        "question": question.text if question else "",
        "points": [
            _point_state(point)
            for point in session.points.on_screen().select_related("table")[:POINTS_ON_SCREEN]
        ],
        "poll": _poll_state(shown_poll, with_results=True),
        "split": session.is_split,
        "tables": [],
    }
    if session.tables.exists() and not session.is_split:
        # The tables have come back together: what each one said.
        for table in session.tables.all():
            notes = table.points.filter(status=LivePoint.Status.APPROVED, is_flagged=False)
            state["tables"].append(
                {"number": table.number, "notes": [note.text for note in notes.order_by("pk")[:6]]}
            )
    return state
