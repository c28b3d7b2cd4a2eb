"""Hostile input drill: thousands of generated requests to every public form and token
URL of a real server, none of which may get a server error, and everything accepted
stored exactly as sent (apart from the redaction of personal details, which is meant).

Starts its own Redis and the production setup (gunicorn, DEBUG=false, a throwaway
PostgreSQL database) with the public rate limits lifted, seeds an event, a lay
observation, a survey wave, contacts with their emailed links, focus-group invitations
and an open live session, and reads every public form from the pages themselves. Each
URL an anonymous visitor can reach with a body or a token then gets 10,000 requests
(300 in a smoke run), within a time budget, built from material drawn by Hypothesis
(bench/drills/strategies.py): every Unicode
plane, control characters and NUL, invalid UTF-8 in bodies and query strings, huge and
repeated fields, wrong types and methods, forged and missing CSRF tokens and link
tokens, and malformed multipart bodies. Requests go over the wire with httpx, or over
a plain socket when httpx would tidy the bytes up first.

Every request that a form accepted carries a marker (its form nonce, client reference,
email address or name); afterwards the database is read and each accepted request's row
is compared with what was sent, after the form's own cleaning (whitespace stripped)
and, for feedback and live points, the app's redaction of personal details; and no
form may have stored a row that no accepted request accounts for.

The sign-in page keeps its production throttle (a few dozen failures an address), as
every failed guess costs an Argon2 hash: past it, sign-ins are answered 429 early.
"""

import contextlib
import http.client
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import httpx

from bench.drills.services import own_redis
from bench.drills.strategies import CONTENT_TYPES, PERSONAL_DETAILS, Material, draw_material
from bench.harness import PROJECT_ROOT, PYTHON, Figure, manage
from bench.production import production_setup, running_gunicorn

FULL_REQUESTS = 10_000
SMOKE_REQUESTS = 300
# Wall-clock budgets for the whole drill, setup included. Each target gets an equal
# share of what is left when its turn comes; one that would run past it stops early,
# and its count falls short of the promise. Both can be set: HOSTILE_INPUT_SECONDS=3600.
# 10,000 to each of the 16 targets took about 20 minutes on 2 busy cores.
FULL_SECONDS = 35 * 60
SMOKE_SECONDS = 60
CLIENT_THREADS = 8
GUNICORN_WORKERS = 3
NO_LIMIT = "1000000000"
LIFTED_LIMITS = (
    "FEEDBACK_RATE_LIMIT",
    "KEEP_IN_TOUCH_RATE_LIMIT",
    "LIVE_RATE_LIMIT",
    "LIVE_JOIN_RATE_LIMIT",
    "SURVEY_RATE_LIMIT",
    "LINK_EMAILS_PER_ADDRESS_PER_DAY",
)

# The production static files, without the compressed copies that take most of a
# minute to write: the manifest gunicorn reads is the same.
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

LINKS = 8
SEED = """
import json
import re

from contacts.models import ConsentPurpose, OutboxMessage
from contacts.services.links import attendee_keep_url, lay_observation_place_url, my_data_link_url
from contacts.services.sign_up import sign_up_submit
from contacts.tests.factories import AttendeeFactory, ObservationPlaceFactory, OpportunityFactory
from engagement.roles import Role
from engagement.tests.factories import CommunityFactory, ProgrammeFactory, UserFactory
from evaluation.tests.factories import QuestionFactory, WaveFactory
from events.tests.factories import EventFactory
from feedback.services import focus_group_invite
from feedback.services.focus_group import focus_group_invitation_url
from feedback.services.live import (
    live_point_moderate,
    live_point_send,
    live_poll_open,
    live_session_open,
)
from feedback.tests.factories import ProgrammeKeyQuestionFactory

LINKS = %(links)d


def path(url):
    return re.sub(r"^https?://[^/]+", "", url)


programme = ProgrammeFactory(name="Hostile input programme")
for position in range(2):
    ProgrammeKeyQuestionFactory(programme=programme, position=position)
for number in range(3):
    CommunityFactory(name=f"Community {number}")
event = EventFactory(programme=programme, held=True)
coordinator = UserFactory(username="drill-coordinator", roles=[Role.COORDINATOR])

def contacts():
    # Each family of links has contacts of its own: erasing one's data through the
    # my-data link must not close the unsubscribe or joining pages of the others.
    return [
        AttendeeFactory(consents=[ConsentPurpose.EMAIL_UPDATES, ConsentPurpose.FOCUS_GROUP])
        for _ in range(LINKS)
    ]


unsubscribing, looking, keeping, joining = contacts(), contacts(), contacts(), contacts()
opportunity = OpportunityFactory()
places = [ObservationPlaceFactory(opportunity=opportunity) for _ in range(LINKS)]
visited = OpportunityFactory(past=True, contact_officer=opportunity.contact_officer)
for number in range(LINKS):
    sign_up_submit(
        name=f"Sign-up {number}",
        email=f"sign-up-{number}@example.org",
        phone="",
        purposes={ConsentPurpose.EMAIL_UPDATES},
    )
confirm = sorted(
    {
        path(link)
        for body in OutboxMessage.objects.values_list("body_text", flat=True)
        for link in re.findall(r"https?://\\S+/keep-in-touch/confirm/\\S+?/", body)
    }
)
join = [
    path(focus_group_invitation_url(focus_group_invite(attendee=attendee, by=coordinator)))
    for attendee in joining
]
session = live_session_open(event=event, by=coordinator)
point = live_point_send(session=session, text="More officers on foot")
live_point_moderate(point=point, approve=True)
poll = session.polls.first()
live_poll_open(poll=poll)
wave = WaveFactory(name="Drill wave")
QuestionFactory(wave=wave)
print(json.dumps({
    "event_token": event.feedback_token,
    "lay_token": visited.feedback_token,
    "wave": wave.slug,
    "unsubscribe": [attendee.token for attendee in unsubscribing],
    "my_data": [path(my_data_link_url(attendee)) for attendee in looking],
    "keep": [path(attendee_keep_url(attendee)) for attendee in keeping],
    "place": [path(lay_observation_place_url(place)) for place in places],
    "confirm": confirm,
    "join": join,
    "live_code": session.code,
    "live_point": point.pk,
    "live_poll": poll.pk,
}))
"""

