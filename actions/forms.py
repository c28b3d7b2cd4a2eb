"""Forms for proposing, editing, deciding on and updating actions. The rules about what
may happen to an action are in actions/services/lifecycle.py; these forms check what
was typed and put any problem beside its field."""

from datetime import date

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.models import Action
from engagement.forms import ModelChoiceField, ModelMultipleChoiceField, OptionalLabelsMixin
from engagement.models import Community, Department, Programme
from engagement.roles import Role
from events.forms import fields_only_helper
from feedback.models import Topic, Workstream


class OwnerChoiceField(ModelChoiceField):
    def label_from_instance(self, user):
        departments = ", ".join(department.name for department in user.departments.all())
        name = user.get_full_name() or user.username
        return f"{name} ({departments})" if departments else name


def action_owners():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.ACTION_OWNER, departments__isnull=False)
        .distinct()
        .prefetch_related("departments")
        .order_by("first_name", "last_name", "username")
    )


class ActionForm(OptionalLabelsMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=Action._meta.get_field("title").help_text,
        error_messages={
            "required": _("Give the action a short title."),
            "max_length": _("Keep the title to 200 characters or fewer."),
        },
    )
    you_said = forms.CharField(
        label=_("You said"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=Action._meta.get_field("you_said").help_text,
        error_messages={
            "required": _("Say, in plain words, what people told us."),
            "max_length": _("Keep this to 5,000 characters or fewer."),
        },
    )
    we_did = forms.CharField(
        label=_("We did / we will"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=Action._meta.get_field("we_did").help_text,
        error_messages={
            "required": _("Say what the force did or will do."),
            "max_length": _("Keep this to 5,000 characters or fewer."),
        },
    )
    department = ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        empty_label=_("Choose a department"),
        error_messages={
            "required": _("Choose the department that will do it."),
            "invalid_choice": _("Choose a department from the list."),
        },
    )
    owner = OwnerChoiceField(
        label=_("Owner"),
        queryset=action_owners(),
        required=False,
        empty_label=_("Any of the department's action owners"),
        help_text=Action._meta.get_field("owner").help_text,
        error_messages={"invalid_choice": _("Choose an owner from the list.")},
    )
    due_on = forms.DateField(
        label=_("Due by"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Enter the date it is due by."),
            "invalid": _("Enter a real date, for example 31/3/2027."),
        },
    )
    workstreams = ModelMultipleChoiceField(
        label=_("Workstreams"),
        queryset=Workstream.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose workstreams from the list.")},
    )
    topics = ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose topics from the list.")},
    )
    communities = ModelMultipleChoiceField(
        label=_("Communities"),
        queryset=Community.objects.approved(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People who follow these communities hear about the action."),
        error_messages={"invalid_choice": _("Choose communities from the list.")},
    )
    is_public = forms.BooleanField(
        label=_("Show on You Said, We Did"),
        help_text=Action._meta.get_field("is_public").help_text,
        required=False,
        initial=True,
    )

    def __init__(self, *args, action: Action | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        # A topic retired since, or a community not yet approved, stays offered where the
        # action (or the feedback it starts from) already has it, so saving keeps it.
        kept_topics = self.initial.get("topics") or []
        kept_communities = self.initial.get("communities") or []
        self.fields["topics"].queryset = Topic.objects.filter(
            Q(is_active=True) | Q(pk__in=kept_topics)
        )
        self.fields["communities"].queryset = Community.objects.filter(
            Q(is_approved=True) | Q(pk__in=kept_communities)
        )
        if action is not None:
            self.fields["note"] = forms.CharField(
                label=_("What changed and why"),
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("For staff: kept on the action's timeline."),
            )
            self.fields["note"].label = f"{self.fields['note'].label} {_('(optional)')}"
        self.helper = fields_only_helper(*self.fields)

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        unchanged = self.action is not None and due_on == self.action.due_on
        if not unchanged:
            problem = Action.due_date_problem(due_on, timezone.localdate())
            if problem:
                raise forms.ValidationError(problem)
        return due_on

    def clean(self):
        cleaned = super().clean()
        department, owner = cleaned.get("department"), cleaned.get("owner")
        if department is not None and owner is not None:
            problem = Action.owner_problem(owner, department)
            if problem:
                self.add_error("owner", problem)
        return cleaned


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it declined?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("For staff only: the Coordinator who proposed it reads this."),
        error_messages={
            "required": _("Say why the action is declined."),
            "max_length": _("Keep this to 2,000 characters or fewer."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper("reason")


class UpdateForm(OptionalLabelsMixin, forms.Form):
    """An owner's update. The status choices are the steps the action can take next."""

    sometimes_required_fields = ("text", "cannot_act_reason")

    text = forms.CharField(
        label=_("Update"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What has happened since the last update."),
        error_messages={"max_length": _("Keep the update to 3,000 characters or fewer.")},
    )
    is_public = forms.BooleanField(
        label=_("Show this update to the public"),
        required=False,
        help_text=_("Leave unticked for an update for staff only."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        error_messages={"invalid_choice": _("Choose a status from the list.")},
    )
    cannot_act_reason = forms.CharField(
        label=_("Why the force cannot act"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for “Cannot act”. Shown to the public: an honest explanation."),
        error_messages={"max_length": _("Keep this to 3,000 characters or fewer.")},
    )

    def __init__(self, *args, action: Action, next_statuses=(), **kwargs):
        kwargs.setdefault("prefix", f"action-{action.pk}")
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["status"].choices = [
            ("", _("Keep as %(status)s") % {"status": action.get_status_display().lower()}),
            *[(status, Action.Status(status).label) for status in next_statuses],
        ]
        if not next_statuses:
            del self.fields["status"]
            del self.fields["cannot_act_reason"]
        self.helper = fields_only_helper(*self.fields)

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status == Action.Status.CANNOT_ACT and not cleaned.get("cannot_act_reason", "").strip():
            self.add_error(
                "cannot_act_reason", _("Explain, for the public, why the force cannot act on this.")
            )
        if not cleaned.get("text", "").strip() and not status and not self.errors:
            self.add_error("text", _("Write an update or choose a new status."))
        return cleaned


EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)
DATE_RANGE_MESSAGE = _("Enter a date between 1900 and 2999.")


def _range_date_field(label, invalid_message):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[
            MinValueValidator(EARLIEST_DATE, DATE_RANGE_MESSAGE),
            MaxValueValidator(LATEST_DATE, DATE_RANGE_MESSAGE),
        ],
        error_messages={"invalid": invalid_message},
    )


class DashboardFilterForm(OptionalLabelsMixin, forms.Form):
    """What the dashboard, or an export, is about: a programme, a community and a date
    range. Every field may be left empty."""

    programme = ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.all(),
        required=False,
        empty_label=_("All programmes"),
        error_messages={"invalid_choice": _("Choose a programme from the list.")},
    )
    community = ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.all(),
        required=False,
        empty_label=_("All communities"),
        error_messages={"invalid_choice": _("Choose a community from the list.")},
    )
    date_from = _range_date_field(_("From"), _("Enter a real date, for example 1/4/2026."))
    date_to = _range_date_field(_("To"), _("Enter a real date, for example 31/3/2027."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper(*self.fields)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the range must be on or after its start."))
        return cleaned
