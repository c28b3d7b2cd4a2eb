"""Fixtures for the feedback app's tests."""

import pytest

from events.tests.factories import EventFactory
from feedback.models import KeyQuestion


@pytest.fixture
def programme(programme_with_key_questions):
    """The programme asking the four key questions, with `questions` in its order."""
    programme = programme_with_key_questions
    programme.questions = list(KeyQuestion.objects.for_programme(programme))
    return programme


@pytest.fixture
def event(programme):
    return EventFactory(programme=programme, held=True)
