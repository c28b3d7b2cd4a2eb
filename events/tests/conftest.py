"""Fixtures for the events app's tests."""

import pytest


@pytest.fixture
def programme(programme_with_key_questions):
    return programme_with_key_questions


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client
