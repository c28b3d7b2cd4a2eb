"""How well names are taken out of feedback and how well the safeguarding flag works,
measured on the labelled sets in this folder. `make bench` prints the figures and
feedback/tests/test_quality.py fails when one drops below its target.

names.jsonl has one example a line: {"text": ..., "names": [...]} with every person's
name or officer's collar number in the text, as written, in order (an optional "note"
says what the example tests). safeguarding.jsonl has {"text": ..., "flag": true or false,
"category": ..., "language": ...}; "ordinary" feedback has flag false.

Add examples when the lists or patterns miss something real, written the way people
write (including mistakes and other languages), and add ordinary feedback as well as
disclosures, so that the figures stay honest about false flags."""

import json
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from feedback.text import find_names, matching_phrases, safeguarding_phrases

SETS = Path(__file__).resolve().parent

NAMES_PRECISION_TARGET = 0.8
NAMES_RECALL_TARGET = 0.9
SAFEGUARDING_RECALL_TARGET = 0.95
FALSE_FLAGS_TARGET = 0.10


def load_set(filename: str) -> list[dict]:
    lines = (SETS / filename).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def expected_name_spans(example: dict) -> list[tuple[int, int]]:
    """The (start, end) of each labelled name in the text: each name is looked for after
    the one before it, so a name written twice is counted twice."""
    spans, position = [], 0
    for name in example["names"]:
        start = example["text"].find(name, position)
        if start < 0:
            raise ValueError(f"{name!r} is not in {example['text']!r} after position {position}")
        spans.append((start, start + len(name)))
        position = start + len(name)
    return spans


def _overlap(first, second) -> bool:
    return first[0] < second[1] and second[0] < first[1]


@dataclass(frozen=True)
class NameFigures:
    precision: float
    recall: float
    predicted: int
    expected: int
    misses: tuple  # (text, name) for each labelled name not found
    wrong: tuple  # (text, words) for each redaction that is not a labelled name


def names_figures(examples=None) -> NameFigures:
    """Precision and recall of find_names on the labelled names, by span: a predicted
    redaction that overlaps a labelled name is correct (so taking out "Begum" from "Mrs
    Begum", or "PC 1234 Smith" as one piece, both count), and a labelled name is found
    when any predicted redaction overlaps it. Precision is the share of predicted
    redactions that are correct; recall is the share of labelled names found."""
    examples = load_set("names.jsonl") if examples is None else examples
    predicted = correct = expected = found = 0
    misses, wrong = [], []
    for example in examples:
        text = example["text"]
        truth = expected_name_spans(example)
        guesses = [(start, end) for start, end, _kind in find_names(text)]
        predicted += len(guesses)
        expected += len(truth)
        for guess in guesses:
            if any(_overlap(guess, name) for name in truth):
                correct += 1
            else:
                wrong.append((text, text[guess[0] : guess[1]]))
        for name in truth:
            if any(_overlap(guess, name) for guess in guesses):
                found += 1
            else:
                misses.append((text, text[name[0] : name[1]]))
    return NameFigures(
        precision=correct / predicted if predicted else 1.0,
        recall=found / expected if expected else 1.0,
        predicted=predicted,
        expected=expected,
        misses=tuple(misses),
        wrong=tuple(wrong),
    )


def starter_terms() -> list[str]:
    """The editable safeguarding words a new installation starts with (a data
    migration adds them), so the figures include what they flag as well."""
    migration = import_module("feedback.migrations.0003_starter_safeguarding_terms")
    return list(migration.STARTER_TERMS)


@dataclass(frozen=True)
class SafeguardingFigures:
    recall: float  # share of disclosures flagged
    false_flags: float  # share of ordinary feedback flagged
    precision: float  # share of flagged items that are disclosures
    disclosures: int
    ordinary: int
    missed: tuple  # (category, language, text) of each disclosure not flagged
    flagged_ordinary: tuple  # (text, reasons) of each ordinary item flagged


def safeguarding_figures(examples=None, phrases=None, *, built_in=True) -> SafeguardingFigures:
    """Recall, false flags and precision of the safeguarding flag on the labelled set:
    the built-in patterns plus the editable `phrases` (the starter list unless given).
    With built_in=False, only the editable phrases are used, as before the patterns."""
    examples = load_set("safeguarding.jsonl") if examples is None else examples
    phrases = starter_terms() if phrases is None else phrases
    missed, flagged_ordinary = [], []
    disclosures = ordinary = hits = 0
    for example in examples:
        text = example["text"]
        if built_in:
            reasons = safeguarding_phrases(text, phrases)
        else:
            reasons = matching_phrases(text, phrases)
        if example["flag"]:
            disclosures += 1
            if reasons:
                hits += 1
            else:
                missed.append((example["category"], example["language"], text))
        else:
            ordinary += 1
            if reasons:
                flagged_ordinary.append((text, tuple(reasons)))
    flagged = hits + len(flagged_ordinary)
    return SafeguardingFigures(
        recall=hits / disclosures if disclosures else 1.0,
        false_flags=len(flagged_ordinary) / ordinary if ordinary else 0.0,
        precision=hits / flagged if flagged else 1.0,
        disclosures=disclosures,
        ordinary=ordinary,
        missed=tuple(missed),
        flagged_ordinary=tuple(flagged_ordinary),
    )


LANGUAGE_PRECISION_TARGET = 0.95
LANGUAGE_RECALL_TARGET = 0.90


@dataclass(frozen=True)
class LanguageFigures:
    """languages.jsonl: {"text": ..., "language": code or ""}, with the texts of
    safeguarding.jsonl, which are labelled with their language too; "" where no one could
    tell (a word or two, an emoji). A wrong language sends a Coordinator to the wrong
    translator, so precision matters more than recall: "not known" is the safe answer."""

    precision: float
    recall: float
    by_language: dict  # code -> (precision, recall, examples)
    wrong: tuple  # (text, expected, detected)


def language_figures() -> LanguageFigures:
    from feedback.text.language import detect_language

    # The safeguarding set says the language of each of its texts too.
    examples = load_set("languages.jsonl") + [
        {"text": example["text"], "language": example["language"]}
        for example in load_set("safeguarding.jsonl")
    ]
    results = [(example, detect_language(example["text"])) for example in examples]
    said = [(example["language"], got) for example, got in results if got]
    labelled = [(example["language"], got) for example, got in results if example["language"]]
    by_language = {}
    for code in sorted({example["language"] for example in examples if example["language"]}):
        detected = [expected for expected, got in said if got == code]
        actual = [got for expected, got in labelled if expected == code]
        by_language[code] = (
            sum(1 for expected in detected if expected == code) / len(detected)
            if detected
            else 1.0,
            sum(1 for got in actual if got == code) / len(actual),
            len(actual),
        )
    return LanguageFigures(
        precision=sum(1 for expected, got in said if expected == got) / len(said),
        recall=sum(1 for expected, got in labelled if expected == got) / len(labelled),
        by_language=by_language,
        wrong=tuple(
            (example["text"], example["language"], got)
            for example, got in results
            if got != example["language"]
        ),
    )
