from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from engagement.services import Attachment, outbox_cancel_for_attendee, outbox_enqueue
from events.calendar import calendar_for_events
from events.models import (
    PRIVACY_NOTICE_VERSION,
    Attendance,
    Attendee,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    Debrief,
    Event,
    Invitation,
    Venue,
)


def event_unique_slug(*, title: str, starts_at) -> str:
    """A readable slug from the title and date, with a number added if it is taken."""
    base = slugify(f"{title} {starts_at:%Y-%m-%d}")[:100].strip("-") or "event"
    slug, number = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


@transaction.atomic
def event_save(*, form, by) -> Event:
    """Create or update an event from a valid EventForm."""
    event = form.save(commit=False)
    if not event.slug:
        event.slug = event_unique_slug(title=event.title, starts_at=event.starts_at)
    if event.pk is None and event.lead_organiser is None:
        event.lead_organiser = by
    event.save()
    form.save_m2m()
    return event


@transaction.atomic
def event_cancel(*, event: Event, reason: str) -> Event:
    event.status = Event.Status.CANCELLED
    event.cancellation_reason = reason
    event.save(update_fields=["status", "cancellation_reason", "updated_at"])
    return event


@transaction.atomic
def event_mark_held(*, form) -> Event:
    """Record what happened at an event from a valid EventHeldForm."""
    event = form.save(commit=False)
    event.status = Event.Status.HELD
    event.cancellation_reason = ""
    event.save()
    form.save_m2m()
    # Key questions point at events, not the other way round, so the form cannot save them.
    event.key_questions_covered.set(form.cleaned_data["key_questions_covered"])
    return event


@transaction.atomic
def debrief_save(*, form, event: Event, by) -> Debrief:
    debrief = form.save(commit=False)
    debrief.event = event
    debrief.written_by = by
    debrief.save()
    return debrief


def venue_archive(*, venue: Venue, archived: bool = True) -> Venue:
    venue.is_archived = archived
    venue.save(update_fields=["is_archived"])
    return venue


class VenueInUseError(Exception):
    pass


@transaction.atomic
def venue_delete(*, venue: Venue) -> None:
    """Delete a venue no event has used. One that has been used can only be archived,
    so that past events keep their venue."""
    if venue.is_in_use():
        raise VenueInUseError(venue)
    venue.delete()


# Attendees and consent -------------------------------------------------------------

CONFIRMATION_SALT = "community-voice.confirm-updates"


