"""Contacts: members of the public who chose to leave contact details, what they
consented to, the events they came to and were invited to, and the email outbox that
every message, to the public or to staff, goes through. Lay observation, the places
contacts take to see policing from the inside, is in lay_observation.py.

Contacts are the only people whose personal data the product holds. They are kept
apart from feedback: no table links a contact to anything they said.
"""

import re
import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models.choices import AgeBand, ConsentPurpose, Ethnicity
from engagement.models import Community
from events.models import Event

PRIVACY_NOTICE_VERSION = "2026-11.2"

# What a phone number may be written with: digits, spaces, a plus, brackets and dashes.
PHONE_CHARACTERS = re.compile(r"^[0-9 +()\-]+$")
UK_INTERNATIONAL_PREFIX = re.compile(r"^(\+|00)44")


def phone_digits(phone: str) -> str:
    """A phone number as digits alone, the form the staff search matches, so that
    "07700 900 123", "07700-900123" and "(07700) 900123" are all 07700900123. A UK
    number written with +44 or 0044 is given as it is dialled within the UK, so that
    "+44 (0)7700 900123" matches too."""
    compact = re.sub(r"[^0-9+]", "", phone)
    if UK_INTERNATIONAL_PREFIX.match(compact):
        national = UK_INTERNATIONAL_PREFIX.sub("", compact)
        compact = "0" + national.removeprefix("0")
    return re.sub(r"\D", "", compact)


def new_attendee_token() -> str:
    # The key to a person's unsubscribe page, sent in every email's List-Unsubscribe
    # header: long and unguessable, but it opens nothing else, since mail systems and
    # forwarded emails expose it.
    return secrets.token_urlsafe(24)


def new_sign_up_token() -> str:
    return secrets.token_urlsafe(24)


class ConsentMethod(models.TextChoices):
    ONLINE = "online", _("Online form")
    PAPER = "paper", _("Paper form, entered by an officer")
    IN_PERSON = "in_person", _("In person, recorded by an officer")


class ContactStatus(models.TextChoices):
    """Where a contact stands with email updates, as the staff list shows and filters it."""

    AWAITING = "awaiting", _("Awaiting confirmation")
    SUBSCRIBED = "subscribed", _("Subscribed to updates")
    NOT_SUBSCRIBED = "not_subscribed", _("Not subscribed")
    ERASED = "erased", _("Erased")


class AttendeeQuerySet(models.QuerySet):
    def not_erased(self):
        return self.filter(erased_at__isnull=True)

    def with_live_consent(self, purpose):
        return self.not_erased().filter(
            pk__in=ConsentRecord.objects.live().filter(purpose=purpose).values("attendee_id")
        )

    def opted_in_for_updates(self):
        return self.with_live_consent(ConsentPurpose.EMAIL_UPDATES).exclude(email="")

    def invitable_to(self, event):
        """Those an invitation to the event would go to: opted in to email updates and
        not invited to it already."""
        return self.opted_in_for_updates().exclude(
            pk__in=Invitation.objects.filter(event=event).values("attendee_id")
        )

    def in_community(self, community):
        """Only people who let us keep their community are matched by it."""
        return self.with_live_consent(ConsentPurpose.DEMOGRAPHIC_DATA).filter(
            pk__in=Attendee.communities.through.objects.filter(community=community).values(
                "attendee_id"
            )
        )

    def attended(self, event):
        return self.filter(pk__in=Attendance.objects.filter(event=event).values("attendee_id"))

    def came_to_an_event(self):
        return self.filter(pk__in=Attendance.objects.values("attendee_id"))

    def observed_before(self):
        """People who came on a lay observation before."""
        return self.filter(
            pk__in=ObservationPlace.objects.filter(status=ObservationPlace.Status.ATTENDED).values(
                "attendee_id"
            )
        )

    def offerable_for(self, opportunity):
        """Those an offer of a place on the opportunity may go to: interested in lay
        observation, with an email address, not offered this one already and, if it is
        only for people who came to an event, one who came."""
        people = (
            self.with_live_consent(ConsentPurpose.LAY_OBSERVATION)
            .exclude(email="")
            .exclude(
                pk__in=ObservationPlace.objects.filter(opportunity=opportunity).values(
                    "attendee_id"
                )
            )
        )
        if opportunity.only_event_attendees:
            people = people.came_to_an_event()
        return people

    def with_status(self):
        """Each contact with `contact_status` (a ContactStatus) worked out in the
        database, so that lists can filter by it and show it without a query per person."""
        live_updates = ConsentRecord.objects.live().filter(
            attendee=OuterRef("pk"), purpose=ConsentPurpose.EMAIL_UPDATES
        )
        awaiting = ConsentRecord.objects.awaiting_confirmation().filter(attendee=OuterRef("pk"))
        return self.annotate(
            contact_status=Case(
                When(erased_at__isnull=False, then=Value(ContactStatus.ERASED.value)),
                When(Exists(live_updates), then=Value(ContactStatus.SUBSCRIBED.value)),
                When(Exists(awaiting), then=Value(ContactStatus.AWAITING.value)),
                default=Value(ContactStatus.NOT_SUBSCRIBED.value),
            )
        )

    def matching(self, search: str):
        """Contacts found by what a Coordinator typed in the search box. Every word must
        be in the name or the email address, in any case. Something written like a
        phone number also finds the numbers that contain its digits, however either is
        spaced or punctuated. Erased contacts hold nothing to find."""
        words = search.split()
        if not words:
            return self
        found = Q()
        for word in words:
            found &= Q(name__icontains=word) | Q(email__icontains=word)
        digits = phone_digits(search)
        if digits and PHONE_CHARACTERS.match(search.strip()):
            found |= Q(phone_digits__contains=digits)
        return self.not_erased().filter(found)

    def find_by_email(self, email: str):
        if not email:
            return None
        return self.not_erased().filter(email__iexact=email).order_by("created_at").first()