# Reads the rows the accepted requests made and compares them with what was sent.
VERIFY = """
import json
import os
from collections import Counter
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from contacts.models import Attendee, PendingSignUp
from evaluation.models import HeldForm
from feedback.models import FocusGroupMember, LivePoint, PendingSubmission, Submission
from feedback.services import feedback_release_pending
from feedback.text import redact_personal_details

records = json.loads(open(os.environ["HOSTILE_ACCEPTED"], encoding="utf-8").read())
# A robot's form is thanked without being read, so its nonce can be anything, a NUL
# byte included, which PostgreSQL cannot even be asked about (nor can it store one).
storable = lambda values: [value for value in values if "\\x00" not in value]  # noqa: E731
result = {}
samples = []


def differ(record, what, expected, stored):
    result.setdefault(record["target"], {"checked": 0, "differ": 0})
    result[record["target"]]["differ"] += 1
    if len(samples) < 12:
        samples.append(
            f"{record['target']}: {what}: sent {expected!r:.200} stored {stored!r:.200}"
        )


def checked(record):
    result.setdefault(record["target"], {"checked": 0, "differ": 0})
    result[record["target"]]["checked"] += 1


def redacted(text, language):
    with translation.override(language):
        return redact_personal_details(text)


def answers_of(record):
    return sorted(
        ([question, text.strip()] for question, text in record["answers"] if text.strip()),
        key=repr,
    )


# Anonymous feedback forms wait for the end of their hour: first as they were typed,
# then, released, as feedback with personal details taken out.
feedback = [record for record in records if record["kind"] == "feedback"]
pending = {
    form.form_nonce: form
    for form in PendingSubmission.objects.filter(
        form_nonce__in=storable(r["nonce"] for r in feedback)
    )
}
for record in feedback:
    checked(record)
    form = pending.get(record["nonce"])
    if record["robot"]:
        if form is not None:
            differ(record, "a robot's form was kept", None, form.answers)
    elif form is None:
        differ(record, "accepted form not stored", answers_of(record), None)
    elif sorted(form.answers, key=repr) != sorted(answers_of(record), key=repr):
        differ(record, "answers", answers_of(record), form.answers)
feedback_release_pending(now=timezone.now() + timedelta(hours=2))
submissions = {
    submission.form_nonce: submission
    for submission in Submission.objects.filter(
        form_nonce__in=[r["nonce"] for r in feedback if not r["robot"]]
    ).prefetch_related("items")
}
for record in feedback:
    if record["robot"] or record["nonce"] not in pending:
        continue
    submission = submissions.get(record["nonce"])
    if submission is None:
        differ(record, "form not released as feedback", record["nonce"], None)
        continue
    items = {item.key_question_id: item for item in submission.items.all()}
    for question, text in answers_of(record):
        item = items.get(question)
        redaction = redacted(text, "en")
        if item is None:
            differ(record, "answer not stored", text, None)
        elif (item.text, item.original_text, item.was_redacted) != (
            redaction.text,
            text if redaction.changed else "",
            redaction.changed,
        ):
            differ(record, "feedback item", (redaction.text, text), (item.text, item.original_text))

# Points sent from phones in the live session, redacted as they arrive. A point sent
# without a client reference is found by what it says.
live = [record for record in records if record["kind"] == "live"]
points = {
    point.client_reference: point
    for point in LivePoint.objects.filter(client_reference__in=storable(r["marker"] for r in live))
}
seeded_point = LivePoint.objects.order_by("pk").first()
unreferenced = Counter(
    (point.text, point.original_text, point.kind)
    for point in LivePoint.objects.filter(client_reference=None).exclude(pk=seeded_point.pk)
)
for record in live:
    checked(record)
    text = record["text"].strip()
    redaction = redacted(text, record["language"])
    expected = (redaction.text, text if redaction.changed else "", record["point_kind"])
    if not record["marker"]:
        if unreferenced[expected] > 0:
            unreferenced[expected] -= 1
        else:
            differ(record, "accepted point not stored", expected, None)
        continue
    point = points.get(record["marker"])
    if point is None:
        differ(record, "accepted point not stored", expected, None)
    elif (point.text, point.original_text, point.kind) != expected:
        differ(record, "live point", expected, (point.text, point.original_text, point.kind))

# Keep in touch: held for the owner of the address to confirm, or saved at once when
# only a phone number was given. Sign-ups are matched by everything they hold, so that
# two people who typed the same things are two rows.
def sign_up_sent(record):
    email = record["email"].strip()
    if email:
        postcode = record["postcode"].strip().upper().replace(" ", "")
        return ("held", record["name"].strip(), email, record["phone"].strip(), postcode)
    return ("saved", record["name"].strip(), record["phone"].strip())


keep = [record for record in records if record["kind"] == "keep-in-touch"]
kept_sign_ups = Counter(
    ("held", sign_up.name, sign_up.email, sign_up.phone, sign_up.postcode_district)
    # The seed's own sign-ups are from sign-up-N@example.org.
    for sign_up in PendingSignUp.objects.exclude(email__startswith="sign-up-")
)
kept_sign_ups.update(
    ("saved", attendee.name, attendee.phone)
    for attendee in Attendee.objects.not_erased().filter(email="")
)
for record in keep:
    checked(record)
    sent = sign_up_sent(record)
    if kept_sign_ups[sent] > 0:
        kept_sign_ups[sent] -= 1
    else:
        differ(record, "accepted sign-up not stored as sent", sent, None)
keep_unaccounted = sum(kept_sign_ups.values())

# The survey and "about you" cards wait for their hour too.
forms = [record for record in records if record["kind"] == "held"]
kept = {
    form.form_nonce: form
    for form in HeldForm.objects.filter(form_nonce__in=storable(r["nonce"] for r in forms))
}
for record in forms:
    checked(record)
    form = kept.get(record["nonce"])
    if record["robot"]:
        if form is not None:
            differ(record, "a robot's form was kept", None, form.answers)
    elif form is None:
        differ(record, "accepted form not stored", record["nonce"], None)
    elif record.get("card") is not None and form.answers != record["card"]:
        differ(record, "card", record["card"], form.answers)

# Joining the focus group makes an account with the username typed.
joins = [record for record in records if record["kind"] == "join"]
usernames = set(
    get_user_model().objects.filter(
        username__in=[r["username"] for r in joins]
    ).values_list("username", flat=True)
)
for record in joins:
    checked(record)
    if record["username"] not in usernames:
        differ(record, "account not made", record["username"], None)

# And nothing was stored that no accepted request accounts for: a form thanked without
# being read (a robot, or a body the drill did not build) must have stored nothing.
expected_rows = {}
for record in records:
    if not record.get("robot"):
        expected_rows[record["target"]] = expected_rows.get(record["target"], 0) + 1
stored_rows = {
    "give-feedback": Submission.objects.filter(event=None, lay_observation=None).count(),
    "give-feedback/<token>": Submission.objects.filter(event__isnull=False).count(),
    "give-feedback/lay-observation/<token>": Submission.objects.filter(
        lay_observation__isnull=False
    ).count(),
    "about-you/<token>": HeldForm.objects.filter(kind=HeldForm.Kind.ABOUT_YOU).count(),
    "survey/<wave>": HeldForm.objects.filter(kind=HeldForm.Kind.SURVEY).count(),
    # The seed put one point on the screen.
    "live/<code>": LivePoint.objects.count() - 1,
    "panel/join/<signed>": FocusGroupMember.objects.count(),
}
for target, count in stored_rows.items():
    result.setdefault(target, {"checked": 0, "differ": 0})
    result[target]["unaccounted"] = count - expected_rows.get(target, 0)
result.setdefault("keep-in-touch", {"checked": 0, "differ": 0})
result["keep-in-touch"]["unaccounted"] = keep_unaccounted

print(json.dumps({"result": result, "samples": samples}))
"""


