import django_filters
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from engagement.language_table import LANGUAGE_TABLE
from engagement.models import Community
from events.models import Event
from feedback.models import FeedbackItem, KeyQuestion, Topic, Workstream


def event_label(event: Event) -> str:
    """An event as it is told apart from others with the same title: "Tue 3 Mar 2026 –
    Community conversation (Moss Side Community Centre)"."""
    day = date_format(timezone.localtime(event.starts_at), "D j M Y")
    label = f"{day} – {event.title}"
    if event.venue:
        return f"{label} ({event.venue.name})"
    if event.needs_online_link:
        return f"{label} ({_('online')})"
    return label


class EventChoiceField(ModelChoiceField):
    def label_from_instance(self, event):
        return event_label(event)


class EventChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = EventChoiceField


class FeedbackFilter(django_filters.FilterSet):
    text = django_filters.CharFilter(
        label=_("Words in the text"), field_name="text", lookup_expr="icontains"
    )
    # Newest first, with the venue read in the same query.
    event = EventChoiceFilter(
        label=_("Event"),
        queryset=Event.objects.select_related("venue").order_by("-starts_at", "-pk"),
        empty_label=_("All events"),
    )
    community = django_filters.ModelChoiceFilter(
        label=_("Community"), queryset=Community.objects.all(), empty_label=_("All communities")
    )
    key_question = django_filters.ModelChoiceFilter(
        label=_("Key question"), queryset=KeyQuestion.objects.all(), empty_label=_("Any question")
    )
    workstream = django_filters.ModelChoiceFilter(
        label=_("Workstream"),
        field_name="workstreams",
        queryset=Workstream.objects.all(),
        empty_label=_("Any workstream"),
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        field_name="topics",
        queryset=Topic.objects.all(),
        empty_label=_("Any topic"),
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=FeedbackItem.Source.choices, empty_label=_("Any source")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=FeedbackItem.Status.choices, empty_label=_("Any status")
    )
    flagged = django_filters.BooleanFilter(
        label=_("Safeguarding flag"),
        field_name="is_safeguarding_flagged",
        widget=forms.Select(
            choices=[("", _("Flagged or not")), ("true", _("Flagged")), ("false", _("Not flagged"))]
        ),
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        choices=[(language.code.split("-")[0], language.name) for language in LANGUAGE_TABLE]
        + [("other", _("Another language")), ("unknown", _("Could not tell"))],
        empty_label=_("Any language"),
        method="filter_language",
    )
    received_from = django_filters.DateFilter(
        label=_("From"),
        field_name="received_hour",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        label=_("To"),
        field_name="received_hour",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = FeedbackItem
        fields = []

    def filter_language(self, queryset, name, value):
        if value == "unknown":
            return queryset.filter(language="")
        if value == "other":
            known = [language.code.split("-")[0] for language in LANGUAGE_TABLE]
            return queryset.exclude(language="").exclude(language__in=known)
        return queryset.filter(language=value)

    @property
    def qs(self):
        queryset = super().qs
        # Filtering on a many-to-many can repeat an item; each must appear once. Only
        # then is DISTINCT worth its cost on a large inbox.
        if self.is_bound and (self.data.get("topic") or self.data.get("workstream")):
            queryset = queryset.distinct()
        return queryset
