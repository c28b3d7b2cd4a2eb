import logging

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from engagement.forms import TwoFactorCodeForm
from engagement.roles import Role


@pytest.mark.django_db
def test_home_page_explains_how_to_give_feedback_and_is_light(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert 'href="#main-content"' in page
    assert "<main" in page and "<footer" in page and "<header" in page
    assert "<script" not in page
    assert "How to tell us what you think" in page


@pytest.mark.django_db
def test_pages_name_their_language(client):
    page = client.get("/").content.decode()
    assert '<html lang="en-gb"' in page


@pytest.mark.django_db
def test_unknown_pages_get_a_friendly_404(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_refused_pages_get_a_friendly_403(client, focus_group_member):
    client.force_login(focus_group_member)
    response = client.get("/staff/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot see this page" in page
    assert reverse("home-for-user") in page


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_a_friendly_page(coordinator):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "coordinator", "password": "x"})
    assert response.status_code == 403
    assert "Please try again" in response.content.decode()


def test_server_errors_get_a_page_that_needs_no_database(rf):
    from engagement.errors import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, something went wrong" in page
    assert "Nothing you had already saved has been lost" in page


@pytest.mark.django_db
def test_a_crash_shows_the_friendly_500_page(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "engagement.tests.crashing_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/crash/")
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/database-gone/", "/restarting/"])
def test_a_database_that_cannot_be_reached_gets_a_try_again_page(settings, caplog, path):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "engagement.tests.crashing_urls"
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.get(path)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.content.decode()
    assert "Please try again" in page
    assert "Traceback" not in page and "OperationalError" not in page
    # One line for the log, not a traceback and an email to the administrators for
    # every request while PostgreSQL restarts.
    records = [(record.name, record.levelno) for record in caplog.records]
    assert ("engagement.errors", logging.WARNING) in records
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not any(record.exc_info for record in caplog.records)


def test_an_error_the_database_answered_with_is_a_500_with_its_traceback_logged(settings, caplog):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "engagement.tests.crashing_urls"
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.get("/deadlock/")
    assert response.status_code == 500
    assert any(record.exc_info for record in caplog.records if record.levelno >= logging.ERROR)


@pytest.mark.django_db
def test_form_errors_are_summarised_with_links_to_the_fields(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("two-factor-verify"), {"code": ""})
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_code"' in page
    assert "Enter the 6-digit code from your authenticator app." in page


def test_two_factor_codes_accept_spaces_but_not_letters():
    assert TwoFactorCodeForm({"code": "123 456"}).is_valid()
    form = TwoFactorCodeForm({"code": "12a456"})
    assert not form.is_valid()
    assert "numbers only" in form.errors["code"][0]


@pytest.mark.django_db
def test_security_headers_are_sent(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_page_links_keep_the_filters_and_change_only_the_page(rf):
    page = Paginator(range(30), 10).get_page(2)
    request = rf.get("/staff/feedback/", {"topic": "3", "page": "2", "status": "tagged"})

    links = render_to_string("includes/pagination.html", {"page": page}, request=request)

    assert 'href="?topic=3&amp;page=1&amp;status=tagged"' in links
    assert 'href="?topic=3&amp;page=3&amp;status=tagged"' in links


@pytest.mark.django_db
def test_the_audit_log_links_to_its_next_page(administrator_client, audit_log_entry_factory):
    audit_log_entry_factory.create_batch(51)

    page = administrator_client.get(reverse("audit-log")).content.decode()

    assert 'href="?page=2"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.COORDINATOR, Role.LEADER, Role.ACTION_OWNER, Role.ADMINISTRATOR]
)
def test_the_staff_overview_links_only_to_pages_that_exist(client_for_role, role):
    import re

    client = client_for_role(role)
    page = client.get("/staff/").content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    links = set(re.findall(r'href="(/[^"#]*)"', main)) - {"/staff/"}
    assert links
    if role == Role.ACTION_OWNER:
        # Their departments' actions, even before they are in a department: the page
        # tells them to ask an administrator to add them.
        assert reverse("actions:mine") in links
    for link in links:
        if link.startswith("/admin/"):
            continue
        assert client.get(link).status_code == 200, link
    # Promises of pages still to be built are not made.
    assert "Read dashboards and evaluation" not in page
