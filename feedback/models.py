from django.db import models
from django.utils.translation import gettext_lazy as _

from engagement.models import Programme


class Workstream(models.Model):
    """A Police Race Action Plan workstream: respect, protect, involve, represent."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("workstream")
        verbose_name_plural = _("workstreams")

    def __str__(self):
        return self.name


class KeyQuestionQuerySet(models.QuerySet):
    def for_programme(self, programme):
        return self.filter(programme_links__programme=programme).order_by(
            "programme_links__position"
        )


class KeyQuestion(models.Model):
    """A question put to the community at events, e.g. "How can the police better
    respect this community?"."""

    text = models.CharField(_("question"), max_length=300, unique=True)
    hint = models.CharField(
        _("hint"),
        max_length=300,
        blank=True,
        help_text=_("Shown under the question on feedback forms."),
    )
    workstream = models.ForeignKey(
        Workstream,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_questions",
        verbose_name=_("workstream"),
    )
    programmes = models.ManyToManyField(
        Programme,
        through="ProgrammeKeyQuestion",
        related_name="key_questions",
        blank=True,
        verbose_name=_("programmes"),
    )

    events_covered = models.ManyToManyField(
        "events.Event",
        blank=True,
        related_name="key_questions_covered",
        verbose_name=_("events where it was discussed"),
    )

    objects = KeyQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["workstream__position", "text"]
        verbose_name = _("key question")
        verbose_name_plural = _("key questions")

    def __str__(self):
        return self.text


class ProgrammeKeyQuestion(models.Model):
    """Puts a key question in a programme, in order."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="key_question_links"
    )
    key_question = models.ForeignKey(
        KeyQuestion, on_delete=models.CASCADE, related_name="programme_links"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "key_question"], name="unique_key_question_per_programme"
            )
        ]
        verbose_name = _("programme key question")
        verbose_name_plural = _("programme key questions")

    def __str__(self):
        return f"{self.programme}: {self.key_question}"


class Topic(models.Model):
    """A subject people raise, e.g. stop and search. The list is edited in the admin."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("short name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_("Words and phrases that suggest this topic, one per line."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name
