"""Every app's factories are fixtures for any test, registered once in the root
conftest, and every model of the apps below has one."""

import pytest
from django.apps import apps

from conftest import FACTORY_FIXTURES

APPS_WITH_A_FACTORY_FOR_EVERY_MODEL = ["engagement", "events", "contacts", "feedback", "evaluation"]


@pytest.mark.django_db
def test_every_factory_is_a_fixture_named_after_it(request):
    assert {"user_factory", "event_factory", "venue_factory", "attendee_factory"} <= set(
        FACTORY_FIXTURES
    )
    for name, factory_class in FACTORY_FIXTURES.items():
        assert request.getfixturevalue(name) is factory_class


@pytest.mark.parametrize("app_label", APPS_WITH_A_FACTORY_FOR_EVERY_MODEL)
def test_every_model_has_a_factory(app_label):
    with_a_factory = {factory_class._meta.model for factory_class in FACTORY_FIXTURES.values()}
    models = set(apps.get_app_config(app_label).get_models())
    assert models - with_a_factory == set()


@pytest.mark.django_db
def test_a_factory_fixture_makes_objects(event_factory, feedback_item_factory):
    event = event_factory(held=True)
    assert feedback_item_factory(event=event).event == event
