import pytest
from django.core.management import call_command

from events.models import Debrief, Event, Venue


@pytest.mark.django_db
def test_demo_data_has_a_year_of_events_with_debriefs_costs_and_attendance(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    assert Venue.objects.count() >= 5
    held = Event.objects.filter(status=Event.Status.HELD)
    assert held.count() >= 10
    assert Event.objects.upcoming().published().count() >= 3
    assert Event.objects.filter(status=Event.Status.CANCELLED).exists()
    assert Debrief.objects.count() == held.count()
    assert all(event.headcount and event.total_cost for event in held)
    assert held.filter(officers_attending__username="coordinator").exists()
    assert held.filter(key_questions_covered__isnull=False).exists()
    assert Event.objects.values("focus_community").distinct().count() >= 4

    counts = (Event.objects.count(), Venue.objects.count(), Debrief.objects.count())
    call_command("seed_demo", stdout=None)
    assert counts == (Event.objects.count(), Venue.objects.count(), Debrief.objects.count())
