"""Reads about an event that reach past the event itself: its programme's key
questions, the people who attended and the addresses it had."""

from events.models import Event, EventAddress


def event_slug_taken(*, slug: str, event: Event | None = None) -> bool:
    """Whether another event has this public address now or had it before. An event's
    own old addresses are free for it to take back."""
    current = Event.objects.filter(slug=slug)
    old = EventAddress.objects.filter(slug=slug)
    if event is not None and event.pk is not None:
        current = current.exclude(pk=event.pk)
        old = old.exclude(event=event)
    return current.exists() or old.exists()


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
