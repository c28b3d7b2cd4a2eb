"""The deployment as the guide describes it: Debian's nginx, configured from
deploy/nginx-community-voice.conf with a self-signed certificate, in front of gunicorn
started with deploy/gunicorn.conf.py and production settings.

Clients connect from different loopback addresses (127.0.0.2, 127.0.0.3, ...), which
Linux routes like 127.0.0.1, so nginx sees them as different people. The tests check
that the app detects HTTPS through the proxy, knows each client by the address nginx
saw (whatever X-Forwarded-For the client sends), locks accounts rather than addresses,
throttles an address that fails too often, and that neither server logs a client
address or token on the public form paths.
"""

import secrets
import time

import httpx
import pytest

from conftest import require_service
from engagement.roles import Role
from engagement.tests.factories import TEST_PASSWORD, UserFactory
from engagement.tests.proxy_stack import (
    FEEDBACK_RATE_LIMIT,
    LOGIN_ADDRESS_FAILURE_LIMIT,
    LOGIN_FAILURE_LIMIT,
    Visitor,
    missing_services,
    running_stack,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both servers, started once for this module and stopped when it ends."""
    for what in missing_services():
        require_service(False, what)
    with running_stack(tmp_path_factory.mktemp("proxy")) as running:
        yield running


@pytest.fixture
def visitor(stack):
    visitors = []

    def on(address: str, **headers) -> Visitor:
        visitors.append(Visitor(stack, address, **headers))
        return visitors[-1]

    yield on
    for each in visitors:
        each.close()


@pytest.fixture
def staff(settings):
    # gunicorn verifies passwords with the production hashers, not the test suite's
    # fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]

    def make(username: str):
        return UserFactory(username=username, roles=[Role.COORDINATOR])

    return make


# HTTPS detection ------------------------------------------------------------------


def test_https_is_detected_through_the_proxy(visitor):
    response = visitor("127.0.0.2").get("/accounts/login/")

    assert response.status_code == 200
    assert response.headers["strict-transport-security"].startswith("max-age=")
    csrf_cookie = next(
        header for header in response.headers.get_list("set-cookie") if "csrftoken=" in header
    )
    assert "Secure" in csrf_cookie


def test_plain_http_is_sent_to_https_except_the_health_check(stack):
    with httpx.Client(trust_env=False, timeout=30) as plain:
        page = plain.get(f"{stack['http']}/accounts/login/?next=/staff/")
        health = plain.get(f"{stack['http']}/healthz")

    assert page.status_code == 301
    assert page.headers["location"] == f"{stack['https']}/accounts/login/?next=/staff/"
    # The scheduler or broker may be reported as failing here (no beat runs in this
    # test); what matters is that the check answers over plain HTTP, unredirected.
    assert health.status_code in {200, 503}
    # Through nginx the app sees the caller's own address: here the server itself, which
    # is shown the details.
    assert set(health.json()["checks"]) >= {"database", "cache", "broker", "scheduler"}


def test_a_request_for_another_host_name_gets_no_answer(stack):
    with (
        httpx.Client(trust_env=False, timeout=30) as plain,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        plain.get(f"{stack['http']}/healthz", headers={"Host": "voice.example.org"})


# The client's address ---------------------------------------------------------------


def test_the_feedback_limit_counts_each_client_address_separately(visitor):
    first, second = visitor("127.0.0.2"), visitor("127.0.0.3")

    for _ in range(FEEDBACK_RATE_LIMIT):
        assert first.give_feedback().status_code == 302
    assert first.give_feedback().status_code == 429
    assert second.give_feedback().status_code == 302


def test_a_client_cannot_escape_the_feedback_limit_with_x_forwarded_for(visitor):
    client = visitor("127.0.0.2")

    for _ in range(FEEDBACK_RATE_LIMIT):
        made_up = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
        response = client.give_feedback(headers={"X-Forwarded-For": made_up})
        assert response.status_code == 302
    made_up = "10.1.2.3, 192.0.2.44"
    assert client.give_feedback(headers={"X-Forwarded-For": made_up}).status_code == 429
    assert client.give_feedback().status_code == 429


def test_a_client_cannot_use_up_another_address_limit_with_x_forwarded_for(visitor):
    framer, victim = visitor("127.0.0.6"), visitor("127.0.0.7")

    for _ in range(FEEDBACK_RATE_LIMIT + 1):
        framer.give_feedback(headers={"X-Forwarded-For": "127.0.0.7"})
    assert victim.give_feedback().status_code == 302


# Sign-in lockout and the address throttle -------------------------------------------


def test_wrong_passwords_lock_the_account_not_the_address(visitor, staff):
    staff("alice")
    staff("bob")
    attacker, elsewhere = visitor("127.0.0.2"), visitor("127.0.0.3")

    for _ in range(LOGIN_FAILURE_LIMIT):
        assert attacker.sign_in("alice", "not-her-password").status_code in {200, 403, 429}

    refused = elsewhere.sign_in("alice", TEST_PASSWORD)
    assert refused.status_code >= 400
    assert not elsewhere.is_signed_in()

    signed_in = attacker.sign_in("bob", TEST_PASSWORD)
    assert signed_in.status_code == 302
    session_cookie = next(
        header for header in signed_in.headers.get_list("set-cookie") if "sessionid=" in header
    )
    assert "Secure" in session_cookie
    assert attacker.is_signed_in()


def test_an_address_that_fails_too_often_is_throttled_but_others_are_not(visitor, staff):
    staff("carol")
    guesser, colleague = visitor("127.0.0.4"), visitor("127.0.0.5")

    for number in range(LOGIN_ADDRESS_FAILURE_LIMIT):
        response = guesser.sign_in(f"made-up-{number}", "password-guess")
        assert response.status_code == 200

    refused = guesser.sign_in("carol", TEST_PASSWORD)
    assert refused.status_code >= 400
    assert not guesser.is_signed_in()

    assert colleague.sign_in("carol", TEST_PASSWORD).status_code == 302
    assert colleague.is_signed_in()


def test_a_client_cannot_escape_the_address_throttle_with_x_forwarded_for(visitor, staff):
    staff("dave")
    guesser = visitor("127.0.0.8")

    for number in range(LOGIN_ADDRESS_FAILURE_LIMIT):
        guesser.client.headers["X-Forwarded-For"] = f"10.0.0.{number + 1}"
        guesser.sign_in(f"made-up-{number}", "password-guess")

    refused = guesser.sign_in("dave", TEST_PASSWORD)
    assert refused.status_code >= 400
    assert not guesser.is_signed_in()


# The logs ---------------------------------------------------------------------------


def test_public_form_paths_are_logged_without_address_user_agent_or_token(stack, visitor):
    member_of_public = visitor("127.0.0.9", **{"User-Agent": "Distinctive-Phone/1.0"})
    token = secrets.token_urlsafe(16)

    member_of_public.give_feedback()
    member_of_public.get(f"/unsubscribe/{token}/?utm_source=email")
    member_of_public.get("/accounts/login/")

    # Both servers write each line as the request finishes; allow them a moment.
    time.sleep(0.5)
    nginx_lines = stack["access_log"].read_text().splitlines()
    gunicorn_output = stack["gunicorn_log"].read_text()

    public = [line for line in nginx_lines if "/give-feedback/" in line or "/unsubscribe/" in line]
    assert public, "nginx logged no public form request"
    for line in public:
        assert "127.0.0.9" not in line
        assert "Distinctive-Phone" not in line
    assert any('"GET /unsubscribe/... HTTP/' in line for line in public)
    # Other pages keep the address, for the record of who tried to sign in.
    assert any("127.0.0.9" in line and "/accounts/login/" in line for line in nginx_lines)

    assert token not in stack["access_log"].read_text()
    assert "utm_source" not in stack["access_log"].read_text()
    assert '"GET /unsubscribe/…/ HTTP/1.0"' in gunicorn_output
    for secret in ("127.0.0.9", "Distinctive-Phone", token, "utm_source"):
        assert secret not in gunicorn_output
