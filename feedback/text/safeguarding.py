"""Finding disclosures that someone may be at risk: the built-in patterns of
feedback/data/safeguarding_phrases.txt, in English and the other languages people write
in, and the editable list of safeguarding words."""

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from feedback.text.words import (
    DATA_DIR,
    LETTER,
    SENTENCE_END,
    fold,
    fold_word,
    matching_phrases,
)

_WORD_TOKEN = re.compile(rf"{LETTER}+(?:['’]{LETTER}+)*|\d+")

# Verbs whose short negative ("didn't", "didnt") is written out as "did not".
_NEGATABLE = ("do", "does", "did", "is", "are", "was", "were", "have", "has", "had", "could")
_NEGATABLE += ("would", "should", "must", "need")


def _contractions() -> dict[str, tuple[str, ...]]:
    """Short forms, with and without the apostrophe people often leave out on a phone,
    written in full so that one pattern finds "I'm scared", "Im scared" and "I am
    scared"."""
    expanded = {
        "can't": ("can", "not"),
        "cant": ("can", "not"),
        "cannot": ("can", "not"),
        "won't": ("will", "not"),
        "wont": ("will", "not"),
        "ain't": ("is", "not"),
        "i'm": ("i", "am"),
        "im": ("i", "am"),
        "i've": ("i", "have"),
        "ive": ("i", "have"),
        "i'll": ("i", "will"),
        "i'd": ("i", "would"),
        "hes": ("he", "is"),
        "shes": ("she", "is"),
        "theyre": ("they", "are"),
        "youre": ("you", "are"),
        "let's": ("let", "us"),
        "gonna": ("going", "to"),
        "wanna": ("want", "to"),
        "gotta": ("got", "to"),
    }
    for verb in _NEGATABLE:
        expanded[f"{verb}n't"] = expanded[f"{verb}nt"] = (verb, "not")
    for pronoun in ("he", "she", "it", "that", "there", "what", "who"):
        expanded[f"{pronoun}'s"] = (pronoun, "is")
    for pronoun in ("we", "you", "they"):
        for short, verb in (("re", "are"), ("ve", "have"), ("ll", "will"), ("d", "would")):
            expanded[f"{pronoun}'{short}"] = (pronoun, verb)
    for pronoun in ("he", "she"):
        expanded[f"{pronoun}'ll"] = (pronoun, "will")
        expanded[f"{pronoun}'d"] = (pronoun, "would")
    return expanded


_CONTRACTIONS = _contractions()


@dataclass(frozen=True)
class Disclosure:
    """One built-in safeguarding pattern found in a text."""

    category: str
    label: str  # what is stored and shown, in English whatever the language of the text
    words: str  # the words of the text that matched


@dataclass(frozen=True)
class _Step:
    kind: str  # "word", "gap" (up to `most` words of any kind) or "not"
    exact: frozenset = frozenset()
    partial: re.Pattern | None = None  # the words given with a "*"
    optional: bool = False
    most: int = 0

    def accepts(self, key: str) -> bool:
        return key in self.exact or (self.partial is not None and bool(self.partial.fullmatch(key)))


@dataclass(frozen=True)
class _Rule:
    category: str
    label: str
    steps: tuple


def _step(item: str, macros: dict) -> _Step:
    if item.startswith("..."):
        return _Step("gap", most=int(item[3:] or 3))
    kind = "not" if item.startswith("!") else "word"
    optional = item.endswith("?")
    alternatives = []
    for alternative in item.lstrip("!").rstrip("?").split("|"):
        alternatives += macros[alternative[1:]] if alternative.startswith("@") else [alternative]
    exact, partial = set(), []
    for alternative in alternatives:
        word = fold(alternative.strip("*"))
        if word in _CONTRACTIONS:
            raise ValueError(f"Write {alternative!r} in full in a safeguarding pattern.")
        if "*" in alternative:
            before = ".*" if alternative.startswith("*") else ""
            after = ".*" if alternative.endswith("*") else ""
            partial.append(before + re.escape(word) + after)
        else:
            exact.add(word)
    pattern = re.compile("|".join(partial)) if partial else None
    return _Step(kind, frozenset(exact), pattern, optional)


