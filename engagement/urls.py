from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from engagement import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("jsi18n/", views.javascript_catalogue, name="javascript-catalogue"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("accounts/home/", views.home_for_user, name="home-for-user"),
    path("accounts/no-role/", views.no_role, name="no-role"),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/audit/", views.audit_log, name="audit-log"),
    path("staff/preferences/", views.staff_preferences, name="staff-preferences"),
    path("staff/users/", views.staff_users, name="staff-users"),
    path("staff/users/unlock/", views.staff_user_unlock, name="staff-user-unlock"),
    path(
        "staff/users/<int:pk>/reset-two-factor/",
        views.staff_user_reset_two_factor,
        name="staff-user-reset-two-factor",
    ),
    path("staff/languages/", views.staff_languages, name="staff-languages"),
    path(
        "staff/translations/", views.content_translations_index, name="content-translations-index"
    ),
    path(
        "staff/translations/<slug:kind>/<int:pk>/",
        views.content_translations,
        name="content-translations",
    ),
    path("admin/", admin.site.urls),
]

# Every app's pages, public and staff. Public pages are also served under a language
# prefix (/so/…); PublicLanguageMiddleware sends a prefixed staff address to English.
# The anonymous feedback form comes first: it is what busy events post to, and Django
# tries the patterns in order.
urlpatterns += i18n_patterns(
    path("", include("feedback.public_urls")),
    path("", include("feedback.panel_urls")),
    path("", include("events.urls")),
    path("", include("contacts.public_urls")),
    path("", include("contacts.urls")),
    path("", include("feedback.urls")),
    path("", include("actions.urls")),
    path("", include("actions.export_urls")),
    path("", include("actions.pack_urls")),
    path("", include("evaluation.urls")),
    prefix_default_language=False,
)

handler400 = "engagement.errors.bad_request"
handler403 = "engagement.errors.permission_denied"
handler404 = "engagement.errors.page_not_found"
handler500 = "engagement.errors.server_error"
