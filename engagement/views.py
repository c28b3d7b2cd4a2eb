import base64
import hmac
import ipaddress
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import JavaScriptCatalog
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from engagement.accounts import (
    address_is_throttled,
    locked_usernames,
    sign_in_unlock,
    two_factor_reset,
)
from engagement.celery import app as celery_app
from engagement.clients import client_address
from engagement.forms import (
    ContentTranslationsForm,
    PublicLanguagesForm,
    SignInForm,
    StaffPreferencesForm,
    TwoFactorCodeForm,
    UnlockForm,
)
from engagement.health import health_details
from engagement.languages import (
    enabled_language_codes,
    enabled_languages,
    language_catalogue_status,
)
from engagement.models import AuditLogEntry, Community, Programme, StaffPreferences
from engagement.roles import (
    Capability,
    Role,
    can,
    capability_required,
    home_url_name_for,
    roles_of,
)
from engagement.scheduler import scheduler_state
from engagement.services import (
    content_translations_save,
    public_languages_set,
    staff_preferences_save,
)
from engagement.translatable import TRANSLATABLE_KINDS


@login_required
def home_for_user(request):
    return redirect(home_url_name_for(request.user))


@require_GET
@capability_required(Capability.USE_STAFF_SITE)
def staff_home(request):
    user = request.user
    return render(
        request,
        "engagement/staff_home.html",
        {
            "role_labels": sorted(Role(role).label for role in roles_of(user)),
            "programmes": Programme.objects.active(),
            "can_administer": can(user, Capability.ADMINISTER),
            "communities_waiting": (
                Community.objects.awaiting_approval().count()
                if can(user, Capability.ADMINISTER)
                else 0
            ),
        },
    )


@never_cache
@capability_required(Capability.VIEW_DASHBOARDS)
def staff_preferences(request):
    """The emails a member of staff chooses to get. Only the monthly summary is a
    choice; everything else follows from their roles."""
    form = StaffPreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={"monthly_summary": StaffPreferences.wants_monthly_summary(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        staff_preferences_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("staff-preferences")
    return render(request, "engagement/staff_preferences.html", {"form": form})


@login_required
def no_role(request):
    return render(request, "engagement/no_role.html", status=403)


def _safe_next(request, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


class SignInView(auth_views.LoginView):
    """Django's sign-in page, with the address throttle in front of it. django-axes
    locks accounts; this stops one address trying password after password on many."""

    authentication_form = SignInForm
    redirect_authenticated_user = True
    # LoginView would otherwise set site_name to the host name, hiding ours.
    extra_context = {"site_name": gettext_lazy("Community Voice")}

    def post(self, request, *args, **kwargs):
        if address_is_throttled(request):
            return render(
                request,
                "registration/too_many_sign_ins.html",
                {"minutes": settings.LOGIN_ADDRESS_WINDOW_MINUTES},
                status=429,
            )
        return super().post(request, *args, **kwargs)


@never_cache
@login_required
def two_factor_setup(request):
    """Enrol an authenticator app: show a QR code, then confirm with a first code.

    Only someone with no confirmed authenticator may enrol here. Otherwise a password
    alone would be enough to add an authenticator of an attacker's choosing; replacing
    a lost phone is an Administrator's reset (`two_factor_reset`)."""
    if request.user.is_verified():
        return redirect("home-for-user")
    if user_has_device(request.user, confirmed=True):
        next_url = urlencode({"next": _safe_next(request, "")})
        return redirect(f"{reverse('two-factor-verify')}?{next_url}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name=_("Authenticator app"), confirmed=False
        )
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if _is_throttled([device]):
            form.add_error("code", TOO_SOON_MESSAGE)
        elif device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Two-step sign-in is set up for your account."))
            return redirect(_safe_next(request, reverse("home-for-user")))
        else:
            form.add_error("code", _("That code did not match. Wait for a new code and try again."))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title=_("QR code to add Community Voice to your authenticator app")
    )
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret_for_typing": _base32_in_groups(device.bin_key),
            "next": _safe_next(request, ""),
        },
    )


