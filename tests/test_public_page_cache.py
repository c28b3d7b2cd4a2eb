"""Public pages are kept whole for anonymous visitors and served without rendering or
queries, until something they show changes; each visitor still gets their own CSRF
token and form nonce, and nothing is kept for signed-in staff or from a failed cache."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from engagement.models import Heartbeat
from engagement.public_cache import forget_public_pages
from engagement.tests.test_kept import round_trips  # noqa: F401 - a fixture
from events.tests.factories import EventFactory
from feedback.models import PendingSubmission, Submission
from feedback.tests.factories import ProgrammeKeyQuestionFactory, SafeguardingTermFactory
from tests.test_cache_outage import cache_down  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

NONCE = re.compile(r'name="form_nonce" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def answer_box(page: str) -> str:
    return re.search(r'name="(answer_\d+|anything_else)"', page).group(1)


def test_a_second_visit_to_the_events_list_is_the_same_page_without_a_query(
    programme, django_assert_num_queries
):
    EventFactory(title="Stop and search: your questions")
    first = Client().get("/events/")

    with django_assert_num_queries(0):
        second = Client().get("/events/")

    assert second.status_code == 200
    assert "Stop and search: your questions" in second.content.decode()
    assert second.content == first.content


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/so/",
        "/events/",
        "/events/calendar.ics",
        "/give-feedback/",
        "/ar/give-feedback/",
        "/keep-in-touch/",
        "/you-said-we-did/",
    ],
)
def test_every_kept_public_page_is_served_from_the_cache(
    programme, path, django_assert_num_queries
):
    EventFactory()
    assert Client().get(path).status_code == 200

    with django_assert_num_queries(0):
        assert Client().get(path).status_code == 200


def test_an_events_pages_are_served_from_the_cache(programme, django_assert_num_queries):
    event = EventFactory(past=True, held=True)
    upcoming = EventFactory()
    paths = [f"/give-feedback/{event.feedback_token}/", f"/events/{upcoming.slug}/"]
    for path in paths:
        assert Client().get(path).status_code == 200

    with django_assert_num_queries(0):
        for path in paths:
            assert Client().get(path).status_code == 200


def test_each_visitor_gets_their_own_token_and_nonce_and_both_forms_are_kept(programme):
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [visitor.get("/give-feedback/").content.decode() for visitor in visitors]

    nonces = [NONCE.search(page).group(1) for page in pages]
    tokens = [CSRF.search(page).group(1) for page in pages]
    assert nonces[0] != nonces[1]
    assert tokens[0] != tokens[1]
    assert "\x00" not in pages[1]
    for visitor, page, nonce, token in zip(visitors, pages, nonces, tokens, strict=True):
        response = visitor.post(
            "/give-feedback/",
            {"csrfmiddlewaretoken": token, "form_nonce": nonce, answer_box(page): "More patrols"},
        )
        assert response.status_code == 302, response.content.decode()[:500]

    stored = PendingSubmission.objects.count() + Submission.objects.count()
    assert stored == 2


def test_a_change_to_what_a_page_shows_is_seen_on_the_next_visit(programme):
    event = EventFactory(title="Community meeting in Moss Side")
    assert "Community meeting in Moss Side" in Client().get("/events/").content.decode()

    event.title = "Community meeting in Hulme"
    event.save()

    assert "Community meeting in Hulme" in Client().get("/events/").content.decode()


def test_busy_records_no_public_page_shows_keep_the_pages(programme, django_assert_num_queries):
    Client().get("/")
    Heartbeat.objects.create(name="outbox-sweep", at=timezone.now())

    with django_assert_num_queries(0):
        Client().get("/")


def test_each_language_is_kept_apart(programme):
    english = Client().get("/give-feedback/").content.decode()
    arabic = Client().get("/ar/give-feedback/").content.decode()

    assert '<html lang="ar"' in arabic
    assert '<html lang="en-gb"' in english
    assert '<html lang="en-gb"' in Client().get("/give-feedback/").content.decode()
    assert '<html lang="ar"' in Client().get("/ar/give-feedback/").content.decode()


def test_signed_in_staff_always_get_a_fresh_page(programme, coordinator_client):
    Client().get("/events/")

    response = coordinator_client.get("/events/")

    assert response.status_code == 200
    assert response.context is not None  # rendered for them, not taken from the cache


def test_a_visitor_with_a_message_waiting_is_not_served_a_kept_page(programme):
    Client().get("/keep-in-touch/")
    visitor = Client()
    visitor.cookies["messages"] = "anything"

    response = visitor.get("/keep-in-touch/")

    assert response.status_code == 200
    assert response.context is not None  # rendered, not taken from the cache


def test_pages_that_fail_or_are_not_found_are_not_kept(programme):
    missing = "/events/no-such-event/"
    assert Client().get(missing).status_code == 404
    EventFactory(slug="no-such-event", title="Found after all")
    forget_public_pages()

    assert Client().get(missing).status_code == 200


def test_a_post_is_never_answered_from_the_cache(programme):
    Client().get("/give-feedback/")

    response = Client().post("/give-feedback/", {"anything_else": "x"})

    assert response.status_code == 200
    assert response.context is not None
    assert "form_nonce" in response.context["form"].errors


def test_public_pages_work_when_the_cache_is_down(programme, cache_down):  # noqa: F811
    EventFactory(title="Knife crime: what can we do together?")

    for _ in range(2):
        response = Client().get("/events/")
        assert response.status_code == 200
        assert "Knife crime: what can we do together?" in response.content.decode()


def test_the_calendar_feed_keeps_its_type_and_file_name(programme):
    EventFactory()
    first = Client().get("/events/calendar.ics")
    second = Client().get("/events/calendar.ics")

    assert second["Content-Type"] == first["Content-Type"] == "text/calendar; charset=utf-8"
    assert second["Content-Disposition"] == first["Content-Disposition"]
    assert second.content == first.content


def test_keeping_can_be_turned_off(programme, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    Client().get("/")

    response = Client().get("/")

    assert response.context is not None


def test_a_new_safeguarding_phrase_flags_the_next_form_at_once(programme):
    visitor = Client()
    page = visitor.get("/give-feedback/").content.decode()
    visitor.post(
        "/give-feedback/",
        {"form_nonce": NONCE.search(page).group(1), answer_box(page): "A quiet evening"},
    )
    SafeguardingTermFactory(phrase="followed me home")

    page = visitor.get("/give-feedback/").content.decode()
    visitor.post(
        "/give-feedback/",
        {"form_nonce": NONCE.search(page).group(1), answer_box(page): "He followed me home"},
    )

    flagged = PendingSubmission.objects.get(is_safeguarding_flagged=True)
    assert "followed me home" in flagged.safeguarding_terms


def test_a_question_added_to_the_programme_is_asked_and_stored_at_once(programme):
    Client().get("/give-feedback/")
    question = ProgrammeKeyQuestionFactory(
        programme=programme, key_question__text="Where should officers walk?", position=99
    ).key_question

    visitor = Client()
    page = visitor.get("/give-feedback/").content.decode()
    assert "Where should officers walk?" in page
    visitor.post(
        "/give-feedback/",
        {"form_nonce": NONCE.search(page).group(1), f"answer_{question.pk}": "Along the canal"},
    )

    assert PendingSubmission.objects.get().answers == [[question.pk, "Along the canal"]]


def send_the_general_form(visitor: Client, text: str):
    page = visitor.get("/give-feedback/").content.decode()
    return visitor.post(
        "/give-feedback/", {"form_nonce": NONCE.search(page).group(1), answer_box(page): text}
    )


@pytest.mark.django_db(transaction=True)
def test_a_form_sent_once_the_form_is_kept_costs_one_statement_and_one_cache_read(
    programme,
    django_assert_num_queries,
    round_trips,  # noqa: F811
):
    visitor = Client()
    send_the_general_form(visitor, "Brighter street lights")  # keeps what the form needs
    page = visitor.get("/give-feedback/").content.decode()
    round_trips.clear()

    with django_assert_num_queries(1):
        response = visitor.post(
            "/give-feedback/",
            {"form_nonce": NONCE.search(page).group(1), answer_box(page): "More patrols"},
        )

    assert response.status_code == 302
    # The questions and the safeguarding phrases come in the same read.
    assert len(round_trips) == 1
    assert PendingSubmission.objects.filter(answers__0__1="More patrols").exists()
