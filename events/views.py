import segno
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from engagement.models import Programme
from engagement.public_cache import cached_public_page
from engagement.roles import Capability, can, capability_required
from events.access import get_event_for
from events.calendar import calendar_for_events
from events.filters import EventFilter
from events.forms import DebriefForm, EventCancelForm, EventForm, EventHeldForm, VenueForm
from events.models import Debrief, Event, Venue
from events.selectors import (
    event_key_questions_with_coverage,
    event_officers_attending,
    programme_key_questions,
)
from events.services import (
    EventDetails,
    VenueInUseError,
    debrief_save,
    event_cancel,
    event_create,
    event_mark_held,
    event_update,
    venue_archive,
    venue_delete,
    venue_unarchive,
)

EVENTS_PER_PAGE = 25


# Staff pages -----------------------------------------------------------------------


@require_safe
@capability_required(Capability.VIEW_EVENTS)
def event_list(request):
    event_filter = EventFilter(request.GET, queryset=Event.objects.for_staff_list().with_costs())
    page = Paginator(event_filter.qs, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/event_list.html",
        {
            "filter": event_filter,
            "page": page,
            "when": event_filter.form.cleaned_data.get("when") or EventFilter.When.UPCOMING,
            "when_choices": EventFilter.WHEN_CHOICES,
            "can_manage": can(request.user, Capability.MANAGE_EVENTS),
        },
    )


@require_safe
@capability_required(Capability.VIEW_EVENTS)
def event_detail(request, pk):
    event = get_event_for(request, pk, capability=Capability.VIEW_EVENTS)
    officers = event_officers_attending(event=event)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "officers": officers,
            "officer_count": len(officers) + event.other_officers_count,
            "key_questions": event_key_questions_with_coverage(event=event),
            "debrief": getattr(event, "debrief", None),
            "programme_costs": event.programme.events.cost_totals(),
            "can_manage": can(request.user, Capability.MANAGE_EVENTS),
        },
    )


@capability_required(Capability.MANAGE_EVENTS)
def event_create_view(request):
    initial = {"programme": Programme.objects.active().first(), "lead_organiser": request.user}
    form = EventForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        proposed = data.pop("proposed_community")
        event = event_create(
            details=EventDetails(**data), by=request.user, proposed_community=proposed
        )
        messages.success(request, _("The event is saved."))
        return redirect(event.get_staff_url())
    return render(request, "events/event_form.html", {"form": form, "event": None})


@capability_required(Capability.MANAGE_EVENTS)
def event_edit(request, pk):
    event = get_event_for(request, pk, capability=Capability.MANAGE_EVENTS)
    form = EventForm(request.POST if request.method == "POST" else None, instance=event)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        proposed = data.pop("proposed_community")
        event_update(
            event=event, details=EventDetails(**data), by=request.user, proposed_community=proposed
        )
        messages.success(request, _("Your changes are saved."))
        return redirect(event.get_staff_url())
    return render(request, "events/event_form.html", {"form": form, "event": event})


@capability_required(Capability.MANAGE_EVENTS)
def event_cancel_view(request, pk):
    event = get_event_for(request, pk, capability=Capability.MANAGE_EVENTS)
    if event.is_held:
        messages.error(request, _("This event has already been held, so it cannot be cancelled."))
        return redirect(event.get_staff_url())
    form = EventCancelForm(
        request.POST if request.method == "POST" else None,
        initial={"reason": event.cancellation_reason},
    )
    if request.method == "POST" and form.is_valid():
        event_cancel(event=event, reason=form.cleaned_data["reason"])
        messages.success(request, _("The event is cancelled."))
        return redirect(event.get_staff_url())
    return render(request, "events/event_cancel.html", {"form": form, "event": event})


@capability_required(Capability.MANAGE_EVENTS)
def event_mark_held_view(request, pk):
    event = get_event_for(request, pk, capability=Capability.MANAGE_EVENTS)
    if not event.can_be_marked_held():
        messages.error(request, event.reason_it_cannot_be_marked_held())
        return redirect(event.get_staff_url())
    form = EventHeldForm(request.POST if request.method == "POST" else None, instance=event)
    if request.method == "POST" and form.is_valid():
        event_mark_held(event=event, **form.cleaned_data)
        messages.success(request, _("The event is marked as held."))
        return redirect(event.get_staff_url())
    return render(request, "events/event_held.html", {"form": form, "event": event})


@capability_required(Capability.MANAGE_EVENTS)
def event_debrief(request, pk):
    event = get_event_for(request, pk, capability=Capability.MANAGE_EVENTS)
    debrief = getattr(event, "debrief", None) or Debrief(event=event)
    form = DebriefForm(request.POST if request.method == "POST" else None, instance=debrief)
    if request.method == "POST" and form.is_valid():
        debrief_save(event=event, by=request.user, **form.cleaned_data)
        messages.success(request, _("The debrief is saved."))
        return redirect(event.get_staff_url())
    return render(request, "events/event_debrief.html", {"form": form, "event": event})


