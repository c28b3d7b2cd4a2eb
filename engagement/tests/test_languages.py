"""Public pages in the reader's language: the language prefix, the browser's first
choice on a first visit, right-to-left pages, the switcher, languages turned off, and
the Administrators' page that turns them on and off. No cookie ever carries a language,
and staff pages are always in English."""

import lxml.html
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from engagement import languages
from engagement.language_table import LANGUAGE_TABLE
from engagement.languages import (
    enabled_language_codes,
    forget_enabled_languages,
    is_public_path,
    language_path,
    preferred_language,
    split_language_prefix,
    usable_language,
)
from engagement.models import PublicLanguage
from engagement.tests.factories import PublicLanguageFactory

ALL_CODES = [language.code for language in LANGUAGE_TABLE]
SOMALI_FIRST = "so-SO,so;q=0.9"


@pytest.fixture(autouse=True)
def _fresh_language_choice():
    """Each test starts from what its own database says is on, and leaves nothing in
    the per-process memo for the next test."""
    forget_enabled_languages()
    yield
    forget_enabled_languages()


def turn_off(code: str) -> None:
    PublicLanguageFactory(code=code, is_enabled=False)
    forget_enabled_languages()


def in_language(code: str, msgid: str) -> str:
    with translation.override(code):
        return translation.gettext(msgid)


def html_element(response):
    return lxml.html.document_fromstring(response.content.decode()).getroottree().getroot()


def stylesheets(response) -> list[str]:
    return html_element(response).xpath("//link[@rel='stylesheet']/@href")


def switcher_links(response) -> list:
    (nav,) = html_element(response).xpath("//nav[contains(@class, 'language-switcher')]")
    return nav.xpath(".//a")


def language_cookies(response) -> list[str]:
    return [
        name
        for name in response.cookies
        if name == settings.LANGUAGE_COOKIE_NAME or "lang" in name.lower()
    ]


# The pure helpers -------------------------------------------------------------------


def test_paths_split_into_language_and_page():
    assert split_language_prefix("/so/give-feedback/") == ("so", "/give-feedback/")
    assert split_language_prefix("/ar/") == ("ar", "/")
    assert split_language_prefix("/ar") == ("ar", "/")
    assert split_language_prefix("/give-feedback/") == (None, "/give-feedback/")
    # English has no prefix; a language not in the table is just a path.
    assert split_language_prefix("/en-gb/events/") == (None, "/en-gb/events/")
    assert split_language_prefix("/de/events/") == (None, "/de/events/")
    assert language_path("/events/", "so") == "/so/events/"
    assert language_path("/events/", "en-gb") == "/events/"


def test_staff_sign_in_and_machine_paths_are_not_public():
    for path in ("/staff/", "/accounts/login/", "/admin/", "/panel/", "/healthz", "/jsi18n/"):
        assert not is_public_path(path), path
    for path in ("/", "/events/", "/give-feedback/", "/keep-in-touch/", "/you-said-we-did/"):
        assert is_public_path(path), path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("pa-Guru-IN", "pa"),
        ("so-SO,so;q=0.9", "so"),
        ("SO", "so"),
        ("ur-PK,en;q=0.5", "ur"),
        # English before anything else keeps English, whatever follows.
        ("en-US,so", "en-gb"),
        ("en-GB,en;q=0.9,ar;q=0.8", "en-gb"),
        # Quality decides, not the order written.
        ("so;q=0.4,ar;q=0.9", "ar"),
        # A language not offered here is passed over for the next one.
        ("de-DE,fr;q=0.9,pl;q=0.8", "pl"),
        ("de-DE,fr;q=0.9", "en-gb"),
        ("", "en-gb"),
        ("!!!;;;===", "en-gb"),
        ("*", "en-gb"),
        ("x" * 10_000, "en-gb"),
        # Only the start of a huge header is read: Somali far down is never reached.
        ("de;q=0.1," * 200 + "so", "en-gb"),
    ],
)
def test_preferred_language_reads_the_browsers_first_offered_choice(header, expected):
    assert preferred_language(header) == expected


@pytest.mark.django_db
def test_preferred_language_passes_over_a_language_that_is_turned_off():
    turn_off("so")
    assert preferred_language("so-SO,so;q=0.9,ar;q=0.5") == "ar"
    assert preferred_language("so") == "en-gb"
    assert usable_language("so") == "en-gb"
    assert usable_language("ar") == "ar"
    assert usable_language(None) == "en-gb"
    assert usable_language("xx") == "en-gb"


