"""Demo data for the feedback taxonomy and feedback itself: the programme's key
questions, which of them each held event covered, and a few thousand believable
points across events, sources, communities and topics, stored and tagged through the
same services the staff pages use. Only seed_volume, for benchmarks, writes in bulk."""

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from engagement.demo import PROGRAMME_NAME
from engagement.languages import LANGUAGES_BY_CODE
from engagement.models import Programme
from engagement.services import content_translations_save
from events.models import Event
from events.services import event_record_key_questions_covered
from feedback.models import (
    FeedbackItem,
    Findings,
    FocusGroupInvitation,
    FocusGroupMeeting,
    FocusGroupMember,
    KeyQuestion,
    LivePoll,
    ProgrammeKeyQuestion,
    SectionAnswer,
    Submission,
    Topic,
    hour_of,
)
from feedback.selectors import focus_group_candidates
from feedback.services import (
    MeetingDetails,
    feedback_record,
    feedback_submit_form,
    feedback_tag,
    findings_draft_for,
    findings_mark_agreed,
    findings_send_for_sense_check,
    findings_share,
    findings_update,
    findings_update_section,
    focus_group_invitation_signed,
    focus_group_invite,
    focus_group_join,
    focus_group_meeting_record_attendance,
    focus_group_meeting_reply,
    focus_group_meeting_schedule,
    focus_group_member_end,
    focus_group_member_start,
    focus_group_record_facilitators,
    sense_check_answer,
)
from feedback.services.live import (
    live_point_merge,
    live_point_moderate,
    live_point_send,
    live_point_support,
    live_poll_answer,
    live_poll_create,
    live_poll_open,
    live_session_close,
    live_session_open,
    live_tables_split,
    live_tables_together,
)
from feedback.text import suggest_topics

POINTS = {
    "respect": [
        "Officers should explain why they are stopping someone before they start searching.",
        "When I made a complaint nobody got back to me for three months.",
        "Some officers speak to young Black men like they are already guilty.",
        "Please learn how to say our names properly, it shows respect.",
        "Body cameras should always be switched on during stop and search.",
        "The officer at the station front desk was patient and kind with my mother.",
        "Complaints should be handled by someone outside the police.",
        "Respect our mosque and take shoes off if you come into the prayer hall.",
        "Being handcuffed in front of my children for a mistake was humiliating.",
        "Officers need more training on our culture and faith.",
    ],
    "protect": [
        "We report hate crime but nothing seems to happen so people stopped reporting.",
        "Racist abuse on the bus happens every week and nobody does anything.",
        "More neighbourhood patrols near the park at night would make people feel safer.",
        "It takes too long for police to come when we call 101.",
        "Young people are being drawn into county lines and parents do not know where to turn.",
        "Youth violence worries every parent here; we need youth clubs not just arrests.",
        "Online reporting forms are too hard to use on a phone.",
        "Elderly people are scared to go out after dark on our estate.",
        "The website should be in other languages like Somali and Urdu.",
        "Take domestic abuse seriously when women from our community finally speak up.",
    ],
    "involve": [
        "Come to our events more often, not just when something bad has happened.",
        "Tell us what you did about what we said last time.",
        "Schools would be a good place to meet young people and listen to them.",
        "Use WhatsApp groups and community radio to let people know about meetings.",
        "Ask community leaders to help run the events, people trust them.",
        "Hold meetings in the evening so working people can come.",
        "Young people should be on the panels that check stop and search.",
        "Let us see the stop and search figures for our area every few months.",
        "Invite us to help train new officers about our community.",
        "The neighbourhood team changes too often; we never get to know anyone.",
    ],
    "represent": [
        "We hardly ever see officers who look like us in senior jobs.",
        "Recruitment should visit our colleges and explain the apprenticeship route.",
        "My son wanted to join but was put off by stories about racism inside the force.",
        "Promote the Black officers you already have, do not just recruit new ones.",
        "Officers who speak our languages would help so much in custody.",
        "Recruitment adverts should show people from our community.",
        "Support staff from our community need a clear path to promotion.",
        "Have more women officers from minority backgrounds in neighbourhood teams.",
        "Explain the fitness and vetting tests, people think they cannot pass.",
        "The force should be as diverse as the city it serves.",
    ],
}

PERSONAL_DETAIL_POINTS = [
    "Please call me on 07700 900461 about what happened to my son.",
    "My email is aisha.khan@example.org if you want more details.",
    "The trouble is outside 14 Raby Street, M14 4SL, every Friday night.",
    "The car with reg AB12 CDE keeps parking across the mosque entrance.",
]

