"""Lay observation in the demo data, and the kinds every new database starts with."""

import pytest
from django.utils import timezone

from contacts.models import ObservationKind, ObservationPlace, Opportunity

pytestmark = pytest.mark.django_db


def test_every_new_database_starts_with_the_four_usual_kinds():
    assert set(ObservationKind.objects.active().values_list("name", flat=True)) >= {
        "Custody suite visit",
        "Ride-along",
        "Stop and search scrutiny panel",
        "Control room visit",
    }
    assert all(kind.description for kind in ObservationKind.objects.all())


def test_the_demo_has_past_and_upcoming_lay_observation_with_a_waiting_list_and_attendance(
    demo_data,
):
    now = timezone.now()
    past = Opportunity.objects.run(now)
    upcoming = Opportunity.objects.upcoming(now)
    assert past.count() >= 2 and upcoming.count() >= 2
    assert Opportunity.objects.filter(status=Opportunity.Status.CANCELLED).exists()

    places = ObservationPlace.objects.all()
    assert places.filter(opportunity__in=past, status="attended").exists()
    assert places.filter(opportunity__in=past, status="did_not_attend").exists()
    assert places.filter(opportunity__in=upcoming, status="taken").exists()
    assert places.filter(opportunity__in=upcoming, status="waiting").exists()
    assert places.filter(opportunity__in=upcoming, status="offered").exists()
    assert places.filter(vetting_status="cleared").exists()
    for opportunity in Opportunity.objects.with_place_counts():
        assert opportunity.taken_count <= opportunity.places_available
    # Everyone offered a place asked to hear about lay observation.
    assert all(
        "lay_observation" in place.attendee.live_consent_purposes()
        for place in places.select_related("attendee")
    )


def test_administrators_add_and_change_kinds_in_the_admin_but_never_delete_one(
    administrator_client,
):
    from django.urls import reverse

    added = administrator_client.post(
        reverse("admin:contacts_observationkind_add"),
        {
            "name": "Firearms training day",
            "description": "Watch a training day.",
            "is_active": "on",
        },
    )
    assert added.status_code == 302
    kind = ObservationKind.objects.get(name="Firearms training day")
    page = administrator_client.get(
        reverse("admin:contacts_observationkind_change", args=[kind.pk])
    )
    assert page.status_code == 200
    delete = administrator_client.post(
        reverse("admin:contacts_observationkind_delete", args=[kind.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert ObservationKind.objects.filter(pk=kind.pk).exists()
