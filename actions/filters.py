import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.models import Action
from engagement.models import Community, Department
from feedback.models import Topic, Workstream

PUBLIC_STATUS_CHOICES = [(status.value, status.label) for status in Action.PUBLIC_STATUSES]


class PublicActionFilter(django_filters.FilterSet):
    """The filters on /you-said-we-did/. Each is a plain GET form field, so the page
    works without JavaScript and a filtered page can be bookmarked or printed."""

    workstream = django_filters.ModelChoiceFilter(
        label=_("Workstream"),
        field_name="workstreams",
        queryset=Workstream.objects.all(),
        to_field_name="slug",
        empty_label=_("All workstreams"),
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        field_name="topics",
        queryset=Topic.objects.filter(actions__in=Action.objects.public()).distinct(),
        to_field_name="slug",
        empty_label=_("All topics"),
    )
    community = django_filters.ModelChoiceFilter(
        label=_("Community"),
        field_name="communities",
        queryset=Community.objects.filter(actions__in=Action.objects.public()).distinct(),
        empty_label=_("All communities"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=PUBLIC_STATUS_CHOICES, empty_label=_("Any status")
    )

    class Meta:
        model = Action
        fields = []


class StaffActionFilter(django_filters.FilterSet):
    class Due:
        OVERDUE = "overdue"
        SOON = "soon"

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Action.Status.choices, empty_label=_("Any status")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.all(), empty_label=_("All departments")
    )
    workstream = django_filters.ModelChoiceFilter(
        label=_("Workstream"),
        field_name="workstreams",
        queryset=Workstream.objects.all(),
        empty_label=_("All workstreams"),
    )
    due = django_filters.ChoiceFilter(
        label=_("Due"),
        choices=[(Due.OVERDUE, _("Overdue")), (Due.SOON, _("Due in the next 14 days"))],
        empty_label=_("Any time"),
        method="filter_due",
    )
    search = django_filters.CharFilter(label=_("Words"), method="filter_search")

    class Meta:
        model = Action
        fields = []

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == self.Due.OVERDUE:
            return queryset.overdue(today)
        if value == self.Due.SOON:
            return queryset.due_soon(today)
        return queryset

    def filter_search(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(you_said__icontains=word) | Q(we_did__icontains=word)
            )
        return queryset
