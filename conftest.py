"""Fixtures shared by every app's tests: every app's factories, one user per role, a
signed-in client per role, real-service guards, and Chromium with an axe-core check for
browser journeys."""

import gzip
import io
import os
import re
import shutil
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from unittest import mock

import factory
import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings

from engagement.roles import Role
from engagement.services import user_create_with_roles
from engagement.tests.factories import TEST_PASSWORD
from feedback.services import focus_group_member_start

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


# Parallel workers (pytest-xdist) may share one Redis. Each keeps its cache keys under
# a prefix of its own, set here before anything has used the cache.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER:
    default_cache = settings.CACHES["default"]
    default_cache["KEY_PREFIX"] = f"{default_cache.get('KEY_PREFIX', '')}-{XDIST_WORKER}"


def empty_the_cache():
    """Empty this test run's own keys. Django's clear() on Redis empties the whole Redis
    database, under the feet of parallel workers and anyone else's test run."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{backend.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _clean_cache():
    empty_the_cache()
    yield
    empty_the_cache()


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request to /so/… leaves Somali active in the thread, and each process
    remembers which languages are on: neither may leak into the next test. Every
    language starts on, as in a new installation, remembered without reading the
    database, so that a page's query count does not depend on whether it is the
    first of its test. A test that turns languages off calls forget_enabled_languages()."""
    import math

    from django.conf import settings as django_settings
    from django.utils import translation

    from engagement import languages

    all_on = tuple(code for code, _name in django_settings.LANGUAGES)
    languages._process_memo = (math.inf, all_on)
    yield
    translation.deactivate()
    languages._process_memo = (math.inf, all_on)


# The real hasher is slow on purpose; tests do not need that protection.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@contextmanager
def tasks_in_process():
    from engagement.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _celery_runs_tasks_in_process():
    """Unit tests run Celery tasks in-process; delivery tests start a real worker."""
    with tasks_in_process():
        yield


def make_role_user(role):
    """The account for a role, made as accounts are made for real. The focus group
    member's account has an active membership too, without which the panel refuses
    them."""
    username = ROLE_USERNAMES[role]
    user = user_create_with_roles(
        username=username,
        password=TEST_PASSWORD,
        roles=[role],
        email=f"{username}@example.police.uk",
        first_name=username.capitalize(),
        last_name="Tester",
    )
    if role == Role.FOCUS_GROUP_MEMBER:
        focus_group_member_start(user=user)
    return user


@pytest.fixture
def coordinator(db):
    return make_role_user(Role.COORDINATOR)


@pytest.fixture
def leader(db):
    return make_role_user(Role.LEADER)


@pytest.fixture
def action_owner(db):
    return make_role_user(Role.ACTION_OWNER)


@pytest.fixture
def focus_group_member(db):
    return make_role_user(Role.FOCUS_GROUP_MEMBER)


@pytest.fixture
def administrator(db):
    return make_role_user(Role.ADMINISTRATOR)


@pytest.fixture
def programme_with_key_questions(programme_factory, programme_key_question_factory):
    """A programme asking the four Police Race Action Plan questions, in order. The
    questions belong to the feedback app; events' tests reach them through this."""
    from feedback.models import KeyQuestion

    if not KeyQuestion.objects.exists():
        # Browser journeys empty the database after each test; the feedback app's
        # migration made the questions, so its own code makes them again.
        migration = import_module("feedback.migrations.0002_race_action_plan_taxonomy")
        migration.create_taxonomy(apps, None)
    programme = programme_factory(name="Race Action Plan listening events")
    questions = KeyQuestion.objects.order_by("workstream__position")
    for position, question in enumerate(questions, start=1):
        programme_key_question_factory(
            programme=programme, key_question=question, position=position
        )
    return programme


@pytest.fixture
def programme(programme_with_key_questions):
    """The programme asking the four key questions, with `questions` in its order."""
    from feedback.models import KeyQuestion

    programme_with_key_questions.questions = list(
        KeyQuestion.objects.for_programme(programme_with_key_questions)
    )
    return programme_with_key_questions


@pytest.fixture
def user_for_role(db):
    """Make the user for a role on demand: `user_for_role(Role.LEADER)`."""
    return make_role_user


