import re

from django import forms
from django.utils.translation import gettext_lazy as _

from engagement.forms import OptionalLabelsMixin
from engagement.models import Community
from events.models import AgeBand, ConsentPurpose, Ethnicity

PHONE_CHARACTERS = re.compile(r"^[0-9 +()\-]+$")
POSTCODE_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")

INTEREST_FIELDS = {
    "wants_updates": ConsentPurpose.EMAIL_UPDATES,
    "wants_focus_group": ConsentPurpose.FOCUS_GROUP,
    "wants_lay_observation": ConsentPurpose.LAY_OBSERVATION,
}


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
    communities = forms.ModelMultipleChoiceField(
        label=_("Communities you feel part of"),
        queryset=Community.objects.all(),
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
        purposes = {
            purpose for field, purpose in INTEREST_FIELDS.items() if self.cleaned_data.get(field)
        }
        if self.cleaned_data.get("share_demographics"):
            purposes.add(ConsentPurpose.DEMOGRAPHIC_DATA)
        return purposes


class PreferencesForm(forms.Form):
    wants_updates = KeepInTouchForm.base_fields["wants_updates"]
    wants_focus_group = KeepInTouchForm.base_fields["wants_focus_group"]
    wants_lay_observation = KeepInTouchForm.base_fields["wants_lay_observation"]

    def chosen_purposes(self) -> set[str]:
        return {
            purpose for field, purpose in INTEREST_FIELDS.items() if self.cleaned_data.get(field)
        }


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that this deletes my details and cannot be undone"),
        error_messages={"required": _("Tick the box to confirm you want your details deleted.")},
    )


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
