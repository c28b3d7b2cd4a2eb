"""The language each piece of feedback is written in: told from its words when it is
stored, shown in the inbox and on the item's page, used to find feedback by language,
and a reason not to offer topic suggestions, which read English only."""

import pytest
from django.urls import reverse
from django.utils import translation

from engagement.languages import forget_enabled_languages
from feedback.models import FeedbackItem, Topic
from feedback.services import feedback_record
from feedback.tests.factories import FeedbackItemFactory
from feedback.tests.helpers import form_data, release_forms_sent_so_far
from feedback.text.language import MIN_LETTERS, detect_language, language_name

SAMPLES = {
    "so": (
        "Booliska waxay u baahan yihiin inay dhegaystaan bulshada Soomaaliyeed oo ay ixtiraamaan."
    ),
    "ar": "الشرطة لا تستمع إلينا عندما نتصل بهم بخصوص المشاكل في الحي.",
    "ur": "پولیس کو ہماری کمیونٹی کی بات سننی چاہیے اور ہمارے بچوں کے ساتھ عزت سے پیش آنا چاہیے۔",
    "pa": "ਪੁਲਿਸ ਨੂੰ ਸਾਡੀ ਗੱਲ ਸੁਣਨੀ ਚਾਹੀਦੀ ਹੈ",
    "gu": "પોલીસે અમારી વાત સાંભળવી જોઈએ",
    "bn": "পুলিশের উচিত আমাদের কথা শোনা",
    "ti": "ፖሊስ ንሕና ክሰምዑና ኣለዎም",
    "pl": (
        "Policja powinna częściej patrolować ulice wieczorem, bo kobiety nie czują się bezpiecznie."
    ),
    "cy": (
        "Dylai'r heddlu wrando ar y gymuned a dod i'r cyfarfodydd yn y ganolfan gymunedol "
        "yn amlach."
    ),
    "ro": "Poliția ar trebui să asculte mai mult comunitatea noastră și să vină la întâlniri.",
    "en": "The police never come when we call about the drug dealing near the mosque.",
}
# Somali, with an English word that the Custody topic's keywords would match.
SOMALI_ABOUT_CUSTODY = (
    "Waxaa la igu hayay custody saddex maalmood, qofna iguma sharxin xuquuqdayda iyo sababta."
)
ENGLISH_ABOUT_CUSTODY = "I was kept in custody for three days and nobody explained my rights."
NO_SUGGESTIONS = "No topic suggestions: they read English only, and this is in Somali."


@pytest.fixture(autouse=True)
def _fresh_language_choice():
    forget_enabled_languages()
    translation.deactivate()
    yield
    translation.deactivate()
    forget_enabled_languages()


def inbox_items(response) -> list[FeedbackItem]:
    return [item for item, _suggestions in response.context["rows"]]


# Telling the language --------------------------------------------------------------------


@pytest.mark.parametrize(("code", "text"), SAMPLES.items())
def test_each_offered_language_is_told_from_its_words(code, text):
    assert detect_language(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "ok thanks",
        "Gracias!",
        "12345 !!! ??? 07700 900123",
        # Four Gurmukhi letters at least are needed; this word has three (and marks).
        "ਪੁਲਿਸ",
        "👍👍👍",
    ],
)
def test_short_or_letterless_text_is_not_told(text):
    assert detect_language(text) == ""


def test_a_script_only_one_language_uses_is_certain_even_in_a_few_words():
    assert len([c for c in SAMPLES["ti"] if c.isalpha()]) < MIN_LETTERS * 2
    assert detect_language("ፖሊስ ክሰምዑ") == "ti"
    assert detect_language("পুলিশ শোনা") == "bn"
    # A few words of the script inside a longer English sentence do not make it Bengali.
    mixed = "The police should listen to everyone in the area, said পুলিশ"
    assert detect_language(mixed) == "en"


