"""The retention clock: contacts with no activity for CONTACT_RETENTION_MONTHS get a
notice by email, and are erased PURGE_NOTICE_DAYS later unless they show they want to
stay. Everything that counts as activity restarts the clock and forgets the notice."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from contacts.models import Attendee, ConsentMethod, ConsentPurpose, OutboxMessage, PendingSignUp
from contacts.services.consent import attendee_record_activity, attendee_set_preferences
from contacts.services.invitations import attendance_record
from contacts.services.links import CONFIRMATION_SALT, attendee_keep_url, my_data_link_url
from contacts.services.records import attendees_purge_inactive
from contacts.services.sign_up import (
    attendee_keep_in_touch,
    confirmation_apply,
    sign_up_submit,
)
from contacts.tasks import purge_inactive_contacts
from contacts.tests.factories import (
    AttendeeFactory,
    ConsentRecordFactory,
    PendingSignUpFactory,
)
from contacts.tests.helpers import past, path_of
from events.tests.factories import EventFactory

RETENTION_MONTHS = 24
NOTICE_DAYS = 30


@pytest.fixture(autouse=True)
def _retention_settings(settings):
    settings.CONTACT_RETENTION_MONTHS = RETENTION_MONTHS
    settings.PURGE_NOTICE_DAYS = NOTICE_DAYS


def inactive_contact(*, months: int, email="ada@example.org", **fields) -> Attendee:
    return AttendeeFactory(
        name="Ada",
        email=email,
        source=ConsentMethod.PAPER,
        consents=[ConsentPurpose.FOCUS_GROUP],
        last_activity_at=timezone.now() - timedelta(days=30 * months),
        **fields,
    )


def keep_link_from(message: OutboxMessage) -> str:
    link = re.search(r"https?://\S+/keep-in-touch/keep/\S+/", message.body_text).group(0)
    return path_of(link)


def notices_to(attendee) -> int:
    return OutboxMessage.objects.filter(attendee=attendee, subject__contains="delete").count()


@pytest.mark.django_db
def test_inactive_contacts_get_a_notice_then_are_erased():
    old = inactive_contact(months=25)
    recent = inactive_contact(months=3, email="bo@example.org")

    assert attendees_purge_inactive() == {"noticed": 1, "erased": 0, "expired_sign_ups": 0}
    old.refresh_from_db()
    assert old.purge_notice_sent_at is not None
    notice = OutboxMessage.objects.get(attendee=old)
    assert "delete" in notice.subject
    # Running again the same day sends nothing new.
    assert attendees_purge_inactive() == {"noticed": 0, "erased": 0, "expired_sign_ups": 0}

    later = timezone.now() + timedelta(days=NOTICE_DAYS + 1)
    assert attendees_purge_inactive(now=later)["erased"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.is_erased
    assert not recent.is_erased


@pytest.mark.django_db
def test_a_contact_who_came_to_an_event_after_a_notice_gets_a_new_notice_before_erasure():
    """Coming to an event restarts the clock and forgets the old notice, so someone
    who then goes quiet again is told again, and not erased without warning."""
    ada = inactive_contact(months=25)
    attendees_purge_inactive()
    assert notices_to(ada) == 1

    attendance_record(attendee=ada, event=EventFactory(past=True))

    # Twenty-five months with nothing from them.
    much_later = timezone.now() + timedelta(days=30 * (RETENTION_MONTHS + 1))
    result = attendees_purge_inactive(now=much_later)
    assert result["erased"] == 0
    assert result["noticed"] == 1
    ada.refresh_from_db()
    assert not ada.is_erased
    assert ada.purge_notice_sent_at == much_later
    assert notices_to(ada) == 2


def _attended_an_event(client, attendee):
    attendance_record(attendee=attendee, event=EventFactory(past=True))


def _confirmed_a_new_address(client, attendee):
    consent = ConsentRecordFactory(attendee=attendee, awaiting=True)
    confirmation_apply(signed=signing.dumps({"consent": consent.pk}, salt=CONFIRMATION_SALT))


def _confirmed_a_sign_up(client, attendee):
    sign_up = PendingSignUpFactory(email=attendee.email)
    confirmation_apply(signed=signing.dumps({"sign_up": sign_up.token}, salt=CONFIRMATION_SALT))


def _changed_their_choices(client, attendee):
    attendee_set_preferences(attendee=attendee, purposes={ConsentPurpose.LAY_OBSERVATION})


def _gave_a_paper_form_again(client, attendee):
    attendee_keep_in_touch(
        name="Ada",
        email=attendee.email,
        phone="",
        purposes={ConsentPurpose.FOCUS_GROUP},
        method=ConsentMethod.PAPER,
    )


def _pressed_keep_in_the_notice(client, attendee):
    assert client.post(path_of(attendee_keep_url(attendee))).status_code == 200


def _pressed_keep_on_their_data_page(client, attendee):
    link = path_of(my_data_link_url(attendee))
    assert client.post(f"{link}keep/").status_code == 302


def _saved_their_choices_on_their_data_page(client, attendee):
    link = path_of(my_data_link_url(attendee))
    assert client.post(f"{link}preferences/", {"wants_focus_group": "on"}).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "activity",
    [
        _attended_an_event,
        _confirmed_a_new_address,
        _confirmed_a_sign_up,
        _changed_their_choices,
        _gave_a_paper_form_again,
        _pressed_keep_in_the_notice,
        _pressed_keep_on_their_data_page,
        _saved_their_choices_on_their_data_page,
    ],
    ids=lambda activity: activity.__name__.strip("_"),
)
def test_every_kind_of_activity_restarts_the_clock_and_forgets_the_notice(client, activity):
    ada = inactive_contact(months=25)
    attendees_purge_inactive()
    ada.refresh_from_db()
    assert ada.purge_notice_sent_at is not None

    activity(client, ada)

    ada.refresh_from_db()
    assert ada.purge_notice_sent_at is None
    assert ada.last_activity_at > timezone.now() - timedelta(minutes=1)
    after_the_notice_period = timezone.now() + timedelta(days=NOTICE_DAYS + 1)
    assert attendees_purge_inactive(now=after_the_notice_period)["erased"] == 0


@pytest.mark.django_db
def test_a_contact_who_asks_to_stay_is_kept():
    old = inactive_contact(months=25)
    attendees_purge_inactive()
    attendee_record_activity(attendee=old)
    attendees_purge_inactive(now=timezone.now() + timedelta(days=NOTICE_DAYS + 1))
    old.refresh_from_db()
    assert not old.is_erased
    assert old.purge_notice_sent_at is None


@pytest.mark.django_db
def test_contacts_without_email_are_erased_without_notice():
    phone_only = inactive_contact(months=30, email="", phone="0161 496 0000")
    purge_inactive_contacts.delay()
    phone_only.refresh_from_db()
    assert phone_only.is_erased


@pytest.mark.django_db
def test_the_purge_notice_keeps_the_details_with_one_button_and_shows_nothing_personal(client):
    old = inactive_contact(months=25, phone="0161 496 0000")
    attendees_purge_inactive()
    notice = OutboxMessage.objects.get(attendee=old)
    link = keep_link_from(notice)
    assert reverse("my-data", args=[old.token]) not in notice.body_text

    # Opening the link, as a mail scanner would, keeps nothing.
    page = client.get(link)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
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

    attendees_purge_inactive(now=timezone.now() + timedelta(days=NOTICE_DAYS + 1))
    old.refresh_from_db()
    assert not old.is_erased


@pytest.mark.django_db
def test_the_keep_link_works_for_the_notice_period_only(client):
    old = inactive_contact(months=25)
    with past(days=NOTICE_DAYS - 1):
        still_good = path_of(attendee_keep_url(old))
    with past(days=NOTICE_DAYS + 1):
        run_out = path_of(attendee_keep_url(old))

    assert client.get(still_good).status_code == 200
    for response in (client.get(run_out), client.post(run_out)):
        assert response.status_code == 410
        assert "This link has run out" in response.content.decode()
        assert f'href="{reverse("my-data-request")}"' in response.content.decode()
    old.refresh_from_db()
    assert old.last_activity_at < timezone.now() - timedelta(days=30 * RETENTION_MONTHS)

    forged = client.post(reverse("keep-in-touch-keep", args=["not:a:link"]))
    assert forged.status_code == 404


@pytest.mark.django_db
def test_sign_ups_nobody_confirmed_are_deleted_once_their_link_has_run_out(settings):
    settings.CONFIRMATION_LINK_DAYS = 7
    for address in ("old@example.org", "new@example.org"):
        sign_up_submit(name="", email=address, phone="", purposes={ConsentPurpose.FOCUS_GROUP})
    PendingSignUp.objects.filter(email="old@example.org").update(
        created_at=timezone.now() - timedelta(days=8)
    )
    result = purge_inactive_contacts.delay().get()
    assert result["expired_sign_ups"] == 1
    assert list(PendingSignUp.objects.values_list("email", flat=True)) == ["new@example.org"]
