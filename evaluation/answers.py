"""Reading one answer as a person, a spreadsheet or a form gave it: a stored value, a
label in any case, a score from 1 to 5, or one of the ways people write "don't know".
Anything else is refused with a message that says what would be accepted."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from evaluation.questions import DONT_KNOW, ETHNIC_GROUP_LABELS, NO, YES, Kind

DONT_KNOW_WORDS = {
    DONT_KNOW,
    "dont know",
    "don't know",
    "do not know",
    "dk",
    "not sure",
    "unsure",
    "don’t know",
}
YES_WORDS = {"yes", "y", "true", "1"}
NO_WORDS = {"no", "n", "false", "0"}
BLANK_WORDS = {"", "-", "n/a", "na", "none", "not answered", "no answer", "blank"}


@dataclass(frozen=True)
class ParsedAnswer:
    score: int | None
    choice: str


def _simple(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).replace("\u2019", "'")).strip().casefold()


def parse_answer(question, raw, *, events=()) -> ParsedAnswer | None:
    """The answer `raw` gives to `question`, None when it is left blank, or ValueError
    with a message for the person who typed it."""
    text = _simple(raw if raw is not None else "")
    if text in BLANK_WORDS:
        return None
    if question.is_scale:
        if text in DONT_KNOW_WORDS:
            return ParsedAnswer(None, DONT_KNOW)
        if re.fullmatch(r"[1-5](\.0)?", text):
            score = int(float(text))
            return ParsedAnswer(score, str(score))
        for value, label in question.choices():
            if text == _simple(label) and value != DONT_KNOW:
                return ParsedAnswer(int(value), value)
        raise ValueError(
            _('Give a number from 1 to 5, one of the answers on the form, or "don\'t know".')
        )
    if question.kind == Kind.YES_NO:
        if text in DONT_KNOW_WORDS:
            return ParsedAnswer(None, DONT_KNOW)
        if text in YES_WORDS:
            return ParsedAnswer(None, YES)
        if text in NO_WORDS:
            return ParsedAnswer(None, NO)
        raise ValueError(_('Answer "yes", "no" or "don\'t know".'))
    choices = question.choices(events=events)
    if question.is_standard and question.key == "ethnicity":
        # Earlier waves often kept only the high-level group.
        choices = (
            choices
            + [(group, group) for group in ETHNIC_GROUP_LABELS]
            + list(ETHNIC_GROUP_LABELS.items())
        )
    for value, label in choices:
        if text in (_simple(value), _simple(label)):
            return ParsedAnswer(None, value)
    if question.kind == Kind.EVENT:
        raise ValueError(_("This is not one of our events."))
    raise ValueError(_("This is not one of the answers the question offers."))
