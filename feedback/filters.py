import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from engagement.language_table import LANGUAGE_TABLE
from engagement.models import Community
from events.models import Event
from feedback.caching import EVENTS, kept
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


class QuickSelect(forms.Select):
    """A select whose options are written out in one go, rather than through a
    template each: the inbox's filters have hundreds of options (every event), and one
    template per option costs tens of milliseconds. Choices without groups only."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (option, " selected" if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class KeptEventChoices(ModelChoiceIterator):
    """Every event's id and label for the inbox's filter, kept until an event or venue
    changes: the labels of a few hundred events take longer to work out than the rest
    of the inbox."""

    def _events(self) -> list[tuple[int, str]]:
        return kept(
            EVENTS,
            "inbox-event-choices",
            lambda: [(event.pk, event_label(event)) for event in self.queryset],
        )

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self._events()

    def __len__(self):
        extra = (self.field.empty_label is not None) + (self.field.null_label is not None)
        return len(self._events()) + extra


class EventChoiceField(ModelChoiceField):
    """Every event, newest first. A chosen event is still looked up in the queryset."""

    iterator = KeptEventChoices
    widget = QuickSelect

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
        label=_("Community"),
        queryset=Community.objects.all(),
        empty_label=_("All communities"),
        widget=QuickSelect,
    )
    key_question = django_filters.ModelChoiceFilter(
        label=_("Key question"),
        queryset=KeyQuestion.objects.all(),
        empty_label=_("Any question"),
        widget=QuickSelect,
    )
    workstream = django_filters.ModelChoiceFilter(
        label=_("Workstream"),
        field_name="workstreams",
        queryset=Workstream.objects.all(),
        empty_label=_("Any workstream"),
        widget=QuickSelect,
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        field_name="topics",
        queryset=Topic.objects.all(),
        empty_label=_("Any topic"),
        widget=QuickSelect,
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"),
        choices=FeedbackItem.Source.choices,
        empty_label=_("Any source"),
        widget=QuickSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=FeedbackItem.Status.choices,
        empty_label=_("Any status"),
        widget=QuickSelect,
    )
    flagged = django_filters.BooleanFilter(
        label=_("Safeguarding flag"),
        field_name="is_safeguarding_flagged",
        widget=QuickSelect(
            choices=[("", _("Flagged or not")), ("true", _("Flagged")), ("false", _("Not flagged"))]
        ),
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        choices=[(language.code.split("-")[0], language.name) for language in LANGUAGE_TABLE]
        + [("other", _("Another language")), ("unknown", _("Could not tell"))],
        empty_label=_("Any language"),
        method="filter_language",
        widget=QuickSelect,
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
