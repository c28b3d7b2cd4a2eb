"""Someone saving their choices on the my-data page in the same moment as their details
are erased (from another tab, or by the retention job), on PostgreSQL, where the two
really run side by side: neither fails on a deadlock, and the choices bring nothing
back. Skipped without PostgreSQL on a laptop; in CI it must run."""

import threading

import pytest
from django.db import connection

from conftest import require_service
from contacts.models import ConsentPurpose
from contacts.services import records
from contacts.services.consent import attendee_set_preferences
from contacts.services.records import attendee_erase
from contacts.tests.factories import AttendeeFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 30


@pytest.fixture
def postgresql():
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


def in_threads(*jobs):
    """Run each job in a thread of its own, with its own database connection."""
    errors = []

    def run(job):
        try:
            job()
        except Exception as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    assert errors == []


def test_choices_saved_while_the_details_are_erased_neither_deadlock_nor_come_back(
    postgresql, monkeypatch
):
    attendee = AttendeeFactory(
        consents=[ConsentPurpose.EMAIL_UPDATES, ConsentPurpose.FOCUS_GROUP],
    )
    erasing, choosing = threading.Event(), threading.Event()
    withdraw_places = records.lay_observation_withdraw

    def erasure_held_until_the_choices_are_on_their_way(*, attendee, **options):
        # Erasing has the person's row by now; it waits here for the other request
        # to arrive, which used to take the consents' rows and then wait for the
        # person's, while erasing went on to wait for the consents'.
        erasing.set()
        assert choosing.wait(timeout=WAIT_SECONDS)
        threading.Event().wait(0.5)
        return withdraw_places(attendee=attendee, **options)

    monkeypatch.setattr(
        records, "lay_observation_withdraw", erasure_held_until_the_choices_are_on_their_way
    )

    def erase():
        attendee_erase(attendee=attendee)

    def choose():
        assert erasing.wait(timeout=WAIT_SECONDS)
        choosing.set()
        attendee_set_preferences(attendee=attendee, purposes={ConsentPurpose.EMAIL_UPDATES})

    in_threads(erase, choose)

    attendee.refresh_from_db()
    assert attendee.is_erased
    assert not attendee.consents.filter(withdrawn_at__isnull=True).exists()
