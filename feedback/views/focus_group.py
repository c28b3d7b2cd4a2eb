"""Staff pages about the focus group: its members, inviting contacts who would like to
join, ending a membership, the group's meetings, and who facilitated at an event.

Members' names are personal data, as are the names of the contacts who could be
invited: only people who may see personal data reach these pages, and only
Coordinators change anything. Every page that lists names is written to the audit log
and never cached."""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from contacts.models import Attendee
from engagement.models import AuditLogEntry
from engagement.roles import Capability, can, capability_required
from engagement.services import audit_record
from events.access import get_event_for
from feedback.forms import CancelMeetingForm, EndMembershipForm, MeetingForm, MembersForm
from feedback.models import INVITATION_VALID_DAYS, FocusGroupMeeting, FocusGroupMember
from feedback.selectors import focus_group_candidates
from feedback.services import (
    MeetingClosed,
    MeetingDetails,
    NotInvitable,
    focus_group_invite,
    focus_group_meeting_cancel,
    focus_group_meeting_record_attendance,
    focus_group_meeting_schedule,
    focus_group_meeting_update,
    focus_group_member_end,
    focus_group_record_facilitators,
)
from feedback.services.focus_group import INVITATION_RESEND_AFTER

CANDIDATES_PER_PAGE = 50
PAST_MEETINGS_SHOWN = 6

# Reading names needs the one capability, changing anything both.
personal_data_required = capability_required(Capability.VIEW_PERSONAL_DATA)
manage_required = capability_required(Capability.MANAGE_FEEDBACK)

NOT_INVITABLE = {
    "no_consent": gettext_lazy(
        "They cannot be invited: they have not said they would like to join the focus "
        "group, or have changed their mind."
    ),
    "no_email": gettext_lazy(
        "They cannot be invited by email: we have no email address for them. Phone them "
        "instead, or add their address to their contact record first."
    ),
    "member": gettext_lazy("They are a member of the focus group already."),
    "recently_invited": gettext_lazy(
        "An invitation went to them less than a day ago. Give them time to open it; you "
        "can send another tomorrow."
    ),
}


def _audit_names(request, subject: str) -> None:
    audit_record(request=request, action=AuditLogEntry.Action.VIEWED_LIST, subject=subject)


def _get_member(pk) -> FocusGroupMember:
    return get_object_or_404(FocusGroupMember.objects.select_related("user"), pk=pk)


def _get_meeting(pk) -> FocusGroupMeeting:
    return get_object_or_404(FocusGroupMeeting, pk=pk)


# Members ------------------------------------------------------------------------------


@require_safe
@never_cache
@personal_data_required
def members(request):
    listed = FocusGroupMember.objects.for_staff_list()
    _audit_names(request, "focus group members")
    return render(
        request,
        "feedback/focus_group/members.html",
        {
            "active_members": listed.active(),
            "past_members": listed.past().select_related("ended_by").order_by("-ended_at"),
            "upcoming_meetings": FocusGroupMeeting.objects.upcoming().with_reply_counts(),
            "past_meetings": FocusGroupMeeting.objects.past().with_reply_counts()[
                :PAST_MEETINGS_SHOWN
            ],
            "can_manage": can(request.user, Capability.MANAGE_FEEDBACK),
        },
    )


