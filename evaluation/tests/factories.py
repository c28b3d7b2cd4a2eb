"""One factory per evaluation model. WaveFactory makes an open wave with the standard
questions, as wave_create does; ResponseFactory(answers={"confidence": "4", ...}) stores
answers read as a form would be."""

import factory
from django.utils import timezone

from evaluation.answers import parse_answer
from evaluation.models import (
    AboutYouCard,
    Answer,
    HeldForm,
    PopulationShare,
    Question,
    Response,
    Source,
    SurveyImport,
    Wave,
)
from evaluation.questions import Kind
from evaluation.services.survey import build_response, current_hour, wave_create
from events.tests.factories import EventFactory


class WaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wave

    name = factory.Sequence(lambda n: f"{2020 + n}")
    slug = factory.LazyAttribute(lambda wave: wave.name.lower().replace(" ", "-"))
    status = Wave.Status.OPEN
    fieldwork_started_on = factory.LazyFunction(timezone.localdate)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        status = kwargs.pop("status")
        wave = wave_create(**kwargs)
        wave.status = status
        wave.save(update_fields=["status"])
        return wave


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    wave = factory.SubFactory(WaveFactory)
    key = factory.Sequence(lambda n: f"extra-{n}")
    text = factory.Sequence(lambda n: f"Extra question {n}")
    kind = Kind.AGREEMENT
    position = 50


class ResponseFactory(factory.django.DjangoModelFactory):
    """A response to a wave; `answers` maps question keys to what a person typed."""

    class Meta:
        model = Response

    wave = factory.SubFactory(WaveFactory)
    source = Source.PAPER
    received_hour = factory.LazyFunction(current_hour)

    @classmethod
    def _create(cls, model_class, *args, answers=None, **kwargs):
        wave = kwargs.pop("wave")
        questions = {question.key: question for question in wave.questions.all()}
        parsed = {key: parse_answer(questions[key], raw) for key, raw in (answers or {}).items()}
        response, rows = build_response(
            wave=wave, answers=parsed, questions_by_key=questions, **kwargs
        )
        response.save(force_insert=True)
        Answer.objects.bulk_create(rows)
        return response


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.LazyAttribute(
        lambda answer: answer.response.wave.questions.get(key="confidence")
    )
    score = 4
    choice = "4"


class AboutYouCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AboutYouCard

    event = factory.SubFactory(EventFactory, past=True)
    source = Source.PAPER
    received_hour = factory.LazyFunction(current_hour)
    ethnicity = "black_african"
    ethnic_group = factory.LazyAttribute(
        lambda card: card.ethnicity.split("_", 1)[0] if card.ethnicity else ""
    )
    age_band = "25_34"
    area = "Leicester City"


class HeldFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HeldForm

    kind = HeldForm.Kind.SURVEY
    wave = factory.SubFactory(WaveFactory)
    answers = factory.LazyFunction(lambda: {"confidence": [4, "4"]})
    form_nonce = factory.Sequence(lambda n: f"held-form-{n}")
    received_hour = factory.LazyFunction(current_hour)


class PopulationShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PopulationShare
        django_get_or_create = ("dimension", "group")

    dimension = PopulationShare.Dimension.ETHNIC_GROUP
    group = "white"
    percent = 78


class SurveyImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyImport

    wave = factory.SubFactory(WaveFactory, status=Wave.Status.CLOSED)
    filename = "survey-2022.csv"
    content = b"confidence,attended_event\n4,yes\n"
    encoding = "utf-8"
    headers = factory.LazyFunction(lambda: ["confidence", "attended_event"])