def test_the_same_text_always_gets_the_same_answer():
    text = "Dumarku habeenkii kama dareemaan nabadgelyo waddada weyn."
    assert {detect_language(text) for _ in range(5)} == {detect_language(text)}


def test_languages_are_named_in_english_for_staff():
    assert language_name("so") == "Somali"
    assert language_name("pa") == "Punjabi (Gurmukhi)"
    assert language_name("de") == "German"
    assert language_name("zz") == "zz"


# Storing it --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "text"),
    [("so", SAMPLES["so"]), ("ar", SAMPLES["ar"]), ("en", SAMPLES["en"]), ("", "ok thanks")],
)
def test_feedback_record_stores_the_language(event, code, text):
    item = feedback_record(text=text, source=FeedbackItem.Source.DISCUSSION_NOTE, event=event)
    item.refresh_from_db()
    assert item.language == code
    assert item.text == text.strip()
    assert item.is_in_another_language == (code not in ("", "en"))


@pytest.mark.django_db
def test_the_language_is_read_from_the_words_not_the_page(client, event, programme):
    with translation.override("en-gb"):
        address = reverse("give-feedback-event", args=[event.feedback_token])
    question = programme.questions[0]
    # Arabic written on the Somali page, Somali on the English one.
    client.post(
        f"/so{address}",
        form_data(programme.questions, nonce="n-ar", **{f"answer_{question.pk}": SAMPLES["ar"]}),
    )
    client.post(address, form_data(programme.questions, nonce="n-so", anything_else=SAMPLES["so"]))
    release_forms_sent_so_far()
    assert sorted(FeedbackItem.objects.values_list("language", flat=True)) == ["ar", "so"]


# The inbox -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_inbox_marks_somali_feedback_and_offers_no_english_suggestions(
    client, coordinator, event
):
    assert Topic.objects.filter(slug="custody").exists()
    somali = feedback_record(
        text=SOMALI_ABOUT_CUSTODY, source=FeedbackItem.Source.DISCUSSION_NOTE, event=event
    )
    english = feedback_record(
        text=ENGLISH_ABOUT_CUSTODY, source=FeedbackItem.Source.DISCUSSION_NOTE, event=event
    )
    assert (somali.language, english.language) == ("so", "en")
    client.force_login(coordinator)
    response = client.get(reverse("feedback:inbox"))
    rows = {item.pk: suggestions for item, suggestions in response.context["rows"]}
    # The English keyword inside the Somali text would match; it is not offered.
    assert rows[somali.pk] == []
    assert [topic.slug for topic in rows[english.pk]] == ["custody"]

    page = response.content.decode()
    assert page.count('class="badge language-badge">In Somali</span>') == 1
    assert page.count(NO_SUGGESTIONS) == 1
    assert page.count("Suggested:") == 1
    somali_entry = page[page.index(SOMALI_ABOUT_CUSTODY) - 300 : page.index(NO_SUGGESTIONS)]
    assert f'lang="so" dir="auto">{SOMALI_ABOUT_CUSTODY}' in somali_entry
    assert "Suggested:" not in somali_entry
    assert "In English" not in page


@pytest.mark.django_db
def test_a_tagged_somali_item_shows_its_topics_without_the_note(client, coordinator, event):
    custody = Topic.objects.get(slug="custody")
    FeedbackItemFactory(event=event, text=SOMALI_ABOUT_CUSTODY, language="so", topics=[custody])
    client.force_login(coordinator)
    page = client.get(reverse("feedback:inbox")).content.decode()
    assert "In Somali" in page
    assert NO_SUGGESTIONS not in page
    assert "Suggested:" not in page


@pytest.mark.django_db
def test_the_item_page_says_the_language_and_why_there_are_no_suggestions(
    client, coordinator, event
):
    item = FeedbackItemFactory(event=event, text=SOMALI_ABOUT_CUSTODY, language="so")
    client.force_login(coordinator)
    page = client.get(reverse("feedback:item", args=[item.pk])).content.decode()
    assert 'class="badge language-badge">In Somali</span>' in page
    assert NO_SUGGESTIONS in page
    assert f'lang="so" dir="auto">{SOMALI_ABOUT_CUSTODY}' in page


