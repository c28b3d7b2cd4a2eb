import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from engagement.models import OutboxMessage
from engagement.services import outbox_send
from engagement.tests.factories import CommunityFactory
from engagement.tests.smtp import text_of
from events.models import PRIVACY_NOTICE_VERSION, Attendee, ConsentPurpose, ConsentRecord
from events.services import CONFIRMATION_SALT, attendee_keep_in_touch, event_invite
from events.tests.factories import EventFactory

KEEP_IN_TOUCH = "/keep-in-touch/"


def sign_up(client, **fields):
    data = {"name": "Ada Obi", "email": "ada@example.org", "wants_updates": "on", **fields}
    return client.post(KEEP_IN_TOUCH, data)


def confirm_link_from(message) -> str:
    return re.search(r"https?://\S+/keep-in-touch/confirm/\S+/", text_of(message)).group(0)


@pytest.mark.django_db
def test_the_form_explains_itself_and_shows_the_notice_version(client):
    page = client.get(KEEP_IN_TOUCH).content.decode()
    assert f"Privacy notice version {PRIVACY_NOTICE_VERSION}" in page
    assert "we cannot link the two" in page
    assert client.get(KEEP_IN_TOUCH)["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_signing_up_records_each_choice_and_asks_to_confirm_by_email(
    client, smtp_server, django_capture_on_commit_callbacks
):
    community = CommunityFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(
            client,
            wants_focus_group="on",
            share_demographics="on",
            communities=[community.pk],
            ethnicity="black_caribbean",
            age_band="25_34",
            postcode_district="m14",
        )
    assert response.status_code == 302
    assert response.url == reverse("keep-in-touch-check-email")
    attendee = Attendee.objects.get()
    assert attendee.postcode_district == "M14"
    assert list(attendee.communities.all()) == [community]
    consents = {consent.purpose: consent for consent in attendee.consents.all()}
    assert set(consents) == {
        ConsentPurpose.EMAIL_UPDATES,
        ConsentPurpose.FOCUS_GROUP,
        ConsentPurpose.DEMOGRAPHIC_DATA,
    }
    for consent in consents.values():
        assert consent.notice_version == PRIVACY_NOTICE_VERSION
        assert consent.method == "online"
    # Updates wait for the emailed link; the other choices are live at once.
    assert attendee.live_consent_purposes() == {
        ConsentPurpose.FOCUS_GROUP,
        ConsentPurpose.DEMOGRAPHIC_DATA,
    }
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "ada@example.org"
    assert "confirm" in message["Subject"].lower()


@pytest.mark.django_db
def test_nothing_but_the_confirmation_is_sent_until_the_link_is_opened(
    client, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    smtp_server.wait_for(1)
    attendee = Attendee.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert event_invite(event=EventFactory(), attendees=Attendee.objects.all(), by=None) == 0
    assert len(smtp_server.messages) == 1

    link = confirm_link_from(smtp_server.messages[0])
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200
    assert "You will get our updates" in page.content.decode()
    assert ConsentPurpose.EMAIL_UPDATES in attendee.live_consent_purposes()

    with django_capture_on_commit_callbacks(execute=True):
        assert event_invite(event=EventFactory(), attendees=Attendee.objects.all(), by=None) == 1
    assert len(smtp_server.wait_for(2)) == 2


@pytest.mark.django_db
def test_opening_the_confirmation_link_twice_changes_nothing(client):
    sign_up(client)
    consent = ConsentRecord.objects.get(purpose=ConsentPurpose.EMAIL_UPDATES)
    signed = signing.dumps({"consent": consent.pk}, salt=CONFIRMATION_SALT)
    url = reverse("keep-in-touch-confirm", args=[signed])
    assert client.get(url).status_code == 200
    first = ConsentRecord.objects.get(pk=consent.pk).confirmed_at
    assert client.get(url).status_code == 200
    assert ConsentRecord.objects.get(pk=consent.pk).confirmed_at == first


@pytest.mark.django_db
def test_forged_and_expired_confirmation_links_get_a_clear_page(client, settings):
    sign_up(client)
    consent = ConsentRecord.objects.get(purpose=ConsentPurpose.EMAIL_UPDATES)
    forged = client.get(reverse("keep-in-touch-confirm", args=["not-a-real-link"]))
    assert forged.status_code == 404
    assert "This link does not work" in forged.content.decode()

    settings.CONFIRMATION_LINK_DAYS = 0
    signed = signing.dumps({"consent": consent.pk}, salt=CONFIRMATION_SALT)
    signing_time = timezone.now() + timedelta(seconds=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("time.time", lambda: signing_time.timestamp())
        expired = client.get(reverse("keep-in-touch-confirm", args=[signed]))
    assert expired.status_code == 410
    assert "This link has run out" in expired.content.decode()
    assert not ConsentRecord.objects.get(pk=consent.pk).confirmed_at


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "", "phone": ""}, "email", "Give an email address or a phone number"),
        ({"email": "ada@example"}, "email", "Enter an email address in the right format"),
        ({"name": "A" * 500}, "name", "200 characters or fewer"),
        ({"email": "", "phone": "0161 496 0000"}, "email", "To get email updates"),
        ({"phone": "call me maybe"}, "phone", "Enter a phone number"),
        ({"wants_updates": ""}, "wants_updates", "Choose at least one way"),
        ({"ethnicity": "black_african"}, "share_demographics", "Tick this box"),
        ({"postcode_district": "M14 4SL"}, "postcode_district", "Enter only the first part"),
    ],
)
def test_bad_details_get_a_clear_message_and_keep_what_was_typed(client, fields, field, message):
    response = sign_up(client, **fields)
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    page = response.content.decode()
    assert "There is a problem" in page
    if fields.get("name", "Ada Obi") == "Ada Obi":
        assert 'value="Ada Obi"' in page
    assert not Attendee.objects.exists()


