"""Every public page in every language the product offers, opened in Chromium on a
320 px phone: it answers, passes axe, does not scroll sideways, says which language it
is in (and which way it reads), and offers the language switcher with the current
language marked. And every one of them, loaded cold, stays within the page-weight
budget and downloads nothing from another origin."""

import gzip
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from actions.models import Action
from actions.tests.factories import ActionFactory
from engagement.language_table import LANGUAGE_TABLE
from engagement.languages import DEFAULT_LANGUAGE, forget_enabled_languages, language_path
from evaluation.tests.factories import WaveFactory
from events.tests.factories import EventFactory
from events.tests.helpers import SMALL_PHONE
from feedback.tests.helpers import a_programme_asking_the_key_questions

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Everything a cold visit to a public page downloads, gzip-compressed, must fit in
# this many bytes, in every language: people scan the event QR code on slow, metered
# phone connections, and a page in Somali is no lighter on the bill than in English.
PUBLIC_PAGE_BUDGET_BYTES = 60 * 1024

RIGHT_TO_LEFT = {language.code for language in LANGUAGE_TABLE if language.bidi}


@dataclass(frozen=True)
class PublicPage:
    name: str
    # The English address; the page in another language is under that language's prefix.
    path: str
    status: int = 200


def the_public_site() -> list[PublicPage]:
    """One of each public page, with real data behind it: a held event with a feedback
    form asking the key questions, an upcoming event, an agreed public action and an
    open survey."""
    forget_enabled_languages()
    programme, _questions = a_programme_asking_the_key_questions()
    event = EventFactory(programme=programme, held=True, title="Listening event at Moss Side")
    # An afternoon event, whose times are the longest to write in several languages
    # ("12:45 po południu do 3:45 po południu").
    in_a_fortnight = timezone.localdate() + timedelta(days=14)
    EventFactory(
        programme=programme,
        title="Coffee with your local officers",
        starts_at=timezone.make_aware(datetime.combine(in_a_fortnight, time(12, 45))),
    )
    action = ActionFactory(status=Action.Status.AGREED)
    action.events.add(event)
    wave = WaveFactory(name="2026")
    with translation.override(DEFAULT_LANGUAGE):
        return [
            PublicPage("home", reverse("events:home")),
            PublicPage("events", reverse("events:public-list")),
            PublicPage("event", reverse("events:public-detail", kwargs={"slug": event.slug})),
            PublicPage("feedback", reverse("give-feedback")),
            PublicPage(
                "event feedback",
                reverse("give-feedback-event", kwargs={"token": event.feedback_token}),
            ),
            PublicPage("keep in touch", reverse("keep-in-touch")),
            PublicPage("you said, we did", reverse("actions:public-list")),
            PublicPage("action", action.get_public_url()),
            PublicPage("survey", wave.get_public_url()),
            PublicPage(
                "about you", reverse("evaluation:about-you", kwargs={"token": event.feedback_token})
            ),
            PublicPage("not found", "/no-such-page/", status=404),
        ]


@pytest.fixture
def public_site(transactional_db, live_server):
    return the_public_site()


@pytest.mark.parametrize("language", LANGUAGE_TABLE, ids=[lang.code for lang in LANGUAGE_TABLE])
def test_every_public_page_in_the_language_passes_axe_and_fits_a_small_phone(
    live_server, browser, axe_check, public_site, language
):
    # One context per language, reused for each page: a phone set to the language
    # (axe needs JavaScript, so it is on).
    context = browser.new_context(viewport=SMALL_PHONE, locale=language.code)
    context.set_default_timeout(15_000)
    page = context.new_page()
    expected_dir = "rtl" if language.code in RIGHT_TO_LEFT else "ltr"
    try:
        for public_page in public_site:
            path = language_path(public_page.path, language.code)
            label = f"{public_page.name} ({path}) in {language.code}"
            response = page.goto(f"{live_server.url}{path}")

            assert response.status == public_page.status, f"{label} answered {response.status}"
            assert response.url == f"{live_server.url}{path}", f"{label} went to {response.url}"
            html = page.locator("html")
            expect(html).to_have_attribute("lang", language.code)
            expect(html).to_have_attribute("dir", expected_dir)
            switcher = page.locator("nav.language-switcher")
            expect(switcher).to_have_count(1)
            current = switcher.locator("a[aria-current='true']")
            expect(current).to_have_count(1)
            expect(current).to_have_attribute("lang", language.code)
            expect(current).to_have_text(language.name_local)
            axe_check(page, label)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= SMALL_PHONE["width"], f"{label} is {width}px wide at 320px"
    finally:
        context.close()


