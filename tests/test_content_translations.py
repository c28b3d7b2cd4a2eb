"""Translations of what staff write: event titles and descriptions, You Said We Did
entries and key questions. A reader sees their language where a translation exists and
the English, marked as English, where none does; staff add translations on a page of
their own, and only those who may change the thing may translate it."""

import lxml.html
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape

from actions.models import Action
from actions.tests.factories import ActionFactory
from engagement.languages import forget_enabled_languages
from engagement.roles import Role
from engagement.tests.factories import PublicLanguageFactory
from engagement.translatable import TRANSLATABLE_KINDS, ShownText, shown_text
from events.models import Event
from events.tests.factories import EventFactory
from feedback.models import KeyQuestion
from feedback.tests.factories import KeyQuestionFactory


@pytest.fixture(autouse=True)
def _fresh_language_choice():
    """A request leaves its language active in the thread, as Django's own middleware
    does; each test starts and ends in English so that reverse() gives English paths."""
    forget_enabled_languages()
    translation.deactivate()
    yield
    translation.deactivate()
    forget_enabled_languages()


def english_address(url_function, *args, **kwargs) -> str:
    """An English address, whatever language the last request left active."""
    with translation.override("en-gb"):
        return url_function(*args, **kwargs)


def in_english_note(code: str) -> str:
    with translation.override(code):
        return translation.gettext("(in English)")


def document(response):
    return lxml.html.document_fromstring(response.content.decode())


def translations_url(kind: str, pk: int) -> str:
    return reverse("content-translations", args=[kind, pk])


# shown_text -------------------------------------------------------------------------


def unsaved_event(**fields) -> Event:
    return Event(**{"title": "Listening evening", "public_description": "Come and talk.", **fields})


def test_english_readers_see_the_english_even_when_translations_exist():
    event = unsaved_event(translations={"so": {"title": "Kulan dhageysi"}})
    assert shown_text(event, "title", "en-gb") == ShownText("Listening evening", "en-gb", False)


def test_a_translation_is_shown_in_its_language():
    event = unsaved_event(translations={"so": {"title": "Kulan dhageysi"}})
    assert shown_text(event, "title", "so") == ShownText("Kulan dhageysi", "so", False)


def test_without_a_translation_the_english_is_shown_marked_as_english():
    event = unsaved_event(translations={"so": {"title": "Kulan dhageysi"}})
    # No Arabic at all, and no Somali description.
    assert shown_text(event, "title", "ar") == ShownText("Listening evening", "en-gb", True)
    assert shown_text(event, "public_description", "so") == ShownText(
        "Come and talk.", "en-gb", True
    )


@pytest.mark.parametrize(
    "translations", [{}, None, {"so": {}}, {"so": {"title": ""}}, {"so": None}]
)
def test_an_empty_or_missing_translation_falls_back_to_english(translations):
    event = unsaved_event(translations=translations)
    assert shown_text(event, "title", "so") == ShownText("Listening evening", "en-gb", True)


def test_an_empty_english_field_is_empty_in_every_language_and_not_marked():
    event = Event(title="Listening evening", public_description="", translations={})
    shown = shown_text(event, "public_description", "so")
    assert shown == ShownText("", "en-gb", False)
    assert conditional_escape(shown) == ""
    assert shown.lang_attributes == ""


def test_the_active_language_is_used_when_none_is_given():
    event = unsaved_event(translations={"ar": {"title": "أمسية استماع"}})
    with translation.override("ar"):
        assert shown_text(event, "title") == ShownText("أمسية استماع", "ar", False)
    with translation.override("so"):
        assert shown_text(event, "title").fallback
    with translation.override("en-gb"):
        assert shown_text(event, "title").text == "Listening evening"


def test_in_html_a_translation_is_escaped_and_english_is_wrapped_and_noted():
    event = unsaved_event(
        title="Fish & <chips>", translations={"so": {"title": "Kalluun & <baradho>"}}
    )
    assert str(conditional_escape(shown_text(event, "title", "so"))) == (
        "Kalluun &amp; &lt;baradho&gt;"
    )
    with translation.override("so"):
        fallback = shown_text(event, "title", "ar")
        html = str(conditional_escape(fallback))
        note = translation.gettext("(in English)")
    assert html == (
        '<span lang="en-gb" dir="ltr">Fish &amp; &lt;chips&gt;</span> '
        f'<span class="fallback-note">{note}</span>'
    )
    assert str(fallback) == "Fish & <chips>"
    assert fallback.lang_attributes == ' lang="en-gb" dir="ltr"'
    assert shown_text(event, "title", "so").lang_attributes == ""


