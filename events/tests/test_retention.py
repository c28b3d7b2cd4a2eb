from datetime import timedelta

import pytest
from django.utils import timezone

from engagement.models import OutboxMessage
from events.models import Attendee, ConsentPurpose
from events.services import (
    attendee_keep_in_touch,
    attendee_record_activity,
    attendees_purge_inactive,
)
from events.tasks import purge_inactive_contacts


def contact(email="ada@example.org", *, months_inactive=0, phone=""):
    attendee = attendee_keep_in_touch(
        name="Ada", email=email, phone=phone, purposes={ConsentPurpose.FOCUS_GROUP}
    )
    Attendee.objects.filter(pk=attendee.pk).update(
        last_activity_at=timezone.now() - timedelta(days=30 * months_inactive)
    )
    attendee.refresh_from_db()
    return attendee


@pytest.mark.django_db
def test_inactive_contacts_get_a_notice_then_are_erased(settings):
    settings.CONTACT_RETENTION_MONTHS = 24
    settings.PURGE_NOTICE_DAYS = 30
    old = contact(months_inactive=25)
    recent = contact("bo@example.org", months_inactive=3)

    assert attendees_purge_inactive() == {"noticed": 1, "erased": 0}
    old.refresh_from_db()
    assert old.purge_notice_sent_at is not None
    notice = OutboxMessage.objects.get(attendee=old)
    assert "delete" in notice.subject
    # Running again the same day sends nothing new.
    assert attendees_purge_inactive() == {"noticed": 0, "erased": 0}

    later = timezone.now() + timedelta(days=31)
    assert attendees_purge_inactive(now=later)["erased"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.is_erased
    assert not recent.is_erased


@pytest.mark.django_db
def test_a_contact_who_asks_to_stay_is_kept(settings):
    old = contact(months_inactive=25)
    attendees_purge_inactive()
    attendee_record_activity(attendee=old)
    attendees_purge_inactive(now=timezone.now() + timedelta(days=31))
    old.refresh_from_db()
    assert not old.is_erased
    assert old.purge_notice_sent_at is None


@pytest.mark.django_db
def test_contacts_without_email_are_erased_without_notice():
    phone_only = contact(email="", phone="0161 496 0000", months_inactive=30)
    purge_inactive_contacts.delay()
    phone_only.refresh_from_db()
    assert phone_only.is_erased