# After a wrong code, django-otp refuses every code for a short, growing time. Saying
# so stops a person who typed the right code too soon from thinking it was wrong.
TOO_SOON_MESSAGE = gettext_lazy(
    "That was too soon after a wrong code. Wait a few seconds, then type the newest code."
)


def _is_throttled(devices) -> bool:
    return any(not device.verify_is_allowed()[0] for device in devices)


def _base32_in_groups(key: bytes) -> str:
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@never_cache
@login_required
def two_factor_verify(request):
    if request.user.is_verified():
        return redirect(_safe_next(request, reverse("home-for-user")))
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if _is_throttled(devices_for_user(request.user)):
            form.add_error("code", TOO_SOON_MESSAGE)
        elif device := match_token(request.user, form.cleaned_data["code"]):
            otp_login(request, device)
            return redirect(_safe_next(request, reverse("home-for-user")))
        else:
            form.add_error(
                "code",
                _("That code did not match. Check the time on your phone and use the newest code."),
            )
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": _safe_next(request, "")},
    )


@require_GET
@never_cache
def healthz(request):
    """200 or 503 for a load balancer. The details (which service failed, how much
    mail is waiting) only for monitoring on the server itself or holding the token."""
    checks = {"database": _check_database(), "cache": _check_cache(), "broker": _check_broker()}
    checks["scheduler"] = _check_scheduler() if checks["database"] == "ok" else "unknown"
    healthy = all(state in ("ok", "not configured") for state in checks.values())
    body = {"status": "ok" if healthy else "failing"}
    if _may_see_health_details(request):
        body["checks"] = checks
        if checks["database"] == "ok":
            body.update(health_details())
    return JsonResponse(body, status=200 if healthy else 503)


def _may_see_health_details(request) -> bool:
    token = settings.HEALTHZ_TOKEN
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and offered and hmac.compare_digest(offered.encode(), token.encode()):
        return True
    address = client_address(request)
    return bool(address) and ipaddress.ip_address(address).is_loopback


def _check_scheduler() -> str:
    try:
        return scheduler_state()
    except Exception:
        return "failing"


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return "failing"
    return "ok"


def _check_cache() -> str:
    try:
        cache.set("healthz", "ok", timeout=10)
        if cache.get("healthz") != "ok":
            return "failing"
    except Exception:
        return "failing"
    return "ok"


def _check_broker() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    try:
        with celery_app.connection_for_write(url=settings.CELERY_BROKER_URL) as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return "failing"
    return "ok"


# The audit log ------------------------------------------------------------------------

AUDIT_ENTRIES_PER_PAGE = 50


@require_GET
@never_cache
@capability_required(Capability.VIEW_AUDIT_LOG)
def audit_log(request):
    entries = AuditLogEntry.objects.select_related("user").order_by("-at", "-pk")
    page = Paginator(entries, AUDIT_ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "engagement/audit_log.html", {"page": page})


# The words of the scripts in static/js, in the page's language, for gettext() there.
# Translations change only with a release, and a script newer than its cached
# catalogue shows its own English words, so browsers may keep it for a day.
JAVASCRIPT_CATALOGUE_SECONDS = 24 * 60 * 60
javascript_catalogue = require_GET(
    cache_control(public=True, max_age=JAVASCRIPT_CATALOGUE_SECONDS)(
        # The project's own translations (LOCALE_PATHS) come with any package; naming
        # one leaves out the catalogues of the Django admin and other installed apps.
        JavaScriptCatalog.as_view(packages=["engagement"])
    )
)


def csrf_failure(request, reason=""):
    return render(request, "csrf_failure.html", status=403)


# Staff accounts: locks and two-step sign-in ------------------------------------------


