"""A Coordinator planning an event for a community that is not in the list proposes it;
an Administrator approves it before the public sees it on forms."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from contacts.forms import KeepInTouchForm
from engagement.models import Community
from engagement.services import community_propose
from events.models import Event
from events.tests.test_planning import event_form_data
from feedback.forms import FeedbackForm

pytestmark = pytest.mark.django_db


def test_a_coordinator_proposes_a_community_from_the_event_form(
    coordinator_client, coordinator, programme, venue_factory
):
    data = event_form_data(
        programme,
        venue_factory(),
        focus_community="",
        proposed_community="  Eritrean  communities ",
    )
    response = coordinator_client.post(reverse("events:create"), data)
    assert response.status_code == 302
    event = Event.objects.get()
    community = event.focus_community
    assert community.name == "Eritrean communities"
    assert not community.is_approved
    assert community.proposed_by == coordinator and community.proposed_at is not None


def test_choosing_from_the_list_and_proposing_at_once_is_refused_kindly(
    coordinator_client, programme, venue_factory
):
    data = event_form_data(programme, venue_factory(), proposed_community="Tigrayan community")
    response = coordinator_client.post(reverse("events:create"), data)
    assert response.status_code == 200
    assert "not both" in response.content.decode()
    assert 'value="Tigrayan community"' in response.content.decode()
    assert not Event.objects.exists()


def test_the_same_name_in_another_case_is_not_made_twice(coordinator, community_factory):
    existing = community_factory(name="Somali communities")
    assert community_propose(name="somali  communities", by=coordinator) == existing
    assert Community.objects.count() == 1


def test_a_proposed_community_is_not_offered_to_the_public_until_approved(
    coordinator, administrator, programme
):
    proposed = community_propose(name="Kurdish communities", by=coordinator)
    public_choices = [
        list(KeepInTouchForm().fields["communities"].queryset),
        list(FeedbackForm(key_questions=[]).fields["community"].queryset),
    ]
    assert all(proposed not in choices for choices in public_choices)

    request = RequestFactory().post("/admin/")
    request.user = administrator
    request._messages = []
    admin = site._registry[Community]
    admin.message_user = lambda *args, **kwargs: None
    admin.approve(request, Community.objects.filter(pk=proposed.pk))

    proposed.refresh_from_db()
    assert proposed.is_approved
    assert proposed in KeepInTouchForm().fields["communities"].queryset


def test_administrators_are_told_about_proposals_waiting(
    administrator_client, coordinator, client_for_role
):
    community_propose(name="Afghan communities", by=coordinator)
    page = administrator_client.get(reverse("staff-home")).content.decode()
    assert "1 community proposed by a Coordinator is waiting for your approval" in page
    assert "is_approved__exact=0" in page
