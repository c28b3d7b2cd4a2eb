"""The live session: the phone pages people in the room use (public, no account), and
the moderator's page and the room's screen (staff, or a focus-group member
facilitating at the event).

Phone pages are plain forms that work with JavaScript off; with it, they update
themselves from the state endpoint and keep what was typed while the signal is lost.
Which points a phone supported and which polls it answered live in a signed cookie on
that phone, never on the server."""

import json
from functools import wraps

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.signing import BadSignature
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engagement.ratelimit import too_many
from engagement.roles import Capability, can
from events.access import get_event_for
from feedback.forms.live import (
    LiveJoinForm,
    LiveKeyQuestionForm,
    LivePointForm,
    LivePollAnswerForm,
    LivePollForm,
    LiveTablesForm,
    normalise_join_code,
)
from feedback.live_state import cached_state, phone_state, poll_question, screen_state
from feedback.models import FocusGroupMember, LivePoint, LivePoll, LiveSession
from feedback.selectors import key_questions_for_form
from feedback.services.live import (
    LiveSessionClosed,
    live_point_merge,
    live_point_moderate,
    live_point_send,
    live_point_support,
    live_poll_answer,
    live_poll_close,
    live_poll_create,
    live_poll_open,
    live_poll_results,
    live_session_close,
    live_session_open,
    live_set_key_question,
    live_tables_split,
    live_tables_together,
)

COOKIE_SALT = "community-voice-live-phone"
COOKIE_HOURS = 12


# The phone's memory ----------------------------------------------------------------


def _cookie_name(session: LiveSession) -> str:
    return f"cv-live-{session.code}"


def _phone_memory(request, session: LiveSession) -> dict:
    try:
        raw = request.get_signed_cookie(
            _cookie_name(session), salt=COOKIE_SALT, max_age=COOKIE_HOURS * 3600
        )
        memory = json.loads(raw)
    except (KeyError, BadSignature, ValueError, TypeError):
        # No cookie, an expired or altered one, or one that is not ours: a fresh phone.
        return {"supported": [], "answered": []}
    if not isinstance(memory, dict):
        return {"supported": [], "answered": []}
    return {
        key: [value for value in memory.get(key, []) if isinstance(value, int)][-200:]
        for key in ("supported", "answered")
    }


