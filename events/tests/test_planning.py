"""Planning and editing events on the staff site."""

from datetime import timedelta

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from engagement.tests.factories import CommunityFactory
from events.forms import EventForm
from events.models import Event
from events.tests.factories import EventFactory, VenueFactory
from events.tests.helpers import local


def render_crispy(form) -> str:
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


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


@pytest.mark.django_db
def test_the_event_form_is_laid_out_in_titled_sections_in_order(coordinator_client):
    page = coordinator_client.get(reverse("events:create")).content.decode()
    order = [
        '<h2 id="section-about" class="h4">The event</h2>',
        'id="id_lead_organiser"',
        '<h2 id="section-where" class="h4">Where and when</h2>',
        'id="id_ends_at"',
        '<h2 id="section-public" class="h4">On the public events page</h2>',
        "The agenda is not shown.",
        'id="id_is_published"',
        '<h2 id="section-team" class="h4">For the team</h2>',
        'id="id_agenda"',
    ]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)
    form = page[page.index('<form method="post" class="all-required"') :]
    assert form[: form.index("</form>")].count('name="csrfmiddlewaretoken"') == 1


@pytest.mark.django_db
def test_a_field_left_out_of_the_sections_is_still_shown():
    form = EventForm()
    form.fields["extra_note"] = forms.CharField(label="A field added later", required=False)
    html = render_crispy(form)
    assert 'id="id_extra_note"' in html
    assert html.index('id="id_agenda"') < html.index('id="id_extra_note"')
