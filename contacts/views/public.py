"""The public's own pages about their contact details: opting in, confirming,
unsubscribing, and seeing, downloading and erasing what we hold, and answering an
offer of a lay observation place. None of them needs an account. The unsubscribe link
in every email only unsubscribes; everything else is reached through a link emailed to
the contact's own address."""

import contextlib
import json
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from contacts.forms import EraseForm, KeepInTouchForm, MyDataRequestForm, PreferencesForm
from contacts.forms.lay_observation import TakePlaceForm
from contacts.models import (
    PRIVACY_NOTICE_VERSION,
    Attendee,
    ConsentPurpose,
    ConsentRecord,
    ObservationPlace,
)
from contacts.services.consent import (
    attendee_record_activity,
    attendee_set_preferences,
    consent_withdraw,
)
from contacts.services.lay_observation import (
    PlaceProblem,
    place_cancel,
    place_decline,
    place_problem,
    place_take,
)
from contacts.services.links import (
    LinkProblem,
    attendee_for_keep_link,
    attendee_for_my_data_link,
    place_for_lay_observation_link,
)
from contacts.services.records import attendee_erase, attendee_export
from contacts.services.sign_up import (
    attendee_send_my_data_link,
    confirmation_apply,
    confirmation_for_link,
    my_data_link_send,
    sign_up_submit,
)
from engagement.public_cache import cached_public_page
from engagement.ratelimit import too_many


def _link_not_valid(request):
    return render(request, "contacts/link_not_valid.html", status=404)


def _too_many(request, scope: str) -> bool:
    return too_many(
        request,
        scope=scope,
        limit=settings.KEEP_IN_TOUCH_RATE_LIMIT,
        window_seconds=settings.KEEP_IN_TOUCH_RATE_WINDOW_MINUTES * 60,
    )


def _refuse_too_many(request):
    return render(request, "contacts/too_many.html", status=429)


def _link_sent(request, *, via_unsubscribe: bool = False):
    return render(
        request,
        "contacts/my_data_link_sent.html",
        {
            "via_unsubscribe": via_unsubscribe,
            "valid_minutes": settings.MY_DATA_LINK_MINUTES,
            "per_day": settings.LINK_EMAILS_PER_ADDRESS_PER_DAY,
        },
    )


def _link_problem(request, problem: LinkProblem, *, kind: str):
    return render(
        request,
        "contacts/link_problem.html",
        {
            "reason": problem.reason,
            "kind": kind,
            "valid_minutes": settings.MY_DATA_LINK_MINUTES,
            "valid_days": settings.PURGE_NOTICE_DAYS,
        },
        status=410 if problem.reason == "expired" else 404,
    )


# Keeping in touch ------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@cached_public_page
def keep_in_touch(request):
    form = KeepInTouchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # Only forms that would be kept count, so a person fixing a mistake is not
        # turned away.
        if _too_many(request, "keep-in-touch"):
            return _refuse_too_many(request)
        data = form.cleaned_data
        sign_up_submit(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            purposes=form.chosen_purposes(),
            communities=data["communities"],
            ethnicity=data["ethnicity"],
            age_band=data["age_band"],
            postcode_district=data["postcode_district"],
            language=data["email_language"],
        )
        if data["email"]:
            return redirect("keep-in-touch-check-email")
        return redirect("keep-in-touch-thanks")
    return render(
        request,
        "contacts/keep_in_touch.html",
        {"form": form, "notice_version": PRIVACY_NOTICE_VERSION},
    )


@require_safe
def keep_in_touch_thanks(request):
    return render(request, "contacts/keep_in_touch_thanks.html", {"check_email": False})


