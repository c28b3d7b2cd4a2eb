from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp import user_has_device

from engagement.roles import may_use_admin_site


class CommunityVoiceAdminSite(admin.AdminSite):
    """The Django admin, reached only through the site's own sign-in and two-step
    sign-in. The middleware already sends an unverified person to the second step;
    this refuses them again here, so the admin never depends on the middleware's list
    of open paths."""

    site_header = "Community Voice administration"
    site_title = "Community Voice administration"

    def has_permission(self, request):
        if not may_use_admin_site(request.user):
            return False
        if settings.TWO_FACTOR_REQUIRED or user_has_device(request.user, confirmed=True):
            return request.user.is_verified()
        return True

    def login(self, request, extra_context=None):
        # One sign-in page for everyone, with its lockout and address throttle.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