def _remember(response, session: LiveSession, memory: dict):
    response.set_signed_cookie(
        _cookie_name(session),
        json.dumps(memory, separators=(",", ":")),
        salt=COOKIE_SALT,
        max_age=COOKIE_HOURS * 3600,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
    return response


def _too_many(request, scope: str) -> bool:
    return too_many(
        request,
        scope=scope,
        limit=settings.LIVE_RATE_LIMIT,
        window_seconds=settings.FEEDBACK_RATE_WINDOW_MINUTES * 60,
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _session_for_phone(code: str) -> LiveSession:
    session = (
        LiveSession.objects.select_related("event", "current_key_question")
        .filter(code=normalise_join_code(code))
        .first()
    )
    if session is None:
        raise Http404
    return session


def _closed(request, session: LiveSession):
    return render(request, "feedback/live/closed.html", {"session": session}, status=410)


# Public: phones --------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def live_join(request):
    form = LiveJoinForm(request.POST if request.method == "POST" else request.GET or None)
    if form.is_bound and form.is_valid():
        if too_many(
            request,
            scope="live-join",
            limit=settings.LIVE_JOIN_RATE_LIMIT,
            window_seconds=settings.FEEDBACK_RATE_WINDOW_MINUTES * 60,
        ):
            return render(request, "feedback/too_many.html", status=429)
        session = LiveSession.objects.filter(code=form.cleaned_data["code"]).first()
        if session is not None:
            return redirect("live-phone", code=session.code)
        form.add_error(
            "code",
            _("There is no session with that code. Check the code on the screen in the room."),
        )
    return render(request, "feedback/live/join.html", {"form": form})


def _phone_page(request, session, *, point_form=None, poll_form=None, status=200):
    memory = _phone_memory(request, session)
    poll = session.polls.filter(status=LivePoll.Status.OPEN).first()
    tables = session.tables.all() if session.is_split else ()
    return render(
        request,
        "feedback/live/phone.html",
        {
            "session": session,
            "event": session.event,
            "point_form": point_form or LivePointForm(tables=tables),
            "points": session.points.on_screen().select_related("table")[:50],
            "supported": set(memory["supported"]),
            "poll": poll,
            "poll_question": poll_question(poll) if poll else "",
            "poll_form": poll_form or (LivePollAnswerForm(poll=poll) if poll else None),
            "answered": poll is not None and poll.pk in memory["answered"],
        },
        status=status,
    )


@never_cache
@require_GET
def live_phone(request, code):
    session = _session_for_phone(code)
    if not session.is_open:
        return _closed(request, session)
    return _phone_page(request, session)


@require_POST
def live_send(request, code):
    session = _session_for_phone(code)
    if not session.is_open:
        return _closed(request, session)
    tables = session.tables.all() if session.is_split else ()
    form = LivePointForm(request.POST, tables=tables)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"errors": form.errors}, status=400)
        return _phone_page(request, session, point_form=form, status=400)
    if _too_many(request, "live-send"):
        return render(request, "feedback/too_many.html", status=429)
    try:
        point = live_point_send(
            session=session,
            text=form.cleaned_data["text"],
            kind=form.cleaned_data["kind"],
            client_reference=form.cleaned_data["client_reference"] or None,
            table=form.cleaned_data.get("table"),
        )
    except LiveSessionClosed:
        return _closed(request, session)
    if _wants_json(request):
        return JsonResponse(
            {"id": point.pk, "client_reference": point.client_reference}, status=201
        )
    messages.success(request, _("Thank you. The moderator reads it before it goes on the screen."))
    return redirect("live-phone", code=session.code)


@require_POST
def live_support(request, code, point_pk):
    session = _session_for_phone(code)
    if not session.is_open:
        return _closed(request, session)
    point = get_object_or_404(LivePoint, pk=point_pk, session=session)
    memory = _phone_memory(request, session)
    supported = point.pk in memory["supported"]
    if not supported and not _too_many(request, "live-send") and live_point_support(point=point):
        memory["supported"].append(point.pk)
        supported = True
    if _wants_json(request):
        response = JsonResponse({"id": point.pk, "supported": supported})
    else:
        response = redirect(reverse("live-phone", kwargs={"code": session.code}) + "#points")
    return _remember(response, session, memory)


@require_POST
def live_answer(request, code, poll_pk):
    session = _session_for_phone(code)
    if not session.is_open:
        return _closed(request, session)
    poll = get_object_or_404(LivePoll, pk=poll_pk, session=session)
    memory = _phone_memory(request, session)
    if poll.pk in memory["answered"]:
        # Answered already from this phone: once counts.
        answered = True
    elif poll.status != LivePoll.Status.OPEN:
        answered = False
    else:
        form = LivePollAnswerForm(request.POST, poll=poll)
        if not form.is_valid():
            if _wants_json(request):
                return JsonResponse({"errors": form.errors}, status=400)
            return _phone_page(request, session, poll_form=form, status=400)
        answered = not _too_many(request, "live-send") and live_poll_answer(
            poll=poll, value=form.cleaned_data["value"]
        )
        if answered:
            memory["answered"].append(poll.pk)
    if _wants_json(request):
        response = JsonResponse({"id": poll.pk, "answered": answered})
    else:
        if answered:
            messages.success(request, _("Thank you for answering."))
        else:
            messages.info(request, _("That question has closed."))
        response = redirect(reverse("live-phone", kwargs={"code": session.code}) + "#poll")
    return _remember(response, session, memory)


def _state_response(request, found):
    etag, body = found
    # A proxy that compresses the answer may weaken the tag to W/"…": still the same.
    asked = [
        tag.strip().removeprefix("W/")
        for tag in request.headers.get("If-None-Match", "").split(",")
    ]
    if etag in asked:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response.headers["ETag"] = etag
    # Each time, ask: the answer is usually "not modified", from the cache.
    patch_cache_control(response, no_cache=True, private=True)
    return response


