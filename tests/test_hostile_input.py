"""Hostile input never gets a server error (DESIGN.md §6, rule 9).

The property tests send generated input to every public URL and every public form
and check that no answer is a 5xx. The URLs come from the URL conf, so a new public
page is covered as soon as it exists; the forms are read from the pages themselves,
so a new form or field is too. The test client re-raises any exception a view lets
escape, so a crash fails the test with its traceback, and Hypothesis shrinks the
input to the smallest that still fails.

Every example runs in a savepoint that is rolled back, with the cache emptied and a
new client, so that one example's sign-ups, erasures, lockouts and rate limits never
change what the next one sees. That is why the function-scoped fixture health check
is switched off: the fixtures only hold objects the examples cannot change for good.

Below them, plain regression tests for each way hostile input used to cause a 500.
"""

import re
import socket
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client, RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from contacts.models import Attendee, OutboxMessage
from contacts.services.links import attendee_keep_url, attendee_unsubscribe_url, my_data_link_url
from engagement import wsgi
from engagement.errors import bad_request
from engagement.hostile import RefuseHostileRequestsMiddleware, RefuseUnreadableContentType
from engagement.roles import Role
from engagement.tests.factories import TEST_PASSWORD, UserFactory
from events.tests.factories import EventFactory

HOSTILE_MIDDLEWARE = "engagement.hostile.RefuseHostileRequestsMiddleware"
FRIENDLY_BAD_REQUEST = "We could not read that"
USUAL_SIGN_IN_ERROR = "The username or password is not right"

