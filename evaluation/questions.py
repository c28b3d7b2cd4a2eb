"""The standard question set a force asks in every wave, the answer scales, and the
reading of an answer typed on paper, in a spreadsheet or posted by the online form.

The standard questions keep the same keys in every wave so waves compare. A five-point
answer is stored as 1 (the least) to 5 (the most); "don't know" is stored as no score
and is left out of the share agreeing, which counts 4 and 5."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from contacts.models import AgeBand, Ethnicity

# The lowest score that counts as agreeing (or satisfied, or aware).
POSITIVE_FROM = 4
DONT_KNOW = "dont_know"
YES = "yes"
NO = "no"


class Kind:
    AGREEMENT = "agreement"
    SATISFACTION = "satisfaction"
    AWARENESS = "awareness"
    YES_NO = "yes_no"
    CHOICE = "choice"
    EVENT = "event"

    CHOICES = [
        (AGREEMENT, _("Agree or disagree, five points and don't know")),
        (SATISFACTION, _("Satisfied or dissatisfied, five points and don't know")),
        (AWARENESS, _("How much they know, five points and don't know")),
        (YES_NO, _("Yes, no or don't know")),
        (CHOICE, _("One of a list")),
        (EVENT, _("Which of our events")),
    ]
    SCALES = (AGREEMENT, SATISFACTION, AWARENESS)


# The labels of each five-point scale, from 1 to 5.
SCALE_LABELS = {
    Kind.AGREEMENT: [
        _("Strongly disagree"),
        _("Disagree"),
        _("Neither agree nor disagree"),
        _("Agree"),
        _("Strongly agree"),
    ],
    Kind.SATISFACTION: [
        _("Very dissatisfied"),
        _("Fairly dissatisfied"),
        _("Neither satisfied nor dissatisfied"),
        _("Fairly satisfied"),
        _("Very satisfied"),
    ],
    Kind.AWARENESS: [
        _("Never heard of it"),
        _("Heard the name only"),
        _("Know a little"),
        _("Know a fair amount"),
        _("Know a lot"),
    ],
}

# What "the share positive" means for each scale, in the report's words.
POSITIVE_WORDS = {
    Kind.AGREEMENT: _("agree"),
    Kind.SATISFACTION: _("satisfied"),
    Kind.AWARENESS: _("know at least a fair amount"),
    Kind.YES_NO: _("say yes"),
}

# The ONS 2021 high-level ethnic groups, the level comparisons and weighting use.
ETHNIC_GROUPS = [
    ("asian", _("Asian, Asian British or Asian Welsh")),
    ("black", _("Black, Black British, Black Welsh, Caribbean or African")),
    ("mixed", _("Mixed or Multiple ethnic groups")),
    ("white", _("White")),
    ("other", _("Other ethnic group")),
]
ETHNIC_GROUP_LABELS = dict(ETHNIC_GROUPS)


def ethnic_group_of(ethnicity: str) -> str:
    """The high-level group of a detailed ONS category, or "" when not given."""
    group = ethnicity.split("_", 1)[0]
    return group if group in ETHNIC_GROUP_LABELS else ""


def area_choices() -> list[tuple[str, str]]:
    return [(area, area) for area in settings.EVALUATION_AREAS]


@dataclass(frozen=True)
class StandardQuestion:
    key: str
    text: str
    kind: str
    is_demographic: bool = False
    help_text: str = ""


STANDARD_QUESTIONS = [
    StandardQuestion(
        "confidence",
        _("Taking everything into account, I have confidence in the police in this area."),
        Kind.AGREEMENT,
    ),
    StandardQuestion(
        "fair_treatment",
        _("The police in this area treat everyone fairly and with respect."),
        Kind.AGREEMENT,
    ),
    StandardQuestion(
        "understands_concerns",
        _("The police in this area understand the issues that matter to my community."),
        Kind.AGREEMENT,
    ),
    StandardQuestion(
        "satisfaction",
        _("Overall, how satisfied are you with the police in this area?"),
        Kind.SATISFACTION,
    ),
    StandardQuestion(
        "race_action_plan_awareness",
        _("How much do you know about the Police Race Action Plan?"),
        Kind.AWARENESS,
        help_text=_("The plan police forces in England and Wales follow to tackle racism."),
    ),
    StandardQuestion(
        "attended_event",
        _("Have you been to one of our community events?"),
        Kind.YES_NO,
    ),
    StandardQuestion(
        "attended_which",
        _("If you have, which one did you go to most recently?"),
        Kind.EVENT,
    ),
    StandardQuestion(
        "ethnicity",
        _("What is your ethnic group?"),
        Kind.CHOICE,
        is_demographic=True,
    ),
    StandardQuestion("age_band", _("How old are you?"), Kind.CHOICE, is_demographic=True),
    StandardQuestion("area", _("Which area do you live in?"), Kind.CHOICE, is_demographic=True),
]
STANDARD_KEYS = [question.key for question in STANDARD_QUESTIONS]
# The answers that describe the person rather than what they think; each is copied onto
# the response so the report can group by it without reading every answer.
DEMOGRAPHIC_KEYS = ("ethnicity", "age_band", "area")
ATTENDED_KEY = "attended_event"
ATTENDED_WHICH_KEY = "attended_which"


def standard_choices(key: str) -> list[tuple[str, str]]:
    """The list a standard choice question offers."""
    if key == "ethnicity":
        return [(value, label) for value, label in Ethnicity.choices]
    if key == "age_band":
        return [(value, label) for value, label in AgeBand.choices]
    if key == "area":
        return area_choices()
    return []