@require_safe
@capability_required(Capability.VIEW_EVENTS)
def event_poster(request, pk):
    event = get_event_for(request, pk, capability=Capability.VIEW_EVENTS)
    back_url = event.get_staff_url()
    language = event.print_language(request.GET.get("language"))
    with translation.override(language):
        feedback_url = event.feedback_url()
        qr_svg = segno.make(feedback_url, error="m").svg_inline(
            scale=8, border=4, title=_("QR code for the feedback form")
        )
        other_languages = []
        for other in event.print_languages():
            if other.code == language:
                continue
            with translation.override(other.code):
                address = event.feedback_url().split("://", 1)[-1]
            other_languages.append(
                {"code": other.code, "name_local": other.name_local, "short_url": address}
            )
        return render(
            request,
            "events/event_poster.html",
            {
                "event": event,
                "back_url": back_url,
                "feedback_url": feedback_url,
                "short_url": feedback_url.split("://", 1)[-1],
                "qr_svg": qr_svg,
                "key_questions": programme_key_questions(programme=event.programme),
                "poster_languages": event.print_languages(),
                "other_languages": other_languages,
            },
        )


@require_safe
@capability_required(Capability.VIEW_EVENTS)
def venue_list(request):
    show_archived = request.GET.get("archived") == "1"
    return render(
        request,
        "events/venue_list.html",
        {
            "venues": Venue.objects.for_list(include_archived=show_archived),
            "show_archived": show_archived,
            "can_manage": can(request.user, Capability.MANAGE_EVENTS),
        },
    )


@capability_required(Capability.MANAGE_EVENTS)
def venue_create(request):
    form = VenueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        venue = form.save()
        messages.success(request, _("%(venue)s is added.") % {"venue": venue})
        return redirect("events:venue-list")
    return render(request, "events/venue_form.html", {"form": form, "venue": None})


@capability_required(Capability.MANAGE_EVENTS)
def venue_edit(request, pk):
    venue = get_object_or_404(Venue, pk=pk)
    form = VenueForm(request.POST if request.method == "POST" else None, instance=venue)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your changes are saved."))
        return redirect("events:venue-list")
    return render(
        request,
        "events/venue_form.html",
        {"form": form, "venue": venue, "in_use": venue.is_in_use()},
    )


@require_POST
@capability_required(Capability.MANAGE_EVENTS)
def venue_archive_view(request, pk):
    venue = get_object_or_404(Venue, pk=pk)
    venue_archive(venue=venue)
    messages.success(request, _("%(venue)s is archived.") % {"venue": venue})
    return redirect("events:venue-list")


@require_POST
@capability_required(Capability.MANAGE_EVENTS)
def venue_unarchive_view(request, pk):
    venue = get_object_or_404(Venue, pk=pk)
    venue_unarchive(venue=venue)
    messages.success(request, _("%(venue)s is back in use.") % {"venue": venue})
    return redirect("events:venue-list")


@require_POST
@capability_required(Capability.MANAGE_EVENTS)
def venue_delete_view(request, pk):
    venue = get_object_or_404(Venue, pk=pk)
    try:
        venue_delete(venue=venue)
    except VenueInUseError:
        messages.error(
            request,
            _("%(venue)s has events, so it cannot be deleted. You can archive it instead.")
            % {"venue": venue},
        )
        return redirect("events:venue-edit", pk=venue.pk)
    messages.success(request, _("%(venue)s is deleted.") % {"venue": venue})
    return redirect("events:venue-list")


# Public pages ----------------------------------------------------------------------

HOME_PAGE_EVENTS = 3


@cached_public_page
def home(request):
    return render(
        request,
        "events/home.html",
        {"next_events": Event.objects.public_listing()[:HOME_PAGE_EVENTS]},
    )


@cached_public_page
def public_event_list(request):
    events = Event.objects.public_listing()
    return render(request, "events/public_list.html", {"events": events})


def _to_current_address(slug, url_name):
    """A published event asked for at an address it had before its title or date
    changed moves there for good; anything else is not found."""
    event = get_object_or_404(Event.objects.published().formerly_at(slug).only("slug"))
    return redirect(url_name, slug=event.slug, permanent=True)


@cached_public_page
def public_event_detail(request, slug):
    event = Event.objects.for_public_page().filter(slug=slug).first()
    if event is None:
        return _to_current_address(slug, "events:public-detail")
    return render(request, "events/public_detail.html", {"event": event})


def _calendar_response(calendar, filename):
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@cached_public_page
def public_calendar(request):
    return _calendar_response(
        calendar_for_events(Event.objects.for_calendar_feed(), request=request),
        "community-voice-events.ics",
    )


@cached_public_page
def public_event_calendar(request, slug):
    event = Event.objects.for_public_page().filter(slug=slug).first()
    if event is None:
        return _to_current_address(slug, "events:public-event-calendar")
    return _calendar_response(calendar_for_events([event], request=request), f"{event.slug}.ics")
