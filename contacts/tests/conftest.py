"""Fixtures for the contacts tests. The factories are in factories.py."""

import pytest

from contacts.models import ConsentMethod, ConsentPurpose
from contacts.tests.factories import AttendeeFactory


@pytest.fixture
def ada(db):
    """A contact whose paper form an officer typed in: she gets email updates and
    might join the focus group."""
    return AttendeeFactory(
        name="Ada",
        email="ada@example.org",
        source=ConsentMethod.PAPER,
        subscribed=True,
        consents=[ConsentPurpose.FOCUS_GROUP],
    )


@pytest.fixture
def amina(db):
    """A contact who gets email updates, as staff pages show her."""
    return AttendeeFactory(name="Amina Khan", email="amina@example.org", subscribed=True)