# Public pages ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_somali_event_page_shows_the_somali_title_and_description(client):
    event = EventFactory(
        title="Listening evening",
        public_description="Come and talk to local officers.",
        translations={
            "so": {
                "title": "Fiid dhageysi",
                "public_description": "Kaalay oo la hadal saraakiisha.",
            }
        },
    )
    address = english_address(event.get_absolute_url)
    response = client.get(f"/so{address}")
    assert response.status_code == 200
    page = document(response)
    (heading,) = page.xpath("//h1")
    assert heading.text_content() == "Fiid dhageysi"
    assert page.xpath("//title")[0].text_content().startswith("Fiid dhageysi")
    content = response.content.decode()
    assert "Listening evening" not in content.split("</header>", 1)[1]
    assert "Kaalay oo la hadal saraakiisha." in content
    assert "Come and talk to local officers." not in content
    assert in_english_note("so") not in content

    in_english = client.get(address)
    assert in_english["Content-Language"] == "en-gb"
    assert document(in_english).xpath("//h1")[0].text_content() == "Listening evening"
    assert "Fiid dhageysi" not in in_english.content.decode()


@pytest.mark.django_db
def test_a_somali_event_page_marks_the_english_title_when_there_is_no_translation(client):
    event = EventFactory(
        title="Listening evening",
        public_description="Come and talk to local officers.",
        translations={"ar": {"title": "أمسية استماع"}},
    )
    response = client.get(f"/so{english_address(event.get_absolute_url)}")
    assert response.status_code == 200
    (heading,) = document(response).xpath("//h1")
    (english,) = heading.xpath("./span[@lang='en-gb']")
    assert english.get("dir") == "ltr"
    assert english.text_content() == "Listening evening"
    (note,) = heading.xpath("./span[@class='fallback-note']")
    assert note.text_content() == in_english_note("so")
    assert note.text_content() != "(in English)"
    assert "أمسية استماع" not in response.content.decode()
    # The description, laid out by the page, is marked as English too.
    (description,) = document(response).xpath("//div[contains(@class, 'lead')]")
    assert (description.get("lang"), description.get("dir")) == ("en-gb", "ltr")
    assert "Come and talk to local officers." in description.text_content()


@pytest.mark.django_db
def test_the_event_list_and_home_page_show_translated_titles(client):
    EventFactory(title="Listening evening", translations={"pl": {"title": "Wieczór słuchania"}})
    EventFactory(title="Youth forum")
    listing = client.get("/pl/events/").content.decode()
    assert "Wieczór słuchania" in listing
    assert '<span lang="en-gb" dir="ltr">Youth forum</span>' in listing
    assert "Wieczór słuchania" in client.get("/pl/").content.decode()


@pytest.mark.django_db
def test_a_public_action_page_shows_its_translated_title(client):
    action = ActionFactory(
        title="More foot patrols",
        status=Action.Status.AGREED,
        translations={"ur": {"title": "مزید پیدل گشت"}},
    )
    address = english_address(reverse, "actions:public-detail", args=[action.pk])
    urdu = client.get(f"/ur{address}")
    assert urdu.status_code == 200
    assert document(urdu).xpath("//h1")[0].text_content() == "مزید پیدل گشت"
    somali = client.get(f"/so{address}")
    (heading,) = document(somali).xpath("//h1")
    assert heading.xpath("./span[@lang='en-gb']")[0].text_content() == "More foot patrols"


# The staff page for translations ---------------------------------------------------------


@pytest.mark.django_db
def test_a_coordinator_translates_an_event(coordinator_client):
    event = EventFactory(title="Listening evening", public_description="Come and talk.")
    url = translations_url("event", event.pk)
    page = coordinator_client.get(url)
    assert page.status_code == 200
    assert page["Content-Language"] == "en-gb"
    names = document(page).xpath("//form//input[@type='text']/@name | //form//textarea/@name")
    for code in ("so", "ar", "ti", "cy"):
        assert f"{code}__title" in names and f"{code}__public_description" in names
    assert not any(name.startswith("en-gb__") for name in names)
    (somali_title,) = document(page).xpath("//input[@name='so__title']")
    assert somali_title.get("lang") == "so"
    assert "In English: Listening evening" in page.content.decode()

    response = coordinator_client.post(
        url,
        {
            "so__title": "  Fiid dhageysi  ",
            "so__public_description": "Kaalay oo la hadal.",
            "ar__title": "أمسية استماع",
            "ar__public_description": "",
            "pl__title": "",
        },
    )
    assert (response.status_code, response["Location"]) == (302, url)
    event.refresh_from_db()
    assert event.translations == {
        "so": {"title": "Fiid dhageysi", "public_description": "Kaalay oo la hadal."},
        "ar": {"title": "أمسية استماع"},
    }
    # The English stays the source of truth.
    assert (event.title, event.public_description) == ("Listening evening", "Come and talk.")
    shown = coordinator_client.get(url)
    assert document(shown).xpath("//input[@name='so__title']/@value") == ["Fiid dhageysi"]
    assert "The translations are saved." in shown.content.decode()
    public = coordinator_client.get(f"/so{english_address(event.get_absolute_url)}")
    assert "Fiid dhageysi" in public.content.decode()


