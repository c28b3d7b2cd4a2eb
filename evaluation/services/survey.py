import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from evaluation.answers import ParsedAnswer
from evaluation.models import (
    AboutYouCard,
    Answer,
    HeldForm,
    Question,
    Response,
    Source,
    Wave,
)
from evaluation.questions import (
    ATTENDED_KEY,
    ATTENDED_WHICH_KEY,
    DEMOGRAPHIC_KEYS,
    ETHNIC_GROUP_LABELS,
    NO,
    STANDARD_QUESTIONS,
    YES,
    Kind,
    ethnic_group_of,
)
from events.models import Event
from feedback.models import hour_of


def current_hour() -> datetime:
    return hour_of(timezone.now())


# Waves and their questions -----------------------------------------------------------


@transaction.atomic
def wave_create(*, name: str, slug: str, introduction: str = "", by=None, **dates) -> Wave:
    """A new wave with the standard questions, in the standard order."""
    wave = Wave.objects.create(
        name=name.strip(), slug=slug, introduction=introduction.strip(), created_by=by, **dates
    )
    Question.objects.bulk_create(
        [
            Question(
                wave=wave,
                key=standard.key,
                text=str(standard.text),
                help_text=str(standard.help_text),
                kind=standard.kind,
                position=position,
                is_standard=True,
                is_demographic=standard.is_demographic,
            )
            for position, standard in enumerate(STANDARD_QUESTIONS, 1)
        ]
    )
    return wave


@transaction.atomic
def wave_add_question(
    *, wave: Wave, text: str, kind: str, options=(), help_text: str = ""
) -> Question:
    """A question of this wave only, asked before the questions about the person."""
    base = slugify(text)[:50] or "question"
    key, number = base, 2
    while wave.questions.filter(key=key).exists():
        key, number = f"{base}-{number}", number + 1
    demographic_from = (
        wave.questions.filter(is_demographic=True)
        .order_by("position")
        .values_list("position", flat=True)
        .first()
    )
    if demographic_from is None:
        position = (wave.questions.aggregate(last=Max("position"))["last"] or 0) + 1
    else:
        wave.questions.filter(position__gte=demographic_from).update(position=F("position") + 1)
        position = demographic_from
    return Question.objects.create(
        wave=wave,
        key=key,
        text=text.strip(),
        help_text=help_text.strip(),
        kind=kind,
        options=[
            [slugify(option)[:90] or str(i), option.strip()] for i, option in enumerate(options, 1)
        ]
        if kind == Kind.CHOICE
        else [],
        position=position,
    )


def wave_open(*, wave: Wave) -> Wave:
    wave.status = Wave.Status.OPEN
    if wave.fieldwork_started_on is None:
        wave.fieldwork_started_on = timezone.localdate()
    wave.save(update_fields=["status", "fieldwork_started_on"])
    return wave


def wave_close(*, wave: Wave) -> Wave:
    wave.status = Wave.Status.CLOSED
    if wave.fieldwork_ended_on is None:
        wave.fieldwork_ended_on = timezone.localdate()
    wave.save(update_fields=["status", "fieldwork_ended_on"])
    return wave


# Responses -----------------------------------------------------------------------------


def response_fields(answers: dict, questions_by_key: dict) -> dict:
    """What a response copies from its answers: whether the person has been to an event
    and which, and the answers about them. `answers` maps keys to ParsedAnswer."""
    fields = {}
    attended = answers.get(ATTENDED_KEY)
    if attended is not None:
        fields["attended"] = {YES: True, NO: False}.get(attended.choice)
    which = answers.get(ATTENDED_WHICH_KEY)
    if which is not None and which.choice.isdigit():
        fields["attended_event_id"] = int(which.choice)
        # Naming an event is saying yes, whatever the other box says.
        fields["attended"] = True
    for key in DEMOGRAPHIC_KEYS:
        answer = answers.get(key)
        if answer is not None and key in questions_by_key:
            fields[key] = answer.choice
    if "ethnicity" in fields:
        if fields["ethnicity"] in ETHNIC_GROUP_LABELS:
            # A spreadsheet that kept only the high-level group.
            fields["ethnic_group"] = fields.pop("ethnicity")
        else:
            fields["ethnic_group"] = ethnic_group_of(fields["ethnicity"])
    return fields


def build_response(*, wave: Wave, answers: dict, questions_by_key: dict, **fields):
    """An unsaved response and its unsaved answers: `answers` maps question keys to
    ParsedAnswer (None for a question left blank)."""
    answers = {key: answer for key, answer in answers.items() if answer is not None}
    response = Response(wave=wave, **response_fields(answers, questions_by_key), **fields)
    rows = [
        Answer(
            response=response,
            question=questions_by_key[key],
            score=answer.score,
            choice=answer.choice,
        )
        for key, answer in answers.items()
    ]
    return response, rows