SAFEGUARDING_POINTS = [
    "A boy at school carries a knife and says he will use it.",
    "Someone threatened my sister and she is scared to go home.",
    "I think a young girl on our street is being groomed by older men.",
]

ITEMS_PER_EVENT = 150


# The key questions in Somali and Arabic, as an Administrator would add them.
KEY_QUESTION_TRANSLATIONS = {
    "respect": {
        "so": {"text": "Sidee booliska si fiican ugu ixtiraami karaan bulshadan?"},
        "ar": {"text": "كيف يمكن للشرطة أن تحترم هذا المجتمع بشكل أفضل؟"},
    },
    "protect": {
        "so": {"text": "Sidee booliska si fiican u ilaalin karaan bulshadan?"},
        "ar": {"text": "كيف يمكن للشرطة أن تحمي هذا المجتمع بشكل أفضل؟"},
    },
    "involve": {
        "so": {"text": "Sidee booliska si fiican ugu lug yeelan karaan bulshadan?"},
        "ar": {"text": "كيف يمكن للشرطة أن تُشرك هذا المجتمع بشكل أفضل؟"},
    },
    "represent": {
        "so": {"text": "Sidee booliska si fiican ugu matali karaan bulshadan?"},
        "ar": {"text": "كيف يمكن للشرطة أن تمثّل هذا المجتمع بشكل أفضل؟"},
    },
}

# Points people wrote in their own language, stored as written.
POINTS_IN_OTHER_LANGUAGES = [
    "Booliska waxay u baahan yihiin inay dhegaystaan bulshada Soomaaliyeed oo ay ixtiraamaan.",
    "Hooyaday ma taqaan Ingiriisi, waxaan u baahanahay turjumaan marka aan dambi soo sheegno.",
    "نحتاج إلى مترجمين عند الإبلاغ عن الجرائم لأن والدتي لا تتكلم الإنجليزية.",
    "میری والدہ انگریزی نہیں بول سکتیں، ہمیں ترجمان کی ضرورت ہے۔",
]


def _link_programme_questions(programme) -> list[KeyQuestion]:
    questions = list(
        KeyQuestion.objects.filter(workstream__isnull=False).order_by("workstream__position")
    )
    for question in questions:
        translations = KEY_QUESTION_TRANSLATIONS.get(question.workstream.slug)
        if translations and not question.translations:
            content_translations_save(
                obj=question,
                translations=translations,
                languages=[LANGUAGES_BY_CODE[code] for code in translations],
            )
    for position, question in enumerate(questions, start=1):
        ProgrammeKeyQuestion.objects.get_or_create(
            programme=programme, key_question=question, defaults={"position": position}
        )
    return questions


def _mark_questions_covered(programme, questions, randomness) -> None:
    for event in programme.events.filter(
        status=Event.Status.HELD, key_questions_covered__isnull=True
    ):
        covered = questions if randomness.random() < 0.7 else questions[:3]
        event_record_key_questions_covered(event=event, key_questions=covered)


def _points_for(randomness: random.Random, slug: str) -> str:
    roll = randomness.random()
    if roll < 0.03:
        return randomness.choice(PERSONAL_DETAIL_POINTS)
    if roll < 0.045:
        return randomness.choice(SAFEGUARDING_POINTS)
    return randomness.choice(POINTS[slug])


@dataclass
class DemoForm:
    """An online or paper form, filled in over the days after an event."""

    source: str
    received_hour: datetime
    answers: list = field(default_factory=list)
    topics: list = field(default_factory=list)


@transaction.atomic
def seed(*, password: str) -> None:
    programme = Programme.objects.get(name=PROGRAMME_NAME)
    randomness = random.Random(4)
    questions = _link_programme_questions(programme)
    _mark_questions_covered(programme, questions, randomness)
    seed_focus_group(programme, password=password, randomness=random.Random(21))
    if FeedbackItem.objects.exists():
        return

    coordinator = get_user_model().objects.get(username="coordinator")
    topics = list(Topic.objects.active())
    for event in programme.events.filter(status=Event.Status.HELD).order_by("starts_at"):
        _seed_event_feedback(event, questions, topics, coordinator, randomness)
    seed_findings(programme, randomness=random.Random(35))
    seed_live_sessions(programme, coordinator, randomness=random.Random(17))


