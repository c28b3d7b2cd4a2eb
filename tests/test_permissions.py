"""Every named staff, panel and admin URL, sent a GET and a POST as every role and as
an anonymous visitor. Each app adds its URLs to ACCESS below; a URL missing from the
table fails the test, so nothing new can be left unchecked.

The roles a URL allows get an answer that is not an error for each method the URL
answers, and 405 for the other. Everyone else is refused whatever they send: an
anonymous visitor is sent to sign in, a signed-in person gets a 403 (the Django admin
sends them to its sign-in page instead), and neither changes anything. A method no
one may use may also be refused with a 405 before anyone is asked who they are."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actions.models import Action
from actions.tests.factories import ActionFactory
from conftest import ROLE_USERNAMES, make_role_user
from contacts.tests.factories import AttendeeFactory, OpportunityFactory
from engagement.context_processors import STAFF_NAVIGATION
from engagement.roles import Role
from engagement.tests.factories import DepartmentFactory, UserFactory
from evaluation.tests.factories import SurveyImportFactory, WaveFactory
from events.tests.factories import EventFactory, VenueFactory
from feedback.models import FocusGroupMember
from feedback.services import feedback_record
from feedback.tests.factories import (
    FindingsSectionFactory,
    FocusGroupMeetingFactory,
    FocusGroupMemberFactory,
    LivePointFactory,
    LivePollFactory,
    LiveSessionFactory,
    LiveTableFactory,
    SenseCheckRequestFactory,
)
from tests.public_site import PUBLIC_EXCEPTIONS

ANONYMOUS = None
EVERY_ROLE = [ANONYMOUS, *Role]
STAFF = {Role.COORDINATOR, Role.LEADER, Role.ACTION_OWNER, Role.ADMINISTRATOR}

COORDINATORS = {Role.COORDINATOR}
EVENT_READERS = {Role.COORDINATOR, Role.LEADER, Role.ADMINISTRATOR}
# Names, emails, phone numbers and demographics of contacts; Leaders see counts only.
PERSONAL_DATA_READERS = {Role.COORDINATOR, Role.ADMINISTRATOR}
COUNT_READERS = {Role.COORDINATOR, Role.LEADER, Role.ADMINISTRATOR}
ADMINISTRATORS = {Role.ADMINISTRATOR}
# Every action and its internal updates; Action owners read only their departments'.
ACTION_READERS = {Role.COORDINATOR, Role.LEADER, Role.ADMINISTRATOR}
LEADERS = {Role.LEADER}
# Survey waves, their posters and paper forms; only Administrators set them up.
SURVEY_VIEWERS = {Role.COORDINATOR, Role.ADMINISTRATOR}
ACTION_OWNERS = {Role.ACTION_OWNER}

# The methods a URL answers: a page ("get"), an action ("post"), or a page with a
# form that posts back to it ("get+post").
METHODS = {"get": {"get"}, "post": {"post"}, "get+post": {"get", "post"}}


def no_arguments(objects):
    return {}


def the_event(objects):
    return {"pk": objects["event"].pk}


def the_event_to_translate(objects):
    return {"kind": "event", "pk": objects["event"].pk}


def the_live_session(objects):
    return {"pk": objects["live_session"].pk}


def the_live_point(objects):
    return {"pk": objects["live_session"].pk, "point_pk": objects["live_point"].pk}


def the_live_poll(objects):
    return {"pk": objects["live_session"].pk, "poll_pk": objects["live_poll"].pk}


def the_live_table(objects):
    return {"pk": objects["live_session"].pk, "number": objects["live_table"].number}


def live_session_objects(event) -> dict:
    """An open live session at the event, with a point waiting, a poll and a table."""
    session = LiveSessionFactory(event=event)
    return {
        "live_session": session,
        "live_point": LivePointFactory(session=session, status="pending"),
        "live_poll": LivePollFactory(session=session),
        "live_table": LiveTableFactory(session=session, number=1),
    }


def the_venue(objects):
    return {"pk": objects["venue"].pk}


def the_attendee(objects):
    return {"pk": objects["attendee"].pk}


def the_staff_account(objects):
    return {"pk": objects["staff_account"].pk}


def the_feedback_item(objects):
    return {"pk": objects["feedback_item"].pk}


def the_member(objects):
    return {"pk": objects["member"].pk}


def the_meeting(objects):
    return {"pk": objects["meeting"].pk}


def the_findings(objects):
    return {"pk": objects["section"].version.findings_id}


def the_findings_section(objects):
    return {"pk": objects["section"].version.findings_id, "section_pk": objects["section"].pk}


def the_sense_check_request(objects):
    return {"pk": objects["sense_check_request"].pk}


def the_sense_check_section(objects):
    return {"pk": objects["sense_check_request"].pk, "section_pk": objects["section"].pk}


def the_action(objects):
    return {"pk": objects["action"].pk}


def the_proposed_action(objects):
    return {"pk": objects["proposed_action"].pk}


def the_opportunity(objects):
    return {"pk": objects["opportunity"].pk}


def the_wave(objects):
    return {"slug": objects["wave"].slug}


def the_survey_import(objects):
    return {"pk": objects["survey_import"].pk}


# url name -> (the methods it answers, from METHODS; kwargs for reverse; the roles that
# may use it). Everyone else is refused.
ACCESS = {
    "staff-home": ("get", no_arguments, STAFF),
    "actions:dashboard": ("get", no_arguments, EVENT_READERS),
    "staff-preferences": ("get+post", no_arguments, EVENT_READERS),
    "exports:index": ("get", no_arguments, ACTION_READERS),
    "exports:download": ("get", no_arguments, ACTION_READERS),
    "packs:pack": ("get", the_event, EVENT_READERS),
    "packs:pptx": ("get", the_event, EVENT_READERS),
    "packs:handout": ("get", the_event, EVENT_READERS),
    "panel:home": ("get", no_arguments, {Role.FOCUS_GROUP_MEMBER}),
    "panel:step-down": ("get+post", no_arguments, {Role.FOCUS_GROUP_MEMBER}),
    "panel:meeting-can-come": ("post", the_meeting, {Role.FOCUS_GROUP_MEMBER}),
    "panel:meeting-cannot-come": ("post", the_meeting, {Role.FOCUS_GROUP_MEMBER}),
    # Django's admin answers a POST to any of its pages as it answers a GET.
    "admin:index": ("get+post", no_arguments, {Role.ADMINISTRATOR}),
    "events:list": ("get", no_arguments, EVENT_READERS),
    "events:create": ("get+post", no_arguments, COORDINATORS),
    "events:detail": ("get", the_event, EVENT_READERS),
    "events:edit": ("get+post", the_event, COORDINATORS),
    "events:cancel": ("get+post", the_event, COORDINATORS),
    "events:mark-held": ("get+post", the_event, COORDINATORS),
    "events:debrief": ("get+post", the_event, COORDINATORS),
    "events:poster": ("get", the_event, EVENT_READERS),
    "events:venue-list": ("get", no_arguments, EVENT_READERS),
    "events:venue-create": ("get+post", no_arguments, COORDINATORS),
    "events:venue-edit": ("get+post", the_venue, COORDINATORS),
    "events:venue-archive": ("post", the_venue, COORDINATORS),
    "events:venue-unarchive": ("post", the_venue, COORDINATORS),
    "events:venue-delete": ("post", the_venue, COORDINATORS),
    "contacts:list": ("get", no_arguments, PERSONAL_DATA_READERS),
    "contacts:new": ("get+post", no_arguments, COORDINATORS),
    "contacts:paper-form": ("get", no_arguments, COORDINATORS),
    "contacts:export": ("get", no_arguments, PERSONAL_DATA_READERS),
    "contacts:counts": ("get", no_arguments, COUNT_READERS),
    "contacts:detail": ("get", the_attendee, PERSONAL_DATA_READERS),
    # Administrators may read contacts, but only Coordinators correct them.
    "contacts:edit": ("get+post", the_attendee, COORDINATORS),
    "contacts:record-attendance": ("post", the_attendee, COORDINATORS),
    "contacts:withdraw": ("post", the_attendee, COORDINATORS),
    "contacts:invite": ("get", the_event, COORDINATORS),
    "contacts:invite-send": ("post", the_event, COORDINATORS),
    "contacts:outbox": ("get", no_arguments, PERSONAL_DATA_READERS),
    "audit-log": ("get", no_arguments, ADMINISTRATORS),
    "staff-users": ("get", no_arguments, ADMINISTRATORS),
    "staff-languages": ("get+post", no_arguments, ADMINISTRATORS),
    "content-translations-index": ("get", no_arguments, ADMINISTRATORS),
    "content-translations": ("get+post", the_event_to_translate, COORDINATORS),
    "staff-user-unlock": ("post", no_arguments, ADMINISTRATORS),
    "staff-user-reset-two-factor": ("get+post", the_staff_account, ADMINISTRATORS),
    "feedback:inbox": ("get", no_arguments, EVENT_READERS),
    "feedback:live-open": ("post", the_event, COORDINATORS),
    "feedback:live-moderate": ("get", the_live_session, COORDINATORS),
    "feedback:live-screen": ("get", the_live_session, COORDINATORS),
    "feedback:live-screen-state": ("get", the_live_session, COORDINATORS),
    "feedback:live-point": ("post", the_live_point, COORDINATORS),
    "feedback:live-question": ("post", the_live_session, COORDINATORS),
    "feedback:live-poll-new": ("post", the_live_session, COORDINATORS),
    "feedback:live-poll": ("post", the_live_poll, COORDINATORS),
    "feedback:live-tables": ("post", the_live_session, COORDINATORS),
    "feedback:live-table-notes": ("get+post", the_live_table, COORDINATORS),
    "feedback:live-close": ("get+post", the_live_session, COORDINATORS),
    "feedback:bulk-tag": ("post", no_arguments, COORDINATORS),
    "feedback:analysis": ("get", no_arguments, EVENT_READERS),
    "feedback:item": ("get", the_feedback_item, EVENT_READERS),
    "feedback:item-tags": ("post", the_feedback_item, COORDINATORS),
    "feedback:item-redact": ("post", the_feedback_item, COORDINATORS),
    "feedback:item-set-aside": ("post", the_feedback_item, COORDINATORS),
    "feedback:item-restore": ("post", the_feedback_item, COORDINATORS),
    "feedback:item-redaction-checked": ("post", the_feedback_item, COORDINATORS),
    "feedback:item-flag-reviewed": ("post", the_feedback_item, COORDINATORS),
    "feedback:item-flag": ("post", the_feedback_item, COORDINATORS),
    "feedback:item-unflag": ("post", the_feedback_item, COORDINATORS),
    "feedback:live-notes": ("get+post", the_event, COORDINATORS),
    "feedback:paper-form": ("get", the_event, COORDINATORS),
    "feedback:transcribe": ("get+post", the_event, COORDINATORS),
    # Members' names are personal data; only Coordinators run the focus group.
    "feedback:focus-group": ("get", no_arguments, PERSONAL_DATA_READERS),
    "feedback:focus-group-invite": ("get", no_arguments, COORDINATORS),
    "feedback:focus-group-invite-send": ("post", the_attendee, COORDINATORS),
    "feedback:focus-group-member-end": ("get+post", the_member, COORDINATORS),
    "feedback:focus-group-meeting-new": ("get+post", no_arguments, COORDINATORS),
    "feedback:focus-group-meeting": ("get", the_meeting, PERSONAL_DATA_READERS),
    "feedback:focus-group-meeting-edit": ("get+post", the_meeting, COORDINATORS),
    "feedback:focus-group-meeting-cancel": ("get+post", the_meeting, COORDINATORS),
    "feedback:focus-group-meeting-attendance": ("get+post", the_meeting, COORDINATORS),
    "feedback:event-facilitators": ("get+post", the_event, COORDINATORS),
    "feedback:item-mark-internal": ("post", the_feedback_item, COORDINATORS),
    "feedback:item-unmark-internal": ("post", the_feedback_item, COORDINATORS),
    "feedback:findings-list": ("get", no_arguments, EVENT_READERS),
    "feedback:findings-new": ("get+post", no_arguments, COORDINATORS),
    "feedback:findings-detail": ("get", the_findings, EVENT_READERS),
    "feedback:findings-edit": ("get+post", the_findings, COORDINATORS),
    "feedback:findings-section-new": ("get+post", the_findings, COORDINATORS),
    "feedback:findings-section-edit": ("get+post", the_findings_section, COORDINATORS),
    "feedback:findings-section-remove": ("post", the_findings_section, COORDINATORS),
    "feedback:findings-send": ("get+post", the_findings, COORDINATORS),
    "feedback:findings-review": ("get", the_findings, EVENT_READERS),
    "feedback:findings-compare": ("get", the_findings, EVENT_READERS),
    "feedback:findings-agree": ("post", the_findings, COORDINATORS),
    "feedback:findings-share": ("post", the_findings, COORDINATORS),
    # Only the member asked, and only while a member: another member's request is a 404
    # (see feedback/tests/test_findings_pages.py).
    "panel:sense-check": ("get", the_sense_check_request, {Role.FOCUS_GROUP_MEMBER}),
    "panel:sense-check-answer": ("get+post", the_sense_check_section, {Role.FOCUS_GROUP_MEMBER}),
    "actions:list": ("get", no_arguments, ACTION_READERS),
    "actions:new": ("get+post", no_arguments, COORDINATORS),
    "actions:mine": ("get", no_arguments, ACTION_OWNERS),
    # Feedback's own words: Action owners never read them.
    "actions:unanswered": ("get", no_arguments, EVENT_READERS),
    # The action is agreed and belongs to the Action owner role's department; an owner
    # of another department is refused (see actions/tests/test_pages.py).
    "actions:detail": ("get", the_action, ACTION_READERS | ACTION_OWNERS),
    "actions:edit": ("get+post", the_action, COORDINATORS),
    "actions:update": ("get+post", the_action, COORDINATORS | ACTION_OWNERS),
    "actions:agree": ("post", the_proposed_action, LEADERS),
    "actions:decline": ("get+post", the_proposed_action, LEADERS),
    # Who has a place is personal data; Leaders see the opportunity and its numbers.
    "contacts:lay-observation-list": ("get", no_arguments, COUNT_READERS),
    "contacts:lay-observation-new": ("get+post", no_arguments, COORDINATORS),
    "contacts:lay-observation-detail": ("get", the_opportunity, COUNT_READERS),
    "contacts:lay-observation-edit": ("get+post", the_opportunity, COORDINATORS),
    "contacts:lay-observation-cancel": ("get+post", the_opportunity, COORDINATORS),
    "contacts:lay-observation-offer": ("get", the_opportunity, COORDINATORS),
    "contacts:lay-observation-offer-send": ("post", the_opportunity, COORDINATORS),
    "contacts:lay-observation-vetting": ("post", the_opportunity, COORDINATORS),
    "contacts:lay-observation-attendance": ("post", the_opportunity, COORDINATORS),
    "evaluation:report": ("get", no_arguments, EVENT_READERS),
    "evaluation:report-print": ("get", no_arguments, EVENT_READERS),
    "evaluation:reach": ("get", no_arguments, EVENT_READERS),
    "evaluation:who-attends": ("get", no_arguments, EVENT_READERS),
    "evaluation:tables": ("get", no_arguments, EVENT_READERS),
    "evaluation:waves": ("get", no_arguments, SURVEY_VIEWERS),
    "evaluation:wave-new": ("get+post", no_arguments, ADMINISTRATORS),
    "evaluation:wave": ("get", the_wave, SURVEY_VIEWERS),
    "evaluation:wave-edit": ("get+post", the_wave, ADMINISTRATORS),
    "evaluation:question-new": ("get+post", the_wave, ADMINISTRATORS),
    "evaluation:wave-open": ("post", the_wave, ADMINISTRATORS),
    "evaluation:wave-close": ("post", the_wave, ADMINISTRATORS),
    "evaluation:wave-poster": ("get", the_wave, SURVEY_VIEWERS),
    "evaluation:paper-form": ("get", the_wave, SURVEY_VIEWERS),
    "evaluation:paper-entry": ("get+post", the_wave, COORDINATORS),
    "evaluation:census": ("get+post", no_arguments, ADMINISTRATORS),
    "evaluation:about-you-entry": ("get+post", the_event, COORDINATORS),
    "evaluation:about-you-card": ("get", the_event, SURVEY_VIEWERS),
    "evaluation:import": ("get+post", the_wave, ADMINISTRATORS),
    "evaluation:import-detail": ("get+post", the_survey_import, ADMINISTRATORS),
    "evaluation:import-progress": ("get", the_survey_import, ADMINISTRATORS),
    "evaluation:import-confirm": ("post", the_survey_import, ADMINISTRATORS),
    "evaluation:import-discard": ("post", the_survey_import, ADMINISTRATORS),
}


def signed_in_session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def findings_sent_to_the_panel_user() -> dict:
    """Findings with one section, sent to the panel role's account to check."""
    sense_check_request = SenseCheckRequestFactory(
        member=FocusGroupMember.objects.get(user__username=ROLE_USERNAMES[Role.FOCUS_GROUP_MEMBER])
    )
    section = FindingsSectionFactory(version=sense_check_request.version)
    return {"sense_check_request": sense_check_request, "section": section}


