import re
from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagement.forms import ModelMultipleChoiceField, OptionalLabelsMixin, id_safe_formfield
from engagement.languages import DEFAULT_LANGUAGE, enabled_languages
from engagement.roles import staff_users
from events.models import Debrief, Event, Venue
from events.selectors import event_slug_taken, programme_key_questions

DATETIME_INPUT_FORMAT = "%Y-%m-%dT%H:%M"
USUAL_EVENT_LENGTH = timedelta(hours=3)
UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
NEGATIVE_COST_MESSAGE = _("A cost cannot be negative. Enter 0 if there was no cost.")
SLUG_IN_USE_MESSAGE = _(
    "Another event already uses this web address. Choose a different one, "
    "or leave it empty to make one from the title."
)


def person_name(user) -> str:
    return user.get_full_name() or user.username


class FormSection(Div):
    """One titled part of a long form: a heading, an optional hint, then its fields."""

    template = "events/includes/form_section.html"

    def __init__(self, *fields, css_id: str, heading, hint=""):
        super().__init__(*fields, css_id=css_id)
        self.heading = heading
        self.hint = hint


def fields_only_helper(*layout) -> FormHelper:
    """A crispy helper that lays out a form's fields and nothing else. The page keeps
    its own <form> tag, CSRF token and buttons, and the error summary at the top of
    the page (includes/form_errors.html) lists errors about the whole form, so they
    are not shown a second time inside it. A field left out of the layout is still
    shown, after the rest, so that a field added later is never lost."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.template = "events/includes/form_layout.html"
    helper.render_unmentioned_fields = True
    helper.layout = Layout(*layout)
    return helper


class DateTimeInput(forms.DateTimeInput):
    """The browser's own date and time picker, which works with a keyboard and on tablets."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_INPUT_FORMAT)


def date_time_field(label, *, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateTimeInput(),
        input_formats=[DATETIME_INPUT_FORMAT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        error_messages={
            "required": _("Enter a date and time."),
            "invalid": _("Enter a real date and time, for example 14/03/2027 18:30."),
        },
    )


def cost_field(label):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        error_messages={
            "min_value": NEGATIVE_COST_MESSAGE,
            "invalid": _("Enter an amount in pounds, for example 120 or 85.50."),
            "max_decimal_places": _("Enter pounds and pence, with at most 2 decimal places."),
            "max_digits": _("That amount is too large."),
        },
    )


def community_name_for_staff(community) -> str:
    if community.is_approved:
        return community.name
    return str(_("%(name)s (waiting for approval)") % {"name": community.name})