def _seed_event_feedback(event, questions, topics, coordinator, randomness) -> None:
    """About ITEMS_PER_EVENT points from one event, through the services that store
    and tag feedback: officers' notes on the night, and online and paper forms in the
    week after. About three in four points with a clear topic are tagged."""
    event_hour = hour_of(event.starts_at)
    forms = {
        source: [
            DemoForm(source, event_hour + timedelta(days=randomness.randint(0, 6)))
            for _ in range(count)
        ]
        for source, count in (
            (Submission.Source.ONLINE_FORM, 18),
            (Submission.Source.PAPER_FORM, 12),
        )
    }
    tagged_with = defaultdict(list)
    for _ in range(ITEMS_PER_EVENT):
        question = randomness.choice(questions)
        text = _points_for(randomness, question.workstream.slug)
        roll = randomness.random()
        form = None
        if roll >= 0.55:
            source = Submission.Source.ONLINE_FORM if roll < 0.8 else Submission.Source.PAPER_FORM
            form = randomness.choice(forms[source])
        suggested = suggest_topics(text, topics)[:2]
        chosen = suggested if suggested and randomness.random() < 0.75 else []
        if form is None:
            item = feedback_record(
                text=text,
                source=FeedbackItem.Source.DISCUSSION_NOTE,
                event=event,
                key_question=question,
                recorded_by=coordinator,
                received_hour=event_hour,
                alert_duty_officer=False,
            )
            tagged_with[tuple(chosen)].append(item)
        else:
            form.answers.append((question, text))
            form.topics.append(tuple(chosen))
    for form in [*forms[Submission.Source.ONLINE_FORM], *forms[Submission.Source.PAPER_FORM]]:
        if not form.answers:
            continue
        submission, _new = feedback_submit_form(
            source=form.source,
            answers=form.answers,
            event=event,
            form_nonce=secrets.token_urlsafe(24),
            received_hour=form.received_hour,
            alert_duty_officer=False,
        )
        # The form's points are stored in the order of its answers.
        for item, chosen in zip(submission.items.order_by("pk"), form.topics, strict=True):
            tagged_with[chosen].append(item)
    for chosen, items in tagged_with.items():
        if chosen:
            feedback_tag(items=items, topics=chosen)
    if event.focus_community and event.focus_community.name in (
        "Somali communities",
        "South Asian Muslim communities",
    ):
        for text in POINTS_IN_OTHER_LANGUAGES:
            feedback_record(
                text=text,
                source=FeedbackItem.Source.PAPER_FORM,
                event=event,
                received_hour=event_hour + timedelta(days=1),
                alert_duty_officer=False,
            )


# The focus group ----------------------------------------------------------------------

FOCUS_GROUP_JOINERS = 13
FOCUS_GROUP_LEAVERS = 2
MEETING_AGENDAS = [
    "Welcome and introductions\nHow the sense-check works\nDates for the year",
    "What we heard at the Somali community event\nStop and search figures for the area",
    "Findings from the young people's event\nHow we share findings back with attendees",
    "You Said, We Did: what has changed so far\nPlanning the next round of events",
    "Training officers on culture and faith: your ideas\nAny other business",
]
MEETING_PLACE = "Longsight Community Centre, 21 Stockport Road, M13 9PR"
MEETING_LINK = "https://meet.example.police.uk/focus-group"


def _evening(day):
    return timezone.localtime(day).replace(hour=18, minute=30, second=0, microsecond=0)


def _meeting(starts_at, agenda: str, coordinator, *, online: bool = False):
    return focus_group_meeting_schedule(
        details=MeetingDetails(
            starts_at=starts_at,
            agenda=agenda,
            place=MEETING_PLACE,
            online_link=MEETING_LINK if online else "",
        ),
        by=coordinator,
    )


