"""Filters for the staff contact pages. Only choices from lists (never free text), so
the query string kept in the audit log never holds anyone's personal data."""

import django_filters
from django import forms
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from contacts.models import Attendance, Attendee, ConsentPurpose, ConsentRecord
from engagement.models import Community
from events.models import Event


class ContactStatus(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting confirmation")
    SUBSCRIBED = "subscribed", _("Subscribed to updates")
    NOT_SUBSCRIBED = "not_subscribed", _("Not subscribed")
    ERASED = "erased", _("Erased")


def contacts_with_status(queryset=None):
    """Contacts with `contact_status` worked out in the database, so the list can be
    filtered by it and shown without a query per person."""
    queryset = Attendee.objects.all() if queryset is None else queryset
    live_updates = ConsentRecord.objects.live().filter(
        attendee=OuterRef("pk"), purpose=ConsentPurpose.EMAIL_UPDATES
    )
    awaiting = ConsentRecord.objects.awaiting_confirmation().filter(attendee=OuterRef("pk"))
    return queryset.annotate(
        contact_status=Case(
            When(erased_at__isnull=False, then=Value(ContactStatus.ERASED.value)),
            When(Exists(live_updates), then=Value(ContactStatus.SUBSCRIBED.value)),
            When(Exists(awaiting), then=Value(ContactStatus.AWAITING.value)),
            default=Value(ContactStatus.NOT_SUBSCRIBED.value),
        )
    )


def _with_live(purpose):
    return Q(pk__in=ConsentRecord.objects.live().filter(purpose=purpose).values("attendee_id"))


def in_community(queryset, community):
    """Only people who let us keep their community are matched by it."""
    return queryset.filter(_with_live(ConsentPurpose.DEMOGRAPHIC_DATA)).filter(
        pk__in=Attendee.communities.through.objects.filter(community=community).values(
            "attendee_id"
        )
    )


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, event):
        return f"{event.title} ({event.starts_at:%-d %b %Y})"


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
        return in_community(queryset, value)

    def filter_interest(self, queryset, name, value):
        return queryset.filter(_with_live(value))

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

    def filter_event(self, queryset, name, value):
        return queryset.filter(pk__in=Attendance.objects.filter(event=value).values("attendee_id"))


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
