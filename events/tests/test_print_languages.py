"""Posters and paper forms printed in an event's languages: the languages an event
offers, the poster in one of them with its QR code and address in that language and
the others' addresses listed, and the paper forms. The staff toolbar stays English."""

import lxml.html
import pytest
import segno
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from engagement.languages import forget_enabled_languages
from engagement.tests.factories import PublicLanguageFactory
from events.models import Event
from events.tests.factories import EventFactory
from events.tests.helpers import local


@pytest.fixture(autouse=True)
def _fresh_language_choice():
    forget_enabled_languages()
    translation.deactivate()
    yield
    translation.deactivate()
    forget_enabled_languages()


def turn_off(code: str) -> None:
    PublicLanguageFactory(code=code, is_enabled=False)
    forget_enabled_languages()


def in_language(code: str, msgid: str) -> str:
    with translation.override(code):
        return translation.gettext(msgid)


def document(response):
    return lxml.html.document_fromstring(response.content.decode())


def html_attributes(response) -> tuple[str, str]:
    root = document(response)
    return root.get("lang"), root.get("dir")


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def poster(client, event, language=None):
    url = reverse("events:poster", args=[event.pk])
    return client.get(url, {"language": language} if language else {})


def site_host() -> str:
    return settings.SITE_URL.split("://", 1)[1]


def codes(languages) -> list[str]:
    return [language.code for language in languages]


# The languages an event offers ------------------------------------------------------------


@pytest.mark.django_db
def test_an_event_prints_in_english_and_the_enabled_languages_it_offers():
    event = EventFactory(offered_languages=["so", "ar", "xx"])
    # English first, then in the site's order; a code not in the table is ignored.
    assert codes(event.print_languages()) == ["en-gb", "ar", "so"]
    assert event.print_language("ar") == "ar"
    assert event.print_language("so") == "so"
    assert event.print_language("pl") == "en-gb"
    assert event.print_language("xx") == "en-gb"
    assert event.print_language(None) == "en-gb"
    assert event.print_language("") == "en-gb"

    turn_off("ar")
    assert codes(event.print_languages()) == ["en-gb", "so"]
    assert event.print_language("ar") == "en-gb"


@pytest.mark.django_db
def test_an_event_offering_nothing_prints_in_english_only():
    event = EventFactory()
    assert event.offered_languages == []
    assert codes(event.print_languages()) == ["en-gb"]
    assert event.print_language("so") == "en-gb"


# The poster ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_arabic_poster_is_arabic_with_an_arabic_code_and_the_somali_address(
    coordinator_client, programme
):
    event = EventFactory(
        programme=programme,
        title="Listening evening",
        offered_languages=["ar", "so"],
        translations={"ar": {"title": "أمسية استماع"}},
    )
    question = programme.questions[0]
    question.translations = {"ar": {"text": "كيف يمكن للشرطة احترام هذا المجتمع بشكل أفضل؟"}}
    question.save(update_fields=["translations"])

    response = poster(coordinator_client, event, "ar")
    assert response.status_code == 200
    assert html_attributes(response) == ("ar", "rtl")
    page = document(response)
    content = response.content.decode()

    arabic_form = f"{settings.SITE_URL}/ar/give-feedback/{event.feedback_token}/"
    (short_url,) = page.xpath("//main/p[contains(@class, 'short-url')]")
    assert text_of(short_url) == f"{site_host()}/ar/give-feedback/{event.feedback_token}/"
    # The QR code is the one for the Arabic form's address.
    with translation.override("ar"):
        expected_qr = segno.make(arabic_form, error="m").svg_inline(
            scale=8, border=4, title=translation.gettext("QR code for the feedback form")
        )
    assert expected_qr in content
    with translation.override("en-gb"):
        english_qr = segno.make(event.feedback_url(), error="m").svg_inline(scale=8, border=4)
    assert english_qr not in content

    assert text_of(page.xpath("//main/h1")[0]) == in_language("ar", "Tell us what you think")
    assert text_of(page.xpath("//p[@class='event-title']")[0]) == "أمسية استماع"
    questions = [text_of(item) for item in page.xpath("//ol[@class='questions']/li")]
    assert questions[0] == "كيف يمكن للشرطة احترام هذا المجتمع بشكل أفضل؟"
    # An untranslated question is shown in English, marked as English.
    assert page.xpath("//ol[@class='questions']/li[2]/span[@lang='en-gb']")

    others = {
        item.xpath("./*[@lang]")[0].get("lang"): text_of(
            item.xpath(".//*[contains(@class, 'short-url')]")[0]
        )
        for item in page.xpath("//div[@class='other-languages']//li")
    }
    assert others == {
        "en-gb": f"{site_host()}/give-feedback/{event.feedback_token}/",
        "so": f"{site_host()}/so/give-feedback/{event.feedback_token}/",
    }
    assert "Soomaali" in text_of(page.xpath("//div[@class='other-languages']")[0])

    (toolbar,) = page.xpath("//div[contains(@class, 'toolbar')]")
    assert (toolbar.get("lang"), toolbar.get("dir")) == ("en-gb", "ltr")
    assert "Back to the event" in text_of(toolbar)
    print_links = toolbar.xpath(".//nav[@class='print-languages']//a")
    assert [link.get("href") for link in print_links] == [
        "?language=en-gb",
        "?language=ar",
        "?language=so",
    ]
    assert [link.get("lang") for link in print_links if link.get("aria-current")] == ["ar"]


