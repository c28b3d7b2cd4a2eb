"""Giving, confirming and taking back consent, and the retention clock that a
person's activity restarts."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.db import transaction
from django.utils import timezone

from contacts.models import (
    PRIVACY_NOTICE_VERSION,
    Attendee,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
)
from contacts.services.links import CONFIRMATION_SALT, absolute_url, email_context
from contacts.services.outbox import outbox_enqueue
from contacts.services.waiting_list import lay_observation_withdraw


def consent_send_confirmation(*, attendee: Attendee, consent: ConsentRecord) -> None:
    signed = signing.dumps({"consent": consent.pk}, salt=CONFIRMATION_SALT)
    outbox_enqueue(
        dedupe_key=f"confirm-updates:{consent.pk}",
        to_address=attendee.email,
        template="confirm_updates",
        context={
            **email_context(attendee),
            "confirm_url": absolute_url("keep-in-touch-confirm", signed=signed),
            "valid_days": settings.CONFIRMATION_LINK_DAYS,
        },
        attendee=attendee,
    )


def consent_give(
    *,
    attendee: Attendee,
    purpose: str,
    method: str,
    recorded_by: AbstractBaseUser | None = None,
    confirmed: bool = False,
    given_at: datetime | None = None,
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


@transaction.atomic
def consent_withdraw(*, attendee: Attendee, purpose: str, method: str) -> int:
    """Take back a consent. Withdrawing twice is harmless. Mail already queued for that
    purpose will not go: the outbox checks consent again when it sends. Taking back
    consent to keep demographic details deletes them. Taking back interest in lay
    observation gives up every offer and place to come, a place held included, which
    goes to the waiting list."""
    withdrawn = attendee.consents.filter(purpose=purpose, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawal_method=method
    )
    if purpose == ConsentPurpose.LAY_OBSERVATION:
        lay_observation_withdraw(attendee=attendee)
    if purpose == ConsentPurpose.DEMOGRAPHIC_DATA:
        attendee.ethnicity = ""
        attendee.age_band = ""
        attendee.postcode_district = ""
        attendee.save(update_fields=["ethnicity", "age_band", "postcode_district"])
        attendee.communities.clear()
    return withdrawn


@transaction.atomic
def attendee_set_preferences(
    *, attendee: Attendee, purposes: set[str], language: str | None = None
) -> None:
    """Their own preferences, on the page a short-lived emailed link opens: what they
    want from us, and the language to write to them in."""
    # The person's row first, as erasing does: choices saved in the same moment as an
    # erasure wait for it instead of deadlocking with it, and bring nothing back.
    attendee = Attendee.objects.select_for_update().get(pk=attendee.pk)
    if attendee.is_erased:
        return
    if language and language != attendee.language:
        attendee.language = language
        attendee.save(update_fields=["language"])
    for purpose in (
        ConsentPurpose.EMAIL_UPDATES,
        ConsentPurpose.FOCUS_GROUP,
        ConsentPurpose.LAY_OBSERVATION,
    ):
        if purpose in purposes:
            # Reaching the page through an emailed link proves the address works.
            consent_give(
                attendee=attendee, purpose=purpose, method=ConsentMethod.ONLINE, confirmed=True
            )
        else:
            consent_withdraw(
                attendee=attendee,
                purpose=purpose,
                method=ConsentRecord.WithdrawalMethod.PREFERENCES,
            )
    attendee_record_activity(attendee=attendee)


def attendee_record_activity(*, attendee: Attendee, at: datetime | None = None) -> None:
    """The person showed they want to stay: they came to an event, confirmed a link,
    changed their choices, sent the form again or pressed "keep my details". Restart
    the retention clock and forget any purge notice, so that if they go quiet again
    they get a new notice before anything is erased. The only code that moves the
    clock back to the start: everything that counts as activity calls it."""
    attendee.last_activity_at = at or timezone.now()
    attendee.purge_notice_sent_at = None
    attendee.save(update_fields=["last_activity_at", "purge_notice_sent_at"])
