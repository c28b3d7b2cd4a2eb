"""Coordinators typing in paper survey forms and "about you" cards: one per screen, save
and next, each stored at once and only once however often the button is pressed."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from evaluation.models import AboutYouCard, HeldForm, Response, Source, Wave
from evaluation.tests.factories import ResponseFactory, WaveFactory
from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def entry_url(wave) -> str:
    return reverse("evaluation:paper-entry", kwargs={"slug": wave.slug})


def card_entry_url(event) -> str:
    return reverse("evaluation:about-you-entry", kwargs={"pk": event.pk})


def said(response) -> list[str]:
    """The messages waiting to be shown, the latest last."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def nonce_on(page: str) -> str:
    return re.search(r'name="form_nonce" value="([^"]+)"', page).group(1)


@pytest.fixture
def wave():
    return WaveFactory(name="2026")


def test_the_entry_screen_starts_in_the_first_question_with_no_robot_trap(coordinator_client, wave):
    page = coordinator_client.get(entry_url(wave)).content.decode()
    assert re.search(r'id="id_q_confidence_0" value="1"[^>]*autofocus', page)
    assert page.count("autofocus") == 1
    assert 'name="website"' not in page
    assert "0 paper forms entered so far" in page
    for question in wave.questions.all():
        assert question.text in page


def test_save_and_next_stores_the_form_at_once_and_counts_it(coordinator_client, wave):
    event = EventFactory(held=True)
    ResponseFactory(wave=wave, source=Source.ONLINE)
    page = coordinator_client.get(entry_url(wave)).content.decode()
    response = coordinator_client.post(
        entry_url(wave),
        {
            "form_nonce": nonce_on(page),
            "q_confidence": "2",
            "q_attended_event": "no",
            "q_attended_which": str(event.pk),
            "q_age_band": "75_plus",
        },
    )
    assert response.status_code == 302 and response.url == entry_url(wave)
    assert said(response) == ["Form 1 saved. Here is a blank one for the next."]
    stored = Response.objects.get(source=Source.PAPER)
    assert not HeldForm.objects.exists()
    assert stored.wave == wave and stored.age_band == "75_plus"
    # Naming an event is saying yes, whatever the other box says.
    assert stored.attended is True and stored.attended_event == event
    assert stored.answers.get(question__key="confidence").score == 2

    blank = coordinator_client.get(entry_url(wave)).content.decode()
    assert "1 paper form entered so far" in blank
    assert nonce_on(blank) != nonce_on(page)
    assert " checked" not in blank
    second = coordinator_client.post(
        entry_url(wave), {"form_nonce": nonce_on(blank), "q_satisfaction": "dont_know"}
    )
    assert said(second) == ["Form 2 saved. Here is a blank one for the next."]


def test_a_double_click_stores_the_form_once(coordinator_client, wave):
    data = {"form_nonce": "one-paper-form", "q_confidence": "4"}
    first = coordinator_client.post(entry_url(wave), data)
    again = coordinator_client.post(entry_url(wave), data)
    assert Response.objects.count() == 1
    assert said(first) == ["Form 1 saved. Here is a blank one for the next."]
    assert said(again)[-1] == "That form was already saved. Here is a blank one."


def test_a_mistake_keeps_what_was_typed_and_stores_nothing(coordinator_client, wave):
    response = coordinator_client.post(
        entry_url(wave),
        {"form_nonce": "n1", "q_confidence": "9", "q_fair_treatment": "4", "q_area": "Melton"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose one of the answers shown." in page
    assert re.search(r'value="4" checked', page)
    assert re.search(r'value="Melton" checked', page)
    assert 'value="n1"' in page
    assert not Response.objects.exists()


def test_an_empty_form_is_not_stored(coordinator_client, wave):
    response = coordinator_client.post(entry_url(wave), {"form_nonce": "n1"})
    assert response.status_code == 200
    assert "Answer at least one question before you send" in response.content.decode()
    assert not Response.objects.exists()


def test_paper_forms_arriving_after_the_wave_closed_are_still_typed_in(coordinator_client):
    closed = WaveFactory(name="2022", status=Wave.Status.CLOSED)
    coordinator_client.post(entry_url(closed), {"form_nonce": "late", "q_confidence": "5"})
    assert Response.objects.get().wave == closed


def test_forms_are_not_typed_into_a_wave_still_being_set_up(coordinator_client):
    draft = WaveFactory(name="2027", status=Wave.Status.DRAFT)
    response = coordinator_client.post(
        entry_url(draft), {"form_nonce": "early", "q_confidence": "5"}
    )
    assert response.status_code == 302 and response.url == draft.get_absolute_url()
    assert not Response.objects.exists()


def test_the_entry_screen_uses_a_fixed_number_of_queries(
    coordinator_client, wave, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14) as few:
        coordinator_client.get(entry_url(wave))
    EventFactory.create_batch(10, held=True)
    ResponseFactory.create_batch(5, wave=wave)
    with django_assert_max_num_queries(len(few.captured_queries)):
        coordinator_client.get(entry_url(wave))


# "About you" cards ---------------------------------------------------------------------


def test_cards_from_an_event_are_saved_one_after_another(coordinator_client):
    event = EventFactory(held=True)
    page = coordinator_client.get(card_entry_url(event)).content.decode()
    assert re.search(r'<select[^>]*id="id_ethnicity"[^>]*autofocus', page)
    response = coordinator_client.post(
        card_entry_url(event),
        {"form_nonce": nonce_on(page), "ethnicity": "white_roma", "age_band": "35_44"},
    )
    assert response.url == card_entry_url(event)
    assert said(response) == ["Card 1 saved. Here is a blank one for the next."]
    card = AboutYouCard.objects.get()
    assert (card.event, card.source, card.ethnic_group) == (event, Source.PAPER, "white")
    assert (card.age_band, card.area) == ("35_44", "")
    again = coordinator_client.post(
        card_entry_url(event),
        {"form_nonce": nonce_on(page), "ethnicity": "white_roma", "age_band": "35_44"},
    )
    assert said(again)[-1] == "That card was already saved. Here is a blank one."
    assert AboutYouCard.objects.count() == 1
    assert "1 card entered so far" in coordinator_client.get(card_entry_url(event)).content.decode()


def test_a_wrong_card_is_refused_and_nothing_saved(coordinator_client):
    event = EventFactory(past=True)
    response = coordinator_client.post(
        card_entry_url(event), {"form_nonce": "c1", "ethnicity": "x\x00", "age_band": "35_44"}
    )
    assert response.status_code == 200
    assert "Choose one of the answers shown." in response.content.decode()
    assert not AboutYouCard.objects.exists()


def test_cards_wait_until_the_event_has_happened(coordinator_client):
    event = EventFactory(starts_at=timezone.now() + timedelta(days=3))
    response = coordinator_client.post(
        card_entry_url(event), {"form_nonce": "c1", "age_band": "35_44"}
    )
    assert response.status_code == 302 and response.url == event.get_staff_url()
    assert not AboutYouCard.objects.exists()
