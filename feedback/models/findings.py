"""Findings: what the force heard at one event, or several in a round-up, written up by
a Coordinator, sense-checked by the focus group, agreed and shared.

Findings change in versions. A version that has been sent to the focus group, or
agreed, is never changed again: the next change makes a new version, so that what
each member read is always there to compare with what came after."""

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models.capture import FeedbackItem, KeyQuestion
from feedback.models.focus_group import FocusGroupMember


class FindingsQuerySet(models.QuerySet):
    def shared(self):
        return self.filter(status=Findings.Status.SHARED)

    def for_event(self, event):
        return self.filter(events=event)

    def for_list(self):
        return (
            self.prefetch_related("events")
            .annotate(version_count=models.Count("versions", distinct=True))
            .order_by("-created_at", "-pk")
        )


class Findings(models.Model):
    """The write-up of one event, or of several (a round-up)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        WITH_FOCUS_GROUP = "with_focus_group", _("With the focus group")
        AMENDING = "amending", _("Amending")
        AGREED = "agreed", _("Agreed")
        SHARED = "shared", _("Shared")

    title = models.CharField(_("title"), max_length=200)
    events = models.ManyToManyField(
        "events.Event", related_name="findings", verbose_name=_("events")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    created_at = models.DateTimeField(_("drafted"), default=timezone.now)
    # When each step last happened. The full story, with every sending, is in the
    # changes below.
    sent_at = models.DateTimeField(_("sent to the focus group"), null=True, blank=True)
    amending_at = models.DateTimeField(_("amending since"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    shared_at = models.DateTimeField(_("shared"), null=True, blank=True)
    agreed_version = models.ForeignKey(
        "FindingsVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version agreed"),
    )

    objects = FindingsQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("findings")
        verbose_name_plural = _("findings")

    def __str__(self):
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.status == self.Status.SHARED

    @property
    def is_agreed(self) -> bool:
        return self.status == self.Status.AGREED

    @property
    def can_be_changed(self) -> bool:
        return self.status != self.Status.SHARED

    @property
    def status_since(self) -> datetime:
        """When the findings reached the step they are at now."""
        return {
            self.Status.DRAFT: self.created_at,
            self.Status.WITH_FOCUS_GROUP: self.sent_at,
            self.Status.AMENDING: self.amending_at,
            self.Status.AGREED: self.agreed_at,
            self.Status.SHARED: self.shared_at,
        }[self.status] or self.created_at

    def steps(self) -> list[tuple[str, str, datetime | None]]:
        """(status, label, when it last happened or None) for each step in order."""
        return [
            (self.Status.DRAFT, self.Status.DRAFT.label, self.created_at),
            (self.Status.WITH_FOCUS_GROUP, self.Status.WITH_FOCUS_GROUP.label, self.sent_at),
            (self.Status.AMENDING, self.Status.AMENDING.label, self.amending_at),
            (self.Status.AGREED, self.Status.AGREED.label, self.agreed_at),
            (self.Status.SHARED, self.Status.SHARED.label, self.shared_at),
        ]

    def latest_version(self) -> "FindingsVersion":
        return self.versions.order_by("-number").first()


class FindingsVersion(models.Model):
    """The overview and sections as they stood at one time."""

    findings = models.ForeignKey(Findings, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    overview = models.TextField(_("overview"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made"), default=timezone.now)
    sent_at = models.DateTimeField(_("first sent to the focus group"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)

    class Meta:
        ordering = ["findings", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["findings", "number"], name="one_findings_version_per_number"
            )
        ]
        verbose_name = _("findings version")
        verbose_name_plural = _("findings versions")

    def __str__(self):
        return str(_("Version %(number)s") % {"number": self.number})

    @property
    def is_locked(self) -> bool:
        """Sent or agreed: changed only by making a new version."""
        return self.sent_at is not None or self.agreed_at is not None


class FindingsSection(models.Model):
    """One key question or theme: a summary and the feedback it rests on."""

    version = models.ForeignKey(FindingsVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key_question = models.ForeignKey(
        KeyQuestion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("key question"),
    )
    heading = models.CharField(_("heading"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    items = models.ManyToManyField(
        FeedbackItem,
        blank=True,
        related_name="findings_sections",
        verbose_name=_("feedback it rests on"),
    )
    # The same section in the version before, so that answers to it can be read beside
    # the change they led to.
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("findings section")
        verbose_name_plural = _("findings sections")

    def __str__(self):
        return self.heading


class SenseCheckRequestQuerySet(models.QuerySet):
    def for_member(self, member):
        return self.filter(member=member)

    def latest_per_findings(self):
        """Only each member's latest request for each findings: the version to answer."""
        newer = SenseCheckRequest.objects.filter(
            member=models.OuterRef("member"),
            version__findings=models.OuterRef("version__findings"),
            version__number__gt=models.OuterRef("version__number"),
        )
        return self.exclude(models.Exists(newer))

    def open(self):
        """Requests a member may still answer: the latest for findings not yet agreed."""
        return self.latest_per_findings().filter(
            version__findings__status__in=[
                Findings.Status.WITH_FOCUS_GROUP,
                Findings.Status.AMENDING,
            ]
        )