@pytest.mark.django_db
def test_english_and_unknown_items_get_no_language_badge(client, coordinator, event):
    FeedbackItemFactory(event=event, text=ENGLISH_ABOUT_CUSTODY, language="en")
    FeedbackItemFactory(event=event, text="ok", language="")
    client.force_login(coordinator)
    page = client.get(reverse("feedback:inbox")).content.decode()
    assert "language-badge" not in page
    assert "No topic suggestions" not in page
    assert "Suggested: Custody" in page


@pytest.mark.django_db
def test_the_inbox_finds_feedback_by_language(client, coordinator, event):
    items = {
        "so": FeedbackItemFactory(event=event, text="Somali point", language="so"),
        "so2": FeedbackItemFactory(event=event, text="Another Somali point", language="so"),
        "ar": FeedbackItemFactory(event=event, text="Arabic point", language="ar"),
        "en": FeedbackItemFactory(event=event, text="English point", language="en"),
        "de": FeedbackItemFactory(event=event, text="German point", language="de"),
        "fr": FeedbackItemFactory(event=event, text="French point", language="fr"),
        "unknown": FeedbackItemFactory(event=event, text="ok", language=""),
    }
    client.force_login(coordinator)

    def found(language):
        response = client.get(reverse("feedback:inbox"), {"language": language})
        assert response.status_code == 200
        return {item.pk for item in inbox_items(response)}

    assert found("so") == {items["so"].pk, items["so2"].pk}
    assert found("ar") == {items["ar"].pk}
    assert found("en") == {items["en"].pk}
    assert found("other") == {items["de"].pk, items["fr"].pk}
    assert found("unknown") == {items["unknown"].pk}
    assert found("") == {item.pk for item in items.values()}
    assert found("ti") == set()
    # A code outside the list is not a choice: the filter says so and leaves the
    # language unfiltered rather than guessing.
    refused = client.get(reverse("feedback:inbox"), {"language": "de"})
    assert refused.status_code == 200
    assert "language" in refused.context["filter"].form.errors
    assert len(inbox_items(refused)) == len(items)
    other = client.get(reverse("feedback:inbox"), {"language": "other"}).content.decode()
    assert "In German" in other and "In French" in other


@pytest.mark.django_db
def test_the_language_filter_offers_each_language_and_other_and_unknown(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("feedback:inbox"))
    choices = dict(response.context["filter"].form.fields["language"].choices)
    assert choices[""] == "Any language"
    assert choices["so"] == "Somali"
    assert choices["en"] == "English"
    assert choices["other"] == "Another language"
    assert choices["unknown"] == "Could not tell"
    assert "en-gb" not in choices


@pytest.mark.django_db
def test_the_inbox_keeps_a_constant_number_of_queries_with_many_languages(
    client, coordinator, event, django_assert_max_num_queries
):
    client.force_login(coordinator)
    languages = ["so", "ar", "en", "", "de"]
    for code in languages:
        FeedbackItemFactory(event=event, text=f"Point in {code or 'unknown'}", language=code)
    with django_assert_max_num_queries(22) as few:
        response = client.get(reverse("feedback:inbox"))
    assert len(inbox_items(response)) == 5
    custody = Topic.objects.get(slug="custody")
    for number in range(25):
        FeedbackItemFactory(
            event=event,
            text=f"Point {number} about custody",
            language=languages[number % len(languages)],
            topics=[custody] if number % 2 else [],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("feedback:inbox"))
    assert len(inbox_items(response)) == 30
    with django_assert_max_num_queries(len(few.captured_queries)):
        filtered = client.get(reverse("feedback:inbox"), {"language": "so"})
    assert {item.language for item in inbox_items(filtered)} == {"so"}
