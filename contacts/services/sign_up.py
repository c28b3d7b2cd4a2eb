"""Signing up to keep in touch, confirming by the emailed link, and asking for a
link to one's own details."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from contacts.models import (
    PRIVACY_NOTICE_VERSION,
    Attendee,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    PendingSignUp,
)
from contacts.services.consent import attendee_record_activity, consent_give
from contacts.services.links import (
    CONFIRMATION_SALT,
    MY_DATA_LINK_KEY,
    LinkProblem,
    absolute_url,
    email_context,
    my_data_link_url,
    my_data_request_url,
    read_link,
)
from contacts.services.outbox import outbox_enqueue
from engagement.models import Community


def _attendee_save(
    *,
    attendee: Attendee | None,
    name: str,
    email: str,
    phone: str,
    purposes: set[str],
    communities: Iterable[Community],
    ethnicity: str,
    age_band: str,
    postcode_district: str,
    method: str,
    recorded_by: AbstractBaseUser | None,
    address_confirmed: bool,
    given_at: datetime | None = None,
    notice_version: str = PRIVACY_NOTICE_VERSION,
    language: str | None = None,
) -> Attendee:
    """Create the contact, or update the one given, with one consent record per choice.
    Consent to email updates is live only if the address has been confirmed."""
    if attendee is None:
        attendee = Attendee(name=name, email=email, source=method, entered_by=recorded_by)
        attendee.set_phone(phone)
        attendee.language = language or settings.LANGUAGE_CODE
        attendee.save()
    else:
        attendee.name = name or attendee.name
        attendee.set_phone(phone or attendee.phone)
        attendee.language = language or attendee.language
        attendee.save(update_fields=["name", "phone", "phone_digits", "language"])
        attendee_record_activity(attendee=attendee)

    for purpose in purposes:
        consent_give(
            attendee=attendee,
            purpose=purpose,
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
    communities: Iterable[Community] = (),
    ethnicity: str = "",
    age_band: str = "",
    postcode_district: str = "",
    method: str = ConsentMethod.ONLINE,
    recorded_by: AbstractBaseUser | None = None,
    language: str | None = None,
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
        language=language,
    )


def _emails_in_last_day(queryset: QuerySet) -> int:
    return queryset.filter(created_at__gte=timezone.now() - timedelta(hours=24)).count()


@transaction.atomic
def sign_up_submit(
    *,
    name: str,
    email: str,
    phone: str,
    purposes: set[str],
    communities: Iterable[Community] = (),
    ethnicity: str = "",
    age_band: str = "",
    postcode_district: str = "",
    language: str | None = None,
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
            language=language,
        )
        return
    if _emails_in_last_day(PendingSignUp.objects.for_address(email)) >= (
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
        language=language or settings.LANGUAGE_CODE,
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
            "confirm_url": absolute_url("keep-in-touch-confirm", signed=signed),
            "valid_days": settings.CONFIRMATION_LINK_DAYS,
        },
        # Linked to a contact who already has the address, so that erasing them also
        # erases this email.
        attendee=Attendee.objects.find_by_email(email),
        language=sign_up.language,
    )


@dataclass(frozen=True)
class Confirmation:
    """What an emailed confirmation link saves when its owner presses Confirm: a whole
    sign-up from the online form, or (after an officer corrected an address) consent
    to email updates at the new address."""

    sign_up: PendingSignUp | None = None
    consent: ConsentRecord | None = None


def confirmation_for_link(*, signed: str, lock: bool = False) -> Confirmation:
    data = read_link(
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
        language=sign_up.language,
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
    if _emails_in_last_day(already) >= settings.LINK_EMAILS_PER_ADDRESS_PER_DAY:
        return False
    outbox_enqueue(
        dedupe_key=f"{MY_DATA_LINK_KEY}{attendee.pk}:{secrets.token_hex(8)}",
        to_address=attendee.email,
        template="my_data_link",
        context={
            **email_context(attendee),
            "link_url": my_data_link_url(attendee),
            "valid_minutes": settings.MY_DATA_LINK_MINUTES,
        },
        attendee=attendee,
    )
    return True
