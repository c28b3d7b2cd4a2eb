"""Redaction, safeguarding words and topic suggestions on realistic text."""

import pytest

from feedback.models import Topic
from feedback.text import (
    find_disclosures,
    matching_phrases,
    redact_personal_details,
    safeguarding_phrases,
    suggest_topics,
)


@pytest.mark.parametrize(
    ("text", "expected", "kinds"),
    [
        (
            "Email me on jo.bloggs+police@gmail.com if you want to talk.",
            "Email me on [email address removed] if you want to talk.",
            ("email",),
        ),
        (
            "My number is 07700 900123, or ring the landline (0161) 496 0000.",
            "My number is [phone number removed], or ring the landline [phone number removed].",
            ("phone",),
        ),
        ("Call +44 7700 900123 after six", "Call [phone number removed] after six", ("phone",)),
        (
            "The dealing happens outside 14 Raby Street, M14 4SL most nights",
            "The dealing happens outside [address removed], [postcode removed] most nights",
            ("postcode", "address"),
        ),
        (
            "My NI number is JH 12 34 56 C so you can check",
            "My NI number is [National Insurance number removed] so you can check",
            ("ni_number",),
        ),
        (
            "A white van AB12 CDE keeps following my daughter",
            "A white van [vehicle registration removed] keeps following my daughter",
            ("vehicle",),
        ),
        (
            "My email is aisha.khan@example.org if you want more details.",
            "My email is [email address removed] if you want more details.",
            ("email",),
        ),
    ],
)
def test_personal_details_are_taken_out(text, expected, kinds):
    redaction = redact_personal_details(text)
    assert redaction.text == expected
    assert redaction.kinds == kinds
    assert redaction.changed


@pytest.mark.parametrize(
    "text",
    [
        "Stop and search happened to me 3 times in 2024, at about 10.30 at night.",
        "There were 60 people and 12 officers. In an emergency call 999.",
        "People in the M14 area want the 86 bus stop to be safer.",
        "The officer's number ended in 34 but I could not see the rest.",
        "قالت إن الشرطة لم تستمع 🙁",
    ],
)
def test_ordinary_words_and_numbers_are_left_alone(text):
    redaction = redact_personal_details(text)
    assert redaction.text == text
    assert not redaction.changed


def test_a_name_from_the_example_in_the_report_is_taken_out_for_a_coordinator_to_check():
    redaction = redact_personal_details(
        "My neighbour Ahmed Hassan is being threatened by the lads who hang around the garages."
    )
    assert redaction.text == (
        "My neighbour [name removed] is being threatened by the lads who hang around the garages."
    )
    assert redaction.kinds == ("name",)
    assert redaction.changed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mrs Begum at number 12 has had her windows smashed.", "Mrs [name removed] at number"),
        ("Chief Inspector Helen Clarke said she would come back.", "Inspector [name removed] said"),
        ("Mr and Mrs Chowdhury have lived here 30 years.", "Mr and Mrs [name removed] have"),
        ("Fatima and I both felt the officers did not listen.", "[name removed] and I both"),
        ("Tariq, Bilal and Zain were all searched.", "[name removed], [name removed] and [name"),
        ("Sanjay Mistry's shop window has been smashed twice.", "[name removed]'s shop"),
        ("Abdul Karim Al-Amin wants to know why his son was stopped.", "[name removed] wants"),
        ("Łukasz said the officers took his phone.", "[name removed] said"),
        ("Rozmawiałam z panią Kowalską o policji.", "z panią [name removed] o"),
        ("محمد قال إن الشرطة لم تأت أبداً", "[name removed] قال"),
    ],
)
def test_names_are_taken_out_and_titles_kept(text, expected):
    redaction = redact_personal_details(text)
    assert expected in redaction.text
    assert redaction.kinds == ("name",)


