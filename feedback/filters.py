import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from engagement.models import Community
from events.models import Event
from feedback.models import FeedbackItem, KeyQuestion, Topic, Workstream


class FeedbackFilter(django_filters.FilterSet):
    text = django_filters.CharFilter(
        label=_("Words in the text"), field_name="text", lookup_expr="icontains"
    )
    event = django_filters.ModelChoiceFilter(
        label=_("Event"), queryset=Event.objects.order_by("-starts_at"), empty_label=_("All events")
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

    @property
    def qs(self):
        queryset = super().qs
        # Filtering on a many-to-many can repeat an item; each must appear once. Only
        # then is DISTINCT worth its cost on a large inbox.
        if self.is_bound and (self.data.get("topic") or self.data.get("workstream")):
            queryset = queryset.distinct()
        return queryset