@require_GET
def live_phone_state(request, code):
    language = get_language()
    found = cached_state(normalise_join_code(code), f"phone-{language}", phone_state)
    if found is None:
        raise Http404
    response = _state_response(request, found)
    patch_vary_headers(response, ["Accept-Language"])
    return response


# Staff: moderating and the screen --------------------------------------------------


def _may_moderate(user, session: LiveSession) -> bool:
    """A Coordinator, or a focus-group member recorded as facilitating at the event."""
    if not user.is_authenticated:
        return False
    if can(user, Capability.MANAGE_FEEDBACK):
        return True
    return (
        can(user, Capability.USE_PANEL)
        and FocusGroupMember.objects.filter(user=user, events_facilitated=session.event_id).exists()
    )


def _session_to_moderate(request, pk) -> LiveSession:
    session = get_object_or_404(
        LiveSession.objects.select_related("event", "current_key_question"), pk=pk
    )
    if not _may_moderate(request.user, session):
        raise PermissionDenied
    return session


@login_required
@require_POST
def live_open(request, pk):
    event = get_event_for(request, pk, capability=Capability.MANAGE_FEEDBACK)
    session = live_session_open(event=event, by=request.user)
    return redirect(session.get_staff_url())


def _join_url(session: LiveSession) -> str:
    return f"{settings.SITE_URL}{reverse('live-phone', kwargs={'code': session.code})}"


@never_cache
@login_required
@require_GET
def live_moderate(request, pk):
    session = _session_to_moderate(request, pk)
    points = session.points.select_related("table", "key_question")
    open_poll = session.polls.filter(status=LivePoll.Status.OPEN).first()
    return render(
        request,
        "feedback/live/moderate.html",
        {
            "session": session,
            "event": session.event,
            "pending": points.filter(status=LivePoint.Status.PENDING).order_by("pk"),
            "flagged": points.filter(is_flagged=True).exclude(status=LivePoint.Status.HIDDEN),
            "approved": points.filter(status=LivePoint.Status.APPROVED, is_flagged=False).order_by(
                "-supports", "pk"
            ),
            "polls": [(poll, live_poll_results(poll)) for poll in session.polls.all()],
            "open_poll": open_poll,
            "question_form": LiveKeyQuestionForm(
                key_questions=key_questions_for_form(programme=session.event.programme),
                initial={"key_question": session.current_key_question_id},
            ),
            "poll_form": LivePollForm(),
            "tables_form": LiveTablesForm(),
            "tables": session.tables.all(),
            "join_url": _join_url(session),
            "is_coordinator": can(request.user, Capability.MANAGE_FEEDBACK),
        },
    )


def _back_to_moderation(session):
    return redirect(session.get_staff_url())


def _closed_for_staff(request, session):
    messages.error(request, _("The session has closed."))
    return _back_to_moderation(session)


def _moderation_action(view):
    """A moderator's button: signed in, POST only, allowed for this session, and back
    to the moderator's page afterwards, with a message if the session has closed."""

    @login_required
    @require_POST
    @wraps(view)
    def wrapped(request, pk, **kwargs):
        session = _session_to_moderate(request, pk)
        try:
            view(request, session, **kwargs)
        except LiveSessionClosed:
            return _closed_for_staff(request, session)
        return _back_to_moderation(session)

    return wrapped


@_moderation_action
def live_point_action(request, session, point_pk):
    point = get_object_or_404(LivePoint, pk=point_pk, session=session)
    action = request.POST.get("action")
    if action == "approve":
        if not live_point_moderate(point=point, approve=True):
            messages.error(
                request,
                _("A flagged point never goes on the screen. It goes to the inbox, flagged."),
            )
    elif action == "hide":
        live_point_moderate(point=point, approve=False)
    elif action == "merge":
        into = LivePoint.objects.filter(pk=request.POST.get("into") or 0, session=session).first()
        if into is None or not live_point_merge(point=point, into=into):
            messages.error(request, _("Choose a point on the screen to merge it into."))
    else:
        messages.error(request, _("Choose what to do with the point."))


