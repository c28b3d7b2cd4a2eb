"""Fixtures shared by every app's tests: one user per role, a signed-in client per
role, real-service guards, and Chromium with an axe-core check for browser journeys."""

import os
import shutil

import pytest
from django.core.cache import cache

from engagement.roles import Role
from engagement.tests.factories import TEST_PASSWORD, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses
# to run inside one unless told that it is safe, which it is for tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

ROLE_USERNAMES = {
    Role.COORDINATOR: "coordinator",
    Role.LEADER: "leader",
    Role.ACTION_OWNER: "owner",
    Role.FOCUS_GROUP_MEMBER: "panel",
    Role.ADMINISTRATOR: "admin",
}


def require_service(available: bool, what: str):
    """Skip a test whose service is missing on a laptop, but fail it in CI, where every
    service must be there."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available.")
    pytest.skip(f"{what} is not available on this machine.")


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests do not need that protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_runs_tasks_in_process():
    """Unit tests run Celery tasks in-process; delivery tests start a real worker."""
    from engagement.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def _make_role_user(role):
    user = UserFactory(username=ROLE_USERNAMES[role], roles=[role])
    if role == Role.ADMINISTRATOR:
        user.is_staff = True
        user.is_superuser = True
        user.save()
    return user


@pytest.fixture
def coordinator(db):
    return _make_role_user(Role.COORDINATOR)


@pytest.fixture
def leader(db):
    return _make_role_user(Role.LEADER)


@pytest.fixture
def action_owner(db):
    return _make_role_user(Role.ACTION_OWNER)


@pytest.fixture
def focus_group_member(db):
    return _make_role_user(Role.FOCUS_GROUP_MEMBER)


@pytest.fixture
def administrator(db):
    return _make_role_user(Role.ADMINISTRATOR)


@pytest.fixture
def programme_with_key_questions(db):
    """A programme asking the four Police Race Action Plan questions, in order. The
    questions belong to the feedback app; events' tests reach them through this."""
    from importlib import import_module

    from django.apps import apps

    from engagement.tests.factories import ProgrammeFactory
    from feedback.models import KeyQuestion, ProgrammeKeyQuestion

    if not KeyQuestion.objects.exists():
        # Browser journeys empty the database after each test; the feedback app's
        # migration made the questions, so its own code makes them again.
        migration = import_module("feedback.migrations.0002_race_action_plan_taxonomy")
        migration.create_taxonomy(apps, None)
    programme = ProgrammeFactory(name="Race Action Plan listening events")
    for position, question in enumerate(KeyQuestion.objects.order_by("workstream__position")):
        ProgrammeKeyQuestion.objects.create(
            programme=programme, key_question=question, position=position + 1
        )
    return programme


@pytest.fixture
def user_for_role(db):
    """Make the user for a role on demand: `user_for_role(Role.LEADER)`."""
    return _make_role_user


@pytest.fixture
def client_for_role(client, user_for_role):
    """A test client signed in as the given role, or anonymous for None."""

    def signed_in(role):
        if role is not None:
            client.force_login(user_for_role(role))
        return client

    return signed_in


# Browser journeys -----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require_service(
        os.path.exists(CHROMIUM_PATH) or shutil.which("chromium") is not None,
        f"Chromium at {CHROMIUM_PATH}",
    )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def axe_check():
    """Run axe-core (shipped by axe-playwright-python, no network) on the page with the
    WCAG 2.2 AA rule tags and fail the test on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, label: str = ""):
        results = axe.run(
            page,
            options={
                "runOnly": {
                    "type": "tag",
                    "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
                },
                "resultTypes": ["violations"],
            },
        )
        if results.violations_count:
            details = []
            for violation in results.response["violations"]:
                targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
                details.append(f"{violation['id']}: {violation['help']} at {targets}")
            pytest.fail(
                f"axe found {results.violations_count} violation(s) on {label or page.url}:\n"
                + "\n".join(details)
            )

    return check


@pytest.fixture
def sign_in(live_server):
    """Sign in through the real login page in the browser."""

    def do_sign_in(page, username: str, password: str = TEST_PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

    return do_sign_in


# Email through a real SMTP server -------------------------------------------------


@pytest.fixture
def smtp_server(settings):
    """An aiosmtpd server on 127.0.0.1, with Django's SMTP backend pointed at it."""
    from engagement.tests.smtp import SmtpServer

    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()
