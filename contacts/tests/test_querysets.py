"""The rules about who is who, each decided in one queryset method that the pages,
filters, counts and services all use."""

import pytest
from django.utils import timezone

from contacts.filters import ContactFilter, InviteFilter
from contacts.models import Attendee, ConsentPurpose, ContactStatus
from contacts.services.records import attendee_erase
from contacts.tests.factories import (
    AttendanceFactory,
    AttendeeFactory,
    ConsentRecordFactory,
    InvitationFactory,
)
from engagement.tests.factories import CommunityFactory
from events.tests.factories import EventFactory

EMAIL_UPDATES = ConsentPurpose.EMAIL_UPDATES
FOCUS_GROUP = ConsentPurpose.FOCUS_GROUP


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


@pytest.mark.django_db
def test_live_consent_is_given_not_withdrawn_and_for_updates_confirmed():
    AttendeeFactory(name="Confirmed", subscribed=True)
    AttendeeFactory(name="Unconfirmed", awaiting=[EMAIL_UPDATES])
    withdrawn = AttendeeFactory(name="Withdrawn")
    ConsentRecordFactory(attendee=withdrawn, withdrawn=True)
    AttendeeFactory(name="Focus group only", consents=[FOCUS_GROUP])
    attendee_erase(attendee=AttendeeFactory(name="Erased", subscribed=True))
    # Interest in the focus group needs no confirmation of the address.
    AttendeeFactory(name="Unconfirmed focus group", consents=[FOCUS_GROUP], email="")

    assert names(Attendee.objects.with_live_consent(EMAIL_UPDATES)) == {"Confirmed"}
    assert names(Attendee.objects.with_live_consent(FOCUS_GROUP)) == {
        "Focus group only",
        "Unconfirmed focus group",
    }


@pytest.mark.django_db
def test_the_interest_filter_matches_exactly_the_live_consent_queryset():
    AttendeeFactory(name="Confirmed", subscribed=True)
    AttendeeFactory(name="Unconfirmed", awaiting=[EMAIL_UPDATES])
    AttendeeFactory(name="Focus group", consents=[FOCUS_GROUP])
    for purpose in (EMAIL_UPDATES, FOCUS_GROUP):
        chosen = ContactFilter({"interest": purpose}, queryset=Attendee.objects.with_status())
        assert names(chosen.qs) == names(Attendee.objects.with_live_consent(purpose))


@pytest.mark.django_db
def test_invitable_means_opted_in_with_an_address_and_not_yet_invited():
    event = EventFactory()
    AttendeeFactory(name="To invite", subscribed=True)
    InvitationFactory(event=event, attendee__name="Already invited")
    AttendeeFactory(name="No address", email="", subscribed=True)
    AttendeeFactory(name="Unconfirmed", awaiting=[EMAIL_UPDATES])
    InvitationFactory(attendee__name="Invited elsewhere")

    assert names(Attendee.objects.invitable_to(event)) == {"To invite", "Invited elsewhere"}
    invite_filter = InviteFilter({}, queryset=Attendee.objects.all())
    assert names(invite_filter.qs.invitable_to(event)) == names(
        Attendee.objects.invitable_to(event)
    )


@pytest.mark.django_db
def test_a_community_matches_only_people_who_let_us_keep_it():
    somali = CommunityFactory()
    AttendeeFactory(name="Kept", shares_demographics=True, communities=[somali])
    AttendeeFactory(name="Not agreed", subscribed=True, communities=[somali])
    withdrawn = AttendeeFactory(name="Withdrawn", shares_demographics=True, communities=[somali])
    withdrawn.consents.update(withdrawn_at=timezone.now())
    AttendeeFactory(name="Elsewhere", shares_demographics=True, communities=[CommunityFactory()])

    assert names(Attendee.objects.in_community(somali)) == {"Kept"}


@pytest.mark.django_db
def test_each_contact_has_one_status():
    AttendeeFactory(name="Subscribed", subscribed=True)
    AttendeeFactory(name="Awaiting", awaiting=[EMAIL_UPDATES])
    AttendeeFactory(name="Not subscribed", consents=[FOCUS_GROUP])
    attendee_erase(attendee=AttendeeFactory(name="Gone", subscribed=True))
    statuses = dict(Attendee.objects.with_status().values_list("name", "contact_status"))
    assert statuses == {
        "Subscribed": ContactStatus.SUBSCRIBED,
        "Awaiting": ContactStatus.AWAITING,
        "Not subscribed": ContactStatus.NOT_SUBSCRIBED,
        "": ContactStatus.ERASED,
    }


@pytest.mark.django_db
def test_attended_matches_the_people_recorded_at_the_event():
    event = EventFactory(past=True)
    AttendanceFactory(event=event, attendee__name="Came")
    AttendanceFactory(attendee__name="Came to another")
    assert names(Attendee.objects.attended(event)) == {"Came"}
