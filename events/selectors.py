"""Reads about an event that reach past the event itself: its programme's key
questions and the people who attended."""

from events.models import Event


def programme_key_questions(*, programme):
    """The programme's key questions, in the programme's order. The questions belong
    to the feedback app; events reach them through the programme."""
    return programme.key_questions.order_by("programme_links__position")


def event_key_questions_with_coverage(*, event: Event) -> list[tuple]:
    """(key question, whether the event discussed it) for each of the programme's key
    questions, in order."""
    covered = set(event.key_questions_covered.values_list("pk", flat=True))
    return [
        (question, question.pk in covered)
        for question in programme_key_questions(programme=event.programme)
    ]


def event_officers_attending(*, event: Event) -> list:
    """The officers and staff with an account who attended, by name."""
    return list(event.officers_attending.order_by("first_name", "last_name"))
