"""Forms for writing findings, sending them to the focus group, and a member's answer.
The rules about what may happen to findings are in feedback/services/findings.py;
these forms check what was typed and put any problem beside its field."""

from collections import defaultdict

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from engagement.forms import ModelMultipleChoiceField, OptionalLabelsMixin
from events.forms import fields_only_helper
from events.models import Event
from feedback.filters import event_label
from feedback.forms.focus_group import MemberChoiceField
from feedback.models import FocusGroupMember, SectionAnswer, SenseCheckRequest

NOTE_HELP = _("Kept in the findings' record, so others can see what changed and why.")


class EventsChoiceField(ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, event):
        return event_label(event)


class FindingsStartForm(OptionalLabelsMixin, forms.Form):
    """Which held events the findings are about; more than one makes a round-up."""

    events = EventsChoiceField(
        label=_("Which events are the findings about?"),
        help_text=_("Choose more than one for a round-up."),
        queryset=Event.objects.filter(status=Event.Status.HELD)
        .select_related("venue")
        .order_by("-starts_at"),
        error_messages={
            "required": _("Choose at least one event."),
            "invalid_choice": _("Choose from the events listed."),
            "invalid_pk_value": _("Choose from the events listed."),
        },
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("Leave it empty to use the event's name."),
        error_messages={"max_length": _("Keep the title to 200 characters or fewer.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper("events", "title")


def _note_field():
    return forms.CharField(
        label=_("What changed and why"),
        required=False,
        max_length=2000,
        help_text=NOTE_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Keep this to 2,000 characters or fewer.")},
    )


class FindingsOverviewForm(OptionalLabelsMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={
            "required": _("Give the findings a title."),
            "max_length": _("Keep the title to 200 characters or fewer."),
        },
    )
    overview = forms.CharField(
        label=_("Overview"),
        required=False,
        max_length=10000,
        help_text=_("A few sentences on what people said overall, in plain English."),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"max_length": _("Keep the overview to 10,000 characters or fewer.")},
    )
    note = _note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper("title", "overview", "note")


class AnswerChoiceField(ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple
    # The label of the member who gave each answer, by the answer's id.
    labels: dict = {}

    def label_from_instance(self, answer):
        who = self.labels.get(answer.pk, _("A member"))
        return f"{who}: {answer.get_verdict_display()}"


class FindingsSectionForm(OptionalLabelsMixin, forms.Form):
    """A section's heading and summary, the feedback it rests on, and, when the focus
    group has answered, which answers led to the change."""

    heading = forms.CharField(
        label=_("Heading"),
        max_length=300,
        help_text=_("A key question, or a theme such as “Stop and search”."),
        error_messages={
            "required": _("Give the section a heading."),
            "max_length": _("Keep the heading to 300 characters or fewer."),
        },
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=10000,
        help_text=_("What people said about this, in plain English."),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Write a summary of what people said."),
            "max_length": _("Keep the summary to 10,000 characters or fewer."),
        },
    )
    items = forms.MultipleChoiceField(
        label=_("The feedback it rests on"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose from the feedback listed.")},
    )
    because_of = AnswerChoiceField(
        label=_("Answers from the focus group that led to this change"),
        queryset=SectionAnswer.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _("Choose from the answers listed."),
            "invalid_pk_value": _("Choose from the answers listed."),
        },
    )
    note = _note_field()

    def __init__(self, *args, candidates, answers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(item.pk): item for item in candidates}
        self.fields["items"].choices = [(pk, item.text) for pk, item in self.candidates.items()]
        if not answers:
            del self.fields["because_of"]
        else:
            self.fields["because_of"].queryset = SectionAnswer.objects.filter(
                pk__in=[answer.pk for answer in answers]
            ).order_by("answered_at", "pk")
            self.fields["because_of"].labels = {answer.pk: answer.label for answer in answers}
        self.helper = fields_only_helper("heading", "summary")

    def clean_items(self):
        return [self.candidates[pk] for pk in self.cleaned_data["items"]]

    def item_groups(self) -> list[tuple[str, list]]:
        """The candidates by key question, for the page to show as groups of tick
        boxes, each with whether it is ticked and its box's number."""
        chosen = set(self.data.getlist(self.add_prefix("items"))) if self.is_bound else None
        if chosen is None:
            chosen = {str(pk) for pk in self.initial.get("items", [])}
        groups = defaultdict(list)
        for number, (pk, item) in enumerate(self.candidates.items()):
            question = item.key_question.text if item.key_question else _("No key question")
            groups[question].append((number, pk, item, pk in chosen))
        return list(groups.items())


class SenseCheckSendForm(forms.Form):
    EVERYONE = "everyone"
    CHOSEN = "chosen"

    who = forms.ChoiceField(
        label=_("Who should check them?"),
        widget=forms.RadioSelect,
        initial=EVERYONE,
        error_messages={
            "required": _("Choose who should check the findings."),
            "invalid_choice": _("Choose who should check the findings."),
        },
    )
    members = MemberChoiceField(
        label=_("The members you choose"),
        help_text=_("Only used if you choose the members."),
        queryset=FocusGroupMember.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _("Choose from the members listed."),
            "invalid_pk_value": _("Choose from the members listed."),
        },
    )
    deadline = forms.DateField(
        label=_("Answer by"),
        help_text=_("Members who have not answered are reminded two days before."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the date members should answer by."),
            "invalid": _("Enter a real date, for example 28/06/2025."),
        },
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.active_members = members
        self.fields["who"].choices = [
            (
                self.EVERYONE,
                ngettext(
                    "Everyone in the focus group (%(count)d person)",
                    "Everyone in the focus group (%(count)d people)",
                    len(members),
                )
                % {"count": len(members)},
            ),
            (self.CHOSEN, _("Only the members I choose")),
        ]
        self.fields["members"].queryset = FocusGroupMember.objects.filter(
            pk__in=[member.pk for member in members]
        ).select_related("user")
        self.helper = fields_only_helper("who", "members", "deadline")

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        problem = SenseCheckRequest.deadline_problem(deadline, timezone.localdate())
        if problem:
            raise forms.ValidationError(problem)
        return deadline

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("who") == self.CHOSEN and not cleaned.get("members"):
            self.add_error("members", _("Choose at least one member, or send it to everyone."))
        return cleaned

    def chosen_members(self) -> list:
        if self.cleaned_data["who"] == self.EVERYONE:
            return list(self.active_members)
        return list(self.cleaned_data["members"])


class SectionAnswerForm(forms.Form):
    """A member's answer about one section: is it accurate, and what would be better."""

    verdict = forms.ChoiceField(
        label=_("Is this a fair reflection of what people said?"),
        choices=SectionAnswer.Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether this section is accurate."),
            "invalid_choice": _("Choose whether this section is accurate."),
        },
    )
    comment = forms.CharField(
        label=_("Your comment"),
        required=False,
        max_length=3000,
        help_text=_(
            "Needed if it is not fully accurate: tell us what is missing or wrong, or "
            "suggest better wording below."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Keep your comment to 3,000 characters or fewer.")},
    )
    suggestion = forms.CharField(
        label=_("Better wording (optional)"),
        required=False,
        max_length=10000,
        help_text=_("If you can, write the summary as you think it should read."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Keep your wording to 10,000 characters or fewer.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper("verdict", "comment", "suggestion")

    def clean(self):
        cleaned = super().clean()
        if "verdict" in cleaned:
            problem = SectionAnswer.problem_with(
                verdict=cleaned["verdict"],
                comment=cleaned.get("comment", ""),
                suggested_wording=cleaned.get("suggestion", ""),
            )
            if problem:
                self.add_error("comment", problem)
        return cleaned


class CompareForm(forms.Form):
    """Which two versions to put side by side."""

    older = forms.TypedChoiceField(label=_("Compare version"), coerce=int)
    newer = forms.TypedChoiceField(label=_("with version"), coerce=int)

    def __init__(self, *args, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(number, str(number)) for number in numbers]
        self.fields["older"].choices = choices
        self.fields["newer"].choices = choices
