import json
import re
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contacts.models import (
    PRIVACY_NOTICE_VERSION,
    Attendee,
    ConsentPurpose,
    ConsentRecord,
    OutboxMessage,
    PendingSignUp,
)
from contacts.services.invitations import event_invite
from contacts.services.links import CONFIRMATION_SALT, my_data_link_url
from contacts.services.outbox import outbox_send
from contacts.services.records import attendee_erase
from contacts.services.sign_up import attendee_keep_in_touch
from engagement.tests.factories import CommunityFactory
from engagement.tests.smtp import text_of
from events.tests.factories import EventFactory

KEEP_IN_TOUCH = "/keep-in-touch/"
MY_DATA = "/my-data/"


def sign_up(client, **fields):
    data = {"name": "Ada Obi", "email": "ada@example.org", "wants_updates": "on", **fields}
    return client.post(KEEP_IN_TOUCH, data)


def confirm_link_from(message) -> str:
    link = re.search(r"https?://\S+/keep-in-touch/confirm/\S+/", text_of(message)).group(0)
    return urlsplit(link).path


def my_data_link_from(message) -> str:
    link = re.search(r"https?://\S+/my-data/\S+/", text_of(message)).group(0)
    return urlsplit(link).path


def queued_confirm_link(to_address: str) -> str:
    """The confirmation link in the newest email queued for an address, without
    waiting for it to be sent."""
    message = OutboxMessage.objects.filter(to_address=to_address).order_by("created_at").last()
    link = re.search(r"https?://\S+/keep-in-touch/confirm/\S+/", message.body_text).group(0)
    return urlsplit(link).path


def signed_up_and_confirmed(client, **fields) -> Attendee:
    sign_up(client, **fields)
    email = fields.get("email", "ada@example.org")
    response = client.post(queued_confirm_link(email))
    assert response.status_code == 200, response.content.decode()
    return Attendee.objects.find_by_email(email)


def path_of(url: str) -> str:
    return urlsplit(url).path


def is_not_cached(response) -> bool:
    return "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


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


def contact_snapshot(attendee: Attendee) -> dict:
    attendee = Attendee.objects.get(pk=attendee.pk)
    return {
        "fields": {
            field: getattr(attendee, field)
            for field in (
                "name",
                "email",
                "phone",
                "ethnicity",
                "age_band",
                "postcode_district",
                "last_activity_at",
                "purge_notice_sent_at",
                "erased_at",
            )
        },
        "communities": sorted(attendee.communities.values_list("pk", flat=True)),
        "consents": list(
            attendee.consents.order_by("pk").values_list(
                "pk", "purpose", "confirmed_at", "withdrawn_at"
            )
        ),
    }


@contextmanager
def past(**delta):
    """Run the code inside at a moment in the past, as django.core.signing sees it."""
    moment = timezone.now() - timedelta(**delta)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("time.time", lambda: moment.timestamp())
        yield


# Keeping in touch ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_explains_itself_and_shows_the_notice_version(client):
    page = client.get(KEEP_IN_TOUCH).content.decode()
    assert f"Privacy notice version {PRIVACY_NOTICE_VERSION}" in page
    assert "we cannot link the two" in page
    assert client.get(KEEP_IN_TOUCH)["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_signing_up_with_an_email_saves_nothing_until_the_emailed_link_is_confirmed(
    client, smtp_server, django_capture_on_commit_callbacks
):
    community = CommunityFactory(name="Somali community")
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
    assert not Attendee.objects.exists()
    sent_at = PendingSignUp.objects.get().created_at

    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "ada@example.org"
    assert "confirm" in message["Subject"].lower()
    # Nothing the sender typed is repeated to the address's owner.
    assert "Ada Obi" not in text_of(message)
    link = confirm_link_from(message)

    page = client.get(link)
    assert page.status_code == 200
    assert is_not_cached(page)
    shown = page.content.decode()
    for detail in ("Ada Obi", "ada@example.org", "Somali community", "Black: Caribbean", "M14"):
        assert detail in shown
    assert "Confirm my details" in shown
    assert not Attendee.objects.exists()

    confirmed = client.post(link)
    assert confirmed.status_code == 200
    assert "You will get our updates" in confirmed.content.decode()
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
        assert consent.given_at == sent_at
        assert consent.confirmed_at >= sent_at
    assert attendee.live_consent_purposes() == set(consents)
    assert not PendingSignUp.objects.exists()


