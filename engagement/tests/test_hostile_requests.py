"""Requests that fail while Django builds them, before any middleware runs, reach the
friendly 400 page through the WSGI wrapper gunicorn runs (engagement/hostile.py)."""

import pytest

from engagement.tests.wsgi_requests import call_wsgi

FRIENDLY_BAD_REQUEST = "We could not read that"


@pytest.mark.django_db
@pytest.mark.parametrize("charset", ["idna", "base64", "hex", "rot13", "punycode"])
@pytest.mark.parametrize(
    "form_type", ["multipart/form-data; boundary=BoUnDaRy", "application/x-www-form-urlencoded"]
)
def test_a_charset_that_cannot_decode_the_query_string_gets_the_friendly_page(form_type, charset):
    # Setting the request's encoding from the Content-Type reads the query string with
    # it, inside Django's WSGIRequest(): gunicorn answered 500 before any middleware.
    status, content = call_wsgi(
        {"CONTENT_TYPE": f"{form_type}; charset={charset}", "QUERY_STRING": "page=%C3%A9"},
        b"name=Ada",
    )
    assert status.startswith("400"), status
    assert FRIENDLY_BAD_REQUEST.encode() in content


@pytest.mark.django_db
def test_a_form_in_utf8_with_a_query_string_passes_the_wrapper():
    status, _content = call_wsgi(
        {
            "REQUEST_METHOD": "GET",
            "CONTENT_TYPE": "text/plain; charset=utf-8",
            "QUERY_STRING": "page=%C3%A9",
        },
        b"",
    )
    assert status.startswith("200"), status
