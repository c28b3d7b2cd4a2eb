from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from engagement.roles import Capability, can


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url_name: str
    capability: str | None = None


PUBLIC_NAVIGATION = [
    NavigationItem(_("Home"), "home"),
]

# Each section of the staff and panel sites, and who may see it. A person sees a
# link only to the sections their roles allow.
STAFF_NAVIGATION = [
    NavigationItem(_("Overview"), "staff-home", Capability.USE_STAFF_SITE),
    NavigationItem(_("Findings to check"), "panel-home", Capability.USE_PANEL),
    NavigationItem(_("Administration"), "admin:index", Capability.ADMINISTER),
]


def _links(request, items):
    links = []
    for item in items:
        if item.capability and not can(request.user, item.capability):
            continue
        url = reverse(item.url_name)
        links.append({"label": item.label, "url": url, "current": request.path == url})
    return links


def navigation(request):
    context = {
        "site_name": _("Community Voice"),
        "organisation_name": settings.ORGANISATION_NAME,
        "public_navigation": _links(request, PUBLIC_NAVIGATION),
    }
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        context["staff_navigation"] = _links(request, STAFF_NAVIGATION)
        context["site_area"] = (
            _("staff") if can(request.user, Capability.USE_STAFF_SITE) else _("focus group")
        )
    return context
