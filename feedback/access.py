"""The one way a panel page finds out whose it is. Every page under /panel/ (apart from
the invitation link, which makes members) goes through here, so that a member who steps
down, or whose membership a Coordinator ends, loses access at once, on every device."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from engagement.roles import Capability, can
from feedback.models import FocusGroupMember


def get_active_member(request) -> FocusGroupMember:
    """The signed-in person's membership, if it is active now; PermissionDenied if not.
    Holding the role is not enough on its own: the membership must be current too."""
    if not can(request.user, Capability.USE_PANEL):
        raise PermissionDenied
    member = (
        FocusGroupMember.objects.active().select_related("user").filter(user=request.user).first()
    )
    if member is None:
        raise PermissionDenied
    return member


def panel_member_required(view):
    """View decorator: sign in first, then refuse anyone who is not an active member.
    The view finds the membership in `request.focus_group_member`."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        request.focus_group_member = get_active_member(request)
        return view(request, *args, **kwargs)

    return wrapped