def actions_for_the_owner_user() -> dict:
    """An agreed action of a department the Action owner role's account belongs to, and
    a proposed one of the same department, waiting for a Leader."""
    department = DepartmentFactory(name="Neighbourhood Policing")
    department.members.add(get_user_model().objects.get(username=ROLE_USERNAMES[Role.ACTION_OWNER]))
    return {
        "action": ActionFactory(status=Action.Status.AGREED, department=department),
        "proposed_action": ActionFactory(status=Action.Status.PROPOSED, department=department),
    }


@pytest.fixture(scope="module")
def objects(django_db_setup, django_db_blocker):
    """One of each object the URLs above point at, and one account per role: an event
    that has started, so it can be marked held, a venue no event uses, so it can be
    deleted, a contact, and an agreed and a proposed action of the department the
    Action owner's account belongs to. They are made once for the module, in a
    transaction rolled back at its end; each test runs in a savepoint of its own inside
    it, so what one test changes the next never sees."""
    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        event = EventFactory(past=True)
        sessions = {role: signed_in_session(make_role_user(role)) for role in Role}
        yield {
            "sessions": sessions,
            "staff_account": UserFactory(username="someone-else", roles=[Role.LEADER]),
            "event": event,
            "venue": VenueFactory(),
            "attendee": AttendeeFactory(name="Amina Contact", email="amina@example.org"),
            "feedback_item": feedback_record(
                text="More patrols please", source="online_form", event=event
            ),
            "member": FocusGroupMemberFactory(),
            "meeting": FocusGroupMeetingFactory(),
            **findings_sent_to_the_panel_user(),
            **actions_for_the_owner_user(),
            "wave": WaveFactory(name="2026"),
            "survey_import": SurveyImportFactory(),
            "opportunity": OpportunityFactory(),
            **live_session_objects(event),
        }
        transaction.set_rollback(True)


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


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def writes_in(queries) -> list[str]:
    """The statements that changed stored data, apart from the session: every signed-in
    request notes the time of its last activity there."""
    return [
        query["sql"]
        for query in queries
        if WRITE.match(query["sql"]) and "django_session" not in query["sql"]
    ]


