import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProgrammeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Programme(models.Model):
    """A community engagement programme: a run of events around a set of key questions.

    Its ordered key questions live with the feedback taxonomy
    (`programme.key_questions`, ordered by `ProgrammeKeyQuestion.position`).
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name


class Community(models.Model):
    """A community an event can focus on, as the community describes itself."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self):
        return self.name


class Department(models.Model):
    """A part of the force that can own actions, e.g. Training or Professional Standards."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    email = models.EmailField(_("team email"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="departments",
        verbose_name=_("members"),
        help_text=_("Action owners who update this department's actions."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class OutboxMessageQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(
            status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now or timezone.now()
        )

    def stuck(self, *, older_than):
        """Messages a worker claimed but never finished, e.g. because it was killed."""
        return self.filter(status=OutboxMessage.Status.SENDING, claimed_at__lt=older_than)

    def counts_by_status(self) -> dict:
        counts = dict(self.values_list("status").annotate(count=models.Count("pk")))
        return {status: counts.get(status, 0) for status in OutboxMessage.Status.values}


class OutboxMessage(models.Model):
    """An email waiting to be sent, written in the same transaction as the change that
    causes it, so that nothing is sent for a change that was rolled back and nothing
    is lost if the broker loses the task that should send it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    # Random, so that the order of ids says nothing about the order messages were queued.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dedupe_key = models.CharField(max_length=200, unique=True)
    consent_purpose = models.CharField(
        max_length=40,
        blank=True,
        help_text=_("The consent the recipient must hold when it is sent; empty for replies."),
    )
    # Lazy reference: the outbox asks the attendee about consent without importing events.
    attendee = models.ForeignKey(
        "events.Attendee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    to_address = models.EmailField(max_length=254)
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_mimetype = models.CharField(max_length=100, blank=True)
    attachment_content = models.TextField(blank=True)
    message_id = models.CharField(max_length=200, unique=True)
    unsubscribe_url = models.URLField(max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A message about an anonymous form, such as a safeguarding alert. Once it is sent,
    # cancelled or failed, its times are cut to the hour (feedback.services), so that
    # it cannot be paired with anything else that happened at the same moment.
    from_anonymous_form = models.BooleanField(default=False)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(
                fields=["status"],
                condition=models.Q(from_anonymous_form=True),
                name="outbox_anonymous_form_status",
            ),
        ]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self):
        return f"{self.subject} ({self.get_status_display()})"

    @property
    def masked_address(self) -> str:
        """Enough of the address to tell messages apart, without showing personal data."""
        local, _at, domain = self.to_address.partition("@")
        return f"{local[:1]}•••@{domain}" if domain else "•••"


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditLogEntry(models.Model):
    """Who looked at or exported personal data, and when. Entries are never changed."""

    class Action(models.TextChoices):
        VIEWED_LIST = "viewed_list", _("Viewed a list of contacts")
        VIEWED_CONTACT = "viewed_contact", _("Viewed a contact")
        CHANGED_CONTACT = "changed_contact", _("Changed a contact")
        ADDED_CONTACT = "added_contact", _("Added a contact")
        EXPORTED = "exported", _("Exported data")
        UNLOCKED_SIGN_IN = "unlocked_sign_in", _("Unlocked a sign-in")
        RESET_TWO_FACTOR = "reset_two_factor", _("Reset two-step sign-in")

    # Empty only for what was done on the server's command line, where nobody signs in.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    subject = models.CharField(
        max_length=200, help_text=_("What was seen, e.g. contact 42, with its filters.")
    )
    path = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()} {self.subject}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


class Heartbeat(models.Model):
    """When a scheduled job last ran, so that /healthz can say when the scheduler has
    stopped: a dead beat process otherwise goes unnoticed while mail piles up."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
