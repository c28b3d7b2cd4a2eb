"""The public's own pages about their contact details: opting in, confirming,
unsubscribing, and seeing, downloading and erasing what we hold. None of them needs
an account; the links in our emails carry an unguessable token instead."""

import json

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from events.models import PRIVACY_NOTICE_VERSION, Attendee, ConsentPurpose, ConsentRecord
from events.public_contact_forms import EraseForm, KeepInTouchForm, PreferencesForm
from events.services import (
    LinkProblem,
    attendee_confirm_updates,
    attendee_erase,
    attendee_export,
    attendee_keep_in_touch,
    attendee_record_activity,
    attendee_set_preferences,
    consent_withdraw,
)


def _attendee_for_token(token) -> Attendee | None:
    return Attendee.objects.filter(token=token).first()


def _link_not_valid(request):
    return render(request, "events/contacts/link_not_valid.html", status=404)


@never_cache
def keep_in_touch(request):
    form = KeepInTouchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attendee_keep_in_touch(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            purposes=form.chosen_purposes(),
            communities=data["communities"],
            ethnicity=data["ethnicity"],
            age_band=data["age_band"],
            postcode_district=data["postcode_district"],
        )
        if data["wants_updates"]:
            return redirect("keep-in-touch-check-email")
        return redirect("keep-in-touch-thanks")
    return render(
        request,
        "events/contacts/keep_in_touch.html",
        {"form": form, "notice_version": PRIVACY_NOTICE_VERSION},
    )


def keep_in_touch_thanks(request):
    return render(request, "events/contacts/keep_in_touch_thanks.html", {"check_email": False})


def keep_in_touch_check_email(request):
    return render(request, "events/contacts/keep_in_touch_thanks.html", {"check_email": True})


@never_cache
def keep_in_touch_confirm(request, signed):
    try:
        attendee = attendee_confirm_updates(signed=signed)
    except LinkProblem as problem:
        return render(
            request,
            "events/contacts/confirm_problem.html",
            {"reason": problem.reason},
            status=410 if problem.reason == "expired" else 404,
        )
    return render(request, "events/contacts/confirmed.html", {"attendee": attendee})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """A page with a button, and the one-click POST of RFC 8058. Neither needs a
    cookie or a CSRF token (mail clients send neither), both are idempotent, and the
    answer is always a page, never a redirect."""
    attendee = _attendee_for_token(token)
    if attendee is None:
        return _link_not_valid(request)
    if attendee.is_erased:
        return render(request, "events/contacts/erased.html")

    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    if request.method == "POST" and (one_click or request.POST.get("action") == "unsubscribe"):
        consent_withdraw(
            attendee=attendee,
            purpose=ConsentPurpose.EMAIL_UPDATES,
            method=ConsentRecord.WithdrawalMethod.ONE_CLICK
            if one_click
            else ConsentRecord.WithdrawalMethod.PREFERENCES,
        )
        if one_click:
            return HttpResponse("You are unsubscribed.", content_type="text/plain")
        return render(request, "events/contacts/unsubscribed.html", {"attendee": attendee})

    live = attendee.live_consent_purposes()
    initial = {
        "wants_updates": ConsentPurpose.EMAIL_UPDATES in live,
        "wants_focus_group": ConsentPurpose.FOCUS_GROUP in live,
        "wants_lay_observation": ConsentPurpose.LAY_OBSERVATION in live,
    }
    saved = False
    if request.method == "POST" and request.POST.get("action") == "preferences":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            attendee_set_preferences(attendee=attendee, purposes=form.chosen_purposes())
            saved = True
    else:
        form = PreferencesForm(initial=initial)
    return render(
        request,
        "events/contacts/unsubscribe.html",
        {
            "attendee": attendee,
            "form": form,
            "saved": saved,
            "gets_updates": ConsentPurpose.EMAIL_UPDATES in attendee.live_consent_purposes(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def my_data(request, token):
    attendee = _attendee_for_token(token)
    if attendee is None:
        return _link_not_valid(request)
    if attendee.is_erased:
        return render(request, "events/contacts/erased.html")

    erase_form = EraseForm()
    kept = False
    if request.method == "POST" and request.POST.get("action") == "erase":
        erase_form = EraseForm(request.POST)
        if erase_form.is_valid():
            attendee_erase(attendee=attendee)
            return render(request, "events/contacts/erased.html", {"just_erased": True})
    elif request.method == "POST" and request.POST.get("action") == "keep":
        attendee_record_activity(attendee=attendee)
        kept = True
    return render(
        request,
        "events/contacts/my_data.html",
        {
            "attendee": attendee,
            "data": attendee_export(attendee=attendee),
            "erase_form": erase_form,
            "form": erase_form,
            "kept": kept,
        },
    )


@never_cache
def my_data_download(request, token):
    attendee = _attendee_for_token(token)
    if attendee is None:
        return _link_not_valid(request)
    if attendee.is_erased:
        return render(request, "events/contacts/erased.html")
    response = HttpResponse(
        json.dumps(attendee_export(attendee=attendee), indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-community-voice-data.json"'
    return response
