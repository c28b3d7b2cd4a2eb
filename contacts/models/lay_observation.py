"""Lay observation: chances for contacts to see policing from the inside, such as a
custody suite visit or a ride-along, and the places offered to them.

A contact who agreed to hear about lay observation is offered a place once per
opportunity. They answer from the emailed link: take a place, join the waiting list
when it is full, or say it is not for them. The address of the place is shown only to
people who have one. Whether a short vetting check cleared someone is recorded as a
status; the check's details are never kept here.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_opportunity_feedback_token() -> str:
    # The key to the visitors' anonymous form. Every visitor gets the same one, so the
    # answers cannot be told apart by the link that was used.
    return secrets.token_urlsafe(16)


class ObservationKindQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class ObservationKind(models.Model):
    """A kind of lay observation, such as a custody suite visit. Administrators add
    kinds in the admin; a kind no longer offered is made inactive, never deleted, so
    past opportunities keep theirs."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(
        _("what happens"),
        blank=True,
        help_text=_("Shown to people offered a place, in plain words."),
    )
    is_active = models.BooleanField(
        _("offered now"),
        default=True,
        help_text=_("Untick to stop Coordinators choosing it for new opportunities."),
    )

    objects = ObservationKindQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("kind of lay observation")
        verbose_name_plural = _("kinds of lay observation")

    def __str__(self):
        return self.name


class OpportunityQuerySet(models.QuerySet):
    def planned(self):
        return self.filter(status=Opportunity.Status.PLANNED)

    def upcoming(self, now=None):
        return self.planned().filter(starts_at__gt=now or timezone.now())

    def past(self, now=None):
        return self.filter(starts_at__lte=now or timezone.now())

    def run(self, now=None):
        """Opportunities that went ahead: planned, not cancelled, and begun."""
        return self.planned().past(now)

    def with_place_counts(self):
        """Each with `taken_count` (people holding a place), `waiting_count` and
        `offered_count` (everyone offered), worked out in the database."""
        return self.annotate(
            taken_count=models.Count(
                "places", filter=models.Q(places__status__in=ObservationPlace.HOLDING)
            ),
            waiting_count=models.Count(
                "places", filter=models.Q(places__status=ObservationPlace.Status.WAITING)
            ),
            offered_count=models.Count("places"),
        )


class Opportunity(models.Model):
    """One chance to observe, on one date, with a number of places."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.ForeignKey(
        ObservationKind,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("kind"),
    )
    title = models.CharField(_("title"), max_length=200)
    details = models.TextField(
        _("what to expect"),
        blank=True,
        help_text=_("Shown to people offered a place: what they will see and do."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # Shown only to people who have a place, never on a public page.
    place = models.TextField(
        _("where to meet"),
        help_text=_(
            "The address and where to go when they arrive. Only people with a place see it."
        ),
    )
    places_available = models.PositiveSmallIntegerField(_("places"))
    only_event_attendees = models.BooleanField(
        _("only for people who came to an event"), default=False
    )
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    id_to_bring = models.CharField(_("ID to bring"), max_length=200, blank=True)
    needs_vetting = models.BooleanField(_("needs a short vetting check"), default=False)
    contact_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("contact officer"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    cancellation_reason = models.TextField(_("why it was cancelled"), blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    feedback_token = models.CharField(
        max_length=32, unique=True, default=new_opportunity_feedback_token, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("lay observation opportunity")
        verbose_name_plural = _("lay observation opportunities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="opportunity_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(places_available__gte=1),
                name="opportunity_has_a_place",
            ),
        ]

    def __str__(self):
        return self.title

    def get_staff_url(self):
        return reverse("contacts:lay-observation-detail", kwargs={"pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def has_started(self, now=None) -> bool:
        return self.starts_at <= (now or timezone.now())

    @property
    def feedback_closes_at(self):
        """The visitors' form takes answers until FEEDBACK_FORM_OPEN_DAYS after it ends."""
        return self.ends_at + timedelta(days=settings.FEEDBACK_FORM_OPEN_DAYS)

    def is_open_for_answers(self, now=None) -> bool:
        """People can take, give up or ask for places until it begins."""
        return not self.is_cancelled and not self.has_started(now)

    def can_record_attendance(self, now=None) -> bool:
        return not self.is_cancelled and self.has_started(now)

    def has_conditions(self) -> bool:
        return bool(self.minimum_age or self.id_to_bring or self.needs_vetting)


class ObservationPlaceQuerySet(models.QuerySet):
    def holding(self):
        return self.filter(status__in=ObservationPlace.HOLDING)

    def waiting_in_order(self):
        return self.filter(status=ObservationPlace.Status.WAITING).order_by("waiting_since", "pk")

    def counted(self):
        """Places on opportunities that were not cancelled, for the counts."""
        return self.filter(opportunity__status=Opportunity.Status.PLANNED)


class ObservationPlace(models.Model):
    """One contact's place, or offer of one, on one opportunity. There is at most one
    for each contact and opportunity, so nobody is offered the same one twice."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered, no answer yet")
        TAKEN = "taken", _("Has a place")
        WAITING = "waiting", _("On the waiting list")
        DECLINED = "declined", _("Said it is not for them")
        CANCELLED = "cancelled", _("Place given up")
        WITHDRAWN = "withdrawn", _("No longer interested in lay observation")
        ATTENDED = "attended", _("Came")
        DID_NOT_ATTEND = "did_not_attend", _("Did not come")

    class Vetting(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Not needed")
        PENDING = "pending", _("Check not done yet")
        CLEARED = "cleared", _("Cleared")
        NOT_CLEARED = "not_cleared", _("Not cleared")

    # Statuses that hold one of the opportunity's places.
    HOLDING = (Status.TAKEN, Status.ATTENDED, Status.DID_NOT_ATTEND)
    # Statuses of people who may still answer the offer from their link.
    ANSWERABLE = (Status.OFFERED, Status.WAITING, Status.DECLINED)

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="places")
    # An erased contact's places stay, tied to the anonymous tombstone, for the counts.
    attendee = models.ForeignKey(
        "contacts.Attendee", on_delete=models.CASCADE, related_name="observation_places"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OFFERED
    )
    # Empty once the person's details are erased: nothing about the check is kept.
    vetting_status = models.CharField(
        _("vetting check"), max_length=20, choices=Vetting.choices, blank=True
    )
    offered_at = models.DateTimeField(default=timezone.now)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # The order of the waiting list.
    waiting_since = models.DateTimeField(null=True, blank=True)
    # When a waiting person was emailed that a place is free: each is told once.
    told_place_free_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = ObservationPlaceQuerySet.as_manager()

    class Meta:
        ordering = ["offered_at", "pk"]
        verbose_name = _("lay observation place")
        verbose_name_plural = _("lay observation places")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "attendee"], name="one_place_per_opportunity"
            )
        ]
        indexes = [models.Index(fields=["opportunity", "status"])]

    def __str__(self):
        return f"{self.attendee_id} on {self.opportunity_id}: {self.status}"

    @property
    def holds_a_place(self) -> bool:
        return self.status in self.HOLDING
