from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from engagement.models import Community, Programme
from engagement.public_cache import cached_public_page, kept_together
from engagement.ratelimit import too_many
from engagement.roles import Capability, can, capability_required
from events.access import get_event_for
from feedback.filters import FeedbackFilter
from feedback.forms import (
    BulkTagForm,
    FeedbackForm,
    FeedbackItemForm,
    FlagForm,
    LiveNoteForm,
    PaperFormTranscriptionForm,
    RedactForm,
    SetAsideForm,
    UnflagForm,
)
from feedback.models import FeedbackItem, PendingSubmission, Submission, Topic, Workstream
from feedback.selectors import (
    arriving_flagged_forms,
    event_for_feedback_form,
    feedback_analysis,
    key_questions_for_form,
    lay_observation_for_feedback_form,
)
from feedback.services import (
    SAFEGUARDING_PHRASES,
    all_safeguarding_phrases,
    feedback_flag,
    feedback_mark_flag_reviewed,
    feedback_mark_redaction_checked,
    feedback_record,
    feedback_redact,
    feedback_release_pending,
    feedback_restore,
    feedback_save_tags,
    feedback_set_aside,
    feedback_set_internal,
    feedback_stage_form,
    feedback_submit_form,
    feedback_tag,
    feedback_unflag,
)
from feedback.text import suggest_topics

ITEMS_PER_PAGE = 50
# Larger than any honest form with every box full; refused before it is read.
MAX_FORM_BYTES = 64 * 1024


# The anonymous form ------------------------------------------------------------------


def _refusal(request, template, status):
    return render(request, f"feedback/{template}.html", status=status)


def _event_and_questions(token):
    """The event whose poster carries the token, and the questions its form asks."""
    event = event_for_feedback_form(token=token)
    if event is None:
        return None, []
    return event, list(key_questions_for_form(programme=event.programme))


def _active_programme_questions():
    """The questions the general form asks: the active programme's."""
    return list(key_questions_for_form(programme=Programme.objects.active().first()))


def _kept_with_phrases(name: str, compute):
    """compute()'s kept value and the safeguarding phrases a sent form is checked
    against, in one round trip to the cache: every anonymous form needs both."""
    found = kept_together({name: compute, SAFEGUARDING_PHRASES: all_safeguarding_phrases})
    return found[name], found[SAFEGUARDING_PHRASES]


@never_cache
@cached_public_page
def give_feedback(request, token=None, lay_observation_token=None):
    event = None
    lay_observation = None
    if lay_observation_token is not None:
        lay_observation = lay_observation_for_feedback_form(token=lay_observation_token)
        if lay_observation is None or lay_observation.is_cancelled:
            return _refusal(request, "form_not_found", 404)
        if not lay_observation.has_started() or timezone.now() > lay_observation.feedback_closes_at:
            return render(
                request,
                "feedback/form_closed.html",
                {"lay_observation": lay_observation},
                status=410,
            )
    if token is not None:
        (event, questions), flag_phrases = _kept_with_phrases(
            f"feedback-form:{token}", lambda: _event_and_questions(token)
        )
        if event is None or event.is_cancelled:
            return _refusal(request, "form_not_found", 404)
        if timezone.now() > event.feedback_closes_at:
            return render(request, "feedback/form_closed.html", {"event": event}, status=410)
    elif lay_observation is None:
        questions, flag_phrases = _kept_with_phrases("feedback-form", _active_programme_questions)
    else:
        # A visitor's form about a lay observation asks what they thought of it, and only that.
        questions, flag_phrases = (), None
    form_options = {
        "key_questions": questions,
        "event_community": event.focus_community if event else None,
        "open_question": _("What did you think of the visit?") if lay_observation else None,
    }

    # After a form about an event, the thank-you page invites people to its "about you" card.
    thanks_url = reverse("feedback-thanks")
    if event is not None:
        thanks_url += "?" + urlencode({"event": event.feedback_token})

    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_FORM_BYTES:
            return _refusal(request, "too_long", 413)
        form = FeedbackForm(request.POST, **form_options)
        if form.is_robot():
            # Robots are thanked like people, so they learn nothing.
            return redirect(thanks_url)
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
                lay_observation=lay_observation,
                form_nonce=form.cleaned_data["form_nonce"],
                flag_phrases=flag_phrases,
                **form.community_answer(),
            )
            return redirect(thanks_url)
    else:
        form = FeedbackForm(**form_options)
    return render(
        request,
        "feedback/give_feedback.html",
        {
            "form": form,
            "event": event,
            "lay_observation": lay_observation,
            "live_session": event.live_sessions.open().first() if event else None,
        },
    )


def give_feedback_thanks(request):
    token = request.GET.get("event", "")
    is_token = token.isascii() and token.isalnum() and len(token) <= 64
    event = event_for_feedback_form(token=token) if token and is_token else None
    return render(request, "feedback/thanks.html", {"event": event})


# Staff: the inbox and single items -------------------------------------------------


