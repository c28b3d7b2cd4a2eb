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

from engagement.demo import PROGRAMME_NAME
from engagement.models import Programme
from events.models import Event
from events.services import event_record_key_questions_covered
from feedback.models import (
    FeedbackItem,
    KeyQuestion,
    ProgrammeKeyQuestion,
    Submission,
    Topic,
    hour_of,
)
from feedback.services import feedback_record, feedback_submit_form, feedback_tag
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


def _link_programme_questions(programme) -> list[KeyQuestion]:
    questions = list(
        KeyQuestion.objects.filter(workstream__isnull=False).order_by("workstream__position")
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
    if FeedbackItem.objects.exists():
        return

    coordinator = get_user_model().objects.get(username="coordinator")
    topics = list(Topic.objects.active())
    for event in programme.events.filter(status=Event.Status.HELD).order_by("starts_at"):
        _seed_event_feedback(event, questions, topics, coordinator, randomness)


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
