from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from engagement.languages import (
    DEFAULT_LANGUAGE,
    enabled_languages,
    is_public_path,
    language_path,
    split_language_prefix,
)
from engagement.roles import Capability, can


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url_name: str
    capability: str | None = None
    # The section's pages live under this URL rather than under the link's own.
    section_url_name: str | None = None


PUBLIC_NAVIGATION = [
    NavigationItem(_("Home"), "events:home"),
    NavigationItem(_("Events"), "events:public-list"),
    NavigationItem(_("Give feedback"), "give-feedback"),
    NavigationItem(_("You said, we did"), "actions:public-list"),
    NavigationItem(_("Keep in touch"), "keep-in-touch"),
]

# Each section of the staff and panel sites, and who may see it. A person sees a
# link only to the sections their roles allow.
STAFF_NAVIGATION = [
    NavigationItem(_("Overview"), "staff-home", Capability.USE_STAFF_SITE),
    NavigationItem(_("Dashboard"), "actions:dashboard", Capability.VIEW_DASHBOARDS),
    NavigationItem(_("Events"), "events:list", Capability.VIEW_EVENTS),
    NavigationItem(_("Feedback"), "feedback:inbox", Capability.VIEW_FEEDBACK),
    NavigationItem(_("Findings"), "feedback:findings-list", Capability.VIEW_FEEDBACK),
    NavigationItem(_("Actions"), "actions:list", Capability.VIEW_ACTIONS),
    NavigationItem(_("Exports"), "exports:index", Capability.VIEW_ACTIONS),
    NavigationItem(_("Evaluation"), "evaluation:report", Capability.VIEW_DASHBOARDS),
    NavigationItem(_("Surveys"), "evaluation:waves", Capability.VIEW_SURVEYS),
    NavigationItem(
        _("My department's actions"),
        "actions:mine",
        Capability.UPDATE_OWN_ACTIONS,
        section_url_name="actions:list",
    ),
    NavigationItem(_("Focus group"), "feedback:focus-group", Capability.VIEW_PERSONAL_DATA),
    NavigationItem(_("Contacts"), "contacts:list", Capability.VIEW_PERSONAL_DATA),
    NavigationItem(_("Contact numbers"), "contacts:counts", Capability.VIEW_CONTACT_COUNTS),
    NavigationItem(
        _("Lay observation"), "contacts:lay-observation-list", Capability.VIEW_CONTACT_COUNTS
    ),
    NavigationItem(_("Outbox"), "contacts:outbox", Capability.VIEW_PERSONAL_DATA),
    NavigationItem(_("Findings to check"), "panel:home", Capability.USE_PANEL),
    NavigationItem(_("Audit log"), "audit-log", Capability.VIEW_AUDIT_LOG),
    NavigationItem(_("Staff accounts"), "staff-users", Capability.ADMINISTER),
    NavigationItem(_("Languages"), "staff-languages", Capability.ADMINISTER),
    NavigationItem(_("Translations"), "content-translations-index", Capability.ADMINISTER),
    NavigationItem(_("Administration"), "admin:index", Capability.ADMINISTER),
]


def _links(request, items):
    links = []
    for item in items:
        if item.capability and not can(request.user, item.capability):
            continue
        links.append(
            {
                "label": item.label,
                "url": reverse(item.url_name),
                "section": reverse(item.section_url_name or item.url_name),
                "current": False,
            }
        )
    # The section a page belongs to is the link with the longest matching start; of two
    # links to one section, the one whose own address the page is under wins.
    matching = [link for link in links if request.path.startswith(link["section"])]
    if matching:
        max(
            matching,
            key=lambda link: (
                len(link["section"]),
                request.path.startswith(link["url"]),
                len(link["url"]),
            ),
        )["current"] = True
    return links


def _language_links(request) -> list[dict]:
    """The same page in each language offered, for the switcher. The query string
    goes along, so a thank-you page that names its event keeps naming it."""
    current, path = split_language_prefix(request.path_info)
    current = current or DEFAULT_LANGUAGE
    script = request.META.get("SCRIPT_NAME", "")
    query = request.META.get("QUERY_STRING", "")
    links = []
    for language in enabled_languages():
        url = script + language_path(path, language.code)
        links.append(
            {
                "code": language.code,
                "name_local": language.name_local,
                "bidi": language.bidi,
                "url": f"{url}?{query}" if query else url,
                "current": language.code == current,
            }
        )
    return links


def navigation(request):
    context = {
        "site_name": _("Community Voice"),
        "organisation_name": settings.ORGANISATION_NAME,
        "public_navigation": _links(request, PUBLIC_NAVIGATION),
    }
    if is_public_path(split_language_prefix(request.path_info)[1]):
        context["language_links"] = _language_links(request)
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        context["staff_navigation"] = _links(request, STAFF_NAVIGATION)
        if can(request.user, Capability.USE_STAFF_SITE):
            context["site_area"] = _("staff")
        elif can(request.user, Capability.USE_PANEL):
            context["site_area"] = _("focus group")
    return context
