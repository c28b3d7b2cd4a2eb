from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from engagement.models import Programme
from engagement.ratelimit import too_many
from engagement.roles import Capability, can, capability_required
from events.access import get_event_for
from events.models import Event
from feedback import analysis
from feedback.filters import FeedbackFilter
from feedback.forms import (
    BulkTagForm,
    FeedbackForm,
    FeedbackItemForm,
    LiveNoteForm,
    PaperFormTranscriptionForm,
    RedactForm,
    SetAsideForm,
)
from feedback.models import (
    FeedbackItem,
    KeyQuestion,
    PendingSubmission,
    Submission,
    Topic,
    Workstream,
)
from feedback.services import (
    feedback_mark_checked,
    feedback_record,
    feedback_redact,
    feedback_release_pending,
    feedback_restore,
    feedback_save_tags,
    feedback_set_aside,
    feedback_stage_form,
    feedback_submit_form,
    feedback_tag,
)
from feedback.text import suggest_topics

ITEMS_PER_PAGE = 50
# Larger than any honest form with every box full; refused before it is read.
MAX_FORM_BYTES = 64 * 1024


def _programme_questions(programme):
    if programme is None:
        return KeyQuestion.objects.none()
    return KeyQuestion.objects.for_programme(programme).select_related("workstream")


# The anonymous form ------------------------------------------------------------------


def _refusal(request, template, status):
    return render(request, f"feedback/{template}.html", status=status)


@never_cache
def give_feedback(request, token=None):
    event = None
    if token is not None:
        event = (
            Event.objects.select_related("programme", "focus_community")
            .filter(feedback_token=token)
            .first()
        )
        if event is None or event.is_cancelled:
            return _refusal(request, "form_not_found", 404)
        closes_at = event.ends_at + timedelta(days=settings.FEEDBACK_FORM_OPEN_DAYS)
        if timezone.now() > closes_at:
            return render(request, "feedback/form_closed.html", {"event": event}, status=410)
    programme = event.programme if event else Programme.objects.active().first()
    questions = _programme_questions(programme)
    form_options = {"key_questions": questions, "ask_community": event is None}

    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_FORM_BYTES:
            return _refusal(request, "too_long", 413)
        form = FeedbackForm(request.POST, **form_options)
        if form.is_robot():
            # Robots are thanked like people, so they learn nothing.
            return redirect("feedback-thanks")
        # Only forms that would be stored count: a person correcting a mistake, on the
        # venue Wi-Fi that everyone at the event shares, is not a flood.
        if form.is_valid() and too_many(
            request,
            scope="feedback-form",
            limit=settings.FEEDBACK_RATE_LIMIT,
            window_seconds=settings.FEEDBACK_RATE_WINDOW_MINUTES * 60,
        ):
            return _refusal(request, "too_many", 429)
        if form.is_valid():
            feedback_stage_form(
                answers=form.answers(),
                event=event,
                community=form.cleaned_data.get("community"),
                form_nonce=form.cleaned_data["form_nonce"],
            )
            return redirect("feedback-thanks")
    else:
        form = FeedbackForm(**form_options)
    return render(request, "feedback/give_feedback.html", {"form": form, "event": event})


def give_feedback_thanks(request):
    return render(request, "feedback/thanks.html")


# Staff: the inbox and single items -------------------------------------------------


def _arriving_forms() -> list[tuple]:
    """Flagged anonymous forms waiting for the end of their hour, each with its answers,
    personal details taken out. Listed by their random ids: in no particular order."""
    forms = list(PendingSubmission.objects.flagged().select_related("event").order_by("pk"))
    key_questions = KeyQuestion.objects.in_bulk(
        {question_id for form in forms for question_id, _text in form.answers if question_id}
    )
    return [(form, form.answers_for_reading(key_questions)) for form in forms]