@require_safe
@capability_required(Capability.VIEW_FEEDBACK)
def inbox(request):
    # Without the scheduler (in development) forms whose hour is over are released
    # here; one small query when there is nothing to release.
    if PendingSubmission.objects.due().exists():
        feedback_release_pending()
    can_manage = can(request.user, Capability.MANAGE_FEEDBACK)
    feedback_filter = FeedbackFilter(request.GET, queryset=FeedbackItem.objects.for_inbox())
    page = Paginator(feedback_filter.qs.in_inbox_order(), ITEMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    topics = list(Topic.objects.active())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "feedback/inbox.html",
        {
            "filter": feedback_filter,
            "page": page,
            "rows": [
                (
                    item,
                    suggest_topics(item.text, topics)
                    if not item.topics.all() and not item.is_in_another_language
                    else [],
                )
                for item in page.object_list
            ],
            "topics": topics,
            "workstreams": Workstream.objects.all(),
            "query": query.urlencode(),
            "unreviewed_flag_count": FeedbackItem.objects.awaiting_safeguarding_review().count(),
            "can_manage": can_manage,
            # Coordinators deal with safeguarding flags, so only they read flagged forms
            # before the hour is over.
            "arriving": arriving_flagged_forms() if can_manage else [],
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


def _item_page(
    request,
    item,
    *,
    tag_form=None,
    redact_form=None,
    set_aside_form=None,
    flag_form=None,
    unflag_form=None,
):
    """The item page. After a mistake in one of its forms, that form comes back with the
    message beside the field and what was typed."""
    if tag_form is None:
        tag_form = FeedbackItemForm(instance=item)
    if redact_form is None:
        redact_form = RedactForm(initial={"text": item.text})
    if set_aside_form is None:
        set_aside_form = SetAsideForm()
    if flag_form is None:
        flag_form = FlagForm()
    if unflag_form is None:
        unflag_form = UnflagForm()
    with_errors = next(
        (form for form in (redact_form, set_aside_form, flag_form, unflag_form) if form.is_bound),
        tag_form,
    )
    flag_changes = list(item.flag_changes.select_related("by"))
    response = render(
        request,
        "feedback/item_detail.html",
        {
            "item": item,
            "tag_form": tag_form,
            "redact_form": redact_form,
            "set_aside_form": set_aside_form,
            "flag_form": flag_form,
            "unflag_form": unflag_form,
            "flag_changes": flag_changes,
            # The change behind the flag the item has now, when a person raised it.
            "flagged_by_hand": (
                flag_changes[-1]
                if item.is_safeguarding_flagged and flag_changes and flag_changes[-1].flagged
                else None
            ),
            # The form the error summary at the top of the page reads.
            "form": with_errors,
            "suggestions": []
            if item.is_in_another_language
            else suggest_topics(item.text, Topic.objects.active()),
            "can_manage": can(request.user, Capability.MANAGE_FEEDBACK),
            "can_see_original": can(request.user, Capability.VIEW_ORIGINAL_TEXT),
        },
    )
    # The page can show the text before redaction, with names and numbers in it.
    add_never_cache_headers(response)
    return response


@require_safe
@capability_required(Capability.VIEW_FEEDBACK)
def item_detail(request, pk):
    return _item_page(request, _get_item(pk))


@require_POST
@capability_required(Capability.MANAGE_FEEDBACK)
def item_tags(request, pk):
    item = _get_item(pk)
    form = FeedbackItemForm(request.POST, instance=item)
    if not form.is_valid():
        return _item_page(request, item, tag_form=form)
    feedback_save_tags(item=item, **form.cleaned_data)
    messages.success(request, _("Tags saved."))
    return redirect("feedback:item", pk=item.pk)


@require_POST
@capability_required(Capability.MANAGE_FEEDBACK)
def item_redact(request, pk):
    item = _get_item(pk)
    form = RedactForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item, redact_form=form)
    feedback_redact(item=item, text=form.cleaned_data["text"])
    messages.success(request, _("The text is updated. The original is kept."))
    return redirect("feedback:item", pk=item.pk)


@require_POST
@capability_required(Capability.MANAGE_FEEDBACK)
def item_set_aside(request, pk):
    item = _get_item(pk)
    form = SetAsideForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item, set_aside_form=form)
    feedback_set_aside(item=item, reason=form.cleaned_data["reason"])
    messages.success(request, _("The item is set aside."))
    return redirect("feedback:item", pk=item.pk)


@require_POST
@capability_required(Capability.MANAGE_FEEDBACK)
def item_restore(request, pk):
    item = _get_item(pk)
    feedback_restore(item=item)
    messages.success(request, _("The item is back in the feedback."))
    return redirect("feedback:item", pk=item.pk)


@require_POST
@capability_required(Capability.MANAGE_FEEDBACK)
def item_redaction_checked(request, pk):
    item = _get_item(pk)
    feedback_mark_redaction_checked(item=item)
    messages.success(request, _("Marked as checked."))
    return redirect("feedback:item", pk=item.pk)


