"""The evaluation report's filters, and what to download. Sent with GET; a value that
cannot be used gets a message beside its field and the report is worked out without
it."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from actions.exports import FORMATS
from engagement.forms import OptionalLabelsMixin
from evaluation.models import Wave
from evaluation.questions import ETHNIC_GROUPS
from evaluation.selectors import AGE_BANDS, ReportFilters

ATTENDEES = "attendees"
NON_ATTENDEES = "non_attendees"
RAW = "raw"
WEIGHTED = "weighted"


class WaveField(forms.ModelChoiceField):
    def label_from_instance(self, wave):
        return wave.name


def _wave_field():
    return WaveField(
        label=_("Survey wave"),
        queryset=Wave.objects.in_order(),
        to_field_name="slug",
        required=False,
        empty_label=_("The latest wave with answers"),
        error_messages={"invalid_choice": _("Choose a wave from the list.")},
    )


def _choice(label, everything, choices, message):
    return forms.ChoiceField(
        label=label,
        choices=[("", everything), *choices],
        required=False,
        error_messages={"invalid_choice": message},
    )


class ReportFilterForm(OptionalLabelsMixin, forms.Form):
    """Which wave, and optionally only attendees or non-attendees, one ethnic group,
    one age band or one area; and the figures as answered or weighted to the census."""

    wave = _wave_field()
    attendance = _choice(
        _("Attended our events"),
        _("Everyone"),
        [(ATTENDEES, _("Attendees only")), (NON_ATTENDEES, _("Non-attendees only"))],
        _("Choose everyone, attendees only or non-attendees only."),
    )
    ethnic_group = _choice(
        _("Ethnic group"),
        _("All ethnic groups"),
        ETHNIC_GROUPS,
        _("Choose an ethnic group from the list."),
    )
    age_band = _choice(_("Age"), _("All ages"), AGE_BANDS, _("Choose an age band from the list."))
    area = forms.ChoiceField(
        label=_("Area"),
        required=False,
        error_messages={"invalid_choice": _("Choose an area from the list.")},
    )
    view = forms.ChoiceField(
        label=_("Figures"),
        choices=[(RAW, _("As answered")), (WEIGHTED, _("Weighted to the census"))],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose as answered or weighted to the census.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"view": RAW})
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [
            ("", _("All areas")),
            *((area, area) for area in settings.EVALUATION_AREAS),
        ]

    def filters(self) -> ReportFilters:
        """The filters to work the report out with: those given and usable; a field
        with a problem is left out (its message is shown beside it)."""
        if not self.is_bound:
            return ReportFilters()
        self.is_valid()
        data = self.cleaned_data
        attendance = data.get("attendance")
        return ReportFilters(
            wave=data.get("wave"),
            attended={ATTENDEES: True, NON_ATTENDEES: False}.get(attendance),
            ethnic_group=data.get("ethnic_group") or "",
            age_band=data.get("age_band") or "",
            area=data.get("area") or "",
            weighted=data.get("view") == WEIGHTED,
        )


class ReachFilterForm(OptionalLabelsMixin, forms.Form):
    """Which wave's respondents the reach page counts."""

    wave = _wave_field()

    def selected_wave(self) -> Wave | None:
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get("wave")


COMPARISON = "comparison"
WAVES = "waves"
ETHNIC_GROUP = "ethnic_group"
REACH = "reach"
WHO_ATTENDS = "who_attends"


class TablesForm(ReportFilterForm):
    """One of the report's tables to download, with the report's filters."""

    table = forms.ChoiceField(
        label=_("Table"),
        choices=[
            (COMPARISON, _("Attendees and non-attendees, each question")),
            (WAVES, _("This wave and earlier ones, each question")),
            (ETHNIC_GROUP, _("By ethnic group, each question")),
            (REACH, _("Reach against the census")),
            (WHO_ATTENDS, _("Who attends each event")),
        ],
        error_messages={
            "required": _("Choose a table to download."),
            "invalid_choice": _("Choose one of the tables in the list."),
        },
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(slug, label) for slug, (_type, label) in FORMATS.items()],
        error_messages={
            "required": _("Choose a format."),
            "invalid_choice": _("Choose CSV or Excel workbook (XLSX)."),
        },
    )
