"""The focus group: inviting contacts who would like to join, joining by the emailed
link, ending a membership, the group's meetings, and the events members facilitate."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import Attendee, ConsentPurpose
from contacts.services.consent import attendee_record_activity
from contacts.services.links import (
    LinkProblem,
    absolute_url,
    attendee_unsubscribe_url,
    email_context,
    read_link,
)
from contacts.services.outbox import outbox_enqueue
from engagement.roles import Role
from events.models import Event
from feedback.models import (
    INVITATION_VALID_DAYS,
    FocusGroupInvitation,
    FocusGroupMeeting,
    FocusGroupMember,
    MeetingReply,
)

INVITATION_SALT = "community-voice.focus-group-invitation"

# A second invitation to the same person is sent only after this long, so that a
# double click, or two Coordinators at once, send one email rather than two.
INVITATION_RESEND_AFTER = timedelta(hours=24)


class NotInvitable(Exception):
    """Why a contact cannot be sent an invitation: "no_consent" (they have not said
    they would like to join, or took it back), "no_email", "member" (they are one
    already) or "recently_invited"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class UsernameTaken(Exception):
    pass


class MeetingClosed(Exception):
    """The meeting is cancelled, or has started, so the change makes no sense now."""


# Invitations --------------------------------------------------------------------------


def _is_active_member(attendee: Attendee) -> bool:
    return FocusGroupMember.objects.active().filter(attendee=attendee).exists()


def _reason_not_invitable(attendee: Attendee) -> str:
    """The one rule for who may join: a contact with a live consent to the focus group
    who is not a member already. Checked when inviting and again when they accept."""
    if attendee.is_erased or ConsentPurpose.FOCUS_GROUP not in attendee.live_consent_purposes():
        return "no_consent"
    if _is_active_member(attendee):
        return "member"
    return ""


def focus_group_invitation_signed(invitation: FocusGroupInvitation) -> str:
    """The signed value in an invitation's link, which focus_group_join takes."""
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT)


def focus_group_invitation_url(invitation: FocusGroupInvitation) -> str:
    return absolute_url("panel:join", signed=focus_group_invitation_signed(invitation))


@transaction.atomic
def focus_group_invite(*, attendee: Attendee, by: AbstractBaseUser) -> FocusGroupInvitation:
    """Email a contact a link to join the focus group. Only contacts who said they would
    like to join, and still say so, can be invited."""
    attendee = Attendee.objects.select_for_update().get(pk=attendee.pk)
    reason = _reason_not_invitable(attendee)
    if not reason and not attendee.email:
        reason = "no_email"
    if not reason and (
        FocusGroupInvitation.objects.filter(
            attendee=attendee,
            accepted_at__isnull=True,
            sent_at__gt=timezone.now() - INVITATION_RESEND_AFTER,
        ).exists()
    ):
        reason = "recently_invited"
    if reason:
        raise NotInvitable(reason)
    invitation = FocusGroupInvitation.objects.create(attendee=attendee, invited_by=by)
    outbox_enqueue(
        dedupe_key=f"focus-group-invitation:{invitation.pk}",
        to_address=attendee.email,
        template="focus_group_invitation",
        context={
            **email_context(attendee),
            "join_url": focus_group_invitation_url(invitation),
            "valid_days": INVITATION_VALID_DAYS,
            "invited_by": by.get_full_name() or by.get_username(),
        },
        consent_purpose=ConsentPurpose.FOCUS_GROUP,
        attendee=attendee,
        unsubscribe_url=attendee_unsubscribe_url(attendee),
    )
    return invitation


def focus_group_invitation_for_link(*, signed: str, lock: bool = False) -> FocusGroupInvitation:
    """The invitation an emailed link is for, if it can still be accepted. Otherwise
    LinkProblem says why: "invalid" (forged or mangled), "expired", "used" (accepted
    already, or they are a member by another invitation) or "withdrawn" (they no longer
    want to join, or erased their details)."""
    data = read_link(signed, salt=INVITATION_SALT, max_age=timedelta(days=INVITATION_VALID_DAYS))
    pk = data.get("invitation")
    if not isinstance(pk, int):
        raise LinkProblem("invalid")
    invitations = FocusGroupInvitation.objects.select_related("attendee").filter(pk=pk)
    invitation = (invitations.select_for_update(of=("self",)) if lock else invitations).first()
    if invitation is None:
        raise LinkProblem("invalid")
    if invitation.accepted_at is not None:
        raise LinkProblem("used")
    reason = _reason_not_invitable(invitation.attendee)
    if reason == "member":
        raise LinkProblem("used")
    if reason:
        raise LinkProblem("withdrawn")
    return invitation