@pytest.mark.django_db
def test_enabled_languages_come_from_the_database_english_first():
    assert enabled_language_codes() == tuple(ALL_CODES)
    PublicLanguageFactory(code="ti", is_enabled=False)
    PublicLanguageFactory(code="pl", is_enabled=True)
    # English cannot be turned off, even by a row saying so.
    PublicLanguageFactory(code="en-gb", is_enabled=False)
    forget_enabled_languages()
    codes = enabled_language_codes()
    assert codes[0] == "en-gb"
    assert "ti" not in codes and "pl" in codes
    assert codes == tuple(code for code in ALL_CODES if code != "ti")


@pytest.mark.django_db
def test_enabled_languages_still_answer_when_the_cache_raises(
    monkeypatch, django_assert_num_queries
):
    turn_off("ro")

    def cache_is_down(*args, **kwargs):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(cache, "get", cache_is_down)
    monkeypatch.setattr(cache, "set", cache_is_down)
    monkeypatch.setattr(cache, "delete", cache_is_down)
    forget_enabled_languages()  # must not raise either
    with django_assert_num_queries(1):
        codes = enabled_language_codes()
    assert codes == tuple(code for code in ALL_CODES if code != "ro")
    # The answer is kept in the process for a moment, so the database is not asked on
    # every call while the cache is down.
    with django_assert_num_queries(0):
        assert enabled_language_codes() == codes
    # And a public page still answers in a language, or sends a browser to one.
    forget_enabled_languages()
    response = Client().get("/ar/give-feedback/")
    assert response.status_code == 200
    assert response["Content-Language"] == "ar"
    forget_enabled_languages()
    away = Client().get("/ro/give-feedback/")
    assert (away.status_code, away["Location"]) == (302, "/give-feedback/")


@pytest.mark.django_db
def test_enabled_languages_are_read_once_then_from_the_cache(django_assert_num_queries):
    with django_assert_num_queries(1):
        first = enabled_language_codes()
    # Another worker (no process memo) reads the shared cache, not the database.
    languages._process_memo = None
    with django_assert_num_queries(0):
        assert enabled_language_codes() == first


# A page in its language ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["so", "pl", "gu"])
def test_a_prefixed_public_page_is_served_in_its_language(client, code):
    response = client.get(f"/{code}/give-feedback/")
    assert response.status_code == 200
    assert response["Content-Language"] == code
    root = html_element(response)
    assert (root.get("lang"), root.get("dir")) == (code, "ltr")
    page = response.content.decode()
    skip_link = in_language(code, "Skip to main content")
    assert skip_link != "Skip to main content"
    assert skip_link in page
    assert "Skip to main content" not in page
    sheets = stylesheets(response)
    assert any(sheet.endswith("bootstrap/css/bootstrap.min.css") for sheet in sheets)
    assert not any("bootstrap.rtl" in sheet for sheet in sheets)


@pytest.mark.django_db
def test_an_unprefixed_public_page_is_english(client):
    response = client.get("/give-feedback/")
    assert response.status_code == 200
    assert response["Content-Language"] == "en-gb"
    root = html_element(response)
    assert (root.get("lang"), root.get("dir")) == ("en-gb", "ltr")
    assert "Skip to main content" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["ar", "ur"])
def test_right_to_left_languages_get_right_to_left_pages(client, code):
    response = client.get(f"/{code}/give-feedback/")
    assert response.status_code == 200
    assert response["Content-Language"] == code
    root = html_element(response)
    assert (root.get("lang"), root.get("dir")) == (code, "rtl")
    sheets = stylesheets(response)
    assert any(sheet.endswith("bootstrap/css/bootstrap.rtl.min.css") for sheet in sheets)
    assert not any(sheet.endswith("bootstrap/css/bootstrap.min.css") for sheet in sheets)


# The browser's language on a first visit ------------------------------------------------


@pytest.mark.django_db
def test_a_first_visit_goes_to_the_browsers_language_keeping_the_query(client):
    response = client.get(
        "/give-feedback/?event=abc&utm_source=poster", HTTP_ACCEPT_LANGUAGE=SOMALI_FIRST
    )
    assert response.status_code == 302
    assert response["Location"] == "/so/give-feedback/?event=abc&utm_source=poster"
    assert "Accept-Language" in response["Vary"]
    assert not language_cookies(response)
    followed = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=SOMALI_FIRST)
    assert followed.status_code == 200
    assert followed["Content-Language"] == "so"


@pytest.mark.django_db
def test_the_home_page_and_a_head_request_go_to_the_browsers_language_too(client):
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="ar-EG,ar;q=0.9,en;q=0.5")
    assert (home.status_code, home["Location"]) == (302, "/ar/")
    head = client.head("/events/", HTTP_ACCEPT_LANGUAGE=SOMALI_FIRST)
    assert (head.status_code, head["Location"]) == (302, "/so/events/")