class EventForm(OptionalLabelsMixin, forms.ModelForm):
    sometimes_required_fields = ("venue", "online_link")
    slug = forms.SlugField(
        label=_("Web address"),
        required=False,
        max_length=120,
        help_text=_(
            "The end of the public page's address. Leave it empty to make one from the "
            "title and date. If you change the title or date, a new one is made, unless "
            "you type a different one here. Old addresses keep working."
        ),
        error_messages={
            "invalid": _("Use only letters, numbers and hyphens, e.g. brixton-listening-2027."),
            "unique": SLUG_IN_USE_MESSAGE,
        },
    )
    online_link = forms.URLField(
        label=_("Online joining link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("For online and hybrid events, e.g. https://teams.microsoft.com/…"),
        error_messages={"invalid": _("Enter a full web address starting with https://")},
    )
    starts_at = date_time_field(_("Starts"))
    ends_at = date_time_field(
        _("Ends"),
        required=False,
        help_text=_("Leave empty for the usual three hours."),
    )
    proposed_community = forms.CharField(
        label=_("Or a community that is not in the list"),
        required=False,
        max_length=150,
        help_text=_(
            "Name it as the community describes itself. An administrator checks it before "
            "it is offered on public forms."
        ),
        error_messages={"max_length": _("Keep the name to 150 characters or fewer.")},
    )

    offered_languages = forms.MultipleChoiceField(
        label=_("Languages for its poster and forms"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "English is always offered. The poster lists the addresses of the feedback "
            "form in these languages, and the poster and paper form can be printed in any "
            "of them."
        ),
    )

    class Meta:
        model = Event
        fields = [
            "programme",
            "title",
            "focus_community",
            "age_group",
            "format",
            "venue",
            "online_link",
            "starts_at",
            "ends_at",
            "lead_organiser",
            "public_description",
            "agenda",
            "slug",
            "is_published",
            "offered_languages",
        ]
        formfield_callback = id_safe_formfield
        widgets = {
            "format": forms.RadioSelect,
            "public_description": forms.Textarea(attrs={"rows": 4}),
            "agenda": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages = {
            "title": {"required": _("Enter a title for the event.")},
            "programme": {"required": _("Choose the programme this event is part of.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_community"].empty_label = _("Open to all")
        self.fields["focus_community"].label_from_instance = community_name_for_staff
        venues = Venue.objects.in_use()
        if self.instance.venue_id:
            venues = Venue.objects.filter(pk=self.instance.venue_id) | venues
        self.fields["venue"].queryset = venues
        self.fields["venue"].empty_label = _("Choose a venue (not needed for online events)")
        self.fields["lead_organiser"].queryset = staff_users()
        self.fields["lead_organiser"].label_from_instance = person_name
        self.fields["venue"].help_text = _("Needed for events held in person.")
        self.fields["programme"].empty_label = None
        self.fields["offered_languages"].choices = [
            (language.code, f"{language.name} ({language.name_local})")
            for language in enabled_languages()
            if language.code != DEFAULT_LANGUAGE
        ]
        self.helper = fields_only_helper(
            FormSection(
                "programme",
                "title",
                "focus_community",
                "proposed_community",
                "age_group",
                "lead_organiser",
                css_id="about",
                heading=_("The event"),
            ),
            FormSection(
                "format",
                "venue",
                "online_link",
                "starts_at",
                "ends_at",
                css_id="where",
                heading=_("Where and when"),
            ),
            FormSection(
                "public_description",
                "slug",
                "is_published",
                "offered_languages",
                css_id="public",
                heading=_("On the public events page"),
                hint=_(
                    "A published event is listed with its title, time, venue, community and "
                    "this description. The agenda is not shown."
                ),
            ),
            FormSection("agenda", css_id="team", heading=_("For the team")),
        )

    def clean_slug(self):
        # An old address of another event still redirects to it, so it is in use too.
        slug = self.cleaned_data["slug"]
        if slug and event_slug_taken(slug=slug, event=self.instance):
            raise forms.ValidationError(SLUG_IN_USE_MESSAGE)
        return slug

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("focus_community") and cleaned.get("proposed_community", "").strip():
            self.add_error(
                "proposed_community",
                _("Choose a community from the list or name a new one, not both."),
            )
        starts_at = cleaned.get("starts_at")
        ends_at = cleaned.get("ends_at")
        if starts_at and not ends_at and "ends_at" not in self.errors:
            cleaned["ends_at"] = ends_at = starts_at + USUAL_EVENT_LENGTH
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The end must be after the start."))
        if (
            starts_at
            and self.instance.pk is None
            and starts_at < timezone.now()
            and "starts_at" in self.changed_data
        ):
            self.add_error(
                "starts_at",
                _("A new event cannot start in the past. Choose a date and time from now on."),
            )
        event_format = cleaned.get("format")
        if event_format in (Event.Format.IN_PERSON, Event.Format.HYBRID) and not cleaned.get(
            "venue"
        ):
            self.add_error(
                "venue",
                _("Choose a venue for an event held in person, or change the format to online."),
            )
        needs_link = event_format in (Event.Format.ONLINE, Event.Format.HYBRID)
        if needs_link and not cleaned.get("online_link") and "online_link" not in self.errors:
            self.add_error("online_link", _("Enter the joining link for an online event."))
        return cleaned


class EventCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the event cancelled?"),
        help_text=_("People who look at the event page will see this."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": _("Say why the event is cancelled.")},
    )


class EventHeldForm(OptionalLabelsMixin, forms.ModelForm):
    headcount = forms.IntegerField(
        label=_("Members of the public attending"),
        help_text=_("Do not count officers and staff."),
        min_value=0,
        max_value=100_000,
        error_messages={
            "required": _("Enter how many members of the public came. A careful estimate is fine."),
            "min_value": _("The number of people cannot be negative."),
            "max_value": _("That is more people than an event can hold. Check the number."),
            "invalid": _("Enter a whole number, for example 60."),
        },
    )
    actual_ends_at = date_time_field(
        _("When did it actually finish?"),
        required=False,
        help_text=_("Leave empty if it finished on time."),
    )
    key_questions_covered = ModelMultipleChoiceField(
        label=_("Which key questions were discussed?"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    venue_hire_cost = cost_field(_("Venue hire (£)"))
    catering_cost = cost_field(_("Catering (£)"))
    other_cost = cost_field(_("Other costs (£)"))

    class Meta:
        model = Event
        fields = [
            "headcount",
            "actual_ends_at",
            "key_questions_covered",
            "officers_attending",
            "other_officers_count",
            "chief_officer_attended",
            "venue_hire_cost",
            "catering_cost",
            "other_cost",
        ]
        widgets = {"officers_attending": forms.CheckboxSelectMultiple}
        formfield_callback = id_safe_formfield
        error_messages = {
            "other_officers_count": {
                "min_value": _("The number of officers cannot be negative."),
                "invalid": _("Enter a whole number, for example 3."),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        event = self.instance
        self.fields["key_questions_covered"].queryset = programme_key_questions(
            programme=event.programme
        )
        self.fields["key_questions_covered"].initial = list(
            event.key_questions_covered.values_list("pk", flat=True)
        )
        self.fields["officers_attending"].queryset = staff_users()
        self.fields["officers_attending"].label_from_instance = person_name
        self.fields["officers_attending"].label = _("Officers and staff who attended")
        self.helper = fields_only_helper(
            FormSection(
                "headcount",
                "officers_attending",
                "other_officers_count",
                "chief_officer_attended",
                css_id="who",
                heading=_("Who came"),
            ),
            FormSection(
                "actual_ends_at", "key_questions_covered", css_id="how", heading=_("How it went")
            ),
            FormSection(
                "venue_hire_cost",
                "catering_cost",
                "other_cost",
                css_id="costs",
                heading=_("Costs"),
                hint=_(
                    "What this event cost, in pounds. Leave a cost empty, or enter 0, if there "
                    "was none."
                ),
            ),
        )

    def clean(self):
        cleaned = super().clean()
        if not self.instance.can_be_marked_held():
            raise forms.ValidationError(self.instance.reason_it_cannot_be_marked_held())
        return cleaned

    def clean_actual_ends_at(self):
        actual_ends_at = self.cleaned_data.get("actual_ends_at")
        if actual_ends_at is not None and actual_ends_at <= self.instance.starts_at:
            raise forms.ValidationError(_("The finish must be after the event started."))
        return actual_ends_at


class DebriefForm(forms.ModelForm):
    class Meta:
        model = Debrief
        fields = ["went_well", "to_improve", "learning", "follow_ups", "who_took_part"]
        widgets = {field: forms.Textarea(attrs={"rows": 4}) for field in fields}

    def clean(self):
        cleaned = super().clean()
        if not any(str(cleaned.get(field) or "").strip() for field in self.Meta.fields):
            raise forms.ValidationError(_("Write at least one part of the debrief."))
        return cleaned


class VenueForm(OptionalLabelsMixin, forms.ModelForm):
    sometimes_required_fields = ("address",)
    typical_hire_cost = cost_field(_("Typical hire cost (£)"))

    class Meta:
        model = Venue
        fields = [
            "name",
            "kind",
            "address",
            "postcode",
            "capacity",
            "typical_hire_cost",
            "step_free_access",
            "hearing_loop",
            "accessible_toilet",
            "parking",
            "prayer_space",
            "accessibility_notes",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": _("Enter the venue's name.")},
            "kind": {"required": _("Choose what kind of venue it is.")},
            "capacity": {"invalid": _("Enter a whole number, for example 80.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Choose one"))] + Venue.Kind.choices
        self.fields["address"].help_text = _("Needed for every venue except online ones.")
        self.helper = fields_only_helper(
            FormSection(
                "name",
                "kind",
                "address",
                "postcode",
                "capacity",
                "typical_hire_cost",
                css_id="venue",
                heading=_("The venue"),
            ),
            FormSection(
                "step_free_access",
                "hearing_loop",
                "accessible_toilet",
                "parking",
                "prayer_space",
                "accessibility_notes",
                css_id="access",
                heading=_("Access and facilities"),
                hint=_(
                    "Shown on the public page of every event here. Tick only what you have checked."
                ),
            ),
        )

    def clean_postcode(self):
        postcode = " ".join(self.cleaned_data.get("postcode", "").upper().split())
        if postcode and not UK_POSTCODE.match(postcode):
            raise forms.ValidationError(_("Enter a real UK postcode, for example SW9 8DD."))
        if postcode and " " not in postcode:
            postcode = f"{postcode[:-3]} {postcode[-3:]}"
        return postcode

    def clean(self):
        cleaned = super().clean()
        physical = cleaned.get("kind") and cleaned["kind"] != Venue.Kind.ONLINE
        if physical and not cleaned.get("address"):
            self.add_error("address", _("Enter the address so people can find the venue."))
        return cleaned
