"""A number too big for the database, typed into a choice, is an invalid choice, not a
server error (SQLite raises OverflowError, PostgreSQL "integer out of range")."""

import pytest
from django import forms

from engagement.forms import ModelChoiceField, ModelMultipleChoiceField
from engagement.models import Community
from engagement.tests.factories import CommunityFactory

HUGE = str(2**70)


class CommunityForm(forms.Form):
    one = ModelChoiceField(queryset=Community.objects.all(), required=False)
    many = ModelMultipleChoiceField(queryset=Community.objects.all(), required=False)


@pytest.mark.django_db
@pytest.mark.parametrize("value", [HUGE, f"-{HUGE}", f" {HUGE} "])
def test_an_id_too_big_for_the_database_is_an_invalid_choice(value):
    form = CommunityForm({"one": value, "many": [value]})
    assert not form.is_valid()
    assert form.errors["one"][0].startswith("Select a valid choice")
    assert "many" in form.errors


@pytest.mark.django_db
def test_real_ids_still_choose():
    community = CommunityFactory()
    form = CommunityForm({"one": str(community.pk), "many": [str(community.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["one"] == community
