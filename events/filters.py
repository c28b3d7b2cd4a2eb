import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagement.models import Community, Programme
from events.models import Event, Venue


class EventFilter(django_filters.FilterSet):
    class When:
        UPCOMING = "upcoming"
        PAST = "past"
        ALL = "all"

    WHEN_CHOICES = [
        (When.UPCOMING, _("Upcoming")),
        (When.PAST, _("Past")),
        (When.ALL, _("All")),
    ]

    when = django_filters.ChoiceFilter(
        label=_("When"), choices=WHEN_CHOICES, method="filter_when", empty_label=None
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=Programme.objects.all(), empty_label=_("All programmes")
    )
    focus_community = django_filters.ModelChoiceFilter(
        label=_("Community"), queryset=Community.objects.all(), empty_label=_("All communities")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Event.Status.choices, empty_label=_("Any status")
    )
    venue = django_filters.ModelChoiceFilter(
        label=_("Venue"), queryset=Venue.objects.all(), empty_label=_("All venues")
    )
    starts_from = django_filters.DateFilter(
        label=_("From"),
        field_name="starts_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    starts_to = django_filters.DateFilter(
        label=_("To"),
        field_name="starts_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("starts_at", "date"), ("title", "title"), ("headcount", "headcount")),
        field_labels={"date": _("Date"), "title": _("Title"), "headcount": _("Headcount")},
        empty_label=None,
    )

    class Meta:
        model = Event
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("when", self.When.UPCOMING)
        super().__init__(data, *args, **kwargs)

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == self.When.UPCOMING:
            return queryset.upcoming(now)
        if value == self.When.PAST:
            return queryset.past(now)
        return queryset

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("sort"):
            upcoming = self.form.cleaned_data.get("when") == self.When.UPCOMING
            queryset = queryset.in_date_order(soonest_first=upcoming)
        return queryset
