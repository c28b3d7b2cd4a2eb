import re
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import Opportunity
from engagement.models import Community, Programme
from engagement.translatable import translations_field
from events.models import Event
from feedback.text import redact_personal_details
from feedback.text.language import language_name


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
    # Staff-added translations of the question and hint (engagement.translatable).
    translations = translations_field()
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


class TopicQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


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

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def keyword_list(self) -> list[str]:
        words = [line.strip().lower() for line in self.keywords.splitlines() if line.strip()]
        return [self.name.lower(), *words]


class SafeguardingTerm(models.Model):
    """A word or phrase that suggests a report of a crime, a threat or a risk to someone.
    A match flags the item for a person to look at; it decides nothing by itself."""

    phrase = models.CharField(_("word or phrase"), max_length=100, unique=True)

    class Meta:
        ordering = ["phrase"]
        verbose_name = _("safeguarding word")
        verbose_name_plural = _("safeguarding words")

    def __str__(self):
        return self.phrase

    def pattern(self) -> re.Pattern:
        return re.compile(rf"\b{re.escape(self.phrase.lower())}\b")


class SubmissionQuerySet(models.QuerySet):
    def paper_forms(self):
        return self.filter(source=Submission.Source.PAPER_FORM)


class Submission(models.Model):
    """One filled-in form, online or on paper, grouping its answers. Anonymous: it
    holds no IP address, browser details, cookie or exact time; only the hour."""

    class Source(models.TextChoices):
        ONLINE_FORM = "online_form", _("Anonymous online form")
        PAPER_FORM = "paper_form", _("Paper form, transcribed")

    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions"
    )
    # A visitor's form about a lay observation. Every visitor opens the same form, so
    # this says which visit, never which visitor.
    lay_observation = models.ForeignKey(
        Opportunity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_submissions",
        verbose_name=_("lay observation"),
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    received_hour = models.DateTimeField(_("received (to the hour)"))
    # A random value put in the form when it is shown, so that pressing Send twice
    # stores one submission. It says nothing about who sent it.
    form_nonce = models.CharField(max_length=64, unique=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-received_hour", "-pk"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self):
        return f"{self.get_source_display()} #{self.pk}"


def hour_of(moment):
    """The start of the hour a moment falls in: all that is kept of when anything was said."""
    return moment.replace(minute=0, second=0, microsecond=0)


class PendingSubmissionQuerySet(models.QuerySet):
    def due(self, now=None):
        """Forms whose hour is over, ready to join the feedback."""
        return self.filter(received_hour__lt=hour_of(now or timezone.now()))

    def flagged(self):
        return self.filter(is_safeguarding_flagged=True)


class PendingSubmission(models.Model):
    """An anonymous online form waiting for the end of its hour.

    Forms are stored as feedback only on the hour, all of an hour's forms together in a
    random order, so that neither the time a form was saved nor its place among the ids
    can pair it with a sign-up made a moment later. The id is random for the same
    reason. The answers are as they were typed: personal details are taken out when
    the form is stored as feedback, as for every other source."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lay_observation = models.ForeignKey(
        Opportunity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    community = models.ForeignKey(
        Community, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A list of [key question id or null, text], one per box filled in.
    answers = models.JSONField()
    form_nonce = models.CharField(max_length=64, unique=True)
    received_hour = models.DateTimeField(_("received (to the hour)"), db_index=True)
    # The person chose "Another community": a community not on the list, which must not
    # be counted for the event's. No words go with it.
    another_community = models.BooleanField(default=False)
    is_safeguarding_flagged = models.BooleanField(_("safeguarding flag"), default=False)
    safeguarding_terms = models.CharField(max_length=300, blank=True)

    objects = PendingSubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("form arriving on the hour")
        verbose_name_plural = _("forms arriving on the hour")

    def __str__(self):
        return str(_("Form arriving on the hour"))

    def answers_for_reading(self, key_questions: dict) -> list[tuple]:
        """(key question or None, text with personal details taken out) for each box,
        given the key questions by id."""
        return [
            (key_questions.get(question_id), redact_personal_details(text).text)
            for question_id, text in self.answers
        ]


class FeedbackItemQuerySet(models.QuerySet):
    def for_inbox(self):
        return self.select_related(
            "event", "key_question", "community", "recorded_by", "submission__lay_observation"
        ).prefetch_related("topics", "workstreams")

    def flagged(self):
        return self.filter(is_safeguarding_flagged=True)

    def awaiting_safeguarding_review(self):
        return self.flagged().filter(safeguarding_reviewed=False)

    def in_inbox_order(self):
        """Flagged items first, then the newest."""
        return self.order_by("-is_safeguarding_flagged", "-received_hour", "-pk")

    def counted(self):
        """Items that count in analysis and summaries: all but those set aside."""
        return self.exclude(status=FeedbackItem.Status.SET_ASIDE)

    def with_community_by_default(self):
        """Items counted for their event's community because nobody said which
        community the person feels part of."""
        return self.filter(community_source=FeedbackItem.CommunitySource.EVENT_DEFAULT)

    def internal(self):
        return self.filter(is_internal=True)

    def quotable(self):
        """Items that findings may quote: never a safeguarding flag, an officer's note
        marked internal, or an item set aside."""
        return self.counted().filter(is_safeguarding_flagged=False, is_internal=False)

    def live_notes_for(self, event):
        """The points officers noted during the event, the latest first."""
        return (
            self.filter(event=event, source=FeedbackItem.Source.DISCUSSION_NOTE)
            .select_related("key_question")
            .order_by("-pk")
        )


class FeedbackItem(models.Model):
    """One point someone made, in their words, tagged so it can be analysed.

    No exact timestamps are kept: for anonymous sources even the moment of saving
    could help identify someone, so every item records the hour only."""

    class Source(models.TextChoices):
        DISCUSSION_NOTE = "discussion_note", _("Discussion note by an officer")
        ONLINE_FORM = "online_form", _("Anonymous online form")
        PAPER_FORM = "paper_form", _("Paper form, transcribed")
        FOCUS_GROUP = "focus_group", _("Focus group")
        EMAIL_OR_LETTER = "email_or_letter", _("Email or letter")
        SURVEY_COMMENT = "survey_comment", _("Survey comment")
        LIVE_SESSION = "live_session", _("Live session at an event")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        TAGGED = "tagged", _("Tagged")
        IN_FINDINGS = "in_findings", _("Included in findings")
        SET_ASIDE = "set_aside", _("Set aside")

    class CommunitySource(models.TextChoices):
        """Where the item's community came from."""

        GIVEN = "given", _("Said by the person")
        ANOTHER = "another", _("Another community, not on the list")
        EVENT_DEFAULT = "event_default", _("The event's community, by default")
        TAGGED = "tagged", _("Chosen when tagging")
        NOT_KNOWN = "not_known", _("Not known")

    text = models.TextField(_("what was said"))
    original_text = models.TextField(
        _("original text"),
        blank=True,
        help_text=_("Kept when the text was redacted. Coordinators only."),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_items",
        verbose_name=_("event"),
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, null=True, blank=True, related_name="items"
    )
    key_question = models.ForeignKey(
        KeyQuestion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_items",
        verbose_name=_("key question"),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="feedback_items", verbose_name=_("topics")
    )
    workstreams = models.ManyToManyField(
        Workstream, blank=True, related_name="feedback_items", verbose_name=_("workstreams")
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_items",
        verbose_name=_("community"),
    )
    community_source = models.CharField(
        _("where the community came from"),
        max_length=20,
        choices=CommunitySource.choices,
        default=CommunitySource.NOT_KNOWN,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_recorded",
        verbose_name=_("recorded by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    set_aside_reason = models.CharField(_("reason for setting aside"), max_length=300, blank=True)
    received_hour = models.DateTimeField(_("received (to the hour)"), db_index=True)
    was_redacted = models.BooleanField(
        _("personal details removed"),
        default=False,
        help_text=_("Details that could identify someone were removed automatically."),
    )
    redaction_checked = models.BooleanField(_("redaction checked"), default=False)
    # The language it is written in, as detected when it was stored ("" when it could
    # not be told), so a Coordinator can find a translator. The text stays as written.
    language = models.CharField(_("language"), max_length=12, blank=True, default="")
    is_safeguarding_flagged = models.BooleanField(_("safeguarding flag"), default=False)
    safeguarding_terms = models.CharField(max_length=300, blank=True)
    safeguarding_reviewed = models.BooleanField(_("flag looked at"), default=False)
    is_internal = models.BooleanField(
        _("internal note"),
        default=False,
        help_text=_("An officer's note for staff only: never quoted in findings."),
    )
    # Lets a note typed offline be sent again without being stored twice.
    client_reference = models.CharField(max_length=64, unique=True, null=True, blank=True)

    objects = FeedbackItemQuerySet.as_manager()

    class Meta:
        ordering = ["-received_hour", "-pk"]
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        indexes = [
            models.Index(fields=["status", "received_hour"]),
            # The inbox order: flagged first, then newest.
            models.Index(
                fields=["-is_safeguarding_flagged", "-received_hour", "-id"],
                name="feedback_inbox_order",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="set_aside") | ~Q(set_aside_reason=""),
                name="set_aside_feedback_has_a_reason",
            )
        ]

    def __str__(self):
        return self.text[:60]

    @property
    def language_name(self) -> str:
        return language_name(self.language) if self.language else ""

    @property
    def is_in_another_language(self) -> bool:
        """Written in a language other than English: the topic suggestions, which
        match English words, cannot read it."""
        return bool(self.language) and self.language != "en"

    @property
    def can_be_marked_internal(self) -> bool:
        """Only officers' notes are internal: what the public wrote is theirs to share."""
        return self.source == self.Source.DISCUSSION_NOTE


class SafeguardingFlagChange(models.Model):
    """A person flagging an item for safeguarding by hand, or removing a flag, and
    why. It records what a member of staff did and when; it says nothing about when
    the feedback itself arrived, which for anonymous items is kept to the hour."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="flag_changes")
    flagged = models.BooleanField(
        _("flag raised"), help_text=_("Ticked when the flag was raised, empty when it was removed.")
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("safeguarding flag change")
        verbose_name_plural = _("safeguarding flag changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(flagged=True) | ~Q(reason=""),
                name="removed_safeguarding_flag_has_a_reason",
            )
        ]

    def __str__(self):
        return str(_("Flag raised") if self.flagged else _("Flag removed"))
