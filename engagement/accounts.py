"""Sign-in protection: what django-axes is told about a failed sign-in, the address
throttle beside it, and the log line when an account is locked."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.db.models import Max, Sum
from django.dispatch import receiver
from django.utils import timezone

from engagement import ratelimit
from engagement.models import AuditLogEntry

logger = logging.getLogger("engagement.accounts")

ADDRESS_FAILURES_SCOPE = "sign-in-failures"
# An address an account signed in from this recently is its owner's own (their desk,
# their station); see lockout_parameters.
KNOWN_ADDRESS_DAYS = 90
# What django-axes counts wrong passwords by: the account, whoever typed them, and
# (for the record it keeps) the account at each address.
LOCK_THE_ACCOUNT = ["username", ["username", "ip_address"]]
LOCK_THE_ACCOUNT_AT_THIS_ADDRESS = [["username", "ip_address"]]


def username_for_lockout(request, credentials) -> str | None:
    """The username that failed, cut to the longest a real one can be."""
    field = get_user_model().USERNAME_FIELD
    username = (credentials or {}).get(field)
    if username is None and request is not None and request.method == "POST":
        username = request.POST.get(field)
    if username is None:
        return None
    limit = get_user_model()._meta.get_field(field).max_length
    return str(username).replace("\x00", "")[:limit]


def lockout_parameters(request_or_attempt, credentials=None) -> list:
    """Wrong passwords lock the account they were typed for, from every address, except
    an address the account signed in from in the last KNOWN_ADDRESS_DAYS: there, only
    wrong passwords typed from that address count. So nobody can lock a member of staff
    out by guessing at their password from elsewhere, and signing in at their desk
    clears only their own mistakes, never the guesses of someone elsewhere."""
    from axes.models import AccessBase, AccessLog

    if isinstance(request_or_attempt, AccessBase):
        return LOCK_THE_ACCOUNT
    username = username_for_lockout(request_or_attempt, credentials)
    address = getattr(request_or_attempt, "axes_ip_address", None)
    if not username or not address:
        return LOCK_THE_ACCOUNT
    signed_in_here = AccessLog.objects.filter(
        username=username,
        ip_address=address,
        attempt_time__gte=timezone.now() - timedelta(days=KNOWN_ADDRESS_DAYS),
    ).exists()
    return LOCK_THE_ACCOUNT_AT_THIS_ADDRESS if signed_in_here else LOCK_THE_ACCOUNT


def _address_window_seconds() -> int:
    return settings.LOGIN_ADDRESS_WINDOW_MINUTES * 60


def address_is_throttled(request) -> bool:
    return ratelimit.is_over(
        request,
        scope=ADDRESS_FAILURES_SCOPE,
        limit=settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        window_seconds=_address_window_seconds(),
    )


@receiver(user_login_failed, dispatch_uid="community-voice-address-failures")
def _count_failure_for_address(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    failures = ratelimit.count_attempt(
        request, scope=ADDRESS_FAILURES_SCOPE, window_seconds=_address_window_seconds()
    )
    if failures == settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        # The address itself is never logged: only that one is being throttled.
        logger.warning(
            "Sign-in from one address is paused for %d minutes after %d failures.",
            settings.LOGIN_ADDRESS_WINDOW_MINUTES,
            failures,
        )


def _log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    # The username, so an Administrator can tell the person and unlock them; never the
    # password, and not the address, which may be a member of the public's.
    logger.warning(
        "Sign-in for username %r is locked for %d minutes after %d wrong passwords.",
        username,
        int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        settings.AXES_FAILURE_LIMIT,
    )


def connect_signals() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_log_lockout, dispatch_uid="community-voice-lockout-log")
    from engagement.middleware import start_session_clocks_at_sign_in

    user_logged_in.connect(start_session_clocks_at_sign_in, dispatch_uid="community-voice-clocks")


# Unlocking and resetting, by an Administrator or from the command line -------------


def locked_usernames(*, now=None) -> dict[str, object]:
    """Usernames locked out right now, with when the lock ends. Some may be made up:
    a lock is kept for any username that was tried."""
    from axes.models import AccessAttempt

    now = now or timezone.now()
    cooloff = settings.AXES_COOLOFF_TIME
    attempts = (
        AccessAttempt.objects.filter(attempt_time__gt=now - cooloff, username__isnull=False)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {attempt["username"]: attempt["last_attempt"] + cooloff for attempt in attempts}


@transaction.atomic
def sign_in_unlock(*, username: str, by=None) -> int:
    """Forget the failed sign-ins for one username, so its owner can try again now."""
    from axes.utils import reset

    removed = reset(username=username)
    AuditLogEntry.objects.create(
        user=by,
        action=AuditLogEntry.Action.UNLOCKED_SIGN_IN,
        subject=f"username {username}"[:200] if by else f"username {username} (command line)",
    )
    logger.warning("Sign-in for username %r was unlocked.", username)
    return removed


@transaction.atomic
def two_factor_reset(*, user, by=None) -> int:
    """Remove every authenticator a person has, for a lost or replaced phone. Their
    next sign-in asks them to set up a new one. Their sessions end, so a session that
    was verified with the old phone cannot carry on."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
    _end_sessions_of(user)
    AuditLogEntry.objects.create(
        user=by,
        action=AuditLogEntry.Action.RESET_TWO_FACTOR,
        subject=(f"user {user.username}" if by else f"user {user.username} (command line)")[:200],
    )
    logger.warning("Two-step sign-in was reset for username %r.", user.username)
    return removed


def _end_sessions_of(user) -> None:
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    user_id = str(user.pk)
    stale = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == user_id
    ]
    Session.objects.filter(pk__in=stale).delete()