def seed_focus_group(programme, *, password: str, randomness: random.Random) -> None:
    """About a dozen members who accepted invitations sent to contacts who wanted to
    join, the demo panel user among them, two who have left, meetings every couple of
    months with replies and attendance, and members facilitating at some events. All
    through the services; then dates are moved back, as if it happened over the year."""
    User = get_user_model()
    coordinator = User.objects.get(username="coordinator")
    focus_group_member_start(user=User.objects.get(username="panel"))
    if FocusGroupInvitation.objects.exists():
        return
    now = timezone.now()
    joiners = list(focus_group_candidates().exclude(email="")[:FOCUS_GROUP_JOINERS])
    for number, attendee in enumerate(joiners, start=1):
        invitation = focus_group_invite(attendee=attendee, by=coordinator)
        focus_group_join(
            signed=focus_group_invitation_signed(invitation),
            username=f"{slugify(attendee.name).replace('-', '.')}.{number}",
            password=password,
        )
    # The group formed last year.
    FocusGroupMember.objects.update(started_at=now - timedelta(days=320))
    FocusGroupInvitation.objects.update(
        sent_at=now - timedelta(days=325), accepted_at=now - timedelta(days=320)
    )
    everyone = list(FocusGroupMember.objects.active())

    # Meetings every couple of months: each scheduled ahead, replied to and then held.
    held = []
    for months_ago, agenda in zip((10, 8, 6, 4, 2), MEETING_AGENDAS, strict=True):
        meeting = _meeting(now + timedelta(days=7), agenda, coordinator, online=months_ago < 6)
        for member in everyone:
            focus_group_meeting_reply(
                meeting=meeting, member=member, can_come=randomness.random() < 0.75
            )
        FocusGroupMeeting.objects.filter(pk=meeting.pk).update(
            starts_at=_evening(now - timedelta(days=30 * months_ago))
        )
        held.append(meeting)
    for meeting in held:
        came = [
            reply.member
            for reply in meeting.replies.select_related("member")
            if reply.can_come and randomness.random() < 0.9
        ]
        focus_group_meeting_record_attendance(meeting=meeting, members=came, by=coordinator)

    # Two members left: one stepped down, one whose membership a Coordinator ended.
    leavers = [member for member in everyone if member.user.username != "panel"][
        -FOCUS_GROUP_LEAVERS:
    ]
    focus_group_member_end(member=leavers[0], by=leavers[0].user)
    focus_group_member_end(
        member=leavers[1], by=coordinator, reason="Moved away from the area; said so by phone."
    )
    FocusGroupMember.objects.filter(pk__in=[member.pk for member in leavers]).update(
        ended_at=now - timedelta(days=45)
    )

    # Coming up: the next meeting, which some have replied to, and one after it.
    upcoming = _meeting(
        _evening(now + timedelta(days=20)),
        "Findings from the last two events\nHow the focus group could reach more young people",
        coordinator,
        online=True,
    )
    for member in FocusGroupMember.objects.active().exclude(user__username="panel"):
        if randomness.random() < 0.6:
            focus_group_meeting_reply(
                meeting=upcoming, member=member, can_come=randomness.random() < 0.8
            )
    _meeting(
        _evening(now + timedelta(days=80)),
        "Planning next year's events\nAny other business",
        coordinator,
    )

    # Someone invited last week has not accepted yet.
    waiting = focus_group_candidates().exclude(email="").filter(left_at__isnull=True).first()
    if waiting is not None:
        invitation = focus_group_invite(attendee=waiting, by=coordinator)
        FocusGroupInvitation.objects.filter(pk=invitation.pk).update(
            sent_at=now - timedelta(days=6)
        )

    # Members facilitated discussion at a few of the events held.
    active = list(FocusGroupMember.objects.active())
    for event in programme.events.filter(status=Event.Status.HELD).order_by("-starts_at")[:4]:
        focus_group_record_facilitators(event=event, members=randomness.sample(active, k=2))


# Findings -------------------------------------------------------------------------------

FINDINGS_SUMMARIES = {
    "respect": (
        "People want officers to explain why they are stopping someone before anything "
        "else happens, to keep body cameras on, and to speak to young Black men without "
        "assuming guilt. Complaints take too long and nobody says what happened."
    ),
    "protect": (
        "Hate crime is under-reported because people think nothing happens when they "
        "report it. Parents worry about youth violence and county lines and want youth "
        "work as well as arrests. Calls to 101 take too long."
    ),
    "involve": (
        "Come to community spaces more often, not only after something bad has "
        "happened, and come back to say what changed. Evenings, schools, WhatsApp groups "
        "and community radio reach more people."
    ),
    "represent": (
        "People rarely see officers from their community in senior roles. Recruitment "
        "should visit colleges, explain vetting and fitness tests, and support staff "
        "already in the force to be promoted."
    ),
}
FINDINGS_COMMENTS = [
    ("partly", "It leaves out what the young people said about being stopped near school."),
    ("partly", "Mostly right, but the point about complaints came up far more often."),
    ("not_accurate", "This was not the main worry in the room: it was about being ignored."),
]


