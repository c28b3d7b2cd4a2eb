"""You Said, We Did: what the force does, or honestly cannot do, about what communities
told it. An action is proposed by a Coordinator, agreed or declined by a Leader, and
updated by its department's owners until it is done or marked cannot act. Every step,
and every change of owner or due date, is kept on a dated timeline; each entry is
public or internal."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagement.models import Community, Department
from engagement.translatable import translations_field
from events.models import Event
from feedback.models import FeedbackItem, FindingsSection, Topic, Workstream

DUE_SOON_DAYS = 14


class ActionQuerySet(models.QuerySet):
    def public(self):
        """Actions the public may read: agreed, and not kept internal."""
        return self.filter(is_public=True, status__in=Action.PUBLIC_STATUSES)

    def open(self):
        return self.filter(status__in=Action.OPEN_STATUSES)

    def overdue(self, today: date | None = None):
        return self.filter(
            status__in=Action.UNDER_WAY_STATUSES, due_on__lt=today or timezone.localdate()
        )

    def due_soon(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(
            status__in=Action.UNDER_WAY_STATUSES,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=DUE_SOON_DAYS),
        )

    def for_department_of(self, user):
        return self.filter(department__members=user)

    def for_event(self, event):
        return self.filter(events=event)

    def with_latest_public_update(self):
        """Each action with `latest_public_text` and `latest_public_at`: its newest public
        update, read in the same query however many actions there are."""
        latest = ActionUpdate.objects.filter(
            action=OuterRef("pk"), is_public=True, kind=ActionUpdate.Kind.UPDATE
        ).order_by("-at", "-pk")
        return self.annotate(
            latest_public_text=Subquery(latest.values("text")[:1]),
            latest_public_at=Subquery(latest.values("at")[:1]),
        )

    def for_public_list(self):
        return (
            self.public()
            .select_related("department")
            .prefetch_related("workstreams", "topics", "communities")
            .with_latest_public_update()
            .annotate(first_workstream=models.Min("workstreams__position"))
            .order_by(
                models.F("first_workstream").asc(nulls_last=True),
                "status_order",
                "-status_changed_at",
                "-pk",
            )
        )

    def overdue_first(self, today: date | None = None):
        """Overdue actions first, then the soonest due, then the rest."""
        today = today or timezone.localdate()
        return self.annotate(
            overdue_rank=models.Case(
                models.When(
                    status__in=Action.UNDER_WAY_STATUSES, due_on__lt=today, then=models.Value(0)
                ),
                default=models.Value(1),
                output_field=models.IntegerField(),
            ),
            finished_rank=models.Case(
                models.When(status__in=Action.FINISHED_STATUSES, then=models.Value(1)),
                default=models.Value(0),
                output_field=models.IntegerField(),
            ),
        ).order_by("overdue_rank", "finished_rank", "due_on", "pk")

    def answering(self, item):
        return self.filter(items=item)


class Action(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANNOT_ACT = "cannot_act", _("Cannot act")
        DECLINED = "declined", _("Declined")

    PUBLIC_STATUSES = (Status.AGREED, Status.IN_PROGRESS, Status.DONE, Status.CANNOT_ACT)
    UNDER_WAY_STATUSES = (Status.AGREED, Status.IN_PROGRESS)
    OPEN_STATUSES = (Status.PROPOSED, Status.AGREED, Status.IN_PROGRESS)
    FINISHED_STATUSES = (Status.DONE, Status.CANNOT_ACT, Status.DECLINED)
    # The order statuses are listed in on the public page: what is happening first.
    STATUS_ORDER = {
        Status.IN_PROGRESS: 1,
        Status.AGREED: 2,
        Status.DONE: 3,
        Status.CANNOT_ACT: 4,
        Status.PROPOSED: 5,
        Status.DECLINED: 6,
    }

    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("A few words the public will understand, e.g. “Stop and search training”."),
    )
    you_said = models.TextField(
        _("you said"),
        help_text=_("What people told us, in plain words. Shown to the public: no names."),
    )
    we_did = models.TextField(
        _("we did / we will"),
        help_text=_("What the force did or will do about it. Shown to the public."),
    )
    # Staff-added translations of the title, you said and we did (engagement.translatable).
    translations = translations_field()
    workstreams = models.ManyToManyField(
        Workstream, blank=True, related_name="actions", verbose_name=_("workstreams")
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="actions", verbose_name=_("topics")
    )
    communities = models.ManyToManyField(
        Community, blank=True, related_name="actions", verbose_name=_("communities")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("department"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_owned",
        verbose_name=_("owner"),
        help_text=_("Someone in the department. Leave empty for any of its action owners."),
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    status_order = models.PositiveSmallIntegerField(default=5, editable=False)
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    is_public = models.BooleanField(
        _("show on You Said, We Did"),
        default=True,
        help_text=_("Once agreed. Untick for an action that is for staff only."),
    )
    cannot_act_reason = models.TextField(
        _("why we cannot act"),
        blank=True,
        help_text=_("Shown to the public: an honest explanation."),
    )
    decline_reason = models.TextField(_("why it was declined"), blank=True)
    items = models.ManyToManyField(
        FeedbackItem,
        blank=True,
        related_name="actions",
        verbose_name=_("feedback it answers"),
    )
    sections = models.ManyToManyField(
        FindingsSection,
        blank=True,
        related_name="actions",
        verbose_name=_("findings sections it answers"),
    )
    events = models.ManyToManyField(
        Event,
        blank=True,
        related_name="actions",
        verbose_name=_("events it came from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["is_public", "status_order", "-status_changed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="cannot_act") | ~Q(cannot_act_reason=""),
                name="cannot_act_has_a_public_explanation",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="declined_action_has_a_reason",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.status_order = self.STATUS_ORDER[self.status]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = {*update_fields, "status_order"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("actions:detail", args=[self.pk])

    def get_public_url(self):
        return reverse("actions:public-detail", args=[self.pk])

    @property
    def is_on_public_page(self) -> bool:
        return self.is_public and self.status in self.PUBLIC_STATUSES

    @property
    def is_under_way(self) -> bool:
        return self.status in self.UNDER_WAY_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_under_way and self.due_on < (today or timezone.localdate())

    @staticmethod
    def due_date_problem(due_on: date, today: date | None = None) -> str:
        """Why a due date cannot be set on a new action, or "" if it can."""
        if due_on < (today or timezone.localdate()):
            return str(_("The due date must be today or later."))
        return ""

    @staticmethod
    def owner_problem(owner, department) -> str:
        """Why this person cannot own the department's action, or "" if they can."""
        if owner is None:
            return ""
        if not department.members.filter(pk=owner.pk).exists():
            return str(
                _("%(name)s is not in %(department)s. Choose someone in the department.")
                % {"name": owner.get_full_name() or owner.username, "department": department}
            )
        return ""


class ActionUpdateQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def milestones(self):
        """The changes the people who asked are told about in their digest."""
        return self.filter(is_public=True, kind__in=ActionUpdate.MILESTONES)


class ActionUpdate(models.Model):
    """One dated entry on an action's timeline."""

    class Kind(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")
        DECLINED = "declined", _("Declined")
        IN_PROGRESS = "in_progress", _("Work started")
        DONE = "done", _("Done")
        CANNOT_ACT = "cannot_act", _("Cannot act")
        OWNER_CHANGED = "owner_changed", _("Owner changed")
        DUE_DATE_CHANGED = "due_changed", _("Due date changed")
        EDITED = "edited", _("Details changed")
        UPDATE = "update", _("Update")

    MILESTONES = (Kind.AGREED, Kind.DONE, Kind.CANNOT_ACT)

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("update"), blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = ActionUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("action update")
        verbose_name_plural = _("action updates")

    def __str__(self):
        return self.text[:60] or self.get_kind_display()


class DigestRun(models.Model):
    """One week's update digest: which changes it covered. A second run in the same
    week finds this row and sends nothing."""

    week = models.CharField(_("week"), max_length=10, unique=True)
    covered_from = models.DateTimeField(_("changes from"))
    covered_until = models.DateTimeField(_("changes until"))
    emails_queued = models.PositiveIntegerField(_("emails queued"), default=0)

    class Meta:
        ordering = ["-covered_until"]
        verbose_name = _("update digest")
        verbose_name_plural = _("update digests")

    def __str__(self):
        return self.week
