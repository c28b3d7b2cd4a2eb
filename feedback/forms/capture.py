import secrets

from crispy_forms.layout import HTML, Field
from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from engagement.forms import (
    ModelChoiceField,
    ModelMultipleChoiceField,
    OptionalLabelsMixin,
    id_safe_formfield,
)
from engagement.models import Community
from engagement.translatable import shown_text
from events.forms import fields_only_helper
from feedback.models import FeedbackItem, KeyQuestion, Topic, Workstream

HONEYPOT_FIELD = "website"


def answer_field(label, hint=""):
    limit = settings.FEEDBACK_MAX_CHARACTERS
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": limit}),
        error_messages={
            "max_length": _(
                "Please keep this to %(limit_value)d characters or fewer "
                "(you wrote %(show_value)d)."
            ),
        },
    )


# The value "Another community" is sent as. It stands for no community on the list.
ANOTHER_COMMUNITY = "another"


class CommunityChoices(ModelChoiceIterator):
    def __iter__(self):
        yield from super().__iter__()
        yield (ANOTHER_COMMUNITY, _("Another community"))

    def __len__(self):
        return super().__len__() + 1


class CommunityField(ModelChoiceField):
    """Which community someone feels part of: one from the list, "Another community",
    or nothing. "Another community" has no box to say which, so no words are kept."""

    iterator = CommunityChoices

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Community.objects.approved(),
            label=_("Which community do you feel part of? (optional)"),
            required=False,
            empty_label=_("I would rather not say"),
            error_messages={
                "invalid_choice": _("Choose a community from the list, or “Another community”.")
            },
            **kwargs,
        )

    def to_python(self, value):
        if value == ANOTHER_COMMUNITY:
            return ANOTHER_COMMUNITY
        return super().to_python(value)


class FeedbackForm(forms.Form):
    """The anonymous form: the programme's key questions, each optional, "anything
    else", and an optional community. It asks nothing else about who is filling it in.
    On an event's form, a person who does not say is counted for the event's
    community, and the form says so."""

    event_community_hint = _(
        "If you would rather not say, we count your answers for the community this event "
        "is for: {}."
    )

    form_nonce = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # Left empty by people, filled in by form-filling robots.
    website = forms.CharField(
        label=_("Leave this box empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, key_questions=(), event_community=None, open_question=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_questions = list(key_questions)
        if not self.is_bound:
            self.initial["form_nonce"] = secrets.token_urlsafe(24)
        for question in self.key_questions:
            self.fields[f"answer_{question.pk}"] = answer_field(
                shown_text(question, "text").html, shown_text(question, "hint").html
            )
        # A form with no key questions, such as a visitor's about a lay observation,
        # asks its one question in the last box instead.
        self.fields["anything_else"] = answer_field(
            open_question or _("Anything else you want to tell us?")
        )
        self.fields["community"] = CommunityField()
        if event_community is not None:
            self.fields["community"].help_text = format_html(
                self.event_community_hint, event_community.name
            )
        # The boxes come first, so that an error about the whole form leads to the first
        # question, never to the hidden robot trap.
        self.order_fields([name for name in self.fields if name != HONEYPOT_FIELD])

    def answer_names(self) -> list[str]:
        return [name for name in self.fields if name.startswith("answer_")] + ["anything_else"]

    @property
    def helper(self):
        # Built when the form is shown, from the fields it has then: the paper form
        # version has no robot trap.
        layout = ["form_nonce"]
        if HONEYPOT_FIELD in self.fields:
            layout.append(Field(HONEYPOT_FIELD, template="feedback/includes/honeypot_field.html"))
        layout += [*self.answer_names(), "community"]
        return fields_only_helper(*layout)

    def is_robot(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD))

    def clean(self):
        cleaned = super().clean()
        texts = [cleaned.get(name, "") for name in self.fields if name.startswith("answer_")]
        texts.append(cleaned.get("anything_else", ""))
        if not self.errors and not any(text.strip() for text in texts):
            raise forms.ValidationError(_("Write something in at least one box before you send."))
        return cleaned

    def answers(self):
        """(key question or None, text) for every box."""
        answers = [
            (question, self.cleaned_data.get(f"answer_{question.pk}", ""))
            for question in self.key_questions
        ]
        answers.append((None, self.cleaned_data.get("anything_else", "")))
        return answers

    def community_answer(self) -> dict:
        """The answer to "which community?" as the services take it."""
        chosen = self.cleaned_data.get("community")
        if chosen == ANOTHER_COMMUNITY:
            return {"community": None, "another_community": True}
        return {"community": chosen, "another_community": False}


class PaperFormTranscriptionForm(FeedbackForm):
    """The same boxes as the paper form, for a Coordinator typing it in."""

    event_community_hint = _(
        "Choose the one ticked on the paper. If none is ticked, leave “I would rather not "
        "say”: the answers then count for the community this event is for, {}."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields[HONEYPOT_FIELD]
        if not self.is_bound:
            # After "save and next", typing goes straight into the first box.
            first_box = next(name for name in self.fields if name.startswith(("answer_", "any")))
            self.fields[first_box].widget.attrs["autofocus"] = True

    def is_robot(self) -> bool:
        return False


class LiveNoteForm(forms.Form):
    key_question = ModelChoiceField(
        label=_("Question being discussed"),
        queryset=KeyQuestion.objects.none(),
        required=False,
        empty_label=_("General discussion"),
    )
    text = forms.CharField(
        label=_("Point made"),
        max_length=settings.FEEDBACK_MAX_CHARACTERS,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "enterkeyhint": "send",
                "aria-describedby": "live-notes-hint",
            }
        ),
        error_messages={"required": _("Type the point before you add it.")},
    )
    client_reference = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_question"].queryset = KeyQuestion.objects.for_programme(event.programme)
        self.helper = fields_only_helper(
            "client_reference",
            "key_question",
            "text",
            HTML(
                format_html(
                    '<p class="form-text mt-0" id="live-notes-hint">{}</p>',
                    _(
                        "Type one point, press Enter, then type the next. Points are kept on "
                        "this device if the Wi-Fi drops, and sent when it comes back."
                    ),
                )
            ),
        )