@transaction.atomic
def response_record(
    *,
    wave: Wave,
    answers: dict,
    source: str = Source.PAPER,
    form_nonce: str | None = None,
    received_hour: datetime | None = None,
) -> tuple[Response | None, bool]:
    """Store one response at once (a paper form typed in by staff, or a held online
    form at its release). `answers` maps question keys to ParsedAnswer. Returns the
    response and whether it is new: the same form sent twice is stored once."""
    if form_nonce and Response.objects.filter(form_nonce=form_nonce).exists():
        return Response.objects.get(form_nonce=form_nonce), False
    questions_by_key = {question.key: question for question in wave.questions.all()}
    response, rows = build_response(
        wave=wave,
        answers=answers,
        questions_by_key=questions_by_key,
        source=source,
        form_nonce=form_nonce,
        received_hour=received_hour or current_hour(),
    )
    try:
        with transaction.atomic():
            response.save(force_insert=True)
            Answer.objects.bulk_create(rows)
    except IntegrityError:
        return Response.objects.filter(form_nonce=form_nonce).first(), False
    return response, True


def _already_held_or_stored(form_nonce: str, model) -> bool:
    return (
        HeldForm.objects.filter(form_nonce=form_nonce).exists()
        or model.objects.filter(form_nonce=form_nonce).exists()
    )


def _hold(**fields) -> bool:
    try:
        with transaction.atomic():
            HeldForm.objects.create(received_hour=current_hour(), **fields)
    except IntegrityError:
        return False
    return True


def response_stage(*, wave: Wave, answers: dict, form_nonce: str) -> bool:
    """Hold an online response until its hour is over. `answers` maps question keys to
    ParsedAnswer. Returns whether it is new (a nonce already seen is kept once)."""
    if _already_held_or_stored(form_nonce, Response):
        return False
    stored = {
        key: [answer.score, answer.choice] for key, answer in answers.items() if answer is not None
    }
    return _hold(kind=HeldForm.Kind.SURVEY, wave=wave, answers=stored, form_nonce=form_nonce)


def _card_fields(ethnicity: str, age_band: str, area: str) -> dict:
    return {
        "ethnicity": ethnicity,
        "ethnic_group": ethnic_group_of(ethnicity),
        "age_band": age_band,
        "area": area,
    }


def about_you_stage(
    *, event: Event, ethnicity: str = "", age_band: str = "", area: str = "", form_nonce: str
) -> bool:
    """Hold a card sent online until its hour is over. Returns whether it is new."""
    if _already_held_or_stored(form_nonce, AboutYouCard):
        return False
    return _hold(
        kind=HeldForm.Kind.ABOUT_YOU,
        event=event,
        answers={"ethnicity": ethnicity, "age_band": age_band, "area": area},
        form_nonce=form_nonce,
    )


def about_you_record(
    *,
    event: Event,
    ethnicity: str = "",
    age_band: str = "",
    area: str = "",
    source: str = Source.PAPER,
    form_nonce: str | None = None,
    received_hour: datetime | None = None,
) -> tuple[AboutYouCard | None, bool]:
    """Store one card at once (paper cards typed in by staff, or a held one at release)."""
    if form_nonce and AboutYouCard.objects.filter(form_nonce=form_nonce).exists():
        return AboutYouCard.objects.get(form_nonce=form_nonce), False
    try:
        with transaction.atomic():
            card = AboutYouCard.objects.create(
                event=event,
                source=source,
                form_nonce=form_nonce,
                received_hour=received_hour or current_hour(),
                **_card_fields(ethnicity, age_band, area),
            )
    except IntegrityError:
        return AboutYouCard.objects.filter(form_nonce=form_nonce).first(), False
    return card, True


@transaction.atomic
def evaluation_release_held(*, now: datetime | None = None) -> int:
    """Store every held response and card whose hour is over, in a random order and in
    one transaction. Safe to run again or at the same time."""
    randomness = secrets.SystemRandom()
    held = list(
        HeldForm.objects.due(now)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("wave", "event")
    )
    randomness.shuffle(held)
    for form in held:
        if form.kind == HeldForm.Kind.SURVEY:
            response_record(
                wave=form.wave,
                answers={
                    key: ParsedAnswer(score, choice)
                    for key, (score, choice) in form.answers.items()
                },
                source=Source.ONLINE,
                form_nonce=form.form_nonce,
                received_hour=form.received_hour,
            )
        else:
            about_you_record(
                event=form.event,
                source=Source.ONLINE,
                form_nonce=form.form_nonce,
                received_hour=form.received_hour,
                **form.answers,
            )
    HeldForm.objects.filter(pk__in=[form.pk for form in held]).delete()
    return len(held)