@_moderation_action
def live_question(request, session):
    form = LiveKeyQuestionForm(
        request.POST, key_questions=key_questions_for_form(programme=session.event.programme)
    )
    if form.is_valid():
        live_set_key_question(session=session, key_question=form.cleaned_data["key_question"])
    else:
        messages.error(request, _("Choose one of the programme's key questions."))


@_moderation_action
def live_poll_new(request, session):
    form = LivePollForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return
    live_poll_create(
        session=session,
        question=form.cleaned_data["question"],
        kind=form.cleaned_data["kind"],
        options=form.cleaned_data["option_list"],
    )
    messages.success(request, _("The question is ready. Open it when the room is ready."))


@_moderation_action
def live_poll_action(request, session, poll_pk):
    poll = get_object_or_404(LivePoll, pk=poll_pk, session=session)
    if request.POST.get("action") == "open":
        live_poll_open(poll=poll)
    else:
        live_poll_close(poll=poll)


@_moderation_action
def live_tables(request, session):
    if request.POST.get("action") == "together":
        live_tables_together(session=session)
        return
    form = LiveTablesForm(request.POST)
    if form.is_valid():
        live_tables_split(session=session, count=form.cleaned_data["count"])
    else:
        messages.error(request, _("Choose how many tables."))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def live_close(request, pk):
    session = _session_to_moderate(request, pk)
    if not can(request.user, Capability.MANAGE_FEEDBACK):
        raise PermissionDenied
    if request.method == "POST":
        try:
            made = live_session_close(session=session, by=request.user)
        except LiveSessionClosed:
            return _closed_for_staff(request, session)
        messages.success(
            request,
            _("The session is closed. %(count)s items are in the feedback inbox for the event.")
            % {"count": made},
        )
        return redirect(
            reverse("feedback:inbox") + "?" + f"event={session.event_id}&source=live_session"
        )
    return render(request, "feedback/live/close.html", {"session": session})


@never_cache
@login_required
@require_GET
def live_screen(request, pk):
    session = _session_to_moderate(request, pk)
    join_url = _join_url(session)
    qr_svg = segno.make(join_url, error="m").svg_inline(
        scale=6, border=2, omitsize=True, title=_("QR code to join from a phone")
    )
    return render(
        request,
        "feedback/live/screen.html",
        {
            "session": session,
            "join_url": join_url,
            "join_address": join_url.split("://", 1)[-1],
            "qr_svg": qr_svg,
            "state": screen_state(session),
        },
    )


@login_required
@require_GET
def live_screen_state(request, pk):
    session = _session_to_moderate(request, pk)
    return _state_response(request, cached_state(session.code, "screen", screen_state))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def live_table_notes(request, pk, number):
    """A table's notes, typed by its facilitator: approved as written, offline-safe
    like the event's live notes."""
    session = _session_to_moderate(request, pk)
    table = get_object_or_404(session.tables, number=number)
    wants_json = _wants_json(request)
    form = LivePointForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                point = live_point_send(
                    session=session,
                    text=form.cleaned_data["text"],
                    kind=form.cleaned_data["kind"],
                    client_reference=form.cleaned_data["client_reference"] or None,
                    table=table,
                    recorded_by=request.user,
                )
            except LiveSessionClosed:
                if wants_json:
                    return JsonResponse(
                        {"errors": {"__all__": [_("The session has closed.")]}}, status=410
                    )
                return _closed_for_staff(request, session)
            if wants_json:
                return JsonResponse(
                    {
                        "id": point.pk,
                        "client_reference": point.client_reference,
                        "text": point.text,
                        "flagged": point.is_flagged,
                    },
                    status=201,
                )
            return redirect(request.path)
        if wants_json:
            return JsonResponse({"errors": form.errors}, status=400)
    return render(
        request,
        "feedback/live/table_notes.html",
        {
            "session": session,
            "table": table,
            "form": form,
            "notes": table.points.order_by("-pk"),
        },
    )
