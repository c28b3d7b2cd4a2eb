"""Filters for the staff contact pages. What each one matches is decided by the
contact querysets in contacts.models.

Apart from the search, every filter is a choice from a list. The search holds what
the officer typed, often a name, an email address or a phone number, and it is
written to the audit log with the rest (DESIGN.md §6, rule 7): the log says who
looked for whom, and only Administrators can read it."""

import django_filters
from crispy_forms.bootstrap import FieldWithButtons, StrictButton
from crispy_forms.layout import HTML, Column, Row
from django import forms
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from contacts.forms import EventChoiceField, fields_only_helper
from contacts.models import Attendee, ConsentPurpose, ContactStatus
from engagement.models import Community
from events.models import Event

SEARCH_MAX_LENGTH = 80


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

    def chosen(self) -> dict:
        """The filters in use and their values, if the form could be read."""
        if not self.is_bound or not self.form.is_valid():
            return {}
        return {
            name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")
        }

    def describe(self) -> str:
        """The filters in use, for the audit log: choices by id or code, and words
        typed in quotes."""
        described = []
        for name, value in self.chosen().items():
            if isinstance(self.filters[name], django_filters.CharFilter):
                described.append(f'{name}="{value}"')
            else:
                described.append(f"{name}={getattr(value, 'pk', value)}")
        return ", ".join(described)


class ContactFilterForm(forms.Form):
    """The search box, always in view, then the filters, which fold away. The page
    renders the two parts with their own helpers, inside one <form>."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.search_helper = fields_only_helper(
            FieldWithButtons(
                "search",
                StrictButton(_("Search"), type="submit", css_class="btn-primary"),
            )
        )
        self.helper = fields_only_helper(
            Row(
                *(
                    Column(name, css_class="col-sm-6 col-lg-3")
                    for name in self.fields
                    if name != "search"
                ),
                css_class="g-2",
            )
        )


class ContactFilter(CommunityAndInterestFilter):
    search = django_filters.CharFilter(
        label=_("Search by name, email or phone"),
        help_text=_(
            "Type part of a name, email address or phone number. Spaces and dashes in "
            "phone numbers do not matter."
        ),
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        ),
        error_messages={
            "max_length": _(
                "Type %(limit_value)d characters or fewer. Part of a name or number is enough."
            )
        },
    )
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

    def filter_search(self, queryset, name, value):
        return queryset.matching(value)

    @property
    def qs(self):
        # A search or filter that could not be read finds nobody, rather than everybody:
        # the page shows the problem beside the field.
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()
        return super().qs

    def is_searching(self) -> bool:
        return "search" in self.chosen()

    def is_filtering(self) -> bool:
        """Whether a filter other than the search is in use, so that they show open."""
        return bool(set(self.chosen()) - {"search"})


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


class OfferFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper(
            Row(
                Column("community", css_class="col-sm-6 col-lg-4"),
                Column("came_to", css_class="col-sm-6 col-lg-4"),
                Column("earlier_visits", css_class="col-sm-6 col-lg-4"),
                css_class="g-2",
            ),
            HTML(
                format_html(
                    '<p class="form-text">{}</p>',
                    _("A community matches only people who let us keep their community."),
                )
            ),
        )


class OfferFilter(django_filters.FilterSet):
    """Who to offer a lay observation place to, among the people who may have one."""

    class EarlierVisits(models.TextChoices):
        NEVER = "never", _("Never been on one")
        BEFORE = "before", _("Been on one before")

    community = django_filters.ModelChoiceFilter(
        label=_("Community"),
        queryset=Community.objects.order_by("name"),
        empty_label=_("All communities"),
        method="filter_community",
    )
    came_to = EventChoiceFilter(
        label=_("Came to"),
        queryset=Event.objects.order_by("-starts_at"),
        empty_label=_("Any event or none"),
        method="filter_came_to",
    )
    earlier_visits = django_filters.ChoiceFilter(
        label=_("Lay observation before"),
        choices=EarlierVisits.choices,
        empty_label=_("Either"),
        method="filter_earlier_visits",
    )

    class Meta:
        model = Attendee
        fields = []
        form = OfferFilterForm

    def filter_community(self, queryset, name, value):
        return queryset.in_community(value)

    def filter_came_to(self, queryset, name, value):
        return queryset.attended(value)

    def filter_earlier_visits(self, queryset, name, value):
        if value == self.EarlierVisits.BEFORE:
            return queryset.observed_before()
        return queryset.exclude(pk__in=queryset.observed_before().values("pk"))

    @property
    def qs(self):
        # Filters that could not be read find nobody, never everybody.
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()
        return super().qs

    def describe(self) -> str:
        """The filters in use, for the audit log."""
        if not self.is_bound or not self.form.is_valid():
            return ""
        return ", ".join(
            f"{name}={getattr(value, 'pk', value)}"
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "")
        )
