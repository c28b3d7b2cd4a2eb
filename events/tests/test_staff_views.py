from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.tests.factories import CommunityFactory
from events.models import Debrief, Event, Venue
from events.tests.factories import DebriefFactory, EventFactory, VenueFactory

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def local(moment):
    return timezone.localtime(moment).strftime(LOCAL_FORMAT)


@pytest.fixture
def programme(programme_with_key_questions):
    return programme_with_key_questions


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def event_form_data(programme, default_venue, **changes):
    starts_at = timezone.now() + timedelta(days=10)
    data = {
        "programme": programme.pk,
        "title": "Listening event in Moss Side",
        "focus_community": CommunityFactory().pk,
        "age_group": "",
        "format": Event.Format.IN_PERSON,
        "venue": default_venue.pk if default_venue else "",
        "online_link": "",
        "starts_at": local(starts_at),
        "ends_at": "",
        "lead_organiser": "",
        "public_description": "Come and tell us what you think.",
        "agenda": "Welcome\nDiscussion",
        "slug": "",
        "is_published": "on",
    }
    data.update(changes)
    return data


# Planning ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_coordinator_plans_an_event_that_lasts_three_hours_by_default(
    coordinator_client, coordinator, programme
):
    venue = VenueFactory()
    response = coordinator_client.post(reverse("events:create"), event_form_data(programme, venue))
    event = Event.objects.get()
    assert response.status_code == 302
    assert response.url == event.get_staff_url()
    assert event.ends_at - event.starts_at == timedelta(hours=3)
    assert event.slug.startswith("listening-event-in-moss-side-")
    assert event.lead_organiser == coordinator
    assert event.status == Event.Status.PLANNED
    assert event.is_published


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title for the event."),
        ({"venue": ""}, "venue", "Choose a venue for an event held in person"),
        (
            {"format": Event.Format.ONLINE, "venue": ""},
            "online_link",
            "Enter the joining link for an online event.",
        ),
        (
            {"format": Event.Format.ONLINE, "online_link": "teams meeting on tuesday"},
            "online_link",
            "Enter a full web address starting with https://",
        ),
        ({"slug": "Not a slug!"}, "slug", "Use only letters, numbers and hyphens"),
        ({"starts_at": "31/02/2027 18:00"}, "starts_at", "Enter a real date and time"),
        ({"starts_at": ""}, "starts_at", "Enter a date and time."),
    ],
)
def test_bad_event_details_get_a_message_beside_the_field(
    coordinator_client, programme, changes, field, message
):
    venue = VenueFactory()
    data = event_form_data(programme, venue, **changes)
    response = coordinator_client.post(reverse("events:create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'href="#id_{field}"' in page
    assert Event.objects.count() == 0
    if data["title"]:
        assert 'value="Listening event in Moss Side"' in page


@pytest.mark.django_db
def test_an_event_must_end_after_it_starts(coordinator_client, programme):
    starts_at = timezone.now() + timedelta(days=5)
    data = event_form_data(
        programme,
        VenueFactory(),
        starts_at=local(starts_at),
        ends_at=local(starts_at - timedelta(hours=1)),
    )
    response = coordinator_client.post(reverse("events:create"), data)
    assert response.context["form"].errors["ends_at"] == ["The end must be after the start."]
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_a_new_event_cannot_start_in_the_past(coordinator_client, programme):
    data = event_form_data(
        programme, VenueFactory(), starts_at=local(timezone.now() - timedelta(days=1))
    )
    response = coordinator_client.post(reverse("events:create"), data)
    assert "cannot start in the past" in response.context["form"].errors["starts_at"][0]
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_a_web_address_already_in_use_is_refused(coordinator_client, programme):
    EventFactory(slug="moss-side-listening")
    data = event_form_data(programme, VenueFactory(), slug="moss-side-listening")
    response = coordinator_client.post(reverse("events:create"), data)
    assert (
        "Another event already uses this web address"
        in (response.context["form"].errors["slug"][0])
    )
    assert Event.objects.count() == 1


@pytest.mark.django_db
def test_an_archived_venue_is_not_offered_for_new_events(coordinator_client, programme):
    archived = VenueFactory(is_archived=True)
    response = coordinator_client.get(reverse("events:create"))
    assert archived not in response.context["form"].fields["venue"].queryset


@pytest.mark.django_db
def test_editing_a_past_event_keeps_its_start_and_its_archived_venue(coordinator_client, programme):
    venue = VenueFactory(is_archived=True)
    event = EventFactory(past=True, programme=programme, venue=venue)
    data = event_form_data(
        programme,
        venue,
        title="Renamed event",
        starts_at=local(event.starts_at),
        ends_at=local(event.ends_at),
        slug=event.slug,
    )
    response = coordinator_client.post(reverse("events:edit", args=[event.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert event.title == "Renamed event"
    assert event.venue == venue


# Running the event -----------------------------------------------------------------


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


# Venues ----------------------------------------------------------------------------


def venue_form_data(**changes):
    data = {
        "name": "Longsight Library",
        "kind": Venue.Kind.COMMUNITY_CENTRE,
        "address": "519 Stockport Road",
        "postcode": "m124jh",
        "capacity": "60",
        "typical_hire_cost": "75",
        "step_free_access": "on",
        "accessibility_notes": "Lift to the first floor.",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_adding_a_venue_tidies_the_postcode(coordinator_client):
    response = coordinator_client.post(reverse("events:venue-create"), venue_form_data())
    assert response.status_code == 302
    venue = Venue.objects.get()
    assert venue.postcode == "M12 4JH"
    assert venue.accessibility_features() == ["Step-free access"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"postcode": "ABC 123"}, "postcode", "Enter a real UK postcode"),
        ({"typical_hire_cost": "-10"}, "typical_hire_cost", "A cost cannot be negative"),
        ({"address": ""}, "address", "Enter the address"),
        ({"name": ""}, "name", "Enter the venue's name."),
        ({"capacity": "many"}, "capacity", "Enter a whole number"),
        ({"name": "x" * 500}, "name", "at most 200 characters"),
    ],
)
def test_bad_venue_details_get_a_message_beside_the_field(
    coordinator_client, changes, field, message
):
    response = coordinator_client.post(reverse("events:venue-create"), venue_form_data(**changes))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Venue.objects.exists()


@pytest.mark.django_db
def test_an_online_venue_needs_no_address(coordinator_client):
    data = venue_form_data(kind=Venue.Kind.ONLINE, address="", postcode="")
    assert coordinator_client.post(reverse("events:venue-create"), data).status_code == 302


@pytest.mark.django_db
def test_deleting_a_venue_in_use_is_refused_with_a_way_forward(coordinator_client):
    venue = VenueFactory()
    EventFactory(venue=venue)
    response = coordinator_client.post(reverse("events:venue-delete", args=[venue.pk]), follow=True)
    assert "You can archive it instead" in response.content.decode()
    assert Venue.objects.filter(pk=venue.pk).exists()
    coordinator_client.post(reverse("events:venue-archive", args=[venue.pk]), {"archived": "1"})
    venue.refresh_from_db()
    assert venue.is_archived
    coordinator_client.post(reverse("events:venue-archive", args=[venue.pk]), {"archived": "0"})
    venue.refresh_from_db()
    assert not venue.is_archived


# Lists, hub and poster -------------------------------------------------------------


@pytest.mark.django_db
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
    # The hub also shows the event's feedback, from the feedback app's summary tag.
    with django_assert_max_num_queries(22) as few:
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
