"""Reading free text: removing personal details and people's names, spotting words that
suggest someone is at risk, and suggesting topics. Plain functions of text, so they are
easy to test on real examples. The word lists behind them are data files in
feedback/data/; each file says what it covers and how to extend it. They are read once,
the first time they are needed."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from feedback.text.names import find_names
from feedback.text.safeguarding import Disclosure, find_disclosures, safeguarding_phrases
from feedback.text.words import fold, matching_phrases

__all__ = [
    "Disclosure",
    "Redaction",
    "find_disclosures",
    "find_names",
    "fold",
    "matching_phrases",
    "redact_personal_details",
    "safeguarding_phrases",
    "suggest_topics",
]

# Each pattern finds one kind of personal detail. Order matters: emails before
# anything that could match part of one, full postcodes before vehicle numbers.
PERSONAL_DETAIL_PATTERNS = [
    ("email", re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)),
    (
        "phone",
        re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d[\d\s\-)]{8,12}\d(?!\w)"),
    ),
    (
        "postcode",
        re.compile(
            r"\b(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) ?[0-9][ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE
        ),
    ),
    (
        "ni_number",
        re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.IGNORECASE),
    ),
    ("vehicle", re.compile(r"\b[A-Z]{2}[0-9]{2} ?[A-Z]{3}\b")),
    (
        "address",
        re.compile(
            r"\b\d{1,4}[a-z]?,?\s+(?:[A-Z][a-z]+\s+){1,3}"
            r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Close|Drive|Way|Court|Crescent|Grove|"
            r"Place|Terrace|Gardens|Walk|Square|Hill|Row|Mews)\b"
        ),
    ),
]


REPLACEMENTS = {
    "email": gettext_noop("[email address removed]"),
    "phone": gettext_noop("[phone number removed]"),
    "postcode": gettext_noop("[postcode removed]"),
    "ni_number": gettext_noop("[National Insurance number removed]"),
    "vehicle": gettext_noop("[vehicle registration removed]"),
    "address": gettext_noop("[address removed]"),
    "name": gettext_noop("[name removed]"),
    "collar_number": gettext_noop("[collar number removed]"),
}


def _replacement(kind: str) -> str:
    return _(REPLACEMENTS[kind])


@dataclass(frozen=True)
class Redaction:
    text: str
    kinds: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


def redact_personal_details(text: str, *, names: bool = True) -> Redaction:
    """The text with personal details replaced by a label saying what was there. People's
    names and officers' collar numbers are found by find_names, after the other details
    are gone, so an email address is never read as a name."""
    kinds = []
    for kind, pattern in PERSONAL_DETAIL_PATTERNS:
        if pattern.search(text):
            text = pattern.sub(_replacement(kind), text)
            kinds.append(kind)
    if names:
        spans = find_names(text)
        for start, end, kind in reversed(spans):
            text = text[:start] + _replacement(kind) + text[end:]
        kinds += [kind for kind in ("name", "collar_number") if any(s[2] == kind for s in spans)]
    return Redaction(text=text, kinds=tuple(kinds))


def suggest_topics(text: str, topics) -> list:
    """Topics whose name or keywords appear in the text, most matches first."""
    scored = []
    for topic in topics:
        hits = len(matching_phrases(text, topic.keyword_list()))
        if hits:
            scored.append((hits, topic.name, topic))
    return [topic for _hits, _name, topic in sorted(scored, key=lambda item: (-item[0], item[1]))]
