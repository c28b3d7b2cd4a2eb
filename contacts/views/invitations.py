"""Inviting contacts to an event. The page counts who an invitation would reach, and
only counts are shown, never names; a separate POST sends the invitations."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from contacts.filters import InviteFilter
from contacts.models import Attendee
from contacts.selectors import invitation_counts
from contacts.services.invitations import event_invite
from engagement.roles import Capability, capability_required
from events.access import get_event_for


@require_safe
@capability_required(Capability.MANAGE_EVENTS)
def event_invite_page(request, pk):
    """Invite people who get email updates, all of them or those in a community or with
    an interest. The event's own community is chosen to start with."""
    event = get_event_for(request, pk, capability=Capability.MANAGE_EVENTS)
    data = request.GET or {"community": event.focus_community_id or ""}
    invite_filter = InviteFilter(data, queryset=Attendee.objects.all())
    filters_valid = invite_filter.is_valid()
    counts = invitation_counts(event=event, attendees=invite_filter.qs) if filters_valid else None
    return render(
        request,
        "contacts/staff_invite.html",
        {
            "event": event,
            "filter": invite_filter,
            "filters_valid": filters_valid,
            "counts": counts,
            "invitable": event.can_take_invitations(),
        },
    )


@require_POST
@capability_required(Capability.MANAGE_EVENTS)
def event_invite_send(request, pk):
    event = get_event_for(request, pk, capability=Capability.MANAGE_EVENTS)
    if not event.can_take_invitations():
        messages.error(request, _("This event is over or cancelled, so nobody can be invited."))
        return redirect(event.get_staff_url())
    invite_filter = InviteFilter(request.POST, queryset=Attendee.objects.all())
    if not invite_filter.is_valid():
        # Never fall back to inviting everyone because a choice was not understood.
        messages.error(request, _("Choose who to invite again."))
        return redirect("contacts:invite", pk=event.pk)
    invited = event_invite(event=event, attendees=invite_filter.qs, by=request.user)
    if invited:
        messages.success(
            request,
            ngettext(
                "Invitations are on their way to %(count)d person.",
                "Invitations are on their way to %(count)d people.",
                invited,
            )
            % {"count": invited},
        )
    else:
        messages.info(request, _("Nobody new to invite: everyone who matches is invited."))
    return redirect(event.get_staff_url())
