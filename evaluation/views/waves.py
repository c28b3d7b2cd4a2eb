"""Survey waves on the staff site: Administrators set them up, add questions and enter
the census shares; Coordinators print posters and paper forms, and type in paper
survey forms and "about you" cards."""

import segno
from django.conf import settings
from django.contrib import messages
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from engagement.roles import Capability, can, capability_required
from evaluation.forms.survey import (
    AboutYouForm,
    PaperAboutYouForm,
    PaperSurveyForm,
    SurveyForm,
    events_to_choose_from,
)
from evaluation.forms.waves import CensusForm, QuestionForm, WaveForm
from evaluation.models import AboutYouCard, HeldForm, PopulationShare, Source, Wave
from evaluation.questions import Kind
from evaluation.services import (
    about_you_record,
    evaluation_release_held,
    population_shares_replace,
    response_record,
    wave_add_question,
    wave_close,
    wave_create,
    wave_open,
)
from evaluation.views.public import about_you_url
from events.access import get_event_for

# The survey's answers by how they came in, for one wave or for each.
COUNTS_BY_SOURCE = {
    "online": Count("responses", filter=Q(responses__source=Source.ONLINE)),
    "paper": Count("responses", filter=Q(responses__source=Source.PAPER)),
    "imported": Count("responses", filter=Q(responses__source=Source.IMPORTED)),
    "total": Count("responses"),
}
# Four cards to a sheet of A4.
CARDS_PER_PAGE = 4


def _get_wave(slug) -> Wave:
    return get_object_or_404(Wave, slug=slug)


def _release_due_forms() -> None:
    # Without the scheduler (in development) online answers whose hour is over are
    # stored here; one small query when there is nothing to store.
    if HeldForm.objects.due().exists():
        evaluation_release_held()


def qr_svg(url: str, *, scale: int, title: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, border=2, title=title)


def full_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# Waves ---------------------------------------------------------------------------------


@require_safe
@capability_required(Capability.VIEW_SURVEYS)
def wave_list(request):
    _release_due_forms()
    waves = Wave.objects.annotate(**COUNTS_BY_SOURCE).order_by(
        F("fieldwork_started_on").desc(nulls_first=True), "-created_at", "-pk"
    )
    return render(
        request,
        "evaluation/waves/list.html",
        {"waves": waves, "can_manage": can(request.user, Capability.MANAGE_SURVEYS)},
    )


@capability_required(Capability.MANAGE_SURVEYS)
def wave_new(request):
    form = WaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        wave = wave_create(by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _(
                "The wave %(name)s is set up with the standard questions. Add any others, "
                "then open it."
            )
            % {"name": wave.name},
        )
        return redirect(wave)
    return render(request, "evaluation/waves/form.html", {"form": form, "wave": None})


@capability_required(Capability.MANAGE_SURVEYS)
def wave_edit(request, slug):
    wave = _get_wave(slug)
    form = WaveForm(request.POST if request.method == "POST" else None, instance=wave)
    if request.method == "POST" and form.is_valid():
        wave = form.save()
        messages.success(request, _("The wave is saved."))
        return redirect(wave)
    return render(request, "evaluation/waves/form.html", {"form": form, "wave": wave})


@require_safe
@capability_required(Capability.VIEW_SURVEYS)
def wave_detail(request, slug):
    _release_due_forms()
    wave = get_object_or_404(Wave.objects.annotate(**COUNTS_BY_SOURCE), slug=slug)
    return render(
        request,
        "evaluation/waves/detail.html",
        {
            "wave": wave,
            "questions": wave.questions.in_order(),
            "public_url": full_url(wave.get_public_url()),
            "can_manage": can(request.user, Capability.MANAGE_SURVEYS),
            "can_enter": can(request.user, Capability.ENTER_SURVEY_RESPONSES),
        },
    )


@require_POST
@capability_required(Capability.MANAGE_SURVEYS)
def wave_open_view(request, slug):
    wave = _get_wave(slug)
    if wave.is_open:
        messages.info(request, _("The wave is already open."))
    else:
        wave_open(wave=wave)
        messages.success(request, _("The wave is open: the survey takes answers at its address."))
    return redirect(wave)


@require_POST
@capability_required(Capability.MANAGE_SURVEYS)
def wave_close_view(request, slug):
    wave = _get_wave(slug)
    if not wave.is_open:
        messages.info(request, _("Only an open wave can be closed."))
    else:
        wave_close(wave=wave)
        messages.success(
            request,
            _("The wave is closed. Paper forms that arrive late can still be typed in."),
        )
    return redirect(wave)


@capability_required(Capability.MANAGE_SURVEYS)
def question_new(request, slug):
    wave = _get_wave(slug)
    if wave.status == Wave.Status.CLOSED:
        messages.error(request, _("Questions can only be added while the wave is set up or open."))
        return redirect(wave)
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        wave_add_question(wave=wave, **form.cleaned_data)
        messages.success(request, _("The question is added."))
        return redirect(wave)
    return render(request, "evaluation/waves/question_form.html", {"form": form, "wave": wave})


# Printing: the poster and the paper form ------------------------------------------------


