"""Fixtures for the feedback app's tests."""

import pytest

from events.tests.factories import EventFactory
from feedback.tests.findings_helpers import a_held_event_with_tagged_feedback


@pytest.fixture
def event(programme):
    return EventFactory(programme=programme, held=True)


@pytest.fixture
def tagged(programme):
    """A held event with tagged feedback, and the kinds of point findings never quote."""
    return a_held_event_with_tagged_feedback(programme)
