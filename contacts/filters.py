"""Filters for the staff contact pages. Only choices from lists (never free text), so
the query string kept in the audit log never holds anyone's personal data. What each
choice matches is decided by the contact querysets in contacts.models."""

import django_filters
from crispy_forms.layout import HTML, Column, Row
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from contacts.forms import EventChoiceField, fields_only_helper
from contacts.models import Attendee, ConsentPurpose, ContactStatus
from engagement.models import Community
from events.models import Event


class EventChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = EventChoiceField


class CommunityAndInterestFilter(django_filters.FilterSet):
    community = django_filters.ModelChoiceFilter(
        label=_("Community"),
        queryset=Community.objects.all(),
        empty_label=_("All communities"),
        method="filter_community",
    )
    interest = django_filters.ChoiceFilter(
        label=_("Agreed to"),
        choices=ConsentPurpose.choices,
        empty_label=_("Anything"),
        method="filter_interest",
    )

    class Meta:
        model = Attendee
        fields = []

    def filter_community(self, queryset, name, value):
        return queryset.in_community(value)

    def filter_interest(self, queryset, name, value):
        return queryset.with_live_consent(value)

    def describe(self) -> str:
        """The filters in use, by id and code only, for the audit log."""
        if not self.is_bound or not self.form.is_valid():
            return ""
        chosen = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, ""):
                continue
            chosen.append(f"{name}={getattr(value, 'pk', value)}")
        return ", ".join(chosen)


class ContactFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper(
            Row(
                *(Column(name, css_class="col-sm-6 col-lg-3") for name in self.fields),
                css_class="g-2",
            )
        )


class ContactFilter(CommunityAndInterestFilter):
    event = EventChoiceFilter(
        label=_("Came to"),
        queryset=Event.objects.order_by("-starts_at"),
        empty_label=_("Any event or none"),
        method="filter_event",
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=ContactStatus.choices,
        empty_label=_("Any status"),
        field_name="contact_status",
    )

    class Meta(CommunityAndInterestFilter.Meta):
        form = ContactFilterForm

    def filter_event(self, queryset, name, value):
        return queryset.attended(value)


class InviteFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper(
            Row(
                Column("community", css_class="col-sm-6"),
                Column("interest", css_class="col-sm-6"),
                css_class="g-2",
            ),
            HTML(
                format_html(
                    '<p class="form-text">{}</p>',
                    _("A community matches only people who let us keep their community."),
                )
            ),
        )


class InviteFilter(CommunityAndInterestFilter):
    """Who to invite to an event: everyone opted in to updates, or some of them."""

    interest = django_filters.ChoiceFilter(
        label=_("Also interested in"),
        choices=[
            (ConsentPurpose.FOCUS_GROUP, _("Joining the focus group")),
            (ConsentPurpose.LAY_OBSERVATION, _("Lay observation")),
        ],
        empty_label=_("Nothing else needed"),
        method="filter_interest",
    )

    class Meta(CommunityAndInterestFilter.Meta):
        form = InviteFilterForm
