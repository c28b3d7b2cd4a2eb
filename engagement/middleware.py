import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import DisallowedHost
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django_otp import user_has_device

from engagement.clients import is_trusted_proxy
from engagement.languages import (
    DEFAULT_LANGUAGE,
    is_enabled,
    is_public_path,
    language_path,
    preferred_language,
    split_language_prefix,
)
from engagement.roles import needs_two_factor

SESSION_STARTED_KEY = "community_voice_started_at"
SESSION_LAST_SEEN_KEY = "community_voice_last_seen_at"
# How stale the last-seen time may get before a request writes it again. Written on
# every request, it made every staff page, and every poll of a live session's screen,
# write the session to the database. An idle session may so end up to this much early.
LAST_SEEN_EVERY_SECONDS = 60

# What a signed-in person may reach before completing two-factor sign-in: the pages
# of the second step itself, signing out, the scripts and their words, and nothing
# that shows data.
TWO_FACTOR_OPEN_URL_NAMES = ("login", "logout", "two-factor-setup", "two-factor-verify")
TWO_FACTOR_OPEN_PREFIXES = ("/static/", "/healthz", "/jsi18n/")


def _next(request) -> str:
    return urlencode({"next": request.get_full_path()})


class UntrustedProxyHeadersMiddleware:
    """Forgets X-Forwarded-Proto on a connection that did not come through a trusted proxy.

    Django believes SECURE_PROXY_SSL_HEADER from anyone. Without this, a client that
    reached gunicorn directly over plain HTTP could say "https" and be served as if it
    had: no redirect to HTTPS, and Secure cookies sent in the clear.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_X_FORWARDED_PROTO" in request.META and not is_trusted_proxy(
            request.META.get("REMOTE_ADDR", "")
        ):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def _start_clocks(session, now: float) -> None:
    session[SESSION_STARTED_KEY] = now
    session[SESSION_LAST_SEEN_KEY] = now


def start_session_clocks_at_sign_in(sender, request, user, **kwargs) -> None:
    """The idle and absolute timeouts count from signing in, stored with the sign-in
    itself, so that the first page after it need not write the session again."""
    _start_clocks(request.session, time.time())


class SessionTimeoutMiddleware:
    """Ends a signed-in session after SESSION_IDLE_MINUTES without a request and
    after SESSION_ABSOLUTE_HOURS in all, whatever the activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            if SESSION_STARTED_KEY not in request.session:  # signed in before clocks were set
                _start_clocks(request.session, now)
            started = request.session[SESSION_STARTED_KEY]
            last_seen = request.session.get(SESSION_LAST_SEEN_KEY, started)
            idle_limit = settings.SESSION_IDLE_MINUTES * 60
            absolute_limit = settings.SESSION_ABSOLUTE_HOURS * 3600
            if now - last_seen > idle_limit or now - started > absolute_limit:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out to keep the account safe. Please sign in again."),
                )
                return redirect(f"{reverse('login')}?{_next(request)}")
            if now - last_seen >= LAST_SEEN_EVERY_SECONDS:
                request.session[SESSION_LAST_SEEN_KEY] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """Sends a signed-in person who needs a second factor to enrol or to enter a code
    before they can use anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not self._is_open(request):
            if user_has_device(user, confirmed=True):
                return redirect(f"{reverse('two-factor-verify')}?{_next(request)}")
            if settings.TWO_FACTOR_REQUIRED and needs_two_factor(user):
                return redirect(f"{reverse('two-factor-setup')}?{_next(request)}")
        return self.get_response(request)

    @staticmethod
    def _is_open(request) -> bool:
        if request.path.startswith(TWO_FACTOR_OPEN_PREFIXES):
            return True
        return request.path in {reverse(name) for name in TWO_FACTOR_OPEN_URL_NAMES}


class PublicLanguageMiddleware:
    """Chooses the language of each request, in place of Django's LocaleMiddleware.

    Public pages are in the language their address names (`/so/…`), English without a
    prefix. A first visit to an English address from outside the site (a QR code, a
    link in a message) goes to the browser's preferred language if it is offered;
    someone who then picks English in the switcher comes from this site and stays in
    English. Nothing is kept in a cookie. Staff pages are always in English: a
    language prefix on one, or a language that is turned off, leads to the English
    address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix, path = split_language_prefix(request.path_info)
        public = is_public_path(path)
        if prefix is not None and (not public or not is_enabled(prefix)):
            return self._redirect(request, language_path(path, DEFAULT_LANGUAGE))
        language = prefix or DEFAULT_LANGUAGE
        chooses_by_browser = prefix is None and public and request.method in ("GET", "HEAD")
        if chooses_by_browser and not self._came_from_this_site(request):
            preferred = preferred_language(request.headers.get("Accept-Language", ""))
            if preferred != DEFAULT_LANGUAGE:
                response = self._redirect(request, language_path(path, preferred))
                patch_vary_headers(response, ["Accept-Language"])
                return response
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if chooses_by_browser:
            patch_vary_headers(response, ["Accept-Language"])
        response.headers.setdefault("Content-Language", language)
        return response

    @staticmethod
    def _came_from_this_site(request) -> bool:
        referer = request.headers.get("Referer", "")
        if not referer:
            return False
        try:
            return urlsplit(referer).netloc == request.get_host()
        except (ValueError, DisallowedHost):
            return False

    @staticmethod
    def _redirect(request, path):
        query = request.META.get("QUERY_STRING", "")
        location = f"{request.META.get('SCRIPT_NAME', '')}{path}"
        return HttpResponseRedirect(f"{location}?{query}" if query else location)