@require_safe
@never_cache
@personal_data_required
@manage_required
def invite(request):
    """Contacts who ticked "I would like to join the focus group" and are not members,
    each with a button that emails them an invitation."""
    page = Paginator(focus_group_candidates(), CANDIDATES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    _audit_names(request, f"contacts who would like to join the focus group, page {page.number}")
    now = timezone.now()
    return render(
        request,
        "feedback/focus_group/invite.html",
        {
            "page": page,
            "resend_after": now - INVITATION_RESEND_AFTER,
            "still_valid_after": now - timedelta(days=INVITATION_VALID_DAYS),
            "valid_days": INVITATION_VALID_DAYS,
        },
    )


@require_POST
@personal_data_required
@manage_required
def invite_send(request, pk):
    attendee = get_object_or_404(Attendee.objects.not_erased(), pk=pk)
    try:
        focus_group_invite(attendee=attendee, by=request.user)
    except NotInvitable as refusal:
        messages.error(request, NOT_INVITABLE[refusal.reason])
    else:
        messages.success(
            request,
            _("An invitation is on its way to %(name)s. The link in it works for %(days)d days.")
            % {"name": attendee, "days": INVITATION_VALID_DAYS},
        )
    return redirect("feedback:focus-group-invite")


@never_cache
@require_http_methods(["GET", "POST"])
@personal_data_required
@manage_required
def member_end(request, pk):
    member = _get_member(pk)
    if member.ended_at is not None:
        messages.info(request, _("%(name)s is not a member any more.") % {"name": member.name})
        return redirect("feedback:focus-group")
    form = EndMembershipForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        focus_group_member_end(member=member, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _("%(name)s is no longer a member. They cannot open the focus group pages any more.")
            % {"name": member.name},
        )
        return redirect("feedback:focus-group")
    return render(request, "feedback/focus_group/member_end.html", {"member": member, "form": form})


# Meetings -----------------------------------------------------------------------------


def _say_members_are_told(request, meeting: FocusGroupMeeting) -> None:
    if meeting.is_upcoming():
        messages.info(request, _("Active members are being emailed about it."))


@never_cache
@require_http_methods(["GET", "POST"])
@personal_data_required
@manage_required
def meeting_new(request):
    form = MeetingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        meeting = focus_group_meeting_schedule(
            details=MeetingDetails(**form.cleaned_data), by=request.user
        )
        messages.success(request, _("The meeting is scheduled."))
        _say_members_are_told(request, meeting)
        return redirect("feedback:focus-group-meeting", pk=meeting.pk)
    return render(request, "feedback/focus_group/meeting_form.html", {"form": form})


@require_safe
@never_cache
@personal_data_required
def meeting_detail(request, pk):
    meeting = _get_meeting(pk)
    replies = meeting.replies.select_related("member__user")
    _audit_names(request, f"focus group meeting {meeting.pk}: replies and attendance")
    return render(
        request,
        "feedback/focus_group/meeting_detail.html",
        {
            "meeting": meeting,
            "can_come": [reply for reply in replies if reply.can_come],
            "cannot_come": [reply for reply in replies if not reply.can_come],
            "attended_by": meeting.attended_by.select_related("user"),
            "can_manage": can(request.user, Capability.MANAGE_FEEDBACK),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@personal_data_required
@manage_required
def meeting_edit(request, pk):
    meeting = _get_meeting(pk)
    if meeting.is_cancelled:
        messages.error(request, _("This meeting is cancelled, so it cannot be changed."))
        return redirect("feedback:focus-group-meeting", pk=meeting.pk)
    form = MeetingForm(request.POST if request.method == "POST" else None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        changed = focus_group_meeting_update(
            meeting=meeting, details=MeetingDetails(**form.cleaned_data), by=request.user
        )
        if changed:
            messages.success(request, _("The meeting is changed."))
            _say_members_are_told(request, meeting)
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("feedback:focus-group-meeting", pk=meeting.pk)
    return render(
        request, "feedback/focus_group/meeting_form.html", {"form": form, "meeting": meeting}
    )


@never_cache
@require_http_methods(["GET", "POST"])
@personal_data_required
@manage_required
def meeting_cancel(request, pk):
    meeting = _get_meeting(pk)
    if not meeting.is_upcoming():
        messages.error(
            request, _("Only a meeting still to come can be cancelled, and this one is not.")
        )
        return redirect("feedback:focus-group-meeting", pk=meeting.pk)
    form = CancelMeetingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            focus_group_meeting_cancel(
                meeting=meeting, reason=form.cleaned_data["reason"], by=request.user
            )
        except MeetingClosed:
            messages.error(request, _("The meeting started before it could be cancelled."))
        else:
            messages.success(request, _("The meeting is cancelled, and members are being told."))
        return redirect("feedback:focus-group-meeting", pk=meeting.pk)
    return render(
        request, "feedback/focus_group/meeting_cancel.html", {"form": form, "meeting": meeting}
    )


@never_cache
@require_http_methods(["GET", "POST"])
@personal_data_required
@manage_required
def meeting_attendance(request, pk):
    """Tick who came. Open once the meeting has started; before that the page says so."""
    meeting = _get_meeting(pk)
    if meeting.is_cancelled:
        messages.error(request, _("This meeting was cancelled, so nobody came to it."))
        return redirect("feedback:focus-group-meeting", pk=meeting.pk)
    form = None
    if meeting.has_started():
        form = MembersForm(
            request.POST if request.method == "POST" else None,
            initial={"members": list(meeting.attended_by.all())},
            members=FocusGroupMember.objects.to_tick_for_meeting(meeting).select_related("user"),
            label=_("Who came"),
        )
        if request.method == "POST" and form.is_valid():
            chosen = form.cleaned_data["members"]
            focus_group_meeting_record_attendance(meeting=meeting, members=chosen, by=request.user)
            messages.success(
                request,
                ngettext(
                    "Attendance is saved: %(count)d member came.",
                    "Attendance is saved: %(count)d members came.",
                    len(chosen),
                )
                % {"count": len(chosen)},
            )
            return redirect("feedback:focus-group-meeting", pk=meeting.pk)
    _audit_names(request, f"focus group meeting {meeting.pk}: attendance")
    return render(
        request,
        "feedback/focus_group/meeting_attendance.html",
        {"form": form, "meeting": meeting},
    )


# Facilitators at events ---------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@personal_data_required
def event_facilitators(request, pk):
    """Tick the members who facilitated discussion at the event."""
    event = get_event_for(request, pk, capability=Capability.MANAGE_FEEDBACK)
    form = MembersForm(
        request.POST if request.method == "POST" else None,
        initial={"members": list(FocusGroupMember.objects.facilitating(event))},
        members=FocusGroupMember.objects.to_tick_for_event(event).select_related("user"),
        label=_("Members who facilitated discussion"),
    )
    if request.method == "POST" and form.is_valid():
        focus_group_record_facilitators(event=event, members=form.cleaned_data["members"])
        messages.success(request, _("The facilitators are saved."))
        return redirect(event.get_staff_url())
    _audit_names(request, f"focus group members, to record facilitators at event {event.pk}")
    return render(
        request,
        "feedback/focus_group/event_facilitators.html",
        {"form": form, "event": event},
    )
