import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagement.languages import DEFAULT_LANGUAGE, enabled_languages
from engagement.models import Community, Programme
from engagement.translatable import translations_field

ZERO_POUNDS = Decimal("0.00")
PAST_EVENTS_IN_CALENDAR_FEED = timedelta(days=90)


# No 0/o, 1/l/i or capitals: someone may have to type the address off a poster.
FEEDBACK_TOKEN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_feedback_token() -> str:
    # Printed on posters as part of a URL, so it must be unguessable but still short:
    # 14 characters from 31 give about 69 bits.
    return "".join(secrets.choice(FEEDBACK_TOKEN_ALPHABET) for _ in range(14))


class VenueQuerySet(models.QuerySet):
    def in_use(self):
        return self.filter(is_archived=False)

    def with_event_counts(self):
        return self.annotate(event_count=Count("events"))

    def for_list(self, *, include_archived: bool = False):
        venues = self.with_event_counts()
        return venues if include_archived else venues.in_use()


class Venue(models.Model):
    class Kind(models.TextChoices):
        COMMUNITY_CENTRE = "community_centre", _("Community centre")
        RELIGIOUS_CENTRE = "religious_centre", _("Religious centre")
        TOWN_HALL = "town_hall", _("Town hall")
        PARTNER_VENUE = "partner_venue", _("Partner venue")
        ONLINE = "online", _("Online")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of venue"), max_length=30, choices=Kind.choices)
    address = models.TextField(_("address"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("How many people the room holds.")
    )
    step_free_access = models.BooleanField(_("step-free access"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    parking = models.BooleanField(_("parking"), default=False)
    prayer_space = models.BooleanField(_("prayer space"), default=False)
    accessibility_notes = models.TextField(
        _("other accessibility notes"),
        blank=True,
        help_text=_("For example: lift to first floor, quiet room, nearest bus stop."),
    )
    typical_hire_cost = models.DecimalField(
        _("typical hire cost (£)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO_POUNDS, _("A cost cannot be negative."))],
    )
    is_archived = models.BooleanField(_("archived"), default=False)

    objects = VenueQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self):
        return self.name

    def accessibility_features(self) -> list[str]:
        features = [
            (self.step_free_access, _("Step-free access")),
            (self.hearing_loop, _("Hearing loop")),
            (self.accessible_toilet, _("Accessible toilet")),
            (self.parking, _("Parking")),
            (self.prayer_space, _("Prayer space")),
        ]
        return [str(label) for present, label in features if present]

    def is_in_use(self) -> bool:
        return self.events.exists()


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now())

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now())

    def in_date_order(self, *, soonest_first: bool = True):
        return self.order_by("starts_at" if soonest_first else "-starts_at")

    def public_listing(self, now=None):
        return (
            self.published()
            .upcoming(now)
            .exclude(status=Event.Status.CANCELLED)
            .select_related("venue", "focus_community")
            .order_by("starts_at")
        )

    def for_staff_list(self):
        return self.select_related("programme", "focus_community", "venue", "lead_organiser")

    def for_staff_page(self):
        return self.for_staff_list().select_related("debrief")

    def for_public_page(self):
        return self.published().select_related("venue", "focus_community")

    def formerly_at(self, slug: str):
        """Events whose public address was once `slug`, before their title or date changed."""
        return self.filter(old_addresses__slug=slug)

    def for_calendar_feed(self, now=None):
        """Published events for calendar apps. Recent past events stay in the feed, so
        that calendar apps keep them and show them as held."""
        since = (now or timezone.now()) - PAST_EVENTS_IN_CALENDAR_FEED
        return (
            self.published()
            .filter(ends_at__gte=since)
            .select_related("venue")
            .order_by("starts_at")
        )

    def with_costs(self):
        return self.annotate(
            cost_total=Coalesce("venue_hire_cost", ZERO_POUNDS)
            + Coalesce("catering_cost", ZERO_POUNDS)
            + Coalesce("other_cost", ZERO_POUNDS)
        )

    def cost_totals(self) -> dict:
        totals = self.aggregate(
            venue_hire=Coalesce(Sum("venue_hire_cost"), ZERO_POUNDS),
            catering=Coalesce(Sum("catering_cost"), ZERO_POUNDS),
            other=Coalesce(Sum("other_cost"), ZERO_POUNDS),
            held=Count("pk", filter=Q(status=Event.Status.HELD)),
            headcount=Coalesce(Sum("headcount"), 0),
        )
        totals["total"] = totals["venue_hire"] + totals["catering"] + totals["other"]
        return totals


class Event(models.Model):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("In person and online")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class AgeGroup(models.TextChoices):
        ALL_AGES = "", _("All ages")
        CHILDREN = "under_16", _("Children and families (under 16)")
        YOUNG_PEOPLE = "16_24", _("Young people (16–24)")
        ADULTS = "25_64", _("Adults (25–64)")
        OLDER_PEOPLE = "65_plus", _("Older people (65 and over)")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="events", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("web address"),
        max_length=120,
        unique=True,
        help_text=_("The end of the public page's address. Letters, numbers and hyphens only."),
    )
    focus_community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("focus community"),
        help_text=_("Leave empty if the event is open to all."),
    )
    age_group = models.CharField(
        _("age group focus"), max_length=20, choices=AgeGroup.choices, blank=True, default=""
    )
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("venue"),
    )
    online_link = models.URLField(
        _("online joining link"),
        blank=True,
        max_length=500,
        help_text=_("For online and hybrid events, e.g. https://teams.microsoft.com/…"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends (planned)"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    lead_organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events_led",
        verbose_name=_("lead organiser"),
    )
    officers_attending = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="events_attended",
        verbose_name=_("officers attending"),
    )
    other_officers_count = models.PositiveSmallIntegerField(
        _("other officers attending"),
        default=0,
        help_text=_("Officers and staff without a Community Voice account."),
    )
    chief_officer_attended = models.BooleanField(_("a chief officer attended"), default=False)
    agenda = models.TextField(_("agenda"), blank=True)
    public_description = models.TextField(
        _("public description"),
        blank=True,
        help_text=_("Shown on the public events page. Plain words: who it is for and why."),
    )
    # Staff-added translations of the title and public description (engagement.translatable).
    translations = translations_field()
    # Besides English: the languages its poster lists and its poster and paper form can
    # be printed in.
    offered_languages = models.JSONField(
        _("languages for its poster and forms"), default=list, blank=True
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Show this event on the public events page.")
    )
    feedback_token = models.CharField(
        max_length=32, unique=True, default=new_feedback_token, editable=False
    )

    headcount = models.PositiveIntegerField(
        _("members of the public attending"), null=True, blank=True
    )
    actual_ends_at = models.DateTimeField(_("actual finish"), null=True, blank=True)
    venue_hire_cost = models.DecimalField(
        _("venue hire (£)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    catering_cost = models.DecimalField(
        _("catering (£)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    other_cost = models.DecimalField(
        _("other costs (£)"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["is_published", "ends_at"]),
            models.Index(fields=["starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(venue_hire_cost__gte=0) | Q(venue_hire_cost__isnull=True),
                name="event_venue_hire_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(catering_cost__gte=0) | Q(catering_cost__isnull=True),
                name="event_catering_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(other_cost__gte=0) | Q(other_cost__isnull=True),
                name="event_other_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(headcount__isnull=False),
                name="held_event_has_headcount",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:public-detail", kwargs={"slug": self.slug})

    def get_staff_url(self):
        return reverse("events:detail", kwargs={"pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def feedback_closes_at(self):
        """Its anonymous forms take answers until FEEDBACK_FORM_OPEN_DAYS after it ends."""
        return self.ends_at + timedelta(days=settings.FEEDBACK_FORM_OPEN_DAYS)

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD

    @property
    def needs_online_link(self) -> bool:
        return self.format in (self.Format.ONLINE, self.Format.HYBRID)

    @property
    def audience(self) -> str:
        return self.focus_community.name if self.focus_community else str(_("Open to all"))

    @property
    def total_cost(self) -> Decimal:
        return sum(
            (
                cost or ZERO_POUNDS
                for cost in (self.venue_hire_cost, self.catering_cost, self.other_cost)
            ),
            ZERO_POUNDS,
        )

    @property
    def overran_by(self):
        """How long the event ran past its planned end, or None if it did not."""
        if self.actual_ends_at and self.actual_ends_at > self.ends_at:
            return self.actual_ends_at - self.ends_at
        return None

    @property
    def overrun_minutes(self) -> int:
        overrun = self.overran_by
        return int(overrun.total_seconds() // 60) if overrun else 0

    def has_started(self, now=None) -> bool:
        return self.starts_at <= (now or timezone.now())

    def has_ended(self, now=None) -> bool:
        return self.ends_at <= (now or timezone.now())

    def reason_it_cannot_be_marked_held(self, now=None) -> str:
        """Why what happened at the event cannot be recorded yet, or "" if it can."""
        if self.is_cancelled:
            return str(_("This event was cancelled, so it cannot be marked as held."))
        if not self.has_started(now):
            return str(_("This event has not started yet."))
        return ""

    def can_be_marked_held(self, now=None) -> bool:
        return not self.reason_it_cannot_be_marked_held(now)

    def can_take_invitations(self, now=None) -> bool:
        return not self.is_cancelled and not self.has_ended(now)

    def print_languages(self) -> list:
        """English and the languages chosen for its poster and forms that are offered
        to the public now, in the site's order."""
        chosen = set(self.offered_languages or ())
        return [
            language
            for language in enabled_languages()
            if language.code == DEFAULT_LANGUAGE or language.code in chosen
        ]

    def print_language(self, asked: str | None) -> str:
        """The language to print its poster or paper form in: the one asked for if
        the event offers it, otherwise English."""
        codes = [language.code for language in self.print_languages()]
        return asked if asked in codes else DEFAULT_LANGUAGE

    def feedback_url(self) -> str:
        """The full address of the event's feedback form, for posters and QR codes."""
        path = reverse("give-feedback-event", kwargs={"token": self.feedback_token})
        return f"{settings.SITE_URL}{path}"


class EventAddress(models.Model):
    """An address an event's public page had before its title or date changed. It
    answers with a permanent redirect to the current one, so that links people shared
    and calendar entries keep working. No current or old address is used twice
    (events.services.event_unique_slug)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="old_addresses")
    slug = models.SlugField(_("old web address"), max_length=120, unique=True)
    replaced_at = models.DateTimeField(_("replaced"), default=timezone.now)

    class Meta:
        ordering = ["-replaced_at"]
        verbose_name = _("old event address")
        verbose_name_plural = _("old event addresses")

    def __str__(self):
        return self.slug


class Debrief(models.Model):
    """What the team learned from an event, written up afterwards."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="debrief")
    went_well = models.TextField(_("what went well"), blank=True)
    to_improve = models.TextField(_("what to improve"), blank=True)
    learning = models.TextField(_("learning for the next event"), blank=True)
    follow_ups = models.TextField(
        _("follow-ups"), blank=True, help_text=_("Things someone promised to do, and who.")
    )
    who_took_part = models.TextField(
        _("who took part"),
        blank=True,
        help_text=_("Teams, partners and community groups involved. No members of the public."),
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("debrief")
        verbose_name_plural = _("debriefs")

    def __str__(self):
        return str(_("Debrief: %(event)s") % {"event": self.event})
