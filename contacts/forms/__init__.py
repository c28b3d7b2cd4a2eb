"""Forms about contacts: the public's own (keep in touch, preferences, erasing) and
the ones officers use, which ask the same questions with the same choices and checks,
worded for the officer. Lay observation's forms are in lay_observation.py."""

import copy
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from contacts.models import (
    PHONE_CHARACTERS,
    AgeBand,
    Attendee,
    ConsentMethod,
    ConsentPurpose,
    Ethnicity,
)
from engagement.forms import ModelChoiceField, ModelMultipleChoiceField, OptionalLabelsMixin
from engagement.languages import enabled_languages, is_enabled, usable_language
from engagement.models import Community
from events.models import Event

POSTCODE_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


class Section(Fieldset):
    """A part of a long form: its fields in a fieldset whose legend reads as a heading,
    with an optional hint under it."""

    template = "contacts/includes/form_section.html"

    def __init__(self, legend, *fields, hint="", **kwargs):
        super().__init__(legend, *fields, **kwargs)
        self.hint = hint


def fields_only_helper(*layout) -> FormHelper:
    """Crispy renders the fields, in `layout` if one is given, and the template keeps
    the <form> tag, the CSRF token, the error summary and the buttons."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    # Errors in paragraphs, as as_crispy_field and the rest of the site render them.
    helper.error_text_inline = False
    if layout:
        helper.layout = Layout(*layout)
    return helper


class EventChoiceField(ModelChoiceField):
    def label_from_instance(self, event):
        return f"{event.title} ({event.starts_at:%-d %b %Y})"


INTEREST_FIELDS = {
    "wants_updates": ConsentPurpose.EMAIL_UPDATES,
    "wants_focus_group": ConsentPurpose.FOCUS_GROUP,
    "wants_lay_observation": ConsentPurpose.LAY_OBSERVATION,
}
# Every choice a person makes on the keep-in-touch form, and what they consent to by it.
CONSENT_FIELDS = {**INTEREST_FIELDS, "share_demographics": ConsentPurpose.DEMOGRAPHIC_DATA}
DEMOGRAPHIC_FIELDS = ("communities", "ethnicity", "age_band", "postcode_district")


class KeepInTouchForm(OptionalLabelsMixin, forms.Form):
    """Contact details and separate choices. Nothing here links to any feedback."""

    name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=200,
        help_text=_("So we know what to call you. A first name is fine."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"max_length": _("Your name must be 200 characters or fewer.")},
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": _("Enter an email address in the right format, like name@example.com"),
            "max_length": _("That email address is too long."),
        },
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=30,
        help_text=_("For a call or text about the focus group or lay observation."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"max_length": _("That phone number is too long.")},
    )
    email_language = forms.ChoiceField(
        label=_("Language for our emails"),
        required=False,
        help_text=_("We will write to you in this language."),
    )
    # Eleven languages to tick would not fit the printed sheet: on paper it is a line
    # to write on.
    email_language.write_in_on_paper = True
    wants_updates = forms.BooleanField(
        label=_("Email me about future events and what the police did about what people said"),
        required=False,
    )
    wants_focus_group = forms.BooleanField(
        label=_("I might like to join the focus group that checks write-ups of events"),
        required=False,
    )
    wants_lay_observation = forms.BooleanField(
        label=_("I might like to be a lay observer, for example on custody visits"),
        required=False,
    )
    share_demographics = forms.BooleanField(
        label=_(
            "You may keep the details below, to understand who takes part and to "
            "invite me to events for my community."
        ),
        required=False,
    )
    communities = ModelMultipleChoiceField(
        label=_("Communities you feel part of"),
        queryset=Community.objects.approved(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ethnicity = forms.ChoiceField(
        label=_("Your ethnic group"),
        choices=[("", _("Choose one"))] + Ethnicity.choices,
        required=False,
    )
    age_band = forms.ChoiceField(
        label=_("Your age"),
        choices=[("", _("Choose one"))] + AgeBand.choices,
        required=False,
    )
    postcode_district = forms.CharField(
        label=_("The first part of your postcode"),
        required=False,
        max_length=4,
        help_text=_("For example M14 or SW9. Not your full postcode."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"max_length": _("Enter only the first part, for example M14.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_language"].choices = [
            (language.code, language.name_local) for language in enabled_languages()
        ]
        self.fields["email_language"].initial = usable_language(get_language())
        self.helper = fields_only_helper(*self.sections())

    def clean_email_language(self):
        # Left empty, or a language since turned off: the language of the page.
        return usable_language(self.cleaned_data["email_language"] or get_language())

    def sections(self) -> list:
        return [
            Section(
                _("How can we reach you?"),
                "name",
                "email",
                "email_language",
                "phone",
                hint=_("Give an email address, a phone number, or both."),
                css_class="mb-4",
            ),
            Section(
                _("What would you like?"),
                *INTEREST_FIELDS,
                hint=_("Choose as many as you like. You can change your mind at any time."),
                css_class="mb-4",
            ),
            Section(
                _("About you (optional)"),
                "share_demographics",
                *DEMOGRAPHIC_FIELDS,
                hint=_(
                    "This helps us see whether we are reaching every community. "
                    "You can skip all of it."
                ),
                css_class="mb-4",
            ),
        ]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        digits = re.sub(r"\D", "", phone)
        if phone and (not PHONE_CHARACTERS.match(phone) or not 7 <= len(digits) <= 15):
            raise forms.ValidationError(
                _("Enter a phone number, like 07700 900123 or +44 161 496 0000.")
            )
        return phone

    def clean_postcode_district(self):
        district = self.cleaned_data["postcode_district"].strip().upper().replace(" ", "")
        if district and not POSTCODE_DISTRICT.match(district):
            raise forms.ValidationError(_("Enter only the first part, for example M14."))
        return district

    def clean(self):
        cleaned = super().clean()
        email, phone = cleaned.get("email"), cleaned.get("phone")
        if not email and not phone and not self.has_error("email") and not self.has_error("phone"):
            self.add_error(
                "email", _("Give an email address or a phone number, so we can reach you.")
            )
        if cleaned.get("wants_updates") and not email and not self.has_error("email"):
            self.add_error("email", _("To get email updates, give your email address."))
        if not any(cleaned.get(field) for field in INTEREST_FIELDS):
            self.add_error("wants_updates", _("Choose at least one way to stay in touch."))
        gave_details = any(
            cleaned.get(field)
            for field in ("communities", "ethnicity", "age_band", "postcode_district")
        )
        if gave_details and not cleaned.get("share_demographics"):
            self.add_error(
                "share_demographics",
                _("Tick this box to let us keep those details, or leave them empty."),
            )
        return cleaned

    def chosen_purposes(self) -> set[str]:
        return {
            purpose for field, purpose in CONSENT_FIELDS.items() if self.cleaned_data.get(field)
        }


class PreferencesForm(forms.Form):
    wants_updates = KeepInTouchForm.base_fields["wants_updates"]
    wants_focus_group = KeepInTouchForm.base_fields["wants_focus_group"]
    wants_lay_observation = KeepInTouchForm.base_fields["wants_lay_observation"]
    email_language = copy.deepcopy(KeepInTouchForm.base_fields["email_language"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_language"].choices = [
            (language.code, language.name_local) for language in enabled_languages()
        ]
        self.helper = fields_only_helper()

    def clean_email_language(self):
        # Left out: no change.
        code = self.cleaned_data["email_language"]
        return code if code and is_enabled(code) else ""

    def chosen_purposes(self) -> set[str]:
        return {
            purpose for field, purpose in INTEREST_FIELDS.items() if self.cleaned_data.get(field)
        }


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that this deletes my details and cannot be undone"),
        error_messages={"required": _("Tick the box to confirm you want your details deleted.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()


class MyDataRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("The address you gave us when you signed up."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address in the right format, like name@example.com"),
            "max_length": _("That email address is too long."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()


# Officers' forms ---------------------------------------------------------------------


def _worded_for_staff(name: str, label, help_text=""):
    """A field of the public form with the officer's wording."""
    field = copy.deepcopy(KeepInTouchForm.base_fields[name])
    field.label = label
    field.help_text = help_text
    return field