def _split_name(name: str) -> tuple[str, str]:
    first, _space, last = " ".join(name.split()).partition(" ")
    return first[:150], last[:150]


@transaction.atomic
def focus_group_join(*, signed: str, username: str, password: str) -> FocusGroupMember:
    """The person an invitation was sent to accepts it: an account with the Focus group
    member role, and the membership, start now. The link then stops working. Raises
    LinkProblem if the link cannot be accepted (any more), UsernameTaken if someone has
    the username. The password has been checked against the validators already."""
    invitation = focus_group_invitation_for_link(signed=signed, lock=True)
    attendee = invitation.attendee
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise UsernameTaken
    first_name, last_name = _split_name(attendee.name)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                password=password,
                email=attendee.email,
                first_name=first_name,
                last_name=last_name,
            )
    except IntegrityError:
        # Someone chose the same username a moment ago.
        raise UsernameTaken from None
    member = focus_group_member_start(user=user, attendee=attendee)
    invitation.accepted_at = member.started_at
    invitation.member = member
    invitation.save(update_fields=["accepted_at", "member"])
    attendee_record_activity(attendee=attendee)
    return member


# Membership ---------------------------------------------------------------------------


def focus_group_email(
    member: FocusGroupMember, *, template: str, dedupe_key: str, context: dict
) -> None:
    """Email one member through the outbox, greeting them by their first name. Linked
    to the contact they joined as, so that erasing their details stops and scrubs the
    email too. A member with no email address is not emailed."""
    if not member.user.email:
        return
    outbox_enqueue(
        dedupe_key=dedupe_key,
        to_address=member.user.email,
        template=template,
        context={"name": member.user.first_name, **context},
        attendee=member.attendee,
    )


def _record_activity(member: FocusGroupMember) -> None:
    """What a member does for the group keeps the contact they joined as from being
    erased for going quiet."""
    if member.attendee is not None and not member.attendee.is_erased:
        attendee_record_activity(attendee=member.attendee)


def _focus_group_role() -> Group:
    return Group.objects.get(name=Role.FOCUS_GROUP_MEMBER)


@transaction.atomic
def focus_group_member_start(
    *,
    user: AbstractBaseUser,
    attendee: Attendee | None = None,
    started_at: datetime | None = None,
) -> FocusGroupMember:
    """Make an account a member: the role, and a membership starting now. An account
    is a member once; someone who left and comes back is invited again and makes a new
    account, so that their first membership stays on record as it was."""
    member, created = FocusGroupMember.objects.get_or_create(
        user=user,
        defaults={"attendee": attendee, "started_at": started_at or timezone.now()},
    )
    if not created and not member.is_active():
        raise ValueError("This account's membership has ended.")
    user.groups.add(_focus_group_role())
    return member


@transaction.atomic
def focus_group_member_end(
    *, member: FocusGroupMember, by: AbstractBaseUser, reason: str = ""
) -> None:
    """End a membership now: the member stepped down (`by` is their own account) or a
    Coordinator ended it. Their access to the panel ends at once, on every device. What
    they did as a member stays; their replies to meetings still to come go, as they
    will not be there as members."""
    member = FocusGroupMember.objects.select_for_update().get(pk=member.pk)
    if member.ended_at is not None:
        return
    now = timezone.now()
    member.ended_at = now
    member.ended_by = by
    member.end_reason = reason
    member.save(update_fields=["ended_at", "ended_by", "end_reason"])
    member.user.groups.remove(_focus_group_role())
    MeetingReply.objects.filter(member=member, meeting__starts_at__gt=now).delete()


def focus_group_forget_contact(*, attendee: Attendee) -> int:
    """The contact a member joined as has been erased, at their request or under the
    retention rules: their membership ends at once, and the account made from their
    details loses its name, email and password, so that erasure reaches it too. What
    they said as a member stays, as a former member's. Returns how many memberships
    were affected."""
    members = list(
        FocusGroupMember.objects.select_for_update()
        .filter(attendee=attendee, details_erased_at__isnull=True)
        .select_related("user")
    )
    now = timezone.now()
    for member in members:
        focus_group_member_end(
            member=member,
            by=None,
            reason=_("Their contact details were erased."),
        )
        user = member.user
        user.username = f"erased-member-{member.pk}"
        user.first_name = user.last_name = user.email = ""
        # An inactive account is signed out of every session at its next request.
        user.is_active = False
        user.set_unusable_password()
        user.save()
        FocusGroupMember.objects.filter(pk=member.pk).update(details_erased_at=now)
    return len(members)