@pytest.mark.parametrize(
    ("text", "expected", "kinds"),
    [
        (
            "PC 1234 Smith was very helpful when my bike was stolen.",
            "PC [name removed] was very helpful when my bike was stolen.",
            ("name",),
        ),
        (
            "Officer 4521 was rude to my grandmother.",
            "Officer [collar number removed] was rude to my grandmother.",
            ("collar_number",),
        ),
        (
            "PC 5678 and PC 9012 were the ones who searched him.",
            "PC [collar number removed] and PC [collar number removed] were the ones who "
            "searched him.",
            ("collar_number",),
        ),
        (
            "The officer with collar number 3141 refused to give me his name.",
            "The officer with collar number [collar number removed] refused to give me his name.",
            ("collar_number",),
        ),
        (
            "Det Sgt Lewis and Insp. Morgan came out to the family.",
            "Det Sgt [name removed] and Insp. [name removed] came out to the family.",
            ("name",),
        ),
    ],
)
def test_officers_names_and_collar_numbers_are_taken_out(text, expected, kinds):
    redaction = redact_personal_details(text)
    assert redaction.text == expected
    assert redaction.kinds == kinds


@pytest.mark.parametrize(
    "text",
    [
        "I hope the police will take this seriously this time.",
        "Will the officers come back in May to tell us what happened?",
        "May I ask why nobody from the police came to the vigil?",
        "Hope Street has no lighting and women feel unsafe walking there.",
        "Faith leaders in Moss Side should be invited to these events.",
        "Mark my words, someone is going to get hurt at that junction.",
        "Knife crime rose after the youth centre closed.",
        "The Bill used to walk round here, now we never see them.",
        "There was an Amber warning for the weather and the event still went ahead.",
        "St Mary's hospital was brilliant, the police less so.",
        "Kingston has a lot of anti-social behaviour near the station.",
        "Police Scotland do this better, they have a dedicated team for hate crime.",
        "The Home Office should stop deporting people who report crimes.",
        "My case went to Crown Court and nobody from the police explained anything to me.",
        "The Somali and Caribbean communities feel they are stopped more than anyone else.",
        "On Monday the officers were friendly but on Friday night it was a different story.",
        "Marks and Spencer security called the police on my son for nothing.",
        "We went to Nelson Mandela House for the meeting and the room was too small.",
        "will someone please ring me back about my car",
        "my mum said the officers were kind",
    ],
)
def test_words_places_and_organisations_that_look_like_names_are_left_alone(text):
    assert redact_personal_details(text).text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My daughter Grace was followed home from school.", "My daughter [name removed] was"),
        ("PC Hope was fantastic with my autistic son.", "PC [name removed] was"),
        ("Frank Doherty has lived on the estate for 40 years.", "[name removed] has"),
        ("Bill and Jack from the neighbourhood team are great.", "[name removed] and [name"),
        ("Amber from victim support kept me updated.", "[name removed] from"),
        ("Rose, my nan, is 84 and scared to open her door.", "[name removed], my nan"),
        ("May Chen runs the Chinese community centre.", "[name removed] runs"),
        ("Jordan was stopped because the car was a nice one.", "[name removed] was stopped"),
    ],
)
def test_names_that_are_also_words_are_taken_out_where_they_are_names(text, expected):
    assert expected in redact_personal_details(text).text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my neighbour ahmed keeps getting his car windows put through", "neighbour [name"),
        ("ask for gemma at the front desk she is brilliant", "ask for [name removed] at"),
        ("my mate jay was slammed on the floor by two officers", "my mate [name removed] was"),
        ("the officer said his name was pc davies", "was pc [name removed]"),
        ("MY NEIGHBOUR KHALID IS BEING HARASSED BY THE LANDLORD", "NEIGHBOUR [name removed] IS"),
    ],
)
def test_names_in_lower_case_or_capitals_are_taken_out(text, expected):
    assert expected in redact_personal_details(text).text


def test_the_two_disclosures_from_the_report_are_flagged():
    first = safeguarding_phrases(
        "My neighbour is being threatened by the lads on the corner and she is scared to go home.",
    )
    second = safeguarding_phrases(
        "My cousin is being beaten by her husband and I fear for her life."
    )
    assert "afraid of a partner or of going home" in first
    assert "violence by a partner or relative" in second
    assert "afraid of a partner or of going home" in second


