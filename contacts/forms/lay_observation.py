"""Forms for lay observation: the opportunity as a Coordinator plans it, who came, the
vetting outcome, and the one tick box a person answering an offer may be asked for."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.forms import Section, fields_only_helper
from contacts.models import Attendee, ObservationKind, ObservationPlace, Opportunity
from engagement.forms import (
    ModelChoiceField,
    ModelMultipleChoiceField,
    OptionalLabelsMixin,
    id_safe_formfield,
)
from engagement.roles import staff_users
from events.forms import date_time_field, person_name

MOST_PLACES = 50
YOUNGEST_MINIMUM_AGE = 10
OLDEST_MINIMUM_AGE = 99


class OpportunityForm(OptionalLabelsMixin, forms.ModelForm):
    starts_at = date_time_field(_("Starts"))
    ends_at = date_time_field(_("Ends"))
    places_available = forms.IntegerField(
        label=_("How many places"),
        min_value=1,
        max_value=MOST_PLACES,
        error_messages={
            "required": _("Enter how many people can come, for example 2."),
            "min_value": _("There must be at least 1 place."),
            "max_value": _("Offer at most %(limit_value)s places on one opportunity."),
            "invalid": _("Enter a whole number, for example 2."),
        },
    )
    minimum_age = forms.IntegerField(
        label=_("Minimum age"),
        required=False,
        min_value=YOUNGEST_MINIMUM_AGE,
        max_value=OLDEST_MINIMUM_AGE,
        help_text=_("Leave empty if there is none. People are told it before they answer."),
        error_messages={
            "min_value": _("Enter an age of %(limit_value)s or more, or leave it empty."),
            "max_value": _("Enter an age of %(limit_value)s or less, or leave it empty."),
            "invalid": _("Enter an age in whole years, for example 18."),
        },
    )

    class Meta:
        model = Opportunity
        fields = [
            "kind",
            "title",
            "details",
            "starts_at",
            "ends_at",
            "place",
            "places_available",
            "only_event_attendees",
            "minimum_age",
            "id_to_bring",
            "needs_vetting",
            "contact_officer",
        ]
        formfield_callback = id_safe_formfield
        widgets = {
            "details": forms.Textarea(attrs={"rows": 4}),
            "place": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "id_to_bring": _("For example: photo ID, such as a passport or driving licence."),
            "needs_vetting": _(
                "Record only whether each person was cleared. Never write the check's details here."
            ),
            "only_event_attendees": _(
                "Only contacts who came to at least one event can be offered a place."
            ),
        }
        error_messages = {
            "kind": {"required": _("Choose what kind of lay observation this is.")},
            "title": {
                "required": _("Enter a title, for example Custody suite visit, Keyham."),
                "max_length": _("Keep the title to 200 characters or fewer."),
            },
            "place": {"required": _("Enter where people should go on the day.")},
            "contact_officer": {"required": _("Choose the officer people can contact.")},
            "id_to_bring": {"max_length": _("Keep this to 200 characters or fewer.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = ObservationKind.objects.active()
        if self.instance.kind_id:
            kinds = ObservationKind.objects.filter(pk=self.instance.kind_id) | kinds
        self.fields["kind"].queryset = kinds.distinct()
        self.fields["kind"].empty_label = _("Choose a kind")
        self.fields["contact_officer"].queryset = staff_users()
        self.fields["contact_officer"].label_from_instance = person_name
        self.fields["contact_officer"].empty_label = _("Choose an officer")
        self.fields["contact_officer"].help_text = _(
            "People with a place see their name and email address."
        )
        self.helper = fields_only_helper(
            Section(_("The opportunity"), "kind", "title", "details", css_class="mb-4"),
            Section(
                _("When and where"),
                "starts_at",
                "ends_at",
                "place",
                hint=_("Where to meet is shown only to people who have a place."),
                css_class="mb-4",
            ),
            Section(
                _("Places and conditions"),
                "places_available",
                "only_event_attendees",
                "minimum_age",
                "id_to_bring",
                "needs_vetting",
                "contact_officer",
                css_class="mb-4",
            ),
        )

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The end must be after the start."))
        if (
            starts_at
            and "starts_at" in self.changed_data
            and starts_at < timezone.now()
            and not self.has_error("starts_at")
        ):
            self.add_error(
                "starts_at", _("Choose a date and time from now on: people need time to answer.")
            )
        places = cleaned.get("places_available")
        if self.instance.pk and places is not None:
            holding = self.instance.places.holding().count()
            if places < holding:
                self.add_error(
                    "places_available",
                    _(
                        "%(count)d people already have a place. Offer at least that many, or "
                        "ask someone to give theirs up first."
                    )
                    % {"count": holding},
                )
        return cleaned


class OpportunityCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        help_text=_("Everyone with a place or on the waiting list is emailed this."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={
            "required": _("Say why it is cancelled, so people understand."),
            "max_length": _("Keep the reason to 1000 characters or fewer."),
        },
    )

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()


class ContactNameChoices(ModelMultipleChoiceField):
    def label_from_instance(self, attendee):
        return str(attendee)


class OfferForm(forms.Form):
    """The contacts ticked on the offer page. Only those who may be offered a place
    are valid choices, so an id sent from an old page or made up is refused."""

    attendees = ContactNameChoices(
        label=_("Offer a place to"),
        queryset=Attendee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick at least one person to offer a place to."),
            "invalid_choice": _(
                "Someone you ticked can no longer be offered a place. Choose again."
            ),
            "invalid_pk_value": _("Something went wrong with the form. Choose again."),
        },
    )

    def __init__(self, *args, opportunity: Opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = Attendee.objects.offerable_for(opportunity)


class PlaceChoiceField(ModelChoiceField):
    def label_from_instance(self, place):
        return str(place.attendee)


class AttendanceForm(forms.Form):
    """Who came: the people with a place whose box is ticked. Everyone else with a
    place did not."""

    came = ModelMultipleChoiceField(
        label=_("Who came?"),
        queryset=ObservationPlace.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Someone you ticked does not have a place. Choose again."),
            "invalid_pk_value": _("Something went wrong with the form. Choose again."),
        },
    )

    def __init__(self, *args, opportunity: Opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        places = opportunity.places.holding().select_related("attendee").order_by("pk")
        field = self.fields["came"]
        field.queryset = places
        field.label_from_instance = lambda place: str(place.attendee)
        if not self.is_bound:
            self.initial["came"] = [
                place.pk for place in places if place.status == ObservationPlace.Status.ATTENDED
            ]


class VettingForm(forms.Form):
    place = PlaceChoiceField(
        label=_("Person"),
        queryset=ObservationPlace.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Something went wrong with the form. Choose again."),
            "invalid_choice": _("This person no longer has a place, so nothing was recorded."),
        },
    )
    vetting = forms.ChoiceField(
        label=_("Vetting check"),
        choices=[
            (ObservationPlace.Vetting.PENDING, ObservationPlace.Vetting.PENDING.label),
            (ObservationPlace.Vetting.CLEARED, ObservationPlace.Vetting.CLEARED.label),
            (ObservationPlace.Vetting.NOT_CLEARED, ObservationPlace.Vetting.NOT_CLEARED.label),
        ],
        error_messages={
            "required": _("Choose the outcome of the check."),
            "invalid_choice": _("Choose one of the outcomes on the list."),
        },
    )

    def __init__(self, *args, opportunity: Opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = opportunity.places.filter(
            status=ObservationPlace.Status.TAKEN
        ).select_related("attendee")


class TakePlaceForm(forms.Form):
    """The one question before taking a place on an opportunity with conditions."""

    conditions_met = forms.BooleanField(
        label=_("I meet the conditions above"),
        error_messages={
            "required": _("Tick the box to say you meet the conditions, or choose “Not for me”.")
        },
    )

    def __init__(self, *args, opportunity: Opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        if not opportunity.has_conditions():
            del self.fields["conditions_met"]
        self.helper = fields_only_helper()