@cache
def _safeguarding_rules() -> tuple[dict, tuple]:
    """The patterns of safeguarding_phrases.txt, indexed by the words they can start
    with, and those that start with a partial word."""
    rules, macros, category = [], {}, ""
    for line in (DATA_DIR / "safeguarding_phrases.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("@"):
            name, _equals, words = line[1:].partition("=")
            macros[name.strip()] = [
                word
                for alternative in words.split("|")
                for word in macros.get(alternative.strip()[1:], [alternative.strip()])
            ]
        elif line.startswith("["):
            category = line.strip("[]").strip()
        elif line:
            label, _colon, pattern = line.partition(":")
            steps = tuple(_step(item, macros) for item in pattern.split())
            if not steps or steps[0].kind != "word" or steps[0].optional:
                raise ValueError(f"A safeguarding pattern must start with a word: {line!r}")
            rules.append(_Rule(category, label.strip(), steps))
    by_word: dict[str, list[_Rule]] = {}
    partial = []
    for rule in rules:
        first = rule.steps[0]
        for word in first.exact:
            by_word.setdefault(word, []).append(rule)
        if first.partial is not None:
            partial.append(rule)
    return by_word, tuple(partial)


@lru_cache(maxsize=50_000)
def _rules_starting_with(key: str) -> tuple:
    by_word, partial = _safeguarding_rules()
    return tuple(by_word.get(key, ())) + tuple(
        rule for rule in partial if rule.steps[0].partial.fullmatch(key)
    )


@dataclass(slots=True)
class _Word:
    key: str
    sentence: int
    start: int
    end: int


def _words(text: str) -> list[_Word]:
    words, sentence, previous_end = [], 0, 0
    for match in _WORD_TOKEN.finditer(text):
        if SENTENCE_END.search(text, previous_end, match.start()):
            sentence += 1
        previous_end = match.end()
        key = fold_word(match.group())
        for part in _CONTRACTIONS.get(key, (key,)):
            words.append(_Word(part, sentence, match.start(), match.end()))
    return words


def _match(steps, step, words, at, sentence) -> int:
    """Where a match of steps[step:] starting at words[at] ends, or -1. A pattern never
    reaches past the end of its sentence."""
    if step == len(steps):
        return at
    current = steps[step]
    if current.kind == "gap":
        for skip in range(current.most + 1):
            if skip and (at + skip > len(words) or words[at + skip - 1].sentence != sentence):
                break
            end = _match(steps, step + 1, words, at + skip, sentence)
            if end >= 0:
                return end
        return -1
    fits = at < len(words) and words[at].sentence == sentence and current.accepts(words[at].key)
    if current.kind == "not":
        return -1 if fits else _match(steps, step + 1, words, at, sentence)
    if fits:
        end = _match(steps, step + 1, words, at + 1, sentence)
        if end >= 0:
            return end
    return _match(steps, step + 1, words, at, sentence) if current.optional else -1


def find_disclosures(text: str) -> list[Disclosure]:
    """The built-in safeguarding patterns the text matches, each once, in the order they
    appear. The patterns, in feedback/data/safeguarding_phrases.txt, find word forms
    ("beat", "beaten", "beating") and phrasings with a few words between ("beaten by
    her husband", "my partner hit me") in English and the other languages people write
    in."""
    words = _words(text)
    found, labels = [], set()
    for at, word in enumerate(words):
        for rule in _rules_starting_with(word.key):
            if rule.label in labels:
                continue
            end = _match(rule.steps, 1, words, at + 1, word.sentence)
            if end >= 0:
                labels.add(rule.label)
                found.append(
                    Disclosure(rule.category, rule.label, text[word.start : words[end - 1].end])
                )
    return found


def safeguarding_phrases(text: str, phrases=()) -> list[str]:
    """Why a text should be read for safeguarding: the labels of the built-in patterns it
    matches ("violence by a partner", "threat to kill (Polish)"), then the phrases of the
    editable list that it contains. Labels rather than the person's own words are kept,
    so the flag and the alert email say what was found without repeating the
    disclosure."""
    found = [disclosure.label for disclosure in find_disclosures(text)]
    return found + [phrase for phrase in matching_phrases(text, phrases) if phrase not in found]
