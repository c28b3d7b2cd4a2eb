"""Each way hostile input once caused a server error, kept as a regression test: the
friendly 400 page that reads nothing from the request, and the middleware that
refuses NUL bytes and unreadable bodies before the session is read (DESIGN.md §6,
rule 9)."""

import socket

import pytest
from django.conf import settings
from django.core.exceptions import BadRequest
from django.test import Client, RequestFactory

from contacts.services.links import attendee_unsubscribe_url
from contacts.tests.factories import AttendeeFactory
from engagement.errors import bad_request
from engagement.hostile import RefuseHostileRequestsMiddleware
from engagement.tests.wsgi_requests import call_wsgi
from tests.public_site import path_of

HOSTILE_MIDDLEWARE = "engagement.hostile.RefuseHostileRequestsMiddleware"
FRIENDLY_BAD_REQUEST = "We could not read that"
USUAL_SIGN_IN_ERROR = "The username or password is not right"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/unsubscribe/%00/", "/my-data/%00/", "/give-feedback/%00/"])
def test_a_nul_byte_in_a_link_token_is_page_not_found(client, path):
    # PostgreSQL refuses text with a NUL byte, so this used to fail in the query.
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


@pytest.mark.django_db
def test_the_unsubscribe_one_click_post_with_a_nul_byte_in_the_token_is_page_not_found(client):
    response = client.post("/unsubscribe/abc%00def/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("length", [256, 1_000])
def test_a_very_long_username_gets_the_usual_sign_in_error(client, length):
    # django-axes keeps at most 255 characters of a username: PostgreSQL refused more.
    response = client.post("/accounts/login/", {"username": "x" * length, "password": "wrong"})
    assert response.status_code == 200
    assert USUAL_SIGN_IN_ERROR in response.content.decode()


# These tests send their bodies with client.generic(): client.post() would try to
# re-encode the bytes in the declared charset before sending them.


def _csrf_client(path: str) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.get(path)
    return client, client.cookies[settings.CSRF_COOKIE_NAME].value


@pytest.mark.django_db
@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "shift_jis"])
def test_a_form_sent_in_another_character_set_gets_the_friendly_bad_request_page(charset):
    # Django refuses such a form with a 400, and its own 400 page ran the CSRF check
    # again, which read the form again and failed again: a 500.
    client, token = _csrf_client("/keep-in-touch/")
    body = f"csrfmiddlewaretoken={token}&name=Ada&email=ada%40example.org".encode(charset)
    response = client.generic(
        "POST",
        "/keep-in-touch/",
        data=body,
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert FRIENDLY_BAD_REQUEST in page
    assert '<html lang="en-gb"' in page


@pytest.mark.django_db
def test_a_one_click_unsubscribe_in_another_character_set_gets_the_friendly_page():
    attendee = AttendeeFactory(name="Amina Contact", email="amina@example.org")
    path = path_of(attendee_unsubscribe_url(attendee))
    client, _token = _csrf_client("/keep-in-touch/")
    response = client.generic(
        "POST",
        path,
        data="List-Unsubscribe=One-Click".encode("utf-16"),
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )
    assert response.status_code == 400
    assert FRIENDLY_BAD_REQUEST in response.content.decode()


def test_the_bad_request_page_reads_nothing_from_the_request():
    request = RequestFactory().generic(
        "POST",
        "/keep-in-touch/",
        data=b"\xff\xfe\x00",
        content_type="application/x-www-form-urlencoded; charset=utf-16",
        HTTP_HOST="evil.example",
    )
    with pytest.raises(BadRequest):
        request.POST  # noqa: B018 - the body cannot be read
    # The request has no session or user either: the page must not need them.
    response = bad_request(request, BadRequest())
    assert response.status_code == 400
    page = response.content.decode()
    assert FRIENDLY_BAD_REQUEST in page
    assert 'href="/"' in page


@pytest.mark.django_db
def test_a_host_name_that_is_not_ours_gets_the_friendly_bad_request_page(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert FRIENDLY_BAD_REQUEST in response.content.decode()


@pytest.mark.django_db
def test_a_broken_upload_gets_the_friendly_bad_request_page():
    client, token = _csrf_client("/keep-in-touch/")
    response = client.post(
        "/keep-in-touch/",
        data=b"junk",
        content_type="multipart/form-data",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 400
    assert FRIENDLY_BAD_REQUEST in response.content.decode()


# The middleware that refuses what Django itself cannot cope with --------------------


def test_the_hostile_request_middleware_runs_before_the_session_is_read():
    middleware = settings.MIDDLEWARE
    assert HOSTILE_MIDDLEWARE in middleware
    assert middleware.index(HOSTILE_MIDDLEWARE) < middleware.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )


@pytest.fixture
def hostile_middleware(settings):
    """The middleware in place, whether or not settings.py has it yet."""
    if HOSTILE_MIDDLEWARE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        sessions = middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
        middleware.insert(sessions, HOSTILE_MIDDLEWARE)
        settings.MIDDLEWARE = middleware


@pytest.mark.django_db
@pytest.mark.parametrize(
    "request_",
    [
        {"QUERY_STRING": "next=%00"},
        {"QUERY_STRING": "next=a\x00b"},
        {"HTTP_USER_AGENT": "Mozilla\x00"},
        {"HTTP_ACCEPT": "text/html\x00"},
        {"HTTP_COOKIE": 'sessionid="abcdefgh\\000ij"'},
    ],
    ids=["percent-encoded query", "raw query", "user agent", "accept", "session cookie"],
)
def test_a_nul_byte_in_a_query_header_or_cookie_gets_the_friendly_page(
    hostile_middleware, request_
):
    # On PostgreSQL each of these failed: django-axes stores the User-Agent and Accept
    # of every sign-in, and the session cookie is looked up in the database.
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "coordinator", "password": "wrong"}, **request_
    )
    assert response.status_code == 400
    assert FRIENDLY_BAD_REQUEST in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("length", ["abc", "1e3", "١٢"])
