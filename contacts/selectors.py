"""Reads about contacts that span several models: the staff list with what each row
shows, the contact numbers everyone who plans engagement may see, and how many people
an invitation would reach."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from contacts.models import (
    AgeBand,
    Attendee,
    AttendeeQuerySet,
    ConsentPurpose,
    ConsentRecord,
    ContactStatus,
    Ethnicity,
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
