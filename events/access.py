"""The one way a staff page fetches the event it is about."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from engagement.roles import can
from events.models import Event


def get_event_for(request, pk, *, capability: str) -> Event:
    """The event, or a 404 if there is none; PermissionDenied unless the person may do
    what the page does with it. Views call this rather than querying events themselves,
    so that no page forgets the check."""
    if not can(request.user, capability):
        raise PermissionDenied
    return get_object_or_404(Event.objects.for_staff_page(), pk=pk)
