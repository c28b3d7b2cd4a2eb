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

import os
import secrets
import shutil
import signal
import socket
import ssl
import string
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection

from conftest import require_service
from engagement.roles import Role
from engagement.tests.factories import TEST_PASSWORD, UserFactory
from engagement.tests.smtp import free_port

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
LOGIN_FAILURE_LIMIT = 5
LOGIN_ADDRESS_FAILURE_LIMIT = 8
FEEDBACK_RATE_LIMIT = 3
# One window for every limit, a day long, so that no test straddles two windows.
RATE_WINDOW_MINUTES = 24 * 60
# collectstatic as production runs it also compresses every file, which takes most of
# a minute; the manifest that gunicorn reads is the same without that step.
COLLECT_STATIC_UNCOMPRESSED = """
from django.conf import settings
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
import django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
"""
# Settings the test run may have in its own environment that must not reach gunicorn.
LEFT_OUT = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "EMAIL_URL",
    "TWO_FACTOR_REQUIRED",
    "SECURE_SSL_REDIRECT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
}


# Starting and stopping the servers --------------------------------------------------


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


def _wait_for_port(port: int, process: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    output = log.read_text(errors="replace") if log.exists() else ""
    pytest.fail(f"{what} did not start on port {port}:\n{output[-3000:]}")


def _test_database_url() -> str:
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


def _self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    certificate, key = directory / "certificate.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return certificate, key


def _nginx_configuration(directory: Path, values: dict) -> Path:
    """The site file from deploy/, filled in as the guide's envsubst step does, inside a
    minimal nginx.conf that keeps everything nginx writes in the test's directory."""
    template = (PROJECT_ROOT / "deploy" / "nginx-community-voice.conf").read_text()
    site = string.Template(template).safe_substitute(values)
    assert "${" not in site, "the nginx template has a placeholder the test does not fill"
    (directory / "community-voice.conf").write_text(site)
    # nginx started by root hands requests to workers running as "nobody", who could
    # not reach the test's private directory.
    user = "user root;" if os.geteuid() == 0 else ""
    temp_paths = "\n".join(
        f"    {name}_temp_path {directory / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    configuration = directory / "nginx.conf"
    configuration.write_text(
        f"""daemon off;
worker_processes 1;
pid {directory / "nginx.pid"};
{user}
events {{ worker_connections 256; }}
http {{
    access_log off;
{temp_paths}
    include {directory / "community-voice.conf"};
}}
"""
    )
    return configuration


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    """nginx on two free ports (HTTP and HTTPS) in front of gunicorn with production
    settings, against the test database and Redis. Both stop when the module ends."""
    require_service(os.path.exists(NGINX), "nginx (apt-get install nginx-light)")
    require_service(shutil.which("openssl") is not None, "openssl")
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    require_service(bool(settings.REDIS_URL), "Redis (REDIS_URL)")

    directory = tmp_path_factory.mktemp("proxy")
    logs = directory / "logs"
    logs.mkdir()
    http_port, https_port, gunicorn_port = free_port(), free_port(), free_port()
    site_url = f"https://localhost:{https_port}"

    environment = {key: value for key, value in os.environ.items() if key not in LEFT_OUT}
    environment.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "SITE_URL": site_url,
            "BEHIND_HTTPS_PROXY": "true",
            "DATABASE_URL": _test_database_url(),
            # Every request closes its connection, so nothing holds the test database
            # open while it is emptied between tests and dropped at the end.
            "DATABASE_CONN_MAX_AGE": "0",
            "REDIS_URL": settings.REDIS_URL,
            "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", "cv"),
            "TWO_FACTOR_REQUIRED": "false",
            "LOGIN_FAILURE_LIMIT": str(LOGIN_FAILURE_LIMIT),
            "LOGIN_ADDRESS_FAILURE_LIMIT": str(LOGIN_ADDRESS_FAILURE_LIMIT),
            "LOGIN_ADDRESS_WINDOW_MINUTES": str(RATE_WINDOW_MINUTES),
            "FEEDBACK_RATE_LIMIT": str(FEEDBACK_RATE_LIMIT),
            "FEEDBACK_RATE_WINDOW_MINUTES": str(RATE_WINDOW_MINUTES),
            "SAFEGUARDING_EMAIL": "safeguarding@example.police.uk",
            "VAR_DIR": str(directory / "var"),
            "ENV_FILE": str(directory / "no.env"),
            "WEB_CONCURRENCY": "2",
        }
    )
    subprocess.run(
        [sys.executable, "-c", COLLECT_STATIC_UNCOMPRESSED],
        cwd=PROJECT_ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "engagement.settings"},
        check=True,
        timeout=300,
    )

    certificate, key = _self_signed_certificate(directory)
    nginx_conf = _nginx_configuration(
        directory,
        {
            "SERVER_NAME": "localhost",
            "SITE_URL": site_url,
            "HTTP_LISTEN": f"127.0.0.1:{http_port}",
            "HTTPS_LISTEN": f"127.0.0.1:{https_port}",
            "TLS_CERTIFICATE": str(certificate),
            "TLS_CERTIFICATE_KEY": str(key),
            "GUNICORN_ADDRESS": f"127.0.0.1:{gunicorn_port}",
            "LOG_DIR": str(logs),
        },
    )

    # The rate-limit windows are whole days since the epoch; wait out the last two
    # minutes of one rather than have a test's counts reset halfway.
    seconds_left = RATE_WINDOW_MINUTES * 60 - time.time() % (RATE_WINDOW_MINUTES * 60)
    if seconds_left < 120:
        time.sleep(seconds_left + 1)

    gunicorn_log = logs / "gunicorn.log"
    with gunicorn_log.open("w") as output:
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "deploy/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{gunicorn_port}",
                "engagement.wsgi",
            ],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    nginx_log = logs / "nginx-error.log"
    nginx = subprocess.Popen(
        [NGINX, "-p", str(directory), "-c", str(nginx_conf), "-e", str(nginx_log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(gunicorn_port, gunicorn, "gunicorn", gunicorn_log)
        _wait_for_port(https_port, nginx, "nginx", nginx_log)
        yield {
            "http": f"http://localhost:{http_port}",
            "https": site_url,
            "certificate": certificate,
            "access_log": logs / "community-voice.access.log",
            "gunicorn_log": gunicorn_log,
        }
    finally:
        _stop(nginx)
        _stop(gunicorn)


# Clients on other addresses -------------------------------------------------------


class _Forms(HTMLParser):
    """The POST forms of a page: each one's fields and their values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._in_post_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_post_form = (attrs.get("method") or "").lower() == "post"
            if self._in_post_form:
                self.forms.append({})
        elif not self._in_post_form or "name" not in attrs:
            return
        elif tag == "input" and attrs.get("type") not in {"checkbox", "radio", "submit"}:
            self.forms[-1][attrs["name"]] = attrs.get("value") or ""
        elif tag in {"textarea", "select"}:
            self.forms[-1][attrs["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_post_form = False


def post_form_fields(html: str, field: str) -> dict:
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if field in form:
            return form
    raise AssertionError(f"no form with a {field!r} field on the page")


class Visitor:
    """A browser on one loopback address, keeping its cookies. It sends Origin and
    Referer with its forms, as browsers do and Django's CSRF check asks over HTTPS."""

    def __init__(self, stack, address: str, **headers):
        self.base = stack["https"]
        context = ssl.create_default_context(cafile=str(stack["certificate"]))
        self.client = httpx.Client(
            transport=httpx.HTTPTransport(local_address=address, verify=context),
            headers=headers,
            trust_env=False,
            timeout=30,
        )

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.client.get(self.base + path, **kwargs)

    def post_form(self, path: str, field: str, values: dict, **kwargs) -> httpx.Response:
        page = self.get(path)
        assert page.status_code == 200, f"GET {path} answered {page.status_code}"
        data = {**post_form_fields(page.text, field), **values}
        headers = {"Origin": self.base, "Referer": self.base + path, **kwargs.pop("headers", {})}
        return self.client.post(self.base + path, data=data, headers=headers, **kwargs)

    def sign_in(self, username: str, password: str) -> httpx.Response:
        return self.post_form(
            "/accounts/login/", "username", {"username": username, "password": password}
        )

    def is_signed_in(self) -> bool:
        return self.get("/staff/").status_code == 200

    def give_feedback(self, **kwargs) -> httpx.Response:
        return self.post_form(
            "/give-feedback/",
            "form_nonce",
            {"anything_else": "The new community officer has been great."},
            **kwargs,
        )

    def close(self):
        self.client.close()


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