class RadioSelectLinkedFromErrors(forms.RadioSelect):
    """Radio buttons the error summary can link to: the first choice takes the focus."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class PaperContactForm(KeepInTouchForm):
    """A paper form, or details given in person, typed in by an officer."""

    method = forms.ChoiceField(
        label=_("How they gave these details"),
        choices=[
            (ConsentMethod.PAPER, _("On a paper form they signed")),
            (ConsentMethod.IN_PERSON, _("In person, to me")),
        ],
        widget=RadioSelectLinkedFromErrors,
        error_messages={"required": _("Choose how they gave these details.")},
    )
    name = _worded_for_staff("name", _("Name"), _("As they wrote it."))
    email = _worded_for_staff("email", _("Email address"))
    email_language = _worded_for_staff("email_language", _("Language for emails to them"))
    phone = _worded_for_staff("phone", _("Phone number"))
    wants_updates = _worded_for_staff(
        "wants_updates", _("Email updates about events and what the police did")
    )
    wants_focus_group = _worded_for_staff(
        "wants_focus_group", _("Might like to join the focus group")
    )
    wants_lay_observation = _worded_for_staff(
        "wants_lay_observation", _("Might like to be a lay observer")
    )
    share_demographics = _worded_for_staff(
        "share_demographics",
        _("They agreed we may keep the details below, only ever to count them"),
    )
    communities = _worded_for_staff("communities", _("Communities they feel part of"))
    ethnicity = _worded_for_staff("ethnicity", _("Ethnic group"))
    age_band = _worded_for_staff("age_band", _("Age"))
    postcode_district = _worded_for_staff(
        "postcode_district",
        _("First part of their postcode"),
        _("For example M14 or SW9. Not the full postcode."),
    )

    field_order = ["method"]

    def sections(self) -> list:
        return [
            Div("method", css_class="form-section"),
            Section(
                _("How to reach them"),
                "name",
                "email",
                "email_language",
                "phone",
                hint=_("An email address, a phone number, or both."),
                css_class="form-section",
            ),
            Section(
                _("What they chose"),
                *INTEREST_FIELDS,
                hint=_(
                    "Email updates start straight away: you saw them give their details, "
                    "so no confirmation email is sent."
                ),
                css_class="form-section",
            ),
            Section(
                _("About them (optional)"),
                "share_demographics",
                *DEMOGRAPHIC_FIELDS,
                css_class="form-section",
            ),
        ]


class ContactEditForm(OptionalLabelsMixin, forms.Form):
    """Correct someone's details. Their community, ethnic group, age and postcode area
    are offered only while they agree to us keeping them."""

    name = _worded_for_staff("name", _("Name"))
    email = _worded_for_staff("email", _("Email address"))
    phone = _worded_for_staff("phone", _("Phone number"))
    communities = _worded_for_staff("communities", _("Communities they feel part of"))
    ethnicity = _worded_for_staff("ethnicity", _("Ethnic group"))
    age_band = _worded_for_staff("age_band", _("Age"))
    postcode_district = _worded_for_staff(
        "postcode_district",
        _("First part of their postcode"),
        _("For example M14 or SW9. Not the full postcode."),
    )

    clean_phone = KeepInTouchForm.clean_phone
    clean_postcode_district = KeepInTouchForm.clean_postcode_district

    def __init__(
        self, *args, attendee: Attendee, demographics_allowed: bool, gets_email: bool, **kwargs
    ):
        kwargs.setdefault(
            "initial",
            {
                "name": attendee.name,
                "email": attendee.email,
                "phone": attendee.phone,
                "communities": list(attendee.communities.values_list("pk", flat=True)),
                "ethnicity": attendee.ethnicity,
                "age_band": attendee.age_band,
                "postcode_district": attendee.postcode_district,
            },
        )
        super().__init__(*args, **kwargs)
        self.attendee = attendee
        self.gets_email = gets_email
        if demographics_allowed:
            about = Section(
                _("About them"),
                *DEMOGRAPHIC_FIELDS,
                hint=_("They agreed we may keep these, only ever to count them."),
                css_class="form-section",
            )
        else:
            for name in DEMOGRAPHIC_FIELDS:
                del self.fields[name]
            about = HTML(
                format_html(
                    "<p>{}</p>",
                    _(
                        "Their community, ethnic group, age and postcode area are not kept: "
                        "they have not agreed to it."
                    ),
                )
            )
        self.helper = fields_only_helper(
            Section(_("How to reach them"), "name", "email", "phone", css_class="form-section"),
            about,
        )

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if (
            email
            and Attendee.objects.not_erased()
            .filter(email__iexact=email)
            .exclude(pk=self.attendee.pk)
            .exists()
        ):
            raise forms.ValidationError(_("Another contact already has this email address."))
        return email

    def clean(self):
        cleaned = super().clean()
        email, phone = cleaned.get("email"), cleaned.get("phone")
        if self.has_error("email") or self.has_error("phone"):
            return cleaned
        if self.gets_email and not email:
            self.add_error(
                "email",
                _(
                    "They get email updates, so they need an email address. Record a "
                    "withdrawal of email updates first if they no longer want them."
                ),
            )
        elif not email and not phone:
            self.add_error(
                "email", _("Keep an email address or a phone number, so we can reach them.")
            )
        return cleaned


class AttendanceForm(forms.Form):
    event = EventChoiceField(
        label=_("Event they came to"),
        queryset=Event.objects.none(),
        empty_label=_("Choose an event"),
        error_messages={
            "required": _("Choose the event they came to."),
            "invalid_choice": _("Choose an event from the list."),
        },
    )

    def __init__(self, *args, attendee: Attendee, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()
        # Events that have started and were not cancelled, newest first.
        self.fields["event"].queryset = (
            Event.objects.filter(starts_at__lte=timezone.now())
            .exclude(status=Event.Status.CANCELLED)
            .exclude(pk__in=attendee.attendances.values("event_id"))
            .order_by("-starts_at")
        )


class WithdrawalForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("What they no longer agree to"),
        choices=ConsentPurpose.choices,
        error_messages={
            "required": _("Choose what they no longer agree to."),
            "invalid_choice": _("Choose what they no longer agree to."),
        },
    )
