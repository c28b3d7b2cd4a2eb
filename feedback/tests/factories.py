"""One factory per feedback model. The migrations already make the four workstreams,
their key questions, a starter list of topics and safeguarding words; factories asked
for one of those by its unique name get the existing row rather than a clash."""

import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from contacts.models import ConsentPurpose
from engagement.roles import Role
from engagement.tests.factories import ProgrammeFactory, UserFactory
from events.tests.factories import EventFactory
from feedback.models import (
    FeedbackItem,
    Findings,
    FindingsChange,
    FindingsSection,
    FindingsVersion,
    FocusGroupInvitation,
    FocusGroupMeeting,
    FocusGroupMember,
    KeyQuestion,
    LivePoint,
    LivePoll,
    LivePollAnswer,
    LiveSession,
    LiveTable,
    MeetingReply,
    PendingSubmission,
    ProgrammeKeyQuestion,
    SafeguardingFlagChange,
    SafeguardingTerm,
    SectionAnswer,
    SenseCheckRequest,
    Submission,
    Topic,
    Workstream,
    hour_of,
)


def this_hour():
    return hour_of(timezone.now())


class WorkstreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstream
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Workstream {n}")
    slug = factory.Sequence(lambda n: f"workstream-{n}")
    position = factory.Sequence(lambda n: 10 + n)


class KeyQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyQuestion
        django_get_or_create = ["text"]

    text = factory.Sequence(lambda n: f"How can the police better listen to community {n}?")
    hint = "For example at events and online."
    workstream = factory.SubFactory(WorkstreamFactory)


class ProgrammeKeyQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeKeyQuestion
        django_get_or_create = ["programme", "key_question"]

    programme = factory.SubFactory(ProgrammeFactory)
    key_question = factory.SubFactory(KeyQuestionFactory)
    position = factory.Sequence(lambda n: n)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    keywords = factory.Sequence(lambda n: f"keyword{n}")


class SafeguardingTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafeguardingTerm
        django_get_or_create = ["phrase"]

    phrase = factory.Sequence(lambda n: f"warning word {n}")


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    event = factory.SubFactory(EventFactory, held=True)
    source = Submission.Source.ONLINE_FORM
    received_hour = factory.LazyFunction(this_hour)
    form_nonce = factory.LazyFunction(lambda: secrets.token_urlsafe(24))


class PendingSubmissionFactory(factory.django.DjangoModelFactory):
    """An anonymous online form waiting for the end of its hour."""

    class Meta:
        model = PendingSubmission

    event = factory.SubFactory(EventFactory, held=True)
    community = factory.LazyAttribute(lambda form: form.event.focus_community)
    answers = factory.LazyFunction(lambda: [[None, "More patrols near the park, please."]])
    form_nonce = factory.LazyFunction(lambda: secrets.token_urlsafe(24))
    received_hour = factory.LazyFunction(this_hour)

    class Params:
        flagged = factory.Trait(
            answers=factory.LazyFunction(lambda: [[None, "He showed me a knife."]]),
            is_safeguarding_flagged=True,
            safeguarding_terms="knife",
        )


def community_source_of(item) -> str:
    """As feedback_record would say: the event's community by default, any other given."""
    if item.community is None:
        return FeedbackItem.CommunitySource.NOT_KNOWN
    if item.event is not None and item.community == item.event.focus_community:
        return FeedbackItem.CommunitySource.EVENT_DEFAULT
    return FeedbackItem.CommunitySource.GIVEN


class FeedbackItemFactory(factory.django.DjangoModelFactory):
    """A point as it is stored once it has been through feedback_record. Tests of
    redaction and safeguarding flags call that service instead, so that the words
    are really read."""

    class Meta:
        model = FeedbackItem
        skip_postgeneration_save = True

    text = factory.Sequence(lambda n: f"Point number {n}")
    source = FeedbackItem.Source.DISCUSSION_NOTE
    event = factory.SubFactory(EventFactory, held=True)
    community = factory.LazyAttribute(
        lambda item: item.event.focus_community if item.event else None
    )
    community_source = factory.LazyAttribute(community_source_of)
    received_hour = factory.LazyFunction(this_hour)
    status = FeedbackItem.Status.NEW

    class Params:
        flagged = factory.Trait(
            text=factory.Sequence(lambda n: f"He carries a knife, number {n}"),
            is_safeguarding_flagged=True,
            safeguarding_terms="knife",
        )
        redacted = factory.Trait(
            text="Call me on [phone number removed]",
            original_text="Call me on 07700 900123",
            was_redacted=True,
        )
        set_aside = factory.Trait(
            status=FeedbackItem.Status.SET_ASIDE, set_aside_reason="A duplicate."
        )

    @factory.post_generation
    def topics(item, create, extracted, **kwargs):
        if create and extracted:
            item.topics.set(extracted)
            if item.status == FeedbackItem.Status.NEW:
                item.status = FeedbackItem.Status.TAGGED
                item.save(update_fields=["status"])

    @factory.post_generation
    def workstreams(item, create, extracted, **kwargs):
        if create and extracted:
            item.workstreams.set(extracted)


