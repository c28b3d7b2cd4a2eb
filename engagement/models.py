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


class CommunityQuerySet(models.QuerySet):
    def approved(self):
        """The communities offered to the public on forms."""
        return self.filter(is_approved=True)

    def awaiting_approval(self):
        return self.filter(is_approved=False)


class Community(models.Model):
    """A community an event can focus on, as the community describes itself.
    Coordinators may propose one; an Administrator approves it before it is offered on
    public forms."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_approved = models.BooleanField(
        _("approved"),
        default=True,
        help_text=_("Approved communities are offered on public forms."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed"), null=True, blank=True)

    objects = CommunityQuerySet.as_manager()

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


class StaffPreferencesQuerySet(models.QuerySet):
    def wanting_monthly_summary(self):
        return self.filter(monthly_summary=True)


class StaffPreferences(models.Model):
    """What a member of staff has chosen about the emails the app sends them. Someone
    with no row has chosen nothing: they get every email their roles call for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_preferences"
    )
    monthly_summary = models.BooleanField(
        _("email me a monthly summary"),
        default=True,
        help_text=_("The headline figures from the dashboard, on the first of each month."),
    )

    objects = StaffPreferencesQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff preferences")
        verbose_name_plural = _("staff preferences")

    def __str__(self):
        return str(self.user)

    @classmethod
    def wants_monthly_summary(cls, user) -> bool:
        chosen = cls.objects.filter(user=user).values_list("monthly_summary", flat=True).first()
        return True if chosen is None else chosen


class PublicLanguage(models.Model):
    """Whether a language is offered to the public. A language without a row is on;
    English is always on. Changed by an Administrator at /staff/languages/."""

    code = models.CharField(_("language"), max_length=10, unique=True)
    is_enabled = models.BooleanField(_("offered to the public"), default=True)
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("public language")
        verbose_name_plural = _("public languages")

    def __str__(self):
        return self.code
