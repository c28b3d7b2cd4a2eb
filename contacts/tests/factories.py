from datetime import timedelta

import factory
from django.utils import timezone

from contacts.models import (
    PRIVACY_NOTICE_VERSION,
    Attendance,
    Attendee,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    Invitation,
    ObservationKind,
    ObservationPlace,
    Opportunity,
    OutboxMessage,
    PendingSignUp,
)
from contacts.models import phone_digits as digits_of
from engagement.roles import Role
from engagement.tests.factories import UserFactory
from events.tests.factories import EventFactory


class ConsentRecordFactory(factory.django.DjangoModelFactory):
    """A live consent to email updates, confirmed by the emailed link."""

    class Meta:
        model = ConsentRecord

    attendee = factory.SubFactory("contacts.tests.factories.AttendeeFactory")
    purpose = ConsentPurpose.EMAIL_UPDATES
    notice_version = PRIVACY_NOTICE_VERSION
    method = ConsentMethod.ONLINE
    confirmed_at = factory.LazyFunction(timezone.now)

    class Params:
        # Given online, but the link to confirm the address has not been opened yet.
        awaiting = factory.Trait(confirmed_at=None)
        withdrawn = factory.Trait(
            withdrawn_at=factory.LazyFunction(timezone.now),
            withdrawal_method=ConsentRecord.WithdrawalMethod.PREFERENCES,
        )


class AttendeeFactory(factory.django.DjangoModelFactory):
    """A contact. `consents` lists the purposes they hold a live consent for, and
    `awaiting` those given online and waiting for the address to be confirmed:

        AttendeeFactory(subscribed=True)
        AttendeeFactory(consents=[ConsentPurpose.FOCUS_GROUP], email="")
        AttendeeFactory(awaiting=[ConsentPurpose.EMAIL_UPDATES])
        AttendeeFactory(shares_demographics=True, communities=[somali], ethnicity=...)
    """

    class Meta:
        model = Attendee
        skip_postgeneration_save = True

    name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    phone = ""
    phone_digits = factory.LazyAttribute(lambda attendee: digits_of(attendee.phone))
    source = ConsentMethod.ONLINE

    class Params:
        subscribed = factory.Trait(
            updates_consent=factory.RelatedFactory(
                ConsentRecordFactory,
                factory_related_name="attendee",
                purpose=ConsentPurpose.EMAIL_UPDATES,
                method=factory.SelfAttribute("..source"),
            )
        )
        shares_demographics = factory.Trait(
            demographics_consent=factory.RelatedFactory(
                ConsentRecordFactory,
                factory_related_name="attendee",
                purpose=ConsentPurpose.DEMOGRAPHIC_DATA,
                method=factory.SelfAttribute("..source"),
            )
        )

    @factory.post_generation
    def consents(attendee, create, purposes, **kwargs):
        for purpose in purposes or ():
            ConsentRecordFactory(attendee=attendee, purpose=purpose, method=attendee.source)

    @factory.post_generation
    def awaiting(attendee, create, purposes, **kwargs):
        for purpose in purposes or ():
            ConsentRecordFactory(attendee=attendee, purpose=purpose, awaiting=True)

    @factory.post_generation
    def communities(attendee, create, communities, **kwargs):
        if create and communities:
            attendee.communities.set(communities)


class PendingSignUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PendingSignUp
        skip_postgeneration_save = True

    name = factory.Faker("first_name", locale="en_GB")
    email = factory.Sequence(lambda n: f"sign-up{n}@example.org")
    purposes = factory.LazyFunction(lambda: [ConsentPurpose.EMAIL_UPDATES])
    notice_version = PRIVACY_NOTICE_VERSION

    @factory.post_generation
    def communities(sign_up, create, communities, **kwargs):
        if create and communities:
            sign_up.communities.set(communities)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    attendee = factory.SubFactory(AttendeeFactory)
    event = factory.SubFactory(EventFactory, past=True)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    event = factory.SubFactory(EventFactory)
    attendee = factory.SubFactory(AttendeeFactory, subscribed=True)
    invited_by = None


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    """A queued email with no contact attached, as staff mail is."""

    class Meta:
        model = OutboxMessage

    dedupe_key = factory.Sequence(lambda n: f"test-message:{n}")
    to_address = factory.Sequence(lambda n: f"person{n}@example.org")
    subject = factory.Sequence(lambda n: f"Subject {n}")
    body_text = "Hello"
    message_id = factory.Sequence(lambda n: f"<test.{n}@community-voice.test>")
    status = OutboxMessage.Status.QUEUED


class ObservationKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObservationKind
        django_get_or_create = ["name"]

    name = "Custody suite visit"
    description = "See how people are booked in, looked after and kept safe after an arrest."


def _in_two_weeks():
    return (timezone.now() + timedelta(days=14)).replace(hour=10, minute=0, second=0, microsecond=0)


class OpportunityFactory(factory.django.DjangoModelFactory):
    """A custody suite visit in two weeks with two places. `past=True` makes it three
    days ago."""

    class Meta:
        model = Opportunity

    kind = factory.SubFactory(ObservationKindFactory)
    title = factory.Sequence(lambda n: f"Custody suite visit {n}")
    details = "Officers show you round and answer your questions."
    starts_at = factory.LazyFunction(_in_two_weeks)
    ends_at = factory.LazyAttribute(lambda opportunity: opportunity.starts_at + timedelta(hours=2))
    place = "Central police station, 1 Bridge Street. Ask at the front desk."
    places_available = 2
    contact_officer = factory.SubFactory(
        UserFactory, username="contact-officer", roles=[Role.COORDINATOR]
    )

    class Params:
        past = factory.Trait(
            starts_at=factory.LazyFunction(lambda: _in_two_weeks() - timedelta(days=17))
        )


class ObservationPlaceFactory(factory.django.DjangoModelFactory):
    """An offer of a place, not answered yet, to someone interested in lay observation."""

    class Meta:
        model = ObservationPlace

    opportunity = factory.SubFactory(OpportunityFactory)
    attendee = factory.SubFactory(AttendeeFactory, consents=[ConsentPurpose.LAY_OBSERVATION])
