"""Forms of the live session: what a phone sends, and what the moderator sets."""

import re
import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from engagement.forms import ModelChoiceField
from feedback.models import JOIN_CODE_ALPHABET, LivePoint, LivePoll
from feedback.services.live import MAX_TABLES

# Letters people type for the ones codes avoid: O for 0, I or L for 1 and so on are
# not in codes at all, so they cannot be mistaken; spaces and dashes are ignored.
_NOT_IN_A_CODE = re.compile(r"[\s\-]")


def normalise_join_code(value: str) -> str:
    return _NOT_IN_A_CODE.sub("", value or "").upper()[:12]


class LiveJoinForm(forms.Form):
    code = forms.CharField(
        label=_("The code on the screen"),
        max_length=20,
        help_text=_("Six letters and numbers, for example KD4TQM."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": _("Type the code shown on the screen in the room.")},
    )

    def clean_code(self):
        code = normalise_join_code(self.cleaned_data["code"])
        if len(code) != 6 or any(character not in JOIN_CODE_ALPHABET for character in code):
            raise forms.ValidationError(
                _("That is not a code we use. Check the six letters and numbers on the screen.")
            )
        return code


class LivePointForm(forms.Form):
    text = forms.CharField(
        label=_("Your point or question"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        error_messages={
            "required": _("Write your point or question first."),
            "max_length": _("Please keep it to %(limit_value)d characters or fewer."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Is it a point or a question?"),
        # Worded here, not by the model, so the phone page's catalogue has them.
        choices=[(LivePoint.Kind.POINT, _("Point")), (LivePoint.Kind.QUESTION, _("Question"))],
        initial=LivePoint.Kind.POINT,
        widget=forms.RadioSelect,
    )
    client_reference = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, tables=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["client_reference"] = secrets.token_urlsafe(24)
        if tables:
            self.fields["table"] = ModelChoiceField(
                label=_("Your table"),
                queryset=tables,
                required=False,
                empty_label=_("Not at a table"),
            )


class LivePollAnswerForm(forms.Form):
    value = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer.")},
    )

    def __init__(self, *args, poll: LivePoll, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].choices = list(enumerate(poll.answer_labels()))


class LiveKeyQuestionForm(forms.Form):
    key_question = ModelChoiceField(
        label=_("Key question on the screen"), queryset=None, required=False
    )

    def __init__(self, *args, key_questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_question"].queryset = key_questions
        self.fields["key_question"].empty_label = _("None: an open discussion")


class LivePollForm(forms.Form):
    question = forms.CharField(
        label=_("Question"),
        max_length=300,
        error_messages={"required": _("Write the question to ask the room.")},
    )
    kind = forms.ChoiceField(
        label=_("Answers"),
        choices=LivePoll.Kind.choices,
        initial=LivePoll.Kind.CHOICE,
        widget=forms.RadioSelect,
    )
    options = forms.CharField(
        label=_("Answers to choose from, one a line"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a choose-one question: two to eight answers."),
    )

    def clean(self):
        cleaned = super().clean()
        options = [line.strip() for line in cleaned.get("options", "").splitlines() if line.strip()]
        if cleaned.get("kind") == LivePoll.Kind.CHOICE and not 2 <= len(options) <= 8:
            self.add_error("options", _("Give between two and eight answers, one a line."))
        if any(len(option) > 100 for option in options):
            self.add_error("options", _("Keep each answer to 100 characters or fewer."))
        cleaned["option_list"] = options
        return cleaned


class LiveTablesForm(forms.Form):
    count = forms.TypedChoiceField(
        label=_("Number of tables"),
        coerce=int,
        choices=[(number, number) for number in range(2, MAX_TABLES + 1)],
        initial=4,
    )
