"""Name redaction, the safeguarding flag and the language of feedback measured on the
labelled sets in feedback/quality/: the tests fail when a figure drops below its target."""

import pytest

from feedback.models import SafeguardingTerm
from feedback.quality import (
    FALSE_FLAGS_TARGET,
    LANGUAGE_PRECISION_TARGET,
    LANGUAGE_RECALL_TARGET,
    NAMES_PRECISION_TARGET,
    NAMES_RECALL_TARGET,
    SAFEGUARDING_RECALL_TARGET,
    expected_name_spans,
    language_figures,
    load_set,
    names_figures,
    safeguarding_figures,
    starter_terms,
)


def _listed(pairs) -> str:
    return "\n".join(" | ".join(str(part) for part in pair) for pair in pairs)


def test_names_are_found_with_the_precision_and_recall_we_promise():
    figures = names_figures()
    assert figures.recall >= NAMES_RECALL_TARGET, f"Missed:\n{_listed(figures.misses)}"
    assert figures.precision >= NAMES_PRECISION_TARGET, f"Wrong:\n{_listed(figures.wrong)}"


def test_disclosures_are_flagged_and_ordinary_feedback_mostly_is_not():
    figures = safeguarding_figures()
    assert figures.recall >= SAFEGUARDING_RECALL_TARGET, f"Missed:\n{_listed(figures.missed)}"
    assert figures.false_flags <= FALSE_FLAGS_TARGET, (
        f"Flagged:\n{_listed(figures.flagged_ordinary)}"
    )


@pytest.mark.django_db
def test_the_figures_count_the_starter_safeguarding_words_a_new_installation_has():
    assert set(starter_terms()) == set(SafeguardingTerm.objects.values_list("phrase", flat=True))


def test_every_labelled_name_is_in_its_text_and_each_set_has_both_kinds_of_example():
    names = load_set("names.jsonl")
    for example in names:
        expected_name_spans(example)
    assert any(example["names"] for example in names)
    assert any(not example["names"] for example in names)
    safeguarding = load_set("safeguarding.jsonl")
    assert {example["flag"] for example in safeguarding} == {True, False}
    assert all(example["category"] == "ordinary" for example in safeguarding if not example["flag"])


def test_a_redaction_counts_when_it_overlaps_a_labelled_name():
    figures = names_figures(
        [
            {"text": "Mrs Begum at number 12 was burgled.", "names": ["Mrs Begum"]},
            {"text": "PC 1234 Smith was helpful.", "names": ["PC 1234 Smith"]},
            {"text": "Ahmed, Ahmed and Ahmed, he said.", "names": ["Ahmed", "Ahmed", "Ahmed"]},
        ]
    )
    assert (figures.precision, figures.recall) == (1.0, 1.0)
    assert (figures.predicted, figures.expected) == (5, 5)


def test_a_redaction_of_something_that_is_not_a_name_lowers_precision():
    figures = names_figures(
        [{"text": "Sarah went to Tesco and Hamza waited outside.", "names": ["Sarah"]}]
    )
    assert figures.recall == 1.0
    assert figures.precision == 0.5
    assert figures.wrong == (("Sarah went to Tesco and Hamza waited outside.", "Hamza"),)


def test_a_labelled_name_missing_from_its_text_is_reported():
    with pytest.raises(ValueError, match="Begum"):
        expected_name_spans({"text": "Mrs Patel was burgled.", "names": ["Mrs Begum"]})


def test_false_flags_are_the_share_of_ordinary_feedback_flagged():
    figures = safeguarding_figures(
        [
            {"text": "My partner hit me.", "flag": True, "category": "", "language": "en"},
            {"text": "Nobody came.", "flag": True, "category": "", "language": "en"},
            {"text": "Great event.", "flag": False, "category": "ordinary", "language": "en"},
            {"text": "The van is back.", "flag": False, "category": "ordinary", "language": "en"},
        ],
        phrases=["van"],
    )
    assert figures.recall == 0.5
    assert figures.false_flags == 0.5
    assert figures.precision == 0.5


def test_the_language_of_feedback_is_told_with_the_precision_and_recall_we_promise():
    figures = language_figures()
    assert figures.precision >= LANGUAGE_PRECISION_TARGET, _listed(figures.wrong)
    assert figures.recall >= LANGUAGE_RECALL_TARGET, _listed(figures.wrong)
    # Every language offered to the public is in the set, with several examples.
    assert {"en", "cy", "pl", "ur", "pa", "gu", "bn", "ar", "so", "ro", "ti"} <= set(
        figures.by_language
    )
    assert all(count >= 5 for _precision, _recall, count in figures.by_language.values())
