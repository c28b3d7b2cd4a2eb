"""Hostile input to every public form never gets a server error (DESIGN.md §6, rule 9).

The forms are read from the public pages themselves (tests/public_site.py), so a new
form or field is covered as soon as it exists. Each is sent plausible and hostile
values, with and without its CSRF token, as a plain or multipart form; then every
public page is sent bodies that cannot be read at all. As for the URLs, every example
runs in a savepoint that is rolled back, with the cache emptied.
"""

from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from hypothesis import event, given
from hypothesis import strategies as st

from engagement.tests.factories import TEST_PASSWORD
from tests.public_site import PublicForm, is_csrf_exempt, send_in_savepoint
from tests.strategies import PROPERTY_SETTINGS, hostile_headers, hostile_name, hostile_text

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

# Every example runs in a savepoint of its own; the site is made once per module.
pytestmark = pytest.mark.django_db


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
    response = send_in_savepoint(client, "POST", form.action, **request)
    event(f"{form.action.split('/')[1]} as {form.identity}: {response.status_code}")
    assert response.status_code < 500
    if csrf == "none" and not is_csrf_exempt(form.action):
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
    response = send_in_savepoint(public_site.client(identity, csrf=csrf), "POST", path, **request)
    assert response.status_code < 500