@pytest.mark.parametrize(
    "text",
    [
        "He beats her when he has been drinking.",
        "She was beaten by her partner again last week.",
        "Her husband is beating her and his mother joins in.",
        "My partner beat me up on Saturday.",
        "I was battered by my husband for ten years.",
        "my boyfriend punches me and takes my phone",
    ],
)
def test_word_forms_of_violence_are_found(text):
    assert {disclosure.category for disclosure in find_disclosures(text)} == {"domestic abuse"}


@pytest.mark.parametrize(
    "text",
    [
        "We beat the police team 4-2 at cricket!",
        "The police beat the traffic lights to get to the chippy first.",
        "The new neighbourhood team hit the ground running.",
        "I could kill for a cup of tea after that long meeting.",
        "Knife crime is a big worry for parents here.",
        "I felt threatened by the way the officers stood over me.",
        "The officer threatened to arrest me for filming, which I am allowed to do.",
        "There is a lot of domestic abuse that never gets reported in our community.",
        "The film about county lines they showed at the school was really good.",
        "There's no point reporting anything, nothing gets done.",
        "My husband came home late. Beat the traffic though.",
    ],
)
def test_ordinary_complaints_using_the_same_words_are_not_flagged(text):
    assert find_disclosures(text) == []


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Mój mąż mnie bije i boję się wrócić do domu.", "(Polish)"),
        ("moj maz mnie bije", "(Polish)"),
        ("أريد أن أنتحر", "(Arabic)"),
        ("اريد ان انتحر", "(Arabic)"),
        ("میرا شوہر مجھے مارتا ہے", "(Urdu)"),
        ("mera shohar mujhe roz maarta hai", "(Urdu)"),
        ("Waxaan doonayaa inaan is dilo.", "(Somali)"),
        ("Soțul meu mă bate și mi-e frică să merg acasă.", "(Romanian)"),
        ("sotul meu ma bate", "(Romanian)"),
    ],
)
def test_disclosures_in_other_languages_are_found_with_or_without_accents(text, label):
    phrases = safeguarding_phrases(text)
    assert phrases
    assert all(label in phrase for phrase in phrases)


@pytest.mark.parametrize(
    "text",
    ["I'm scared to go home", "Im scared to go home", "I am scared to go home"],
)
def test_short_forms_are_read_in_full(text):
    assert safeguarding_phrases(text) == ["afraid of a partner or of going home"]


def test_the_editable_list_still_adds_its_phrases():
    assert safeguarding_phrases("He carries a knife to school", ["knife", "van"]) == [
        "carrying a weapon",
        "knife",
    ]
    assert safeguarding_phrases("The same white van parks outside every night", ["van"]) == ["van"]
    assert safeguarding_phrases("The meeting was good", ["knife"]) == []


def test_the_flag_names_what_was_found_without_repeating_the_persons_words():
    phrases = safeguarding_phrases("Ahmed's dad beats him and says he will stab him.")
    assert "violence by a partner or relative" in phrases
    assert "threat to kill or hurt" in phrases
    assert "Ahmed" not in ", ".join(phrases)


def test_safeguarding_words_match_whole_words_ignoring_case_and_accents():
    phrases = ["knife", "scared to go home", "kill", "boję się"]
    assert matching_phrases("He carries a KNIFE to school", phrases) == ["knife"]
    assert matching_phrases("She is   scared to go\nhome tonight", phrases) == ["scared to go home"]
    assert matching_phrases("The skills workshop was good", phrases) == []
    assert matching_phrases("Knives are not the answer", phrases) == []
    assert matching_phrases("Boje sie o dzieci", phrases) == ["boję się"]


@pytest.mark.django_db
def test_topics_are_suggested_from_their_names_and_keywords():
    suggested = suggest_topics(
        "I was stopped and searched twice and my complaint was ignored",
        Topic.objects.all(),
    )
    names = [topic.name for topic in suggested]
    assert "Stop and search" in names
    assert "Complaints" in names
    assert suggest_topics("Lovely weather today", Topic.objects.all()) == []