@pytest.mark.django_db
def test_a_somali_poster_is_left_to_right_and_lists_the_arabic_address(coordinator_client):
    event = EventFactory(offered_languages=["ar", "so"])
    response = poster(coordinator_client, event, "so")
    assert html_attributes(response) == ("so", "ltr")
    content = response.content.decode()
    assert f"{site_host()}/so/give-feedback/{event.feedback_token}/" in content
    assert f"{site_host()}/ar/give-feedback/{event.feedback_token}/" in content
    assert in_language("so", "Tell us what you think") in content


@pytest.mark.django_db
@pytest.mark.parametrize("asked", ["pl", "xx", "", None])
def test_a_language_the_event_does_not_offer_prints_in_english(coordinator_client, asked):
    event = EventFactory(offered_languages=["ar", "so"])
    response = poster(coordinator_client, event, asked)
    assert response.status_code == 200
    assert html_attributes(response) == ("en-gb", "ltr")
    page = document(response)
    assert text_of(page.xpath("//main/h1")[0]) == "Tell us what you think"
    (short_url,) = page.xpath("//main/p[contains(@class, 'short-url')]")
    assert text_of(short_url) == f"{site_host()}/give-feedback/{event.feedback_token}/"
    others = page.xpath("//div[@class='other-languages']//li/*[@lang]/@lang")
    assert others == ["ar", "so"]


@pytest.mark.django_db
def test_a_language_turned_off_is_neither_printed_nor_listed(coordinator_client):
    event = EventFactory(offered_languages=["ar", "so"])
    turn_off("so")
    response = poster(coordinator_client, event, "so")
    assert html_attributes(response) == ("en-gb", "ltr")
    content = response.content.decode()
    assert "/so/give-feedback/" not in content
    assert f"{site_host()}/ar/give-feedback/{event.feedback_token}/" in content


@pytest.mark.django_db
def test_a_poster_in_english_only_has_no_language_list(coordinator_client):
    event = EventFactory()
    page = document(poster(coordinator_client, event, "ar"))
    assert page.getroottree().getroot().get("lang") == "en-gb"
    assert not page.xpath("//div[@class='other-languages']")
    assert not page.xpath("//nav[@class='print-languages']")


# The event form ---------------------------------------------------------------------------