# Processes ---------------------------------------------------------------------------


def collect_static_quickly(env: dict) -> None:
    subprocess.run(
        [PYTHON, "-c", COLLECT_STATIC_UNCOMPRESSED],
        cwd=PROJECT_ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "engagement.settings"},
        check=True,
        timeout=300,
    )


# Reading the forms from the pages ----------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str
    values: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    fields: dict[str, FormField]


class _FormReader(HTMLParser):
    """Every form that posts, with each field's name, type and the values offered."""

    def __init__(self, page: str):
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "form" and (attributes.get("method") or "get").lower() == "post":
            action = urllib.parse.urljoin(self.page, attributes.get("action") or "")
            self._form = Form(urllib.parse.urlsplit(action).path, {})
            self.forms.append(self._form)
        elif tag == "option" and self._select is not None:
            self._select.values.append(attributes.get("value") or "")
        elif self._form is None or not name:
            return
        elif tag in ("input", "textarea", "button"):
            entry = self._form.fields.setdefault(
                name, FormField(name, attributes.get("type") or tag)
            )
            if attributes.get("value") is not None:
                entry.values.append(attributes["value"])
        elif tag == "select":
            self._select = self._form.fields.setdefault(name, FormField(name, "select"))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def read_forms(client: httpx.Client, base: str, path: str) -> list[Form]:
    response = client.get(base + path)
    if response.status_code != 200 or "html" not in response.headers.get("content-type", ""):
        return []
    reader = _FormReader(path)
    reader.feed(response.text)
    return reader.forms


# The targets -------------------------------------------------------------------------


@dataclass
class Target:
    """One public form or family of token URLs, its pages, and the real tokens in their
    paths that a request may swap for forged ones."""

    name: str
    pages: list[str]
    tokens: list[str] = field(default_factory=list)
    # "feedback", "live", "keep-in-touch", "held" or "join": what an accepted request
    # stores, and so how it is checked afterwards.
    stores: str | None = None
    gets: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    # Values a person would type into a field of this target, by field name.
    plausible: dict[str, list[str]] = field(default_factory=dict)
    signed: bool = False


def targets_for(seeded: dict) -> list[Target]:
    event, lay, code = seeded["event_token"], seeded["lay_token"], seeded["live_code"]
    return [
        Target("give-feedback", ["/give-feedback/"], stores="feedback"),
        Target(
            "give-feedback/<token>",
            [f"/give-feedback/{event}/"],
            [event],
            stores="feedback",
            gets=[f"/give-feedback/thank-you/?event={event}"],
        ),
        Target(
            "give-feedback/lay-observation/<token>",
            [f"/give-feedback/lay-observation/{lay}/"],
            [lay],
            stores="feedback",
        ),
        Target("about-you/<token>", [f"/give-feedback/{event}/about-you/"], [event], stores="held"),
        Target("survey/<wave>", [f"/survey/{seeded['wave']}/"], [seeded["wave"]], stores="held"),
        Target("keep-in-touch", ["/keep-in-touch/"], stores="keep-in-touch"),
        Target(
            "keep-in-touch/confirm/<signed>",
            seeded["confirm"],
            [path.split("/")[3] for path in seeded["confirm"]],
            signed=True,
        ),
        Target(
            "keep-in-touch/keep/<signed>",
            seeded["keep"],
            [path.split("/")[3] for path in seeded["keep"]],
            signed=True,
        ),
        Target(
            "unsubscribe/<token>",
            [f"/unsubscribe/{token}/" for token in seeded["unsubscribe"]],
            seeded["unsubscribe"],
            # The one-click unsubscribe of RFC 8058, which mail clients post without a page.
            forms=[
                Form(
                    f"/unsubscribe/{seeded['unsubscribe'][0]}/",
                    {"List-Unsubscribe": FormField("List-Unsubscribe", "hidden", ["One-Click"])},
                )
            ],
        ),
        Target("my-data", ["/my-data/"]),
        Target(
            "my-data/<signed>",
            seeded["my_data"],
            [path.split("/")[2] for path in seeded["my_data"]],
            gets=[path + "download/" for path in seeded["my_data"]],
            signed=True,
        ),
        Target(
            "lay-observation/<signed>",
            seeded["place"],
            [path.split("/")[2] for path in seeded["place"]],
            signed=True,
        ),
        Target(
            "panel/join/<signed>",
            seeded["join"],
            [path.split("/")[3] for path in seeded["join"]],
            stores="join",
            signed=True,
        ),
        Target(
            "live",
            ["/live/"],
            gets=[f"/live/?code={code}"],
            plausible={"code": [code, code.lower(), " ".join(code), "ABCDEF"]},
        ),
        Target(
            "live/<code>",
            [f"/live/{code}/"],
            [code],
            stores="live",
            gets=[f"/live/{code}/state/"],
        ),
        Target("accounts/login", ["/accounts/login/"]),
    ]


