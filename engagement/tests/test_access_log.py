"""gunicorn's access log keeps no client address, user agent, referrer, query string or
token, whatever format it is given."""

import logging
import runpy
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from engagement.access_log import (
    ErrorEmailHandler,
    PrivateAccessLogger,
    clean_text,
    loggable_path,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONF = runpy.run_path(str(PROJECT_ROOT / "deploy" / "gunicorn.conf.py"))
# What a careless format could ask for: gunicorn's "combined" format plus headers.
EVERYTHING_FORMAT = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(U)s?%(q)s '
    "%({x-forwarded-for}i)s %({remote_addr}e)s %({set-cookie}o)s %({location}o)s"
)


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def logger_with(access_log_format: str):
    config = Config()
    for name, value in GUNICORN_CONF.items():
        if name in config.settings:
            config.set(name, value)
    config.set("access_log_format", access_log_format)
    logger = PrivateAccessLogger(config)
    lines = Lines()
    logger.access_log.addHandler(lines)
    logger.error_log.addHandler(lines)
    return logger, lines


def access_line(access_log_format: str, raw_uri: str, **headers) -> str:
    logger, lines = logger_with(access_log_format)
    path, _, query = raw_uri.partition("?")
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_USER_AGENT": "Mozilla/5.0 (Phone; Secret Browser)",
        "HTTP_REFERER": "https://voice.example.police.uk/my-data/referrer-token-1234/",
        "HTTP_X_FORWARDED_FOR": "198.51.100.23",
    }
    request = SimpleNamespace(
        headers=[
            ("X-FORWARDED-FOR", "198.51.100.23"),
            ("USER-AGENT", "Mozilla/5.0 (Phone; Secret Browser)"),
            *headers.items(),
        ]
    )
    response = SimpleNamespace(
        status="302 Found",
        sent=0,
        headers=[
            ("Location", "/my-data/location-token-5678/"),
            ("Set-Cookie", "sessionid=session-secret"),
        ],
    )
    logger.access(response, request, environ, timedelta(milliseconds=12))
    [line] = lines.lines
    return line


PERSONAL = [
    "203.0.113.7",
    "198.51.100.23",
    "Secret Browser",
    "referrer-token-1234",
    "location-token-5678",
    "session-secret",
]


@pytest.mark.parametrize(
    "access_log_format", [GUNICORN_CONF["access_log_format"], EVERYTHING_FORMAT]
)
def test_no_address_user_agent_referrer_or_header_reaches_the_access_log(access_log_format):
    line = access_line(access_log_format, "/give-feedback/")
    for secret in PERSONAL:
        assert secret not in line
    assert "POST /give-feedback/ HTTP/1.1" in line
    assert " 302 " in line


@pytest.mark.parametrize(
    ("raw_uri", "logged"),
    [
        ("/give-feedback/Ab3dE5fG7h/", "/give-feedback/…/"),
        ("/give-feedback/thank-you/", "/give-feedback/thank-you/"),
        ("/unsubscribe/u-token_123/", "/unsubscribe/…/"),
        ("/my-data/m-token/", "/my-data/…/"),
        ("/my-data/m-token/download/", "/my-data/…/download/"),
        ("/my-data/abc:1v2w3x:signature/preferences/", "/my-data/…/preferences/"),
        ("/unsubscribe/u-token/email-me-a-link/", "/unsubscribe/…/email-me-a-link/"),
        ("/keep-in-touch/confirm/abc:1v2w3x:signature/", "/keep-in-touch/confirm/…/"),
        ("/keep-in-touch/keep/k-token/", "/keep-in-touch/keep/…/"),
        ("/keep-in-touch/", "/keep-in-touch/"),
        ("/survey/2026-spring/", "/survey/…/"),
        ("/live/ABC123/", "/live/…/"),
        ("/so/give-feedback/Ab3dE5fG7h/", "/so/give-feedback/…/"),
        ("/unsubscribe/u-token/?utm_source=email&email=someone@example.org", "/unsubscribe/…/"),
        ("/staff/contacts/?q=Jane+Smith", "/staff/contacts/"),
        ("/events/summer-listening-event/", "/events/summer-listening-event/"),
    ],
)
def test_tokens_and_query_strings_are_left_out_of_paths(raw_uri, logged):
    line = access_line(GUNICORN_CONF["access_log_format"], raw_uri)
    assert f'"POST {logged} HTTP/1.1"' in line
    assert "?" not in line


def test_loggable_path_hides_every_unknown_word_after_a_public_form_section():
    assert loggable_path("/my-data/tok/new-route/other-token/") == "/my-data/…/…/…/"


def test_error_messages_naming_a_public_form_path_lose_the_token():
    logger, lines = logger_with(GUNICORN_CONF["access_log_format"])
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.exception("Error handling request %s", "/my-data/secret-token/?a=b")
    logger.warning("Invalid request: GET /unsubscribe/another-token/ HTTP/1.1")
    assert "secret-token" not in "\n".join(lines.lines)
    assert "another-token" not in "\n".join(lines.lines)
    assert "Error handling request /my-data/…/" in lines.lines[0]
    assert "GET /unsubscribe/…/ HTTP/1.1" in lines.lines[1]


def test_clean_text_leaves_other_words_alone():
    assert clean_text("delivery /lively /events/x/") == "delivery /lively /events/x/"


def test_the_gunicorn_configuration_uses_the_private_logger_behind_nginx():
    assert GUNICORN_CONF["logger_class"] == "engagement.access_log.PrivateAccessLogger"
    assert GUNICORN_CONF["bind"] == "127.0.0.1:8000"
    assert GUNICORN_CONF["forwarded_allow_ips"] == "127.0.0.1"
    assert GUNICORN_CONF["accesslog"] == "-"


# Error emails -------------------------------------------------------------------------


def test_error_emails_hold_the_traceback_but_nothing_about_the_request(settings, rf, mailoutbox):
    settings.ADMINS = [("Administrators", "admins@example.police.uk")]
    request = rf.post(
        "/unsubscribe/email-token-42/?utm_source=email",
        {"anything_else": "My neighbour was stopped twice this week"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        HTTP_USER_AGENT="Mozilla/5.0 (Phone; Secret Browser)",
        HTTP_COOKIE="sessionid=session-secret",
    )
    try:
        raise RuntimeError("the database went away")
    except RuntimeError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            (request.path,),
            sys.exc_info(),
            extra={"request": request, "status_code": 500},
        )
    ErrorEmailHandler().handle(record)

    [email] = mailoutbox
    report = email.subject + email.body
    assert "RuntimeError" in report
    assert "the database went away" in report
    assert "Internal Server Error: /unsubscribe/…/" in email.subject
    for secret in [
        "203.0.113.7",
        "Secret Browser",
        "session-secret",
        "email-token-42",
        "utm_source",
        "My neighbour",
    ]:
        assert secret not in report
    # The record itself is left as it was for the other handlers.
    assert record.request is request