class Attendee(models.Model):
    """A member of the public who chose to leave contact details."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), max_length=254, blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    # Kept in step with phone by set_phone(), for the staff search.
    phone_digits = models.CharField(max_length=30, blank=True, default="", editable=False)
    communities = models.ManyToManyField(
        Community, blank=True, related_name="attendees", verbose_name=_("communities")
    )
    ethnicity = models.CharField(
        _("ethnic group"), max_length=40, choices=Ethnicity.choices, blank=True
    )
    age_band = models.CharField(_("age"), max_length=20, choices=AgeBand.choices, blank=True)
    postcode_district = models.CharField(_("postcode area"), max_length=4, blank=True)
    language = models.CharField(
        _("language for emails"), max_length=10, default=settings.LANGUAGE_CODE
    )
    source = models.CharField(
        _("how we got their details"),
        max_length=20,
        choices=ConsentMethod.choices,
        default=ConsentMethod.ONLINE,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendees_entered",
    )
    token = models.CharField(max_length=64, unique=True, default=new_attendee_token)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    purge_notice_sent_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    events_attended = models.ManyToManyField(
        Event, through="Attendance", blank=True, related_name="attendees"
    )

    objects = AttendeeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        indexes = [models.Index(fields=["email"])]

    def __str__(self):
        if self.is_erased:
            return str(_("Erased contact %(number)s") % {"number": self.pk})
        return (
            self.name
            or self.email
            or self.phone
            or str(_("Contact %(number)s") % {"number": self.pk})
        )

    def get_staff_url(self):
        return reverse("contacts:detail", kwargs={"pk": self.pk})

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def set_phone(self, phone: str) -> None:
        """Change the phone number, and with it the digits the staff search matches.
        The caller saves both fields."""
        self.phone = phone
        self.phone_digits = phone_digits(phone)

    @property
    def erasure_due_at(self) -> datetime | None:
        """When the retention job erases them if they stay quiet, once they have had
        the notice; None before that."""
        if self.purge_notice_sent_at is None:
            return None
        return self.purge_notice_sent_at + timedelta(days=settings.PURGE_NOTICE_DAYS)

    def live_consent_purposes(self) -> set[str]:
        return set(self.consents.live().values_list("purpose", flat=True))

    def may_be_emailed_for(self, purpose: str) -> bool:
        """Asked by the outbox at the moment of sending: a withdrawal or an erasure
        stops mail that was already queued."""
        if self.is_erased or not self.email:
            return False
        if not purpose:
            return True
        return self.consents.live().filter(purpose=purpose).exists()


class ConsentRecordQuerySet(models.QuerySet):
    def live(self):
        """Given, not withdrawn, and for email updates confirmed by the emailed link."""
        return self.filter(withdrawn_at__isnull=True).exclude(
            purpose=ConsentPurpose.EMAIL_UPDATES, confirmed_at__isnull=True
        )

    def awaiting_confirmation(self):
        return self.filter(
            purpose=ConsentPurpose.EMAIL_UPDATES,
            withdrawn_at__isnull=True,
            confirmed_at__isnull=True,
        )


class ConsentRecord(models.Model):
    """One choice a person made: what they agreed to, which notice they were shown,
    when, how, and whether they have taken it back."""

    class WithdrawalMethod(models.TextChoices):
        ONE_CLICK = "one_click", _("One-click unsubscribe from an email")
        PREFERENCES = "preferences", _("Their preferences page")
        STAFF = "staff", _("Recorded by an officer")
        ERASURE = "erasure", _("They erased their data")
        PURGE = "purge", _("Removed after a long time without activity")

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    notice_version = models.CharField(_("privacy notice version"), max_length=20)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    method = models.CharField(_("how"), max_length=20, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_method = models.CharField(
        max_length=20, choices=WithdrawalMethod.choices, blank=True
    )

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        ordering = ["given_at"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.given_at:%Y-%m-%d})"

    @property
    def is_live(self) -> bool:
        if self.withdrawn_at:
            return False
        return self.purpose != ConsentPurpose.EMAIL_UPDATES or self.confirmed_at is not None


class PendingSignUpQuerySet(models.QuerySet):
    def for_address(self, email: str):
        return self.filter(email__iexact=email)

    def expired(self, now=None):
        since = (now or timezone.now()) - timedelta(days=settings.CONFIRMATION_LINK_DAYS)
        return self.filter(created_at__lt=since)


class PendingSignUp(models.Model):
    """An online sign-up that gave an email address, waiting for the owner of that
    address to open the emailed link and confirm. Until then nothing about any contact
    changes, whoever filled in the form. Expired ones are deleted by the daily purge."""

    token = models.CharField(max_length=64, unique=True, default=new_sign_up_token)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), max_length=254)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    purposes = models.JSONField(_("choices"), default=list)
    communities = models.ManyToManyField(
        Community, blank=True, related_name="+", verbose_name=_("communities")
    )
    ethnicity = models.CharField(
        _("ethnic group"), max_length=40, choices=Ethnicity.choices, blank=True
    )
    age_band = models.CharField(_("age"), max_length=20, choices=AgeBand.choices, blank=True)
    postcode_district = models.CharField(_("postcode area"), max_length=4, blank=True)
    language = models.CharField(
        _("language for emails"), max_length=10, default=settings.LANGUAGE_CODE
    )
    notice_version = models.CharField(_("privacy notice version"), max_length=20)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)

    objects = PendingSignUpQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("sign-up waiting for confirmation")
        verbose_name_plural = _("sign-ups waiting for confirmation")

    def __str__(self):
        return str(_("Sign-up %(number)s") % {"number": self.pk})

    def purpose_labels(self) -> list[str]:
        return [str(label) for value, label in ConsentPurpose.choices if value in self.purposes]


class Attendance(models.Model):
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="attendances")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attendee", "event"], name="one_attendance_per_event")
        ]

    def __str__(self):
        return f"{self.attendee_id} at {self.event}"


class Invitation(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "attendee"], name="one_invitation_per_event")
        ]

    def __str__(self):
        return f"{self.attendee_id} to {self.event}"


# The outbox ------------------------------------------------------------------------


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

    def backlog(self) -> dict:
        """How much email is waiting, so monitoring can alert on a growing backlog."""
        counts = self.counts_by_status()
        oldest = (
            self.filter(status=OutboxMessage.Status.QUEUED)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        return {
            "queued": counts[OutboxMessage.Status.QUEUED] + counts[OutboxMessage.Status.SENDING],
            "failed": counts[OutboxMessage.Status.FAILED],
            "oldest_queued_seconds": (
                int((timezone.now() - oldest).total_seconds()) if oldest else 0
            ),
        }


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
    # Empty for staff mail, such as safeguarding alerts and reminders to action owners.
    attendee = models.ForeignKey(
        Attendee,
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


# Lay observation builds on the contacts above, so it is imported after them.
from contacts.models.lay_observation import (  # noqa: E402, F401
    ObservationKind,
    ObservationKindQuerySet,
    ObservationPlace,
    ObservationPlaceQuerySet,
    Opportunity,
    OpportunityQuerySet,
    new_opportunity_feedback_token,
)