def _ask(findings, members, coordinator, *, days: int = 10) -> None:
    findings_send_for_sense_check(
        findings=findings,
        members=members,
        deadline=timezone.localdate() + timedelta(days=days),
        by=coordinator,
    )


def _answer(findings, member, randomness: random.Random, *, doubtful: float = 0.3, late=False):
    request = member.sense_check_requests.filter(version__findings=findings).latest("sent_at")
    if late:
        # As if the deadline passed before they found the time.
        request.deadline = timezone.localdate() - timedelta(days=1)
        request.save(update_fields=["deadline"])
    for section in request.version.sections.all():
        if randomness.random() < doubtful:
            verdict, comment = randomness.choice(FINDINGS_COMMENTS)
        else:
            verdict, comment = "accurate", ""
        sense_check_answer(request=request, section=section, verdict=verdict, comment=comment)


def _write_up(findings, coordinator) -> None:
    """Rewrite the prepared summaries in plain words, as a Coordinator would."""
    findings_update(
        findings=findings,
        title=findings.title,
        overview=(
            "About sixty people came. They spoke most about stop and search, about hate "
            "crime going unreported, and about wanting officers to come back and say what "
            "changed."
        ),
        by=coordinator,
    )
    for section in findings.latest_version().sections.select_related("key_question__workstream"):
        question = section.key_question
        slug = question.workstream.slug if question and question.workstream else ""
        findings_update_section(
            findings=findings,
            section=section,
            heading=section.heading,
            summary=FINDINGS_SUMMARIES.get(slug, section.summary),
            items=list(section.items.all()),
            by=coordinator,
        )


def _amend_from_answers(findings, coordinator) -> None:
    """Change each section someone doubted, saying which answers led to it."""
    version = findings.latest_version()
    for section in version.sections.all():
        doubts = list(
            SectionAnswer.objects.current().filter(section=section).exclude(verdict="accurate")
        )
        if not doubts:
            continue
        findings_update_section(
            findings=findings,
            section=section,
            heading=section.heading,
            summary=f"{section.summary} Members also pointed out: {doubts[0].comment}",
            items=list(section.items.all()),
            by=coordinator,
            note="Added what the focus group said was missing.",
            because_of=doubts,
        )


def seed_findings(programme, *, randomness: random.Random) -> None:
    """Findings at every step, through the services: shared (with a late answer and an
    amendment), an agreed round-up, findings being amended after the focus group's
    answers, findings with the focus group now (the demo panel user among those asked),
    and a draft. Runs after the focus group and the feedback are in place."""
    if Findings.objects.exists():
        return
    coordinator = get_user_model().objects.get(username="coordinator")
    held = list(programme.events.filter(status=Event.Status.HELD).order_by("starts_at"))
    if len(held) < 6:
        return
    everyone = list(FocusGroupMember.objects.active().select_related("user").order_by("pk"))
    panel = next(member for member in everyone if member.user.username == "panel")
    others = [member for member in everyone if member != panel]
    checkers = others[:5]

    shared = findings_draft_for(events=[held[-6]], by=coordinator)
    _write_up(shared, coordinator)
    _ask(shared, checkers, coordinator)
    for number, member in enumerate(checkers):
        _answer(shared, member, randomness, late=number == 0)
    _amend_from_answers(shared, coordinator)
    findings_mark_agreed(findings=shared, by=coordinator)
    findings_share(findings=shared, by=coordinator)

    round_up = findings_draft_for(
        events=held[-5:-3], by=coordinator, title="Round-up of the spring listening events"
    )
    _write_up(round_up, coordinator)
    _ask(round_up, checkers, coordinator)
    for member in checkers:
        _answer(round_up, member, randomness, doubtful=0)
    findings_mark_agreed(findings=round_up, by=coordinator)

    amending = findings_draft_for(events=[held[-3]], by=coordinator)
    _write_up(amending, coordinator)
    _ask(amending, checkers, coordinator)
    for member in checkers[:4]:
        _answer(amending, member, randomness, doubtful=0.6)
    _amend_from_answers(amending, coordinator)

    with_group = findings_draft_for(events=[held[-2]], by=coordinator)
    _write_up(with_group, coordinator)
    _ask(with_group, [panel, *others], coordinator, days=5)
    for member in others[:3]:
        _answer(with_group, member, randomness)

    findings_draft_for(events=[held[-1]], by=coordinator)


