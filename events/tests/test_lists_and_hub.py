"""The event list, the event hub and the QR poster."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.tests.factories import DebriefFactory, EventFactory


def test_the_list_filters_by_tab_status_and_community(coordinator_client):
    upcoming = EventFactory()
    held = EventFactory(held=True)
    cancelled = EventFactory(
        starts_at=timezone.now() - timedelta(days=30), status=Event.Status.CANCELLED
    )
    url = reverse("events:list")

    def listed(query):
        response = coordinator_client.get(url, query)
        return set(response.context["page"].object_list)

    assert listed({}) == {upcoming}
    assert listed({"when": "past"}) == {held, cancelled}
    assert listed({"when": "all", "status": "held"}) == {held}
    assert listed({"when": "all", "focus_community": upcoming.focus_community.pk}) == {upcoming}
    assert listed({"when": "all", "venue": held.venue.pk}) == {held}
    day = timezone.localtime(held.starts_at).date().isoformat()
    assert listed({"when": "all", "starts_from": day, "starts_to": day}) == {held}


@pytest.mark.django_db
def test_the_list_sorts_by_title(coordinator_client):
    EventFactory(title="Zebra crossing safety")
    EventFactory(title="Anti-social behaviour")
    response = coordinator_client.get(reverse("events:list"), {"sort": "title"})
    titles = [event.title for event in response.context["page"].object_list]
    assert titles == ["Anti-social behaviour", "Zebra crossing safety"]


@pytest.mark.django_db
def test_a_bad_filter_value_shows_no_error_page(coordinator_client):
    response = coordinator_client.get(
        reverse("events:list"), {"starts_from": "not-a-date", "programme": "999", "page": "x"}
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_list_uses_the_same_number_of_queries_however_many_events(
    coordinator_client, django_assert_max_num_queries
):
    EventFactory.create_batch(3, held=True)
    with django_assert_max_num_queries(12) as few:
        coordinator_client.get(reverse("events:list"), {"when": "all"})
    EventFactory.create_batch(22, held=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(reverse("events:list"), {"when": "all"})
    assert len(response.context["page"].object_list) == 25


@pytest.mark.django_db
def test_the_hub_uses_a_fixed_number_of_queries(
    coordinator_client, user_for_role, django_assert_max_num_queries
):
    event = EventFactory(held=True)
    DebriefFactory(event=event)
    # The hub also shows the event's feedback, from the feedback app's summary tag, and
    # its live session button.
    with django_assert_max_num_queries(23) as few:
        coordinator_client.get(event.get_staff_url())
    EventFactory.create_batch(10, held=True, programme=event.programme)
    with django_assert_max_num_queries(len(few.captured_queries)):
        coordinator_client.get(event.get_staff_url())


@pytest.mark.django_db
def test_the_poster_has_a_qr_code_for_the_feedback_form_and_the_key_questions(
    coordinator_client, programme, settings
):
    settings.SITE_URL = "https://voice.example.police.uk"
    event = EventFactory(programme=programme)
    page = coordinator_client.get(reverse("events:poster", args=[event.pk])).content.decode()
    assert "<svg" in page
    assert f"voice.example.police.uk/give-feedback/{event.feedback_token}/" in page
    assert "How can the police better respect this community?" in page
    assert "<script" not in page


@pytest.mark.django_db
def test_a_leader_sees_the_hub_without_editing_buttons(client, leader):
    event = EventFactory(past=True)
    client.force_login(leader)
    page = client.get(event.get_staff_url()).content.decode()
    assert event.title in page
    assert reverse("events:edit", args=[event.pk]) not in page
    assert reverse("events:mark-held", args=[event.pk]) not in page


@pytest.mark.django_db
def test_unknown_events_and_venues_are_404(coordinator_client):
    assert coordinator_client.get(reverse("events:detail", args=[999])).status_code == 404
    assert coordinator_client.get(reverse("events:venue-edit", args=[999])).status_code == 404
