"""Demo data for the feedback taxonomy: the programme's key questions, and which of them
each held event covered."""

import random

from django.db import transaction

from engagement.demo import PROGRAMME_NAME
from engagement.models import Programme
from feedback.models import KeyQuestion, ProgrammeKeyQuestion


@transaction.atomic
def seed(*, password: str) -> None:
    programme = Programme.objects.get(name=PROGRAMME_NAME)
    questions = list(
        KeyQuestion.objects.filter(workstream__isnull=False).order_by("workstream__position")
    )
    for position, question in enumerate(questions, start=1):
        ProgrammeKeyQuestion.objects.get_or_create(
            programme=programme, key_question=question, defaults={"position": position}
        )
    randomness = random.Random(4)
    for event in programme.events.filter(status="held", key_questions_covered__isnull=True):
        covered = questions if randomness.random() < 0.7 else questions[:3]
        event.key_questions_covered.set(covered)
