"""Reading free text: removing personal details, spotting safeguarding words and
suggesting topics. Plain functions of text, so they are easy to test on real examples."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

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


def _replacement(kind: str) -> str:
    return {
        "email": _("[email address removed]"),
        "phone": _("[phone number removed]"),
        "postcode": _("[postcode removed]"),
        "ni_number": _("[National Insurance number removed]"),
        "vehicle": _("[vehicle registration removed]"),
        "address": _("[address removed]"),
    }[kind]


@dataclass(frozen=True)
class Redaction:
    text: str
    kinds: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


def redact_personal_details(text: str) -> Redaction:
    kinds = []
    for kind, pattern in PERSONAL_DETAIL_PATTERNS:
        text, found = pattern.subn(_replacement(kind), text)
        if found:
            kinds.append(kind)
    return Redaction(text=text, kinds=tuple(kinds))


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


def matching_phrases(text: str, phrases) -> list[str]:
    """The phrases that appear in the text as whole words, ignoring case."""
    normalised = _normalised(text)
    return [
        phrase
        for phrase in phrases
        if phrase and re.search(rf"\b{re.escape(_normalised(phrase))}\b", normalised)
    ]


def suggest_topics(text: str, topics) -> list:
    """Topics whose name or keywords appear in the text, most matches first."""
    scored = []
    for topic in topics:
        hits = len(matching_phrases(text, topic.keyword_list()))
        if hits:
            scored.append((hits, topic.name, topic))
    return [topic for _hits, _name, topic in sorted(scored, key=lambda item: (-item[0], item[1]))]