class SenseCheckRequest(models.Model):
    """One member asked to check one version by a deadline."""

    version = models.ForeignKey(
        FindingsVersion, on_delete=models.CASCADE, related_name="sense_check_requests"
    )
    # Kept when a membership is removed, so that the answers stay in the record.
    member = models.ForeignKey(
        FocusGroupMember,
        on_delete=models.SET_NULL,
        null=True,
        related_name="sense_check_requests",
        verbose_name=_("member"),
    )
    deadline = models.DateField(_("answer by"))
    sent_at = models.DateTimeField(_("asked"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    objects = SenseCheckRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "member"], name="one_sense_check_request_per_version"
            )
        ]
        verbose_name = _("sense-check request")
        verbose_name_plural = _("sense-check requests")

    def __str__(self):
        return str(_("Sense-check of %(version)s") % {"version": self.version})

    def is_late(self, at: datetime) -> bool:
        return timezone.localdate(at) > self.deadline

    @staticmethod
    def deadline_problem(deadline: date, today: date | None = None) -> str:
        """Why a deadline cannot be used, or "" if it can."""
        if deadline < (today or timezone.localdate()):
            return str(_("The deadline must be today or later."))
        return ""


class SectionAnswerQuerySet(models.QuerySet):
    def current(self):
        return self.filter(replaced_at__isnull=True)


class SectionAnswer(models.Model):
    """A member's answer about one section. Answering again keeps this one, marked as
    replaced, so the record shows every answer given."""

    class Verdict(models.TextChoices):
        ACCURATE = "accurate", _("Accurate")
        PARTLY = "partly", _("Partly accurate")
        NOT_ACCURATE = "not_accurate", _("Not accurate")

    request = models.ForeignKey(SenseCheckRequest, on_delete=models.CASCADE, related_name="answers")
    section = models.ForeignKey(FindingsSection, on_delete=models.CASCADE, related_name="answers")
    verdict = models.CharField(_("is it accurate?"), max_length=20, choices=Verdict.choices)
    comment = models.TextField(_("comment"), blank=True)
    suggested_wording = models.TextField(_("suggested wording"), blank=True)
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)
    is_late = models.BooleanField(_("after the deadline"), default=False)
    replaced_at = models.DateTimeField(_("replaced by a later answer"), null=True, blank=True)

    objects = SectionAnswerQuerySet.as_manager()

    class Meta:
        ordering = ["answered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "section"],
                condition=Q(replaced_at__isnull=True),
                name="one_current_answer_per_section",
            )
        ]
        verbose_name = _("sense-check answer")
        verbose_name_plural = _("sense-check answers")

    def __str__(self):
        return self.get_verdict_display()

    @classmethod
    def problem_with(cls, *, verdict: str, comment: str, suggested_wording: str) -> str:
        """Why an answer cannot be kept as it is, or "" if it can."""
        if verdict not in cls.Verdict.values:
            return str(_("Choose whether this section is accurate."))
        if verdict != cls.Verdict.ACCURATE and not (comment.strip() or suggested_wording.strip()):
            return str(_("Tell us what is not right, or suggest better wording."))
        return ""


class FindingsChange(models.Model):
    """One step in the findings' record: who did what, when, and why."""

    class Kind(models.TextChoices):
        DRAFTED = "drafted", _("Drafted")
        CHANGED = "changed", _("Changed")
        NEW_VERSION = "new_version", _("New version started")
        SENT = "sent", _("Sent to the focus group")
        AGREED = "agreed", _("Agreed")
        SHARED = "shared", _("Shared")

    findings = models.ForeignKey(Findings, on_delete=models.CASCADE, related_name="changes")
    version = models.ForeignKey(
        FindingsVersion, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("what changed"), max_length=500, blank=True)
    note = models.TextField(_("why"), blank=True)
    because_of = models.ManyToManyField(
        SectionAnswer,
        blank=True,
        related_name="changes_made",
        verbose_name=_("answers that led to it"),
    )
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
        verbose_name = _("findings change")
        verbose_name_plural = _("findings changes")

    def __str__(self):
        return self.description or self.get_kind_display()
