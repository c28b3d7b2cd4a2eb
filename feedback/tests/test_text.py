"""Redaction, safeguarding words and topic suggestions on realistic text."""

import pytest

from feedback.models import Topic
from feedback.text import matching_phrases, redact_personal_details, suggest_topics


@pytest.mark.parametrize(
    ("text", "expected", "kinds"),
    [
        (
            "Email me on jo.bloggs+police@gmail.com if you want to talk.",
            "Email me on [email address removed] if you want to talk.",
            ("email",),
        ),
        (
            "My number is 07700 900123, or ring the landline (0161) 496 0000.",
            "My number is [phone number removed], or ring the landline [phone number removed].",
            ("phone",),
        ),
        ("Call +44 7700 900123 after six", "Call [phone number removed] after six", ("phone",)),
        (
            "The dealing happens outside 14 Raby Street, M14 4SL most nights",
            "The dealing happens outside [address removed], [postcode removed] most nights",
            ("postcode", "address"),
        ),
        (
            "My NI number is JH 12 34 56 C so you can check",
            "My NI number is [National Insurance number removed] so you can check",
            ("ni_number",),
        ),
        (
            "A white van AB12 CDE keeps following my daughter",
            "A white van [vehicle registration removed] keeps following my daughter",
            ("vehicle",),
        ),
    ],
)
def test_personal_details_are_taken_out(text, expected, kinds):
    redaction = redact_personal_details(text)
    assert redaction.text == expected
    assert redaction.kinds == kinds
    assert redaction.changed


@pytest.mark.parametrize(
    "text",
    [
        "Stop and search happened to me 3 times in 2024, at about 10.30 at night.",
        "There were 60 people and 12 officers. In an emergency call 999.",
        "People in the M14 area want the 86 bus stop to be safer.",
        "Officer 4521 was rude to my grandmother.",
        "فاطمة قالت إن الشرطة لم تستمع 🙁",
    ],
)
def test_ordinary_words_and_numbers_are_left_alone(text):
    redaction = redact_personal_details(text)
    assert redaction.text == text
    assert not redaction.changed


def test_safeguarding_words_match_whole_words_ignoring_case():
    phrases = ["knife", "scared to go home", "kill"]
    assert matching_phrases("He carries a KNIFE to school", phrases) == ["knife"]
    assert matching_phrases("She is   scared to go\nhome tonight", phrases) == ["scared to go home"]
    assert matching_phrases("The skills workshop was good", phrases) == []
    assert matching_phrases("Knives are not the answer", phrases) == []


@pytest.mark.django_db
def test_topics_are_suggested_from_their_names_and_keywords():
    suggested = suggest_topics(
        "I was stopped and searched twice and my complaint was ignored",
        Topic.objects.all(),
    )
    names = [topic.name for topic in suggested]
    assert "Stop and search" in names
    assert "Complaints" in names
    assert suggest_topics("Lovely weather today", Topic.objects.all()) == []
