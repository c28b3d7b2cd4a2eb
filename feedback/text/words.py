"""Comparing words across languages and scripts, and reading the word lists in
feedback/data/."""

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Marks that change how a word is written but not which word it is: Latin accents,
# Arabic vowel signs, the Arabic joining stroke and zero-width joiners.
_IGNORED_MARKS = re.compile(
    "[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c\u200d]"
)
# Letters with no accent to take off, and the Arabic and Urdu forms of one letter.
_LETTER_VARIANTS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ı": "i",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "ى": "ی",
        "ي": "ی",
        "ك": "ک",
        "ة": "ه",
        "ہ": "ه",
        "ۃ": "ه",
        "ە": "ه",
    }
)

# Python's \w leaves out combining marks, which are part of words in the scripts of
# South Asia and in decomposed Latin text, so they are added to the letters here.
MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06ed\u0900-\u0dff\u200c\u200d"
)
LETTER = rf"(?:[^\W\d_]|[{MARKS}])"
WORD_CHAR = rf"[\w{MARKS}]"
SENTENCE_END = re.compile(r"[.!?;…\n؟۔]")


def fold(text: str) -> str:
    """Text as it is compared: case-folded and Unicode-normalised, without accents or
    Arabic vowel signs, so "Łukasz" matches "lukasz" and "أنتحر" matches "انتحر"."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = _IGNORED_MARKS.sub("", text).translate(_LETTER_VARIANTS)
    return unicodedata.normalize("NFC", text)


# Single words recur from one text to the next, so their folded forms are kept.
fold_word = lru_cache(maxsize=50_000)(fold)


def read_entries(filename: str) -> dict[str, list[str]]:
    """The entries of a data file by section: one entry a line, "[section]" headings,
    and "#" comments."""
    sections: dict[str, list[str]] = {"": []}
    current = sections[""]
    for line in (DATA_DIR / filename).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1].strip().lower(), [])
        elif line:
            current.append(line)
    return sections


def _normalised(text: str) -> str:
    return " ".join(fold(text).split())


def matching_phrases(text: str, phrases) -> list[str]:
    """The phrases that appear in the text as whole words, ignoring case, accents and
    spacing."""
    normalised = _normalised(text)
    return [
        phrase
        for phrase in phrases
        if phrase
        and re.search(
            rf"(?<!{WORD_CHAR}){re.escape(_normalised(phrase))}(?!{WORD_CHAR})", normalised
        )
    ]