class LinkProblem(Exception):
    """A confirmation link that is forged, expired or for a contact who is gone."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def attendee_unsubscribe_url(attendee: Attendee) -> str:
    return f"{settings.SITE_URL}{reverse('unsubscribe', kwargs={'token': attendee.token})}"


def attendee_my_data_url(attendee: Attendee) -> str:
    return f"{settings.SITE_URL}{reverse('my-data', kwargs={'token': attendee.token})}"


def _email_context(attendee: Attendee) -> dict:
    return {"name": attendee.name, "my_data_url": attendee_my_data_url(attendee)}


def _send_confirmation(attendee: Attendee, consent: ConsentRecord) -> None:
    signed = signing.dumps({"consent": consent.pk}, salt=CONFIRMATION_SALT)
    confirm_url = (
        f"{settings.SITE_URL}{reverse('keep-in-touch-confirm', kwargs={'signed': signed})}"
    )
    outbox_enqueue(
        dedupe_key=f"confirm-updates:{consent.pk}",
        to_address=attendee.email,
        template="confirm_updates",
        context={
            **_email_context(attendee),
            "confirm_url": confirm_url,
            "valid_days": settings.CONFIRMATION_LINK_DAYS,
        },
        attendee=attendee,
    )


def _give_consent(
    attendee: Attendee, purpose: str, *, method: str, recorded_by=None, confirmed: bool = False
) -> ConsentRecord:
    """Record a consent unless the same one is already live or waiting for confirmation."""
    current = attendee.consents.filter(purpose=purpose, withdrawn_at__isnull=True).last()
    if current is not None and (current.is_live or not confirmed):
        return current
    if current is not None:
        current.withdrawn_at = timezone.now()
        current.withdrawal_method = ConsentRecord.WithdrawalMethod.PREFERENCES
        current.save(update_fields=["withdrawn_at", "withdrawal_method"])
    return ConsentRecord.objects.create(
        attendee=attendee,
        purpose=purpose,
        notice_version=PRIVACY_NOTICE_VERSION,
        method=method,
        recorded_by=recorded_by,
        confirmed_at=timezone.now() if confirmed else None,
    )


@transaction.atomic
def attendee_keep_in_touch(
    *,
    name: str,
    email: str,
    phone: str,
    purposes: set[str],
    communities=(),
    ethnicity: str = "",
    age_band: str = "",
    postcode_district: str = "",
    method: str = ConsentMethod.ONLINE,
    recorded_by=None,
) -> Attendee:
    """Record someone who wants to stay in touch, with one consent record per choice.
    Email updates start only once the emailed link is opened (double opt-in), except
    for paper or in-person forms, where the officer saw the person sign."""
    attendee = Attendee.objects.find_by_email(email) if email else None
    if attendee is None:
        attendee = Attendee.objects.create(
            name=name,
            email=email,
            phone=phone,
            source={
                ConsentMethod.ONLINE: Attendee.Source.ONLINE,
                ConsentMethod.PAPER: Attendee.Source.PAPER,
                ConsentMethod.IN_PERSON: Attendee.Source.IN_PERSON,
            }[method],
            entered_by=recorded_by,
        )
    else:
        attendee.name = name or attendee.name
        attendee.phone = phone or attendee.phone
        attendee.last_activity_at = timezone.now()
        attendee.purge_notice_sent_at = None
        attendee.save(update_fields=["name", "phone", "last_activity_at", "purge_notice_sent_at"])

    confirmed_by_officer = method != ConsentMethod.ONLINE
    for purpose in purposes:
        consent = _give_consent(
            attendee,
            purpose,
            method=method,
            recorded_by=recorded_by,
            confirmed=confirmed_by_officer or purpose != ConsentPurpose.EMAIL_UPDATES,
        )
        if purpose == ConsentPurpose.EMAIL_UPDATES and not consent.is_live and attendee.email:
            _send_confirmation(attendee, consent)

    if ConsentPurpose.DEMOGRAPHIC_DATA in purposes:
        attendee.ethnicity = ethnicity
        attendee.age_band = age_band
        attendee.postcode_district = postcode_district
        attendee.save(update_fields=["ethnicity", "age_band", "postcode_district"])
        attendee.communities.set(communities)
    return attendee


@transaction.atomic
def attendee_confirm_updates(*, signed: str) -> Attendee:
    """Open the double opt-in link. Opening it again changes nothing."""
    try:
        data = signing.loads(
            signed,
            salt=CONFIRMATION_SALT,
            max_age=timedelta(days=settings.CONFIRMATION_LINK_DAYS),
        )
    except signing.SignatureExpired:
        raise LinkProblem("expired") from None
    except signing.BadSignature:
        raise LinkProblem("invalid") from None
    consent = (
        ConsentRecord.objects.select_for_update()
        .select_related("attendee")
        .filter(pk=data.get("consent"), purpose=ConsentPurpose.EMAIL_UPDATES)
        .first()
    )
    if consent is None or consent.attendee.is_erased:
        raise LinkProblem("invalid")
    if consent.withdrawn_at is not None:
        raise LinkProblem("withdrawn")
    if consent.confirmed_at is None:
        consent.confirmed_at = timezone.now()
        consent.save(update_fields=["confirmed_at"])
        attendee = consent.attendee
        attendee.last_activity_at = timezone.now()
        attendee.save(update_fields=["last_activity_at"])
    return consent.attendee


@transaction.atomic
def consent_withdraw(*, attendee: Attendee, purpose: str, method: str) -> int:
    """Take back a consent. Withdrawing twice is harmless. Mail already queued for that
    purpose will not go: the outbox checks consent again when it sends. Taking back
    consent to keep demographic details deletes them."""
    withdrawn = attendee.consents.filter(purpose=purpose, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawal_method=method
    )
    if purpose == ConsentPurpose.DEMOGRAPHIC_DATA:
        attendee.ethnicity = ""
        attendee.age_band = ""
        attendee.postcode_district = ""
        attendee.save(update_fields=["ethnicity", "age_band", "postcode_district"])
        attendee.communities.clear()
    return withdrawn


@transaction.atomic
def attendee_update(*, form, by) -> Attendee:
    """Save a staff correction. A new email address must be confirmed by its owner
    before updates go to it, so a typing mistake never sends mail to a stranger."""
    email_changed = "email" in form.changed_data
    attendee = form.save()
    if email_changed:
        # Mail already queued carries the old address; none of it should go.
        outbox_cancel_for_attendee(
            attendee_id=attendee.pk, reason="The email address was corrected."
        )
        for consent in attendee.consents.filter(
            purpose=ConsentPurpose.EMAIL_UPDATES, withdrawn_at__isnull=True
        ):
            consent.withdrawn_at = timezone.now()
            consent.withdrawal_method = ConsentRecord.WithdrawalMethod.STAFF
            consent.save(update_fields=["withdrawn_at", "withdrawal_method"])
            if attendee.email:
                renewed = ConsentRecord.objects.create(
                    attendee=attendee,
                    purpose=ConsentPurpose.EMAIL_UPDATES,
                    notice_version=consent.notice_version,
                    method=consent.method,
                    recorded_by=by,
                )
                _send_confirmation(attendee, renewed)
    return attendee


@transaction.atomic
def attendee_set_preferences(*, attendee: Attendee, purposes: set[str]) -> None:
    """Their own preferences page, reached by the link in an email they received."""
    for purpose in (
        ConsentPurpose.EMAIL_UPDATES,
        ConsentPurpose.FOCUS_GROUP,
        ConsentPurpose.LAY_OBSERVATION,
    ):
        if purpose in purposes:
            # Reaching this page through an emailed link proves the address works.
            _give_consent(attendee, purpose, method=ConsentMethod.ONLINE, confirmed=True)
        else:
            consent_withdraw(
                attendee=attendee,
                purpose=purpose,
                method=ConsentRecord.WithdrawalMethod.PREFERENCES,
            )
    attendee.last_activity_at = timezone.now()
    attendee.purge_notice_sent_at = None
    attendee.save(update_fields=["last_activity_at", "purge_notice_sent_at"])


def attendee_export(*, attendee: Attendee) -> dict:
    """Everything held about one person, for their own download."""
    return {
        "name": attendee.name,
        "email": attendee.email,
        "phone": attendee.phone,
        "communities": sorted(attendee.communities.values_list("name", flat=True)),
        "ethnic_group": attendee.get_ethnicity_display() if attendee.ethnicity else "",
        "age": attendee.get_age_band_display() if attendee.age_band else "",
        "postcode_area": attendee.postcode_district,
        "how_we_got_your_details": attendee.get_source_display(),
        "added": attendee.created_at.isoformat(),
        "last_activity": attendee.last_activity_at.isoformat(),
        "consents": [
            {
                "what": consent.get_purpose_display(),
                "privacy_notice_version": consent.notice_version,
                "given": consent.given_at.isoformat(),
                "how": consent.get_method_display(),
                "confirmed": consent.confirmed_at.isoformat() if consent.confirmed_at else None,
                "withdrawn": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
            }
            for consent in attendee.consents.all()
        ],
        "events_attended": [
            {"event": attendance.event.title, "date": attendance.event.starts_at.date().isoformat()}
            for attendance in attendee.attendances.select_related("event")
        ],
        "invitations": [
            {"event": invitation.event.title, "sent": invitation.created_at.isoformat()}
            for invitation in attendee.invitations.select_related("event")
        ],
        "emails": [
            {
                "subject": message.subject,
                "status": message.status,
                "queued": message.created_at.isoformat(),
            }
            for message in attendee.messages.all()
        ],
    }


@transaction.atomic
def attendee_erase(
    *, attendee: Attendee, method: str = ConsentRecord.WithdrawalMethod.ERASURE
) -> bool:
    """Remove a person's personal data everywhere, leaving an anonymous tombstone so
    that counts of attendance and invitations still add up. Returns False if there was
    nothing left to erase."""
    attendee = Attendee.objects.select_for_update().get(pk=attendee.pk)
    if attendee.is_erased:
        return False
    outbox_cancel_for_attendee(attendee_id=attendee.pk, reason="The recipient erased their data.")
    attendee.messages.update(
        to_address="erased@invalid",
        subject="",
        body_text="",
        body_html="",
        attachment_content="",
        unsubscribe_url="",
        last_error="",
    )
    attendee.consents.filter(withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawal_method=method
    )
    attendee.communities.clear()
    attendee.name = ""
    attendee.email = ""
    attendee.phone = ""
    attendee.ethnicity = ""
    attendee.age_band = ""
    attendee.postcode_district = ""
    attendee.entered_by = None
    attendee.erased_at = timezone.now()
    attendee.save()
    return True


def attendee_record_activity(*, attendee: Attendee) -> None:
    """The person showed they want to stay: restart the retention clock."""
    attendee.last_activity_at = timezone.now()
    attendee.purge_notice_sent_at = None
    attendee.save(update_fields=["last_activity_at", "purge_notice_sent_at"])


@transaction.atomic
def attendance_record(*, attendee: Attendee, event: Event) -> None:
    Attendance.objects.get_or_create(attendee=attendee, event=event)
    attendee.last_activity_at = timezone.now()
    attendee.save(update_fields=["last_activity_at"])


def _invitation_attachment(event: Event) -> Attachment:
    return Attachment(
        filename=f"{event.slug}.ics",
        content=calendar_for_events([event]).to_ical().decode(),
        mimetype="text/calendar",
    )


@transaction.atomic
def event_invite(*, event: Event, attendees, by) -> int:
    """Invite contacts to an event: one email each, with the event as a calendar file.
    Only contacts with a live consent to email updates are invited; inviting again
    sends nothing to those already invited."""
    attachment = _invitation_attachment(event)
    event_url = f"{settings.SITE_URL}{event.get_absolute_url()}"
    already = set(event.invitations.values_list("attendee_id", flat=True))
    invited = 0
    for attendee in attendees.opted_in_for_updates().exclude(pk__in=already).iterator():
        Invitation.objects.create(event=event, attendee=attendee, invited_by=by)
        outbox_enqueue(
            dedupe_key=f"invitation:{event.pk}:{attendee.pk}",
            to_address=attendee.email,
            template="invitation",
            context={**_email_context(attendee), "event": event, "event_url": event_url},
            consent_purpose=ConsentPurpose.EMAIL_UPDATES,
            attendee=attendee,
            unsubscribe_url=attendee_unsubscribe_url(attendee),
            attachment=attachment,
        )
        invited += 1
    return invited


def attendees_purge_inactive(*, now=None) -> dict:
    """The daily retention job: contacts with no activity for CONTACT_RETENTION_MONTHS
    get a notice by email; PURGE_NOTICE_DAYS later, if still inactive, they are erased.
    Contacts with no email address are erased without notice."""
    now = now or timezone.now()
    inactive_since = now - timedelta(days=30 * settings.CONTACT_RETENTION_MONTHS)
    notice_deadline = now - timedelta(days=settings.PURGE_NOTICE_DAYS)
    inactive = Attendee.objects.not_erased().filter(last_activity_at__lt=inactive_since)
    erased = 0
    for attendee in inactive.filter(
        Q(purge_notice_sent_at__lt=notice_deadline) | Q(email="")
    ).iterator():
        erased += attendee_erase(attendee=attendee, method=ConsentRecord.WithdrawalMethod.PURGE)
    noticed = 0
    for attendee in inactive.filter(purge_notice_sent_at__isnull=True).exclude(email="").iterator():
        with transaction.atomic():
            attendee.purge_notice_sent_at = now
            attendee.save(update_fields=["purge_notice_sent_at"])
            outbox_enqueue(
                dedupe_key=f"purge-notice:{attendee.pk}:{now:%Y-%m-%d}",
                to_address=attendee.email,
                template="purge_notice",
                context={
                    **_email_context(attendee),
                    "delete_on": (now + timedelta(days=settings.PURGE_NOTICE_DAYS)).date(),
                },
                attendee=attendee,
            )
        noticed += 1
    return {"noticed": noticed, "erased": erased}