@pytest.fixture
def client_for_role(client, user_for_role):
    """A test client signed in as the given role, or anonymous for None."""

    def signed_in(role):
        if role is not None:
            client.force_login(user_for_role(role))
        return client

    return signed_in


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture(scope="module")
def public_site(django_db_setup, django_db_blocker):
    """Every public page and form, with real data behind them, for the property tests
    that send them hostile input (tests/public_site.py). Made once for the test module,
    in a transaction rolled back when the module ends."""
    from tests.public_site import build_public_site

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS),
        tasks_in_process(),
        transaction.atomic(),
    ):
        empty_the_cache()
        yield build_public_site(Client())
        transaction.set_rollback(True)


DEMO_PASSWORD = "a-demo-password-for-tests"


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo programme that seed_demo makes, with DEMO_PASSWORD, and what it printed.
    Seeding takes seconds, so it is done once for the test module, in a transaction
    rolled back when the module ends; each test runs in a savepoint inside it."""
    output = io.StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_PASSWORD_HASHERS),
        mock.patch.dict(os.environ, {"DEMO_PASSWORD": DEMO_PASSWORD}),
        tasks_in_process(),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


# Factories ------------------------------------------------------------------------
# Every factory in an app's tests/factories.py is a fixture named after it, for any
# test to ask for: EventFactory is `event_factory`, FeedbackItemFactory is
# `feedback_item_factory`. A factory added to one of those files needs nothing here.


def _fixture_name(factory_class) -> str:
    name = factory_class.__name__.removesuffix("Factory")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() + "_factory"


def _project_factories():
    for app_config in apps.get_app_configs():
        in_project = Path(app_config.path).is_relative_to(settings.BASE_DIR)
        if not in_project or not Path(app_config.path, "tests", "factories.py").exists():
            continue
        module = import_module(f"{app_config.name}.tests.factories")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, factory.django.DjangoModelFactory)
                and value.__module__ == module.__name__
                and not value._meta.abstract
            ):
                yield value


def _factory_fixture(factory_class):
    @pytest.fixture(name=_fixture_name(factory_class))
    def the_factory(db):
        return factory_class

    return the_factory


FACTORY_FIXTURES = {}
for _factory_class in _project_factories():
    _name = _fixture_name(_factory_class)
    assert _name not in FACTORY_FIXTURES, f"Two factories would be called {_name}"
    FACTORY_FIXTURES[_name] = _factory_class
    globals()[f"_{_name}_fixture"] = _factory_fixture(_factory_class)


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


class ColdVisit:
    """One page opened in a fresh browser context, as on a phone that has never been to
    the site, with every request and response it made."""

    def __init__(self, context, url: str):
        self.requested, self.scripts, self.responses = [], [], []
        self.page = context.new_page()
        self.page.on("request", self._record_request)
        self.page.on("response", lambda response: self.responses.append(response))
        self.response = self.page.goto(url)
        self.page.wait_for_load_state("networkidle")

    def _record_request(self, request):
        self.requested.append(request.url)
        if request.resource_type == "script":
            self.scripts.append(request.url)

    def compressed_sizes(self) -> dict[str, int]:
        """What each response weighs gzip-compressed, as a phone on a poor connection
        would download it."""
        sizes = {}
        for answer in self.responses:
            body = answer.body() if 200 <= answer.status < 300 else b""
            sizes[answer.url] = len(gzip.compress(body, compresslevel=6))
        return sizes


@pytest.fixture
def cold_visit(browser):
    """Open a page with a cold cache at 320 px: `visit = cold_visit(url)`."""
    contexts = []

    def visit(url: str, viewport=None):
        context = browser.new_context(viewport=viewport or {"width": 320, "height": 640})
        contexts.append(context)
        return ColdVisit(context, url)

    yield visit
    for context in contexts:
        context.close()


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


# Delivery through real services ---------------------------------------------------
# A Redis of the test's own, an SMTP server and real Celery workers against the test
# database, for the tests that follow an email from the outbox to the mail server.


@pytest.fixture
def real_services():
    require_service(
        connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL), shared with the workers"
    )
    require_service(
        shutil.which("redis-server") is not None, "Redis (redis-server), a broker of the test's own"
    )


@pytest.fixture
def redis_server(real_services, tmp_path):
    from contacts.tests.delivery import RedisServer

    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture
def smtp(real_services):
    from engagement.tests.smtp import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def workers(transactional_db, redis_server, smtp, tmp_path):
    from contacts.tests.delivery import Workers

    # Depends on the database fixture so that the workers stop before it is flushed.
    started = Workers(tmp_path, redis_url=redis_server.url, email_url=smtp.url)
    yield started
    started.stop_all()
