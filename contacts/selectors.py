"""Reads about contacts that span several models: the staff list with what each row
shows, the contact numbers everyone who plans engagement may see, how many people an
invitation would reach, and lay observation: its staff pages and its counts."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import (
    AgeBand,
    Attendee,
    AttendeeQuerySet,
    ConsentPurpose,
    ConsentRecord,
    ContactStatus,
    Ethnicity,
    ObservationPlace,
    Opportunity,
    OpportunityQuerySet,
)
from engagement.models import Community
from engagement.statistics import Cell, SafeTable, suppress
from events.models import Event

# The staff list ----------------------------------------------------------------------


def contacts_for_list() -> AttendeeQuerySet:
    """Every contact with what the list shows, in a fixed number of queries."""
    return (
        Attendee.objects.with_status()
        .prefetch_related(
            Prefetch(
                "consents",
                queryset=ConsentRecord.objects.live().order_by("purpose", "pk"),
                to_attr="live_consents",
            ),
            Prefetch("communities", queryset=Community.objects.order_by("name")),
        )
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class ContactRow:
    """One contact as a line of the list or the export. Communities are part of the
    details kept with demographic consent, so they are left out once it is withdrawn."""

    attendee: Attendee
    status: str
    agreed_to: list[str]
    communities: list[str]


def contact_row(attendee: Attendee) -> ContactRow:
    """The row for a contact from contacts_for_list()."""
    live = {consent.purpose for consent in attendee.live_consents}
    demographics_live = ConsentPurpose.DEMOGRAPHIC_DATA in live
    return ContactRow(
        attendee=attendee,
        status=str(ContactStatus(attendee.contact_status).label),
        agreed_to=[str(purpose.label) for purpose in ConsentPurpose if purpose in live],
        communities=[c.name for c in attendee.communities.all()] if demographics_live else [],
    )


# Contact numbers -----------------------------------------------------------------------


@dataclass(frozen=True)
class ContactNumbers:
    """Counts only, each table already suppressed: nothing here can show a number of
    people below the threshold."""

    headline: list[Cell]
    by_community: SafeTable
    by_ethnicity: SafeTable
    by_age: SafeTable

    @property
    def suppressed_label(self) -> str:
        return self.by_age.suppressed_label


def _single_count(label: str, count: int) -> Cell:
    """One headline number, shown only if it is at least the threshold."""
    return suppress({label: count}, total=count).cells[0]


def _demographic_table(counts: dict, labels, *, total: int, counted: int) -> SafeTable:
    """A table over `labels`, plus "not given" for everyone else, so it adds up to total."""
    cells = {str(label): counts.get(value, 0) for value, label in labels}
    cells[_("Not given")] = total - counted
    return suppress(cells, total=total)


def contact_numbers() -> ContactNumbers:
    """How many people we can reach, and who they are. The demographic tables count
    only people whose consent to keep those details is live."""
    people = Attendee.objects.not_erased()
    total = people.count()
    headline = [
        _single_count(_("Contacts"), total),
        _single_count(_("Get email updates"), people.opted_in_for_updates().count()),
        _single_count(
            _("Interested in the focus group"),
            people.with_live_consent(ConsentPurpose.FOCUS_GROUP).count(),
        ),
        _single_count(
            _("Interested in lay observation"),
            people.with_live_consent(ConsentPurpose.LAY_OBSERVATION).count(),
        ),
    ]

    consented = people.with_live_consent(ConsentPurpose.DEMOGRAPHIC_DATA)
    by_ethnicity = dict(
        consented.exclude(ethnicity="").values_list("ethnicity").annotate(n=Count("pk"))
    )
    by_age = dict(consented.exclude(age_band="").values_list("age_band").annotate(n=Count("pk")))
    by_community = dict(
        Community.objects.annotate(
            n=Count("attendees", filter=Q(attendees__in=consented), distinct=True)
        ).values_list("pk", "n")
    )
    in_a_community = consented.filter(communities__isnull=False).distinct().count()
    communities = Community.objects.order_by("name").values_list("pk", "name")

    return ContactNumbers(
        headline=headline,
        by_community=_demographic_table(
            by_community, communities, total=total, counted=in_a_community
        ),
        by_ethnicity=_demographic_table(
            by_ethnicity, Ethnicity.choices, total=total, counted=sum(by_ethnicity.values())
        ),
        by_age=_demographic_table(
            by_age, AgeBand.choices, total=total, counted=sum(by_age.values())
        ),
    )


# Invitations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationCounts:
    matching: int
    already_invited: int
    to_invite: int


def invitation_counts(*, event: Event, attendees: AttendeeQuerySet) -> InvitationCounts:
    """Of the chosen contacts who get email updates, how many are already invited to
    the event and how many an invitation would go to now."""
    matching = attendees.opted_in_for_updates().count()
    to_invite = attendees.invitable_to(event).count()
    return InvitationCounts(
        matching=matching, already_invited=matching - to_invite, to_invite=to_invite
    )


# Lay observation -----------------------------------------------------------------------


def opportunities_for_list(*, upcoming: bool, now=None) -> OpportunityQuerySet:
    """Opportunities still to come, soonest first, or those whose date has come, the
    latest first, each with its place counts, in one query."""
    now = now or timezone.now()
    opportunities = Opportunity.objects.with_place_counts().select_related("kind")
    if upcoming:
        return opportunities.filter(starts_at__gt=now).order_by("starts_at", "pk")
    return opportunities.filter(starts_at__lte=now).order_by("-starts_at", "-pk")


@dataclass(frozen=True)
class OpportunityPeople:
    """Everyone offered a place on one opportunity, by where they stand."""

    holding: list[ObservationPlace]
    waiting: list[ObservationPlace]
    offered: list[ObservationPlace]
    others: list[ObservationPlace]

    @property
    def count(self) -> int:
        return len(self.holding) + len(self.waiting) + len(self.offered) + len(self.others)


def opportunity_people(*, opportunity: Opportunity) -> OpportunityPeople:
    """In one query: those with a place, the waiting list in order, those who have not
    answered yet, and the rest."""
    places = list(
        opportunity.places.select_related("attendee").order_by("waiting_since", "offered_at", "pk")
    )
    Status = ObservationPlace.Status
    return OpportunityPeople(
        holding=[place for place in places if place.holds_a_place],
        waiting=[place for place in places if place.status == Status.WAITING],
        offered=[place for place in places if place.status == Status.OFFERED],
        others=[
            place
            for place in places
            if place.status in (Status.DECLINED, Status.CANCELLED, Status.WITHDRAWN)
        ],
    )


@dataclass(frozen=True)
class LayObservationCounts:
    """Counts only, suppressed: no number of people below the threshold is shown.
    Opportunities are not people, so their numbers are shown as they are."""

    opportunities_run: int
    opportunities_to_come: int
    measures: list[str]
    totals: list[Cell]
    by_community: list[tuple[str, list[Cell]]]
    suppressed_label: str


def lay_observation_counts(*, now=None) -> LayObservationCounts:
    """Places offered, taken and used on opportunities the force did not cancel, in
    total and by the communities people feel part of (only people who let us keep
    their community count for one). Someone in two communities counts in both, so the
    rows can add up to more than the total."""
    now = now or timezone.now()
    Status = ObservationPlace.Status
    measures = {
        "offered": (_("Places offered"), Q()),
        "taken": (_("Places taken"), Q(status__in=ObservationPlace.HOLDING)),
        "came": (_("Visitors who came"), Q(status=Status.ATTENDED)),
    }

    def counts(**extra):
        return {
            name: Count("pk", filter=condition, **extra)
            for name, (_label, condition) in measures.items()
        }

    places = ObservationPlace.objects.counted()
    totals = places.aggregate(**counts())
    shared = places.filter(
        attendee__in=Attendee.objects.with_live_consent(ConsentPurpose.DEMOGRAPHIC_DATA)
    )
    by_community = {
        row.pop("attendee__communities"): row
        for row in shared.filter(attendee__communities__isnull=False)
        .values("attendee__communities")
        .annotate(**counts())
        .order_by()
    }
    in_a_community = shared.filter(attendee__communities__isnull=False).aggregate(
        **counts(distinct=True)
    )
    communities = list(Community.objects.order_by("name").values_list("pk", "name"))

    tables = {}
    for name in measures:
        cells = {label: by_community.get(pk, {}).get(name, 0) for pk, label in communities}
        cells[_("Not given")] = totals[name] - in_a_community[name]
        tables[name] = suppress(cells, total=totals[name])
    labels = [cell.label for cell in tables["offered"].cells]
    return LayObservationCounts(
        opportunities_run=Opportunity.objects.run(now).count(),
        opportunities_to_come=Opportunity.objects.upcoming(now).count(),
        measures=[str(label) for label, _condition in measures.values()],
        totals=[
            suppress({"total": totals[name]}, total=totals[name]).cells[0] for name in measures
        ],
        by_community=[
            (str(label), [tables[name].cells[row] for name in measures])
            for row, label in enumerate(labels)
        ],
        suppressed_label=tables["offered"].suppressed_label,
    )
