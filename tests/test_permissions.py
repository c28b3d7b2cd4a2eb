"""Every named staff, panel and admin URL, visited as every role and as an anonymous
visitor. Each app adds its URLs to ACCESS below; a URL missing from the table fails
the test, so nothing new can be left unchecked."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from contacts.models import Attendee
from engagement.context_processors import STAFF_NAVIGATION
from engagement.roles import Role
from engagement.tests.factories import UserFactory
from events.tests.factories import EventFactory, VenueFactory
from feedback.services import feedback_record

ANONYMOUS = None
EVERY_ROLE = [ANONYMOUS, *Role]
STAFF = {Role.COORDINATOR, Role.LEADER, Role.ACTION_OWNER, Role.ADMINISTRATOR}

COORDINATORS = {Role.COORDINATOR}
EVENT_READERS = {Role.COORDINATOR, Role.LEADER, Role.ADMINISTRATOR}
# Names, emails, phone numbers and demographics of contacts; Leaders see counts only.
PERSONAL_DATA_READERS = {Role.COORDINATOR, Role.ADMINISTRATOR}
COUNT_READERS = {Role.COORDINATOR, Role.LEADER, Role.ADMINISTRATOR}
ADMINISTRATORS = {Role.ADMINISTRATOR}


def no_arguments(objects):
    return {}


def the_event(objects):
    return {"pk": objects["event"].pk}


def the_venue(objects):
    return {"pk": objects["venue"].pk}


def the_attendee(objects):
    return {"pk": objects["attendee"].pk}


def the_staff_account(objects):
    return {"pk": objects["staff_account"].pk}


def the_feedback_item(objects):
    return {"pk": objects["feedback_item"].pk}


# url name -> (HTTP method, kwargs for reverse, the roles that may use it). Everyone
# else is refused: anonymous visitors are sent to sign in, signed-in people get a 403.
ACCESS = {
    "staff-home": ("get", no_arguments, STAFF),
    "panel-home": ("get", no_arguments, {Role.FOCUS_GROUP_MEMBER}),
    "admin:index": ("get", no_arguments, {Role.ADMINISTRATOR}),
    "events:list": ("get", no_arguments, EVENT_READERS),
    "events:create": ("get", no_arguments, COORDINATORS),
    "events:detail": ("get", the_event, EVENT_READERS),
    "events:edit": ("get", the_event, COORDINATORS),
    "events:cancel": ("get", the_event, COORDINATORS),
    "events:mark-held": ("get", the_event, COORDINATORS),
    "events:debrief": ("get", the_event, COORDINATORS),
    "events:poster": ("get", the_event, EVENT_READERS),
    "events:venue-list": ("get", no_arguments, EVENT_READERS),
    "events:venue-create": ("get", no_arguments, COORDINATORS),
    "events:venue-edit": ("get", the_venue, COORDINATORS),
    "events:venue-archive": ("post", the_venue, COORDINATORS),
    "events:venue-delete": ("post", the_venue, COORDINATORS),
    "contacts:list": ("get", no_arguments, PERSONAL_DATA_READERS),
    "contacts:new": ("get", no_arguments, COORDINATORS),
    "contacts:export": ("get", no_arguments, PERSONAL_DATA_READERS),
    "contacts:counts": ("get", no_arguments, COUNT_READERS),
    "contacts:detail": ("get", the_attendee, PERSONAL_DATA_READERS),
    # Administrators may read contacts, but only Coordinators correct them.
    "contacts:edit": ("get", the_attendee, COORDINATORS),
    "contacts:record-attendance": ("post", the_attendee, COORDINATORS),
    "contacts:withdraw": ("post", the_attendee, COORDINATORS),
    "contacts:invite": ("get", the_event, COORDINATORS),
    "contacts:outbox": ("get", no_arguments, PERSONAL_DATA_READERS),
    "audit-log": ("get", no_arguments, ADMINISTRATORS),
    "staff-users": ("get", no_arguments, ADMINISTRATORS),
    "staff-user-unlock": ("post", no_arguments, ADMINISTRATORS),
    "staff-user-reset-two-factor": ("get", the_staff_account, ADMINISTRATORS),
    "feedback:inbox": ("get", no_arguments, EVENT_READERS),
    "feedback:bulk-tag": ("post", no_arguments, COORDINATORS),
    "feedback:analysis": ("get", no_arguments, EVENT_READERS),
    "feedback:item": ("get", the_feedback_item, EVENT_READERS),
    "feedback:live-notes": ("get", the_event, COORDINATORS),
    "feedback:paper-form": ("get", the_event, COORDINATORS),
    "feedback:transcribe": ("get", the_event, COORDINATORS),
}


@pytest.fixture
def objects(db):
    """One of each object the URLs above point at: an event that has started, so it
    can be marked held, a venue no event uses, so it can be deleted, and a contact."""
    event = EventFactory(past=True)
    return {
        "staff_account": UserFactory(username="someone-else", roles=[Role.LEADER]),
        "event": event,
        "venue": VenueFactory(),
        "attendee": Attendee.objects.create(name="Amina Contact", email="amina@example.org"),
        "feedback_item": feedback_record(
            text="More patrols please", source="online_form", event=event
        ),
    }


PROTECTED_PREFIXES = ("staff/", "panel/")
NAVIGATION_URL_NAMES = {item.url_name for item in STAFF_NAVIGATION}


def named_routes(resolver=None, namespace="", prefix=""):
    """(name, route) for every named URL pattern outside the Django admin."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if inner.startswith("admin:"):
                continue
            yield from named_routes(pattern, inner, route)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", route


def test_every_staff_and_panel_url_is_in_the_access_table():
    unchecked = [
        name
        for name, route in named_routes()
        if route.startswith(PROTECTED_PREFIXES) and name not in ACCESS
    ]
    assert unchecked == [], f"Add these URLs to ACCESS: {unchecked}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", EVERY_ROLE, ids=lambda role: str(role or "anonymous"))
@pytest.mark.parametrize("url_name", sorted(ACCESS))
def test_only_the_right_roles_reach_each_url(client_for_role, objects, role, url_name):
    method, arguments, allowed_roles = ACCESS[url_name]
    url = reverse(url_name, kwargs=arguments(objects))
    response = getattr(client_for_role(role), method)(url)
    if role in allowed_roles:
        if method == "get":
            assert response.status_code == 200, f"{role} should reach {url}"
        else:
            assert response.status_code == 302, f"{role} should be able to post to {url}"
            assert "/login/" not in response.url
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
    for url_name, (_method, arguments, allowed_roles) in ACCESS.items():
        if arguments is not no_arguments:
            continue
        url = reverse(url_name)
        if role not in allowed_roles:
            assert url not in links, f"{role} is shown a link to {url}"
        elif url_name in NAVIGATION_URL_NAMES:
            assert url in links, f"{role} is not shown a link to {url}"
