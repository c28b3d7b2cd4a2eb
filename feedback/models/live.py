"""The live session at an event: people in the room send points and questions from
their phones, a moderator approves them onto the room's screen, everyone answers quick
polls, and the room can split into tables. Closing the session moves what was said
into the feedback inbox.

What a phone sends is as anonymous as the online form: no IP address, user agent,
cookie or time is stored with a point, a support or a poll answer. Which points a
phone supported and which polls it answered are kept only in a signed cookie on the
phone itself."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import Event
from feedback.models.capture import FeedbackItem, KeyQuestion

# Letters and digits that cannot be mistaken for each other when read off a screen or
# typed on a phone: no 0/O, 1/I/L, 5/S, 2/Z, 8/B.
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY3469"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class LiveSessionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=LiveSession.Status.OPEN)


class LiveSession(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="live_sessions", verbose_name=_("event")
    )
    code = models.CharField(_("join code"), max_length=12, unique=True, default=new_join_code)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    current_key_question = models.ForeignKey(
        KeyQuestion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("key question on the screen"),
    )
    # The room is split into tables; when false, the tables have come back together.
    is_split = models.BooleanField(default=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Goes up with every change a phone or the screen shows: it is their ETag.
    version = models.PositiveIntegerField(default=1)

    objects = LiveSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"], condition=Q(status="open"), name="one_open_live_session_per_event"
            )
        ]

    def __str__(self):
        return f"{self.event} ({self.code})"

    def get_absolute_url(self):
        return reverse("live-phone", kwargs={"code": self.code})

    def get_staff_url(self):
        return reverse("feedback:live-moderate", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class LiveTable(models.Model):
    """One table of a room split into small groups, with its own notes and points."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="one_table_number")
        ]

    def __str__(self):
        return str(_("Table %(number)s") % {"number": self.number})


class LivePointQuerySet(models.QuerySet):
    def on_screen(self):
        """What phones sent, approved and never flagged, most supported first. A
        table's notes are shown with their table when the tables come together."""
        return self.filter(
            status=LivePoint.Status.APPROVED, is_flagged=False, recorded_by__isnull=True
        ).order_by("-supports", "pk")

    def awaiting_moderation(self):
        return self.filter(status=LivePoint.Status.PENDING).order_by("pk")


class LivePoint(models.Model):
    """A point or question sent from a phone, or a note from a table. Stored without
    anything about the phone or when it was sent; the order of ids is all there is."""

    class Kind(models.TextChoices):
        POINT = "point", _("Point")
        QUESTION = "question", _("Question")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the moderator")
        APPROVED = "approved", _("On the screen")
        HIDDEN = "hidden", _("Hidden")
        MERGED = "merged", _("Merged into another")

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="points")
    table = models.ForeignKey(
        LiveTable, on_delete=models.SET_NULL, null=True, blank=True, related_name="points"
    )
    key_question = models.ForeignKey(
        KeyQuestion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.POINT)
    text = models.TextField()
    original_text = models.TextField(blank=True)
    was_redacted = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    supports = models.PositiveIntegerField(default=0)
    is_flagged = models.BooleanField(default=False)
    safeguarding_terms = models.CharField(max_length=300, blank=True)
    # Set by the phone when the point is typed, so a point sent again after a lost
    # answer is stored once.
    client_reference = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # The facilitator who typed a table's note; empty for what phones send.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feedback_item = models.OneToOneField(
        FeedbackItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="live_point"
    )

    objects = LivePointQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.text[:60]


class LivePoll(models.Model):
    class Kind(models.TextChoices):
        CHOICE = "choice", _("Choose one answer")
        SCALE = "scale", _("1 to 5")

    class Purpose(models.TextChoices):
        ASKED = "asked", _("A question of the day")
        TRUST_BEFORE = "trust_before", _("Trust, at the start")
        TRUST_AFTER = "trust_after", _("Trust, at the end")

    class Status(models.TextChoices):
        READY = "ready", _("Ready")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("answers"), max_length=10, choices=Kind.choices)
    # The answers to choose from, for a choice poll.
    options = models.JSONField(default=list, blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.ASKED)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READY)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "purpose"],
                condition=~Q(purpose="asked"),
                name="one_trust_poll_of_each_kind",
            )
        ]

    def __str__(self):
        return self.question

    def answer_labels(self) -> list[str]:
        if self.kind == self.Kind.SCALE:
            return ["1", "2", "3", "4", "5"]
        return [str(option) for option in self.options]

    def is_valid_answer(self, value: int) -> bool:
        return 0 <= value < len(self.answer_labels())


class LivePollAnswer(models.Model):
    """One phone's answer: the index of the answer chosen (0 for "1" on a scale)."""

    poll = models.ForeignKey(LivePoll, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField()

    def __str__(self):
        return f"{self.poll_id}: {self.value}"