# Meetings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingDetails:
    starts_at: datetime
    agenda: str
    place: str = ""
    online_link: str = ""


MEETING_FIELDS = ("starts_at", "agenda", "place", "online_link")


def _tell_members(meeting: FocusGroupMeeting, *, what: str) -> None:
    """Email every active member about the meeting: "scheduled", "changed" or
    "cancelled". Each change has its own dedupe key, so nobody gets one twice."""
    panel_url = absolute_url("panel:home")
    members = FocusGroupMember.objects.active().select_related("user", "attendee")
    for member in members.exclude(user__email="").order_by("pk"):
        focus_group_email(
            member,
            template="focus_group_meeting",
            dedupe_key=f"focus-group-meeting:{meeting.pk}:{what}:{meeting.version}:{member.pk}",
            context={"meeting": meeting, "what": what, "panel_url": panel_url},
        )


@transaction.atomic
def focus_group_meeting_schedule(
    *, details: MeetingDetails, by: AbstractBaseUser
) -> FocusGroupMeeting:
    """A new meeting. Active members are emailed about it if it is still to come."""
    meeting = FocusGroupMeeting.objects.create(
        starts_at=details.starts_at,
        agenda=details.agenda,
        place=details.place,
        online_link=details.online_link,
        created_by=by,
    )
    if meeting.is_upcoming():
        _tell_members(meeting, what="scheduled")
    return meeting


@transaction.atomic
def focus_group_meeting_update(
    *, meeting: FocusGroupMeeting, details: MeetingDetails, by: AbstractBaseUser
) -> bool:
    """Change a meeting's time, place or agenda. Active members are told about a
    change to a meeting still to come. Returns whether anything changed."""
    meeting = FocusGroupMeeting.objects.select_for_update().get(pk=meeting.pk)
    changed = [name for name in MEETING_FIELDS if getattr(meeting, name) != getattr(details, name)]
    if not changed:
        return False
    if meeting.is_cancelled:
        raise MeetingClosed
    for name in changed:
        setattr(meeting, name, getattr(details, name))
    meeting.version += 1
    meeting.save(update_fields=[*changed, "version"])
    if meeting.is_upcoming():
        _tell_members(meeting, what="changed")
    return True


@transaction.atomic
def focus_group_meeting_cancel(
    *, meeting: FocusGroupMeeting, reason: str, by: AbstractBaseUser
) -> None:
    """Call off a meeting still to come, and tell active members why."""
    meeting = FocusGroupMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        return
    if meeting.has_started():
        raise MeetingClosed
    meeting.cancelled_at = timezone.now()
    meeting.cancellation_reason = reason
    meeting.save(update_fields=["cancelled_at", "cancellation_reason"])
    _tell_members(meeting, what="cancelled")


@transaction.atomic
def focus_group_meeting_reply(
    *, meeting: FocusGroupMeeting, member: FocusGroupMember, can_come: bool
) -> MeetingReply:
    """A member says whether they can come. They may change their mind until it starts."""
    meeting = FocusGroupMeeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.is_upcoming():
        raise MeetingClosed
    if not member.is_active():
        raise ValueError("Only active members reply to meetings.")
    reply, _created = MeetingReply.objects.update_or_create(
        meeting=meeting,
        member=member,
        defaults={"can_come": can_come, "answered_at": timezone.now()},
    )
    _record_activity(member)
    return reply


@transaction.atomic
def focus_group_meeting_record_attendance(
    *, meeting: FocusGroupMeeting, members: Iterable[FocusGroupMember], by: AbstractBaseUser
) -> None:
    """Who came, once the meeting has started. Recording again replaces the list."""
    meeting = FocusGroupMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled or not meeting.has_started():
        raise MeetingClosed
    meeting.attended_by.set(list(members))
    meeting.attendance_recorded_at = timezone.now()
    meeting.save(update_fields=["attendance_recorded_at"])


# Facilitating discussion at events ----------------------------------------------------


@transaction.atomic
def focus_group_record_facilitators(*, event: Event, members: Iterable[FocusGroupMember]) -> None:
    """The members who facilitated discussion at the event. Recording again replaces
    the list."""
    Facilitation = FocusGroupMember.events_facilitated.through
    Facilitation.objects.filter(event=event).delete()
    Facilitation.objects.bulk_create(
        Facilitation(event=event, focusgroupmember=member) for member in members
    )