@capability_required(Capability.VIEW_FEEDBACK)
def inbox(request):
    # Without the scheduler (in development) forms whose hour is over are released
    # here; one small query when there is nothing to release.
    if PendingSubmission.objects.due().exists():
        feedback_release_pending()
    can_manage = can(request.user, Capability.MANAGE_FEEDBACK)
    feedback_filter = FeedbackFilter(request.GET, queryset=FeedbackItem.objects.for_inbox())
    items = feedback_filter.qs.order_by("-is_safeguarding_flagged", "-received_hour", "-pk")
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    topics = list(Topic.objects.filter(is_active=True))
    query = request.GET.copy()
    query.pop("page", None)
    unreviewed_flags = FeedbackItem.objects.flagged().filter(safeguarding_reviewed=False)
    return render(
        request,
        "feedback/inbox.html",
        {
            "filter": feedback_filter,
            "page": page,
            "rows": [
                (item, suggest_topics(item.text, topics) if not item.topics.all() else [])
                for item in page.object_list
            ],
            "topics": topics,
            "workstreams": Workstream.objects.all(),
            "query": query.urlencode(),
            "unreviewed_flag_count": unreviewed_flags.count(),
            "can_manage": can_manage,
            # Coordinators deal with safeguarding flags, so only they read flagged forms
            # before the hour is over.
            "arriving": _arriving_forms() if can_manage else [],
        },
    )


@require_POST
@capability_required(Capability.MANAGE_FEEDBACK)
def bulk_tag(request):
    form = BulkTagForm(request.POST)
    back = reverse("feedback:inbox") + (
        f"?{request.POST['return_query']}" if request.POST.get("return_query") else ""
    )
    if form.is_valid():
        count = feedback_tag(
            items=form.cleaned_data["items"],
            topics=form.cleaned_data["topics"],
            workstreams=form.cleaned_data["workstreams"],
        )
        messages.success(request, _("%(count)d items tagged.") % {"count": count})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(back)


def _get_item(pk) -> FeedbackItem:
    return get_object_or_404(FeedbackItem.objects.for_inbox(), pk=pk)


# The page can show the text before redaction, with the names and numbers taken out of it.
@never_cache
@capability_required(Capability.VIEW_FEEDBACK)
def item_detail(request, pk):
    item = _get_item(pk)
    can_manage = can(request.user, Capability.MANAGE_FEEDBACK)
    action = request.POST.get("action") if request.method == "POST" else None
    if action and not can_manage:
        raise PermissionDenied
    tag_form = FeedbackItemForm(request.POST if action == "tag" else None, instance=item)
    redact_form = RedactForm(
        request.POST if action == "redact" else None, initial={"text": item.text}
    )
    set_aside_form = SetAsideForm(request.POST if action == "set_aside" else None)

    if action == "tag" and tag_form.is_valid():
        feedback_save_tags(form=tag_form)
        messages.success(request, _("Tags saved."))
        return redirect("feedback:item", pk=item.pk)
    if action == "redact" and redact_form.is_valid():
        feedback_redact(item=item, text=redact_form.cleaned_data["text"])
        messages.success(request, _("The text is updated. The original is kept."))
        return redirect("feedback:item", pk=item.pk)
    if action == "set_aside" and set_aside_form.is_valid():
        feedback_set_aside(item=item, reason=set_aside_form.cleaned_data["reason"])
        messages.success(request, _("The item is set aside."))
        return redirect("feedback:item", pk=item.pk)
    if action == "restore":
        feedback_restore(item=item)
        return redirect("feedback:item", pk=item.pk)
    if action in ("checked_redaction", "reviewed_flag"):
        feedback_mark_checked(
            item=item,
            redaction=action == "checked_redaction",
            flag=action == "reviewed_flag",
        )
        messages.success(request, _("Marked as checked."))
        return redirect("feedback:item", pk=item.pk)

    return render(
        request,
        "feedback/item_detail.html",
        {
            "item": item,
            "tag_form": tag_form,
            "redact_form": redact_form,
            "set_aside_form": set_aside_form,
            "form": redact_form
            if action == "redact"
            else set_aside_form
            if action == "set_aside"
            else tag_form,
            "suggestions": suggest_topics(item.text, Topic.objects.filter(is_active=True)),
            "can_manage": can_manage,
            # The text before redaction may hold personal details: Coordinators only.
            "can_see_original": can_manage,
        },
    )


