"""Seeing, changing, downloading and erasing one's own data, through a short-lived
link emailed to the contact's own address."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contacts.models import Attendee, ConsentPurpose, ConsentRecord, OutboxMessage, PendingSignUp
from contacts.services.consent import consent_withdraw
from contacts.services.invitations import event_invite
from contacts.services.links import my_data_link_url
from contacts.services.records import attendee_erase
from contacts.tests.factories import AttendeeFactory
from contacts.tests.helpers import is_not_cached, past, path_of, sign_up
from engagement.tests.factories import CommunityFactory
from events.tests.factories import EventFactory

# Asking for a link to one's own data -----------------------------------------------


@pytest.mark.django_db
def test_the_my_data_request_page_asks_for_an_email_address(client):
    page = client.get(reverse("my-data-request"))
    assert page.status_code == 200
    assert is_not_cached(page)
    assert "Your email address" in page.content.decode()
    assert "The link works for 60 minutes." in page.content.decode()


@pytest.mark.django_db
def test_asking_for_a_link_gives_the_same_answer_for_known_and_unknown_addresses(
    client, smtp_server, django_capture_on_commit_callbacks, ada
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("my-data-request"), {"email": "ADA@example.org"})
        unknown = client.post(reverse("my-data-request"), {"email": "nobody@example.org"})
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
def test_erased_contacts_are_sent_no_link(client, ada):
    email = ada.email
    attendee_erase(attendee=ada)
    response = client.post(reverse("my-data-request"), {"email": email})
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
    response = client.post(reverse("my-data-request"), {"email": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    if typed:
        assert f'value="{typed}"' in page
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_too_many_link_requests_from_one_client_get_a_kind_page(client, settings, ada):
    settings.KEEP_IN_TOUCH_RATE_LIMIT = 2
    for _attempt in range(2):
        assert (
            client.post(reverse("my-data-request"), {"email": "someone@example.org"}).status_code
            == 200
        )
    refused = client.post(reverse("my-data-request"), {"email": "ada@example.org"})
    assert refused.status_code == 429
    assert "Please wait a few minutes" in refused.content.decode()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_one_address_gets_at_most_three_my_data_links_a_day_and_nobody_can_tell(settings, ada):
    settings.KEEP_IN_TOUCH_RATE_LIMIT = 100
    answers = set()
    for number in range(4):
        client = Client(REMOTE_ADDR=f"192.0.2.{number + 1}")
        answers.add(client.post(reverse("my-data-request"), {"email": "ada@example.org"}).content)
    client.get(reverse("unsubscribe", args=[ada.token]))
    from_unsubscribe = client.post(reverse("unsubscribe-send-link", args=[ada.token]))
    assert len(answers) == 1
    assert from_unsubscribe.status_code == 200
    assert ada.messages.count() == 3

    ada.messages.update(created_at=timezone.now() - timedelta(hours=25))
    Client(REMOTE_ADDR="192.0.2.99").post(reverse("my-data-request"), {"email": "ada@example.org"})
    assert ada.messages.count() == 4


# Seeing, changing, downloading and erasing one's own data ---------------------------


@pytest.mark.django_db
def test_my_data_shows_and_downloads_everything_held(client, ada):
    link = path_of(my_data_link_url(ada))
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
def test_my_data_links_run_out_and_offer_a_new_one(client, settings, ada):
    settings.MY_DATA_LINK_MINUTES = 60
    with past(minutes=61):
        link = path_of(my_data_link_url(ada))
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
        assert f'href="{reverse("my-data-request")}"' in page
    ada.refresh_from_db()
    assert not ada.is_erased
    assert ConsentPurpose.EMAIL_UPDATES in ada.live_consent_purposes()

    with past(minutes=59):
        fresh = path_of(my_data_link_url(ada))
    assert client.get(fresh).status_code == 200


@pytest.mark.django_db
def test_my_data_links_stop_working_when_the_address_changes(client, ada):
    link = path_of(my_data_link_url(ada))
    Attendee.objects.filter(pk=ada.pk).update(email="ada.new@example.org")
    response = client.get(link)
    assert response.status_code == 404
    assert "ada.new@example.org" not in response.content.decode()


@pytest.mark.django_db
def test_preferences_can_be_changed_per_purpose(client, ada):
    link = path_of(my_data_link_url(ada))
    response = client.post(f"{link}preferences/", {"wants_lay_observation": "on"}, follow=True)
    assert "Your choices are saved." in response.content.decode()
    assert ada.live_consent_purposes() == {ConsentPurpose.LAY_OBSERVATION}
    client.post(f"{link}preferences/", {"wants_updates": "on"})
    assert ada.live_consent_purposes() == {ConsentPurpose.EMAIL_UPDATES}


@pytest.mark.django_db
def test_changing_preferences_keeping_and_erasing_need_a_post_with_a_csrf_token(ada):
    link = path_of(my_data_link_url(ada))
    client = Client(enforce_csrf_checks=True)
    for action in ("preferences", "keep", "erase"):
        assert client.get(f"{link}{action}/").status_code == 405
        assert client.post(f"{link}{action}/", {"confirm": "on"}).status_code == 403
    assert Client().post(link).status_code == 405
    ada.refresh_from_db()
    assert not ada.is_erased
    assert ConsentPurpose.EMAIL_UPDATES in ada.live_consent_purposes()


@pytest.mark.django_db
def test_keep_my_details_restarts_the_retention_clock(client, ada):
    Attendee.objects.filter(pk=ada.pk).update(
        last_activity_at=timezone.now() - timedelta(days=800),
        purge_notice_sent_at=timezone.now() - timedelta(days=2),
    )
    link = path_of(my_data_link_url(ada))
    assert "We plan to delete your details on" in client.get(link).content.decode()
    response = client.post(f"{link}keep/", follow=True)
    assert "Thank you. We will keep your details." in response.content.decode()
    ada.refresh_from_db()
    assert ada.purge_notice_sent_at is None
    assert ada.last_activity_at > timezone.now() - timedelta(minutes=1)


@pytest.mark.django_db
def test_erasing_needs_a_tick_then_removes_personal_data_and_leaves_a_tombstone(
    client, smtp_server
):
    attendee = AttendeeFactory(
        name="Ada",
        email="ada@example.org",
        subscribed=True,
        shares_demographics=True,
        communities=[CommunityFactory()],
        ethnicity="other_arab",
        age_band="18_24",
    )
    other = AttendeeFactory(
        name="Bo", email="bo@example.org", consents=[ConsentPurpose.FOCUS_GROUP]
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
    ada = AttendeeFactory(
        shares_demographics=True,
        communities=[CommunityFactory()],
        ethnicity="black_african",
        age_band="25_34",
        postcode_district="M14",
    )
    consent_withdraw(
        attendee=ada,
        purpose=ConsentPurpose.DEMOGRAPHIC_DATA,
        method=ConsentRecord.WithdrawalMethod.STAFF,
    )
    ada.refresh_from_db()
    assert (ada.ethnicity, ada.age_band, ada.postcode_district) == ("", "", "")
    assert not ada.communities.exists()


@pytest.mark.django_db
def test_the_my_data_page_is_light_on_the_database(client, django_assert_max_num_queries):
    attendee = AttendeeFactory(
        subscribed=True, shares_demographics=True, communities=[CommunityFactory()]
    )
    event_invite(event=EventFactory(), attendees=Attendee.objects.all(), by=None)
    link = path_of(my_data_link_url(attendee))
    with django_assert_max_num_queries(10):
        assert client.get(link).status_code == 200
