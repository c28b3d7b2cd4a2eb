"""Attendance at events, and invitations to them."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from contacts.models import (
    Attendance,
    Attendee,
    AttendeeQuerySet,
    ConsentPurpose,
    Invitation,
)
from contacts.services.consent import attendee_record_activity
from contacts.services.links import attendee_unsubscribe_url, email_context
from contacts.services.outbox import Attachment, outbox_enqueue
from events.calendar import calendar_for_events
from events.models import Event


@transaction.atomic
def attendance_record(*, attendee: Attendee, event: Event) -> None:
    """They came to the event, which also counts as activity for the retention clock."""
    Attendance.objects.get_or_create(attendee=attendee, event=event)
    attendee_record_activity(attendee=attendee)


def _invitation_attachment(event: Event) -> Attachment:
    return Attachment(
        filename=f"{event.slug}.ics",
        content=calendar_for_events([event]).to_ical().decode(),
        mimetype="text/calendar",
    )


@transaction.atomic
def event_invite(*, event: Event, attendees: AttendeeQuerySet, by: AbstractBaseUser | None) -> int:
    """Invite contacts to an event: one email each, with the event as a calendar file.
    Only contacts with a live consent to email updates are invited; inviting again
    sends nothing to those already invited."""
    attachment = _invitation_attachment(event)
    event_url = f"{settings.SITE_URL}{event.get_absolute_url()}"
    invited = 0
    for attendee in attendees.invitable_to(event).iterator():
        Invitation.objects.create(event=event, attendee=attendee, invited_by=by)
        outbox_enqueue(
            dedupe_key=f"invitation:{event.pk}:{attendee.pk}",
            to_address=attendee.email,
            template="invitation",
            context={**email_context(attendee), "event": event, "event_url": event_url},
            consent_purpose=ConsentPurpose.EMAIL_UPDATES,
            attendee=attendee,
            unsubscribe_url=attendee_unsubscribe_url(attendee),
            attachment=attachment,
        )
        invited += 1
    return invited
