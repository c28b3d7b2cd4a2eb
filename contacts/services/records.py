"""Contacts' records: corrections, export, erasure and the retention job."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from contacts.models import (
    Attendee,
    ConsentPurpose,
    ConsentRecord,
    PendingSignUp,
)
from contacts.services.consent import consent_send_confirmation
from contacts.services.links import attendee_keep_url, email_context
from contacts.services.outbox import (
    outbox_cancel_for_attendee,
    outbox_enqueue,
    outbox_scrub_for_attendee,
)
from contacts.services.waiting_list import lay_observation_withdraw
from contacts.signals import attendee_erased
from engagement.models import Community


@transaction.atomic
def attendee_update(
    *,
    attendee: Attendee,
    by: AbstractBaseUser | None,
    name: str,
    email: str,
    phone: str,
    communities: Iterable[Community] | None = None,
    ethnicity: str | None = None,
    age_band: str | None = None,
    postcode_district: str | None = None,
) -> list[str]:
    """Save a staff correction and return the names of the details that changed.
    Community, ethnic group, age and postcode area change only when given, and may be
    given only while the person agrees to us keeping them. A new email address must
    be confirmed by its owner before updates go to it, so a typing mistake never sends
    mail to a stranger."""
    attendee = Attendee.objects.select_for_update().get(pk=attendee.pk)
    if attendee.is_erased:
        raise ValueError("An erased contact has no details to correct.")
    demographics = {
        field: value
        for field, value in (
            ("ethnicity", ethnicity),
            ("age_band", age_band),
            ("postcode_district", postcode_district),
        )
        if value is not None
    }
    if (demographics or communities is not None) and (
        ConsentPurpose.DEMOGRAPHIC_DATA not in attendee.live_consent_purposes()
    ):
        raise ValueError("Demographic details are kept only while the person agrees to it.")

    details = {"name": name, "email": email, "phone": phone, **demographics}
    changed = [field for field, value in details.items() if getattr(attendee, field) != value]
    for field in changed:
        if field == "phone":
            attendee.set_phone(phone)
        else:
            setattr(attendee, field, details[field])
    if changed:
        attendee.save(update_fields=changed + (["phone_digits"] if "phone" in changed else []))
    if communities is not None:
        communities = list(communities)
        if {community.pk for community in communities} != set(
            attendee.communities.values_list("pk", flat=True)
        ):
            attendee.communities.set(communities)
            changed.append("communities")

    if "email" in changed:
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
                consent_send_confirmation(attendee=attendee, consent=renewed)
    return changed


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
        "language_for_emails": attendee.language,
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
        "lay_observation": [
            {
                "opportunity": place.opportunity.title,
                "kind": place.opportunity.kind.name,
                "date": timezone.localtime(place.opportunity.starts_at).date().isoformat(),
                "cancelled_by_us": place.opportunity.is_cancelled,
                "status": place.get_status_display(),
                "vetting_check": place.get_vetting_status_display() if place.vetting_status else "",
                "offered": place.offered_at.isoformat(),
                "answered": place.answered_at.isoformat() if place.answered_at else None,
            }
            for place in attendee.observation_places.select_related("opportunity__kind").order_by(
                "opportunity__starts_at", "pk"
            )
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
    # First, so that places given up go to the waiting list before any mail is stopped.
    lay_observation_withdraw(attendee=attendee, erase=True)
    outbox_cancel_for_attendee(attendee_id=attendee.pk, reason="The recipient erased their data.")
    outbox_scrub_for_attendee(attendee_id=attendee.pk)
    attendee.consents.filter(withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawal_method=method
    )
    if attendee.email:
        # Sign-ups with this address that nobody confirmed hold it too.
        PendingSignUp.objects.for_address(attendee.email).delete()
    attendee.communities.clear()
    attendee.name = ""
    attendee.email = ""
    attendee.set_phone("")
    attendee.ethnicity = ""
    attendee.age_band = ""
    attendee.postcode_district = ""
    attendee.entered_by = None
    attendee.erased_at = timezone.now()
    attendee.save()
    attendee_erased.send(sender=Attendee, attendee=attendee)
    return True


def attendees_purge_inactive(*, now: datetime | None = None) -> dict:
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
                    **email_context(attendee),
                    "delete_on": attendee.erasure_due_at.date(),
                    "keep_url": attendee_keep_url(attendee),
                },
                attendee=attendee,
            )
        noticed += 1
    return {"noticed": noticed, "erased": erased, "expired_sign_ups": expired_sign_ups}
