"""Matching a spreadsheet's columns to a wave's questions: a first guess from the
headings, and what makes a matching unusable."""

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from evaluation.imports.files import shown

# What forces commonly head the standard questions' columns with, in a few words.
COMMON_HEADINGS = {
    "confidence": ("confidence", "confident"),
    "fair_treatment": ("fair", "fairly", "fairness", "respect", "treated fairly"),
    "understands_concerns": (
        "understand",
        "understands",
        "concerns",
        "local concerns",
        "issues that matter",
        "local issues",
    ),
    "satisfaction": ("satisfaction", "satisfied", "overall satisfaction"),
    "race_action_plan_awareness": (
        "race action plan",
        "police race action plan",
        "prap",
        "action plan",
        "awareness",
    ),
    "attended_event": (
        "attended",
        "attend",
        "attendee",
        "been to",
        "community event",
        "attended event",
        "attended a community event",
    ),
    "attended_which": ("which event", "event attended", "event name", "which one"),
    "ethnicity": (
        "ethnicity",
        "ethnic",
        "ethnic group",
        "ethnic origin",
        "ethnic background",
        "race",
    ),
    "age_band": ("age", "age group", "age band", "age range", "how old"),
    "area": (
        "area",
        "district",
        "borough",
        "local authority",
        "where do you live",
        "neighbourhood",
        "postcode area",
    ),
}
EXACT = 1000


def words(text: str) -> str:
    """Text reduced to lower-case words, without a leading question number such as
    "Q1", "Q1a." or "3)"."""
    text = str(text).casefold().replace("\u2019", "'").replace("'", "")
    text = re.sub(r"^\s*(q|question)?\s*\d+[a-z]?(?![a-z0-9])[\s.:)\-\u2013]*", "", text)
    return re.sub(r"[^\w]+|_", " ", text).strip()


def _score(header_words: str, question) -> int:
    if not header_words:
        return 0
    if header_words in (words(question.key), words(question.text)):
        return EXACT
    padded = f" {header_words} "
    best = 0
    for phrase in COMMON_HEADINGS.get(question.key, ()) if question.is_standard else ():
        if f" {phrase} " in padded:
            best = max(best, len(phrase))
    if " " in header_words and f" {header_words} " in f" {words(question.text)} ":
        best = max(best, len(header_words))
    return best


def guess_mapping(headers: list[str], questions: Iterable) -> dict[str, str]:
    """{header: question key or ""}: each column matched to the question its heading
    most looks like, each question to one column at most."""
    questions = list(questions)
    candidates = []
    for index, header in enumerate(headers):
        header_words = words(header)
        for position, question in enumerate(questions):
            score = _score(header_words, question)
            if score:
                candidates.append((-score, index, position, question.key))
    mapping = dict.fromkeys(headers, "")
    taken: set[str] = set()
    for _negative_score, index, _position, key in sorted(candidates):
        header = headers[index]
        if not mapping[header] and key not in taken:
            mapping[header] = key
            taken.add(key)
    return mapping


def mapping_problems(mapping: dict[str, str], question_keys) -> tuple[dict[str, str], list[str]]:
    """What is wrong with a matching of columns to questions: ({header: problem}, problems
    with the whole matching). A question matched to two columns is a problem beside the
    second; a matching with no column matched at all is a problem with the whole."""
    question_keys = set(question_keys)
    beside: dict[str, str] = {}
    first_column: dict[str, str] = {}
    for header, key in mapping.items():
        if not key:
            continue
        if key not in question_keys:
            beside[header] = _("Choose a question from the list, or leave the column out.")
        elif key in first_column:
            beside[header] = _(
                "Column “%(other)s” is already matched to this question. Match each question "
                "to one column only."
            ) % {"other": shown(first_column[key])}
        else:
            first_column[key] = header
    whole = []
    if not any(mapping.values()):
        whole.append(_("Match at least one column to a question."))
    return beside, whole
