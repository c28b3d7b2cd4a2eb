"""Whole public pages kept in the cache for anonymous visitors.

Most visits to the public site are the same page for everyone: the home page, the
events, an event's feedback form from its QR code. Rendering them is most of what the
server does, so each is rendered once per language and kept until something a public
page shows changes (any save or delete, except the high-volume records listed in
UNSHOWN_MODELS), or for PUBLIC_PAGE_CACHE_SECONDS at most, which bounds how late a page
notices time passing (an event starting, a form closing).

Only anonymous GETs with no session and no pending messages are served from the cache,
and only 200 responses are kept. The two values on a form that must differ per visit,
the CSRF token and the form's one-time nonce, are left as holes in the kept page and
filled in afresh for each visitor. When the cache cannot be reached, pages are rendered
as if nothing were kept.
"""

import functools
import hashlib
import re
import secrets

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token

from engagement.kept import changed, current, keep, warn_outage
from engagement.kept import kept_together as kept_values_together

PUBLIC = "public"
CSRF_HOLE = "\x00csrf\x00"
NONCE_HOLE = "\x00nonce\x00"
HOLES = re.compile(r'(<input\b[^>]*\bname="(csrfmiddlewaretoken|form_nonce)"[^>]*\bvalue=")[^"]*"')
# Headers the view itself sets that a kept page must repeat; the middleware adds the
# rest (security headers, Vary, cookies) to every response.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")
# Records written by visitors and staff all day that no public page shows: a save of
# one must not throw every public page away.
UNSHOWN_MODELS = {
    "admin.logentry",
    "auth.permission",
    "auth.user",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "axes.accessfailurelog",
    "axes.accesslog",
    "contacts.attendance",
    "contacts.attendee",
    "contacts.consentrecord",
    "contacts.invitation",
    "contacts.outboxmessage",
    "contacts.pendingsignup",
    "contenttypes.contenttype",
    "engagement.auditlogentry",
    "engagement.heartbeat",
    "engagement.staffpreferences",
    "evaluation.aboutyoucard",
    "evaluation.answer",
    "evaluation.heldform",
    "evaluation.response",
    "evaluation.surveyimport",
    "feedback.feedbackitem",
    "feedback.focusgroupinvitation",
    "feedback.focusgroupmember",
    "feedback.livepoint",
    "feedback.livepollanswer",
    "feedback.meetingreply",
    "feedback.pendingsubmission",
    "feedback.safeguardingflagchange",
    "feedback.sectionanswer",
    "feedback.sensecheckrequest",
    "feedback.submission",
    "actions.digestrun",
    "otp_totp.totpdevice",
    "sessions.session",
}


def _may_use_cache(request) -> bool:
    return (
        settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and len(request.META.get("QUERY_STRING", "")) <= 200
    )


def _page_key(request) -> str:
    # Hashed, as an address may be long or hold characters a cache key may not.
    page = f"{request.get_host()} {request.LANGUAGE_CODE} {request.get_full_path()}"
    return f"public-pages:{hashlib.sha256(page.encode()).hexdigest()}"


def cached_public_page(view):
    """Serve the view's page from the cache for anonymous visitors (see the module's
    docstring); render and keep it when it is not there."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _may_use_cache(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        try:
            version, found = current(PUBLIC, key)
        except Exception as error:  # noqa: BLE001 - any cache failure means render afresh
            warn_outage("Public pages are rendered without the cache: %s", error)
            return view(request, *args, **kwargs)
        if found is not None:
            return _from_kept(request, found[0])
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            keep(key, version, _kept(response), settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

    return wrapper


def _kept(response) -> dict:
    body = response.content
    if response.get("Content-Type", "").startswith("text/html"):
        body = HOLES.sub(
            lambda match: (
                match.group(1)
                + (CSRF_HOLE if match.group(2) == "csrfmiddlewaretoken" else NONCE_HOLE)
                + '"'
            ),
            body.decode(response.charset),
        ).encode(response.charset)
    headers = {name: response[name] for name in KEPT_HEADERS if name in response}
    return {"body": body, "headers": headers}


def _from_kept(request, kept: dict) -> HttpResponse:
    body = kept["body"]
    if b"\x00" in body:
        if CSRF_HOLE.encode() in body:
            body = body.replace(CSRF_HOLE.encode(), get_token(request).encode())
        while NONCE_HOLE.encode() in body:
            body = body.replace(NONCE_HOLE.encode(), secrets.token_urlsafe(24).encode(), 1)
    response = HttpResponse(body)
    for name, value in kept["headers"].items():
        response[name] = value
    return response


def kept(name: str, compute):
    """compute()'s value, worked out once and shared by every process until something
    public changes (as for pages), for what every public form needs on every visit: the
    programme, its questions, an event from its QR code."""
    return kept_together({name: compute})[name]


def kept_together(computes: dict) -> dict:
    """Several values as kept() gives each, read in one round trip: {name: value} for
    each {name: compute}."""
    if settings.PUBLIC_PAGE_CACHE_SECONDS <= 0:
        return {name: compute() for name, compute in computes.items()}
    return kept_values_together(PUBLIC, computes, seconds=settings.PUBLIC_PAGE_CACHE_SECONDS)


def forget_public_pages() -> None:
    """Every kept public page is stale from now on."""
    changed(PUBLIC)


def _on_change(sender, action="post_save", instance=None, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    # A many-to-many change belongs to the record it was made on, not its link table.
    record = type(instance) if action != "post_save" and instance is not None else sender
    if record._meta.label_lower in UNSHOWN_MODELS:
        return
    forget_public_pages()


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_change, dispatch_uid=f"public-pages-{signal}")