@require_POST
@capability_required(Capability.MANAGE_FEEDBACK)
def item_flag_reviewed(request, pk):
    item = _get_item(pk)
    feedback_mark_flag_reviewed(item=item)
    messages.success(request, _("Marked as checked."))
    return redirect("feedback:item", pk=item.pk)


@require_POST
@capability_required(Capability.MANAGE_FEEDBACK)
def item_flag(request, pk):
    item = _get_item(pk)
    if item.is_safeguarding_flagged:
        messages.info(request, _("This item is already flagged."))
        return redirect("feedback:item", pk=item.pk)
    form = FlagForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item, flag_form=form)
    feedback_flag(item=item, by=request.user, note=form.cleaned_data["note"])
    if settings.SAFEGUARDING_EMAIL:
        messages.success(
            request, _("The item is flagged for safeguarding, and the duty inbox is told.")
        )
    else:
        messages.success(request, _("The item is flagged for safeguarding."))
    return redirect("feedback:item", pk=item.pk)


@require_POST
@capability_required(Capability.MANAGE_FEEDBACK)
def item_unflag(request, pk):
    item = _get_item(pk)
    if not item.is_safeguarding_flagged:
        messages.info(request, _("This item has no safeguarding flag to remove."))
        return redirect("feedback:item", pk=item.pk)
    form = UnflagForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item, unflag_form=form)
    feedback_unflag(item=item, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("The flag is removed. The reason is kept in the history."))
    return redirect("feedback:item", pk=item.pk)


def _set_internal(request, pk, *, is_internal: bool):
    item = _get_item(pk)
    if not item.can_be_marked_internal:
        messages.error(request, _("Only officers' discussion notes can be marked internal."))
    elif item.is_internal != is_internal:
        feedback_set_internal(item=item, is_internal=is_internal)
        if is_internal:
            messages.success(request, _("The note is internal: findings will never quote it."))
        else:
            messages.success(request, _("The note is no longer internal: findings may quote it."))
    return redirect("feedback:item", pk=item.pk)


@require_POST
@capability_required(Capability.MANAGE_FEEDBACK)
def item_mark_internal(request, pk):
    return _set_internal(request, pk, is_internal=True)


@require_POST
@capability_required(Capability.MANAGE_FEEDBACK)
def item_unmark_internal(request, pk):
    return _set_internal(request, pk, is_internal=False)


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
    return render(
        request,
        "feedback/live_notes.html",
        {"event": event, "form": form, "notes": FeedbackItem.objects.live_notes_for(event)},
    )


def _note_as_json(item: FeedbackItem) -> dict:
    return {
        "id": item.pk,
        "client_reference": item.client_reference,
        "text": item.text,
        "question": item.key_question.text if item.key_question else "",
        "flagged": item.is_safeguarding_flagged,
    }


@require_safe
@capability_required(Capability.MANAGE_FEEDBACK)
def paper_form(request, pk):
    event = get_event_for(request, pk, capability=Capability.MANAGE_FEEDBACK)
    back_url = event.get_staff_url()
    with translation.override(event.print_language(request.GET.get("language"))):
        return render(
            request,
            "feedback/paper_form.html",
            {
                "event": event,
                "back_url": back_url,
                "key_questions": key_questions_for_form(programme=event.programme),
                "communities": Community.objects.all(),
                "print_languages": event.print_languages(),
            },
        )


@never_cache
@capability_required(Capability.MANAGE_FEEDBACK)
def transcribe(request, pk):
    """One paper form per screen: a box per question, then save and next."""
    event = get_event_for(request, pk, capability=Capability.MANAGE_FEEDBACK)
    form_options = {
        "key_questions": key_questions_for_form(programme=event.programme),
        "event_community": event.focus_community,
    }
    if request.method == "POST":
        form = PaperFormTranscriptionForm(request.POST, **form_options)
        if form.is_valid():
            feedback_submit_form(
                source=Submission.Source.PAPER_FORM,
                answers=form.answers(),
                event=event,
                form_nonce=form.cleaned_data["form_nonce"],
                **form.community_answer(),
            )
            messages.success(request, _("Form saved. Here is a blank one for the next."))
            return redirect("feedback:transcribe", pk=event.pk)
    else:
        form = PaperFormTranscriptionForm(**form_options)
    entered = Submission.objects.filter(event=event).paper_forms().count()
    return render(
        request,
        "feedback/transcribe.html",
        {"event": event, "form": form, "entered": entered},
    )


@require_safe
@capability_required(Capability.VIEW_FEEDBACK)
def analysis_view(request):
    programme_id = request.GET.get("programme")
    chosen = programme_id and programme_id.isascii() and programme_id.isdigit()
    return render(
        request,
        "feedback/analysis.html",
        {
            "programmes": Programme.objects.all(),
            "programme_id": programme_id,
            **feedback_analysis(programme_id=int(programme_id) if chosen else None),
        },
    )
