"""What the findings tests share: a held event whose feedback has been tagged, with
the kinds of point findings must never quote, and findings taken through the steps by
the services, as the staff pages would."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from events.services import event_record_key_questions_covered
from events.tests.factories import EventFactory
from feedback.models import FeedbackItem, Findings, FocusGroupMember, Topic
from feedback.services import (
    findings_draft_for,
    findings_mark_agreed,
    findings_send_for_sense_check,
    sense_check_answer,
)
from feedback.tests.factories import FeedbackItemFactory, FocusGroupMemberFactory, TopicFactory


@dataclass
class TaggedEvent:
    event: object
    questions: list
    stop_search: Topic
    patrols: Topic
    quotable: list
    flagged: FeedbackItem
    internal: FeedbackItem
    set_aside: FeedbackItem
    untagged: FeedbackItem


def a_held_event_with_tagged_feedback(programme, **event_fields) -> TaggedEvent:
    """An event that covered the first two key questions, with three tagged points on
    the first (two about stop and search, one about patrols), one on the second, and
    one point of each kind findings leave out: a safeguarding flag, an officer's note
    marked internal, an item set aside, and one nobody has tagged yet."""
    event = EventFactory(programme=programme, held=True, **event_fields)
    questions = programme.questions
    event_record_key_questions_covered(event=event, key_questions=questions[:2])
    stop_search = TopicFactory(name="Stop and search test topic", slug="stop-search-test")
    patrols = TopicFactory(name="Patrols test topic", slug="patrols-test")

    def point(text, question, topics, **extra):
        return FeedbackItemFactory(
            text=text, event=event, key_question=question, topics=topics, **extra
        )

    quotable = [
        point("Explain why you stop someone.", questions[0], [stop_search]),
        point("Body cameras on for every search.", questions[0], [stop_search]),
        point("More patrols by the park at night.", questions[0], [patrols]),
        point("Come back and tell us what changed.", questions[1], [patrols]),
    ]
    return TaggedEvent(
        event=event,
        questions=questions,
        stop_search=stop_search,
        patrols=patrols,
        quotable=quotable,
        flagged=point("He carries a knife to school.", questions[0], [stop_search], flagged=True),
        internal=point(
            "Sergeant to follow up the complaint privately.",
            questions[0],
            [stop_search],
            is_internal=True,
        ),
        set_aside=point("A duplicate point.", questions[0], [patrols], set_aside=True),
        untagged=FeedbackItemFactory(text="Nobody has tagged me.", event=event),
    )


def members(count: int) -> list[FocusGroupMember]:
    return [
        FocusGroupMemberFactory(user__first_name=f"Member{number}")
        for number in range(1, count + 1)
    ]


def next_week():
    return timezone.localdate() + timedelta(days=7)


def findings_sent_to(members_asked, *, tagged: TaggedEvent, by) -> Findings:
    findings = findings_draft_for(events=[tagged.event], by=by)
    findings_send_for_sense_check(
        findings=findings, members=members_asked, deadline=next_week(), by=by
    )
    findings.refresh_from_db()
    return findings


def answer_every_section(findings: Findings, member, verdict="accurate", comment=""):
    request = member.sense_check_requests.filter(version__findings=findings).latest("sent_at")
    for section in request.version.sections.all():
        sense_check_answer(request=request, section=section, verdict=verdict, comment=comment)
    return request


def agreed_findings(*, tagged: TaggedEvent, by, member=None) -> Findings:
    member = member or FocusGroupMemberFactory()
    findings = findings_sent_to([member], tagged=tagged, by=by)
    answer_every_section(findings, member)
    findings_mark_agreed(findings=findings, by=by)
    findings.refresh_from_db()
    return findings
