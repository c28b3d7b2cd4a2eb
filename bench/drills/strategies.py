"""What a hostile client puts on the wire, as Hypothesis strategies over bytes: text from
every Unicode plane, control characters and NUL, invalid UTF-8, huge and repeated
values, headers and query strings no browser sends, and bodies that cannot be read.

The property tests (tests/strategies.py) draw one request at a time in-process; the
hostile-input drill sends tens of thousands of requests to a real server, so it draws a
pool of material here once and builds each request from the pool with a seeded
random generator (bench/drills/hostile_input.py)."""

import random
from dataclasses import dataclass, field

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from tests.strategies import (
    HEADER_VALUES,
    INTERESTING_NAMES,
    SPECIAL_TEXT,
    hostile_name,
    hostile_query_string,
    hostile_text,
)


def utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


# Text from one plane of Unicode: the Basic Multilingual Plane, the supplementary planes
# (emoji, historic scripts, CJK extensions), the unassigned planes 3 to 13, and the
# private use planes 15 and 16. Surrogates are left out: no UTF-8 encoder writes them.
plane_text = st.integers(0, 16).flatmap(
    lambda plane: st.text(
        st.characters(min_codepoint=plane * 0x10000, max_codepoint=plane * 0x10000 + 0xFFFF),
        min_size=1,
        max_size=24,
    )
)
# C0 and C1 control characters, NUL among them.
control_text = st.text(st.characters(categories=["Cc"]), min_size=1, max_size=12)

INVALID_UTF8 = [
    b"\xff",
    b"\xfe\xff",
    b"\x80",
    b"\xbf\xbf",
    b"\xc0\xaf",  # an overlong "/"
    b"\xe0\x80\xaf",  # another
    b"\xc3",  # a sequence cut short
    b"\xe2\x82",
    b"\xf0\x9f\x99",
    b"\xed\xa0\x80",  # a surrogate, written in UTF-8
    b"\xf4\x90\x80\x80",  # past U+10FFFF
    b"\xf8\x88\x80\x80\x80",  # a five-byte sequence
]
invalid_utf8 = st.one_of(st.sampled_from(INVALID_UTF8), st.binary(min_size=1, max_size=16))

# What people write in feedback, personal details included, so that redaction has
# something to take out.
PERSONAL_DETAILS = [
    "Call me on 07700 900123 about it.",
    "My email is ada.obi@example.org if you want to reply.",
    "Write to me at +44 161 496 0000 or ada@example.org.",
    "I live at 12 High Street, near the park.",
    "My postcode is M14 5RT.",
    "The car was AB12 CDE, parked every night.",
    "My NI number is QQ 12 34 56 C.",
    "PC Smith was really helpful, collar number 1234.",
    "Officer Jane Doe came round on Tuesday.",
    "More patrols at night, please.",
    "The new community officer has been great.",
    "Nobody listens when we report drug dealing on Elm Road.",
]

field_text = st.one_of(
    st.sampled_from(SPECIAL_TEXT).map(utf8),
    st.sampled_from(PERSONAL_DETAILS).map(utf8),
    hostile_text.map(utf8),
    plane_text.map(utf8),
    control_text.map(utf8),
    st.tuples(hostile_text, invalid_utf8, st.sampled_from(PERSONAL_DETAILS)).map(
        lambda parts: utf8(parts[0]) + parts[1] + utf8(parts[2])
    ),
    st.tuples(st.sampled_from(PERSONAL_DETAILS), plane_text, control_text).map(
        lambda parts: utf8(" ".join(parts))
    ),
)
field_name = st.one_of(
    st.sampled_from(INTERESTING_NAMES).map(utf8),
    hostile_name.map(utf8),
    plane_text.map(utf8),
    invalid_utf8,
)
header_set = st.sets(st.sampled_from(sorted(HEADER_VALUES)), min_size=1, max_size=2).flatmap(
    lambda names: st.fixed_dictionaries(
        {
            # HTTP_USER_AGENT -> User-Agent; the values are WSGI strings, Latin-1 for bytes.
            "-".join(part.capitalize() for part in name[5:].split("_")): HEADER_VALUES[name].map(
                lambda value: value.encode("utf-8", "surrogatepass").decode("latin-1")
            )
            for name in names
        }
    )
)
query_string = st.one_of(
    hostile_query_string.map(lambda wsgi: wsgi.encode("latin-1")),
    st.lists(st.tuples(field_name, st.one_of(field_text, invalid_utf8)), max_size=4).map(
        lambda pairs: b"&".join(name + b"=" + value for name, value in pairs)
    ),
)