def _staff_accounts():
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .prefetch_related("groups")
        .annotate(
            authenticators=Count("totpdevice", filter=Q(totpdevice__confirmed=True)),
        )
        .order_by("username")
    )


@require_GET
@never_cache
@capability_required(Capability.ADMINISTER)
def staff_users(request):
    locked = locked_usernames()
    accounts = list(_staff_accounts())
    known = {account.username for account in accounts}
    rows = [
        {
            "account": account,
            "roles": sorted(Role(role).label for role in roles_of(account)),
            "has_authenticator": account.authenticators > 0,
            "locked_until": locked.get(account.username),
        }
        for account in accounts
    ]
    return render(
        request,
        "engagement/staff_users.html",
        {
            "rows": rows,
            "unknown_locked": sorted(
                (username, until) for username, until in locked.items() if username not in known
            ),
        },
    )


@require_POST
@capability_required(Capability.ADMINISTER)
def staff_user_unlock(request):
    form = UnlockForm(request.POST)
    if form.is_valid():
        username = form.cleaned_data["username"]
        sign_in_unlock(username=username, by=request.user)
        messages.success(request, _("%(username)s can sign in again now.") % {"username": username})
    else:
        messages.error(request, _("Choose an account to unlock."))
    return redirect("staff-users")


@never_cache
@capability_required(Capability.ADMINISTER)
def staff_user_reset_two_factor(request, pk):
    """A confirmation page, and on POST the reset: for a person whose phone is lost or
    replaced. Their next sign-in asks them to set up the new phone."""
    account = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    if request.method == "POST":
        two_factor_reset(user=account, by=request.user)
        messages.success(
            request,
            _(
                "Two-step sign-in is reset for %(username)s. Tell them to sign in and set up "
                "their phone again straight away."
            )
            % {"username": account.username},
        )
        return redirect("staff-users")
    return render(request, "engagement/staff_user_reset_two_factor.html", {"account": account})


@never_cache
@capability_required(Capability.ADMINISTER)
def staff_languages(request):
    if request.method == "POST":
        form = PublicLanguagesForm(request.POST)
        if form.is_valid():
            public_languages_set(enabled_codes=form.cleaned_data["languages"], by=request.user)
            messages.success(request, _("The languages offered to the public are saved."))
            return redirect("staff-languages")
    else:
        enabled = enabled_language_codes()
        form = PublicLanguagesForm(initial={"languages": list(enabled)})
    return render(
        request,
        "engagement/staff_languages.html",
        {"form": form, "languages": language_catalogue_status()},
    )


@never_cache
@login_required
def content_translations(request, kind, pk):
    kind = TRANSLATABLE_KINDS.get(kind)
    if kind is None:
        raise Http404
    obj = get_object_or_404(kind.model, pk=pk)
    if not kind.can_translate(request.user, obj):
        raise PermissionDenied
    languages = [language for language in enabled_languages() if language.code != "en-gb"]
    form = ContentTranslationsForm(
        request.POST if request.method == "POST" else None,
        kind=kind,
        obj=obj,
        languages=languages,
    )
    if request.method == "POST" and form.is_valid():
        content_translations_save(obj=obj, translations=form.translations(), languages=languages)
        messages.success(request, _("The translations are saved."))
        return redirect(request.path)
    return render(
        request,
        "engagement/content_translations.html",
        {"form": form, "kind": kind, "obj": obj, "back_url": kind.back_url(obj)},
    )


@require_GET
@never_cache
@capability_required(Capability.ADMINISTER)
def content_translations_index(request):
    """The key questions, each with how many languages it is translated into. Events and
    You Said We Did entries are translated from their own pages."""
    kind = TRANSLATABLE_KINDS["key-question"]
    questions = kind.model.objects.order_by("text").only("pk", "text", "translations")
    return render(
        request,
        "engagement/content_translations_index.html",
        {"questions": questions, "language_count": len(enabled_languages()) - 1},
    )
