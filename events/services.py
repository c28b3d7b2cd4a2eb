import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
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
    PendingSignUp,
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
MY_DATA_SALT = "community-voice.my-data"
KEEP_DETAILS_SALT = "community-voice.keep-details"
# The start of the outbox dedupe key of every my-data link, so they can be counted.
MY_DATA_LINK_KEY = "my-data-link:"


class LinkProblem(Exception):
    """An emailed link that is forged, expired, already used, or for a contact who is
    gone."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _absolute_url(name: str, **kwargs) -> str:
    return f"{settings.SITE_URL}{reverse(name, kwargs=kwargs or None)}"


def _read_link(signed: str, *, salt: str, max_age: timedelta) -> dict:
    try:
        data = signing.loads(signed, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkProblem("expired") from None
    except signing.BadSignature:
        raise LinkProblem("invalid") from None
    if not isinstance(data, dict):
        raise LinkProblem("invalid")
    return data


def _address_fingerprint(email: str) -> str:
    """A short keyed hash of an address: a link that carries it stops working when the
    contact's address changes, without the address itself being in the link."""
    return salted_hmac(MY_DATA_SALT, email.lower()).hexdigest()[:16]


def attendee_unsubscribe_url(attendee: Attendee) -> str:
    return _absolute_url("unsubscribe", token=attendee.token)


def my_data_request_url() -> str:
    return _absolute_url("my-data-request")


def my_data_link_url(attendee: Attendee) -> str:
    """A link to see, change, download or erase one's details, which works for
    MY_DATA_LINK_MINUTES and only while the contact keeps the same address."""
    signed = signing.dumps(
        {"contact": attendee.pk, "address": _address_fingerprint(attendee.email)},
        salt=MY_DATA_SALT,
    )
    return _absolute_url("my-data", signed=signed)


def attendee_for_my_data_link(*, signed: str) -> Attendee:
    """The contact a my-data link is for. An erased contact is returned as such, so the
    page can say that nothing is held."""
    data = _read_link(
        signed, salt=MY_DATA_SALT, max_age=timedelta(minutes=settings.MY_DATA_LINK_MINUTES)
    )
    attendee = Attendee.objects.filter(pk=data.get("contact")).first()
    if attendee is None:
        raise LinkProblem("invalid")
    if not attendee.is_erased and data.get("address") != _address_fingerprint(attendee.email):
        raise LinkProblem("invalid")
    return attendee


def attendee_keep_url(attendee: Attendee) -> str:
    """The link in the purge notice. It can only restart the retention clock, so it
    works for the whole notice period."""
    signed = signing.dumps({"contact": attendee.pk}, salt=KEEP_DETAILS_SALT)
    return _absolute_url("keep-in-touch-keep", signed=signed)


def attendee_for_keep_link(*, signed: str) -> Attendee:
    data = _read_link(
        signed, salt=KEEP_DETAILS_SALT, max_age=timedelta(days=settings.PURGE_NOTICE_DAYS)
    )
    attendee = Attendee.objects.filter(pk=data.get("contact")).first()
    if attendee is None:
        raise LinkProblem("invalid")
    return attendee


def _email_context(attendee: Attendee) -> dict:
    # The footer leads to the page that emails a fresh link, never to the details
    # themselves: emails get forwarded, and their links outlive their purpose.
    return {"name": attendee.name, "my_data_url": my_data_request_url()}


def _send_confirmation(attendee: Attendee, consent: ConsentRecord) -> None:
    signed = signing.dumps({"consent": consent.pk}, salt=CONFIRMATION_SALT)
    outbox_enqueue(
        dedupe_key=f"confirm-updates:{consent.pk}",
        to_address=attendee.email,
        template="confirm_updates",
        context={
            **_email_context(attendee),
            "confirm_url": _absolute_url("keep-in-touch-confirm", signed=signed),
            "valid_days": settings.CONFIRMATION_LINK_DAYS,
        },
        attendee=attendee,
    )


def _give_consent(
    attendee: Attendee,
    purpose: str,
    *,
    method: str,
    recorded_by=None,
    confirmed: bool = False,
    given_at=None,
    notice_version: str = PRIVACY_NOTICE_VERSION,
) -> ConsentRecord:
    """Record a consent unless the same one is already live or waiting for confirmation."""
    current = attendee.consents.filter(purpose=purpose, withdrawn_at__isnull=True).last()
    if current is not None and (current.is_live or not confirmed):
        return current
    now = timezone.now()
    if current is not None:
        current.withdrawn_at = now
        current.withdrawal_method = ConsentRecord.WithdrawalMethod.PREFERENCES
        current.save(update_fields=["withdrawn_at", "withdrawal_method"])
    return ConsentRecord.objects.create(
        attendee=attendee,
        purpose=purpose,
        notice_version=notice_version,
        given_at=given_at or now,
        method=method,
        recorded_by=recorded_by,
        confirmed_at=now if confirmed else None,
    )