def test_a_content_length_that_is_not_a_number_gets_the_friendly_page(hostile_middleware, length):
    attendee = AttendeeFactory(name="Amina Contact", email="amina@example.org")
    response = Client().post(
        path_of(attendee_unsubscribe_url(attendee)),
        data=b"List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=length,
    )
    assert response.status_code == 400
    assert FRIENDLY_BAD_REQUEST in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("charset", ["base64", "hex", "rot13", "idna", "punycode"])
def test_a_charset_that_cannot_decode_text_gets_the_friendly_page(hostile_middleware, charset):
    attendee = AttendeeFactory(name="Amina Contact", email="amina@example.org")
    body = (
        b'--BoUnDaRy\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
        b"One-Click\xff\r\n--BoUnDaRy--\r\n"
    )
    response = Client().generic(
        "POST",
        path_of(attendee_unsubscribe_url(attendee)),
        data=body,
        content_type=f"multipart/form-data; boundary=BoUnDaRy; charset={charset}",
    )
    assert response.status_code == 400
    assert FRIENDLY_BAD_REQUEST in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded; charset*=nope''utf-8",
        "application/x-www-form-urlencoded; charset*=utf-8''utf%00",
    ],
    ids=["unknown charset", "nul byte"],
)
def test_a_content_type_django_cannot_parse_gets_the_friendly_page(
    hostile_middleware, content_type
):
    # Django parses the Content-Type while it builds the request, before any
    # middleware, and these made it raise ValueError: a 500 from gunicorn itself.
    status, content = call_wsgi({"CONTENT_TYPE": content_type}, b"name=Ada")
    assert status.startswith("400")
    assert FRIENDLY_BAD_REQUEST.encode() in content


def test_ordinary_requests_pass_the_hostile_request_middleware():
    middleware = RefuseHostileRequestsMiddleware(lambda request: "passed")
    factory = RequestFactory()
    for request in [
        factory.get("/events/?when=upcoming&q=%C3%A9%F0%9F%99%82"),
        factory.post("/keep-in-touch/", {"name": "Zoë", "email": "zoe@example.org"}),
        factory.post(
            "/keep-in-touch/", "name=Zo%C3%AB", content_type="application/x-www-form-urlencoded"
        ),
        factory.post("/x/", "{}", content_type="application/json; charset=utf-8"),
        factory.generic("POST", "/x/", b"", content_type="text/plain; charset=x-no-such-charset"),
        factory.get("/", HTTP_COOKIE="sessionid=abc; csrftoken=def", HTTP_USER_AGENT="Zoë"),
    ]:
        assert middleware(request) == "passed"


# Through a real server -------------------------------------------------------------


def _raw_request(live_server, request: bytes) -> bytes:
    with socket.create_connection(
        (live_server.thread.host, live_server.thread.port), timeout=10
    ) as server:
        server.sendall(request)
        response = b""
        while chunk := server.recv(65536):
            response += chunk
    return response


@pytest.mark.django_db(transaction=True)
def test_a_real_server_answers_hostile_requests_with_the_friendly_page(live_server):
    # The test client skips the CSRF check unless told not to, and so hid the 500
    # from Django's own 400 page; a real server does not.
    client = Client()
    client.get("/keep-in-touch/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    body = f"csrfmiddlewaretoken={token}&name=Ada".encode("utf-16")
    form_in_utf16 = (
        "POST /keep-in-touch/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        f"Cookie: {settings.CSRF_COOKIE_NAME}={token}\r\n"
        "Content-Type: application/x-www-form-urlencoded; charset=utf-16\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    not_our_host = b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    for request in (form_in_utf16, not_our_host):
        response = _raw_request(live_server, request)
        assert response.startswith(b"HTTP/1.1 400"), response[:200]
        assert FRIENDLY_BAD_REQUEST.encode() in response
