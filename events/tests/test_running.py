"""Recording what happened at an event, cancelling it, and its debrief."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from events.forms import EventHeldForm
from events.models import Debrief, Event
from events.tests.factories import EventFactory
from events.tests.helpers import local


def held_form_data(event, **changes):
    data = {
        "headcount": "64",
        "actual_ends_at": local(event.ends_at + timedelta(minutes=35)),
        "key_questions_covered": [
            question.pk for question in event.programme.key_questions.all()[:2]
        ],
        "officers_attending": [],
        "other_officers_count": "6",
        "chief_officer_attended": "on",
        "venue_hire_cost": "150",
        "catering_cost": "95.50",
        "other_cost": "",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_marking_an_event_held_records_what_happened(coordinator_client, coordinator, programme):
    event = EventFactory(past=True, programme=programme)
    data = held_form_data(event, officers_attending=[coordinator.pk])
    response = coordinator_client.post(reverse("events:mark-held", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.HELD
    assert event.headcount == 64
    assert event.overrun_minutes == 35
    assert event.chief_officer_attended
    assert event.total_cost == Decimal("245.50")
    assert event.key_questions_covered.count() == 2
    assert list(event.officers_attending.all()) == [coordinator]
    hub = coordinator_client.get(event.get_staff_url()).content.decode()
    assert "35 minutes over" in hub
    assert "£245.50" in hub


@pytest.mark.django_db
def test_an_empty_actual_finish_means_it_finished_on_time(coordinator_client, programme):
    event = EventFactory(past=True, programme=programme)
    coordinator_client.post(
        reverse("events:mark-held", args=[event.pk]), held_form_data(event, actual_ends_at="")
    )
    event.refresh_from_db()
    assert event.actual_ends_at == event.ends_at


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"headcount": ""}, "headcount", "Enter how many members of the public came"),
        ({"headcount": "-5"}, "headcount", "cannot be negative"),
        ({"headcount": "lots"}, "headcount", "Enter a whole number"),
        ({"catering_cost": "-20"}, "catering_cost", "A cost cannot be negative"),
        ({"venue_hire_cost": "£12"}, "venue_hire_cost", "Enter an amount in pounds"),
        ({"other_cost": "1.234"}, "other_cost", "at most 2 decimal places"),
    ],
)
def test_bad_held_details_are_refused_and_nothing_is_saved(
    coordinator_client, programme, changes, field, message
):
    event = EventFactory(past=True, programme=programme)
    response = coordinator_client.post(
        reverse("events:mark-held", args=[event.pk]), held_form_data(event, **changes)
    )
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    event.refresh_from_db()
    assert event.status == Event.Status.PLANNED
    assert event.headcount is None
    assert event.key_questions_covered.count() == 0


@pytest.mark.django_db
def test_the_actual_finish_must_be_after_the_start(coordinator_client, programme):
    event = EventFactory(past=True, programme=programme)
    data = held_form_data(event, actual_ends_at=local(event.starts_at - timedelta(minutes=5)))
    response = coordinator_client.post(reverse("events:mark-held", args=[event.pk]), data)
    assert "must be after the event started" in response.context["form"].errors["actual_ends_at"][0]


@pytest.mark.django_db
def test_an_event_that_has_not_started_cannot_be_marked_held(coordinator_client, programme):
    event = EventFactory(programme=programme)
    response = coordinator_client.post(
        reverse("events:mark-held", args=[event.pk]), held_form_data(event), follow=True
    )
    assert "has not started yet" in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.PLANNED


@pytest.mark.django_db
def test_cancelling_needs_a_reason_and_is_refused_for_held_events(coordinator_client):
    event = EventFactory()
    response = coordinator_client.post(reverse("events:cancel", args=[event.pk]), {"reason": ""})
    assert response.context["form"].errors["reason"] == ["Say why the event is cancelled."]
    coordinator_client.post(reverse("events:cancel", args=[event.pk]), {"reason": "Snow"})
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert event.cancellation_reason == "Snow"

    held = EventFactory(held=True)
    coordinator_client.post(reverse("events:cancel", args=[held.pk]), {"reason": "Oops"})
    held.refresh_from_db()
    assert held.status == Event.Status.HELD


@pytest.mark.django_db
def test_a_cancelled_event_cannot_be_marked_held(coordinator_client, programme):
    event = EventFactory(past=True, programme=programme, status=Event.Status.CANCELLED)
    coordinator_client.post(reverse("events:mark-held", args=[event.pk]), held_form_data(event))
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED


@pytest.mark.django_db
def test_writing_and_updating_a_debrief(coordinator_client, coordinator):
    event = EventFactory(held=True)
    url = reverse("events:debrief", args=[event.pk])
    empty = coordinator_client.post(url, {})
    assert "Write at least one part of the debrief." in empty.content.decode()
    assert not Debrief.objects.exists()

    coordinator_client.post(
        url, {"went_well": "People stayed late.", "to_improve": "Start on time"}
    )
    coordinator_client.post(url, {"went_well": "People stayed late.", "learning": "Smaller groups"})
    debrief = Debrief.objects.get()
    assert debrief.learning == "Smaller groups"
    assert debrief.to_improve == ""
    assert debrief.written_by == coordinator
    assert "Smaller groups" in coordinator_client.get(event.get_staff_url()).content.decode()


@pytest.mark.django_db
def test_the_hub_and_the_page_agree_on_when_an_event_can_be_marked_held(coordinator_client):
    coming = EventFactory()
    started = EventFactory(past=True)
    cancelled = EventFactory(past=True, cancelled=True)
    for event in (coming, started, cancelled):
        url = reverse("events:mark-held", args=[event.pk])
        hub = coordinator_client.get(event.get_staff_url()).content.decode()
        response = coordinator_client.get(url, follow=True)
        if event.can_be_marked_held():
            assert f'href="{url}"' in hub
            assert response.redirect_chain == []
        else:
            assert f'href="{url}"' not in hub
            assert response.redirect_chain == [(event.get_staff_url(), 302)]
            assert event.reason_it_cannot_be_marked_held() in response.content.decode()
    assert started.can_be_marked_held()
    assert not coming.can_be_marked_held() and not cancelled.can_be_marked_held()


@pytest.mark.django_db
def test_the_held_form_is_laid_out_in_titled_sections(coordinator_client, programme):
    event = EventFactory(past=True, programme=programme)
    page = coordinator_client.get(reverse("events:mark-held", args=[event.pk])).content.decode()
    headings = ["Who came", "How it went", "Costs"]
    positions = [page.index(f'class="h4">{heading}</h2>') for heading in headings]
    assert positions == sorted(positions)
    assert page.index("Costs</h2>") < page.index('id="id_venue_hire_cost"')
    assert "Leave a cost empty, or enter 0, if there was none." in page
    form = page[page.index('<form method="post" class="all-required"') :]
    assert form[: form.index("</form>")].count('name="csrfmiddlewaretoken"') == 1


@pytest.mark.django_db
def test_the_held_form_itself_refuses_an_event_that_cannot_be_marked_held(programme):
    event = EventFactory(programme=programme)
    form = EventHeldForm(held_form_data(event), instance=event)
    assert not form.is_valid()
    assert form.non_field_errors() == ["This event has not started yet."]


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["officers_attending", "key_questions_covered"])
def test_an_id_too_big_for_the_database_is_an_invalid_choice_not_a_server_error(
    coordinator_client, programme, field
):
    event = EventFactory(past=True, programme=programme)
    data = held_form_data(event, **{field: [str(2**70)]})
    response = coordinator_client.post(reverse("events:mark-held", args=[event.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    event.refresh_from_db()
    assert event.status == Event.Status.PLANNED
