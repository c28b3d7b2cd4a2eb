"""Fixtures for the feedback app's tests."""

import pytest

from events.tests.factories import EventFactory


@pytest.fixture
def event(programme):
    return EventFactory(programme=programme, held=True)
