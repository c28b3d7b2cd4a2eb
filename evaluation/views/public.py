"""The public side of the evaluation: the survey at /survey/<wave>/ and the "about you"
card an event's QR code leads to.

Both follow the anonymous feedback form's rules: no address, browser, cookie or exact
time is kept; a form sent twice is kept once; a robot is thanked like a person and
ignored; a flood from one connection is refused, counting only forms that would be
stored; and what is sent waits until its hour is over, then is stored mixed in with
the rest of that hour."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from engagement.ratelimit import too_many
from evaluation.forms.survey import AboutYouForm, SurveyForm, events_to_choose_from
from evaluation.models import Wave
from evaluation.questions import Kind
from evaluation.services import about_you_stage, response_stage
from feedback.selectors import event_for_feedback_form
from feedback.views.capture import MAX_FORM_BYTES

ANSWERING_METHODS = ["GET", "HEAD", "POST"]


def public_wave(slug: str) -> Wave:
    """An open or closed wave; one still being set up is not there yet."""
    wave = Wave.objects.exclude(status=Wave.Status.DRAFT).filter(slug=slug).first()
    if wave is None:
        raise Http404
    return wave


def about_you_is_open(event, now=None) -> bool:
    """An event's card takes answers as its feedback form does: unless the event was
    cancelled, until FEEDBACK_FORM_OPEN_DAYS after it ended."""
    return not event.is_cancelled and (now or timezone.now()) <= event.feedback_closes_at


def about_you_url(event) -> str:
    return reverse("evaluation:about-you", kwargs={"token": event.feedback_token})


def _is_too_long(request) -> bool:
    return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_FORM_BYTES


def _take(request, form, *, scope: str, thanks_url: str, store):
    """Store a form a member of the public sent, or None to show it again with its
    errors."""
    if form.is_robot():
        # Robots are thanked like people, so they learn nothing.
        return redirect(thanks_url)
    # Only forms that would be stored count: a person correcting a mistake on the venue
    # Wi-Fi everyone at an event shares is not a flood.
    if form.is_valid() and too_many(
        request,
        scope=scope,
        limit=settings.SURVEY_RATE_LIMIT,
        window_seconds=settings.SURVEY_RATE_WINDOW_MINUTES * 60,
    ):
        return render(request, "feedback/too_many.html", status=429)
    if form.is_valid():
        store(form)
        return redirect(thanks_url)
    return None


# The survey ----------------------------------------------------------------------------


@never_cache
@require_http_methods(ANSWERING_METHODS)
def survey(request, wave):
    wave = public_wave(wave)
    if wave.status == Wave.Status.CLOSED:
        return render(request, "evaluation/survey_closed.html", {"wave": wave}, status=410)
    if request.method == "POST" and _is_too_long(request):
        return render(request, "feedback/too_long.html", status=413)
    questions = list(wave.questions.in_order())
    asks_which_event = any(question.kind == Kind.EVENT for question in questions)
    form = SurveyForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        events=events_to_choose_from() if asks_which_event else (),
    )
    if request.method == "POST":
        taken = _take(
            request,
            form,
            scope="survey-form",
            thanks_url=reverse("evaluation:survey-thanks", kwargs={"wave": wave.slug}),
            store=lambda form: response_stage(
                wave=wave, answers=form.answers(), form_nonce=form.cleaned_data["form_nonce"]
            ),
        )
        if taken is not None:
            return taken
    return render(request, "evaluation/survey.html", {"wave": wave, "form": form})


@require_safe
def survey_thanks(request, wave):
    return render(request, "evaluation/survey_thanks.html", {"wave": public_wave(wave)})


# The "about you" card ------------------------------------------------------------------


@never_cache
@require_http_methods(ANSWERING_METHODS)
def about_you(request, token):
    event = event_for_feedback_form(token=token)
    if event is None or event.is_cancelled:
        return render(request, "feedback/form_not_found.html", status=404)
    if not about_you_is_open(event):
        return render(request, "evaluation/about_you_closed.html", {"event": event}, status=410)
    if request.method == "POST" and _is_too_long(request):
        return render(request, "feedback/too_long.html", status=413)
    form = AboutYouForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        taken = _take(
            request,
            form,
            scope="about-you-form",
            thanks_url=reverse("evaluation:about-you-thanks"),
            store=lambda form: about_you_stage(
                event=event, form_nonce=form.cleaned_data["form_nonce"], **form.card_fields()
            ),
        )
        if taken is not None:
            return taken
    return render(request, "evaluation/about_you.html", {"event": event, "form": form})


@require_safe
def about_you_thanks(request):
    return render(request, "evaluation/about_you_thanks.html")