# Enough examples to reach every URL and form many times over, few enough that the
# whole file stays well under a minute on a two-core machine with PostgreSQL.
PROPERTY_SETTINGS = hypothesis_settings(
    max_examples=250,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


# The public URLs, from the URL conf ------------------------------------------------

PRIVATE_PREFIXES = ("staff/", "panel/", "admin/")
# Of the admin, only its sign-in page is for anyone to reach.
PUBLIC_EXCEPTIONS = ("admin/login/",)
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class PublicRoute:
    route: str
    name: str

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(match["name"] for match in PARAMETER.finditer(self.route))

    def path(self, values: dict[str, str]) -> str:
        return "/" + PARAMETER.sub(lambda match: values[match["name"]], self.route)


def _route_of(pattern) -> str:
    if isinstance(pattern, LocalePrefixPattern):
        # i18n_patterns() put the language, such as "so/", in front of the pages.
        return pattern.language_prefix
    return str(pattern)


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = prefix + _route_of(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield entry, route, f"{namespace}{entry.name}" if entry.name else route


def public_routes() -> list[PublicRoute]:
    routes = []
    for entry, route, name in _walk(get_resolver().url_patterns):
        if route.startswith(PRIVATE_PREFIXES) and route not in PUBLIC_EXCEPTIONS:
            continue
        # Only path() routes can be filled in from their parameters; a public re_path()
        # would need this test to learn how to fill it.
        assert isinstance(entry.pattern, RoutePattern), f"{route} is not a path() route"
        routes.append(PublicRoute(route=route, name=name))
    return routes


PUBLIC_ROUTES = public_routes()


# What a hostile client sends -------------------------------------------------------

SPECIAL_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t\x0b\x0c",
    "\x1b[31m",
    "\x7f\x85",
    "\u202eevil\u202c",
    "\u200f\u200e",
    "\ufeff",
    "\ufffd",
    "🙂",
    "👩🏽‍⚖️",
    "𝕳𝖊𝖑𝖑𝖔",
    "ﷺ",
    "..",
    "../",
    "../../etc/passwd",
    "..%2f..%2f",
    "%00",
    "%ff%fe",
    "%",
    "%%",
    "%zz",
    "+",
    "&=&=",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    '"; DROP TABLE events_event; --',
    "{{ 7*7 }}",
    "{% debug %}",
    "${jndi:ldap://x}",
    "javascript:alert(1)",
    "//evil.example/",
    "https://evil.example/",
    "NaN",
    "Infinity",
    "-1",
    "0",
    "1e309",
    "99999999999999999999999999",
    "-0",
    "١٢٣",
    "1_000",
    "0x10",
    "true",
    "on",
    "null",
    "[]",
    "{}",
    "One-Click",
    "unsubscribe",
    "erase",
]
LONG_PIECES = ["a", "\x00", "é", "🙂", "%00", "../", "\u202e"]
INTERESTING_NAMES = [
    "csrfmiddlewaretoken",
    "List-Unsubscribe",
    "action",
    "next",
    "username",
    "password",
    "email",
    "code",
    "confirm",
    "token",
    "website",
    "form_nonce",
    "community",
    "communities",
    "page",
    "sort",
]

long_text = st.builds(
    lambda piece, length: (piece * length)[:length],
    st.sampled_from(LONG_PIECES),
    st.sampled_from([256, 1_000, 10_000]),
)
hostile_text = st.one_of(
    st.sampled_from(SPECIAL_TEXT),
    st.text(max_size=30),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl"]), max_size=10),
    long_text,
)
hostile_name = st.one_of(st.sampled_from(INTERESTING_NAMES), hostile_text)


def _encoded(text: str, how: str) -> str:
    if how == "encoded":
        return quote(text, safe="")
    if how == "mostly encoded":
        # Leaves slashes, dots and percent signs as they are: "../" and broken
        # percent-encodings reach the server raw.
        return quote(text, safe="/.%")
    return text


path_text = st.builds(_encoded, hostile_text, st.sampled_from(["encoded", "mostly encoded", "raw"]))


def _as_wsgi(text: str) -> str:
    # PEP 3333: the server hands on the raw bytes of the query string and the headers,
    # decoded as Latin-1.
    return text.encode("utf-8").decode("latin-1")


hostile_query_string = st.one_of(
    st.just(""),
    st.lists(st.tuples(hostile_name, hostile_text), max_size=4).map(
        lambda pairs: urlencode(pairs, quote_via=quote)
    ),
    st.lists(st.one_of(st.sampled_from(SPECIAL_TEXT), path_text), max_size=4).map("&".join),
).map(_as_wsgi)


HEADER_VALUES = {
    "HTTP_COOKIE": st.one_of(
        st.sampled_from(
            [
                'sessionid="abcdefgh\\000ij"',
                "sessionid=" + "x" * 5000,
                "csrftoken=\\000; sessionid=",
                "=; ;; a=b=c; \x7f=\x7f",
                'django_language="\\000"',
            ]
        ),
        hostile_text.map(lambda text: f"sessionid={text}"),
        hostile_text,
    ),
    "HTTP_HOST": st.one_of(
        st.sampled_from(["evil.example", "[::1", "localhost:abc", "testserver:99999"]),
        hostile_text,
    ),
    "HTTP_ACCEPT_LANGUAGE": st.one_of(
        st.sampled_from(["ar;q=abc,,,;;;x-" + "a" * 300, "*;q=-1", "en-gb;q=1e309"]), hostile_text
    ),
    "HTTP_USER_AGENT": hostile_text,
    "HTTP_ACCEPT": hostile_text,
    "HTTP_REFERER": hostile_text,
    "HTTP_X_FORWARDED_FOR": hostile_text,
    "HTTP_X_FORWARDED_PROTO": hostile_text,
}
hostile_headers = st.sets(st.sampled_from(sorted(HEADER_VALUES)), max_size=2).flatmap(
    lambda names: st.fixed_dictionaries({name: HEADER_VALUES[name].map(_as_wsgi) for name in names})
)


# Real values to put in paths: links the app itself hands out -----------------------


def _path_of(url: str) -> str:
    return urlsplit(url).path


def _links_in_sent_email() -> list[str]:
    site = re.escape(settings.SITE_URL)
    links = []
    for body in OutboxMessage.objects.values_list("body_text", flat=True):
        links += [_path_of(link) for link in re.findall(rf"{site}/[^\s\"'<>]*", body)]
    return links


def _real_arguments(links) -> dict[str, dict[str, str]]:
    """Path arguments for every public route with parameters: those of a real link to
    the route, or else those of a real link to a route beside it (the same first path
    segment and the same parameters), such as the download page of a my-data link."""
    found = {}
    for link in links:
        try:
            match = resolve(link)
        except Resolver404:
            continue
        found.setdefault(match.view_name, {k: str(v) for k, v in match.kwargs.items()})
    arguments = {}
    for route in PUBLIC_ROUTES:
        if not route.parameters:
            continue
        if route.name in found:
            arguments[route.name] = found[route.name]
            continue
        for other in PUBLIC_ROUTES:
            if (
                other.name in found
                and other.parameters == route.parameters
                and other.route.split("/")[0] == route.route.split("/")[0]
            ):
                arguments[route.name] = found[other.name]
                break
    return arguments


# The public forms, read from the pages ---------------------------------------------


@dataclass
class FormField:
    name: str
    values: list[str] = field(default_factory=list)


@dataclass
class PublicForm:
    identity: str
    action: str
    fields: dict[str, FormField]

    @property
    def key(self):
        return (self.identity, self.action, tuple(sorted(self.fields)))


class _FormReader(HTMLParser):
    """Every form that posts, with each field's name and the values the page offers."""

    def __init__(self, page: str):
        super().__init__()
        self.page = page
        self.forms: list[tuple[str, dict[str, FormField]]] = []
        self._fields: dict[str, FormField] | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "form" and (attributes.get("method") or "get").lower() == "post":
            self._fields = {}
            self.forms.append((urljoin(self.page, attributes.get("action") or ""), self._fields))
        elif self._fields is None:
            return
        elif tag in ("input", "textarea", "button") and name:
            entry = self._fields.setdefault(name, FormField(name))
            if attributes.get("value") is not None:
                entry.values.append(attributes["value"])
        elif tag == "select" and name:
            self._select = self._fields.setdefault(name, FormField(name))
        elif tag == "option" and self._select is not None:
            self._select.values.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def _is_public(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return any(route.name == match.view_name for route in PUBLIC_ROUTES)


# The site as the examples see it ---------------------------------------------------


@dataclass
class Identity:
    """Someone using the site: their cookies, set afresh on each example's client."""

    name: str
    cookies: dict[str, str]


class PublicSite:
    """The identities, pages and forms the examples draw from. Not a dataclass: when an
    example fails, Hypothesis prints its arguments, and only the drawn values matter."""

    def __init__(self, identities, pages, forms, arguments):
        self.identities: dict[str, Identity] = identities
        self.pages: list[tuple[str, str]] = pages
        self.forms: list[PublicForm] = forms
        self.arguments: dict[str, dict[str, str]] = arguments

    def __repr__(self):
        return f"<PublicSite: {len(self.pages)} pages, {len(self.forms)} forms>"

    def client(self, identity: str, *, csrf: str = "off") -> Client:
        client = Client(enforce_csrf_checks=csrf != "off")
        for name, value in self.identities[identity].cookies.items():
            if name == settings.CSRF_COOKIE_NAME and csrf != "token":
                continue
            client.cookies[name] = value
        return client


def _sign_in(user) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


@pytest.fixture
def public_site(db, client):
    past_event = EventFactory(past=True)
    upcoming_event = EventFactory()
    attendee = Attendee.objects.create(name="Amina Contact", email="amina@example.org")
    client.post(
        "/keep-in-touch/", {"name": "Ada Obi", "email": "ada@example.org", "wants_updates": "on"}
    )
    links = [
        past_event.get_absolute_url(),
        upcoming_event.get_absolute_url(),
        f"/give-feedback/{past_event.feedback_token}/",
        _path_of(attendee_unsubscribe_url(attendee)),
        _path_of(my_data_link_url(attendee)),
        _path_of(attendee_keep_url(attendee)),
        *_links_in_sent_email(),
    ]
    arguments = _real_arguments(links)

    new_staff = UserFactory(username="new-staff", roles=[Role.COORDINATOR])
    staff_with_app = UserFactory(username="staff-with-app", roles=[Role.COORDINATOR])
    TOTPDevice.objects.create(user=staff_with_app, name="Phone", confirmed=True)
    identities = {
        "visitor": Identity("visitor", {}),
        "new staff member": Identity("new staff member", _sign_in(new_staff)),
        "staff member with an authenticator": Identity(
            "staff member with an authenticator", _sign_in(staff_with_app)
        ),
    }

    pages = []
    forms = {}
    for identity in identities.values():
        reader_client = Client()
        for name, value in identity.cookies.items():
            reader_client.cookies[name] = value
        for route in PUBLIC_ROUTES:
            if route.parameters and route.name not in arguments:
                continue
            path = route.path(
                {k: quote(v, safe="") for k, v in arguments.get(route.name, {}).items()}
            )
            pages.append((identity.name, path))
            response = reader_client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            reader = _FormReader(path)
            reader.feed(response.content.decode())
            for action, fields in reader.forms:
                action = unquote(urlsplit(action).path)
                if _is_public(action):
                    form = PublicForm(identity.name, action, fields)
                    forms.setdefault(form.key, form)
        if settings.CSRF_COOKIE_NAME in reader_client.cookies:
            identity.cookies[settings.CSRF_COOKIE_NAME] = reader_client.cookies[
                settings.CSRF_COOKIE_NAME
            ].value
    # The one-click unsubscribe of RFC 8058, which mail clients post without a page.
    one_click = PublicForm(
        "visitor",
        reverse("unsubscribe", kwargs=arguments["unsubscribe"]),
        {"List-Unsubscribe": FormField("List-Unsubscribe", ["One-Click"])},
    )
    forms.setdefault(one_click.key, one_click)
    return PublicSite(identities, pages, list(forms.values()), arguments)


def _send(client: Client, method: str, path: str, **request):
    """One request in a savepoint that is rolled back, with an empty cache."""
    cache.clear()
    with transaction.atomic():
        response = client.generic(method, path, **request)
        transaction.set_rollback(True)
    return response


def _is_csrf_exempt(path: str) -> bool:
    return getattr(resolve(path).func, "csrf_exempt", False)


# Property tests --------------------------------------------------------------------


def test_the_public_urls_are_found_in_the_url_conf():
    names = {route.name for route in PUBLIC_ROUTES}
    assert {
        "events:home",
        "events:public-list",
        "events:public-detail",
        "events:public-calendar",
        "events:public-event-calendar",
        "give-feedback",
        "give-feedback-event",
        "feedback-thanks",
        "keep-in-touch",
        "unsubscribe",
        "my-data",
        "login",
        "two-factor-setup",
        "two-factor-verify",
        "healthz",
        "admin:login",
    } <= names
    assert not [route for route in PUBLIC_ROUTES if route.route.startswith(("staff/", "panel/"))]
    assert [route.route for route in PUBLIC_ROUTES if route.route.startswith("admin/")] == [
        "admin/login/"
    ]


def test_every_public_url_with_parameters_is_tried_with_real_values(public_site):
    # A new public URL with parameters needs a real link here (in public_site), or
    # the property tests would only ever reach its 404.
    missing = [
        route.route
        for route in PUBLIC_ROUTES
        if route.parameters and route.name not in public_site.arguments
    ]
    assert not missing
    identities_with_forms = {form.identity for form in public_site.forms}
    assert identities_with_forms == set(public_site.identities)
    actions = {form.action for form in public_site.forms}
    for expected in ("/give-feedback/", "/keep-in-touch/", "/accounts/login/", "/my-data/"):
        assert expected in actions
    for url_name in ("keep-in-touch-confirm", "keep-in-touch-keep", "my-data-erase", "unsubscribe"):
        assert reverse(url_name, kwargs=public_site.arguments[url_name]) in actions


@PROPERTY_SETTINGS
@given(data=st.data())
def test_public_urls_never_answer_a_server_error(public_site, data):
    route = data.draw(st.sampled_from(PUBLIC_ROUTES), label="route")
    values = {}
    for name, real in public_site.arguments.get(route.name, {}).items():
        values[name] = data.draw(
            st.one_of(
                st.just(quote(real, safe="")),
                path_text,
                path_text.map(lambda junk, real=real: quote(real, safe="") + junk),
                st.integers(0, len(real)).map(lambda cut, real=real: real[:cut]),
            ),
            label=name,
        )
    for name in route.parameters:
        values.setdefault(name, data.draw(path_text, label=name))
    path = route.path(values)
    identity = data.draw(st.sampled_from(sorted(public_site.identities)), label="identity")
    method = data.draw(
        st.sampled_from(["GET", "GET", "GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE"]),
        label="method",
    )
    request = {"QUERY_STRING": data.draw(hostile_query_string, label="query string")}
    request.update(data.draw(hostile_headers, label="headers"))
    response = _send(public_site.client(identity), method, path, **request)
    event(f"{route.name}: {response.status_code}")
    if route.name == "healthz" and response.status_code == 503:
        # Its way of saying that a service is down, which is its job: not a crash.
        assert response.json()["status"] == "failing"
    else:
        assert response.status_code < 500


# What a person might type, so that forms get past their first checks and on to the
# code behind them: a real sign-in, a real email address, a code of the right shape.
PLAUSIBLE_TEXT = [
    "",
    "new-staff",
    "staff-with-app",
    TEST_PASSWORD,
    "Ada Obi",
    "ada@example.org",
    "amina@example.org",
    "07700 900123",
    "M14",
    "123456",
    "More patrols at night, please.",
    "on",
    "1",
]


def _form_pairs(form: PublicForm, data) -> list[tuple[str, str]]:
    pairs = []
    for form_field in form.fields.values():
        plausible = st.sampled_from(form_field.values or PLAUSIBLE_TEXT)
        value = st.one_of(plausible, plausible, hostile_text)
        how_many = data.draw(st.sampled_from([1, 1, 1, 0, 2, 3]), label=f"{form_field.name} count")
        pairs += [
            (form_field.name, data.draw(value, label=form_field.name)) for _ in range(how_many)
        ]
    pairs += data.draw(st.lists(st.tuples(hostile_name, hostile_text), max_size=3), label="extra")
    return pairs


@PROPERTY_SETTINGS
@given(data=st.data())
def test_public_forms_never_answer_a_server_error(public_site, data):
    form = data.draw(st.sampled_from(public_site.forms), label="form")
    csrf = data.draw(st.sampled_from(["off", "off", "off", "token", "none"]), label="csrf")
    pairs = _form_pairs(form, data)
    if csrf == "none":
        pairs = [(name, value) for name, value in pairs if name != "csrfmiddlewaretoken"]
    client = public_site.client(form.identity, csrf=csrf)
    # Without a CSRF token the answer must be 403, so nothing else may be wrong.
    request = {} if csrf == "none" else data.draw(hostile_headers, label="headers")
    if data.draw(st.booleans(), label="multipart"):
        grouped = {}
        for name, value in pairs:
            grouped.setdefault(name, []).append(value)
        request.update(_multipart(grouped))
    else:
        request["data"] = urlencode(pairs, quote_via=quote)
        request["content_type"] = "application/x-www-form-urlencoded"
    response = _send(client, "POST", form.action, **request)
    event(f"{form.action.split('/')[1]} as {form.identity}: {response.status_code}")
    assert response.status_code < 500
    if csrf == "none" and not _is_csrf_exempt(form.action):
        assert response.status_code == 403


def _multipart(grouped: dict[str, list[str]]) -> dict:
    return {"data": encode_multipart(BOUNDARY, grouped), "content_type": MULTIPART_CONTENT}


CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-8",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=x-no-such-charset",
    "application/x-www-form-urlencoded; charset=base64",
    "application/x-www-form-urlencoded; charset=idna",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=BoUnDaRy",
    "multipart/form-data; boundary=BoUnDaRy; charset=utf-16",
    "multipart/form-data; boundary=BoUnDaRy; charset=base64",
    "multipart/form-data; boundary=BoUnDaRy; charset=idna",
    "multipart/form-data; boundary=" + "B" * 80,
    "multipart/mixed; boundary=BoUnDaRy",
    "application/json",
    "text/plain; charset=utf-16",
    "",
    "\x00",
    "é/é; charset=é",
]


def _multipart_body(parts) -> bytes:
    body = b""
    for headers, value in parts:
        body += b"--BoUnDaRy\r\n" + headers + b"\r\n\r\n" + value + b"\r\n"
    return body + b"--BoUnDaRy--\r\n"


part_headers = st.one_of(
    st.sampled_from(
        [
            b'Content-Disposition: form-data; name="action"',
            b'Content-Disposition: form-data; name="List-Unsubscribe"',
            b"Content-Disposition: form-data; name*=nope''a",
            b"Content-Disposition: form-data; name*=utf-8''a%00",
            b'Content-Disposition: form-data; name="a"; filename="\x00../x"',
            b'Content-Disposition: form-data; name="a"\r\nContent-Transfer-Encoding: base64',
            b'Content-Disposition: form-data; name="a"\r\nContent-Type: text/plain; charset=base64',
            b"Content-Disposition: attachment",
            b"",
        ]
    ),
    st.binary(max_size=60),
)
raw_bodies = st.one_of(
    st.binary(max_size=300),
    # Form fields written out without percent-encoding, in one character set or another.
    st.builds(
        lambda pairs, charset: "&".join(f"{name}={value}" for name, value in pairs).encode(
            charset, "replace"
        ),
        st.lists(st.tuples(hostile_name, hostile_text), max_size=4),
        st.sampled_from(["utf-8", "utf-16", "latin-1", "shift_jis", "cp037"]),
    ),
    st.lists(st.tuples(part_headers, st.binary(max_size=40)), max_size=3).map(_multipart_body),
)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_unreadable_request_bodies_never_answer_a_server_error(public_site, data):
    identity, path = data.draw(st.sampled_from(public_site.pages), label="page")
    csrf = data.draw(st.sampled_from(["off", "token"]), label="csrf")
    request = {
        "data": data.draw(raw_bodies, label="body"),
        "content_type": data.draw(st.sampled_from(CONTENT_TYPES), label="content type"),
    }
    if csrf == "token":
        request["HTTP_X_CSRFTOKEN"] = public_site.identities[identity].cookies.get(
            settings.CSRF_COOKIE_NAME, ""
        )
    if data.draw(st.booleans(), label="lie about the length"):
        # Never more than the body: the test client fails an over-long read itself,
        # where a real server would wait for the rest (a proxy's timeout, not ours).
        request["CONTENT_LENGTH"] = data.draw(
            st.one_of(
                st.sampled_from(["abc", "-1", "1e3", "١٢", " 5", "0x10"]),
                st.integers(0, len(request["data"])).map(str),
            ),
            label="length",
        )
    response = _send(public_site.client(identity, csrf=csrf), "POST", path, **request)
    assert response.status_code < 500


# Regression tests ------------------------------------------------------------------


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
    attendee = Attendee.objects.create(name="Amina Contact", email="amina@example.org")
    path = _path_of(attendee_unsubscribe_url(attendee))
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
    attendee = Attendee.objects.create(name="Amina Contact", email="amina@example.org")
    response = Client().post(
        _path_of(attendee_unsubscribe_url(attendee)),
        data=b"List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=length,
    )
    assert response.status_code == 400
    assert FRIENDLY_BAD_REQUEST in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("charset", ["base64", "hex", "rot13", "idna", "punycode"])
def test_a_charset_that_cannot_decode_text_gets_the_friendly_page(hostile_middleware, charset):
    attendee = Attendee.objects.create(name="Amina Contact", email="amina@example.org")
    body = (
        b'--BoUnDaRy\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
        b"One-Click\xff\r\n--BoUnDaRy--\r\n"
    )
    response = Client().generic(
        "POST",
        _path_of(attendee_unsubscribe_url(attendee)),
        data=body,
        content_type=f"multipart/form-data; boundary=BoUnDaRy; charset={charset}",
    )
    assert response.status_code == 400
    assert FRIENDLY_BAD_REQUEST in response.content.decode()


def _call_wsgi(environ_overrides: dict, body: bytes = b"") -> tuple[str, bytes]:
    """A request straight to a WSGI application wrapped as the one gunicorn runs, with
    the middleware of the settings in force now."""
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
    # Django closes database connections at the end of a request, which would end the
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
    status, content = _call_wsgi({"CONTENT_TYPE": content_type}, b"name=Ada")
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