@pytest.mark.django_db
def test_emptying_the_boxes_removes_a_translation(coordinator_client):
    event = EventFactory(
        translations={"so": {"title": "Fiid dhageysi"}, "pl": {"title": "Wieczór"}}
    )
    coordinator_client.post(translations_url("event", event.pk), {"pl__title": "Wieczór"})
    event.refresh_from_db()
    assert event.translations == {"pl": {"title": "Wieczór"}}


@pytest.mark.django_db
def test_translations_into_a_language_turned_off_are_kept(coordinator_client):
    event = EventFactory(translations={"ti": {"title": "ምሸት ምስማዕ"}, "so": {"title": "Fiid hore"}})
    PublicLanguageFactory(code="ti", is_enabled=False)
    forget_enabled_languages()
    url = translations_url("event", event.pk)
    names = document(coordinator_client.get(url)).xpath("//form//*[@name]/@name")
    assert "ti__title" not in names
    coordinator_client.post(url, {"so__title": "Fiid cusub"})
    event.refresh_from_db()
    assert event.translations == {"ti": {"title": "ምሸት ምስማዕ"}, "so": {"title": "Fiid cusub"}}


@pytest.mark.django_db
def test_a_translation_longer_than_the_field_allows_is_refused(coordinator_client):
    event = EventFactory()
    limit = Event._meta.get_field("title").max_length
    response = coordinator_client.post(
        translations_url("event", event.pk), {"so__title": "x" * (limit + 1)}
    )
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.translations == {}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LEADER, Role.ACTION_OWNER, Role.FOCUS_GROUP_MEMBER])
def test_only_coordinators_translate_events(client_for_role, role):
    event = EventFactory()
    client = client_for_role(role)
    url = translations_url("event", event.pk)
    assert client.get(url).status_code == 403
    assert client.post(url, {"so__title": "Fiid dhageysi"}).status_code == 403
    event.refresh_from_db()
    assert event.translations == {}


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    event = EventFactory()
    url = translations_url("event", event.pk)
    for response in (client.get(url), client.post(url, {"so__title": "Fiid"})):
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")
    event.refresh_from_db()
    assert event.translations == {}


