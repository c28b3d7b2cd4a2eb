"""The language a contact is written to in: chosen on the keep-in-touch form, kept
through the confirmation, changed on the my-data page, and used for every email to
them, with links to the site in that language. Staff mail is in English, whatever
language was active when it was queued."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from contacts.models import Attendee, ConsentPurpose, OutboxMessage, PendingSignUp
from contacts.services.links import my_data_link_url
from contacts.services.outbox import _render_email, email_language, outbox_enqueue
from contacts.tests.factories import AttendeeFactory
from contacts.tests.helpers import UNSUBSCRIBE_URL, path_of, queue_update
from engagement.languages import forget_enabled_languages
from engagement.tests.factories import PublicLanguageFactory
from events.tests.factories import EventFactory
from feedback.tests.helpers import DUTY_INBOX, form_data


@pytest.fixture
def ada(db):
    """A contact who gets email updates."""
    return AttendeeFactory(name="Ada", email="ada@example.org", subscribed=True)


CONFIRM_SUBJECT = "Please confirm your details for Community Voice"
UPDATES_SUBJECT = "Please confirm you want updates from Community Voice"
SAFEGUARDING_SUBJECT = "Community Voice: feedback that may need safeguarding action"


@pytest.fixture(autouse=True)
def _fresh_language_choice():
    """A request leaves its language active in the thread; each test starts and ends
    in English so that reverse() gives English paths."""
    forget_enabled_languages()
    translation.deactivate()
    yield
    translation.deactivate()
    forget_enabled_languages()


def in_language(code: str, msgid: str) -> str:
    with translation.override(code):
        return translation.gettext(msgid)


def site_links(text: str) -> list[str]:
    return re.findall(rf"{re.escape(settings.SITE_URL)}/[^\s\"<>]*", text)


def keep_in_touch(client, code: str, **fields):
    data = {"name": "Ada Obi", "email": "ada@example.org", "wants_updates": "on", **fields}
    return client.post(f"/{code}/keep-in-touch/", data)


def confirm_link_in(message: OutboxMessage) -> str:
    return re.search(
        rf"{re.escape(settings.SITE_URL)}/\S*keep-in-touch/confirm/\S+/", message.body_text
    ).group(0)


# Signing up in a language ----------------------------------------------------------------


@pytest.mark.django_db
def test_signing_up_in_arabic_queues_the_confirmation_in_arabic(client):
    response = keep_in_touch(client, "ar", email_language="ar")
    assert (response.status_code, response["Location"]) == (
        302,
        "/ar/keep-in-touch/check-your-email/",
    )
    assert PendingSignUp.objects.get().language == "ar"
    message = OutboxMessage.objects.get(to_address="ada@example.org")

    expected_subject = in_language("ar", CONFIRM_SUBJECT)
    assert expected_subject != CONFIRM_SUBJECT
    assert message.subject == expected_subject

    # The same email in English, for comparison: nothing of it is left in the Arabic.
    confirm_url = confirm_link_in(message)
    english_subject, english_text, english_html = _render_email(
        "confirm_sign_up",
        {
            "confirm_url": confirm_url,
            "my_data_url": f"{settings.SITE_URL}/my-data/",
            "valid_days": settings.CONFIRMATION_LINK_DAYS,
        },
        "en-gb",
    )
    assert english_subject == CONFIRM_SUBJECT
    assert message.body_text != english_text
    assert message.body_html != english_html
    for sentence in ("Hello,", "We save nothing until you do."):
        assert sentence in english_text
        assert sentence not in message.body_text
    assert in_language("ar", "Hello,") in message.body_text
    assert in_language("ar", "Hello,") in message.body_html

    # Its links lead to the Arabic pages.
    assert confirm_url.startswith(f"{settings.SITE_URL}/ar/keep-in-touch/confirm/")
    assert f"{settings.SITE_URL}/ar/my-data/" in message.body_text
    assert f'href="{confirm_url}"' in message.body_html
    assert f'href="{settings.SITE_URL}/ar/my-data/"' in message.body_html


@pytest.mark.django_db
def test_confirming_an_arabic_sign_up_gives_the_contact_arabic(client):
    keep_in_touch(client, "ar", email_language="ar")
    link = path_of(confirm_link_in(OutboxMessage.objects.get()))
    assert link.startswith("/ar/")
    page = client.get(link)
    assert page.status_code == 200
    assert page["Content-Language"] == "ar"
    confirmed = client.post(link)
    assert confirmed.status_code == 200
    attendee = Attendee.objects.find_by_email("ada@example.org")
    assert attendee.language == "ar"
    assert ConsentPurpose.EMAIL_UPDATES in attendee.live_consent_purposes()
    assert not PendingSignUp.objects.exists()


@pytest.mark.django_db
def test_the_email_language_can_differ_from_the_page_language(client):
    keep_in_touch(client, "ar", email_language="ur")
    assert PendingSignUp.objects.get().language == "ur"
    message = OutboxMessage.objects.get()
    assert message.subject == in_language("ur", CONFIRM_SUBJECT)
    assert message.subject != in_language("ar", CONFIRM_SUBJECT)
    assert confirm_link_in(message).startswith(f"{settings.SITE_URL}/ur/")


@pytest.mark.django_db
def test_without_a_choice_the_email_is_in_the_language_of_the_page(client):
    keep_in_touch(client, "gu")
    assert PendingSignUp.objects.get().language == "gu"
    assert OutboxMessage.objects.get().subject == in_language("gu", CONFIRM_SUBJECT)


@pytest.mark.django_db
def test_a_language_not_offered_is_refused_on_the_form(client):
    PublicLanguageFactory(code="ur", is_enabled=False)
    forget_enabled_languages()
    response = keep_in_touch(client, "ar", email_language="ur")
    assert response.status_code == 200
    assert not PendingSignUp.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_the_form_offers_each_enabled_language_and_starts_at_the_pages(client):
    page = client.get("/gu/keep-in-touch/").content.decode()
    select = re.search(r'<select name="email_language".*?</select>', page, re.S).group(0)
    options = dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', select))
    assert options["ar"] == "العربية" and options["en-gb"] == "English"
    assert len(options) == len(settings.LANGUAGES)
    assert re.search(r'<option value="gu"[^>]*selected', select)


@pytest.mark.django_db
def test_a_phone_only_sign_up_keeps_its_language(client):
    response = client.post(
        "/ur/keep-in-touch/",
        {"name": "Bo", "phone": "0161 496 0000", "wants_focus_group": "on", "email_language": "gu"},
    )
    assert (response.status_code, response["Location"]) == (302, "/ur/keep-in-touch/thanks/")
    attendee = Attendee.objects.get(phone="0161 496 0000")
    assert attendee.language == "gu"
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_an_english_sign_up_is_english(client):
    response = client.post(
        reverse("keep-in-touch"),
        {"name": "Ada", "email": "ada@example.org", "wants_updates": "on"},
    )
    assert response.status_code == 302
    assert PendingSignUp.objects.get().language == "en-gb"
    message = OutboxMessage.objects.get()
    assert message.subject == CONFIRM_SUBJECT
    assert confirm_link_in(message).startswith(f"{settings.SITE_URL}/keep-in-touch/confirm/")


# Emails to a contact -------------------------------------------------------------------


@pytest.mark.django_db
def test_an_email_to_a_somali_contact_is_in_somali_with_somali_links():
    attendee = AttendeeFactory(name="Hodan", subscribed=True, language="so")
    english_attendee = AttendeeFactory(name="Hodan", subscribed=True)
    somali = queue_update(attendee, key="update:so")
    english = queue_update(english_attendee, key="update:en")

    assert english.subject == UPDATES_SUBJECT
    assert somali.subject == in_language("so", UPDATES_SUBJECT)
    assert somali.subject != english.subject
    assert somali.body_text != english.body_text
    assert in_language("so", "Hello %(name)s,") != "Hello %(name)s,"
    assert "Hello Hodan," in english.body_text
    assert "Hello Hodan," not in somali.body_text
    # The unsubscribe link in the text leads to the Somali page; the one the mail
    # header carries is kept as given.
    unsubscribe = UNSUBSCRIBE_URL.replace("http://127.0.0.1:8000/", f"{settings.SITE_URL}/so/")
    assert unsubscribe in somali.body_text
    assert somali.unsubscribe_url == UNSUBSCRIBE_URL


@pytest.mark.django_db
def test_links_to_the_site_follow_the_readers_language_and_others_are_left_alone():
    attendee = AttendeeFactory(subscribed=True, language="ar")
    message = outbox_enqueue(
        dedupe_key="links",
        to_address=attendee.email,
        template="confirm_updates",
        context={
            "name": "",
            # Made while another language was active, as in a Somali request.
            "confirm_url": f"{settings.SITE_URL}/so/keep-in-touch/confirm/abc/",
        },
        consent_purpose=ConsentPurpose.EMAIL_UPDATES,
        attendee=attendee,
    )
    assert f"{settings.SITE_URL}/ar/keep-in-touch/confirm/abc/" in message.body_text
    assert "/so/" not in message.body_text


@pytest.mark.django_db
def test_the_language_asked_for_wins_over_the_contacts():
    attendee = AttendeeFactory(language="so")
    assert email_language(attendee=attendee, language="ar") == "ar"
    assert email_language(attendee=attendee, language=None) == "so"
    assert email_language(attendee=None, language=None) == "en-gb"
    message = queue_update(AttendeeFactory(subscribed=True, language="so"), language="ur")
    assert message.subject == in_language("ur", UPDATES_SUBJECT)


@pytest.mark.django_db
def test_a_contact_whose_language_was_turned_off_is_written_to_in_english():
    attendee = AttendeeFactory(subscribed=True, language="ar")
    PublicLanguageFactory(code="ar", is_enabled=False)
    forget_enabled_languages()
    message = queue_update(attendee)
    assert message.subject == UPDATES_SUBJECT
    assert "To start the updates, open this link and press the button:" in message.body_text
    links = site_links(message.body_text)
    assert links and not any("/ar/" in link for link in links)
    # Their choice is kept for when the language is back.
    attendee.refresh_from_db()
    assert attendee.language == "ar"


@pytest.mark.django_db
def test_the_html_part_of_an_arabic_email_names_its_language_and_direction():
    message = queue_update(AttendeeFactory(subscribed=True, language="ar"))
    opening = re.search(r"<html[^>]*>", message.body_html).group(0)
    assert 'lang="ar"' in opening and 'dir="rtl"' in opening


# Staff mail ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_staff_email_queued_during_a_somali_request_is_english_with_english_links():
    with translation.override("so"):
        item_path = reverse("feedback:item", kwargs={"pk": 1})
        message = outbox_enqueue(
            dedupe_key="safeguarding:1",
            to_address=DUTY_INBOX,
            template="safeguarding_alert",
            context={"inbox_url": f"{settings.SITE_URL}{item_path}"},
        )
    english_path = item_path.removeprefix("/so")
    assert item_path == f"/so{english_path}" and english_path.startswith("/staff/")
    assert message.attendee is None
    # Exactly what the same email, queued in English, says.
    assert (message.subject, message.body_text, message.body_html) == _render_email(
        "safeguarding_alert", {"inbox_url": f"{settings.SITE_URL}{english_path}"}, "en-gb"
    )
    assert message.subject == SAFEGUARDING_SUBJECT
    assert f"{settings.SITE_URL}{english_path}" in message.body_text
    assert "/so/" not in message.body_text and "/so/" not in message.body_html
    # The footer, which the public catalogue translates into Somali, is English too.
    footer = "Tell a friend they can keep in touch too: %(site_url)s/keep-in-touch/"
    assert in_language("so", footer) != footer
    assert footer % {"site_url": settings.SITE_URL} in message.body_text


@pytest.mark.django_db
def test_an_anonymous_somali_form_that_raises_a_flag_alerts_the_duty_inbox_in_english(
    client, settings, programme
):
    settings.SAFEGUARDING_EMAIL = DUTY_INBOX
    event = EventFactory(programme=programme, held=True)
    with translation.override("en-gb"):
        address = reverse("give-feedback-event", args=[event.feedback_token])
        inbox = reverse("feedback:inbox")
    response = client.post(
        f"/so{address}",
        form_data(
            programme.questions, anything_else="Walaalkay ayaa la stabbed xalay dugsiga agtiisa"
        ),
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/so/")
    alert = OutboxMessage.objects.get(to_address=DUTY_INBOX)
    assert alert.subject == SAFEGUARDING_SUBJECT
    assert f"{settings.SITE_URL}{inbox}#arriving" in alert.body_text
    assert "/so/" not in alert.body_text
    assert "Open the feedback list in Community Voice (sign-in needed):" in alert.body_text


# The my-data page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_my_data_preferences_change_the_language(client, ada):
    link = path_of(my_data_link_url(ada))
    page = client.get(link).content.decode()
    assert re.search(r'<option value="en-gb"[^>]*selected', page)

    response = client.post(
        f"{link}preferences/", {"wants_updates": "on", "email_language": "ar"}, follow=True
    )
    assert "Your choices are saved." in response.content.decode()
    ada.refresh_from_db()
    assert ada.language == "ar"
    assert ConsentPurpose.EMAIL_UPDATES in ada.live_consent_purposes()
    assert queue_update(ada, key="after").subject == in_language("ar", UPDATES_SUBJECT)


@pytest.mark.django_db
def test_my_data_preferences_without_a_language_or_with_one_turned_off_keep_it(client, ada):
    Attendee.objects.filter(pk=ada.pk).update(language="ur")
    PublicLanguageFactory(code="so", is_enabled=False)
    forget_enabled_languages()
    link = path_of(my_data_link_url(ada))
    client.post(f"{link}preferences/", {"wants_updates": "on"})
    ada.refresh_from_db()
    assert ada.language == "ur"
    client.post(f"{link}preferences/", {"wants_updates": "on", "email_language": "so"})
    ada.refresh_from_db()
    assert ada.language == "ur"
