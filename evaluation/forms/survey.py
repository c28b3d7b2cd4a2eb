"""The survey as a form, built from one wave's questions, and the "about you" card.

Every question is optional and every answer is one of a list, so a form that passes
its checks holds only values the questions offer; they are turned into answers here
without reading them a second time. The forms people fill in on their phones carry a
box robots fill in and people never see; the copies staff type paper forms into do not.
"""

import secrets
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from contacts.models import AgeBand, Ethnicity
from contacts.paper_form import PaperQuestion, paper_question
from evaluation.answers import ParsedAnswer
from evaluation.questions import DONT_KNOW, Kind, area_choices
from events.models import Event
from feedback.forms.capture import HONEYPOT_FIELD

# What "Prefer not to say" is sent as. Ethnicity and age keep it as their answer; the
# area has no such answer stored, so choosing it leaves the area unanswered.
PREFER_NOT_TO_SAY = "prefer_not_to_say"
# Longer lists are a drop-down; shorter ones are radio buttons, all in view.
MOST_RADIO_BUTTONS = 10
# The events the "which event" question lists: those held this long ago or since.
EVENTS_LISTED_FOR = timedelta(days=2 * 365)

CHOOSE_FROM_THE_LIST = _("Choose one of the answers shown.")


def events_to_choose_from(now=None):
    """The programme's published events held in the last two years, latest first: what
    a person may say they went to."""
    now = now or timezone.now()
    return (
        Event.objects.published()
        .filter(
            status=Event.Status.HELD,
            programme__is_active=True,
            ends_at__lt=now,
            ends_at__gte=now - EVENTS_LISTED_FOR,
        )
        .only("pk", "title", "starts_at")
        .order_by("-starts_at", "-pk")
    )


def event_label(event) -> str:
    return f"{event.title}, {date_format(timezone.localtime(event.starts_at), 'j F Y')}"


def answer_field(*, label, choices, help_text="", drop_down=None, blank_label=None):
    """One optional question with a list of answers: radio buttons for a short list, a
    drop-down for a long one."""
    choices = [(str(value), str(text)) for value, text in choices]
    if drop_down is None:
        drop_down = len(choices) > MOST_RADIO_BUTTONS
    if drop_down:
        choices = [("", blank_label or _("Choose an answer"))] + choices
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        required=False,
        choices=choices,
        widget=forms.Select if drop_down else forms.RadioSelect,
        error_messages={"invalid_choice": CHOOSE_FROM_THE_LIST},
    )


class AnonymousFormMixin:
    """The hidden pieces of a form a member of the public sends: a nonce, so a form sent
    twice is kept once, and the robot trap, kept last so that no error leads to it."""

    def add_hidden_fields(self):
        self.fields["form_nonce"] = forms.CharField(widget=forms.HiddenInput, max_length=64)
        if not self.is_bound:
            self.initial["form_nonce"] = secrets.token_urlsafe(24)
        if self.has_robot_trap:
            self.fields[HONEYPOT_FIELD] = forms.CharField(
                label=_("Leave this box empty"),
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
            )

    has_robot_trap = True

    def is_robot(self) -> bool:
        return self.has_robot_trap and bool(self.data.get(HONEYPOT_FIELD))

    def answer_names(self) -> list[str]:
        return [name for name in self.fields if name not in ("form_nonce", HONEYPOT_FIELD)]

    def refuse_if_empty(self, cleaned, message):
        """An empty form tells us nothing: say so beside the first question, which is
        also where the summary at the top of the page leads."""
        names = self.answer_names()
        if not self.errors and names and not any(cleaned.get(name) for name in names):
            self.add_error(names[0], message)