@pytest.mark.django_db
def test_a_browser_that_prefers_english_stays_in_english(client):
    response = client.get("/give-feedback/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9,so;q=0.8")
    assert response.status_code == 200
    assert response["Content-Language"] == "en-gb"
    # The answer depended on the header, so caches must keep one per header.
    assert "Accept-Language" in response["Vary"]


@pytest.mark.django_db
def test_someone_who_clicked_english_on_this_site_stays_in_english(client):
    response = client.get(
        "/give-feedback/",
        HTTP_ACCEPT_LANGUAGE=SOMALI_FIRST,
        HTTP_REFERER="http://testserver/so/give-feedback/",
    )
    assert response.status_code == 200
    assert response["Content-Language"] == "en-gb"
    # A link from another site is a first visit.
    elsewhere = client.get(
        "/give-feedback/",
        HTTP_ACCEPT_LANGUAGE=SOMALI_FIRST,
        HTTP_REFERER="https://social.example.org/post/1",
    )
    assert (elsewhere.status_code, elsewhere["Location"]) == (302, "/so/give-feedback/")


@pytest.mark.django_db
def test_a_post_is_never_redirected_to_another_language(client):
    response = client.post("/keep-in-touch/", {}, HTTP_ACCEPT_LANGUAGE=SOMALI_FIRST)
    assert response.status_code == 200
    assert response["Content-Language"] == "en-gb"
    assert "Give an email address or a phone number" in response.content.decode()


@pytest.mark.django_db
def test_a_language_cookie_is_ignored(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "so"
    response = client.get("/give-feedback/")
    assert response.status_code == 200
    assert response["Content-Language"] == "en-gb"
    assert html_element(response).get("lang") == "en-gb"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/so/", "/ar/give-feedback/", "/so/keep-in-touch/", "/ur/events/"]
)
def test_no_cookie_carries_a_language(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=SOMALI_FIRST)
    assert response.status_code in (200, 302)
    assert language_cookies(response) == []
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


# Staff pages are in English ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("asked", "english"),
    [
        ("/so/staff/", "/staff/"),
        ("/ar/staff/events/?status=planned", "/staff/events/?status=planned"),
        ("/so/accounts/login/?next=/staff/", "/accounts/login/?next=/staff/"),
        ("/ur/accounts/logout/", "/accounts/logout/"),
        ("/so/admin/", "/admin/"),
        ("/pl/panel/", "/panel/"),
    ],
)
def test_a_language_prefix_on_a_staff_address_leads_to_the_english_one(client, asked, english):
    response = client.get(asked)
    assert response.status_code == 302
    assert response["Location"] == english


@pytest.mark.django_db
def test_staff_pages_ignore_the_browsers_language(coordinator_client):
    response = coordinator_client.get("/staff/", HTTP_ACCEPT_LANGUAGE=SOMALI_FIRST)
    assert response.status_code == 200
    assert response["Content-Language"] == "en-gb"
    assert "Accept-Language" not in response.get("Vary", "")
    assert "language-switcher" not in response.content.decode()
    login = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=SOMALI_FIRST)
    assert login.status_code == 200
    assert login["Content-Language"] == "en-gb"


# A language turned off ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_language_turned_off_leads_to_english_and_leaves_the_switcher(client):
    before = client.get("/events/")
    assert "Soomaali" in [link.text_content() for link in switcher_links(before)]

    turn_off("so")
    response = client.get("/so/give-feedback/?event=abc")
    assert (response.status_code, response["Location"]) == (302, "/give-feedback/?event=abc")
    # The browser asking for it first is not sent there either.
    english = client.get("/give-feedback/", HTTP_ACCEPT_LANGUAGE=SOMALI_FIRST)
    assert english.status_code == 200
    assert english["Content-Language"] == "en-gb"
    page = client.get("/ar/events/")
    links = switcher_links(page)
    assert "Soomaali" not in [link.text_content() for link in links]
    assert "so" not in [link.get("lang") for link in links]
    assert not any(link.get("href").startswith("/so/") for link in links)
    assert len(links) == len(ALL_CODES) - 1


@pytest.mark.django_db
def test_with_only_english_on_there_is_no_switcher(client):
    for code in ALL_CODES[1:]:
        PublicLanguageFactory(code=code, is_enabled=False)
    forget_enabled_languages()
    page = client.get("/events/").content.decode()
    assert "language-switcher" not in page


