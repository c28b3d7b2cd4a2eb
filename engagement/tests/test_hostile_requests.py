"""Requests that fail while Django builds them, before any middleware runs, reach the
friendly 400 page through the WSGI wrapper gunicorn runs (engagement/hostile.py)."""

import sys
from io import BytesIO

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from engagement import wsgi
from engagement.hostile import RefuseUnreadableContentType

FRIENDLY_BAD_REQUEST = "We could not read that"


def _call_wsgi(environ_overrides: dict, body: bytes) -> tuple[str, bytes]:
    """A request straight to the application as gunicorn runs it."""
    assert isinstance(wsgi.application, RefuseUnreadableContentType)
    application = RefuseUnreadableContentType(WSGIHandler())
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/keep-in-touch/",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **environ_overrides,
    }
    started = []
    # Django closes database connections when a request ends, which would end the
    # test's transaction; the test client avoids that the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, lambda status, headers, exc_info=None: started.append(status))
        content = b"".join(result)
        getattr(result, "close", lambda: None)()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return started[0], content


@pytest.mark.django_db
@pytest.mark.parametrize("charset", ["idna", "base64", "hex", "rot13", "punycode"])
@pytest.mark.parametrize(
    "form_type", ["multipart/form-data; boundary=BoUnDaRy", "application/x-www-form-urlencoded"]
)
def test_a_charset_that_cannot_decode_the_query_string_gets_the_friendly_page(form_type, charset):
    # Setting the request's encoding from the Content-Type reads the query string with
    # it, inside Django's WSGIRequest(): gunicorn answered 500 before any middleware.
    status, content = _call_wsgi(
        {"CONTENT_TYPE": f"{form_type}; charset={charset}", "QUERY_STRING": "page=%C3%A9"},
        b"name=Ada",
    )
    assert status.startswith("400"), status
    assert FRIENDLY_BAD_REQUEST.encode() in content


@pytest.mark.django_db
def test_a_form_in_utf8_with_a_query_string_passes_the_wrapper():
    status, _content = _call_wsgi(
        {
            "REQUEST_METHOD": "GET",
            "CONTENT_TYPE": "text/plain; charset=utf-8",
            "QUERY_STRING": "page=%C3%A9",
        },
        b"",
    )
    assert status.startswith("200"), status
