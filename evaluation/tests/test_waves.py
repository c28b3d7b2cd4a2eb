"""Survey waves on the staff site: who may do what, setting a wave up, its questions,
opening and closing it, what it prints, and the census shares."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from engagement.roles import Role
from evaluation.models import PopulationShare, Question, Source, Wave
from evaluation.questions import STANDARD_KEYS
from evaluation.tests.factories import AboutYouCardFactory, ResponseFactory, WaveFactory
from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db

ADMINISTRATOR_ONLY = {Role.ADMINISTRATOR}
VIEWERS = {Role.COORDINATOR, Role.ADMINISTRATOR}
TYPISTS = {Role.COORDINATOR}

# url name -> (what it is about, the methods it answers, who may use it)
PAGES = {
    "evaluation:waves": (None, "get", VIEWERS),
    "evaluation:wave-new": (None, "get+post", ADMINISTRATOR_ONLY),
    "evaluation:wave": ("wave", "get", VIEWERS),
    "evaluation:wave-edit": ("wave", "get+post", ADMINISTRATOR_ONLY),
    "evaluation:question-new": ("wave", "get+post", ADMINISTRATOR_ONLY),
    "evaluation:wave-open": ("wave", "post", ADMINISTRATOR_ONLY),
    "evaluation:wave-close": ("wave", "post", ADMINISTRATOR_ONLY),
    "evaluation:wave-poster": ("wave", "get", VIEWERS),
    "evaluation:paper-form": ("wave", "get", VIEWERS),
    "evaluation:paper-entry": ("wave", "get+post", TYPISTS),
    "evaluation:census": (None, "get+post", ADMINISTRATOR_ONLY),
    "evaluation:about-you-entry": ("event", "get+post", TYPISTS),
    "evaluation:about-you-card": ("event", "get", VIEWERS),
}


def url_of(name, wave=None, event=None):
    about, _methods, _roles = PAGES[name]
    if about == "wave":
        return reverse(name, kwargs={"slug": wave.slug})
    if about == "event":
        return reverse(name, kwargs={"pk": event.pk})
    return reverse(name)


@pytest.mark.parametrize("role", [None, *Role], ids=lambda role: str(role or "anonymous"))
@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_page_lets_in_only_the_roles_it_is_for(client_for_role, name, role):
    wave = WaveFactory(name="2026")
    event = EventFactory(held=True)
    client = client_for_role(role)
    url = url_of(name, wave=wave, event=event)
    _about, methods, allowed = PAGES[name]
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if method not in methods:
            assert response.status_code in (302, 403, 405), (method, role)
            if role in allowed:
                assert response.status_code == 405
            continue
        if role is None:
            assert response.status_code == 302 and "/login/" in response.url
        elif role in allowed:
            assert response.status_code < 400, (method, role, response.status_code)
        else:
            assert response.status_code == 403, (method, role)
    if role not in ADMINISTRATOR_ONLY:
        wave.refresh_from_db()
        assert wave.status == Wave.Status.OPEN
        assert not PopulationShare.objects.exists()


# The list and a wave's page ------------------------------------------------------------


def test_the_list_shows_each_wave_with_its_answers_by_source(
    administrator_client, django_assert_max_num_queries
):
    older = WaveFactory(name="2022", status=Wave.Status.CLOSED)
    ResponseFactory.create_batch(3, wave=older, source=Source.IMPORTED)
    newer = WaveFactory(name="2026")
    ResponseFactory.create_batch(2, wave=newer, source=Source.ONLINE)
    ResponseFactory(wave=newer, source=Source.PAPER)
    with django_assert_max_num_queries(12) as few:
        response = administrator_client.get(reverse("evaluation:waves"))
    page = response.content.decode()
    assert page.index(">2026<") < page.index(">2022<")
    listed = {wave.name: wave for wave in response.context["waves"]}
    assert (listed["2026"].online, listed["2026"].paper, listed["2026"].total) == (2, 1, 3)
    assert (listed["2022"].imported, listed["2022"].total) == (3, 3)
    assert "New wave" in page and reverse("evaluation:census") in page

    WaveFactory.create_batch(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        administrator_client.get(reverse("evaluation:waves"))


def test_coordinators_see_the_list_without_the_buttons_to_set_waves_up(coordinator_client):
    WaveFactory(name="2026")
    page = coordinator_client.get(reverse("evaluation:waves")).content.decode()
    assert "2026" in page
    assert "New wave" not in page


def test_a_wave_page_lists_its_questions_in_order_and_marks_the_standard_ones(
    administrator_client,
):
    wave = WaveFactory(name="2026")
    ResponseFactory(wave=wave, source=Source.PAPER)
    page = administrator_client.get(wave.get_absolute_url()).content.decode()
    positions = [page.index(question.text) for question in wave.questions.in_order()]
    assert positions == sorted(positions)
    assert page.count("Asked in every wave, compares across waves") == len(STANDARD_KEYS)
    for name in ("wave-poster", "paper-form", "import", "question-new", "wave-close"):
        assert reverse(f"evaluation:{name}", kwargs={"slug": wave.slug}) in page
    assert reverse("evaluation:paper-entry", kwargs={"slug": wave.slug}) not in page


def test_a_coordinator_sees_how_to_type_in_forms_but_not_to_change_the_wave(coordinator_client):
    wave = WaveFactory(name="2026")
    page = coordinator_client.get(wave.get_absolute_url()).content.decode()
    assert reverse("evaluation:paper-entry", kwargs={"slug": wave.slug}) in page
    for name in ("wave-edit", "question-new", "wave-close", "import"):
        assert reverse(f"evaluation:{name}", kwargs={"slug": wave.slug}) not in page


def test_an_unknown_wave_is_not_found(administrator_client):
    assert administrator_client.get("/staff/evaluation/waves/nope/").status_code == 404


# Setting a wave up ---------------------------------------------------------------------


def wave_data(**changes) -> dict:
    return {
        "name": "2026",
        "slug": "2026",
        "introduction": "How do you feel about policing here?",
        "fieldwork_started_on": "2026-03-01",
        "fieldwork_ended_on": "2026-05-31",
        **changes,
    }


def test_an_administrator_sets_up_a_wave_with_the_standard_questions(
    administrator_client, administrator
):
    response = administrator_client.post(reverse("evaluation:wave-new"), wave_data())
    wave = Wave.objects.get()
    assert response.status_code == 302 and response.url == wave.get_absolute_url()
    assert wave.status == Wave.Status.DRAFT
    assert wave.created_by == administrator
    assert str(wave.fieldwork_ended_on) == "2026-05-31"
    assert list(wave.questions.in_order().values_list("key", flat=True)) == STANDARD_KEYS


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("", "Give the wave a web address"),
        ("2026 spring", "Use only small letters, numbers and hyphens"),
        ("Spring2026", "Use only small letters, numbers and hyphens"),
        ("spring_2026", "Use only small letters, numbers and hyphens"),
        ("spring/2026", "Use only small letters, numbers and hyphens"),
        ("taken", "Another wave already uses this address"),
        ("x" * 41, "at most 40 characters"),
        ("bad\x00slug", "Null characters are not allowed"),
    ],
)
def test_a_bad_address_is_refused_beside_the_field_keeping_what_was_typed(
    administrator_client, slug, message
):
    WaveFactory(name="taken")
    response = administrator_client.post(
        reverse("evaluation:wave-new"), wave_data(name="Spring survey", slug=slug)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'value="Spring survey"' in page
    assert not Wave.objects.filter(name="Spring survey").exists()


def test_the_last_day_cannot_be_before_the_first(administrator_client):
    response = administrator_client.post(
        reverse("evaluation:wave-new"),
        wave_data(fieldwork_started_on="2026-05-01", fieldwork_ended_on="2026-04-01"),
    )
    assert response.status_code == 200
    assert "The last day of answers cannot be before the first." in response.content.decode()
    assert not Wave.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "31/02/2026", "tomorrow"])
def test_an_impossible_date_is_refused(administrator_client, day):
    response = administrator_client.post(
        reverse("evaluation:wave-new"), wave_data(fieldwork_started_on=day)
    )
    assert response.status_code == 200
    assert not Wave.objects.exists()


def test_a_wave_being_set_up_can_change_its_address_but_an_open_one_cannot(administrator_client):
    draft = WaveFactory(name="draft", status=Wave.Status.DRAFT)
    administrator_client.post(
        reverse("evaluation:wave-edit", kwargs={"slug": "draft"}),
        wave_data(name="2027", slug="2027"),
    )
    draft.refresh_from_db()
    assert (draft.name, draft.slug) == ("2027", "2027")

    opened = WaveFactory(name="2026")
    response = administrator_client.post(
        reverse("evaluation:wave-edit", kwargs={"slug": "2026"}),
        wave_data(name="Spring 2026", slug="moved"),
    )
    assert response.status_code == 302
    opened.refresh_from_db()
    assert (opened.name, opened.slug) == ("Spring 2026", "2026")
    page = administrator_client.get(
        reverse("evaluation:wave-edit", kwargs={"slug": "2026"})
    ).content.decode()
    assert "The address cannot change once the wave has opened" in page


def test_a_wave_opens_and_closes(administrator_client):
    wave = WaveFactory(name="2027", status=Wave.Status.DRAFT, fieldwork_started_on=None)
    open_url = reverse("evaluation:wave-open", kwargs={"slug": wave.slug})
    close_url = reverse("evaluation:wave-close", kwargs={"slug": wave.slug})

    assert administrator_client.get(open_url).status_code == 405
    assert administrator_client.post(open_url).status_code == 302
    wave.refresh_from_db()
    assert wave.status == Wave.Status.OPEN and wave.fieldwork_started_on is not None
    assert Client().get(wave.get_public_url()).status_code == 200

    administrator_client.post(close_url)
    wave.refresh_from_db()
    assert wave.status == Wave.Status.CLOSED and wave.fieldwork_ended_on is not None
    assert Client().get(wave.get_public_url()).status_code == 410

    response = administrator_client.post(close_url, follow=True)
    assert "Only an open wave can be closed." in response.content.decode()


# Questions -----------------------------------------------------------------------------


def question_url(wave) -> str:
    return reverse("evaluation:question-new", kwargs={"slug": wave.slug})


def test_a_question_is_added_before_the_questions_about_the_person(administrator_client):
    wave = WaveFactory(name="2026")
    response = administrator_client.post(
        question_url(wave),
        {"text": "I feel safe in my area after dark.", "kind": "agreement", "help_text": ""},
    )
    assert response.status_code == 302
    keys = list(wave.questions.in_order().values_list("key", flat=True))
    added = Question.objects.get(wave=wave, is_standard=False)
    assert keys.index(added.key) == keys.index("ethnicity") - 1
    assert Client().get(wave.get_public_url()).content.decode().count(added.text) == 1


def test_a_choice_question_takes_its_answers_one_a_line(administrator_client):
    wave = WaveFactory(name="2026")
    administrator_client.post(
        question_url(wave),
        {
            "text": "How did you hear about this survey?",
            "kind": "choice",
            "options": "A poster\n\n  At an event  \nOn social media\r\nFrom a friend",
        },
    )
    question = Question.objects.get(wave=wave, is_standard=False)
    assert [label for _value, label in question.options] == [
        "A poster",
        "At an event",
        "On social media",
        "From a friend",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "", "kind": "agreement"}, "Type the question."),
        ({"text": "x" * 301, "kind": "agreement"}, "300 characters or fewer"),
        ({"text": "Which?", "kind": "event"}, "Choose one of the kinds of answer shown."),
        ({"text": "Which?", "kind": "choice", "options": "Only one"}, "at least two answers"),
        ({"text": "Which?", "kind": "choice", "options": "Yes!\nYes?"}, "are the same answer"),
        ({"text": "Which?", "kind": "choice", "options": "a\n" + "b" * 101}, "100 characters"),
        ({"text": "Which?", "kind": "choice", "options": "\n".join(map(str, range(31)))}, "30"),
        ({"text": "Nul\x00", "kind": "agreement"}, "Null characters are not allowed"),
    ],
)
def test_a_bad_question_is_refused_beside_the_field(administrator_client, data, message):
    wave = WaveFactory(name="2026")
    response = administrator_client.post(question_url(wave), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.filter(wave=wave, is_standard=False).exists()


def test_no_question_is_added_to_a_closed_wave(administrator_client):
    wave = WaveFactory(name="2022", status=Wave.Status.CLOSED)
    response = administrator_client.post(
        question_url(wave), {"text": "Too late?", "kind": "yes_no"}, follow=True
    )
    assert "Questions can only be added while the wave is set up or open." in (
        response.content.decode()
    )
    assert not Question.objects.filter(wave=wave, is_standard=False).exists()


# Printing ------------------------------------------------------------------------------


def test_the_poster_has_a_qr_code_and_the_address_of_the_survey(coordinator_client, settings):
    settings.SITE_URL = "https://voice.example.police.uk"
    wave = WaveFactory(name="2026")
    page = coordinator_client.get(
        reverse("evaluation:wave-poster", kwargs={"slug": wave.slug})
    ).content.decode()
    assert "<svg" in page and "QR code for the survey" in page
    assert "voice.example.police.uk/survey/2026/" in page
    assert "<script" not in page


def test_the_paper_form_has_every_question_with_tick_boxes(coordinator_client, settings):
    settings.SITE_URL = "https://voice.example.police.uk"
    wave = WaveFactory(name="2026")
    page = coordinator_client.get(
        reverse("evaluation:paper-form", kwargs={"slug": wave.slug})
    ).content.decode()
    for question in wave.questions.all():
        assert question.text in page
    assert page.count('class="box"') > 50
    assert "Strongly agree" in page and "Prefer not to say" in page
    # Ethnic groups are printed under their heading, as on the census form.
    assert '<span class="group-heading">Black:</span>' in page
    assert "voice.example.police.uk/survey/2026/" in page and "<svg" in page


def test_about_you_cards_print_four_to_a_page_with_the_event_qr_code(coordinator_client):
    event = EventFactory(held=True)
    page = coordinator_client.get(
        reverse("evaluation:about-you-card", kwargs={"pk": event.pk})
    ).content.decode()
    assert page.count('class="about-you-card"') == 4
    assert page.count("<svg") == 4
    assert f"/give-feedback/{event.feedback_token}/about-you/" in page
    assert "It is not linked to your feedback or to any contact details." in page


def test_a_cancelled_event_has_no_cards(coordinator_client):
    event = EventFactory(past=True, cancelled=True)
    for name in ("about-you-card", "about-you-entry"):
        url = reverse(f"evaluation:{name}", kwargs={"pk": event.pk})
        assert coordinator_client.get(url).status_code == 404


# Census shares -------------------------------------------------------------------------


def census_data(**changes) -> dict:
    data = {
        "ethnic_group__asian": "14",
        "ethnic_group__black": "2.5",
        "ethnic_group__mixed": "2.5",
        "ethnic_group__white": "78",
        "ethnic_group__other": "3",
        "age_band__under_18": "21",
        "age_band__18_24": "10",
        "age_band__25_34": "13.5",
        "age_band__35_44": "12.5",
        "age_band__45_54": "12.5",
        "age_band__55_64": "12",
        "age_band__65_74": "9.8",
        "age_band__75_plus": "8.7",
    }
    data.update(changes)
    return data


def shares() -> dict:
    return {
        (share.dimension, share.group): share.percent for share in PopulationShare.objects.all()
    }


def test_census_shares_are_saved_and_shown_again(administrator_client):
    url = reverse("evaluation:census")
    page = administrator_client.get(url).content.decode()
    assert "ONS Census 2021, table TS021 for your force area" in page
    response = administrator_client.post(url, census_data())
    assert response.status_code == 302
    assert shares()[("ethnic_group", "black")] == Decimal("2.5")
    assert len(shares()) == 13
    assert 'value="78.00"' in administrator_client.get(url).content.decode()


def test_shares_that_do_not_add_up_to_100_are_refused_beside_the_fields(administrator_client):
    PopulationShare.objects.create(dimension="ethnic_group", group="white", percent=90)
    response = administrator_client.post(
        reverse("evaluation:census"), census_data(ethnic_group__white="70")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The ethnic group shares add up to 92%. They must add up to 100%" in page
    assert 'value="70"' in page
    assert shares() == {("ethnic_group", "white"): Decimal("90.00")}


def test_rounding_within_half_a_point_is_accepted(administrator_client):
    administrator_client.post(reverse("evaluation:census"), census_data(ethnic_group__white="78.4"))
    assert shares()[("ethnic_group", "white")] == Decimal("78.4")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "A share cannot be below 0."),
        ("101", "A share cannot be more than 100."),
        ("lots", "Give a number, such as 12.5."),
        ("12.345", "at most two decimal places"),
        ("1e400", "A share cannot be more than 100."),
        ("NaN", "Give a number"),
        ("7\x00", "Give a number"),
    ],
)
def test_a_share_that_is_not_a_percentage_is_refused(administrator_client, value, message):
    response = administrator_client.post(
        reverse("evaluation:census"), census_data(ethnic_group__asian=value)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PopulationShare.objects.exists()


def test_a_part_left_empty_clears_its_shares_and_keeps_the_other(administrator_client):
    administrator_client.post(reverse("evaluation:census"), census_data())
    emptied = {name: "" for name in census_data() if name.startswith("age_band")}
    administrator_client.post(reverse("evaluation:census"), census_data(**emptied))
    assert {dimension for dimension, _group in shares()} == {"ethnic_group"}


# The event hub -------------------------------------------------------------------------


def test_the_event_hub_shows_the_number_of_cards_only_from_ten(coordinator_client):
    event = EventFactory(held=True)
    AboutYouCardFactory.create_batch(9, event=event)
    page = coordinator_client.get(event.get_staff_url()).content.decode()
    assert "“About you” cards:</strong> fewer than 10" in page
    assert reverse("evaluation:about-you-entry", kwargs={"pk": event.pk}) in page
    assert reverse("evaluation:about-you-card", kwargs={"pk": event.pk}) in page

    AboutYouCardFactory(event=event)
    page = coordinator_client.get(event.get_staff_url()).content.decode()
    assert "“About you” cards:</strong> 10" in page


def test_a_leader_sees_the_number_of_cards_but_not_the_links(client_for_role):
    event = EventFactory(held=True)
    AboutYouCardFactory.create_batch(12, event=event)
    page = client_for_role(Role.LEADER).get(event.get_staff_url()).content.decode()
    assert "“About you” cards:</strong> 12" in page
    assert "/about-you/" not in page


def test_cards_are_not_typed_in_before_the_event(coordinator_client):
    event = EventFactory()
    page = coordinator_client.get(event.get_staff_url()).content.decode()
    assert f'href="{reverse("evaluation:about-you-entry", kwargs={"pk": event.pk})}"' not in page
    assert f'href="{reverse("evaluation:about-you-card", kwargs={"pk": event.pk})}"' in page