# Building requests ----------------------------------------------------------------------


@dataclass
class Probe:
    """One request as it goes on the wire, and what must be stored if it is accepted."""

    method: str
    target: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes
    variant: str
    expect: dict | None = None


PLAUSIBLE = [
    "",
    "on",
    "1",
    "Ada Obi",
    "07700 900123",
    "+44 161 496 0000",
    "M14",
    "SW9",
    "point",
    "question",
    "drill-coordinator",
    "correct-horse-battery-staple",
    "One-Click",
    *PERSONAL_DETAILS,
]
STRONG_PASSWORD = "tangerine-lighthouse-gravel-41"
PLAUSIBLE_BY_NAME = {
    "anything_else": PERSONAL_DETAILS,
    "text": PERSONAL_DETAILS,
    "comment": PERSONAL_DETAILS,
    "name": ["Ada Obi", "Ayo", "", "María José Núñez", "李小龙", "Siobhán O'Brien"],
    "email": ["", "ada@example.org"],
    "phone": ["07700 900123", "+44 161 496 0000", "", "0161 496 0000"],
    "postcode_district": ["M14", "sw9 ", "", "B1"],
    "username": ["drill-coordinator", "new-member"],
    "password": ["correct-horse-battery-staple", "wrong-password"],
    "List-Unsubscribe": ["One-Click"],
}
METHODS = ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "get", "post", "HEAD", "GET"]
LANGUAGES = ["so", "ar", "pl", "ur", "zz"]
TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _decoded(value: bytes) -> str:
    """What Django reads from the bytes of a form field: UTF-8, with a replacement
    character for each byte that is not."""
    return value.decode("utf-8", "replace")


