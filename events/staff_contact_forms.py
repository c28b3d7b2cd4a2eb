"""Forms officers use for contacts. They ask the same questions, with the same choices
and checks, as the public keep-in-touch form, worded for the officer."""

import copy

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagement.forms import OptionalLabelsMixin
from events.models import Attendee, ConsentMethod, ConsentPurpose, Event
from events.public_contact_forms import KeepInTouchForm
from events.staff_contact_filters import EventChoiceField

DEMOGRAPHIC_FIELDS = ("communities", "ethnicity", "age_band", "postcode_district")


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


class ContactEditForm(OptionalLabelsMixin, forms.ModelForm):
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

    class Meta:
        model = Attendee
        fields = ["name", "email", "phone", *DEMOGRAPHIC_FIELDS]

    clean_phone = KeepInTouchForm.clean_phone
    clean_postcode_district = KeepInTouchForm.clean_postcode_district

    def __init__(self, *args, demographics_allowed: bool, gets_email: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.gets_email = gets_email
        if not demographics_allowed:
            for name in DEMOGRAPHIC_FIELDS:
                del self.fields[name]

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if (
            email
            and Attendee.objects.not_erased()
            .filter(email__iexact=email)
            .exclude(pk=self.instance.pk)
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
