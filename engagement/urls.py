from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from engagement import views
from engagement.forms import SignInForm
from events import views as events_views

admin.site.site_header = "Community Voice administration"
admin.site.site_title = "Community Voice administration"

urlpatterns = [
    path("", events_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
            # LoginView would otherwise set site_name to the host name, hiding ours.
            extra_context={"site_name": _("Community Voice")},
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("accounts/home/", views.home_for_user, name="home-for-user"),
    path("accounts/no-role/", views.no_role, name="no-role"),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/outbox/", views.outbox, name="outbox"),
    path("staff/audit/", views.audit_log, name="audit-log"),
    path("panel/", views.panel_home, name="panel-home"),
    path("", include("events.urls")),
    path("", include("events.public_contact_urls")),
    path("", include("events.staff_contact_urls")),
    path("", include("feedback.urls")),
    path("", include("feedback.public_urls")),
    path("admin/", admin.site.urls),
]

handler403 = "engagement.errors.permission_denied"
handler404 = "engagement.errors.page_not_found"
handler500 = "engagement.errors.server_error"
