"""nginx and gunicorn started as the deployment guide describes, for the proxy tests:
Debian's nginx, configured from deploy/nginx-community-voice.conf with a self-signed
certificate, in front of gunicorn started with deploy/gunicorn.conf.py and production
settings; and a visitor on a loopback address of its own."""

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
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection

from engagement.tests.smtp import free_port

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


def missing_services() -> list[str]:
    """What this machine lacks to run the stack."""
    needs = {
        "nginx (apt-get install nginx-light)": os.path.exists(NGINX),
        "openssl": shutil.which("openssl") is not None,
        "PostgreSQL (DATABASE_URL)": connection.vendor == "postgresql",
        "Redis (REDIS_URL)": bool(settings.REDIS_URL),
    }
    return [what for what, there in needs.items() if not there]


@contextmanager
def running_stack(directory: Path):
    """nginx on two free ports (HTTP and HTTPS) in front of gunicorn with production
    settings, against the test database and Redis, until the block ends."""
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
