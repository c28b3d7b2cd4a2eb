"""The focus group's own pages, at /panel/, made for phones first. Members see what
needs them, the group's meetings, and how to step down; never anyone's personal data,
other members' names included. Joining by the emailed invitation is the one page here
that needs no account, since it is where the account is made."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from contacts.services.links import LinkProblem
from feedback.access import panel_member_required
from feedback.forms import JoinForm, suggested_username
from feedback.models import INVITATION_VALID_DAYS, FocusGroupMeeting, LiveSession
from feedback.selectors import findings_to_check
from feedback.services import (
    MeetingClosed,
    UsernameTaken,
    focus_group_invitation_for_link,
    focus_group_join,
    focus_group_meeting_reply,
    focus_group_member_end,
)

# The account is made here without a sign-in page, so Django is told which of the
# configured backends signed the person in.
SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_safe
@never_cache
@panel_member_required
def panel_home(request):
    member = request.focus_group_member
    return render(
        request,
        "panel/home.html",
        {
            "to_check": findings_to_check(member=member),
            "upcoming_meetings": FocusGroupMeeting.objects.upcoming().with_reply_of(member),
            "meetings_attended": FocusGroupMeeting.objects.attended_by_member(member).order_by(
                "-starts_at"
            ),
            # A member facilitating at an event moderates its live session from here.
            "live_sessions": LiveSession.objects.open()
            .filter(event__in=member.events_facilitated.all())
            .select_related("event"),
        },
    )


def _meeting_reply(request, pk, *, can_come: bool):
    meeting = get_object_or_404(FocusGroupMeeting, pk=pk)
    try:
        focus_group_meeting_reply(
            meeting=meeting, member=request.focus_group_member, can_come=can_come
        )
    except MeetingClosed:
        messages.error(
            request,
            _("This meeting has been cancelled or has already started, so replies are closed."),
        )
    else:
        if can_come:
            messages.success(request, _("Thank you. We have noted that you can come."))
        else:
            messages.success(request, _("Thank you. We have noted that you cannot come."))
    return redirect(f"{reverse('panel:home')}#meeting-{meeting.pk}")


@require_POST
@panel_member_required
def meeting_can_come(request, pk):
    return _meeting_reply(request, pk, can_come=True)


@require_POST
@panel_member_required
def meeting_cannot_come(request, pk):
    return _meeting_reply(request, pk, can_come=False)


@never_cache
@require_http_methods(["GET", "POST"])
@panel_member_required
def step_down(request):
    """A page that says what stepping down means, and the button that does it. The
    membership ends at once, the person is signed out, and a thank-you page follows."""
    if request.method == "POST":
        member = request.focus_group_member
        focus_group_member_end(member=member, by=member.user)
        logout(request)
        return render(request, "panel/stepped_down.html")
    return render(request, "panel/step_down.html")


# Joining ------------------------------------------------------------------------------


def _join_problem(request, problem: LinkProblem):
    return render(
        request,
        "panel/join_problem.html",
        {"reason": problem.reason, "valid_days": INVITATION_VALID_DAYS},
        status=410 if problem.reason in ("expired", "used") else 404,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def join(request, signed):
    """The page the emailed invitation opens: a welcome, the ground rules, and a form to
    make an account. A link that was used, has run out, or was never ours gets a page
    that says so and what to do instead."""
    try:
        invitation = focus_group_invitation_for_link(signed=signed)
    except LinkProblem as problem:
        return _join_problem(request, problem)
    attendee = invitation.attendee
    if request.method == "POST":
        form = JoinForm(request.POST, name=attendee.name, email=attendee.email)
    else:
        form = JoinForm(
            initial={"username": suggested_username(attendee.name)},
            name=attendee.name,
            email=attendee.email,
        )
    if request.method == "POST" and form.is_valid():
        try:
            member = focus_group_join(
                signed=signed,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
            )
        except LinkProblem as problem:
            return _join_problem(request, problem)
        except UsernameTaken:
            form.add_error(
                "username", _("Someone already has this username. Choose a different one.")
            )
        else:
            login(request, member.user, backend=SIGN_IN_BACKEND)
            messages.success(
                request, _("Welcome to the focus group. You are signed in to your page.")
            )
            return redirect("panel:home")
    return render(
        request,
        "panel/join.html",
        {"form": form, "first_name": (attendee.name.split() or [""])[0]},
    )