class BulkTagForm(forms.Form):
    items = ModelMultipleChoiceField(
        queryset=FeedbackItem.objects.all(),
        error_messages={"required": _("Select at least one item to tag.")},
    )
    topics = ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.filter(is_active=True), required=False
    )
    workstreams = ModelMultipleChoiceField(
        label=_("Workstreams"), queryset=Workstream.objects.all(), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("topics") and not cleaned.get("workstreams"):
            raise forms.ValidationError(_("Choose at least one topic or workstream."))
        return cleaned


class FeedbackItemForm(OptionalLabelsMixin, forms.ModelForm):
    """Tagging one item; its text can only be changed to take details out."""

    class Meta:
        model = FeedbackItem
        fields = ["key_question", "community", "topics", "workstreams"]
        formfield_callback = id_safe_formfield
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "workstreams": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper(*self.Meta.fields)


class RedactForm(forms.Form):
    text = forms.CharField(
        label=_("Text with personal details taken out"),
        help_text=_(
            "Only remove details that could identify someone, such as names, addresses "
            "or phone numbers. Do not change what was said."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=settings.FEEDBACK_MAX_CHARACTERS,
        error_messages={"required": _("The text cannot be empty.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper("text")


class SetAsideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this set aside?"),
        max_length=300,
        help_text=_("For example: a duplicate, or not about policing."),
        error_messages={"required": _("Say why this item is set aside.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper("reason")


class FlagForm(OptionalLabelsMixin, forms.Form):
    note = forms.CharField(
        label=_("What made you flag it?"),
        required=False,
        max_length=500,
        help_text=_("For example: it sounds as if a child is not safe at home."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Please keep this to 500 characters or fewer.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="flag", **kwargs)
        self.helper = fields_only_helper("note")


class UnflagForm(forms.Form):
    reason = forms.CharField(
        label=_("Why remove the flag?"),
        max_length=500,
        help_text=_("For example: read in full, it is about a film, not a real event."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Say why the flag can be removed."),
            "max_length": _("Please keep this to 500 characters or fewer."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="unflag", **kwargs)
        self.helper = fields_only_helper("reason")