# The switcher -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_switcher_links_the_same_page_in_every_enabled_language(client):
    response = client.get("/so/events/?page=1")
    links = switcher_links(response)
    by_code = {link.get("lang"): link for link in links}
    assert list(by_code) == ALL_CODES
    for language in LANGUAGE_TABLE:
        link = by_code[language.code]
        assert link.text_content() == language.name_local
        assert link.get("hreflang") == language.code
        assert link.get("dir") == ("rtl" if language.bidi else "ltr")
        expected = language_path("/events/", language.code) + "?page=1"
        assert link.get("href") == expected
    current = [link.get("lang") for link in links if link.get("aria-current") == "true"]
    assert current == ["so"]
    (nav,) = html_element(response).xpath("//nav[contains(@class, 'language-switcher')]")
    assert nav.get("aria-label") == in_language("so", "Choose your language")


@pytest.mark.django_db
def test_the_switcher_on_an_english_page_marks_english_and_links_each_prefix(client):
    links = switcher_links(client.get("/keep-in-touch/"))
    current = [link.get("lang") for link in links if link.get("aria-current")]
    assert current == ["en-gb"]
    hrefs = {link.get("lang"): link.get("href") for link in links}
    assert hrefs["en-gb"] == "/keep-in-touch/"
    assert hrefs["ar"] == "/ar/keep-in-touch/"
    assert hrefs["ti"] == "/ti/keep-in-touch/"
    # Each link, followed as a click from the switcher, serves its language.
    for code in ("ar", "ti", "en-gb"):
        followed = client.get(hrefs[code], HTTP_REFERER="http://testserver/keep-in-touch/")
        assert followed.status_code == 200
        assert followed["Content-Language"] == code


# The Administrators' languages page ------------------------------------------------------


@pytest.mark.django_db
def test_an_administrator_turns_a_language_off_and_on_again(
    administrator_client, django_capture_on_commit_callbacks, administrator
):
    page = administrator_client.get(reverse("staff-languages"))
    assert page.status_code == 200
    boxes = html_element(page).xpath("//input[@name='languages']")
    assert {box.get("value") for box in boxes} == set(ALL_CODES[1:])
    assert all(box.get("checked") is not None for box in boxes)

    without_somali = [code for code in ALL_CODES[1:] if code != "so"]
    with django_capture_on_commit_callbacks(execute=True):
        response = administrator_client.post(
            reverse("staff-languages"), {"languages": without_somali}
        )
    assert (response.status_code, response["Location"]) == (302, reverse("staff-languages"))
    somali = PublicLanguage.objects.get(code="so")
    assert (somali.is_enabled, somali.changed_by) == (False, administrator)
    assert PublicLanguage.objects.filter(is_enabled=True).count() == len(without_somali)
    # Every worker hears of it: no stale answer from the cache or the process.
    assert "so" not in enabled_language_codes()
    public = Client()
    assert public.get("/so/events/")["Location"] == "/events/"
    shown = administrator_client.get(reverse("staff-languages"))
    unticked = html_element(shown).xpath("//input[@name='languages'][not(@checked)]/@value")
    assert unticked == ["so"]
    assert "The languages offered to the public are saved." in shown.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        administrator_client.post(reverse("staff-languages"), {"languages": ALL_CODES[1:]})
    assert PublicLanguage.objects.get(code="so").is_enabled
    assert public.get("/so/events/").status_code == 200


@pytest.mark.django_db
def test_a_language_without_a_compiled_catalogue_cannot_be_turned_on(
    administrator_client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(languages, "has_catalogue", lambda code: code != "ti")
    with django_capture_on_commit_callbacks(execute=True):
        response = administrator_client.post(
            reverse("staff-languages"), {"languages": ["so", "ti"]}
        )
    assert response.status_code == 200
    assert "These have no compiled translations yet: ti." in response.content.decode()
    assert not PublicLanguage.objects.exists()
    assert enabled_language_codes() == tuple(ALL_CODES)


def test_every_language_in_the_table_has_a_compiled_catalogue():
    assert all(languages.has_catalogue(code) for code in ALL_CODES[1:])
    assert not languages.has_catalogue("xx")


@pytest.mark.django_db
def test_a_code_that_is_not_in_the_table_is_refused(administrator_client):
    response = administrator_client.post(reverse("staff-languages"), {"languages": ["so", "de"]})
    assert response.status_code == 200
    assert "de is not one of the available choices" in response.content.decode()
    assert not PublicLanguage.objects.exists()


@pytest.mark.django_db
def test_only_administrators_reach_the_languages_page(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("staff-languages")).status_code == 403
    refused = client.post(reverse("staff-languages"), {"languages": []})
    assert refused.status_code == 403
    assert not PublicLanguage.objects.exists()
    assert enabled_language_codes() == tuple(ALL_CODES)
    client.logout()
    anonymous = client.get(reverse("staff-languages"))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
