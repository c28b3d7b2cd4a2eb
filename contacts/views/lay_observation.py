"""Staff pages for lay observation: the opportunities, who has a place, offering
places, the vetting outcome and who came.

Names are personal data: only people who may see it (Coordinators and
Administrators) see who was offered a place, and every page that shows names is
written to the audit log and never cached. Leaders see the opportunities and their
counts. Coordinators plan opportunities and offer places, as they plan events."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from contacts.filters import OfferFilter
from contacts.forms.lay_observation import (
    AttendanceForm,
    OfferForm,
    OpportunityCancelForm,
    OpportunityForm,
    VettingForm,
)
from contacts.models import Attendee, ObservationPlace, Opportunity
from contacts.selectors import opportunities_for_list, opportunity_people
from contacts.services.lay_observation import (
    OpportunityDetails,
    PlaceProblem,
    opportunity_cancel,
    opportunity_create,
    opportunity_edit,
    opportunity_offer,
    place_mark_attendance,
    place_set_vetting,
)
from engagement.models import AuditLogEntry
from engagement.roles import Capability, can, capability_required
from engagement.services import audit_record

OPPORTUNITIES_PER_PAGE = 25
CONTACTS_PER_PAGE = 100


def _get_opportunity(pk) -> Opportunity:
    return get_object_or_404(
        Opportunity.objects.with_place_counts().select_related("kind", "contact_officer"), pk=pk
    )


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


# Reading -------------------------------------------------------------------------------


@require_safe
@capability_required(Capability.VIEW_CONTACT_COUNTS)
def opportunity_list(request):
    """Counts only: how many places are taken and how many people wait, never names."""
    upcoming = request.GET.get("when") != "past"
    page = Paginator(opportunities_for_list(upcoming=upcoming), OPPORTUNITIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "contacts/lay_observation/list.html",
        {
            "page": page,
            "upcoming": upcoming,
            "can_manage": can(request.user, Capability.MANAGE_EVENTS),
        },
    )


@require_safe
@never_cache
@capability_required(Capability.VIEW_CONTACT_COUNTS)
def opportunity_detail(request, pk):
    opportunity = _get_opportunity(pk)
    sees_people = can(request.user, Capability.VIEW_PERSONAL_DATA)
    can_manage = sees_people and can(request.user, Capability.MANAGE_EVENTS)
    people = opportunity_people(opportunity=opportunity) if sees_people else None
    if sees_people:
        audit_record(
            request=request,
            action=AuditLogEntry.Action.VIEWED_LIST,
            subject=f"people offered lay observation {pk}",
        )
    return render(
        request,
        "contacts/lay_observation/detail.html",
        {
            "opportunity": opportunity,
            "people": people,
            "can_manage": can_manage,
            "can_edit": can(request.user, Capability.MANAGE_EVENTS)
            and opportunity.is_open_for_answers(),
            "attendance_form": AttendanceForm(opportunity=opportunity)
            if can_manage and opportunity.can_record_attendance() and people.holding
            else None,
            "vetting_choices": VettingForm.base_fields["vetting"].choices,
            "records_vetting": can_manage
            and opportunity.needs_vetting
            and opportunity.is_open_for_answers(),
        },
    )


# Planning ------------------------------------------------------------------------------


def _details(form) -> OpportunityDetails:
    return OpportunityDetails(**form.cleaned_data)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.MANAGE_EVENTS)
def opportunity_new(request):
    form = OpportunityForm(
        request.POST if request.method == "POST" else None,
        initial={"contact_officer": request.user, "places_available": 2},
    )
    if request.method == "POST" and form.is_valid():
        opportunity = opportunity_create(details=_details(form), by=request.user)
        messages.success(request, _("The opportunity is saved. Now offer its places."))
        return redirect(opportunity.get_staff_url())
    return render(
        request, "contacts/lay_observation/form.html", {"form": form, "opportunity": None}
    )


def _refuse_closed(request, opportunity) -> bool:
    if opportunity.is_cancelled:
        messages.error(request, _("This opportunity is cancelled, so nothing can change."))
        return True
    if opportunity.has_started():
        messages.error(request, _("This opportunity has begun, so it can no longer change."))
        return True
    return False


@require_http_methods(["GET", "POST"])
@capability_required(Capability.MANAGE_EVENTS)
def opportunity_edit_view(request, pk):
    opportunity = _get_opportunity(pk)
    if _refuse_closed(request, opportunity):
        return redirect(opportunity.get_staff_url())
    form = OpportunityForm(request.POST if request.method == "POST" else None, instance=opportunity)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity_edit(opportunity=opportunity, details=_details(form), by=request.user)
        except ValueError:
            # Someone took a place, or it was cancelled, while the form was open.
            messages.error(request, _("Something changed while you were editing. Try again."))
            return redirect("contacts:lay-observation-edit", pk=pk)
        messages.success(request, _("Your changes are saved."))
        return redirect(opportunity.get_staff_url())
    return render(
        request,
        "contacts/lay_observation/form.html",
        {"form": form, "opportunity": opportunity},
    )


@require_http_methods(["GET", "POST"])
@capability_required(Capability.MANAGE_EVENTS)
def opportunity_cancel_view(request, pk):
    opportunity = _get_opportunity(pk)
    if _refuse_closed(request, opportunity):
        return redirect(opportunity.get_staff_url())
    form = OpportunityCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        told = opportunity_cancel(
            opportunity=opportunity, reason=form.cleaned_data["reason"], by=request.user
        )
        messages.success(
            request,
            ngettext(
                "The opportunity is cancelled. %(count)d person is being told by email.",
                "The opportunity is cancelled. %(count)d people are being told by email.",
                told,
            )
            % {"count": told},
        )
        return redirect(opportunity.get_staff_url())
    return render(
        request,
        "contacts/lay_observation/cancel.html",
        {"form": form, "opportunity": opportunity},
    )


# Offering places -----------------------------------------------------------------------


def _can_offer(user) -> bool:
    return can(user, Capability.MANAGE_EVENTS) and can(user, Capability.VIEW_PERSONAL_DATA)


def _offer_filter(data, opportunity) -> OfferFilter:
    people = Attendee.objects.offerable_for(opportunity).annotate(
        events_count=Count("attendances", distinct=True),
        visits_count=Count(
            "observation_places",
            filter=Q(observation_places__status=ObservationPlace.Status.ATTENDED),
            distinct=True,
        ),
    )
    return OfferFilter(data, queryset=people.order_by("name", "pk"))


@require_safe
@never_cache
@capability_required(Capability.VIEW_PERSONAL_DATA)
@capability_required(Capability.MANAGE_EVENTS)
def opportunity_offer_page(request, pk):
    """The contacts who may be offered a place, with filters; tick and send."""
    opportunity = _get_opportunity(pk)
    if _refuse_closed(request, opportunity):
        return redirect(opportunity.get_staff_url())
    offer_filter = _offer_filter(request.GET, opportunity)
    page = Paginator(offer_filter.qs, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    filters = offer_filter.describe()
    audit_record(
        request=request,
        action=AuditLogEntry.Action.VIEWED_LIST,
        subject=f"contacts to offer lay observation {pk}, page {page.number}"
        + (f"; filters: {filters}" if filters else ""),
    )
    return render(
        request,
        "contacts/lay_observation/offer.html",
        {
            "opportunity": opportunity,
            "filter": offer_filter,
            "page": page,
            "filters_valid": not offer_filter.is_bound or offer_filter.form.is_valid(),
        },
    )


@require_POST
@capability_required(Capability.VIEW_PERSONAL_DATA)
@capability_required(Capability.MANAGE_EVENTS)
def opportunity_offer_send(request, pk):
    opportunity = _get_opportunity(pk)
    if _refuse_closed(request, opportunity):
        return redirect(opportunity.get_staff_url())
    form = OfferForm(request.POST, opportunity=opportunity)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("contacts:lay-observation-offer", pk=pk)
    chosen = Attendee.objects.filter(pk__in=[a.pk for a in form.cleaned_data["attendees"]])
    offered = opportunity_offer(opportunity=opportunity, attendees=chosen, by=request.user)
    messages.success(
        request,
        ngettext(
            "An offer is on its way to %(count)d person.",
            "Offers are on their way to %(count)d people.",
            offered,
        )
        % {"count": offered},
    )
    return redirect(opportunity.get_staff_url())


# Vetting and the day itself ------------------------------------------------------------


@require_POST
@capability_required(Capability.VIEW_PERSONAL_DATA)
@capability_required(Capability.MANAGE_EVENTS)
def place_vetting(request, pk):
    opportunity = _get_opportunity(pk)
    form = VettingForm(request.POST, opportunity=opportunity)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(opportunity.get_staff_url())
    place = form.cleaned_data["place"]
    try:
        changed = place_set_vetting(
            place=place, vetting=form.cleaned_data["vetting"], by=request.user
        )
    except PlaceProblem:
        messages.error(
            request,
            _("The check can be recorded only for people with a place, before the day."),
        )
        return redirect(opportunity.get_staff_url())
    if changed:
        audit_record(
            request=request,
            action=AuditLogEntry.Action.CHANGED_CONTACT,
            subject=f"contact {place.attendee_id}: vetting for lay observation {pk}",
        )
        if form.cleaned_data["vetting"] == ObservationPlace.Vetting.NOT_CLEARED:
            messages.success(
                request,
                _(
                    "Recorded. They are told kindly that there is no place for them this "
                    "time, and the place goes to the waiting list."
                ),
            )
        else:
            messages.success(request, _("The check is recorded."))
    return redirect(opportunity.get_staff_url())


@require_POST
@capability_required(Capability.VIEW_PERSONAL_DATA)
@capability_required(Capability.MANAGE_EVENTS)
def opportunity_attendance(request, pk):
    opportunity = _get_opportunity(pk)
    if not opportunity.can_record_attendance():
        messages.error(request, _("Who came can be recorded once the opportunity has begun."))
        return redirect(opportunity.get_staff_url())
    form = AttendanceForm(request.POST, opportunity=opportunity)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(opportunity.get_staff_url())
    try:
        came, did_not = place_mark_attendance(
            opportunity=opportunity,
            came={place.pk for place in form.cleaned_data["came"]},
            by=request.user,
        )
    except PlaceProblem:
        messages.error(request, _("Who came can be recorded once the opportunity has begun."))
        return redirect(opportunity.get_staff_url())
    audit_record(
        request=request,
        action=AuditLogEntry.Action.CHANGED_CONTACT,
        subject=f"attendance at lay observation {pk}",
    )
    messages.success(
        request,
        _(
            "Recorded: %(came)d came, %(did_not)d did not. Each visitor is emailed the "
            "form to tell us what they thought."
        )
        % {"came": came, "did_not": did_not},
    )
    return redirect(opportunity.get_staff_url())