@pytest.mark.django_db
def test_right_to_left_names_are_kept_intact(client):
    sign_up(client, name="فاطمة الزهراء 🌸")
    assert Attendee.objects.get().name == "فاطمة الزهراء 🌸"


@pytest.mark.django_db
def test_signing_up_again_with_the_same_email_does_not_duplicate_the_contact(client):
    sign_up(client)
    sign_up(client, wants_lay_observation="on", name="Ada")
    attendee = Attendee.objects.get()
    assert attendee.name == "Ada"
    assert attendee.consents.filter(purpose=ConsentPurpose.EMAIL_UPDATES).count() == 1
    assert ConsentPurpose.LAY_OBSERVATION in attendee.live_consent_purposes()


# Unsubscribing ---------------------------------------------------------------------


def subscribed_attendee(**fields):
    attendee = attendee_keep_in_touch(
        name="Ada",
        email="ada@example.org",
        phone="",
        purposes={ConsentPurpose.EMAIL_UPDATES, ConsentPurpose.FOCUS_GROUP},
        method="paper",
        **fields,
    )
    assert ConsentPurpose.EMAIL_UPDATES in attendee.live_consent_purposes()
    return attendee


@pytest.mark.django_db
def test_one_click_unsubscribe_needs_no_cookie_or_token_and_never_redirects(settings):
    from django.test import Client

    attendee = subscribed_attendee()
    client = Client(enforce_csrf_checks=True)
    url = reverse("unsubscribe", args=[attendee.token])
    for _attempt in range(2):
        response = client.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 200
        assert "Location" not in response
    assert ConsentPurpose.EMAIL_UPDATES not in attendee.live_consent_purposes()
    assert ConsentPurpose.FOCUS_GROUP in attendee.live_consent_purposes()
    withdrawn = attendee.consents.get(purpose=ConsentPurpose.EMAIL_UPDATES)
    assert withdrawn.withdrawal_method == ConsentRecord.WithdrawalMethod.ONE_CLICK
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_unsubscribe_page_has_a_button_and_works_twice(client):
    attendee = subscribed_attendee()
    url = reverse("unsubscribe", args=[attendee.token])
    page = client.get(url).content.decode()
    assert "Unsubscribe" in page
    first = client.post(url, {"action": "unsubscribe"})
    second = client.post(url, {"action": "unsubscribe"})
    assert first.status_code == second.status_code == 200
    assert "You are unsubscribed" in second.content.decode()
    assert attendee.consents.filter(withdrawn_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_preferences_can_be_changed_per_purpose(client):
    attendee = subscribed_attendee()
    url = reverse("unsubscribe", args=[attendee.token])
    response = client.post(url, {"action": "preferences", "wants_lay_observation": "on"})
    assert "Your choices are saved." in response.content.decode()
    assert attendee.live_consent_purposes() == {ConsentPurpose.LAY_OBSERVATION}
    client.post(url, {"action": "preferences", "wants_updates": "on"})
    assert attendee.live_consent_purposes() == {ConsentPurpose.EMAIL_UPDATES}


@pytest.mark.django_db
def test_a_withdrawal_stops_mail_already_queued(client, smtp_server):
    attendee = subscribed_attendee()
    # Not committed, so the message waits in the outbox as if the worker were busy.
    event_invite(event=EventFactory(), attendees=Attendee.objects.all(), by=None)
    message = OutboxMessage.objects.get(attendee=attendee)
    assert message.status == OutboxMessage.Status.QUEUED
    client.post(reverse("unsubscribe", args=[attendee.token]), {"action": "unsubscribe"})
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.CANCELLED
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_forged_tokens_get_a_clear_page_and_change_nothing(client):
    attendee = subscribed_attendee()
    for url in (
        reverse("unsubscribe", args=["forged-token"]),
        reverse("my-data", args=["forged-token"]),
        reverse("my-data-download", args=["forged-token"]),
    ):
        response = client.post(url, {"action": "erase", "confirm": "on"})
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    attendee.refresh_from_db()
    assert not attendee.is_erased
    assert ConsentPurpose.EMAIL_UPDATES in attendee.live_consent_purposes()


# Seeing, downloading and erasing one's own data -------------------------------------


@pytest.mark.django_db
def test_my_data_shows_and_downloads_everything_held(client):
    attendee = subscribed_attendee()
    page = client.get(reverse("my-data", args=[attendee.token]))
    assert "ada@example.org" in page.content.decode()
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    download = client.get(reverse("my-data-download", args=[attendee.token]))
    assert download["Content-Disposition"].startswith("attachment")
    data = json.loads(download.content)
    assert data["email"] == "ada@example.org"
    assert {consent["what"] for consent in data["consents"]} >= {
        "Email updates about events and what we did"
    }


@pytest.mark.django_db
def test_erasing_needs_a_tick_then_removes_personal_data_and_leaves_a_tombstone(
    client, smtp_server
):
    attendee = subscribed_attendee(
        communities=[CommunityFactory()], ethnicity="other_arab", age_band="18_24"
    )
    other = attendee_keep_in_touch(
        name="Bo", email="bo@example.org", phone="", purposes={ConsentPurpose.FOCUS_GROUP}
    )
    event_invite(event=EventFactory(), attendees=Attendee.objects.all(), by=None)
    url = reverse("my-data", args=[attendee.token])

    unticked = client.post(url, {"action": "erase"})
    assert "Tick the box to confirm" in unticked.content.decode()
    assert not Attendee.objects.get(pk=attendee.pk).is_erased

    erased = client.post(url, {"action": "erase", "confirm": "on"})
    assert "Your details are deleted" in erased.content.decode()
    attendee.refresh_from_db()
    assert attendee.is_erased
    assert (attendee.name, attendee.email, attendee.phone, attendee.ethnicity) == ("", "", "", "")
    assert not attendee.communities.exists()
    assert attendee.live_consent_purposes() == set()
    assert attendee.invitations.count() == 1
    for message in attendee.messages.all():
        assert message.to_address == "erased@invalid"
        assert message.body_text == ""

    again = client.post(url, {"action": "erase", "confirm": "on"})
    assert again.status_code == 200
    assert "We hold nothing about you" in again.content.decode()
    other.refresh_from_db()
    assert other.email == "bo@example.org"
    assert not other.is_erased


@pytest.mark.django_db
def test_withdrawing_demographic_consent_deletes_those_details():
    from events.services import consent_withdraw

    attendee = subscribed_attendee(
        communities=[CommunityFactory()], ethnicity="black_african", age_band="25_34"
    )
    attendee_keep_in_touch(
        name="Ada",
        email="ada@example.org",
        phone="",
        purposes={ConsentPurpose.DEMOGRAPHIC_DATA},
        communities=[CommunityFactory()],
        ethnicity="black_african",
        age_band="25_34",
        postcode_district="M14",
        method="paper",
    )
    attendee.refresh_from_db()
    assert attendee.ethnicity == "black_african"
    consent_withdraw(
        attendee=attendee,
        purpose=ConsentPurpose.DEMOGRAPHIC_DATA,
        method=ConsentRecord.WithdrawalMethod.STAFF,
    )
    attendee.refresh_from_db()
    assert (attendee.ethnicity, attendee.age_band, attendee.postcode_district) == ("", "", "")
    assert not attendee.communities.exists()