@transaction.atomic
def seed_volume(*, scale: int = 1) -> dict:
    """Large volumes for benchmarks: tens of thousands of tagged feedback items."""
    events = list(Event.objects.filter(status=Event.Status.HELD).select_related("focus_community"))
    questions = list(KeyQuestion.objects.filter(workstream__isnull=False))
    topics = list(Topic.objects.all())
    randomness = random.Random(98)
    items = FeedbackItem.objects.bulk_create(
        FeedbackItem(
            text=randomness.choice(POINTS[question.workstream.slug]),
            source=FeedbackItem.Source.DISCUSSION_NOTE,
            event=event,
            key_question=question,
            community=event.focus_community,
            community_source=(
                FeedbackItem.CommunitySource.EVENT_DEFAULT
                if event.focus_community
                else FeedbackItem.CommunitySource.NOT_KNOWN
            ),
            received_hour=event.starts_at.replace(minute=0, second=0, microsecond=0),
            status=FeedbackItem.Status.TAGGED,
        )
        for event, question in (
            (randomness.choice(events), randomness.choice(questions)) for _ in range(50_000 * scale)
        )
    )
    TopicLink = FeedbackItem.topics.through
    TopicLink.objects.bulk_create(
        TopicLink(feedbackitem_id=item.pk, topic_id=randomness.choice(topics).pk) for item in items
    )
    return {"feedback_items": len(items)}


# The live session ---------------------------------------------------------------------

LIVE_POINTS = [
    ("point", "Officers should explain why they stop someone before searching them."),
    ("question", "How many complaints about stop and search were upheld last year?"),
    ("point", "We never see the same officer twice, so nobody knows us."),
    ("point", "More officers walking the estate, not just driving through."),
    ("question", "Can young people meet the new inspector at the youth club?"),
    ("point", "Please have interpreters at the front counter."),
    ("point", "Officers on foot on the estate would help a lot."),
    ("point", "Buy my stuff at www.example.com cheap"),
    ("point", "My neighbour's son is being made to carry drugs and he is scared."),
]
LIVE_TABLE_NOTES = [
    "Table wants a regular surgery at the mosque after Friday prayers.",
    "Young people said they would report more if they could do it online.",
    "Elders asked for letters in Somali about what happens after a complaint.",
]


def seed_live_sessions(programme, coordinator, *, randomness: random.Random) -> None:
    """A past live session at the latest held event: points from phones, moderated,
    supported and merged, a flagged one kept off the screen, the trust question at the
    start and the end, a question of the day, and three tables that came back
    together. Closing it put everything in the event's inbox."""
    event = programme.events.filter(status=Event.Status.HELD).order_by("-starts_at").first()
    if event is None or event.live_sessions.exists():
        return
    session = live_session_open(event=event, by=coordinator)
    before = session.polls.get(purpose=LivePoll.Purpose.TRUST_BEFORE)
    live_poll_open(poll=before)
    for value in randomness.choices(range(5), weights=[4, 7, 8, 5, 2], k=26):
        live_poll_answer(poll=before, value=value)
    points = [live_point_send(session=session, text=text, kind=kind) for kind, text in LIVE_POINTS]
    for point in points[:7]:
        live_point_moderate(point=point, approve=True)
    live_point_merge(point=points[6], into=points[3])
    live_point_moderate(point=points[7], approve=False)
    for point, supports in zip(points[:6], (14, 9, 11, 17, 6, 8), strict=True):
        for _ in range(supports):
            live_point_support(point=point)
    night = live_poll_create(
        session=session,
        question="Which evening suits you best for the next meeting?",
        kind=LivePoll.Kind.CHOICE,
        options=["Tuesday", "Wednesday", "Thursday"],
    )
    live_poll_open(poll=night)
    for value in randomness.choices(range(3), weights=[3, 5, 8], k=21):
        live_poll_answer(poll=night, value=value)
    live_tables_split(session=session, count=3)
    for table, note in zip(session.tables.all(), LIVE_TABLE_NOTES, strict=True):
        live_point_send(session=session, text=note, table=table, recorded_by=coordinator)
    live_tables_together(session=session)
    after = session.polls.get(purpose=LivePoll.Purpose.TRUST_AFTER)
    live_poll_open(poll=after)
    for value in randomness.choices(range(5), weights=[1, 3, 6, 9, 5], k=24):
        live_poll_answer(poll=after, value=value)
    live_session_close(session=session, by=coordinator)
