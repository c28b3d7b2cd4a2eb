"""Setting up a wave, adding a question to it, and the area's census shares."""

from decimal import Decimal

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from contacts.models import AgeBand
from engagement.forms import OptionalLabelsMixin
from evaluation.models import PopulationShare, Wave
from evaluation.questions import ETHNIC_GROUPS, Kind
from events.forms import fields_only_helper

FIRST_YEAR, LAST_YEAR = 1900, 2999
MOST_OPTIONS = 30
LONGEST_OPTION = 100
# Census shares are rounded, so they may add up to a little more or less than 100.
CENSUS_TOLERANCE = Decimal("0.5")


class DateInput(forms.DateInput):
    """The browser's own date picker."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class WaveForm(OptionalLabelsMixin, forms.ModelForm):
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=Wave._meta.get_field("introduction").help_text,
    )

    class Meta:
        model = Wave
        fields = ["name", "slug", "introduction", "fieldwork_started_on", "fieldwork_ended_on"]
        labels = {"name": _("Name"), "slug": _("Web address")}
        widgets = {"fieldwork_started_on": DateInput, "fieldwork_ended_on": DateInput}
        error_messages = {
            "name": {"required": _("Give the wave a name, such as 2026.")},
            "slug": {
                "required": _("Give the wave a web address, such as 2026."),
                "invalid": _(
                    "Use only small letters, numbers and hyphens, such as 2026 or 2026-spring."
                ),
                "unique": _("Another wave already uses this address. Choose another."),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.status != Wave.Status.DRAFT:
            # Posters, paper forms and links already carry the address.
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _(
                "The address cannot change once the wave has opened: posters and paper forms "
                "carry it."
            )
        self.helper = fields_only_helper(*self.Meta.fields)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug != slug.lower() or "_" in slug:
            raise forms.ValidationError(self.Meta.error_messages["slug"]["invalid"])
        return slug

    def clean(self):
        cleaned = super().clean()
        for name in ("fieldwork_started_on", "fieldwork_ended_on"):
            day = cleaned.get(name)
            if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(name, _("Give a date between the years 1900 and 2999."))
                cleaned[name] = None
        started, ended = cleaned.get("fieldwork_started_on"), cleaned.get("fieldwork_ended_on")
        if started and ended and ended < started:
            self.add_error(
                "fieldwork_ended_on", _("The last day of answers cannot be before the first.")
            )
        return cleaned


class QuestionForm(OptionalLabelsMixin, forms.Form):
    text = forms.CharField(
        label=_("Question"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Type the question."),
            "max_length": _("Keep the question to 300 characters or fewer."),
        },
    )
    help_text = forms.CharField(
        label=_("Hint"),
        required=False,
        max_length=300,
        help_text=_("A few words under the question, if people need them to answer it."),
        error_messages={"max_length": _("Keep the hint to 300 characters or fewer.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of answer"),
        choices=[(kind, label) for kind, label in Kind.CHOICES if kind != Kind.EVENT],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the kind of answer."),
            "invalid_choice": _("Choose one of the kinds of answer shown."),
        },
    )
    options = forms.CharField(
        label=_("Answers to choose from"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_('For "One of a list" only: one answer a line.'),
    )
    sometimes_required_fields = ("options",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper("text", "help_text", "kind", "options")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") != Kind.CHOICE:
            cleaned["options"] = []
            return cleaned
        options = [line.strip() for line in cleaned.get("options", "").splitlines()]
        options = [option for option in options if option]
        problem = self._problem_with(options)
        if problem:
            self.add_error("options", problem)
        cleaned["options"] = options
        return cleaned

    @staticmethod
    def _problem_with(options: list[str]) -> str:
        if len(options) < 2:
            return _('Give at least two answers, one a line, for "One of a list".')
        if len(options) > MOST_OPTIONS:
            return _("Give %(most)d answers or fewer.") % {"most": MOST_OPTIONS}
        too_long = [option for option in options if len(option) > LONGEST_OPTION]
        if too_long:
            return _("Keep each answer to %(longest)d characters or fewer: “%(answer)s…”.") % {
                "longest": LONGEST_OPTION,
                "answer": too_long[0][:40],
            }
        seen = {}
        for option in options:
            # Answers are stored by a short form of their words, so these must differ.
            key = slugify(option)[:90] or option
            if key in seen:
                return _("“%(first)s” and “%(second)s” are the same answer.") % {
                    "first": seen[key],
                    "second": option,
                }
            seen[key] = option
        return ""


# Census shares -------------------------------------------------------------------------

CENSUS_GROUPS = {
    PopulationShare.Dimension.ETHNIC_GROUP: ETHNIC_GROUPS,
    PopulationShare.Dimension.AGE_BAND: [
        (value, label) for value, label in AgeBand.choices if value != AgeBand.PREFER_NOT_TO_SAY
    ],
}
CENSUS_SOURCES = {
    PopulationShare.Dimension.ETHNIC_GROUP: _(
        "ONS Census 2021, table TS021 for your force area: each group as a share of everyone."
    ),
    PopulationShare.Dimension.AGE_BAND: _(
        "ONS Census 2021, table TS007A for your force area, the five-year bands added up "
        "into these."
    ),
}


def census_field_name(dimension: str, group: str) -> str:
    return f"{dimension}__{group}"


class CensusForm(forms.Form):
    """The area's population by ethnic group and by age band, in per cent. A section
    left empty has no shares; a section filled in must add up to 100."""

    def __init__(self, *args, current: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        for dimension, groups in CENSUS_GROUPS.items():
            for group, label in groups:
                name = census_field_name(dimension, group)
                self.fields[name] = forms.DecimalField(
                    label=label,
                    required=False,
                    min_value=0,
                    max_value=100,
                    max_digits=5,
                    decimal_places=2,
                    widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
                    error_messages={
                        "invalid": _("Give a number, such as 12.5."),
                        "min_value": _("A share cannot be below 0."),
                        "max_value": _("A share cannot be more than 100."),
                        "max_digits": _("Give at most two decimal places, such as 12.55."),
                        "max_decimal_places": _("Give at most two decimal places, such as 12.55."),
                        "max_whole_digits": _("A share cannot be more than 100."),
                    },
                )
                if (dimension, group) in current:
                    self.initial[name] = current[(dimension, group)]

    def sections(self):
        """(dimension, its label, where the figures come from, its fields) in order."""
        return [
            (
                dimension,
                PopulationShare.Dimension(dimension).label,
                CENSUS_SOURCES[dimension],
                [self[census_field_name(dimension, group)] for group, _label in groups],
            )
            for dimension, groups in CENSUS_GROUPS.items()
        ]

    def clean(self):
        cleaned = super().clean()
        self.shares = {}
        for dimension, groups in CENSUS_GROUPS.items():
            names = [census_field_name(dimension, group) for group, _label in groups]
            if any(self.has_error(name) for name in names):
                continue
            values = {
                group: cleaned.get(name)
                for (group, _label), name in zip(groups, names, strict=True)
            }
            if all(value is None for value in values.values()):
                self.shares[dimension] = {}
                continue
            values = {group: value or Decimal(0) for group, value in values.items()}
            total = sum(values.values())
            if abs(total - 100) > CENSUS_TOLERANCE:
                self.add_error(
                    names[0],
                    _(
                        "The %(section)s shares add up to %(total)s%%. They must add up to "
                        "100%% (give or take 0.5)."
                    )
                    % {
                        "section": PopulationShare.Dimension(dimension).label.lower(),
                        "total": f"{total.normalize():f}",
                    },
                )
                continue
            self.shares[dimension] = values
        return cleaned
