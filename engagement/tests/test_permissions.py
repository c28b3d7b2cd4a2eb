"""Every named staff, panel and admin URL, visited as every role and as an anonymous
visitor. Each app adds its URLs to ACCESS below; a URL missing from the table fails
the test, so nothing new can be left unchecked."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from engagement.context_processors import STAFF_NAVIGATION
from engagement.roles import Role

ANONYMOUS = None
EVERY_ROLE = [ANONYMOUS, *Role]
STAFF = {Role.COORDINATOR, Role.LEADER, Role.ACTION_OWNER, Role.ADMINISTRATOR}

# url name -> (kwargs for reverse, the roles that may use it). Everyone else is
# refused: anonymous visitors are sent to sign in, signed-in people get a 403.
ACCESS = {
    "staff-home": ({}, STAFF),
    "panel-home": ({}, {Role.FOCUS_GROUP_MEMBER}),
    "admin:index": ({}, {Role.ADMINISTRATOR}),
}

PROTECTED_PREFIXES = ("/staff/", "/panel/")
NAVIGATION_URL_NAMES = {item.url_name for item in STAFF_NAVIGATION}


def protected_url_names(resolver=None, namespace=""):
    """The names of every URL pattern under /staff/ or /panel/."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if inner.startswith("admin:"):
                continue
            yield from protected_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_staff_and_panel_url_is_in_the_access_table():
    unchecked = []
    for name in protected_url_names():
        if name in ACCESS:
            continue
        try:
            path = reverse(name)
        except Exception:
            unchecked.append(name)
            continue
        if path.startswith(PROTECTED_PREFIXES):
            unchecked.append(name)
    assert unchecked == [], f"Add these URLs to ACCESS: {unchecked}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", EVERY_ROLE, ids=lambda role: str(role or "anonymous"))
@pytest.mark.parametrize("url_name", sorted(ACCESS))
def test_only_the_right_roles_reach_each_url(client_for_role, role, url_name):
    kwargs, allowed_roles = ACCESS[url_name]
    url = reverse(url_name, kwargs=kwargs)
    response = client_for_role(role).get(url)
    if role in allowed_roles:
        assert response.status_code == 200, f"{role} should reach {url}"
    elif role is ANONYMOUS:
        assert response.status_code == 302
        assert "/login/" in response.url
    else:
        assert response.status_code in (302, 403), f"{role} must not reach {url}"
        if response.status_code == 302:
            # Django's admin sends signed-in people without access to its own login page.
            assert "/login/" in response.url


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*Role], ids=str)
def test_navigation_shows_each_role_only_what_it_may_use(client_for_role, role):
    response = client_for_role(role).get("/", follow=True)
    links = {item["url"] for item in response.context["staff_navigation"]}
    for url_name, (kwargs, allowed_roles) in ACCESS.items():
        url = reverse(url_name, kwargs=kwargs)
        if role not in allowed_roles:
            assert url not in links, f"{role} is shown a link to {url}"
        elif url_name in NAVIGATION_URL_NAMES:
            assert url in links, f"{role} is not shown a link to {url}"
