"""Keeping in touch: the public form, the emailed link its owner confirms before
anything is saved, and the paper forms officers type in."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contacts.models import (
    PRIVACY_NOTICE_VERSION,
    Attendee,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    OutboxMessage,
    PendingSignUp,
)
from contacts.services.invitations import event_invite
from contacts.services.links import CONFIRMATION_SALT
from contacts.services.sign_up import attendee_keep_in_touch
from contacts.tests.factories import AttendeeFactory
from contacts.tests.helpers import (
    confirm_link_from,
    is_not_cached,
    past,
    queued_confirm_link,
    sign_up,
    signed_up_and_confirmed,
)
from engagement.tests.factories import CommunityFactory
from engagement.tests.smtp import text_of
from events.tests.factories import EventFactory


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


@pytest.mark.django_db
def test_the_public_urls_stay_where_the_design_promises():
    """Emails already sent and printed posters carry these addresses."""
    assert reverse("keep-in-touch") == "/keep-in-touch/"
    assert reverse("unsubscribe", args=["a-token"]) == "/unsubscribe/a-token/"
    assert reverse("my-data-request") == "/my-data/"
    assert reverse("my-data", args=["a:link"]) == "/my-data/a:link/"


# Keeping in touch ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_explains_itself_and_shows_the_notice_version(client):
    page = client.get(reverse("keep-in-touch")).content.decode()
    assert f"Privacy notice version {PRIVACY_NOTICE_VERSION}" in page
    assert "we cannot link the two" in page
    assert client.get(reverse("keep-in-touch"))["Cache-Control"].startswith("max-age=0")


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
    ada = AttendeeFactory(
        name="Ada",
        email="ada@example.org",
        subscribed=True,
        shares_demographics=True,
        ethnicity="black_african",
        age_band="25_34",
    )
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
    ada = AttendeeFactory(
        name="Ada",
        email="ada@example.org",
        phone="0161 496 0000",
        source=ConsentMethod.PAPER,
        subscribed=True,
        shares_demographics=True,
        communities=[CommunityFactory()],
        ethnicity="black_african",
        age_band="25_34",
        postcode_district="M14",
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
def test_known_and_unknown_addresses_get_exactly_the_same_answer(client, ada, wants_updates):
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
        reverse("keep-in-touch"),
        {"phone": "0161 496 0000", "wants_focus_group": "on", "name": "Bo"},
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
            method=ConsentMethod.ONLINE,
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
def test_paper_forms_typed_in_by_staff_still_update_a_known_contact_at_once(ada):
    attendee_keep_in_touch(
        name="Ada Obi",
        email="ADA@example.org",
        phone="0161 496 0000",
        purposes={ConsentPurpose.LAY_OBSERVATION},
        method=ConsentMethod.PAPER,
    )
    ada.refresh_from_db()
    assert (ada.name, ada.phone) == ("Ada Obi", "0161 496 0000")
    assert ConsentPurpose.LAY_OBSERVATION in ada.live_consent_purposes()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_corrected_address_starts_updates_only_when_its_owner_presses_the_button(client, ada):
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
