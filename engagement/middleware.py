import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

from engagement.roles import needs_two_factor

SESSION_STARTED_KEY = "community_voice_started_at"
SESSION_LAST_SEEN_KEY = "community_voice_last_seen_at"

# What a signed-in person may reach before completing two-factor sign-in: the pages
# of the second step itself, signing out, the scripts and their words, and nothing
# that shows data.
TWO_FACTOR_OPEN_URL_NAMES = ("login", "logout", "two-factor-setup", "two-factor-verify")
TWO_FACTOR_OPEN_PREFIXES = ("/static/", "/healthz", "/jsi18n/")


def _next(request) -> str:
    return urlencode({"next": request.get_full_path()})


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class SessionTimeoutMiddleware:
    """Ends a signed-in session after SESSION_IDLE_MINUTES without a request and
    after SESSION_ABSOLUTE_HOURS in all, whatever the activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED_KEY, now)
            last_seen = request.session.get(SESSION_LAST_SEEN_KEY, now)
            idle_limit = settings.SESSION_IDLE_MINUTES * 60
            absolute_limit = settings.SESSION_ABSOLUTE_HOURS * 3600
            if now - last_seen > idle_limit or now - started > absolute_limit:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out to keep the account safe. Please sign in again."),
                )
                return redirect(f"{reverse('login')}?{_next(request)}")
            request.session[SESSION_STARTED_KEY] = started
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