@require_safe
@capability_required(Capability.VIEW_SURVEYS)
def wave_poster(request, slug):
    wave = _get_wave(slug)
    survey_url = full_url(wave.get_public_url())
    return render(
        request,
        "evaluation/waves/poster.html",
        {
            "wave": wave,
            "short_url": survey_url.split("://", 1)[-1],
            "qr_svg": qr_svg(survey_url, scale=8, title=_("QR code for the survey")),
        },
    )


@require_safe
@capability_required(Capability.VIEW_SURVEYS)
def paper_form(request, slug):
    wave = _get_wave(slug)
    survey_url = full_url(wave.get_public_url())
    form = SurveyForm(questions=wave.questions.in_order())
    return render(
        request,
        "evaluation/waves/paper_form.html",
        {
            "wave": wave,
            "opinion_questions": form.paper_questions(about_you=False),
            "about_you_questions": form.paper_questions(about_you=True),
            "short_url": survey_url.split("://", 1)[-1],
            "qr_svg": qr_svg(survey_url, scale=3, title=_("QR code for the survey")),
        },
    )


# Typing in paper forms ----------------------------------------------------------------


@never_cache
@capability_required(Capability.ENTER_SURVEY_RESPONSES)
def paper_entry(request, slug):
    """One paper form per screen, then save and next. Paper forms keep arriving after a
    wave closes, so a closed wave takes them too."""
    wave = _get_wave(slug)
    if wave.status == Wave.Status.DRAFT:
        messages.error(request, _("This wave is still being set up. Type in forms once it opens."))
        return redirect(wave)
    questions = list(wave.questions.in_order())
    asks_which_event = any(question.kind == Kind.EVENT for question in questions)
    form = PaperSurveyForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        events=events_to_choose_from() if asks_which_event else (),
    )
    if request.method == "POST" and form.is_valid():
        _response, is_new = response_record(
            wave=wave,
            answers=form.answers(),
            source=Source.PAPER,
            form_nonce=form.cleaned_data["form_nonce"],
        )
        number = wave.responses.filter(source=Source.PAPER).count()
        if is_new:
            messages.success(
                request,
                _("Form %(number)d saved. Here is a blank one for the next.") % {"number": number},
            )
        else:
            messages.info(request, _("That form was already saved. Here is a blank one."))
        return redirect("evaluation:paper-entry", slug=wave.slug)
    return render(
        request,
        "evaluation/waves/paper_entry.html",
        {
            "wave": wave,
            "form": form,
            "entered": wave.responses.filter(source=Source.PAPER).count(),
        },
    )


# Census shares -------------------------------------------------------------------------


@capability_required(Capability.MANAGE_SURVEYS)
def census(request):
    current = {
        (share.dimension, share.group): share.percent for share in PopulationShare.objects.all()
    }
    form = CensusForm(request.POST if request.method == "POST" else None, current=current)
    if request.method == "POST" and form.is_valid():
        population_shares_replace(shares=form.shares)
        messages.success(request, _("The census shares are saved."))
        return redirect("evaluation:census")
    return render(request, "evaluation/waves/census.html", {"form": form})


# "About you" cards at an event ---------------------------------------------------------


def _event_taking_cards(request, pk, *, capability):
    event = get_event_for(request, pk, capability=capability)
    if event.is_cancelled:
        raise Http404(_("This event was cancelled, so it has no cards."))
    return event


@never_cache
@capability_required(Capability.ENTER_SURVEY_RESPONSES)
def about_you_entry(request, pk):
    """Paper cards from an event that has happened, one per screen."""
    event = _event_taking_cards(request, pk, capability=Capability.ENTER_SURVEY_RESPONSES)
    if not (event.is_held or event.has_ended()):
        messages.error(request, _("Cards can be typed in once the event has happened."))
        return redirect(event.get_staff_url())
    form = PaperAboutYouForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        _card, is_new = about_you_record(
            event=event,
            source=Source.PAPER,
            form_nonce=form.cleaned_data["form_nonce"],
            **form.card_fields(),
        )
        number = AboutYouCard.objects.filter(event=event, source=Source.PAPER).count()
        if is_new:
            messages.success(
                request,
                _("Card %(number)d saved. Here is a blank one for the next.") % {"number": number},
            )
        else:
            messages.info(request, _("That card was already saved. Here is a blank one."))
        return redirect("evaluation:about-you-entry", pk=event.pk)
    return render(
        request,
        "evaluation/about_you_entry.html",
        {
            "event": event,
            "form": form,
            "entered": AboutYouCard.objects.filter(event=event, source=Source.PAPER).count(),
        },
    )


@require_safe
@capability_required(Capability.VIEW_SURVEYS)
def about_you_card(request, pk):
    """Cards to print, four to a sheet, each with the QR code for the card online."""
    event = _event_taking_cards(request, pk, capability=Capability.VIEW_SURVEYS)
    card_url = full_url(about_you_url(event))
    return render(
        request,
        "evaluation/about_you_card.html",
        {
            "event": event,
            "questions": AboutYouForm().paper_questions(),
            "short_url": card_url.split("://", 1)[-1],
            "qr_svg": qr_svg(card_url, scale=2, title=_('QR code for the "about you" card')),
            "cards": range(CARDS_PER_PAGE),
        },
    )