def _attendee_save(
    *,
    attendee: Attendee | None,
    name: str,
    email: str,
    phone: str,
    purposes: set[str],
    communities,
    ethnicity: str,
    age_band: str,
    postcode_district: str,
    method: str,
    recorded_by,
    address_confirmed: bool,
    given_at=None,
    notice_version: str = PRIVACY_NOTICE_VERSION,
) -> Attendee:
    """Create the contact, or update the one given, with one consent record per choice.
    Consent to email updates is live only if the address has been confirmed."""
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

    for purpose in purposes:
        _give_consent(
            attendee,
            purpose,
            method=method,
            recorded_by=recorded_by,
            confirmed=address_confirmed or purpose != ConsentPurpose.EMAIL_UPDATES,
            given_at=given_at,
            notice_version=notice_version,
        )

    if ConsentPurpose.DEMOGRAPHIC_DATA in purposes:
        attendee.ethnicity = ethnicity
        attendee.age_band = age_band
        attendee.postcode_district = postcode_district
        attendee.save(update_fields=["ethnicity", "age_band", "postcode_district"])
        attendee.communities.set(communities)
    return attendee


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
    """Save someone's details and choices at once. For paper and in-person forms an
    officer types in: the officer saw the person sign, so every choice is live at once
    and a contact with the same address is updated. And for online sign-ups with a
    phone number only, which match nobody. An online sign-up with an email address
    goes through sign_up_submit instead, so that the owner of the address confirms it
    before anything is saved."""
    if method == ConsentMethod.ONLINE and email:
        raise ValueError("An online sign-up with an email address must be confirmed first.")
    return _attendee_save(
        attendee=Attendee.objects.find_by_email(email) if email else None,
        name=name,
        email=email,
        phone=phone,
        purposes=purposes,
        communities=communities,
        ethnicity=ethnicity,
        age_band=age_band,
        postcode_district=postcode_district,
        method=method,
        recorded_by=recorded_by,
        address_confirmed=method != ConsentMethod.ONLINE,
    )


def _emails_today(queryset) -> int:
    return queryset.filter(created_at__gte=timezone.now() - timedelta(hours=24)).count()


@transaction.atomic
def sign_up_submit(
    *,
    name: str,
    email: str,
    phone: str,
    purposes: set[str],
    communities=(),
    ethnicity: str = "",
    age_band: str = "",
    postcode_district: str = "",
) -> None:
    """The public keep-in-touch form. A sign-up with an email address is held, and a
    link goes to that address; only its owner, by confirming, saves it or changes an
    existing contact. The answer to the form never depends on whether the address is
    already known, so nobody can find out. A sign-up with a phone number only matches
    nobody and is saved at once."""
    if not email:
        attendee_keep_in_touch(
            name=name,
            email="",
            phone=phone,
            purposes=purposes,
            communities=communities,
            ethnicity=ethnicity,
            age_band=age_band,
            postcode_district=postcode_district,
        )
        return
    if _emails_today(PendingSignUp.objects.for_address(email)) >= (
        settings.LINK_EMAILS_PER_ADDRESS_PER_DAY
    ):
        # Quietly: the person sees the same page, and nobody can use the form to fill a
        # stranger's inbox.
        return
    sign_up = PendingSignUp.objects.create(
        name=name,
        email=email,
        phone=phone,
        purposes=sorted(purposes),
        ethnicity=ethnicity,
        age_band=age_band,
        postcode_district=postcode_district,
        notice_version=PRIVACY_NOTICE_VERSION,
    )
    if communities:
        sign_up.communities.set(communities)
    signed = signing.dumps({"sign_up": sign_up.token}, salt=CONFIRMATION_SALT)
    outbox_enqueue(
        dedupe_key=f"confirm-sign-up:{sign_up.token}",
        to_address=email,
        # Nothing the form's sender typed goes into the email, so it cannot carry
        # their words to a stranger.
        template="confirm_sign_up",
        context={
            "my_data_url": my_data_request_url(),
            "confirm_url": _absolute_url("keep-in-touch-confirm", signed=signed),
            "valid_days": settings.CONFIRMATION_LINK_DAYS,
        },
        # Linked to a contact who already has the address, so that erasing them also
        # erases this email.
        attendee=Attendee.objects.find_by_email(email),
    )


@dataclass(frozen=True)
class Confirmation:
    """What an emailed confirmation link saves when its owner presses Confirm: a whole
    sign-up from the online form, or (after an officer corrected an address) consent
    to email updates at the new address."""

    sign_up: PendingSignUp | None = None
    consent: ConsentRecord | None = None


