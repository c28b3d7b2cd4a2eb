"""The focus group: volunteers recruited from contacts, who sense-check findings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FocusGroupMemberQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(started_at__lte=now).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=now)
        )


class FocusGroupMember(models.Model):
    """A volunteer's membership, from when they accepted the invitation until they step
    down or a Coordinator ends it. Access to the panel follows it at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="focus_group_membership",
        verbose_name=_("account"),
    )
    attendee = models.ForeignKey(
        "contacts.Attendee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The contact they were recruited from, for the Coordinators' records."),
    )
    started_at = models.DateTimeField(_("joined"), default=timezone.now)
    ended_at = models.DateTimeField(_("left"), null=True, blank=True)

    objects = FocusGroupMemberQuerySet.as_manager()

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        verbose_name = _("focus group member")
        verbose_name_plural = _("focus group members")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.started_at <= now and (self.ended_at is None or self.ended_at > now)
