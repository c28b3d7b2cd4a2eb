"""The confidence survey in waves, the anonymous "about you" cards handed out at
events, and the area's census shares the report weights to.

Nothing here is linked to a contact. Survey responses and cards filled in online are
held until their hour is over and then stored with the rest of that hour in a random
order (as anonymous feedback is), so neither their ids nor their order pairs them with
anything else done at that moment."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import AgeBand, Ethnicity
from evaluation.questions import (
    DONT_KNOW,
    ETHNIC_GROUPS,
    NO,
    SCALE_LABELS,
    YES,
    Kind,
    standard_choices,
)
from events.models import Event
from feedback.models import hour_of


class WaveQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Wave.Status.OPEN)

    def in_order(self):
        return self.order_by("fieldwork_started_on", "created_at", "pk")


class Wave(models.Model):
    """One round of the survey, such as "2022" or "2026"."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being set up")
        OPEN = "open", _("Open for answers")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=80, help_text=_('For example "2026".'))
    slug = models.SlugField(
        _("web address"),
        max_length=40,
        unique=True,
        help_text=_("The end of the survey's address, such as 2026 for /survey/2026/."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("A few words at the top of the survey: who is asking and why."),
    )
    fieldwork_started_on = models.DateField(_("first day of answers"), null=True, blank=True)
    fieldwork_ended_on = models.DateField(_("last day of answers"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = WaveQuerySet.as_manager()

    class Meta:
        ordering = ["fieldwork_started_on", "created_at", "pk"]
        verbose_name = _("survey wave")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("evaluation:wave", kwargs={"slug": self.slug})

    def get_public_url(self):
        return reverse("evaluation:survey", kwargs={"wave": self.slug})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class QuestionQuerySet(models.QuerySet):
    def in_order(self):
        return self.order_by("position", "pk")


class Question(models.Model):
    """A question of one wave. Standard questions keep the same key in every wave."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(_("key"), max_length=60)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("hint"), max_length=300, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=Kind.CHOICES)
    # For a question of kind "choice" added by the force: a list of [value, label].
    # The standard choice questions take their lists from the code, so they translate.
    options = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_standard = models.BooleanField(default=False)
    is_demographic = models.BooleanField(default=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "key"], name="one_key_per_wave"),
        ]

    def __str__(self):
        return self.text

    @property
    def is_scale(self) -> bool:
        return self.kind in Kind.SCALES

    @property
    def has_share_positive(self) -> bool:
        """Whether the report gives this question's share agreeing (or saying yes)."""
        return self.is_scale or self.kind == Kind.YES_NO

    def choices(self, events=()) -> list[tuple[str, str]]:
        """Every answer the question offers, as (stored value, label), don't know last."""
        if self.is_scale:
            return [
                (str(score), label) for score, label in enumerate(SCALE_LABELS[self.kind], 1)
            ] + [(DONT_KNOW, _("Don't know"))]
        if self.kind == Kind.YES_NO:
            return [(YES, _("Yes")), (NO, _("No")), (DONT_KNOW, _("Don't know"))]
        if self.kind == Kind.EVENT:
            return [(str(event.pk), str(event)) for event in events]
        if self.is_standard:
            return standard_choices(self.key)
        return [(str(value), str(label)) for value, label in self.options]


class Source(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper, typed in by staff")
    IMPORTED = "imported", _("Imported from a spreadsheet")


class ResponseQuerySet(models.QuerySet):
    def attendees(self):
        return self.filter(attended=True)

    def non_attendees(self):
        return self.filter(attended=False)


class Response(models.Model):
    """One person's answers to one wave. The answers that describe the person are
    copied here so the report groups by them in one query."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    source = models.CharField(max_length=10, choices=Source.choices)
    received_hour = models.DateTimeField(_("received (to the hour)"), null=True, blank=True)
    # Online and paper forms carry a nonce, so one sent twice is stored once.
    form_nonce = models.CharField(max_length=64, unique=True, null=True, blank=True)
    survey_import = models.ForeignKey(
        "SurveyImport", on_delete=models.CASCADE, null=True, blank=True, related_name="responses"
    )
    attended = models.BooleanField(_("has been to one of our events"), null=True, blank=True)
    attended_event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, blank=True)
    ethnic_group = models.CharField(max_length=10, choices=ETHNIC_GROUPS, blank=True)
    age_band = models.CharField(max_length=20, choices=AgeBand.choices, blank=True)
    area = models.CharField(max_length=100, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["wave", "attended", "ethnic_group"])]

    def __str__(self):
        return f"{self.wave} response"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    # 1 to 5 on a five-point scale; no score for don't know and for other kinds.
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    # "yes", "no", "dont_know", a choice's value or an event's id.
    choice = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self):
        return f"{self.question.key}: {self.choice}"


class AboutYouCard(models.Model):
    """The optional "about you" card from one person at one event: ethnicity, age band
    and area only, never linked to a contact or to what they said."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="about_you_cards")
    source = models.CharField(max_length=10, choices=Source.choices)
    received_hour = models.DateTimeField(_("received (to the hour)"), null=True, blank=True)
    form_nonce = models.CharField(max_length=64, unique=True, null=True, blank=True)
    ethnicity = models.CharField(
        _("ethnic group"), max_length=40, choices=Ethnicity.choices, blank=True
    )
    ethnic_group = models.CharField(max_length=10, choices=ETHNIC_GROUPS, blank=True)
    age_band = models.CharField(_("age"), max_length=20, choices=AgeBand.choices, blank=True)
    area = models.CharField(_("area"), max_length=100, blank=True)

    class Meta:
        indexes = [models.Index(fields=["event", "ethnic_group"])]

    def __str__(self):
        return f"About you card, {self.event}"


class HeldFormQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(received_hour__lt=hour_of(now or timezone.now()))


class HeldForm(models.Model):
    """A survey response or "about you" card sent online, waiting for the end of its
    hour. The id is random and the time is only the hour."""

    class Kind(models.TextChoices):
        SURVEY = "survey", _("Survey response")
        ABOUT_YOU = "about_you", _("About you card")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    wave = models.ForeignKey(
        Wave, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # {question key: stored value} for a survey; {field: value} for a card.
    answers = models.JSONField()
    form_nonce = models.CharField(max_length=64, unique=True)
    received_hour = models.DateTimeField(db_index=True)

    objects = HeldFormQuerySet.as_manager()

    def __str__(self):
        return f"{self.get_kind_display()} held until the hour is over"


class PopulationShare(models.Model):
    """The area's population by group, from the census, as a percentage: what the
    weighted view and the reach page compare against."""

    class Dimension(models.TextChoices):
        ETHNIC_GROUP = "ethnic_group", _("Ethnic group")
        AGE_BAND = "age_band", _("Age band")

    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    group = models.CharField(max_length=40)
    percent = models.DecimalField(
        _("share of the population (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["dimension", "group"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "group"], name="one_share_per_group"),
        ]

    def __str__(self):
        return f"{self.group}: {self.percent}%"


class SurveyImport(models.Model):
    """A spreadsheet of an earlier wave's answers on its way in: uploaded, its columns
    matched to questions, checked row by row, then imported all at once or not at all."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded: match the columns")
        CHECKING = "checking", _("Checking every row")
        CHECKED = "checked", _("Checked: ready to import")
        HAS_ERRORS = "has_errors", _("Checked: some rows need correcting")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Could not be read")

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=255)
    # The file itself, kept in the database so a worker on another machine can read
    # it; emptied once the import is done.
    content = models.BinaryField(default=b"")
    # Kept after the content is emptied, so the same file uploaded again is recognised.
    content_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    encoding = models.CharField(max_length=20, blank=True)
    headers = models.JSONField(default=list)
    # {column header: question key, or "" for a column left out}.
    mapping = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UPLOADED)
    # The rows under the heading row, blank ones included.
    total_rows = models.PositiveIntegerField(default=0)
    # The rows with answers, once checked: what the import would add to the wave.
    rows_to_import = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # The first errors found: a list of {"row": n, "column": header, "value": the cell,
    # "message": text}.
    errors = models.JSONField(default=list)
    imported_count = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.filename

    @property
    def progress_total(self) -> int:
        """The rows the step under way goes through: every row while checking, the rows
        with answers while importing."""
        return self.rows_to_import if self.status == self.Status.IMPORTING else self.total_rows

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.processed_rows / self.progress_total))
