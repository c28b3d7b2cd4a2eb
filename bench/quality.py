"""How well people's names are taken out of feedback, how well the safeguarding flag
works and how well the language of feedback is told, on the labelled sets in
feedback/quality/, against their targets; then how long redaction and the flag take on
one item of feedback. Exits with status 1 when a figure misses its target.

    make bench
    .venv/bin/python bench/quality.py --details   # also list every miss and false flag
"""

import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagement.settings")

import django  # noqa: E402

django.setup()

from feedback.quality import (  # noqa: E402
    FALSE_FLAGS_TARGET,
    LANGUAGE_PRECISION_TARGET,
    LANGUAGE_RECALL_TARGET,
    NAMES_PRECISION_TARGET,
    NAMES_RECALL_TARGET,
    SAFEGUARDING_RECALL_TARGET,
    language_figures,
    load_set,
    names_figures,
    safeguarding_figures,
    starter_terms,
)
from feedback.text import redact_personal_details, safeguarding_phrases  # noqa: E402

# About 300 characters, the length of a typical answer on the public form.
TYPICAL_ITEM = (
    "I went to the meeting at the community centre on Tuesday with my neighbour Ahmed "
    "Hassan. PC 1234 Smith was helpful but nobody has rung back about the burglary, and "
    "we waited three hours for anyone to come. My cousin is being beaten by her husband "
    "and I fear for her life, who should she talk to?"
)


def mark(value: float, target: float, *, at_most=False) -> str:
    met = value <= target if at_most else value >= target
    return "meets target" if met else "BELOW TARGET"


def per_item_milliseconds(texts, terms) -> list[float]:
    durations = []
    for text in texts:
        started = time.perf_counter()
        redact_personal_details(text)
        safeguarding_phrases(text, terms)
        durations.append((time.perf_counter() - started) * 1000)
    return durations


def main() -> int:
    details = "--details" in sys.argv
    terms = starter_terms()

    names = names_figures()
    print(
        f"Names           precision {names.precision:.3f} (target >= {NAMES_PRECISION_TARGET}, "
        f"{mark(names.precision, NAMES_PRECISION_TARGET)})   "
        f"recall {names.recall:.3f} (target >= {NAMES_RECALL_TARGET}, "
        f"{mark(names.recall, NAMES_RECALL_TARGET)})   "
        f"{names.expected} names, {names.predicted} redactions"
    )

    flag = safeguarding_figures(phrases=terms)
    print(
        f"Safeguarding    recall {flag.recall:.3f} (target >= {SAFEGUARDING_RECALL_TARGET}, "
        f"{mark(flag.recall, SAFEGUARDING_RECALL_TARGET)})   "
        f"false flags {flag.false_flags:.1%} of ordinary feedback (target <= "
        f"{FALSE_FLAGS_TARGET:.0%}, {mark(flag.false_flags, FALSE_FLAGS_TARGET, at_most=True)})"
        f"   precision {flag.precision:.3f}   "
        f"{flag.disclosures} disclosures, {flag.ordinary} ordinary items"
    )
    patterns = safeguarding_figures(phrases=[])
    words = safeguarding_figures(phrases=terms, built_in=False)
    print(
        f"  built-in patterns alone:   recall {patterns.recall:.3f}   "
        f"false flags {patterns.false_flags:.1%}"
    )
    print(
        f"  starter word list alone:   recall {words.recall:.3f}   "
        f"false flags {words.false_flags:.1%}"
    )

    examples = load_set("safeguarding.jsonl")
    disclosures = Counter(example["language"] for example in examples if example["flag"])
    missed = Counter(language for _category, language, _text in flag.missed)
    print(
        "  recall by language:        "
        + "   ".join(
            f"{language} {1 - missed[language] / count:.2f} ({count})"
            for language, count in sorted(disclosures.items())
        )
    )

    languages = language_figures()
    print(
        f"Language        precision {languages.precision:.3f} (target >= "
        f"{LANGUAGE_PRECISION_TARGET}, {mark(languages.precision, LANGUAGE_PRECISION_TARGET)})"
        f"   recall {languages.recall:.3f} (target >= {LANGUAGE_RECALL_TARGET}, "
        f"{mark(languages.recall, LANGUAGE_RECALL_TARGET)})   "
        f"{sum(count for _p, _r, count in languages.by_language.values())} labelled texts"
    )
    print(
        "  by language (precision/recall):  "
        + "   ".join(
            f"{code} {precision:.2f}/{recall:.2f}"
            for code, (precision, recall, _count) in languages.by_language.items()
        )
    )

    sample = [TYPICAL_ITEM] * 200
    typical = per_item_milliseconds(sample, terms)
    texts = [example["text"] for example in load_set("names.jsonl")] + [
        example["text"] for example in examples
    ]
    every = per_item_milliseconds(texts, terms)
    print(
        f"Time per item   {statistics.median(typical):.2f} ms median on a "
        f"{len(TYPICAL_ITEM)}-character item, {statistics.mean(every):.2f} ms mean over the "
        f"{len(texts)} labelled texts (redaction and safeguarding together)"
    )

    if details:
        for text, name in names.misses:
            print(f"  name missed: {name!r} in {text!r}")
        for text, words_taken in names.wrong:
            print(f"  not a name:  {words_taken!r} in {text!r}")
        for category, language, text in flag.missed:
            print(f"  not flagged: [{category}, {language}] {text!r}")
        for text, reasons in flag.flagged_ordinary:
            print(f"  false flag:  {text!r} ({', '.join(reasons)})")
        for text, expected, detected in languages.wrong:
            print(f"  language:    {expected or '?'} read as {detected or '?'}: {text!r}")

    met = (
        names.precision >= NAMES_PRECISION_TARGET
        and names.recall >= NAMES_RECALL_TARGET
        and flag.recall >= SAFEGUARDING_RECALL_TARGET
        and flag.false_flags <= FALSE_FLAGS_TARGET
        and languages.precision >= LANGUAGE_PRECISION_TARGET
        and languages.recall >= LANGUAGE_RECALL_TARGET
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
