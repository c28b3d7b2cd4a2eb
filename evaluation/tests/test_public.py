"""The public survey at /survey/<wave>/ and the "about you" card from an event's QR
code: anonymous, kept once per form, held until the hour is over, and never a server
error whatever is sent."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from engagement.roles import Role
from engagement.tests.factories import TEST_PASSWORD
from evaluation.models import AboutYouCard, Answer, HeldForm, Response, Wave
from evaluation.services import evaluation_release_held
from evaluation.tests.factories import WaveFactory
from events.tests.factories import EventFactory
from events.tests.helpers import SMALL_PHONE
from feedback.tests.helpers import form_data, no_sideways_scroll
from tests.test_cache_outage import cache_down  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

IDENTIFYING = {"REMOTE_ADDR": "203.0.113.77", "HTTP_USER_AGENT": "Mozilla/5.0 distinctive-agent"}


def release_held() -> int:
    """Store what was sent online, as the release at the end of the hour will."""
    return evaluation_release_held(now=timezone.now() + timedelta(hours=1))


def survey_url(wave) -> str:
    return reverse("evaluation:survey", kwargs={"wave": wave.slug})


def answers(nonce="nonce-1", **given) -> dict:
    data = {"form_nonce": nonce, "website": ""}
    data.update({f"q_{key}": value for key, value in given.items()})
    return data


def nonce_on(page: str) -> str:
    return re.search(r'name="form_nonce" value="([^"]+)"', page).group(1)


@pytest.fixture
def wave():
    return WaveFactory(name="2026", introduction="The force wants to know how you feel.")


# The survey ----------------------------------------------------------------------------


def test_the_survey_asks_every_question_with_radio_buttons_in_fieldsets(client, wave):
    held = EventFactory(held=True, title="Somali community listening event")
    page = client.get(survey_url(wave)).content.decode()

    assert "The force wants to know how you feel." in page
    for question in wave.questions.all():
        assert question.text in page
    confidence = page[page.index('<fieldset class="question"') :]
    confidence = confidence[: confidence.index("</fieldset>")]
    assert "<legend" in confidence and "I have confidence in the police" in confidence
    assert confidence.count('type="radio"') == 6
    assert "Don&#x27;t know" in confidence
    assert "About you (optional)" in page
    assert "Prefer not to say" in page
    assert "Somali community listening event" in page
    assert f'value="{held.pk}"' in page
    assert "I&#x27;m not sure" in page
    assert "<script" not in page


def test_only_published_events_held_in_the_last_two_years_are_listed(client, wave):
    listed = EventFactory(held=True, title="Held last week")
    EventFactory(past=True, title="Not marked held")
    EventFactory(held=True, title="Never published", is_published=False)
    EventFactory(held=True, cancelled=True, title="Called off")
    long_ago = timezone.now() - timedelta(days=800)
    EventFactory(
        held=True, title="Long ago", starts_at=long_ago, ends_at=long_ago + timedelta(hours=2)
    )
    page = client.get(survey_url(wave)).content.decode()
    assert listed.title in page
    for title in ("Not marked held", "Never published", "Called off", "Long ago"):
        assert title not in page


def test_the_survey_page_uses_few_queries(client, wave, django_assert_max_num_queries):
    EventFactory.create_batch(5, held=True)
    with django_assert_max_num_queries(10):
        assert client.get(survey_url(wave)).status_code == 200
    with django_assert_max_num_queries(10):
        response = client.post(
            survey_url(wave),
            answers(confidence="4", attended_event="yes", ethnicity="asian_indian"),
        )
    assert response.status_code == 302


def test_answers_are_held_until_the_hour_is_over_and_keep_nothing_that_identifies(client, wave):
    event = EventFactory(held=True)
    response = client.post(
        survey_url(wave),
        answers(
            confidence="5",
            fair_treatment="dont_know",
            satisfaction="2",
            attended_event="yes",
            attended_which=str(event.pk),
            ethnicity="black_caribbean",
            age_band="25_34",
            area="Leicester City",
        ),
        **IDENTIFYING,
    )
    assert response.status_code == 302
    assert response.url == reverse("evaluation:survey-thanks", kwargs={"wave": wave.slug})
    assert not Response.objects.exists()
    held = HeldForm.objects.get()
    assert held.received_hour.minute == held.received_hour.second == 0
    kept = " ".join(str(value) for value in held.__dict__.values())
    assert "203.0.113.77" not in kept and "distinctive-agent" not in kept

    assert release_held() == 1
    stored = Response.objects.get()
    assert not HeldForm.objects.exists()
    assert stored.source == "online" and stored.wave == wave
    assert stored.received_hour.minute == 0
    assert stored.attended is True and stored.attended_event == event
    assert (stored.ethnicity, stored.ethnic_group) == ("black_caribbean", "black")
    assert (stored.age_band, stored.area) == ("25_34", "Leicester City")
    scores = {answer.question.key: (answer.score, answer.choice) for answer in stored.answers.all()}
    assert scores["confidence"] == (5, "5")
    assert scores["fair_treatment"] == (None, "dont_know")
    assert scores["satisfaction"] == (2, "2")
    assert "understands_concerns" not in scores
    kept = " ".join(str(value) for value in stored.__dict__.values())
    assert "203.0.113.77" not in kept and "distinctive-agent" not in kept
    assert not {field.name for field in Response._meta.fields} & {"ip", "user_agent", "cookie"}


def test_a_survey_sent_twice_from_one_phone_is_stored_once(client, wave):
    data = answers("same-nonce", confidence="4")
    assert client.post(survey_url(wave), data).status_code == 302
    assert client.post(survey_url(wave), data).status_code == 302
    assert release_held() == 1
    assert client.post(survey_url(wave), data).status_code == 302
    release_held()
    assert Response.objects.count() == 1


def test_prefer_not_to_say_keeps_ethnicity_and_age_but_no_area(client, wave):
    client.post(
        survey_url(wave),
        answers(
            ethnicity="prefer_not_to_say", age_band="prefer_not_to_say", area="prefer_not_to_say"
        ),
    )
    release_held()
    stored = Response.objects.get()
    assert (stored.ethnicity, stored.ethnic_group) == ("prefer_not_to_say", "")
    assert (stored.age_band, stored.area) == ("prefer_not_to_say", "")
    assert not stored.answers.filter(question__key="area").exists()


def test_an_empty_survey_gets_a_message_at_the_top_and_is_not_stored(client, wave):
    response = client.post(survey_url(wave), answers())
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Answer at least one question before you send" in page
    assert 'href="#id_q_confidence_0"' in page
    assert not HeldForm.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("confidence", "9"),
        ("confidence", "0"),
        ("attended_event", "maybe"),
        ("ethnicity", "martian"),
        ("area", "Atlantis"),
        ("attended_which", "999999999999999999999999"),
        ("confidence", "4\x00"),
    ],
)
def test_an_answer_the_question_does_not_offer_is_refused_beside_it(client, wave, field, value):
    data = answers(satisfaction="5", **{field: value})
    response = client.post(survey_url(wave), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_q_{field}_error"' in page
    assert "Choose one of the answers shown." in page
    # What was chosen for the other questions is still chosen.
    assert re.search(r'name="q_satisfaction" id="id_q_satisfaction_4" value="5" checked', page)
    assert not HeldForm.objects.exists()


def test_an_event_not_on_the_list_is_refused(client, wave):
    unlisted = EventFactory(held=True, is_published=False)
    response = client.post(survey_url(wave), answers(attended_which=str(unlisted.pk)))
    assert response.status_code == 200
    assert 'id="id_q_attended_which_error"' in response.content.decode()
    assert not HeldForm.objects.exists()


def test_a_nul_byte_in_the_hidden_nonce_asks_for_the_form_again(client, wave):
    response = client.post(survey_url(wave), answers("bad\x00nonce", confidence="4"))
    assert response.status_code == 200
    assert "Something went wrong with the form" in response.content.decode()
    assert not HeldForm.objects.exists()


def test_a_huge_body_is_refused_before_it_is_read(client, wave):
    response = client.post(survey_url(wave), answers(confidence="4", extra="x" * 100_000))
    assert response.status_code == 413
    assert not HeldForm.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_the_survey_answers_only_get_and_post(client, wave, method):
    assert getattr(client, method)(survey_url(wave)).status_code == 405


def test_a_wave_being_set_up_or_unknown_is_not_found(client):
    draft = WaveFactory(name="2027", status=Wave.Status.DRAFT)
    for url in (survey_url(draft), "/survey/no-such-wave/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
        assert client.post(url, answers(confidence="4")).status_code == 404
        assert client.get(f"{url}thank-you/").status_code == 404
    assert not HeldForm.objects.exists()


def test_a_closed_wave_says_so_kindly_and_takes_nothing(client):
    closed = WaveFactory(name="2022", status=Wave.Status.CLOSED)
    response = client.get(survey_url(closed))
    assert response.status_code == 410
    page = response.content.decode()
    assert "This survey has closed" in page
    assert reverse("actions:public-list") in page
    assert reverse("give-feedback") in page
    assert client.post(survey_url(closed), answers(confidence="4")).status_code == 410
    assert not HeldForm.objects.exists()


def test_robots_filling_the_hidden_box_are_thanked_and_ignored(client, wave):
    response = client.post(survey_url(wave), {**answers(confidence="4"), "website": "spam"})
    assert response.status_code == 302
    assert not HeldForm.objects.exists()


def test_a_flood_of_surveys_from_one_connection_is_refused(client, wave, settings):
    settings.SURVEY_RATE_LIMIT = 3
    # Mistakes are not counted: a person correcting one is not a flood.
    for _attempt in range(5):
        assert client.post(survey_url(wave), answers(confidence="9")).status_code == 200
    statuses = [
        client.post(survey_url(wave), answers(f"n{number}", confidence="4")).status_code
        for number in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert (
        "Please wait a few minutes"
        in client.post(survey_url(wave), answers("n9", confidence="4")).content.decode()
    )
    assert HeldForm.objects.count() == 3


def test_the_survey_works_with_the_cache_down(client, wave, cache_down):  # noqa: F811
    for number in range(3):
        response = client.post(survey_url(wave), answers(f"n{number}", confidence="4"))
        assert response.status_code == 302
    assert HeldForm.objects.count() == 3


def test_the_thank_you_page_points_to_what_we_did(client, wave):
    page = client.get(reverse("evaluation:survey-thanks", kwargs={"wave": wave.slug}))
    assert page.status_code == 200
    assert reverse("actions:public-list") in page.content.decode()


def test_a_full_journey_through_the_form_keeps_the_nonce_from_the_page(client, wave):
    page = client.get(survey_url(wave)).content.decode()
    data = answers(nonce_on(page), confidence="3")
    client.post(survey_url(wave), data)
    client.post(survey_url(wave), data)
    release_held()
    assert Answer.objects.get().score == 3


# The "about you" card ------------------------------------------------------------------


def card_url(event) -> str:
    return reverse("evaluation:about-you", kwargs={"token": event.feedback_token})


def card(nonce="card-1", **given) -> dict:
    return {"form_nonce": nonce, "website": "", **given}


def test_the_card_asks_three_questions_and_says_it_is_not_linked(client):
    event = EventFactory(past=True)
    response = client.get(card_url(event))
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("max-age=0")
    page = response.content.decode()
    assert "This helps us see who comes to our events. It is not linked to your feedback" in page
    for question in (
        "What is your ethnic group?",
        "How old are you?",
        "Which area do you live in?",
    ):
        assert question in page
    assert "Black: Caribbean" in page
    assert page.count(">Prefer not to say<") == 3
    assert "<script" not in page


def test_a_card_is_held_then_stored_for_the_event_with_nothing_that_identifies(client):
    event = EventFactory(past=True)
    response = client.post(
        card_url(event),
        card(ethnicity="asian_pakistani", age_band="18_24", area="Charnwood"),
        **IDENTIFYING,
    )
    assert response.status_code == 302
    assert response.url == reverse("evaluation:about-you-thanks")
    assert not AboutYouCard.objects.exists()
    assert release_held() == 1
    stored = AboutYouCard.objects.get()
    assert stored.event == event and stored.source == "online"
    assert (stored.ethnicity, stored.ethnic_group) == ("asian_pakistani", "asian")
    assert (stored.age_band, stored.area) == ("18_24", "Charnwood")
    assert stored.received_hour.minute == 0
    kept = " ".join(str(value) for value in stored.__dict__.values())
    assert "203.0.113.77" not in kept and "distinctive-agent" not in kept


def test_a_card_sent_twice_is_stored_once(client):
    event = EventFactory(past=True)
    for _attempt in range(2):
        client.post(card_url(event), card("twice", age_band="65_74"))
    release_held()
    client.post(card_url(event), card("twice", age_band="65_74"))
    release_held()
    assert AboutYouCard.objects.count() == 1


def test_a_card_with_only_prefer_not_to_say_counts_the_person(client):
    event = EventFactory(past=True)
    client.post(card_url(event), card(area="prefer_not_to_say"))
    release_held()
    stored = AboutYouCard.objects.get()
    assert (stored.ethnicity, stored.age_band, stored.area) == ("", "", "")


def test_an_empty_or_wrong_card_is_refused_beside_the_question(client):
    event = EventFactory(past=True)
    empty = client.post(card_url(event), card())
    assert empty.status_code == 200
    assert "Choose at least one answer before you send" in empty.content.decode()
    for bad in ({"ethnicity": "martian"}, {"age_band": "200"}, {"area": "Charn\x00wood"}):
        response = client.post(card_url(event), card(**{"age_band": "35_44", **bad}))
        assert response.status_code == 200
        assert "Choose one of the answers shown." in response.content.decode()
    assert not HeldForm.objects.exists()


def test_the_card_for_an_unknown_or_cancelled_event_is_not_found(client):
    cancelled = EventFactory(past=True, cancelled=True)
    for url in (card_url(cancelled), "/give-feedback/nosuchtoken234/about-you/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "We could not find that form" in response.content.decode()
        assert client.post(url, card(age_band="25_34")).status_code == 404
    assert not HeldForm.objects.exists()


def test_the_card_closes_a_while_after_the_event(client, settings):
    settings.FEEDBACK_FORM_OPEN_DAYS = 28
    long_ago = timezone.now() - timedelta(days=40)
    event = EventFactory(starts_at=long_ago, ends_at=long_ago + timedelta(hours=2))
    response = client.get(card_url(event))
    assert response.status_code == 410
    assert "This card has closed" in response.content.decode()
    assert client.post(card_url(event), card(age_band="25_34")).status_code == 410
    assert not HeldForm.objects.exists()


def test_the_card_refuses_robots_floods_huge_bodies_and_other_methods(client, settings):
    settings.SURVEY_RATE_LIMIT = 2
    event = EventFactory(past=True)
    assert client.post(card_url(event), card(age_band="25_34", website="x")).status_code == 302
    assert not HeldForm.objects.exists()
    statuses = [
        client.post(card_url(event), card(f"c{number}", age_band="25_34")).status_code
        for number in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert client.post(card_url(event), card(area="x" * 100_000)).status_code == 413
    assert client.put(card_url(event)).status_code == 405
    assert HeldForm.objects.count() == 2


def test_the_card_uses_few_queries(client, django_assert_max_num_queries):
    event = EventFactory(past=True)
    with django_assert_max_num_queries(10):
        assert client.get(card_url(event)).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.post(card_url(event), card(age_band="45_54")).status_code == 302


def test_the_card_works_with_the_cache_down(client, cache_down):  # noqa: F811
    event = EventFactory(past=True)
    for number in range(3):
        assert client.post(card_url(event), card(f"c{number}", age_band="25_34")).status_code == 302
    assert HeldForm.objects.count() == 3


# The invitation on the feedback form's thank-you page -----------------------------------


def test_feedback_about_an_event_leads_to_an_invitation_to_its_card(client, programme):
    event = EventFactory(past=True, programme=programme)
    response = client.post(
        reverse("give-feedback-event", args=[event.feedback_token]),
        form_data(programme.questions, anything_else="More patrols, please."),
    )
    assert response.status_code == 302
    assert response.url == f"{reverse('feedback-thanks')}?event={event.feedback_token}"
    page = client.get(response.url).content.decode()
    assert "Thank you for your feedback" in page
    assert f'href="{card_url(event)}"' in page
    assert "It is not linked to your feedback or to any contact details." in page


def test_the_general_form_and_odd_addresses_get_no_invitation(client, programme):
    response = client.post(
        reverse("give-feedback"), form_data(programme.questions, anything_else="Hello")
    )
    assert response.url == reverse("feedback-thanks")
    cancelled = EventFactory(past=True, cancelled=True)
    for query in (
        "",
        "?event=nosuchtoken234",
        "?event=%3Cscript%3E",
        f"?event={cancelled.feedback_token}",
    ):
        page = client.get(reverse("feedback-thanks") + query)
        assert page.status_code == 200
        assert "about-you" not in page.content.decode()


# In a real browser -----------------------------------------------------------------------

# Everything a cold visit to the survey downloads, gzip-compressed.
PUBLIC_PAGE_BUDGET_BYTES = 60 * 1024


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_survey_and_the_card_pass_axe_and_fit_a_small_phone(live_server, cold_visit, axe_check):
    wave = WaveFactory(name="2026", introduction="The force wants to know how you feel.")
    event = EventFactory(held=True, title="Somali community listening event")
    visit = cold_visit(f"{live_server.url}{survey_url(wave)}", viewport=SMALL_PHONE)
    assert sum(visit.compressed_sizes().values()) <= PUBLIC_PAGE_BUDGET_BYTES
    assert visit.scripts == []
    page = visit.page
    no_sideways_scroll(page, "the survey")
    axe_check(page, "the survey at 320px")

    # Sent empty by keyboard: the summary takes the focus, says why and leads to the
    # first question.
    page.get_by_role("button", name="Send my answers").focus()
    page.keyboard.press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Answer at least one question before you send")
    no_sideways_scroll(page, "the survey with an error")
    axe_check(page, "the survey with an error")
    summary.get_by_role("link").first.click()
    expect(page.get_by_role("radio", name="Strongly disagree").first).to_be_focused()

    closed = WaveFactory(name="2022", status=Wave.Status.CLOSED)
    for path in (
        reverse("evaluation:survey-thanks", kwargs={"wave": wave.slug}),
        survey_url(closed),
        card_url(event),
        reverse("evaluation:about-you-thanks"),
    ):
        page.goto(f"{live_server.url}{path}")
        no_sideways_scroll(page, path)
        axe_check(page, path)
    page.goto(f"{live_server.url}{card_url(event)}")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one answer")
    axe_check(page, "the card with an error")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_someone_answers_the_survey_and_the_card_by_keyboard_without_javascript(
    live_server, browser
):
    wave = WaveFactory(name="2026")
    event = EventFactory(held=True, title="Somali community listening event")
    context = browser.new_context(viewport=SMALL_PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{survey_url(wave)}")
        # Into the first group, then to "Agree" with the arrow keys.
        page.get_by_role("radio", name="Strongly disagree").first.focus()
        page.keyboard.press("Space")
        for _press in range(3):
            page.keyboard.press("ArrowDown")
        page.get_by_role("radio", name="Yes", exact=True).focus()
        page.keyboard.press("Space")
        page.get_by_label("If you have, which one did you go to most recently?").select_option(
            str(event.pk)
        )
        page.get_by_role("radio", name="25 to 34").focus()
        page.keyboard.press("Space")
        page.get_by_role("button", name="Send my answers").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.get_by_role("heading", name="Thank you for your answers").is_visible()

        page.goto(f"{live_server.url}{card_url(event)}")
        page.get_by_label("What is your ethnic group?").select_option("black_african")
        page.get_by_role("radio", name="Prefer not to say").last.focus()
        page.keyboard.press("Space")
        page.get_by_role("button", name="Send").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.get_by_role("heading", name="Thank you").is_visible()
    finally:
        context.close()
    release_held()
    stored = Response.objects.get()
    assert (stored.attended, stored.attended_event, stored.age_band) == (True, event, "25_34")
    assert stored.answers.get(question__key="confidence").score == 4
    card = AboutYouCard.objects.get()
    assert (card.event, card.ethnicity, card.area) == (event, "black_african", "")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_staff_survey_pages_pass_axe_at_320px(live_server, browser, axe_check, user_for_role):
    wave = WaveFactory(name="2026")
    event = EventFactory(held=True)
    user_for_role(Role.ADMINISTRATOR)
    user_for_role(Role.COORDINATOR)
    pages = {
        "admin": [
            (reverse("evaluation:waves"), None),
            (reverse("evaluation:wave-new"), {"slug": "Bad Slug"}),
            (wave.get_absolute_url(), None),
            (reverse("evaluation:wave-edit", kwargs={"slug": wave.slug}), None),
            (reverse("evaluation:question-new", kwargs={"slug": wave.slug}), {"kind": "choice"}),
            (reverse("evaluation:census"), {"ethnic_group__white": "50"}),
        ],
        "coordinator": [
            (reverse("evaluation:paper-entry", kwargs={"slug": wave.slug}), {"q_confidence": ""}),
            (reverse("evaluation:about-you-entry", kwargs={"pk": event.pk}), None),
            (event.get_staff_url(), None),
            (reverse("evaluation:wave-poster", kwargs={"slug": wave.slug}), None),
            (reverse("evaluation:paper-form", kwargs={"slug": wave.slug}), None),
            (reverse("evaluation:about-you-card", kwargs={"pk": event.pk}), None),
        ],
    }
    for username, paths in pages.items():
        context = browser.new_context(viewport=SMALL_PHONE)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        for path, mistakes in paths:
            page.goto(f"{live_server.url}{path}")
            no_sideways_scroll(page, path)
            axe_check(page, path)
            if mistakes:
                for name, value in mistakes.items():
                    page.locator(f'[name="{name}"]').first.evaluate(
                        "(element, value) => { element.value = value; }", value
                    )
                page.locator("main form button[type=submit]").last.click()
                axe_check(page, f"{path} with errors")
        context.close()