@require_safe
def keep_in_touch_check_email(request):
    return render(
        request,
        "contacts/keep_in_touch_thanks.html",
        {
            "check_email": True,
            "valid_days": settings.CONFIRMATION_LINK_DAYS,
            "per_day": settings.LINK_EMAILS_PER_ADDRESS_PER_DAY,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def keep_in_touch_confirm(request, signed):
    """Opening the link shows what will be saved; only pressing Confirm saves it."""
    try:
        if request.method == "POST":
            attendee = confirmation_apply(signed=signed)
            return render(
                request,
                "contacts/confirmed.html",
                {"gets_updates": ConsentPurpose.EMAIL_UPDATES in attendee.live_consent_purposes()},
            )
        confirmation = confirmation_for_link(signed=signed)
    except LinkProblem as problem:
        return render(
            request,
            "contacts/confirm_problem.html",
            {"reason": problem.reason},
            status={"expired": 410, "used": 410}.get(problem.reason, 404),
        )
    return render(
        request,
        "contacts/confirm.html",
        {"sign_up": confirmation.sign_up, "valid_days": settings.CONFIRMATION_LINK_DAYS},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def keep_in_touch_keep(request, signed):
    """The link in the notice before deletion: one button that keeps the details."""
    try:
        attendee = attendee_for_keep_link(signed=signed)
    except LinkProblem as problem:
        return _link_problem(request, problem, kind="keep")
    if attendee.is_erased:
        return render(request, "contacts/erased.html")
    kept = False
    if request.method == "POST":
        attendee_record_activity(attendee=attendee)
        kept = True
    return render(request, "contacts/keep.html", {"kept": kept})


# Unsubscribing ---------------------------------------------------------------------


def _unsubscribe_attendee(view):
    """Find the contact an unsubscribe link is for, or answer with a page that says
    the link does not work or that nothing is held."""

    @wraps(view)
    def wrapper(request, token):
        attendee = Attendee.objects.filter(token=token).first()
        if attendee is None:
            return _link_not_valid(request)
        if attendee.is_erased:
            return render(request, "contacts/erased.html")
        return view(request, attendee, token)

    return wrapper


# The unsubscribe pages need no cookie or CSRF token: mail clients send neither, and
# the token travels in email headers, so the pages show nothing about the person. Both
# ways of unsubscribing are idempotent and answer with a page, never a redirect.


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
@_unsubscribe_attendee
def unsubscribe(request, attendee, token):
    """The address in every email's List-Unsubscribe header. Opened in a browser it
    shows a button; the POST is the one-click unsubscribe of RFC 8058."""
    if request.method == "GET":
        return render(request, "contacts/unsubscribe.html", {"token": token})
    if request.POST.get("List-Unsubscribe") != "One-Click":
        # Not the request RFC 8058 describes, so not a mail client: the page's button
        # posts elsewhere, and shows what happened.
        return render(request, "contacts/unsubscribe.html", {"token": token}, status=400)
    consent_withdraw(
        attendee=attendee,
        purpose=ConsentPurpose.EMAIL_UPDATES,
        method=ConsentRecord.WithdrawalMethod.ONE_CLICK,
    )
    return HttpResponse("You are unsubscribed.", content_type="text/plain")


@csrf_exempt
@never_cache
@require_POST
@_unsubscribe_attendee
def unsubscribe_confirm(request, attendee, token):
    """The button on the unsubscribe page."""
    consent_withdraw(
        attendee=attendee,
        purpose=ConsentPurpose.EMAIL_UPDATES,
        method=ConsentRecord.WithdrawalMethod.PREFERENCES,
    )
    return render(request, "contacts/unsubscribed.html", {"token": token})


@never_cache
@require_POST
@_unsubscribe_attendee
def unsubscribe_send_link(request, attendee, token):
    """Email a my-data link to the address the unsubscribe link was sent to."""
    if _too_many(request, "my-data-link"):
        return _refuse_too_many(request)
    attendee_send_my_data_link(attendee=attendee)
    return _link_sent(request, via_unsubscribe=True)


# Seeing, changing, downloading and erasing one's own data --------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def my_data_request(request):
    """Ask for a link by email. The answer is the same whether or not the address is
    known, so the page cannot be used to find out who is a contact."""
    form = MyDataRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if _too_many(request, "my-data-link"):
            return _refuse_too_many(request)
        my_data_link_send(email=form.cleaned_data["email"])
        return _link_sent(request)
    return render(
        request,
        "contacts/my_data_request.html",
        {"form": form, "valid_minutes": settings.MY_DATA_LINK_MINUTES},
    )


def _with_my_data_link(view):
    """Open a short-lived my-data link, or explain kindly why it does not open."""

    @wraps(view)
    def wrapper(request, signed):
        try:
            attendee = attendee_for_my_data_link(signed=signed)
        except LinkProblem as problem:
            return _link_problem(request, problem, kind="my_data")
        if attendee.is_erased:
            return render(request, "contacts/erased.html")
        return view(request, attendee, signed)

    return wrapper


def _my_data_page(request, attendee, signed, *, erase_form=None):
    live = attendee.live_consent_purposes()
    preferences_form = PreferencesForm(
        initial={
            "wants_updates": ConsentPurpose.EMAIL_UPDATES in live,
            "wants_focus_group": ConsentPurpose.FOCUS_GROUP in live,
            "wants_lay_observation": ConsentPurpose.LAY_OBSERVATION in live,
            "email_language": attendee.language,
        }
    )
    return render(
        request,
        "contacts/my_data.html",
        {
            "attendee": attendee,
            "signed": signed,
            "data": attendee_export(attendee=attendee),
            "preferences_form": preferences_form,
            "erase_form": erase_form or EraseForm(),
            "delete_on": attendee.erasure_due_at,
            "retention_months": settings.CONTACT_RETENTION_MONTHS,
        },
    )


@never_cache
@require_http_methods(["GET"])
@_with_my_data_link
def my_data(request, attendee, signed):
    return _my_data_page(request, attendee, signed)


@never_cache
@require_POST
@_with_my_data_link
def my_data_preferences(request, attendee, signed):
    form = PreferencesForm(request.POST)
    # Only tick boxes: a form with none ticked is a valid answer.
    form.is_valid()
    attendee_set_preferences(
        attendee=attendee,
        purposes=form.chosen_purposes(),
        language=form.cleaned_data.get("email_language") or None,
    )
    messages.success(request, _("Your choices are saved."))
    return redirect("my-data", signed=signed)


@never_cache
@require_POST
@_with_my_data_link
def my_data_keep(request, attendee, signed):
    attendee_record_activity(attendee=attendee)
    messages.success(request, _("Thank you. We will keep your details."))
    return redirect("my-data", signed=signed)


@never_cache
@require_POST
@_with_my_data_link
def my_data_erase(request, attendee, signed):
    form = EraseForm(request.POST)
    if not form.is_valid():
        return _my_data_page(request, attendee, signed, erase_form=form)
    attendee_erase(attendee=attendee)
    return render(request, "contacts/erased.html", {"just_erased": True})


@never_cache
@require_http_methods(["GET"])
@_with_my_data_link
def my_data_download(request, attendee, signed):
    response = HttpResponse(
        json.dumps(attendee_export(attendee=attendee), indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-community-voice-data.json"'
    return response


# Answering an offer of a lay observation place -----------------------------------------


def _with_place_link(view):
    """Open the link in an email about a lay observation place, or explain kindly why
    it does not open."""

    @wraps(view)
    def wrapper(request, signed):
        try:
            place = place_for_lay_observation_link(signed=signed)
        except LinkProblem as problem:
            return render(
                request,
                "contacts/lay_observation/link_problem.html",
                {"reason": problem.reason},
                status=410 if problem.reason == "expired" else 404,
            )
        if place.attendee.is_erased:
            return render(request, "contacts/erased.html")
        return view(request, place, signed)

    return wrapper


def _place_page(request, place, signed, *, take_form=None):
    problem = place_problem(place)
    if problem:
        return render(
            request,
            "contacts/lay_observation/closed.html",
            {"reason": problem, "opportunity": place.opportunity, "place": place},
            status=410,
        )
    opportunity = place.opportunity
    holding = opportunity.places.holding().count()
    free = max(opportunity.places_available - holding, 0)
    Status = ObservationPlace.Status
    position = None
    if place.status == Status.WAITING:
        position = (
            opportunity.places.waiting_in_order()
            .filter(waiting_since__lte=place.waiting_since)
            .exclude(waiting_since=place.waiting_since, pk__gt=place.pk)
            .count()
        )
    may_take = place.status in (Status.OFFERED, Status.DECLINED) or (
        place.status == Status.WAITING and free
    )
    return render(
        request,
        "contacts/lay_observation/place.html",
        {
            "signed": signed,
            "place": place,
            "opportunity": opportunity,
            "kind": opportunity.kind,
            "officer": opportunity.contact_officer,
            "free": free,
            "position": position,
            "take_form": (take_form or TakePlaceForm(opportunity=opportunity))
            if may_take
            else None,
            "may_decline": place.status in (Status.OFFERED, Status.WAITING),
            "may_cancel": place.status == Status.TAKEN,
            "not_cleared": place.vetting_status == ObservationPlace.Vetting.NOT_CLEARED,
        },
        status=400 if take_form is not None else 200,
    )


@never_cache
@require_safe
@_with_place_link
def lay_observation_place(request, place, signed):
    """The opportunity, where the person stands, and what they can do next. Where to
    go is shown only to someone who has a place."""
    return _place_page(request, place, signed)


def _answered(signed):
    # Back to the page, which says where they now stand, whatever the answer did.
    return redirect("lay-observation-place", signed=signed)


@never_cache
@require_POST
@_with_place_link
def lay_observation_take(request, place, signed):
    form = TakePlaceForm(request.POST, opportunity=place.opportunity)
    if not place_problem(place) and not form.is_valid():
        return _place_page(request, place, signed, take_form=form)
    # A link that can no longer answer shows why on the page it returns to.
    with contextlib.suppress(PlaceProblem):
        place_take(place=place)
    return _answered(signed)


@never_cache
@require_POST
@_with_place_link
def lay_observation_decline(request, place, signed):
    # A link that can no longer answer shows why on the page it returns to.
    with contextlib.suppress(PlaceProblem):
        place_decline(place=place)
    return _answered(signed)


@never_cache
@require_POST
@_with_place_link
def lay_observation_cancel(request, place, signed):
    # A link that can no longer answer shows why on the page it returns to.
    with contextlib.suppress(PlaceProblem):
        place_cancel(place=place)
    return _answered(signed)