class ProbeMaker:
    """Builds a target's requests from the material with a seeded random generator."""

    def __init__(self, target: Target, material: Material, csrf: list[str], seed: int):
        self.target = target
        self.material = material
        self.csrf = csrf
        self.rng = random.Random(seed)
        self.seed = seed
        self.count = 0

    # Pieces ----------------------------------------------------------------------

    def text(self) -> bytes:
        return self.material.pick(self.rng, "texts")

    def marker(self) -> str:
        """A value no other request of the run carries: the target's seed and a count."""
        self.count += 1
        return f"zq{self.seed:04x}{self.count:07x}"

    def plausible(self, form_field: FormField) -> bytes:
        """What a person might send: a value the page offers, or what people type."""
        if form_field.values:
            return self.rng.choice(form_field.values).encode()
        name = form_field.name
        if name.startswith("answer_"):
            name = "anything_else"
        choices = self.target.plausible.get(name) or PLAUSIBLE_BY_NAME.get(name) or PLAUSIBLE
        return self.rng.choice(choices).encode()

    def value_for(self, form_field: FormField, hostility: float) -> bytes:
        roll = self.rng.random()
        if roll >= hostility:
            return self.plausible(form_field)
        if roll < hostility * 0.1:
            # A number where a choice or a box is expected, and the other way round.
            return self.rng.choice([b"-1", b"0", b"1e309", b"99999999999999999999", b"[]"])
        if roll < hostility * 0.25:
            return self.rng.choice(PLAUSIBLE).encode()
        return self.text()

    def forged_token(self, real: str) -> str:
        roll = self.rng.random()
        if roll < 0.25:
            return self.rng.choice(self.target.tokens)
        if roll < 0.5:
            length = self.rng.choice([1, 8, len(real), 64, 65, 400 if self.target.signed else 64])
            alphabet = TOKEN_ALPHABET + (":." if self.target.signed else "")
            return "".join(self.rng.choice(alphabet) for _ in range(length))
        if roll < 0.65 and real:
            position = self.rng.randrange(len(real))
            return real[:position] + self.rng.choice(TOKEN_ALPHABET) + real[position + 1 :]
        if roll < 0.75 and self.target.signed and ":" in real:
            # Someone else's contact number with this link's signature.
            payload = urllib.parse.quote(
                '{"contact":1,"sign_up":"x","place":1,"invitation":1}', safe=""
            )
            return payload + real[real.index(":") :]
        if roll < 0.85:
            return real.upper() if real != real.upper() else real.lower()
        return urllib.parse.quote_from_bytes(self.text()[:200], safe="") or "%00"

    def path(self, path: str) -> tuple[str, str]:
        """The path, sometimes with a forged token or a language in front, and the
        language its page is in."""
        language = "en"
        if self.target.tokens and self.rng.random() < 0.3:
            for token in self.target.tokens:
                if token in path:
                    path = path.replace(token, self.forged_token(token), 1)
                    break
        if self.rng.random() < 0.08:
            language = self.rng.choice(LANGUAGES)
            path = f"/{language}{path}"
        return path, language

    def query(self) -> bytes:
        if self.rng.random() < 0.15:
            return b"?" + self.material.pick(self.rng, "queries")
        return b""

    def csrf_pairs(self) -> tuple[list[tuple[bytes, bytes]], list[tuple[bytes, bytes]], str]:
        """Headers and form fields for one of the ways of sending (or not sending) the
        CSRF token."""
        cookie = self.rng.choice(self.csrf)
        roll = self.rng.random()
        headers = [(b"Cookie", f"csrftoken={cookie}".encode())]
        if roll < 0.6:
            return headers, [(b"csrfmiddlewaretoken", cookie.encode())], "token"
        if roll < 0.7:
            return headers + [(b"X-CSRFToken", cookie.encode())], [], "token in header"
        if roll < 0.76:
            return [], [(b"csrfmiddlewaretoken", cookie.encode())], "no CSRF cookie"
        if roll < 0.82:
            return headers, [], "no CSRF token"
        if roll < 0.88:
            forged = "".join(self.rng.choice(TOKEN_ALPHABET[:62]) for _ in range(64))
            return headers, [(b"csrfmiddlewaretoken", forged.encode())], "forged CSRF token"
        if roll < 0.94:
            other = self.rng.choice(self.csrf)
            forged = secrets.token_hex(16) if other == cookie else other
            return headers, [(b"csrfmiddlewaretoken", forged.encode())], "another CSRF token"
        return headers, [(b"csrfmiddlewaretoken", self.text()[:300])], "hostile CSRF token"

    # Form bodies -----------------------------------------------------------------

    def special_value(self, name: str, marker: str) -> bytes | None:
        """The fields that carry the marker, and the robot trap."""
        stores = self.target.stores
        if name in ("form_nonce", "client_reference"):
            roll = self.rng.random()
            if roll < 0.75:
                return marker.encode()
            if roll < 0.85:
                return f" \t{marker}\r\n".encode()
            return self.text()[:40] + marker.encode()
        if name == "website":
            return b"" if self.rng.random() < 0.93 else self.rng.choice([b"http://spam", b" "])
        if stores == "keep-in-touch" and name == "name":
            typed = self.value_for(FormField(name, "text"), 0.4) if self.rng.random() < 0.7 else b""
            return typed + b" " + marker.encode()
        if stores == "keep-in-touch" and name == "email" and self.rng.random() < 0.6:
            return f"{marker}@example.org".encode()
        if stores == "keep-in-touch" and name == "phone" and self.rng.random() < 0.5:
            # A number of its own, so that a sign-up without a name is told apart.
            return f"07{self.count:09d}".encode()
        if stores == "join" and name == "username" and self.rng.random() < 0.6:
            return f"member-{marker}".encode()
        if name in ("password1", "password2") and self.rng.random() < 0.7:
            return STRONG_PASSWORD.encode()
        return None

    def form_pairs(self, form: Form, marker: str) -> list[tuple[bytes, bytes]]:
        """The form's fields, each sent once, left out or repeated; some values as a
        person would fill them in and some hostile, in a proportion that varies from
        request to request so that plenty of them get past the form's checks."""
        hostility = self.rng.choice([0.03, 0.03, 0.03, 0.03, 0.35, 0.35, 0.35, 0.35, 0.85])
        pairs = []
        for form_field in form.fields.values():
            if form_field.name == "csrfmiddlewaretoken":
                continue
            if form_field.kind in ("checkbox", "radio", "submit") and self.rng.random() < 0.4:
                continue
            how_many = self.rng.choice([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 2, 3])
            for _ in range(how_many):
                value = self.special_value(form_field.name, marker)
                if value is None:
                    value = self.value_for(form_field, hostility)
                pairs.append((form_field.name.encode(), value))
        for _ in range(self.rng.choice([0, 0, 0, 1, 2, 3])):
            name, value = self.material.pick(self.rng, "names"), self.text()
            if name in (b"form_nonce", b"client_reference"):
                # It overrides the one above, and the stored row is found by it: it
                # must be this request's alone.
                value = value[:40] + marker.encode()
            pairs.append((name, value))
        if self.rng.random() < 0.1:
            self.rng.shuffle(pairs)
        return pairs

    def encode(self, pairs) -> tuple[bytes, bytes]:
        """The pairs as a form body: URL-encoded, or multipart as browsers write it."""
        if self.rng.random() < 0.7:
            body = b"&".join(
                urllib.parse.quote_from_bytes(name, safe="").encode()
                + b"="
                + urllib.parse.quote_from_bytes(value, safe="").encode()
                for name, value in pairs
            )
            return b"application/x-www-form-urlencoded", body
        boundary = f"----drill{secrets.token_hex(12)}".encode()
        body = b""
        for name, value in pairs:
            # A name is quoted in the part's header, so it cannot hold a quote or a line
            # break there; browsers escape them the same way.
            name = name.replace(b'"', b"%22").replace(b"\r", b"%0D").replace(b"\n", b"%0A")
            body += (
                b"--" + boundary + b"\r\n"
                b'Content-Disposition: form-data; name="' + name + b'"\r\n\r\n' + value + b"\r\n"
            )
        body += b"--" + boundary + b"--\r\n"
        return b"multipart/form-data; boundary=" + boundary, body

    def expectation(self, form: Form, pairs, marker: str, language: str) -> dict | None:
        """What must be stored if the form accepts this request, from the values the
        server reads: the last of each name, decoded as UTF-8 with replacement."""
        last = {}
        for name, value in pairs:
            last[_decoded(name)] = _decoded(value)
        stores = self.target.stores
        robot = bool(last.get("website"))
        if stores == "feedback":
            answers = [
                [int(name.split("_")[1]) if name != "anything_else" else None, last.get(name, "")]
                for name in form.fields
                if name.startswith("answer_") or name == "anything_else"
            ]
            nonce = last.get("form_nonce", "").strip()
            return {"kind": "feedback", "nonce": nonce, "robot": robot, "answers": answers}
        if stores == "held":
            card = None
            if "area" in form.fields:
                area = last.get("area", "")
                card = {
                    "ethnicity": last.get("ethnicity", ""),
                    "age_band": last.get("age_band", ""),
                    "area": "" if area == "prefer_not_to_say" else area,
                }
            nonce = last.get("form_nonce", "").strip()
            return {"kind": "held", "nonce": nonce, "robot": robot, "card": card}
        if stores == "keep-in-touch":
            return {
                "kind": "keep-in-touch",
                **{name: last.get(name, "") for name in ("name", "email", "phone")},
                "postcode": last.get("postcode_district", ""),
            }
        if stores == "live" and form.action.endswith("/send/"):
            return {
                "kind": "live",
                "marker": last.get("client_reference", "").strip(),
                "text": last.get("text", ""),
                "point_kind": last.get("kind", ""),
                # Replaced by the language the page answered in (Content-Language).
                "language": language,
            }
        if stores == "join":
            return {"kind": "join", "username": last.get("username", "").strip()}
        return None

    # Requests --------------------------------------------------------------------

    def probe(self) -> Probe:
        roll = self.rng.random()
        forms = self.target.forms
        if not forms or roll < 0.06:
            return self.get_probe()
        form = self.rng.choice(forms)
        if roll < 0.74:
            return self.form_probe(form, hostile_headers=roll >= 0.66)
        if roll < 0.81:
            return self.wrong_method_probe(form)
        if roll < 0.89:
            return self.unreadable_body_probe(form, multipart=roll >= 0.86)
        if roll < 0.92:
            return self.huge_probe(form)
        return self.raw_bytes_probe(form)

    def _headers(self, content_type: bytes | None, extra) -> list[tuple[bytes, bytes]]:
        headers = list(extra)
        if content_type is not None:
            headers.append((b"Content-Type", content_type))
        if self.target.stores == "live" and self.rng.random() < 0.3:
            headers.append((b"Accept", b"application/json"))
        return headers

    def form_probe(self, form: Form, *, hostile_headers: bool) -> Probe:
        marker = self.marker()
        path, language = self.path(form.action)
        csrf_headers, csrf_fields, how = self.csrf_pairs()
        pairs = self.form_pairs(form, marker)
        pairs = csrf_fields + pairs if self.rng.random() < 0.8 else pairs + csrf_fields
        content_type, body = self.encode(pairs)
        extra = list(csrf_headers)
        variant = f"form, {how}"
        if hostile_headers:
            extra += [
                (name.encode("latin-1"), value.encode("latin-1"))
                for name, value in self.material.pick(self.rng, "headers").items()
            ]
            variant = f"form, {how}, odd headers"
        if self.rng.random() < 0.03:
            extra.append((b"Origin", self.rng.choice([b"http://evil.example", b"null", b"\xff"])))
        return Probe(
            "POST",
            path.encode() + self.query(),
            self._headers(content_type, extra),
            body,
            variant,
            self.expectation(form, pairs, marker, language),
        )

    def wrong_method_probe(self, form: Form) -> Probe:
        marker = self.marker()
        path, language = self.path(form.action)
        csrf_headers, csrf_fields, _how = self.csrf_pairs()
        pairs = csrf_fields + self.form_pairs(form, marker)
        content_type, body = self.encode(pairs)
        method = self.rng.choice(METHODS)
        if method.upper() in ("HEAD", "TRACE") or self.rng.random() < 0.3:
            body, content_type = b"", None
        # Django reads the method in capitals, so "post" is a POST like any other.
        posts = method.upper() == "POST" and body
        return Probe(
            method,
            path.encode() + self.query(),
            self._headers(content_type, csrf_headers),
            body,
            f"method {method}",
            self.expectation(form, pairs, marker, language) if posts else None,
        )

    def get_probe(self) -> Probe:
        page = self.rng.choice(self.target.pages + self.target.gets)
        path, _language = self.path(page.split("?")[0])
        query = page.split("?", 1)[1].encode() if "?" in page else b""
        extra = self.material.pick(self.rng, "queries") if self.rng.random() < 0.5 else b""
        query = b"&".join(part for part in (query, extra) if part)
        headers = []
        if self.rng.random() < 0.2:
            headers = [
                (name.encode("latin-1"), value.encode("latin-1"))
                for name, value in self.material.pick(self.rng, "headers").items()
            ]
        method = self.rng.choice(["GET", "GET", "GET", "HEAD"])
        target = path.encode() + (b"?" + query if query else b"")
        return Probe(method, target, self._headers(None, headers), b"", "page")

    def unreadable_body_probe(self, form: Form, *, multipart: bool) -> Probe:
        path, _language = self.path(form.action)
        cookie = self.rng.choice(self.csrf)
        headers = [(b"Cookie", f"csrftoken={cookie}".encode()), (b"X-CSRFToken", cookie.encode())]
        if multipart:
            body = self.material.pick(self.rng, "multiparts")
            content_type = b"multipart/form-data; boundary=BoUnDaRy"
        else:
            body = self.material.pick(self.rng, "bodies")
            content_type = self.rng.choice(CONTENT_TYPES)
        return Probe(
            "POST",
            path.encode() + self.query(),
            self._headers(content_type, headers),
            body,
            "malformed multipart" if multipart else "unreadable body",
        )

    def huge_probe(self, form: Form) -> Probe:
        path, language = self.path(form.action)
        csrf_headers, csrf_fields, _how = self.csrf_pairs()
        names = [name.encode() for name in form.fields] or [b"anything_else"]
        roll = self.rng.random()
        if roll < 0.4:
            size = self.rng.choice([3_001, 70_000, 300_000, 2_700_000])
            piece = self.rng.choice([b"a", "é".encode(), "🙂".encode(), b"\x00", b"\xff"])
            pairs = [(self.rng.choice(names), (piece * size)[:size])]
            variant = f"a {size:,}-byte field"
        elif roll < 0.7:
            count = self.rng.choice([1_001, 5_000])
            pairs = [(self.rng.choice(names), self.text()[:20]) for _ in range(count)]
            variant = f"{count:,} repeated fields"
        else:
            pairs = [(b"n" * 100_000, b"x")]
            variant = "a 100,000-byte field name"
        pairs = csrf_fields + pairs
        content_type, body = self.encode(pairs)
        return Probe(
            "POST",
            path.encode(),
            self._headers(content_type, csrf_headers),
            body,
            variant,
            self.expectation(form, pairs, "", language),
        )

    def raw_bytes_probe(self, form: Form) -> Probe:
        """Bytes in the request line that no client library would send unescaped."""
        path, _language = self.path(form.action)
        junk = self.rng.choice(self.material.invalid + [b"\x01", b"\x7f", b"%", b"%zz", b"\\"])
        roll = self.rng.random()
        if roll < 0.4:
            target = path.encode() + b"?" + self.material.pick(self.rng, "names") + b"=" + junk
        elif roll < 0.7:
            target = path.encode() + junk + b"/"
        else:
            target = path.encode().rstrip(b"/") + b"/../" + junk
        target = target.replace(b" ", b"%20").replace(b"\r", b"").replace(b"\n", b"")
        cookie = self.rng.choice(self.csrf)
        content_type, body = self.encode(
            [(b"csrfmiddlewaretoken", cookie.encode()), (b"anything_else", self.text())]
        )
        headers = [(b"Cookie", f"csrftoken={cookie}".encode())]
        return Probe(
            "POST", target, self._headers(content_type, headers), body, "raw bytes in the path"
        )


