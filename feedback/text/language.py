"""Which language a piece of feedback is written in, so the inbox can say so and a
Coordinator can find a translator. Feedback is always stored as written.

Text in a script that only one of the offered languages uses (Gurmukhi, Gujarati,
Bengali, Ethiopic) is named by its script, which is certain even for a few words.
Otherwise langdetect (a port of Google's language-detection, offline, 55 languages)
decides, and only when it is confident and the text is long enough to judge: a short
or mixed answer is "not known" rather than a guess."""

import unicodedata

from django.conf.locale import LANG_INFO

from engagement.languages import LANGUAGES_BY_CODE

# Fewer letters than this and any detector is guessing.
MIN_LETTERS = 12
MIN_PROBABILITY = 0.85
MIN_SCRIPT_LETTERS = 4

SCRIPT_LANGUAGES = {
    "GURMUKHI": "pa",
    "GUJARATI": "gu",
    "BENGALI": "bn",
    "ETHIOPIC": "ti",
}


def _letters(text: str) -> list[str]:
    return [character for character in text if character.isalpha()]


def _script(character: str) -> str:
    try:
        return unicodedata.name(character).split(" ", 1)[0]
    except ValueError:
        return ""


def _probabilities(text: str):
    from langdetect import DetectorFactory, detect_langs

    # The same text always gets the same answer.
    DetectorFactory.seed = 0
    return detect_langs(text)


def detect_language(text: str) -> str:
    """The language's code ("so", "ar", "en", …), or "" when it cannot be told."""
    letters = _letters(text)
    if not letters:
        return ""
    scripts: dict[str, int] = {}
    for character in letters:
        script = _script(character)
        scripts[script] = scripts.get(script, 0) + 1
    main_script, count = max(scripts.items(), key=lambda item: item[1])
    # A script only one offered language uses is certain even in a few words.
    if (
        main_script in SCRIPT_LANGUAGES
        and count >= len(letters) / 2
        and count >= MIN_SCRIPT_LETTERS
    ):
        return SCRIPT_LANGUAGES[main_script]
    if len(letters) < MIN_LETTERS:
        return ""
    from langdetect.lang_detect_exception import LangDetectException

    try:
        candidates = _probabilities(text.lower())
    except LangDetectException:
        return ""
    if not candidates or candidates[0].prob < MIN_PROBABILITY:
        return ""
    return candidates[0].lang.split("-")[0]


def language_name(code: str) -> str:
    """The language's name in English, for staff pages."""
    if code in LANGUAGES_BY_CODE:
        return str(LANGUAGES_BY_CODE[code].name)
    info = LANG_INFO.get(code)
    return info["name"] if info and "name" in info else code