def confirmation_for_link(*, signed: str, lock: bool = False) -> Confirmation:
    data = _read_link(
        signed,
        salt=CONFIRMATION_SALT,
        max_age=timedelta(days=settings.CONFIRMATION_LINK_DAYS),
    )
    if "sign_up" in data:
        sign_ups = PendingSignUp.objects.filter(token=str(data["sign_up"]))
        sign_up = (sign_ups.select_for_update() if lock else sign_ups).first()
        if sign_up is None:
            raise LinkProblem("used")
        return Confirmation(sign_up=sign_up)
    consents = ConsentRecord.objects.select_related("attendee").filter(
        pk=data.get("consent"), purpose=ConsentPurpose.EMAIL_UPDATES
    )
    consent = (consents.select_for_update() if lock else consents).first()
    if consent is None or consent.attendee.is_erased:
        raise LinkProblem("invalid")
    if consent.withdrawn_at is not None:
        raise LinkProblem("withdrawn")
    return Confirmation(consent=consent)


@transaction.atomic
def confirmation_apply(*, signed: str) -> Attendee:
    """The owner of the address pressed Confirm on the page the emailed link opened.
    Opening the link changes nothing, since mail scanners open links too. A sign-up
    creates the contact, or updates the one with that address, with its choices
    confirmed now and given when the form was sent; it can be applied only once."""
    confirmation = confirmation_for_link(signed=signed, lock=True)
    if confirmation.consent is not None:
        consent = confirmation.consent
        if consent.confirmed_at is None:
            consent.confirmed_at = timezone.now()
            consent.save(update_fields=["confirmed_at"])
            attendee_record_activity(attendee=consent.attendee)
        return consent.attendee
    sign_up = confirmation.sign_up
    attendee = _attendee_save(
        attendee=Attendee.objects.find_by_email(sign_up.email),
        name=sign_up.name,
        email=sign_up.email,
        phone=sign_up.phone,
        purposes=set(sign_up.purposes),
        communities=list(sign_up.communities.all()),
        ethnicity=sign_up.ethnicity,
        age_band=sign_up.age_band,
        postcode_district=sign_up.postcode_district,
        method=ConsentMethod.ONLINE,
        recorded_by=None,
        address_confirmed=True,
        given_at=sign_up.created_at,
        notice_version=sign_up.notice_version,
    )
    sign_up.delete()
    return attendee


@transaction.atomic
def my_data_link_send(*, email: str) -> None:
    """Email a short-lived my-data link to the live contact with this address, if
    there is one. The caller's answer must not depend on it."""
    attendee = Attendee.objects.find_by_email(email)
    if attendee is not None:
        attendee_send_my_data_link(attendee=attendee)


@transaction.atomic
def attendee_send_my_data_link(*, attendee: Attendee) -> bool:
    """Email a contact, at their own address, a link to see, change, download or
    erase what we hold. At most LINK_EMAILS_PER_ADDRESS_PER_DAY go in 24 hours.
    Returns whether one was queued."""
    attendee = Attendee.objects.select_for_update().get(pk=attendee.pk)
    if attendee.is_erased or not attendee.email:
        return False
    already = attendee.messages.filter(dedupe_key__startswith=MY_DATA_LINK_KEY)
    if _emails_today(already) >= settings.LINK_EMAILS_PER_ADDRESS_PER_DAY:
        return False
    outbox_enqueue(
        dedupe_key=f"{MY_DATA_LINK_KEY}{attendee.pk}:{secrets.token_hex(8)}",
        to_address=attendee.email,
        template="my_data_link",
        context={
            **_email_context(attendee),
            "link_url": my_data_link_url(attendee),
            "valid_minutes": settings.MY_DATA_LINK_MINUTES,
        },
        attendee=attendee,
    )
    return True


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
    """Their own preferences, on the page a short-lived emailed link opens."""
    for purpose in (
        ConsentPurpose.EMAIL_UPDATES,
        ConsentPurpose.FOCUS_GROUP,
        ConsentPurpose.LAY_OBSERVATION,
    ):
        if purpose in purposes:
            # Reaching the page through an emailed link proves the address works.
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
    if attendee.email:
        # Sign-ups with this address that nobody confirmed hold it too.
        PendingSignUp.objects.for_address(attendee.email).delete()
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
    Contacts with no email address are erased without notice. Sign-ups whose
    confirmation link has run out are deleted."""
    now = now or timezone.now()
    _deleted, by_model = PendingSignUp.objects.expired(now).delete()
    expired_sign_ups = by_model.get(PendingSignUp._meta.label, 0)
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
                    "keep_url": attendee_keep_url(attendee),
                },
                attendee=attendee,
            )
        noticed += 1
    return {"noticed": noticed, "erased": erased, "expired_sign_ups": expired_sign_ups}
