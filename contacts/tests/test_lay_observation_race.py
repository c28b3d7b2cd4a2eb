"""Two people taking the last lay observation place at the same moment, on
PostgreSQL, where requests really run side by side: one gets the place, the other the
waiting list, never both the place. Skipped without PostgreSQL on a laptop; in CI it
must run."""

import threading

import pytest
from django.db import connection
from django.test import Client

from conftest import require_service
from contacts.models import ObservationPlace
from contacts.services import lay_observation
from contacts.services.lay_observation import Answer, place_take
from contacts.tests.factories import OpportunityFactory
from contacts.tests.lay_observation_helpers import (
    emails_about,
    interested,
    latest_email,
    link_in,
    offer,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 30


@pytest.fixture
def postgresql():
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


def in_threads(*jobs):
    """Run each job in a thread of its own, with its own database connection, and
    return what each returned, in order."""
    results = [None] * len(jobs)
    errors = []

    def run(index, job):
        try:
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    assert errors == []
    return results


def test_two_requests_for_the_last_place_at_once_get_one_place_and_one_waiting_list_place(
    postgresql, monkeypatch
):
    opportunity = OpportunityFactory(places_available=1)
    first, second = offer(opportunity, interested(), interested())
    links = [link_in(latest_email(place, "offer")) for place in (first, second)]

    # The first request to get the opportunity's lock holds it until the second
    # request has arrived and is waiting for it. Without the lock, the second would
    # count the places taken before the first had saved its own, and take one too.
    first_inside, second_sent = threading.Event(), threading.Event()
    record_activity = lay_observation.attendee_record_activity

    def activity_held_until_the_other_request_arrives(*, attendee, **options):
        if not first_inside.is_set():
            first_inside.set()
            assert second_sent.wait(timeout=WAIT_SECONDS)
            # Give the second request time to reach the lock and wait on it.
            threading.Event().wait(0.5)
        record_activity(attendee=attendee, **options)

    monkeypatch.setattr(
        lay_observation,
        "attendee_record_activity",
        activity_held_until_the_other_request_arrives,
    )

    def take(link, *, after=None):
        def request():
            if after is not None:
                assert after.wait(timeout=WAIT_SECONDS)
                second_sent.set()
            return Client().post(f"{link}take/").status_code

        return request

    statuses = in_threads(take(links[0]), take(links[1], after=first_inside))

    assert statuses == [302, 302]
    outcomes = sorted(ObservationPlace.objects.values_list("status", flat=True))
    assert outcomes == ["taken", "waiting"]
    assert sorted(emails_about(place)[-1] for place in (first, second)) == ["offer", "taken"]


def test_six_people_racing_for_two_places_fill_them_and_the_rest_wait_in_order(postgresql):
    opportunity = OpportunityFactory(places_available=2)
    places = offer(opportunity, *(interested() for _ in range(6)))
    start = threading.Barrier(len(places))

    def take(place):
        def job():
            start.wait(timeout=WAIT_SECONDS)
            return place_take(place=place)

        return job

    answers = in_threads(*(take(place) for place in places))

    assert sorted(answers) == [Answer.TAKEN] * 2 + [Answer.WAITING] * 4
    assert opportunity.places.holding().count() == 2
    assert opportunity.places.waiting_in_order().count() == 4
    assert sorted(emails_about(place)[-1] for place in places) == ["offer"] * 4 + ["taken"] * 2