# Sending -------------------------------------------------------------------------------


def _raw_request(port: int, probe: Probe) -> tuple[int, dict]:
    """Send the request exactly as built, over a plain socket."""
    head = probe.method.encode("latin-1") + b" " + probe.target + b" HTTP/1.1\r\n"
    head += f"Host: 127.0.0.1:{port}\r\nConnection: close\r\n".encode()
    for name, value in probe.headers:
        head += name + b": " + value.replace(b"\r", b"").replace(b"\n", b"") + b"\r\n"
    head += f"Content-Length: {len(probe.body)}\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        # The server may answer before it has read everything; read what it said.
        with contextlib.suppress(OSError):
            connection.sendall(head + probe.body)
        answer = b""
        while len(answer) < 65536:
            try:
                chunk = connection.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            answer += chunk
    match = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    headers = {}
    for line in head.split("\r\n")[1:]:
        name, _colon, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return (int(match.group(1)) if match else 0), headers


class Sender:
    """httpx for requests it sends byte for byte, a plain socket for the rest."""

    def __init__(self, base: str, port: int):
        self.base = base
        self.port = port
        self.local = threading.local()

    def client(self) -> httpx.Client:
        if not hasattr(self.local, "client"):
            self.local.client = httpx.Client(timeout=60, trust_env=False)
        return self.local.client

    def url(self, target: bytes) -> httpx.URL | None:
        try:
            url = httpx.URL(scheme="http", host="127.0.0.1", port=self.port, raw_path=target)
        except (httpx.InvalidURL, UnicodeDecodeError, ValueError):
            return None
        return url if url.raw_path == target else None

    def send(self, probe: Probe) -> tuple[int, dict]:
        """The status and the headers of the answer; status 0 when none came."""
        url = self.url(probe.target)
        headers_ok = all(
            b"\x00" not in value and b"\r" not in value and b"\n" not in value and value.strip()
            for _name, value in probe.headers
        )
        if url is None or not headers_ok or not probe.method.isalpha():
            return _raw_request(self.port, probe)
        try:
            response = self.client().request(
                probe.method, url, headers=probe.headers, content=probe.body
            )
        except (httpx.TransportError, http.client.HTTPException, httpx.LocalProtocolError):
            return _raw_request(self.port, probe)
        return response.status_code, {
            name: response.headers.get(name, "") for name in ("location", "content-language")
        }


