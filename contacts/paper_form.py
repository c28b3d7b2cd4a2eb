"""The keep-in-touch form on paper, for people who would rather not fill it in online.

It asks what an officer then types in on the "add from a paper form" screen
(PaperContactForm), in the same order, worded for the person filling it in as the
public form words it. Both are made from the same form fields, so that a question or
a choice added to one is on the other too."""

from dataclasses import dataclass

from django import forms

from contacts.forms import KeepInTouchForm

SHORT_ANSWER_LENGTH = 10


@dataclass(frozen=True)
class ChoiceGroup:
    """Choices printed together, under a heading if they have one (as the ONS ethnic
    groups have: "Asian", "Black" and so on)."""

    heading: str
    choices: list[str]


@dataclass(frozen=True)
class PaperQuestion:
    class Kind:
        WRITE = "write"
        TICK = "tick"
        TICK_ONE = "tick_one"
        TICK_ANY = "tick_any"

    name: str
    label: str
    hint: str
    kind: str
    groups: list[ChoiceGroup]
    short: bool = False


@dataclass(frozen=True)
class PaperSection:
    heading: str
    hint: str
    questions: list[PaperQuestion]


def _grouped(labels) -> list[ChoiceGroup]:
    """Choices written "Group: choice" under their group, in their order; the others
    in a group with no heading."""
    groups: dict[str, list[str]] = {}
    for label in labels:
        heading, _colon, choice = str(label).rpartition(": ")
        groups.setdefault(heading, []).append(choice[:1].upper() + choice[1:])
    return [ChoiceGroup(heading=heading, choices=choices) for heading, choices in groups.items()]


def paper_question(field: forms.BoundField) -> PaperQuestion:
    form_field = field.field
    asked = {"name": field.name, "label": str(field.label), "hint": str(field.help_text)}
    if isinstance(form_field, forms.BooleanField):
        return PaperQuestion(**asked, kind=PaperQuestion.Kind.TICK, groups=[])
    if isinstance(form_field, forms.ChoiceField) and not getattr(
        form_field, "write_in_on_paper", False
    ):
        many = isinstance(form_field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        # The empty choice ("Choose one") is how a screen says nothing is chosen yet.
        labels = [label for value, label in form_field.choices if value != ""]
        return PaperQuestion(
            **asked,
            kind=PaperQuestion.Kind.TICK_ANY if many else PaperQuestion.Kind.TICK_ONE,
            groups=_grouped(labels),
        )
    if getattr(form_field, "write_in_on_paper", False):
        # One line to write on; the screen's hint is for choosing from a list.
        asked["hint"] = ""
    return PaperQuestion(
        **asked,
        kind=PaperQuestion.Kind.WRITE,
        groups=[],
        short=bool(
            getattr(form_field, "max_length", None) and form_field.max_length <= SHORT_ANSWER_LENGTH
        ),
    )


def paper_keep_in_touch_form() -> list[PaperSection]:
    """The sections of the printed form, each with its questions in order."""
    form = KeepInTouchForm()
    return [
        PaperSection(
            heading=str(section.legend),
            hint=str(section.hint),
            questions=[paper_question(form[name]) for name in section.fields],
        )
        for section in form.sections()
    ]
