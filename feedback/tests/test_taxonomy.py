import pytest

from engagement.tests.factories import ProgrammeFactory
from feedback.models import KeyQuestion, Topic, Workstream
from feedback.tests.factories import ProgrammeKeyQuestionFactory


@pytest.mark.django_db
def test_the_four_race_action_plan_workstreams_exist_with_their_questions():
    workstreams = list(Workstream.objects.values_list("slug", flat=True))
    assert workstreams == ["respect", "protect", "involve", "represent"]
    for slug in workstreams:
        question = KeyQuestion.objects.get(workstream__slug=slug)
        assert question.text == f"How can the police better {slug} this community?"


@pytest.mark.django_db
def test_a_starter_list_of_topics_exists_with_keywords():
    names = set(Topic.objects.values_list("name", flat=True))
    assert {
        "Stop and search",
        "Complaints",
        "Website and online reporting",
        "Neighbourhood teams",
        "Hate crime",
        "Cultural awareness and training",
        "Recruitment and representation",
        "Custody",
        "Use of force",
        "Young people",
    } <= names
    assert "stop and search" in Topic.objects.get(slug="stop-and-search").keywords


@pytest.mark.django_db
def test_a_programme_keeps_its_key_questions_in_order():
    programme = ProgrammeFactory()
    represent, respect = (
        KeyQuestion.objects.get(workstream__slug="represent"),
        KeyQuestion.objects.get(workstream__slug="respect"),
    )
    ProgrammeKeyQuestionFactory(programme=programme, key_question=represent, position=1)
    ProgrammeKeyQuestionFactory(programme=programme, key_question=respect, position=2)
    assert list(KeyQuestion.objects.for_programme(programme)) == [represent, respect]
    assert set(programme.key_questions.all()) == {represent, respect}