def is_accepted(target: Target, probe: Probe, status: int, location: str) -> bool:
    path = probe.target.split(b"?")[0]
    if target.stores == "feedback":
        return status == 302 and "/give-feedback/thank-you/" in location
    if target.stores == "held":
        return status == 302 and "thank-you/" in location
    if target.stores == "keep-in-touch":
        return status == 302 and (
            "/keep-in-touch/check-your-email/" in location or "/keep-in-touch/thanks/" in location
        )
    if target.stores == "live":
        return path.endswith(b"/send/") and (
            status == 201 or (status == 302 and location.rstrip("/").endswith(target.tokens[0]))
        )
    if target.stores == "join":
        return status == 302 and "/panel/" in location and "/join/" not in location
    return False


@dataclass
class Outcome:
    target: Target
    sent: int = 0
    statuses: dict = field(default_factory=dict)
    server_errors: list = field(default_factory=list)
    accepted: list = field(default_factory=list)
    accepted_unchecked: int = 0
    unchecked: list = field(default_factory=list)
    no_answer: int = 0
    seconds: float = 0.0


def run_target(
    target: Target, maker: ProbeMaker, sender: Sender, count: int, deadline: float
) -> Outcome:
    outcome = Outcome(target)
    lock = threading.Lock()
    started = time.monotonic()

    def one(_number):
        if time.monotonic() > deadline:
            return
        with lock:
            probe = maker.probe()
        try:
            status, headers = sender.send(probe)
        except OSError:
            status, headers = 0, {}
        location = headers.get("location", "")
        with lock:
            outcome.sent += 1
            outcome.statuses[status] = outcome.statuses.get(status, 0) + 1
            if status == 0:
                outcome.no_answer += 1
            if status >= 500:
                outcome.server_errors.append(probe)
            if is_accepted(target, probe, status, location):
                if probe.expect is None:
                    outcome.accepted_unchecked += 1
                    outcome.unchecked.append(probe)
                else:
                    record = {"target": target.name, **probe.expect}
                    if "language" in record:
                        record["language"] = headers.get("content-language") or "en"
                    outcome.accepted.append(record)

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        list(pool.map(one, range(count)))
    outcome.seconds = time.monotonic() - started
    return outcome


# The drill -------------------------------------------------------------------------------


def _describe_probe(probe: Probe) -> str:
    return (
        f"{probe.method} {probe.target[:120]!r} ({probe.variant}), "
        f"{len(probe.body):,}-byte body {probe.body[:160]!r}"
    )


def prepare(targets: list[Target], base: str) -> list[str]:
    """Reads each target's forms from its pages; returns CSRF cookies to send."""
    cookies = []
    with httpx.Client(timeout=60, trust_env=False) as client:
        for target in targets:
            seen = {(form.action, tuple(form.fields)) for form in target.forms}
            for page in target.pages:
                for form in read_forms(client, base, page):
                    key = (form.action, tuple(form.fields))
                    if key not in seen and _belongs(form.action, target):
                        seen.add(key)
                        target.forms.append(form)
        for _ in range(4):
            with httpx.Client(timeout=60, trust_env=False) as fresh:
                fresh.get(base + "/keep-in-touch/")
                if "csrftoken" in fresh.cookies:
                    cookies.append(fresh.cookies["csrftoken"])
    if not cookies:
        raise SystemExit("No CSRF cookie came back from /keep-in-touch/.")
    return cookies


def _belongs(action: str, target: Target) -> bool:
    first = lambda path: path.strip("/").split("/")[0]  # noqa: E731
    return any(first(action) == first(page) for page in target.pages)