# Staff: capturing feedback at and after events ------------------------------------


@never_cache
@capability_required(Capability.MANAGE_FEEDBACK)
def live_notes(request, pk):
    """Taking notes at the back of a hall. Without JavaScript it is a plain form; with
    it, points typed offline wait in the browser and are sent when the connection
    returns, each with a reference so a resend never stores it twice."""
    event = get_event_for(request, pk, capability=Capability.MANAGE_FEEDBACK)
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = LiveNoteForm(
        request.POST if request.method == "POST" else None,
        event=event,
        initial={"key_question": request.GET.get("question")},
    )
    if request.method == "POST":
        if form.is_valid():
            item = feedback_record(
                text=form.cleaned_data["text"],
                source=FeedbackItem.Source.DISCUSSION_NOTE,
                event=event,
                key_question=form.cleaned_data["key_question"],
                recorded_by=request.user,
                client_reference=form.cleaned_data["client_reference"] or None,
            )
            if wants_json:
                return JsonResponse(_note_as_json(item), status=201)
            question = form.cleaned_data["key_question"]
            url = reverse("feedback:live-notes", kwargs={"pk": event.pk})
            return redirect(f"{url}?question={question.pk}" if question else url)
        if wants_json:
            return JsonResponse({"errors": form.errors}, status=400)
    notes = (
        event.feedback_items.filter(source=FeedbackItem.Source.DISCUSSION_NOTE)
        .select_related("key_question")
        .order_by("-pk")
    )
    return render(
        request, "feedback/live_notes.html", {"event": event, "form": form, "notes": notes}
    )


def _note_as_json(item: FeedbackItem) -> dict:
    return {
        "id": item.pk,
        "client_reference": item.client_reference,
        "text": item.text,
        "question": item.key_question.text if item.key_question else "",
        "flagged": item.is_safeguarding_flagged,
    }


@capability_required(Capability.MANAGE_FEEDBACK)
def paper_form(request, pk):
    event = get_event_for(request, pk, capability=Capability.MANAGE_FEEDBACK)
    return render(
        request,
        "feedback/paper_form.html",
        {"event": event, "key_questions": _programme_questions(event.programme)},
    )


@never_cache
@capability_required(Capability.MANAGE_FEEDBACK)
def transcribe(request, pk):
    """One paper form per screen: a box per question, then save and next."""
    event = get_event_for(request, pk, capability=Capability.MANAGE_FEEDBACK)
    questions = _programme_questions(event.programme)
    if request.method == "POST":
        form = PaperFormTranscriptionForm(request.POST, key_questions=questions)
        if form.is_valid():
            feedback_submit_form(
                source=Submission.Source.PAPER_FORM,
                answers=form.answers(),
                event=event,
                form_nonce=form.cleaned_data["form_nonce"],
            )
            messages.success(request, _("Form saved. Here is a blank one for the next."))
            return redirect("feedback:transcribe", pk=event.pk)
    else:
        form = PaperFormTranscriptionForm(key_questions=questions)
    entered = event.submissions.filter(source=Submission.Source.PAPER_FORM).count()
    return render(
        request,
        "feedback/transcribe.html",
        {"event": event, "form": form, "entered": entered},
    )


@capability_required(Capability.VIEW_FEEDBACK)
def analysis_view(request):
    programme_id = request.GET.get("programme")
    programmes = Programme.objects.all()
    items = FeedbackItem.objects.exclude(status=FeedbackItem.Status.SET_ASIDE)
    if programme_id and programme_id.isdigit():
        items = items.filter(event__programme_id=programme_id)
    return render(
        request,
        "feedback/analysis.html",
        {
            "programmes": programmes,
            "programme_id": programme_id,
            "by_community": analysis.topics_by_community(items),
            "over_time": analysis.topics_over_time(items),
            "only_one_community": analysis.topics_raised_by_one_community(items),
        },
    )
