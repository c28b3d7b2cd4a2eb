"""The focus group: volunteers recruited from contacts, who meet every couple of months,
facilitate discussion at events and sense-check findings."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How long an emailed invitation to join works.
INVITATION_VALID_DAYS = 14


class FocusGroupMemberQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(started_at__lte=now).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=now)
        )

    def past(self, now=None):
        return self.filter(ended_at__lte=now or timezone.now())

    def for_staff_list(self):
        """With their account and the number of meetings they came to, in one query."""
        return self.select_related("user").annotate(
            meetings_attended_count=Count("meetings_attended", distinct=True)
        )

    def facilitating(self, event):
        return self.filter(events_facilitated=event)

    def to_tick_for_meeting(self, meeting):
        """The members a Coordinator chooses from when recording who came: those who
        were members when it started, and anyone already recorded."""
        members_then = self.model.objects.active(meeting.starts_at).values("pk")
        recorded = meeting.attended_by.values("pk")
        return self.filter(Q(pk__in=members_then) | Q(pk__in=recorded))

    def to_tick_for_event(self, event):
        """The members a Coordinator chooses from when recording who facilitated at an
        event: today's members, and anyone already recorded."""
        return self.filter(
            Q(pk__in=self.model.objects.active().values("pk"))
            | Q(pk__in=self.model.objects.facilitating(event).values("pk"))
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
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    end_reason = models.CharField(_("why it ended"), max_length=500, blank=True)
    # Set when the contact they joined as was erased: their account's name and email
    # went with it, and their past answers read as a former member's.
    details_erased_at = models.DateTimeField(_("details erased"), null=True, blank=True)
    events_facilitated = models.ManyToManyField(
        "events.Event",
        blank=True,
        related_name="+",
        verbose_name=_("events where they facilitated discussion"),
    )

    objects = FocusGroupMemberQuerySet.as_manager()

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        verbose_name = _("focus group member")
        verbose_name_plural = _("focus group members")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        if self.details_erased_at is not None:
            return str(_("A former member (details erased)"))
        return self.user.get_full_name() or self.user.get_username()

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.started_at <= now and (self.ended_at is None or self.ended_at > now)

    @property
    def stepped_down(self) -> bool:
        """They ended it themselves, rather than a Coordinator."""
        return self.ended_at is not None and self.ended_by_id == self.user_id


class FocusGroupInvitationQuerySet(models.QuerySet):
    def still_valid(self, now=None):
        since = (now or timezone.now()) - timedelta(days=INVITATION_VALID_DAYS)
        return self.filter(accepted_at__isnull=True, sent_at__gt=since)


class FocusGroupInvitation(models.Model):
    """An emailed invitation to join, sent by a Coordinator to a contact who said they
    would like to. Its link works once, for INVITATION_VALID_DAYS."""

    attendee = models.ForeignKey(
        "contacts.Attendee",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("contact"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    member = models.OneToOneField(
        FocusGroupMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
        verbose_name=_("membership it started"),
    )

    objects = FocusGroupInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("focus group invitation")
        verbose_name_plural = _("focus group invitations")

    def __str__(self):
        return str(_("Invitation %(number)s") % {"number": self.pk})


class FocusGroupMeetingQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(starts_at__gt=now or timezone.now()).order_by("starts_at")

    def past(self, now=None):
        return self.filter(starts_at__lte=now or timezone.now()).order_by("-starts_at")

    def not_cancelled(self):
        return self.filter(cancelled_at__isnull=True)

    def with_reply_of(self, member):
        """Each meeting with `member_can_come`: True, False, or None if they have not
        said."""
        replies = MeetingReply.objects.filter(meeting=OuterRef("pk"), member=member)
        return self.annotate(member_can_come=Subquery(replies.values("can_come")[:1]))

    def with_reply_counts(self):
        return self.annotate(
            can_come_count=Count("replies", filter=Q(replies__can_come=True), distinct=True),
            cannot_come_count=Count("replies", filter=Q(replies__can_come=False), distinct=True),
            attended_count=Count("attended_by", distinct=True),
        )

    def attended_by_member(self, member):
        return self.filter(attended_by=member)


class FocusGroupMeeting(models.Model):
    """A meeting of the whole focus group, every couple of months."""

    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(
        _("place"),
        max_length=300,
        blank=True,
        help_text=_("The name and address of the venue, if people meet in person."),
    )
    online_link = models.URLField(
        _("online joining link"),
        max_length=500,
        blank=True,
        help_text=_("For example a Teams or Zoom link, if people can join online."),
    )
    agenda = models.TextField(_("agenda"), max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("scheduled by"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Counts the changes members were told about, so that each change's email has a
    # dedupe key of its own.
    version = models.PositiveIntegerField(default=1, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancellation_reason = models.CharField(_("why it was cancelled"), max_length=500, blank=True)
    attended_by = models.ManyToManyField(
        FocusGroupMember,
        blank=True,
        related_name="meetings_attended",
        verbose_name=_("who came"),
    )
    attendance_recorded_at = models.DateTimeField(_("attendance recorded"), null=True, blank=True)

    objects = FocusGroupMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("focus group meeting")
        verbose_name_plural = _("focus group meetings")

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return str(_("Focus group meeting on %(day)s") % {"day": f"{local:%d %b %Y}"})

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def has_started(self, now=None) -> bool:
        return self.starts_at <= (now or timezone.now())

    def is_upcoming(self, now=None) -> bool:
        """Still to come and not cancelled: members may say whether they can come, and
        are told about changes."""
        return not self.is_cancelled and not self.has_started(now)


class MeetingReply(models.Model):
    """Whether a member said they can come to a meeting. Their latest answer counts."""

    meeting = models.ForeignKey(FocusGroupMeeting, on_delete=models.CASCADE, related_name="replies")
    member = models.ForeignKey(
        FocusGroupMember, on_delete=models.CASCADE, related_name="meeting_replies"
    )
    can_come = models.BooleanField(_("can come"))
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        ordering = ["member__user__first_name", "member__user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_reply_per_meeting")
        ]
        verbose_name = _("meeting reply")
        verbose_name_plural = _("meeting replies")

    def __str__(self):
        return f"{self.member_id} to {self.meeting_id}: {self.can_come}"
