import re
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from contacts.models import Attendee, ConsentPurpose, OutboxMessage, PendingSignUp
from contacts.services.consent import attendee_record_activity
from contacts.services.links import attendee_keep_url
from contacts.services.records import attendees_purge_inactive
from contacts.services.sign_up import attendee_keep_in_touch, sign_up_submit
from contacts.tasks import purge_inactive_contacts


def contact(email="ada@example.org", *, months_inactive=0, phone=""):
    attendee = attendee_keep_in_touch(
        name="Ada",
        email=email,
        phone=phone,
        purposes={ConsentPurpose.FOCUS_GROUP},
        method="paper",
    )
    Attendee.objects.filter(pk=attendee.pk).update(
        last_activity_at=timezone.now() - timedelta(days=30 * months_inactive)
    )
    attendee.refresh_from_db()
    return attendee


def keep_link_from(message: OutboxMessage) -> str:
    link = re.search(r"https?://\S+/keep-in-touch/keep/\S+/", message.body_text).group(0)
    return urlsplit(link).path


@contextmanager
def past(**delta):
    """Run the code inside at a moment in the past, as django.core.signing sees it."""
    moment = timezone.now() - timedelta(**delta)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("time.time", lambda: moment.timestamp())
        yield


@pytest.mark.django_db
def test_inactive_contacts_get_a_notice_then_are_erased(settings):
    settings.CONTACT_RETENTION_MONTHS = 24
    settings.PURGE_NOTICE_DAYS = 30
    old = contact(months_inactive=25)
    recent = contact("bo@example.org", months_inactive=3)

    assert attendees_purge_inactive() == {"noticed": 1, "erased": 0, "expired_sign_ups": 0}
    old.refresh_from_db()
    assert old.purge_notice_sent_at is not None
    notice = OutboxMessage.objects.get(attendee=old)
    assert "delete" in notice.subject
    # Running again the same day sends nothing new.
    assert attendees_purge_inactive() == {"noticed": 0, "erased": 0, "expired_sign_ups": 0}

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


@pytest.mark.django_db
def test_the_purge_notice_keeps_the_details_with_one_button_and_shows_nothing_personal(client):
    old = contact(months_inactive=25)
    Attendee.objects.filter(pk=old.pk).update(phone="0161 496 0000")
    attendees_purge_inactive()
    notice = OutboxMessage.objects.get(attendee=old)
    link = keep_link_from(notice)
    assert "/my-data/" + old.token not in notice.body_text

    # Opening the link, as a mail scanner would, keeps nothing.
    page = client.get(link)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    shown = page.content.decode()
    assert "Keep my details" in shown
    for personal in ("ada@example.org", "Ada", "0161 496 0000"):
        assert personal not in shown
    old.refresh_from_db()
    assert old.purge_notice_sent_at is not None

    kept = client.post(link)
    assert "We will keep your details" in kept.content.decode()
    assert "ada@example.org" not in kept.content.decode()
    old.refresh_from_db()
    assert old.purge_notice_sent_at is None
    assert old.last_activity_at > timezone.now() - timedelta(minutes=1)

    attendees_purge_inactive(now=timezone.now() + timedelta(days=31))
    old.refresh_from_db()
    assert not old.is_erased


@pytest.mark.django_db
def test_the_keep_link_works_for_the_notice_period_only(client, settings):
    settings.PURGE_NOTICE_DAYS = 30
    old = contact(months_inactive=25)
    with past(days=29):
        still_good = urlsplit(attendee_keep_url(old)).path
    with past(days=31):
        run_out = urlsplit(attendee_keep_url(old)).path

    assert client.get(still_good).status_code == 200
    for response in (client.get(run_out), client.post(run_out)):
        assert response.status_code == 410
        assert "This link has run out" in response.content.decode()
        assert 'href="/my-data/"' in response.content.decode()
    old.refresh_from_db()
    assert old.last_activity_at < timezone.now() - timedelta(days=30 * 24)

    forged = client.post("/keep-in-touch/keep/not:a:link/")
    assert forged.status_code == 404


@pytest.mark.django_db
def test_sign_ups_nobody_confirmed_are_deleted_once_their_link_has_run_out(settings):
    settings.CONFIRMATION_LINK_DAYS = 7
    for address in ("old@example.org", "new@example.org"):
        sign_up_submit(
            name="",
            email=address,
            phone="",
            purposes={ConsentPurpose.FOCUS_GROUP},
        )
    PendingSignUp.objects.filter(email="old@example.org").update(
        created_at=timezone.now() - timedelta(days=8)
    )
    result = purge_inactive_contacts.delay().get()
    assert result["expired_sign_ups"] == 1
    assert list(PendingSignUp.objects.values_list("email", flat=True)) == ["new@example.org"]