def run(smoke: bool) -> list[Figure]:
    count = int(os.environ.get("HOSTILE_INPUT_REQUESTS") or 0) or (
        SMOKE_REQUESTS if smoke else FULL_REQUESTS
    )
    budget = int(os.environ.get("HOSTILE_INPUT_SECONDS") or 0) or (
        SMOKE_SECONDS if smoke else FULL_SECONDS
    )
    started = time.monotonic()
    limits = dict.fromkeys(LIFTED_LIMITS, NO_LIMIT)
    with (
        own_redis() as redis,
        production_setup(
            "hostile", collectstatic=False, REDIS_URL=redis.url, SAFEGUARDING_EMAIL="", **limits
        ) as (env, port),
    ):
        collect_static_quickly(env)
        seeded = json.loads(
            manage("shell", "-c", SEED % {"links": LINKS}, env=env, capture=True).splitlines()[-1]
        )
        material = draw_material(size=2_000 if smoke else 12_000, random_seed=18)
        print(
            f"Hostile input: {count:,} requests to each public form and token URL, "
            f"{CLIENT_THREADS} client threads, gunicorn with {GUNICORN_WORKERS} workers, "
            f"DEBUG=false, PostgreSQL, a Redis of its own, within {budget:,} s; "
            f"material drawn by Hypothesis: {len(material.texts):,} field values, "
            f"{len(material.queries):,} query strings, {len(material.headers):,} header sets, "
            f"{len(material.bodies):,} bodies, {len(material.multiparts):,} multipart bodies.",
            flush=True,
        )
        targets = targets_for(seeded)
        outcomes = []
        log_path = Path(env["VAR_DIR"]) / "gunicorn.log"
        with (
            log_path.open("w") as log,
            running_gunicorn(env, port, workers=GUNICORN_WORKERS, output=log) as server,
        ):
            csrf = prepare(targets, server.base)
            sender = Sender(server.base, port)
            reserve = 8 if smoke else 30  # for reading the database afterwards
            # Enough for every form to accept a few requests, however busy the machine.
            least = 2 if smoke else 5
            for number, target in enumerate(targets):
                remaining = budget - reserve - (time.monotonic() - started)
                deadline = time.monotonic() + max(remaining / (len(targets) - number), least)
                maker = ProbeMaker(target, material, csrf, seed=1000 + number)
                outcome = run_target(target, maker, sender, count, deadline)
                outcomes.append(outcome)
                statuses = ", ".join(
                    f"{status or 'no answer'}: {n:,}"
                    for status, n in sorted(outcome.statuses.items())
                )
                print(
                    f"  {target.name:<38} {outcome.sent:>6,} requests in {outcome.seconds:5.1f} s, "
                    f"{len(target.forms)} forms, {len(outcome.accepted):,} accepted"
                    + (
                        f" and {outcome.accepted_unchecked:,} thanked unread"
                        if outcome.accepted_unchecked
                        else ""
                    )
                    + f" ({statuses})",
                    flush=True,
                )
                for probe in outcome.server_errors[:3]:
                    print(f"    server error: {_describe_probe(probe)}", flush=True)
                for probe in outcome.unchecked[:3]:
                    print(f"    thanked unread: {_describe_probe(probe)}", flush=True)
        if any(outcome.server_errors for outcome in outcomes):
            print_server_errors(log_path)
        stored = verify(env, [record for outcome in outcomes for record in outcome.accepted])
    print(f"Hostile input: done in {time.monotonic() - started:.0f} s.")
    return figures(outcomes, stored, count, smoke=smoke)


def print_server_errors(log_path: Path, most: int = 3) -> None:
    """The app's own account of its first server errors, from gunicorn's log: Django's
    tracebacks, and the one line the 503 page logs for a database error."""
    log = log_path.read_text(errors="replace")
    reports = re.findall(
        r"(?:ERROR django\.request Internal Server Error|WARNING engagement\.errors)"
        r".*?(?=\n\S+ \S+ [A-Z]+ |\n\[|\Z)",
        log,
        re.S,
    )
    for report in reports[:most]:
        print("    " + report[-2500:].replace("\n", "\n    "))


def verify(env: dict, records: list[dict]) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as file:
        json.dump(records, file)
    try:
        output = manage(
            "shell", "-c", VERIFY, env={**env, "HOSTILE_ACCEPTED": file.name}, capture=True
        )
    finally:
        os.unlink(file.name)
    checked = json.loads(output.splitlines()[-1])
    for sample in checked["samples"]:
        print(f"    stored differently: {sample}")
    return checked["result"]


def figures(outcomes: list[Outcome], stored: dict, count: int, *, smoke: bool) -> list[Figure]:
    fewest = min(outcomes, key=lambda outcome: outcome.sent)
    total = sum(outcome.sent for outcome in outcomes)
    results = [
        Figure(
            "hostile input: requests to each form and token URL",
            f">= {count:,} each",
            f"{total:,} in all, fewest {fewest.sent:,} ({fewest.target.name})",
            # A smoke run is bounded by time on a shared machine: it reports the count.
            None if smoke else fewest.sent >= count,
        )
    ]
    for outcome in outcomes:
        name = outcome.target.name
        errors = len(outcome.server_errors)
        results.append(
            Figure(
                f"hostile input: {name}: 5xx",
                "0",
                f"{errors:,} of {outcome.sent:,}",
                errors == 0 and outcome.sent > 0,
            )
        )
        if outcome.target.stores:
            check = stored.get(name, {"checked": 0, "differ": 0, "unaccounted": 0})
            unaccounted = check.get("unaccounted", 0)
            differ = f"{check['differ']:,} of {check['checked']:,} differ"
            results.append(
                Figure(
                    f"hostile input: {name}: accepted, stored exactly",
                    "0 differ, 0 other rows",
                    f"{differ}, {unaccounted:,} other rows",
                    check["differ"] == 0 and unaccounted == 0 and check["checked"] > 0,
                )
            )
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_ROOT))
    from bench.harness import print_table

    sys.exit(print_table("Hostile input", run(smoke="--smoke" in sys.argv)))
