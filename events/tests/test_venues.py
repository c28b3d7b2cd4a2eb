"""Venues on the staff site."""

import pytest
from django.urls import reverse

from events.models import Venue
from events.tests.factories import EventFactory, VenueFactory


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


@pytest.mark.django_db
def test_archiving_a_venue_and_bringing_it_back_each_have_their_own_button(coordinator_client):
    venue = VenueFactory()
    EventFactory(venue=venue)
    edit_url = reverse("events:venue-edit", args=[venue.pk])
    archive_url = reverse("events:venue-archive", args=[venue.pk])
    unarchive_url = reverse("events:venue-unarchive", args=[venue.pk])
    assert f'action="{archive_url}"' in coordinator_client.get(edit_url).content.decode()

    response = coordinator_client.post(archive_url, follow=True)
    venue.refresh_from_db()
    assert venue.is_archived
    assert f"{venue.name} is archived." in response.content.decode()
    assert f'action="{unarchive_url}"' in coordinator_client.get(edit_url).content.decode()

    response = coordinator_client.post(unarchive_url, follow=True)
    venue.refresh_from_db()
    assert not venue.is_archived
    assert f"{venue.name} is back in use." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["venue-archive", "venue-unarchive", "venue-delete"])
def test_venue_actions_refuse_a_get(coordinator_client, url_name):
    venue = VenueFactory()
    response = coordinator_client.get(reverse(f"events:{url_name}", args=[venue.pk]))
    assert response.status_code == 405
    assert Venue.objects.filter(pk=venue.pk, is_archived=False).exists()


@pytest.mark.django_db
def test_the_venue_form_is_laid_out_in_titled_sections(coordinator_client):
    page = coordinator_client.get(reverse("events:venue-create")).content.decode()
    assert '<section class="form-section" aria-labelledby="section-venue">' in page
    assert '<h2 id="section-access" class="h4">Access and facilities</h2>' in page
    assert "Tick only what you have checked." in page
    assert page.index('id="id_typical_hire_cost"') < page.index('id="section-access"')
    assert page.index('id="section-access"') < page.index('id="id_step_free_access"')
