"""Unsubscribing: the one-click POST of RFC 8058 that mail clients send, the page
with a button, and the link it emails to see one's own data. The unsubscribe token
travels in email headers, so it opens nothing else."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from contacts.models import Attendee, ConsentPurpose, ConsentRecord, OutboxMessage
from contacts.services.invitations import event_invite
from contacts.services.outbox import outbox_send
from contacts.tests.factories import AttendeeFactory
from contacts.tests.helpers import is_not_cached, my_data_link_from
from engagement.tests.smtp import text_of
from events.tests.factories import EventFactory

ONE_CLICK = "List-Unsubscribe=One-Click"


def one_click(client, attendee):
    """What a mail client sends when someone presses its unsubscribe button."""
    return client.post(
        reverse("unsubscribe", args=[attendee.token]),
        ONE_CLICK,
        content_type="application/x-www-form-urlencoded",
    )


@pytest.mark.django_db
def test_one_click_unsubscribe_needs_no_cookie_or_token_and_never_redirects(ada):
    client = Client(enforce_csrf_checks=True)
    for _attempt in range(2):
        response = one_click(client, ada)
        assert response.status_code == 200
        assert "Location" not in response
    assert ada.live_consent_purposes() == {ConsentPurpose.FOCUS_GROUP}
    withdrawn = ada.consents.get(purpose=ConsentPurpose.EMAIL_UPDATES)
    assert withdrawn.withdrawal_method == ConsentRecord.WithdrawalMethod.ONE_CLICK
    assert is_not_cached(response)


@pytest.mark.django_db
def test_a_post_that_is_not_a_one_click_unsubscribe_gets_the_page_with_its_button(ada):
    url = reverse("unsubscribe", args=[ada.token])
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "Something"})
    assert response.status_code == 400
    assert f'action="{reverse("unsubscribe-confirm", args=[ada.token])}"' in (
        response.content.decode()
    )
    assert ConsentPurpose.EMAIL_UPDATES in ada.live_consent_purposes()


@pytest.mark.django_db
def test_the_unsubscribe_page_has_a_button_and_works_twice(ada):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("unsubscribe", args=[ada.token])).content.decode()
    button = reverse("unsubscribe-confirm", args=[ada.token])
    assert f'action="{button}"' in page
    assert "Unsubscribe" in page
    first = client.post(button)
    second = client.post(button)
    assert first.status_code == second.status_code == 200
    assert "You are unsubscribed" in second.content.decode()
    assert is_not_cached(second)
    assert ada.consents.filter(withdrawn_at__isnull=False).count() == 1
    withdrawn = ada.consents.get(purpose=ConsentPurpose.EMAIL_UPDATES)
    assert withdrawn.withdrawal_method == ConsentRecord.WithdrawalMethod.PREFERENCES


@pytest.mark.django_db
def test_the_button_on_the_unsubscribe_page_needs_a_post(client, ada):
    response = client.get(reverse("unsubscribe-confirm", args=[ada.token]))
    assert response.status_code == 405
    assert ConsentPurpose.EMAIL_UPDATES in ada.live_consent_purposes()


@pytest.mark.django_db
def test_the_unsubscribe_page_shows_no_personal_data_and_changes_no_preferences(client):
    ada = AttendeeFactory(
        name="Ada Obi",
        email="ada@example.org",
        phone="0161 496 0000",
        subscribed=True,
        shares_demographics=True,
        consents=[ConsentPurpose.FOCUS_GROUP],
        postcode_district="M14",
    )
    page_url = reverse("unsubscribe", args=[ada.token])
    button = reverse("unsubscribe-confirm", args=[ada.token])
    for response in (client.get(page_url), client.post(button)):
        page = response.content.decode()
        for personal in ("ada@example.org", "Ada Obi", "0161 496 0000", "M14"):
            assert personal not in page
        assert "wants_focus_group" not in page
        assert "Save my choices" not in page
        assert "Email me a link" in page
        assert is_not_cached(response)

    client.post(button, {"wants_lay_observation": "on"})
    assert ada.live_consent_purposes() == {
        ConsentPurpose.FOCUS_GROUP,
        ConsentPurpose.DEMOGRAPHIC_DATA,
    }


@pytest.mark.django_db
def test_the_unsubscribe_page_emails_a_fresh_link_to_the_contacts_own_address(
    client, smtp_server, django_capture_on_commit_callbacks, ada
):
    client.get(reverse("unsubscribe", args=[ada.token]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("unsubscribe-send-link", args=[ada.token]))
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert "ada@example.org" not in response.content.decode()
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "ada@example.org"
    assert ada.token not in text_of(message)
    page = client.get(my_data_link_from(message))
    assert "ada@example.org" in page.content.decode()


@pytest.mark.django_db
def test_asking_for_a_link_from_the_unsubscribe_page_needs_a_post_with_a_csrf_token(ada):
    url = reverse("unsubscribe-send-link", args=[ada.token])
    client = Client(enforce_csrf_checks=True)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_withdrawal_stops_mail_already_queued(client, smtp_server, ada):
    # Not committed, so the message waits in the outbox as if the worker were busy.
    event_invite(event=EventFactory(), attendees=Attendee.objects.all(), by=None)
    message = OutboxMessage.objects.get(attendee=ada)
    assert message.status == OutboxMessage.Status.QUEUED
    one_click(client, ada)
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.CANCELLED
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_forged_tokens_and_links_get_a_clear_page_and_change_nothing(client, ada):
    for url in (
        reverse("unsubscribe", args=["forged-token"]),
        reverse("unsubscribe-confirm", args=["forged-token"]),
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
    ada.refresh_from_db()
    assert not ada.is_erased
    assert ConsentPurpose.EMAIL_UPDATES in ada.live_consent_purposes()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_the_unsubscribe_token_no_longer_opens_the_persons_data(client, ada):
    """The token travels in List-Unsubscribe headers, which mail systems expose."""
    for method, url_name in (
        ("get", "my-data"),
        ("get", "my-data-download"),
        ("post", "my-data"),
        ("post", "my-data-erase"),
        ("post", "my-data-preferences"),
    ):
        url = reverse(url_name, args=[ada.token])
        response = getattr(client, method)(url, {"confirm": "on", "action": "erase"})
        assert response.status_code in (404, 405), url
        assert b"ada@example.org" not in response.content
    ada.refresh_from_db()
    assert not ada.is_erased
    assert ada.live_consent_purposes() == {
        ConsentPurpose.EMAIL_UPDATES,
        ConsentPurpose.FOCUS_GROUP,
    }


@pytest.mark.django_db
def test_emails_link_to_the_my_data_request_page_and_never_carry_the_token_in_the_body(
    ada, settings
):
    event_invite(event=EventFactory(), attendees=Attendee.objects.all(), by=None)
    message = OutboxMessage.objects.get(attendee=ada)
    my_data = f"{settings.SITE_URL}{reverse('my-data-request')}"
    assert f"{my_data}\n" in message.body_text
    assert f'href="{my_data}"' in message.body_html
    for body in (message.body_text, message.body_html):
        assert not re.search(r"/my-data/[^\s\"<]+/", body)
        assert ada.token not in body.replace(message.unsubscribe_url, "")
    assert reverse("unsubscribe", args=[ada.token]) in message.unsubscribe_url
