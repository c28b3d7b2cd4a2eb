"""What a hostile client sends, as Hypothesis strategies: odd text, broken
percent-encodings, query strings and headers that real clients never send."""

import os
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

# Enough examples to reach every URL and form many times over, few enough that each
# file stays well under a minute on a two-core machine with PostgreSQL. CI tries more
# than the inner loop does; HYPOTHESIS_EXAMPLES sets the number for a deeper run.
PROPERTY_EXAMPLES = int(
    os.environ.get("HYPOTHESIS_EXAMPLES") or (250 if os.environ.get("CI") == "true" else 100)
)
PROPERTY_SETTINGS = hypothesis_settings(
    max_examples=PROPERTY_EXAMPLES,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

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