@pytest.mark.django_db
def test_nothing_but_the_confirmation_is_sent_until_the_link_is_confirmed(
    client, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    smtp_server.wait_for(1)
    with django_capture_on_commit_callbacks(execute=True):
        assert event_invite(event=EventFactory(), attendees=Attendee.objects.all(), by=None) == 0
    assert len(smtp_server.messages) == 1

    page = client.post(confirm_link_from(smtp_server.messages[0]))
    assert "You will get our updates" in page.content.decode()
    attendee = Attendee.objects.get()
    assert ConsentPurpose.EMAIL_UPDATES in attendee.live_consent_purposes()

    with django_capture_on_commit_callbacks(execute=True):
        assert event_invite(event=EventFactory(), attendees=Attendee.objects.all(), by=None) == 1
    assert len(smtp_server.wait_for(2)) == 2


@pytest.mark.django_db
def test_opening_the_confirmation_link_changes_nothing_as_mail_scanners_open_links(client):
    ada = subscribed_attendee(ethnicity="black_african", age_band="25_34")
    before = contact_snapshot(ada)
    sign_up(client, email="ADA@example.org", name="Someone else", wants_lay_observation="on")
    sign_up(client, email="new@example.org")
    for address in ("ADA@example.org", "new@example.org"):
        link = queued_confirm_link(address)
        for _opening in range(2):
            assert client.get(link).status_code == 200
    assert contact_snapshot(ada) == before
    assert Attendee.objects.count() == 1
    assert PendingSignUp.objects.count() == 2


@pytest.mark.django_db
def test_a_confirmation_link_saves_once_and_then_says_it_was_used(client):
    sign_up(client)
    link = queued_confirm_link("ada@example.org")
    assert client.post(link).status_code == 200
    consents = list(ConsentRecord.objects.values_list("pk", "confirmed_at"))

    for again in (client.post(link), client.get(link)):
        assert again.status_code == 410
        assert "This link has been used" in again.content.decode()
    assert list(ConsentRecord.objects.values_list("pk", "confirmed_at")) == consents
    assert Attendee.objects.count() == 1


@pytest.mark.django_db
def test_forged_and_expired_confirmation_links_get_a_clear_page(client, settings):
    forged_url = reverse("keep-in-touch-confirm", args=["not-a-real-link"])
    for forged in (client.get(forged_url), client.post(forged_url)):
        assert forged.status_code == 404
        assert "This link does not work" in forged.content.decode()

    settings.CONFIRMATION_LINK_DAYS = 3
    with past(days=4):
        sign_up(client)
    link = queued_confirm_link("ada@example.org")
    for expired in (client.get(link), client.post(link)):
        assert expired.status_code == 410
        assert "This link has run out" in expired.content.decode()
    assert not Attendee.objects.exists()


@pytest.mark.django_db
def test_a_strangers_sign_up_with_a_known_address_changes_nothing_until_confirmed(client):
    """Anyone could type a known address, in any letter case, into the public form."""
    ada = subscribed_attendee(
        communities=[CommunityFactory()],
        ethnicity="black_african",
        age_band="25_34",
        postcode_district="M14",
    )
    attendee_keep_in_touch(
        name="Ada",
        email="ada@example.org",
        phone="0161 496 0000",
        purposes={ConsentPurpose.DEMOGRAPHIC_DATA},
        communities=ada.communities.all(),
        ethnicity="black_african",
        age_band="25_34",
        postcode_district="M14",
        method="paper",
    )
    before = contact_snapshot(ada)

    response = sign_up(
        client,
        email="ADA@Example.ORG",
        name="Mallory",
        phone="07700 900123",
        wants_lay_observation="on",
        share_demographics="on",
        communities=[CommunityFactory().pk],
        ethnicity="white_british",
        age_band="75_plus",
        postcode_district="SW9",
    )
    assert response.status_code == 302
    assert contact_snapshot(ada) == before
    assert Attendee.objects.count() == 1

    # Only the owner of the address, by confirming, changes the contact.
    assert client.post(queued_confirm_link("ADA@Example.ORG")).status_code == 200
    ada.refresh_from_db()
    assert (ada.name, ada.phone, ada.ethnicity) == ("Mallory", "07700 900123", "white_british")
    assert ada.email == "ada@example.org"
    assert ConsentPurpose.LAY_OBSERVATION in ada.live_consent_purposes()
    assert Attendee.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("wants_updates", ["on", ""])
def test_known_and_unknown_addresses_get_exactly_the_same_answer(client, wants_updates):
    subscribed_attendee()
    fields = {"wants_updates": wants_updates, "wants_focus_group": "on"}
    known = sign_up(client, email="Ada@Example.org", **fields)
    unknown = sign_up(client, email="nobody@example.org", **fields)
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("keep-in-touch-check-email")
    clock = {"Date", "Expires"}
    assert {key: value for key, value in known.items() if key not in clock} == {
        key: value for key, value in unknown.items() if key not in clock
    }
    assert client.get(known.url).content == client.get(unknown.url).content
    for address in ("Ada@Example.org", "nobody@example.org"):
        message = OutboxMessage.objects.get(to_address=address)
        assert "confirm" in message.subject.lower()
    subjects = set(OutboxMessage.objects.values_list("subject", flat=True))
    assert len(subjects) == 1


@pytest.mark.django_db
def test_the_check_your_email_page_is_true_whether_or_not_an_email_went(client):
    page = client.get(reverse("keep-in-touch-check-email")).content.decode()
    assert "Open the link we emailed to the address you gave" in page
    assert "We do not save or change anything until you confirm." in page
    assert "We send at most 3 of these emails to one address in a day." in page


@pytest.mark.django_db
def test_sign_ups_with_a_phone_number_only_are_saved_at_once(client):
    response = client.post(
        KEEP_IN_TOUCH, {"phone": "0161 496 0000", "wants_focus_group": "on", "name": "Bo"}
    )
    assert response.status_code == 302
    assert response.url == reverse("keep-in-touch-thanks")
    attendee = Attendee.objects.get()
    assert attendee.phone == "0161 496 0000"
    assert attendee.live_consent_purposes() == {ConsentPurpose.FOCUS_GROUP}
    assert not OutboxMessage.objects.exists()
    assert not PendingSignUp.objects.exists()


@pytest.mark.django_db
def test_an_online_sign_up_with_an_email_cannot_skip_confirmation():
    with pytest.raises(ValueError):
        attendee_keep_in_touch(
            name="Ada",
            email="ada@example.org",
            phone="",
            purposes={ConsentPurpose.FOCUS_GROUP},
            method="online",
        )
    assert not Attendee.objects.exists()


@pytest.mark.django_db
def test_too_many_sign_ups_from_one_client_get_a_kind_page_and_keep_nothing(client, settings):
    settings.KEEP_IN_TOUCH_RATE_LIMIT = 3
    for number in range(3):
        assert sign_up(client, email=f"person{number}@example.org").status_code == 302
    refused = sign_up(client, email="one.too.many@example.org")
    assert refused.status_code == 429
    assert "Please wait a few minutes" in refused.content.decode()
    assert not PendingSignUp.objects.filter(email="one.too.many@example.org").exists()
    assert PendingSignUp.objects.count() == OutboxMessage.objects.count() == 3

    # Another client is not held up.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert sign_up(other, email="someone@example.org").status_code == 302


@pytest.mark.django_db
def test_mistakes_on_the_form_do_not_count_towards_the_limit(client, settings):
    settings.KEEP_IN_TOUCH_RATE_LIMIT = 1
    for _attempt in range(3):
        assert sign_up(client, email="ada@example").status_code == 200
    assert sign_up(client).status_code == 302


@pytest.mark.django_db
def test_one_address_gets_at_most_three_confirmation_emails_a_day_and_nobody_can_tell(settings):
    settings.KEEP_IN_TOUCH_RATE_LIMIT = 100
    responses = [
        sign_up(Client(REMOTE_ADDR=f"192.0.2.{number}"), email=address)
        for number, address in enumerate(
            ["ada@example.org", "ADA@example.org", "Ada@Example.org", "ada@EXAMPLE.org"], 1
        )
    ]
    assert {(response.status_code, response.url) for response in responses} == {
        (302, reverse("keep-in-touch-check-email"))
    }
    assert OutboxMessage.objects.count() == PendingSignUp.objects.count() == 3

    PendingSignUp.objects.update(created_at=timezone.now() - timedelta(hours=25))
    sign_up(Client(REMOTE_ADDR="192.0.2.99"))
    assert OutboxMessage.objects.count() == 4


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
    assert not PendingSignUp.objects.exists()


@pytest.mark.django_db
def test_right_to_left_names_are_kept_intact(client):
    attendee = signed_up_and_confirmed(client, name="فاطمة الزهراء 🌸")
    assert attendee.name == "فاطمة الزهراء 🌸"


@pytest.mark.django_db
def test_signing_up_again_with_the_same_email_does_not_duplicate_the_contact(client):
    signed_up_and_confirmed(client)
    signed_up_and_confirmed(client, wants_lay_observation="on", name="Ada")
    attendee = Attendee.objects.get()
    assert attendee.name == "Ada"
    assert attendee.consents.filter(purpose=ConsentPurpose.EMAIL_UPDATES).count() == 1
    assert ConsentPurpose.LAY_OBSERVATION in attendee.live_consent_purposes()


@pytest.mark.django_db
def test_paper_forms_typed_in_by_staff_still_update_a_known_contact_at_once():
    ada = subscribed_attendee()
    attendee_keep_in_touch(
        name="Ada Obi",
        email="ADA@example.org",
        phone="0161 496 0000",
        purposes={ConsentPurpose.LAY_OBSERVATION},
        method="paper",
    )
    ada.refresh_from_db()
    assert (ada.name, ada.phone) == ("Ada Obi", "0161 496 0000")
    assert ConsentPurpose.LAY_OBSERVATION in ada.live_consent_purposes()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_corrected_address_starts_updates_only_when_its_owner_presses_the_button(client):
    ada = subscribed_attendee()
    ada.consents.filter(purpose=ConsentPurpose.EMAIL_UPDATES).update(confirmed_at=None)
    consent = ada.consents.get(purpose=ConsentPurpose.EMAIL_UPDATES)
    signed = signing.dumps({"consent": consent.pk}, salt=CONFIRMATION_SALT)
    url = reverse("keep-in-touch-confirm", args=[signed])

    page = client.get(url)
    assert page.status_code == 200
    assert "Yes, send me updates" in page.content.decode()
    assert ConsentPurpose.EMAIL_UPDATES not in ada.live_consent_purposes()

    for _press in range(2):
        assert "You will get our updates" in client.post(url).content.decode()
    assert ConsentPurpose.EMAIL_UPDATES in ada.live_consent_purposes()
    assert ada.consents.filter(purpose=ConsentPurpose.EMAIL_UPDATES).count() == 1


# Unsubscribing ---------------------------------------------------------------------


@pytest.mark.django_db
def test_one_click_unsubscribe_needs_no_cookie_or_token_and_never_redirects(settings):
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
    assert is_not_cached(response)


@pytest.mark.django_db
def test_the_unsubscribe_page_has_a_button_and_works_twice():
    attendee = subscribed_attendee()
    client = Client(enforce_csrf_checks=True)
    url = reverse("unsubscribe", args=[attendee.token])
    page = client.get(url).content.decode()
    assert "Unsubscribe" in page
    first = client.post(url)
    second = client.post(url)
    assert first.status_code == second.status_code == 200
    assert "You are unsubscribed" in second.content.decode()
    assert attendee.consents.filter(withdrawn_at__isnull=False).count() == 1
    withdrawn = attendee.consents.get(purpose=ConsentPurpose.EMAIL_UPDATES)
    assert withdrawn.withdrawal_method == ConsentRecord.WithdrawalMethod.PREFERENCES


@pytest.mark.django_db
def test_the_unsubscribe_page_shows_no_personal_data_and_changes_no_preferences(client):
    attendee = subscribed_attendee(postcode_district="M14")
    Attendee.objects.filter(pk=attendee.pk).update(name="Ada Obi", phone="0161 496 0000")
    url = reverse("unsubscribe", args=[attendee.token])
    for response in (client.get(url), client.post(url)):
        page = response.content.decode()
        for personal in ("ada@example.org", "Ada Obi", "0161 496 0000", "M14"):
            assert personal not in page
        assert "wants_focus_group" not in page
        assert "Save my choices" not in page
        assert "Email me a link" in page
        assert is_not_cached(response)

    client.post(url, {"wants_lay_observation": "on"})
    assert attendee.live_consent_purposes() == {ConsentPurpose.FOCUS_GROUP}


@pytest.mark.django_db
def test_the_unsubscribe_page_emails_a_fresh_link_to_the_contacts_own_address(
    client, smtp_server, django_capture_on_commit_callbacks
):
    attendee = subscribed_attendee()
    client.get(reverse("unsubscribe", args=[attendee.token]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("unsubscribe-send-link", args=[attendee.token]))
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert "ada@example.org" not in response.content.decode()
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "ada@example.org"
    assert attendee.token not in text_of(message)
    page = client.get(my_data_link_from(message))
    assert "ada@example.org" in page.content.decode()


@pytest.mark.django_db
def test_asking_for_a_link_from_the_unsubscribe_page_needs_a_post_with_a_csrf_token():
    attendee = subscribed_attendee()
    url = reverse("unsubscribe-send-link", args=[attendee.token])
    client = Client(enforce_csrf_checks=True)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_withdrawal_stops_mail_already_queued(client, smtp_server):
    attendee = subscribed_attendee()
    # Not committed, so the message waits in the outbox as if the worker were busy.
    event_invite(event=EventFactory(), attendees=Attendee.objects.all(), by=None)
    message = OutboxMessage.objects.get(attendee=attendee)
    assert message.status == OutboxMessage.Status.QUEUED
    client.post(reverse("unsubscribe", args=[attendee.token]))
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.CANCELLED
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_forged_tokens_and_links_get_a_clear_page_and_change_nothing(client):
    attendee = subscribed_attendee()
    for url in (
        reverse("unsubscribe", args=["forged-token"]),
        reverse("unsubscribe-send-link", args=["forged-token"]),
        reverse("my-data", args=["forged:link"]),
        reverse("my-data-erase", args=["forged:link"]),
        reverse("my-data-download", args=["forged:link"]),
        reverse("keep-in-touch-keep", args=["forged:link"]),
    ):
        response = client.post(url, {"confirm": "on"})
        assert response.status_code in (404, 405)
        if response.status_code == 404:
            assert "This link does not work" in response.content.decode()
    attendee.refresh_from_db()
    assert not attendee.is_erased
    assert ConsentPurpose.EMAIL_UPDATES in attendee.live_consent_purposes()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_the_unsubscribe_token_no_longer_opens_the_persons_data(client):
    """The token travels in List-Unsubscribe headers, which mail systems expose."""
    attendee = subscribed_attendee()
    token = attendee.token
    for method, url in (
        ("get", f"/my-data/{token}/"),
        ("get", f"/my-data/{token}/download/"),
        ("post", f"/my-data/{token}/"),
        ("post", f"/my-data/{token}/erase/"),
        ("post", f"/my-data/{token}/preferences/"),
    ):
        response = getattr(client, method)(url, {"confirm": "on", "action": "erase"})
        assert response.status_code in (404, 405), url
        assert b"ada@example.org" not in response.content
    attendee.refresh_from_db()
    assert not attendee.is_erased
    assert attendee.live_consent_purposes() == {
        ConsentPurpose.EMAIL_UPDATES,
        ConsentPurpose.FOCUS_GROUP,
    }


@pytest.mark.django_db
def test_emails_link_to_the_my_data_request_page_and_never_carry_the_token_in_the_body():
    attendee = subscribed_attendee()
    event_invite(event=EventFactory(), attendees=Attendee.objects.all(), by=None)
    message = OutboxMessage.objects.get(attendee=attendee)
    assert "http://127.0.0.1:8000/my-data/\n" in message.body_text
    assert 'href="http://127.0.0.1:8000/my-data/"' in message.body_html
    for body in (message.body_text, message.body_html):
        assert not re.search(r"/my-data/[^\s\"<]+/", body)
        assert attendee.token not in body.replace(message.unsubscribe_url, "")
    assert f"/unsubscribe/{attendee.token}/" in message.unsubscribe_url


# Asking for a link to one's own data -----------------------------------------------


@pytest.mark.django_db
def test_the_my_data_request_page_asks_for_an_email_address(client):
    page = client.get(MY_DATA)
    assert page.status_code == 200
    assert is_not_cached(page)
    assert "Your email address" in page.content.decode()
    assert "The link works for 60 minutes." in page.content.decode()


@pytest.mark.django_db
def test_asking_for_a_link_gives_the_same_answer_for_known_and_unknown_addresses(
    client, smtp_server, django_capture_on_commit_callbacks
):
    subscribed_attendee()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(MY_DATA, {"email": "ADA@example.org"})
        unknown = client.post(MY_DATA, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert (
        "If we hold details for that address, we have emailed a link. It works for 60 minutes."
        in known.content.decode()
    )
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "ada@example.org"
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_erased_contacts_are_sent_no_link(client):
    attendee = subscribed_attendee()
    email = attendee.email
    attendee_erase(attendee=attendee)
    response = client.post(MY_DATA, {"email": email})
    assert response.status_code == 200
    assert not OutboxMessage.objects.filter(to_address=email).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your email address."),
        ("ada@example", "Enter an email address in the right format"),
        ("a" * 250 + "@example.org", "That email address is too long."),
    ],
)
def test_asking_for_a_link_with_a_bad_address_gets_a_clear_message(client, typed, message):
    response = client.post(MY_DATA, {"email": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    if typed:
        assert f'value="{typed}"' in page
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_too_many_link_requests_from_one_client_get_a_kind_page(client, settings):
    subscribed_attendee()
    settings.KEEP_IN_TOUCH_RATE_LIMIT = 2
    for _attempt in range(2):
        assert client.post(MY_DATA, {"email": "someone@example.org"}).status_code == 200
    refused = client.post(MY_DATA, {"email": "ada@example.org"})
    assert refused.status_code == 429
    assert "Please wait a few minutes" in refused.content.decode()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_one_address_gets_at_most_three_my_data_links_a_day_and_nobody_can_tell(settings):
    settings.KEEP_IN_TOUCH_RATE_LIMIT = 100
    attendee = subscribed_attendee()
    answers = set()
    for number in range(4):
        client = Client(REMOTE_ADDR=f"192.0.2.{number + 1}")
        answers.add(client.post(MY_DATA, {"email": "ada@example.org"}).content)
    client.get(reverse("unsubscribe", args=[attendee.token]))
    from_unsubscribe = client.post(reverse("unsubscribe-send-link", args=[attendee.token]))
    assert len(answers) == 1
    assert from_unsubscribe.status_code == 200
    assert attendee.messages.count() == 3

    attendee.messages.update(created_at=timezone.now() - timedelta(hours=25))
    Client(REMOTE_ADDR="192.0.2.99").post(MY_DATA, {"email": "ada@example.org"})
    assert attendee.messages.count() == 4


# Seeing, changing, downloading and erasing one's own data ---------------------------


@pytest.mark.django_db
def test_my_data_shows_and_downloads_everything_held(client):
    attendee = subscribed_attendee()
    link = path_of(my_data_link_url(attendee))
    page = client.get(link)
    assert "ada@example.org" in page.content.decode()
    assert is_not_cached(page)
    download = client.get(f"{link}download/")
    assert is_not_cached(download)
    assert download["Content-Disposition"].startswith("attachment")
    data = json.loads(download.content)
    assert data["email"] == "ada@example.org"
    assert {consent["what"] for consent in data["consents"]} >= {
        "Email updates about events and what we did"
    }


@pytest.mark.django_db
def test_my_data_links_run_out_and_offer_a_new_one(client, settings):
    settings.MY_DATA_LINK_MINUTES = 60
    attendee = subscribed_attendee()
    with past(minutes=61):
        link = path_of(my_data_link_url(attendee))
    for response in (
        client.get(link),
        client.get(f"{link}download/"),
        client.post(f"{link}erase/", {"confirm": "on"}),
        client.post(f"{link}keep/"),
        client.post(f"{link}preferences/"),
    ):
        assert response.status_code == 410
        page = response.content.decode()
        assert "This link has run out" in page
        assert "ada@example.org" not in page
        assert f'href="{MY_DATA}"' in page
    attendee.refresh_from_db()
    assert not attendee.is_erased
    assert ConsentPurpose.EMAIL_UPDATES in attendee.live_consent_purposes()

    with past(minutes=59):
        fresh = path_of(my_data_link_url(attendee))
    assert client.get(fresh).status_code == 200


@pytest.mark.django_db
def test_my_data_links_stop_working_when_the_address_changes(client):
    attendee = subscribed_attendee()
    link = path_of(my_data_link_url(attendee))
    Attendee.objects.filter(pk=attendee.pk).update(email="ada.new@example.org")
    response = client.get(link)
    assert response.status_code == 404
    assert "ada.new@example.org" not in response.content.decode()


@pytest.mark.django_db
def test_preferences_can_be_changed_per_purpose(client):
    attendee = subscribed_attendee()
    link = path_of(my_data_link_url(attendee))
    response = client.post(f"{link}preferences/", {"wants_lay_observation": "on"}, follow=True)
    assert "Your choices are saved." in response.content.decode()
    assert attendee.live_consent_purposes() == {ConsentPurpose.LAY_OBSERVATION}
    client.post(f"{link}preferences/", {"wants_updates": "on"})
    assert attendee.live_consent_purposes() == {ConsentPurpose.EMAIL_UPDATES}


@pytest.mark.django_db
def test_changing_preferences_keeping_and_erasing_need_a_post_with_a_csrf_token():
    attendee = subscribed_attendee()
    link = path_of(my_data_link_url(attendee))
    client = Client(enforce_csrf_checks=True)
    for action in ("preferences", "keep", "erase"):
        assert client.get(f"{link}{action}/").status_code == 405
        assert client.post(f"{link}{action}/", {"confirm": "on"}).status_code == 403
    assert Client().post(link).status_code == 405
    attendee.refresh_from_db()
    assert not attendee.is_erased
    assert ConsentPurpose.EMAIL_UPDATES in attendee.live_consent_purposes()


@pytest.mark.django_db
def test_keep_my_details_restarts_the_retention_clock(client):
    attendee = subscribed_attendee()
    Attendee.objects.filter(pk=attendee.pk).update(
        last_activity_at=timezone.now() - timedelta(days=800),
        purge_notice_sent_at=timezone.now() - timedelta(days=2),
    )
    link = path_of(my_data_link_url(attendee))
    assert "We plan to delete your details on" in client.get(link).content.decode()
    response = client.post(f"{link}keep/", follow=True)
    assert "Thank you. We will keep your details." in response.content.decode()
    attendee.refresh_from_db()
    assert attendee.purge_notice_sent_at is None
    assert attendee.last_activity_at > timezone.now() - timedelta(minutes=1)


@pytest.mark.django_db
def test_erasing_needs_a_tick_then_removes_personal_data_and_leaves_a_tombstone(
    client, smtp_server
):
    attendee = subscribed_attendee(
        communities=[CommunityFactory()], ethnicity="other_arab", age_band="18_24"
    )
    other = attendee_keep_in_touch(
        name="Bo",
        email="bo@example.org",
        phone="",
        purposes={ConsentPurpose.FOCUS_GROUP},
        method="in_person",
    )
    event_invite(event=EventFactory(), attendees=Attendee.objects.all(), by=None)
    sign_up(client, email="ADA@example.org", name="Someone")
    link = path_of(my_data_link_url(attendee))

    unticked = client.post(f"{link}erase/")
    assert unticked.status_code == 200
    assert "Tick the box to confirm" in unticked.content.decode()
    assert not Attendee.objects.get(pk=attendee.pk).is_erased

    erased = client.post(f"{link}erase/", {"confirm": "on"})
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
    # A sign-up with the address that nobody confirmed goes too.
    assert not PendingSignUp.objects.exists()

    for again in (client.post(f"{link}erase/", {"confirm": "on"}), client.get(link)):
        assert again.status_code == 200
        assert "We hold nothing about you" in again.content.decode()
    other.refresh_from_db()
    assert other.email == "bo@example.org"
    assert not other.is_erased


@pytest.mark.django_db
def test_withdrawing_demographic_consent_deletes_those_details():
    from contacts.services.consent import consent_withdraw

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


@pytest.mark.django_db
def test_the_my_data_page_is_light_on_the_database(client, django_assert_max_num_queries):
    attendee = subscribed_attendee(communities=[CommunityFactory()])
    event_invite(event=EventFactory(), attendees=Attendee.objects.all(), by=None)
    link = path_of(my_data_link_url(attendee))
    with django_assert_max_num_queries(10):
        assert client.get(link).status_code == 200