@pytest.mark.django_db
def test_a_coordinator_translates_an_action_and_a_leader_cannot(client, coordinator, leader):
    action = ActionFactory(title="More foot patrols", status=Action.Status.AGREED)
    url = translations_url("action", action.pk)
    client.force_login(leader)
    assert client.get(url).status_code == 403
    client.force_login(coordinator)
    page = client.get(url)
    assert page.status_code == 200
    names = set(document(page).xpath("//form//*[@name]/@name"))
    assert {"so__title", "so__you_said", "so__we_did"} <= names
    assert document(page).xpath("//textarea[@name='so__we_did']")
    response = client.post(
        url,
        {
            "so__title": "Ilaalo badan oo lugaynaysa",
            "so__you_said": "Waxaad tidhaahdeen",
            "so__we_did": "Waxaan samaynay",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.translations == {
        "so": {
            "title": "Ilaalo badan oo lugaynaysa",
            "you_said": "Waxaad tidhaahdeen",
            "we_did": "Waxaan samaynay",
        }
    }
    detail = client.get(
        english_address(reverse, "actions:detail", args=[action.pk])
    ).content.decode()
    assert url in detail


@pytest.mark.django_db
def test_only_administrators_translate_key_questions(client, coordinator, administrator):
    question = KeyQuestionFactory(text="How can the police listen better?", hint="Any way.")
    url = translations_url("key-question", question.pk)
    client.force_login(coordinator)
    assert client.get(url).status_code == 403
    assert client.post(url, {"so__text": "Sidee?"}).status_code == 403
    question.refresh_from_db()
    assert question.translations == {}

    client.force_login(administrator)
    assert client.get(url).status_code == 200
    response = client.post(url, {"so__text": "Sidee bay booliisku u dhageysan karaan?"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.translations == {"so": {"text": "Sidee bay booliisku u dhageysan karaan?"}}


@pytest.mark.django_db
def test_an_administrator_cannot_translate_events(administrator_client):
    event = EventFactory()
    assert administrator_client.get(translations_url("event", event.pk)).status_code == 403


@pytest.mark.django_db
def test_an_unknown_kind_or_thing_is_not_found(coordinator_client):
    event = EventFactory()
    assert coordinator_client.get(f"/staff/translations/venue/{event.pk}/").status_code == 404
    assert coordinator_client.get(f"/staff/translations/Event/{event.pk}/").status_code == 404
    missing = translations_url("event", event.pk + 1000)
    assert coordinator_client.get(missing).status_code == 404
    assert set(TRANSLATABLE_KINDS) == {"event", "action", "key-question"}


# Key questions on the public form ----------------------------------------------------------


def label_for(page, question: KeyQuestion):
    (label,) = page.xpath(f"//label[@for='id_answer_{question.pk}']")
    return label


@pytest.mark.django_db
def test_a_translated_key_question_labels_the_somali_forms_box(client, programme):
    event = EventFactory(programme=programme)
    translated, untranslated = programme.questions[0], programme.questions[1]
    translated.translations = {"so": {"text": "Sidee bay booliisku u ixtiraami karaan bulshadan?"}}
    translated.save(update_fields=["translations"])

    address = english_address(reverse, "give-feedback-event", args=[event.feedback_token])
    response = client.get(f"/so{address}")
    assert response.status_code == 200
    page = document(response)
    label = label_for(page, translated)
    assert "Sidee bay booliisku u ixtiraami karaan bulshadan?" in label.text_content()
    assert translated.text not in label.text_content()
    assert not label.xpath(".//span[@lang='en-gb']")

    other = label_for(page, untranslated)
    (english,) = other.xpath(".//span[@lang='en-gb']")
    assert english.text_content() == untranslated.text
    assert other.xpath(".//span[@class='fallback-note']")[0].text_content() == in_english_note("so")

    # English readers see the English.
    english_page = document(client.get(address))
    assert translated.text in label_for(english_page, translated).text_content()
    assert "Sidee" not in label_for(english_page, translated).text_content()


@pytest.mark.django_db
def test_the_translations_index_lists_key_questions_in_few_queries(
    administrator_client, django_assert_max_num_queries
):
    KeyQuestionFactory(
        text="Aardvark question?", translations={"so": {"text": "S"}, "ar": {"text": "A"}}
    )
    KeyQuestionFactory(text="Badger question?")
    url = reverse("content-translations-index")
    with django_assert_max_num_queries(30) as few:
        response = administrator_client.get(url)
    assert response.status_code == 200
    rows = document(response).xpath("//table//tbody/tr")
    texts = [row.xpath("./td[1]")[0].text_content() for row in rows]
    assert texts == sorted(KeyQuestion.objects.values_list("text", flat=True))
    assert texts[:2] == ["Aardvark question?", "Badger question?"]
    counts = [" ".join(row.xpath("./td[2]")[0].text_content().split()) for row in rows]
    assert counts[:2] == ["2 / 10", "0 / 10"]
    first = KeyQuestion.objects.get(text="Aardvark question?")
    assert rows[0].xpath(".//a/@href") == [translations_url("key-question", first.pk)]

    for number in range(12):
        KeyQuestionFactory(text=f"Zebra question {number:02d}?", translations={"so": {"text": "S"}})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = administrator_client.get(url)
    rows = document(response).xpath("//table//tbody/tr")
    assert len(rows) == len(texts) + 12
    assert rows[-1].xpath("./td[1]")[0].text_content() == "Zebra question 11?"

    # With a language turned off, the count is out of the languages still offered.
    PublicLanguageFactory(code="ti", is_enabled=False)
    forget_enabled_languages()
    response = administrator_client.get(url)
    first_count = document(response).xpath("//table//tbody/tr[1]/td[2]")[0].text_content()
    assert " ".join(first_count.split()) == "2 / 9"


@pytest.mark.django_db
def test_only_administrators_see_the_translations_index(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("content-translations-index")).status_code == 403
