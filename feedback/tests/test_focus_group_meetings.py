"""The focus group's meetings: scheduling, changing and cancelling them with an email to
each active member, members saying whether they can come, recording who came, and the
members who facilitated at events."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import OutboxMessage
from engagement.roles import Role
from events.tests.factories import EventFactory
from feedback.models import FocusGroupMeeting, FocusGroupMember, MeetingReply
from feedback.services import (
    MeetingClosed,
    MeetingDetails,
    focus_group_meeting_cancel,
    focus_group_meeting_record_attendance,
    focus_group_meeting_reply,
    focus_group_meeting_schedule,
    focus_group_meeting_update,
    focus_group_record_facilitators,
)

pytestmark = pytest.mark.django_db

IN_A_MONTH = timezone.now() + timedelta(days=30)


def details(**changes) -> MeetingDetails:
    return MeetingDetails(
        **{
            "starts_at": IN_A_MONTH,
            "agenda": "Welcome\nThe last event's write-up",
            "place": "Moss Side Library",
            **changes,
        }
    )


def meeting_form(**changes) -> dict:
    return {
        "starts_at": (timezone.localtime() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Moss Side Library",
        "online_link": "",
        "agenda": "Welcome\nThe last event's write-up",
        **changes,
    }


def emails_about(meeting) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(dedupe_key__startswith=f"focus-group-meeting:{meeting.pk}:")
    )


# Emails to members ---------------------------------------------------------------------


def test_scheduling_emails_each_active_member_once(focus_group_member_factory, coordinator):
    members = focus_group_member_factory.create_batch(3)
    focus_group_member_factory(ended=True)

    meeting = focus_group_meeting_schedule(details=details(), by=coordinator)

    sent = emails_about(meeting)
    assert sorted(message.to_address for message in sent) == sorted(
        member.user.email for member in members
    )
    assert all("Moss Side Library" in message.body_text for message in sent)
    assert all("/panel/" in message.body_text for message in sent)
    # Nobody's name but the reader's own.
    for message in sent:
        others = [member for member in members if member.user.email != message.to_address]
        assert all(other.user.first_name not in message.body_text for other in others)


def test_a_change_is_emailed_once_and_no_change_is_not_emailed(
    focus_group_member_factory, coordinator
):
    focus_group_member_factory.create_batch(2)
    meeting = focus_group_meeting_schedule(details=details(), by=coordinator)

    assert not focus_group_meeting_update(meeting=meeting, details=details(), by=coordinator)
    assert len(emails_about(meeting)) == 2

    assert focus_group_meeting_update(
        meeting=meeting, details=details(place="Longsight Library"), by=coordinator
    )
    changed = [m for m in emails_about(meeting) if ":changed:" in m.dedupe_key]
    assert len(changed) == 2
    assert all(m.subject.startswith("Changed:") for m in changed)
    assert all("Longsight Library" in m.body_text for m in changed)

    focus_group_meeting_update(
        meeting=meeting, details=details(place="Moss Side Library"), by=coordinator
    )
    assert len(emails_about(meeting)) == 6


def test_cancelling_tells_members_why(focus_group_member_factory, coordinator):
    focus_group_member_factory()
    meeting = focus_group_meeting_schedule(details=details(), by=coordinator)

    focus_group_meeting_cancel(meeting=meeting, reason="The library is closed.", by=coordinator)
    focus_group_meeting_cancel(meeting=meeting, reason="Again", by=coordinator)

    cancelled = [m for m in emails_about(meeting) if ":cancelled:" in m.dedupe_key]
    assert len(cancelled) == 1
    assert "The library is closed." in cancelled[0].body_text
    meeting.refresh_from_db()
    assert meeting.is_cancelled
    with pytest.raises(MeetingClosed):
        focus_group_meeting_update(
            meeting=meeting, details=details(place="Elsewhere"), by=coordinator
        )


def test_a_meeting_that_has_happened_is_not_emailed_about(focus_group_member_factory, coordinator):
    focus_group_member_factory()
    meeting = focus_group_meeting_schedule(
        details=details(starts_at=timezone.now() - timedelta(days=2)), by=coordinator
    )
    assert emails_about(meeting) == []
    with pytest.raises(MeetingClosed):
        focus_group_meeting_cancel(meeting=meeting, reason="Too late", by=coordinator)


# Replies and attendance ----------------------------------------------------------------


def test_a_member_says_whether_they_can_come_and_may_change_their_mind(
    focus_group_member_factory, focus_group_meeting_factory
):
    member = focus_group_member_factory()
    meeting = focus_group_meeting_factory()

    focus_group_meeting_reply(meeting=meeting, member=member, can_come=True)
    focus_group_meeting_reply(meeting=meeting, member=member, can_come=False)

    assert list(MeetingReply.objects.values_list("can_come", flat=True)) == [False]


def test_replies_close_when_the_meeting_starts_or_is_cancelled(
    focus_group_member_factory, focus_group_meeting_factory
):
    member = focus_group_member_factory()
    for meeting in (
        focus_group_meeting_factory(held=True),
        focus_group_meeting_factory(cancelled_at=timezone.now()),
    ):
        with pytest.raises(MeetingClosed):
            focus_group_meeting_reply(meeting=meeting, member=member, can_come=True)
    assert not MeetingReply.objects.exists()


def test_attendance_is_recorded_once_the_meeting_has_started(
    focus_group_member_factory, focus_group_meeting_factory, coordinator
):
    came, away = focus_group_member_factory.create_batch(2)
    with pytest.raises(MeetingClosed):
        focus_group_meeting_record_attendance(
            meeting=focus_group_meeting_factory(), members=[came], by=coordinator
        )
    held = focus_group_meeting_factory(held=True)

    focus_group_meeting_record_attendance(meeting=held, members=[came, away], by=coordinator)
    focus_group_meeting_record_attendance(meeting=held, members=[came], by=coordinator)

    held.refresh_from_db()
    assert list(held.attended_by.all()) == [came]
    assert held.attendance_recorded_at is not None


# The panel -----------------------------------------------------------------------------


def test_members_see_meetings_to_come_and_reply_with_one_button_each(
    client_for_role, focus_group_meeting_factory
):
    client = client_for_role(Role.FOCUS_GROUP_MEMBER)
    member = FocusGroupMember.objects.get(user__username="panel")
    meeting = focus_group_meeting_factory(online_link="https://meet.example.org/fg")
    attended = focus_group_meeting_factory(held=True)
    attended.attended_by.add(member)

    page = client.get("/panel/").content.decode()
    assert "Moss Side" not in page
    assert "Longsight Community Centre" in page
    assert "https://meet.example.org/fg" in page
    assert "Can you come?" in page
    assert f"{attended.starts_at:%Y}" in page

    response = client.post(
        reverse("panel:meeting-can-come", kwargs={"pk": meeting.pk}), follow=True
    )
    assert "You said you can come." in response.content.decode()
    client.post(reverse("panel:meeting-cannot-come", kwargs={"pk": meeting.pk}))
    assert MeetingReply.objects.get(member=member, meeting=meeting).can_come is False


def test_a_reply_to_a_meeting_that_has_started_is_refused_kindly(
    client_for_role, focus_group_meeting_factory
):
    client = client_for_role(Role.FOCUS_GROUP_MEMBER)
    held = focus_group_meeting_factory(held=True)

    response = client.post(reverse("panel:meeting-can-come", kwargs={"pk": held.pk}), follow=True)

    assert response.status_code == 200
    assert "replies are closed" in response.content.decode()
    assert not MeetingReply.objects.exists()


# The staff pages -----------------------------------------------------------------------


def test_a_coordinator_schedules_a_meeting_and_members_are_emailed(
    coordinator_client, focus_group_member_factory
):
    focus_group_member_factory.create_batch(2)

    response = coordinator_client.post(
        reverse("feedback:focus-group-meeting-new"), meeting_form(), follow=True
    )

    meeting = FocusGroupMeeting.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "feedback:focus-group-meeting", kwargs={"pk": meeting.pk}
    )
    assert "The meeting is scheduled." in response.content.decode()
    assert len(emails_about(meeting)) == 2


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"place": "", "online_link": ""}, "place", "Say where the meeting is"),
        ({"starts_at": "2020-01-01T18:00"}, "starts_at", "in the future"),
        ({"starts_at": "next tuesday"}, "starts_at", "Enter a real date and time"),
        ({"online_link": "not a link"}, "online_link", "Enter a full web address"),
        ({"agenda": ""}, "agenda", "Write the agenda"),
    ],
)
def test_a_meeting_with_a_problem_is_not_saved_and_keeps_what_was_typed(
    coordinator_client, changes, field, message
):
    data = meeting_form(**changes)
    response = coordinator_client.post(reverse("feedback:focus-group-meeting-new"), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert response.context["form"]["agenda"].value() == data["agenda"]
    assert not FocusGroupMeeting.objects.exists()


def test_a_coordinator_changes_cancels_and_records_who_came(
    coordinator_client, focus_group_member_factory, focus_group_meeting_factory
):
    member = focus_group_member_factory(user__first_name="Kwame", user__last_name="Osei")
    meeting = focus_group_meeting_factory()
    edit = reverse("feedback:focus-group-meeting-edit", kwargs={"pk": meeting.pk})
    starts = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M")

    coordinator_client.post(edit, meeting_form(starts_at=starts, place="Hulme Library"))
    meeting.refresh_from_db()
    assert meeting.place == "Hulme Library"

    attendance = reverse("feedback:focus-group-meeting-attendance", kwargs={"pk": meeting.pk})
    not_yet = coordinator_client.get(attendance)
    assert "once the meeting has started" in not_yet.content.decode()

    cancel = reverse("feedback:focus-group-meeting-cancel", kwargs={"pk": meeting.pk})
    assert "Say why" in coordinator_client.post(cancel, {"reason": ""}).content.decode()
    coordinator_client.post(cancel, {"reason": "Not enough people can come."})
    meeting.refresh_from_db()
    assert meeting.cancellation_reason == "Not enough people can come."

    held = focus_group_meeting_factory(held=True)
    attendance = reverse("feedback:focus-group-meeting-attendance", kwargs={"pk": held.pk})
    assert "Kwame Osei" in coordinator_client.get(attendance).content.decode()
    coordinator_client.post(attendance, {"members": [member.pk]})
    assert list(held.attended_by.all()) == [member]
    detail = coordinator_client.get(reverse("feedback:focus-group-meeting", kwargs={"pk": held.pk}))
    assert "Kwame Osei" in detail.content.decode()

    refused = coordinator_client.post(attendance, {"members": ["99999999999999999999999"]})
    assert refused.status_code == 200
    assert "Choose from the members listed" in refused.content.decode()


# Facilitators at events ----------------------------------------------------------------


def test_facilitators_are_recorded_on_the_event_and_shown_on_its_hub(
    coordinator_client, client_for_role, focus_group_member_factory
):
    event = EventFactory(past=True)
    chosen = focus_group_member_factory(user__first_name="Imani", user__last_name="Reid")
    focus_group_member_factory(user__first_name="Not", user__last_name="Chosen")
    url = reverse("feedback:event-facilitators", kwargs={"pk": event.pk})

    assert "Not Chosen" in coordinator_client.get(url).content.decode()
    response = coordinator_client.post(url, {"members": [chosen.pk]}, follow=True)

    assert response.redirect_chain[-1][0] == event.get_staff_url()
    hub = response.content.decode()
    assert "Focus group facilitators" in hub
    assert "Imani Reid" in hub
    assert "Not Chosen" not in hub
    assert list(FocusGroupMember.objects.facilitating(event)) == [chosen]

    leader_hub = client_for_role(Role.LEADER).get(event.get_staff_url()).content.decode()
    assert "Imani Reid" not in leader_hub
    assert "1 member of the focus group facilitated discussion." in leader_hub


def test_recording_facilitators_again_replaces_the_list(focus_group_member_factory):
    event = EventFactory(past=True)
    first, second = focus_group_member_factory.create_batch(2)
    focus_group_record_facilitators(event=event, members=[first, second])
    focus_group_record_facilitators(event=event, members=[second])
    assert list(FocusGroupMember.objects.facilitating(event)) == [second]