def edit_form_data(event, **changes) -> dict:
    data = {
        "programme": event.programme_id,
        "title": event.title,
        "focus_community": event.focus_community_id or "",
        "age_group": event.age_group,
        "format": event.format,
        "venue": event.venue_id or "",
        "online_link": event.online_link,
        "starts_at": local(event.starts_at),
        "ends_at": local(event.ends_at),
        "lead_organiser": event.lead_organiser_id or "",
        "public_description": event.public_description,
        "agenda": event.agenda,
        "slug": event.slug,
        "is_published": "on" if event.is_published else "",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_event_form_saves_the_languages_offered(coordinator_client):
    event = EventFactory(offered_languages=["pl"])
    url = reverse("events:edit", args=[event.pk])
    page = document(coordinator_client.get(url))
    boxes = page.xpath("//input[@name='offered_languages']")
    assert {box.get("value") for box in boxes} == {
        code for code, _name in settings.LANGUAGES if code != "en-gb"
    }
    assert [box.get("value") for box in boxes if box.get("checked") is not None] == ["pl"]

    response = coordinator_client.post(url, edit_form_data(event, offered_languages=["so", "ar"]))
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert sorted(event.offered_languages) == ["ar", "so"]
    assert codes(event.print_languages()) == ["en-gb", "ar", "so"]

    coordinator_client.post(url, edit_form_data(event))
    event.refresh_from_db()
    assert event.offered_languages == []


@pytest.mark.django_db
def test_the_event_form_refuses_a_language_that_is_turned_off(coordinator_client):
    event = EventFactory(offered_languages=["pl"])
    turn_off("ti")
    url = reverse("events:edit", args=[event.pk])
    page = document(coordinator_client.get(url))
    assert "ti" not in page.xpath("//input[@name='offered_languages']/@value")
    response = coordinator_client.post(url, edit_form_data(event, offered_languages=["ti"]))
    assert response.status_code == 200
    assert "offered_languages" in response.context["form"].errors
    event.refresh_from_db()
    assert event.offered_languages == ["pl"]


# Paper forms ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_feedback_paper_form_prints_in_an_offered_language(coordinator_client, programme):
    event = EventFactory(programme=programme, held=True, offered_languages=["ur"])
    question = programme.questions[1]
    question.translations = {"ur": {"text": "پولیس اس کمیونٹی کی بہتر حفاظت کیسے کر سکتی ہے؟"}}
    question.save(update_fields=["translations"])
    url = reverse("feedback:paper-form", args=[event.pk])

    response = coordinator_client.get(url, {"language": "ur"})
    assert response.status_code == 200
    assert html_attributes(response) == ("ur", "rtl")
    page = document(response)
    assert text_of(page.xpath("//main/h1")[0]) == in_language("ur", "Tell us what you think")
    headings = [text_of(heading) for heading in page.xpath("//section[@class='answer-box']/h2")]
    assert headings[1] == "2. پولیس اس کمیونٹی کی بہتر حفاظت کیسے کر سکتی ہے؟"
    assert in_language("ur", "Anything else you want to tell us?") in headings
    (toolbar,) = page.xpath("//div[contains(@class, 'toolbar')]")
    assert toolbar.get("lang") == "en-gb"
    assert "Back to the event" in text_of(toolbar)
    current = toolbar.xpath(".//a[@aria-current='true']/@lang")
    assert current == ["ur"]

    english = coordinator_client.get(url, {"language": "ar"})
    assert html_attributes(english) == ("en-gb", "ltr")
    assert "Anything else you want to tell us?" in english.content.decode()


@pytest.mark.django_db
def test_the_keep_in_touch_paper_form_prints_in_any_enabled_language(coordinator_client):
    url = reverse("contacts:paper-form")
    response = coordinator_client.get(url, {"language": "gu"})
    assert response.status_code == 200
    assert html_attributes(response) == ("gu", "ltr")
    page = document(response)
    heading = in_language("gu", "Keep in touch")
    assert heading != "Keep in touch"
    assert text_of(page.xpath("//main/h1")[0]) == heading
    (toolbar,) = page.xpath("//div[contains(@class, 'toolbar')]")
    assert toolbar.get("lang") == "en-gb"
    assert "Back to contacts" in text_of(toolbar)
    offered = toolbar.xpath(".//nav[@class='print-languages']//a/@lang")
    assert offered == [code for code, _name in settings.LANGUAGES]

    arabic = coordinator_client.get(url, {"language": "ar"})
    assert html_attributes(arabic) == ("ar", "rtl")

    turn_off("gu")
    assert html_attributes(coordinator_client.get(url, {"language": "gu"})) == ("en-gb", "ltr")
    assert html_attributes(coordinator_client.get(url, {"language": "xx"})) == ("en-gb", "ltr")


@pytest.mark.django_db
def test_printing_in_a_language_leaves_the_staff_pages_in_english(coordinator_client):
    event = EventFactory(offered_languages=["so"])
    poster(coordinator_client, event, "so")
    hub = coordinator_client.get(event.get_staff_url())
    assert hub.status_code == 200
    assert hub["Content-Language"] == "en-gb"
    assert html_attributes(hub) == ("en-gb", "ltr")
    assert Event.objects.get(pk=event.pk).offered_languages == ["so"]