class SafeguardingFlagChangeFactory(factory.django.DjangoModelFactory):
    """A flag raised by hand; pass flagged=False and a reason for one removed."""

    class Meta:
        model = SafeguardingFlagChange

    item = factory.SubFactory(FeedbackItemFactory, flagged=True)
    flagged = True
    reason = "It sounds as if a child is not safe at home."
    by = factory.SubFactory(UserFactory)


class FocusGroupMemberFactory(factory.django.DjangoModelFactory):
    """An active member; `ended=True` for one who has left (their account keeps the
    role, as an old one might, so tests show that the membership alone decides)."""

    class Meta:
        model = FocusGroupMember

    user = factory.SubFactory(UserFactory, roles=[Role.FOCUS_GROUP_MEMBER])
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=90))

    class Params:
        ended = factory.Trait(
            ended_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
            end_reason="Moved away.",
        )


class FocusGroupInvitationFactory(factory.django.DjangoModelFactory):
    """An invitation sent to a contact who would like to join, not accepted yet."""

    class Meta:
        model = FocusGroupInvitation

    attendee = factory.SubFactory(
        "contacts.tests.factories.AttendeeFactory", consents=[ConsentPurpose.FOCUS_GROUP]
    )
    invited_by = factory.SubFactory(UserFactory, roles=[Role.COORDINATOR])
    sent_at = factory.LazyFunction(timezone.now)


class FocusGroupMeetingFactory(factory.django.DjangoModelFactory):
    """A meeting a fortnight away; `held=True` for one last month."""

    class Meta:
        model = FocusGroupMeeting

    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    place = "Longsight Community Centre, 21 Stockport Road"
    agenda = "Welcome\nThe write-up from the last event\nAny other business"

    class Params:
        held = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
        )


class MeetingReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingReply

    meeting = factory.SubFactory(FocusGroupMeetingFactory)
    member = factory.SubFactory(FocusGroupMemberFactory)
    can_come = True


# Findings ------------------------------------------------------------------------------
# Tests of how findings move from step to step use the services; these factories make
# the rows directly, for tests that only need findings to exist.


class FindingsFactory(factory.django.DjangoModelFactory):
    """Draft findings about one held event."""

    class Meta:
        model = Findings
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"What we heard at listening event {n}")
    created_by = factory.SubFactory(UserFactory, roles=[Role.COORDINATOR])

    @factory.post_generation
    def events(findings, create, extracted, **kwargs):
        if create:
            findings.events.set(extracted or [EventFactory(held=True)])


class FindingsVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FindingsVersion
        django_get_or_create = ["findings", "number"]

    findings = factory.SubFactory(FindingsFactory)
    number = 1
    overview = "People want officers to explain themselves and to come back and say what changed."


class FindingsSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FindingsSection
        skip_postgeneration_save = True

    version = factory.SubFactory(FindingsVersionFactory)
    position = factory.Sequence(lambda n: n + 1)
    heading = factory.Sequence(lambda n: f"Theme {n}")
    summary = "People said officers should explain why they stop someone."

    @factory.post_generation
    def items(section, create, extracted, **kwargs):
        if create and extracted:
            section.items.set(extracted)


class SenseCheckRequestFactory(factory.django.DjangoModelFactory):
    """A member asked to check a version that has been sent, by a week from now."""

    class Meta:
        model = SenseCheckRequest

    version = factory.SubFactory(
        FindingsVersionFactory,
        sent_at=factory.LazyFunction(timezone.now),
        findings__status=Findings.Status.WITH_FOCUS_GROUP,
        findings__sent_at=factory.LazyFunction(timezone.now),
    )
    member = factory.SubFactory(FocusGroupMemberFactory)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))


class SectionAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SectionAnswer

    request = factory.SubFactory(SenseCheckRequestFactory)
    section = factory.SubFactory(
        FindingsSectionFactory, version=factory.SelfAttribute("..request.version")
    )
    verdict = SectionAnswer.Verdict.PARTLY
    comment = "It misses what the young people said about being stopped on the way to school."


class FindingsChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FindingsChange

    findings = factory.SubFactory(FindingsFactory)
    kind = FindingsChange.Kind.DRAFTED
    by = factory.SelfAttribute("findings.created_by")


class LiveSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveSession

    event = factory.SubFactory(EventFactory)


class LiveTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveTable

    session = factory.SubFactory(LiveSessionFactory)
    number = factory.Sequence(lambda n: n + 1)


class LivePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LivePoint

    session = factory.SubFactory(LiveSessionFactory)
    text = factory.Sequence(lambda n: f"Point number {n} about patrols")
    status = LivePoint.Status.APPROVED


class LivePollFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LivePoll

    session = factory.SubFactory(LiveSessionFactory)
    question = "Which night suits you for the next meeting?"
    kind = LivePoll.Kind.CHOICE
    options = ["Tuesday", "Thursday"]


class LivePollAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LivePollAnswer

    poll = factory.SubFactory(LivePollFactory)
    value = 0