def test_every_staff_and_panel_url_is_in_the_access_table():
    unchecked = [
        name
        for name, route in named_routes()
        if route.startswith(PROTECTED_PREFIXES)
        and name not in ACCESS
        # The link in an invitation to join the focus group, where the account is made.
        and route not in PUBLIC_EXCEPTIONS
    ]
    assert unchecked == [], f"Add these URLs to ACCESS: {unchecked}"


def test_every_url_in_the_access_table_says_which_methods_it_answers():
    unclear = {name: entry[0] for name, entry in ACCESS.items() if entry[0] not in METHODS}
    assert unclear == {}, f"Use one of {sorted(METHODS)} for these URLs: {unclear}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", EVERY_ROLE, ids=lambda role: str(role or "anonymous"))
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url_name", sorted(ACCESS))
def test_only_the_right_roles_reach_each_url_with_each_method(objects, url_name, method, role):
    methods, arguments, allowed_roles = ACCESS[url_name]
    url = reverse(url_name, kwargs=arguments(objects))
    client = Client()
    if role is not ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = objects["sessions"][role]
    send = getattr(client, method)

    if role in allowed_roles:
        response = send(url)
        if method in METHODS[methods]:
            assert response.status_code < 400, f"{role} should be able to {method} {url}"
            if response.status_code in (301, 302, 303):
                assert "/login/" not in response.url, f"{role} was asked to sign in at {url}"
        else:
            assert response.status_code == 405, f"{url} should not answer {method}"
        return

    with CaptureQueriesContext(connection) as queries:
        response = send(url)
    assert writes_in(queries) == [], f"{role} changed something with a {method} to {url}"
    assert mail.outbox == [], f"{role} had an email sent with a {method} to {url}"
    if response.status_code == 405 and method not in METHODS[methods]:
        return
    if role is ANONYMOUS:
        assert response.status_code == 302, f"{url} should send {method} to sign in"
        assert "/login/" in response.url
    elif url_name.startswith("admin:"):
        assert response.status_code == 302, f"{role} must not reach {url}"
        assert "/login/" in response.url
    else:
        assert response.status_code == 403, f"{role} must not reach {url} with {method}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*Role], ids=str)
def test_navigation_shows_each_role_only_what_it_may_use(client_for_role, role):
    response = client_for_role(role).get("/", follow=True)
    links = {item["url"] for item in response.context["staff_navigation"]}
    for url_name, (_methods, arguments, allowed_roles) in ACCESS.items():
        if arguments is not no_arguments:
            continue
        url = reverse(url_name)
        if role not in allowed_roles:
            assert url not in links, f"{role} is shown a link to {url}"
        elif url_name in NAVIGATION_URL_NAMES:
            assert url in links, f"{role} is shown no link to {url}"
