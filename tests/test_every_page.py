"""Every staff and panel page in the access table, opened in Chromium by a role that
may use it, passes axe and fits a 320 px screen; so do the public pages."""

import pytest
from django.urls import reverse

from contacts.tests.factories import AttendeeFactory, OpportunityFactory
from engagement.roles import Role
from engagement.tests.factories import TEST_PASSWORD, UserFactory
from evaluation.tests.factories import SurveyImportFactory, WaveFactory
from events.tests.factories import EventFactory, VenueFactory
from feedback.services import feedback_record
from feedback.tests.factories import FocusGroupMeetingFactory, FocusGroupMemberFactory
from tests.test_permissions import (
    ACCESS,
    METHODS,
    actions_for_the_owner_user,
    findings_sent_to_the_panel_user,
    live_session_objects,
)

# The first role in this order that may open a page is the one that opens it.
PREFERRED_ROLES = [
    Role.COORDINATOR,
    Role.LEADER,
    Role.ADMINISTRATOR,
    Role.ACTION_OWNER,
    Role.FOCUS_GROUP_MEMBER,
]
PUBLIC_PAGES = [
    "/",
    "/events/",
    "/give-feedback/",
    "/keep-in-touch/",
    "/you-said-we-did/",
    "/accounts/login/",
]


def pages_by_role(objects):
    pages = {}
    for url_name, (methods, arguments, allowed_roles) in ACCESS.items():
        # The admin is Django's own; an export, a slide deck or a table is a download, and
        # an import's progress and a live session's state are JSON for the page that
        # shows them, not pages.
        is_page = "get" in METHODS[methods] and not url_name.endswith(
            ("export", "pptx", "tables", "progress", "state")
        )
        if not is_page or url_name.startswith("admin:"):
            continue
        role = next(role for role in PREFERRED_ROLES if role in allowed_roles)
        pages.setdefault(role, []).append(reverse(url_name, kwargs=arguments(objects)))
    return pages


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_every_page_passes_axe_and_fits_a_small_phone(
    live_server, browser, axe_check, user_for_role
):
    event = EventFactory(past=True)
    objects = {
        "staff_account": UserFactory(username="someone-else", roles=[Role.LEADER]),
        "event": event,
        "venue": VenueFactory(),
        "attendee": AttendeeFactory(name="Amina Contact", email="amina@example.org"),
        "feedback_item": feedback_record(
            text="More patrols please", source="online_form", event=event
        ),
        "member": FocusGroupMemberFactory(),
        "meeting": FocusGroupMeetingFactory(),
        "wave": WaveFactory(name="2026"),
        "survey_import": SurveyImportFactory(),
        "opportunity": OpportunityFactory(),
        **live_session_objects(event),
    }
    # The panel role's account is made first, so that findings can be sent to it, and
    # the Action owner role's, so that it can belong to the actions' department.
    user_for_role(Role.FOCUS_GROUP_MEMBER)
    objects.update(findings_sent_to_the_panel_user())
    user_for_role(Role.ACTION_OWNER)
    objects.update(actions_for_the_owner_user())
    public_pages = [
        *PUBLIC_PAGES,
        objects["action"].get_public_url(),
        objects["wave"].get_public_url(),
        reverse("evaluation:about-you", kwargs={"token": event.feedback_token}),
    ]
    checked = 0
    for role, paths in [(None, public_pages), *pages_by_role(objects).items()]:
        context = browser.new_context(viewport={"width": 320, "height": 640})
        page = context.new_page()
        try:
            if role is not None:
                user = user_for_role(role)
                page.goto(f"{live_server.url}/accounts/login/")
                page.get_by_label("Username").fill(user.username)
                page.get_by_label("Password").fill(TEST_PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(
                    "**/staff/**" if role != Role.FOCUS_GROUP_MEMBER else "**/panel/**"
                )
            for path in paths:
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, f"{role} got {response.status} at {path}"
                axe_check(page, f"{path} as {role or 'a visitor'}")
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 320, f"{path} is {width}px wide at 320px"
                checked += 1
        finally:
            context.close()
    assert checked >= len(public_pages) + 20