class SurveyForm(AnonymousFormMixin, forms.Form):
    """A wave's questions, in order, for a member of the public."""

    def __init__(self, *args, questions, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.events = list(events)
        for question in self.questions:
            self.fields[self.field_name(question)] = self._field_for(question)
        self.add_hidden_fields()

    @staticmethod
    def field_name(question) -> str:
        return f"q_{question.key}"

    def _field_for(self, question):
        asked = {"label": question.text, "help_text": question.help_text}
        if question.kind == Kind.EVENT:
            return answer_field(
                **asked,
                choices=[(event.pk, event_label(event)) for event in self.events]
                + [(DONT_KNOW, _("I'm not sure"))],
                drop_down=True,
                blank_label=_("Choose an event"),
            )
        choices = question.choices()
        if question.is_demographic and PREFER_NOT_TO_SAY not in dict(choices):
            choices = [*choices, (PREFER_NOT_TO_SAY, _("Prefer not to say"))]
        return answer_field(**asked, choices=choices)

    def opinion_fields(self) -> list[forms.BoundField]:
        return [
            self[self.field_name(question)]
            for question in self.questions
            if not question.is_demographic
        ]

    def about_you_fields(self) -> list[forms.BoundField]:
        return [
            self[self.field_name(question)]
            for question in self.questions
            if question.is_demographic
        ]

    def clean(self):
        cleaned = super().clean()
        self.refuse_if_empty(
            cleaned,
            _("Answer at least one question before you send. Every question is optional."),
        )
        return cleaned

    def answers(self) -> dict[str, ParsedAnswer | None]:
        """{question key: the answer, or None for a question left blank}."""
        return {
            question.key: answer_of(question, self.cleaned_data.get(self.field_name(question)))
            for question in self.questions
        }

    def paper_questions(self, *, about_you: bool) -> list[PaperQuestion]:
        """The questions about what the person thinks, or those about the person, as
        the printed form asks them: tick one, or for the events, a line to write on."""
        printed = []
        for question in self.questions:
            if question.is_demographic != about_you:
                continue
            field = self[self.field_name(question)]
            if question.kind == Kind.EVENT:
                printed.append(
                    PaperQuestion(
                        name=field.name,
                        label=str(question.text),
                        hint=str(_("Write its name, or where and when it was.")),
                        kind=PaperQuestion.Kind.WRITE,
                        groups=[],
                    )
                )
            else:
                printed.append(paper_question(field))
        return printed


def answer_of(question, value: str) -> ParsedAnswer | None:
    """The answer a checked choice gives: a score for a five-point scale, else the
    choice itself."""
    if not value:
        return None
    if value == PREFER_NOT_TO_SAY and PREFER_NOT_TO_SAY not in dict(question.choices()):
        # Offered for every question about the person, stored only where it is an answer.
        return None
    if question.is_scale and value != DONT_KNOW:
        return ParsedAnswer(int(value), value)
    return ParsedAnswer(None, value)


class FirstQuestionFocusMixin:
    """After "save and next", typing goes straight into the first question."""

    def focus_first_question(self):
        if not self.is_bound and self.answer_names():
            self.autofocus = self.answer_names()[0]

    autofocus = ""


class PaperSurveyForm(FirstQuestionFocusMixin, SurveyForm):
    """The same questions for a Coordinator typing in a paper form."""

    has_robot_trap = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.focus_first_question()


# "About you" cards ----------------------------------------------------------------------


class AboutYouForm(AnonymousFormMixin, forms.Form):
    """Ethnic group, age and area only: nothing about what the person said, and nothing
    that could reach them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ethnicity"] = answer_field(
            label=_("What is your ethnic group?"),
            choices=Ethnicity.choices,
            blank_label=_("Choose your ethnic group"),
        )
        self.fields["age_band"] = answer_field(label=_("How old are you?"), choices=AgeBand.choices)
        self.fields["area"] = answer_field(
            label=_("Which area do you live in?"),
            choices=[*area_choices(), (PREFER_NOT_TO_SAY, _("Prefer not to say"))],
        )
        self.add_hidden_fields()

    def clean(self):
        cleaned = super().clean()
        self.refuse_if_empty(
            cleaned,
            _('Choose at least one answer before you send, even if it is "Prefer not to say".'),
        )
        return cleaned

    def card_fields(self) -> dict[str, str]:
        area = self.cleaned_data.get("area", "")
        return {
            "ethnicity": self.cleaned_data.get("ethnicity", ""),
            "age_band": self.cleaned_data.get("age_band", ""),
            "area": "" if area == PREFER_NOT_TO_SAY else area,
        }

    def paper_questions(self) -> list[PaperQuestion]:
        return [paper_question(self[name]) for name in self.answer_names()]


class PaperAboutYouForm(FirstQuestionFocusMixin, AboutYouForm):
    has_robot_trap = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.focus_first_question()