CONTENT_TYPES = [
    b"application/x-www-form-urlencoded",
    b"application/x-www-form-urlencoded; charset=utf-16",
    b"application/x-www-form-urlencoded; charset=latin-1",
    b"application/x-www-form-urlencoded; charset=x-no-such-charset",
    b"application/x-www-form-urlencoded; charset=base64",
    b"application/x-www-form-urlencoded; charset*=nope''utf-8",
    b"multipart/form-data",
    b"multipart/form-data; boundary=",
    b"multipart/form-data; boundary=BoUnDaRy",
    b"multipart/form-data; boundary=BoUnDaRy; charset=idna",
    b"multipart/form-data; boundary=" + b"B" * 80,
    b'multipart/form-data; boundary="BoUnDaRy',
    b"multipart/mixed; boundary=BoUnDaRy",
    b"application/json",
    b"text/plain; charset=utf-16",
    b"\xff\xfe/\xff",
    b"",
]
part_headers = st.one_of(
    st.sampled_from(
        [
            b'Content-Disposition: form-data; name="anything_else"',
            b'Content-Disposition: form-data; name="csrfmiddlewaretoken"',
            b'Content-Disposition: form-data; name="form_nonce"',
            b'Content-Disposition: form-data; name="List-Unsubscribe"',
            b"Content-Disposition: form-data; name*=nope''a",
            b"Content-Disposition: form-data; name*=utf-8''a%00",
            b"Content-Disposition: form-data; name*=utf-8''%ff%fe",
            b'Content-Disposition: form-data; name="a"; filename="\x00../x"',
            b'Content-Disposition: form-data; name="a"; filename="' + b"x" * 300 + b'"',
            b'Content-Disposition: form-data; name="a"\r\nContent-Transfer-Encoding: base64',
            b'Content-Disposition: form-data; name="a"\r\nContent-Type: text/plain; charset=base64',
            b'Content-Disposition: form-data; name="a"\r\nContent-Type: text/plain; charset=utf-16',
            b'Content-Disposition: form-data; name="a\r\nb"',
            b"Content-Disposition: attachment",
            b"Content-Disposition: form-data",
            b"",
        ]
    ),
    st.binary(max_size=60),
)


def _multipart(parts, ending: bytes) -> bytes:
    body = b""
    for headers, value in parts:
        body += b"--BoUnDaRy\r\n" + headers + b"\r\n\r\n" + value + b"\r\n"
    return body + ending


malformed_multipart = st.builds(
    _multipart,
    st.lists(st.tuples(part_headers, st.one_of(field_text, st.binary(max_size=80))), max_size=4),
    st.sampled_from([b"--BoUnDaRy--\r\n", b"--BoUnDaRy--", b"--BoUnDaRy", b"", b"--BoUnDaRy\r\n"]),
)
raw_body = st.one_of(
    st.binary(max_size=400),
    # Form fields written out without percent-encoding, in one character set or another.
    st.builds(
        lambda pairs, charset: "&".join(f"{name}={value}" for name, value in pairs).encode(
            charset, "replace"
        ),
        st.lists(st.tuples(hostile_name, hostile_text), max_size=4),
        st.sampled_from(["utf-8", "utf-16", "latin-1", "shift_jis", "cp037"]),
    ),
    st.lists(st.tuples(field_name, st.one_of(field_text, invalid_utf8)), max_size=5).map(
        lambda pairs: b"&".join(name + b"=" + value for name, value in pairs)
    ),
    malformed_multipart,
)


@dataclass
class Material:
    """A pool of hostile values, drawn once, that requests are built from."""

    texts: list[bytes] = field(default_factory=list)
    names: list[bytes] = field(default_factory=list)
    invalid: list[bytes] = field(default_factory=list)
    queries: list[bytes] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    multiparts: list[bytes] = field(default_factory=list)

    def pick(self, rng: random.Random, pool: str):
        return rng.choice(getattr(self, pool))


def _pool(strategy, size: int, random_seed: int, batch: int = 10) -> list:
    """The distinct values among `size` examples of the strategy. Drawn in lists of
    `batch`, which costs Hypothesis far less per value than one example at a time."""
    drawn = []

    @seed(random_seed)
    @settings(
        max_examples=max(1, size // batch),
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(strategy, min_size=batch, max_size=batch))
    def collect(values):
        drawn.extend(values)

    collect()
    distinct = {}
    for value in drawn:
        distinct.setdefault(repr(value), value)
    return list(distinct.values())


def draw_material(*, size: int, random_seed: int) -> Material:
    return Material(
        texts=_pool(field_text, size, random_seed),
        names=_pool(field_name, max(50, size // 5), random_seed + 1),
        invalid=_pool(invalid_utf8, max(50, size // 10), random_seed + 2),
        queries=_pool(query_string, max(50, size // 5), random_seed + 3),
        headers=_pool(header_set, max(50, size // 5), random_seed + 4),
        bodies=_pool(raw_body, max(50, size // 5), random_seed + 5),
        multiparts=_pool(malformed_multipart, max(50, size // 10), random_seed + 6),
    )