class ColdLoad:
    """One page opened in a context of its own, so with an empty cache, as on a phone
    that has never been to the site, with every request and response it made."""

    def __init__(self, browser, url: str, locale: str):
        self.context = browser.new_context(viewport=SMALL_PHONE, locale=locale)
        self.context.set_default_timeout(15_000)
        self.requested, self.responses = [], []
        self.total = 0  # known once the network is idle
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requested.append(request.url))
        self.page.on("response", lambda response: self.responses.append(response))
        self.status = self.page.goto(url).status
        self.reached = self.page.url

    def compressed_total(self) -> int:
        """What its responses weigh gzip-compressed, as the home page weight test
        measures them. The not-found page's own HTML counts too; a redirect has no body."""
        total = 0
        for response in self.responses:
            has_body = 200 <= response.status < 300 or response.status == 404
            body = response.body() if has_body else b""
            total += len(gzip.compress(body, compresslevel=6))
        return total


def cold_loads(browser, urls: list[str], locale: str) -> list[ColdLoad]:
    """Cold loads of several pages at once, each waited for until the network is idle.
    Their half-second waits for quiet overlap, rather than adding up."""
    loads = []
    try:
        for url in urls:
            loads.append(ColdLoad(browser, url, locale))
        for load in loads:
            load.page.wait_for_load_state("networkidle")
        for load in loads:
            load.total = load.compressed_total()
    finally:
        for load in loads:
            load.context.close()
    return loads


def test_every_public_page_in_every_language_is_light_and_all_from_our_origin(
    live_server, browser, public_site, capsys
):
    ours = urlsplit(live_server.url)[:2]
    weights, problems = {}, []
    for language in LANGUAGE_TABLE:
        paths = [language_path(public_page.path, language.code) for public_page in public_site]
        loads = cold_loads(browser, [f"{live_server.url}{path}" for path in paths], language.code)
        for public_page, path, load in zip(public_site, paths, loads, strict=True):
            weights[public_page.name, language.code] = load.total
            if load.status != public_page.status:
                problems.append(f"{path} answered {load.status}")
            if load.reached != f"{live_server.url}{path}":
                problems.append(f"{path} went to {load.reached}")
            if load.total > PUBLIC_PAGE_BUDGET_BYTES:
                problems.append(f"{path} weighs {load.total} bytes gzipped")
            elsewhere = [url for url in load.requested if urlsplit(url)[:2] != ours]
            if elsewhere:
                problems.append(f"{path} requested another origin: {elsewhere}")

    # The figures are shown whether the test passes or fails: bytes gzipped, one row per
    # page and one column per language.
    codes = [language.code for language in LANGUAGE_TABLE]
    with capsys.disabled():
        print(f"\nPublic pages, cold load, bytes gzipped (budget {PUBLIC_PAGE_BUDGET_BYTES}):")
        print(f"  {'page':<17}" + "".join(f"{code:>7}" for code in codes))
        for public_page in public_site:
            figures = (weights[public_page.name, code] for code in codes)
            print(f"  {public_page.name:<17}" + "".join(f"{figure:>7}" for figure in figures))
        (page_name, code), heaviest = max(weights.items(), key=lambda item: item[1])
        print(f"  heaviest: {page_name} in {code}, {heaviest} bytes ({heaviest / 1024:.1f} KiB)")
    assert len(weights) == len(LANGUAGE_TABLE) * len(public_site)
    assert problems == []
