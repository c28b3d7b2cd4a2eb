"""Links in emails: the unsubscribe link, the signed, short-lived links to confirm a
sign-up, see one's own details, and keep them, and the link to answer an offer of a
lay observation place."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import salted_hmac

from contacts.models import Attendee, ObservationPlace

CONFIRMATION_SALT = "community-voice.confirm-updates"


MY_DATA_SALT = "community-voice.my-data"


KEEP_DETAILS_SALT = "community-voice.keep-details"


LAY_OBSERVATION_SALT = "community-voice.lay-observation"
# Places are offered weeks or months ahead; the link stops working for answers once the
# opportunity begins, whatever this says.
LAY_OBSERVATION_LINK_DAYS = 366


# The start of the outbox dedupe key of every my-data link, so they can be counted.
MY_DATA_LINK_KEY = "my-data-link:"


class LinkProblem(Exception):
    """An emailed link that is forged, expired, already used, or for a contact who is
    gone."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def absolute_url(name: str, **kwargs) -> str:
    return f"{settings.SITE_URL}{reverse(name, kwargs=kwargs or None)}"


def read_link(signed: str, *, salt: str, max_age: timedelta) -> dict:
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
    return absolute_url("unsubscribe", token=attendee.token)


def my_data_request_url() -> str:
    return absolute_url("my-data-request")


def my_data_link_url(attendee: Attendee) -> str:
    """A link to see, change, download or erase one's details, which works for
    MY_DATA_LINK_MINUTES and only while the contact keeps the same address."""
    signed = signing.dumps(
        {"contact": attendee.pk, "address": _address_fingerprint(attendee.email)},
        salt=MY_DATA_SALT,
    )
    return absolute_url("my-data", signed=signed)


def attendee_for_my_data_link(*, signed: str) -> Attendee:
    """The contact a my-data link is for. An erased contact is returned as such, so the
    page can say that nothing is held."""
    data = read_link(
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
    return absolute_url("keep-in-touch-keep", signed=signed)


def attendee_for_keep_link(*, signed: str) -> Attendee:
    data = read_link(
        signed, salt=KEEP_DETAILS_SALT, max_age=timedelta(days=settings.PURGE_NOTICE_DAYS)
    )
    attendee = Attendee.objects.filter(pk=data.get("contact")).first()
    if attendee is None:
        raise LinkProblem("invalid")
    return attendee


def lay_observation_place_url(place: ObservationPlace) -> str:
    """The link in every email about one person's place: it shows the opportunity and
    lets them take, give up or turn down the place. It opens nothing else."""
    signed = signing.dumps({"place": place.pk}, salt=LAY_OBSERVATION_SALT)
    return absolute_url("lay-observation-place", signed=signed)


def place_for_lay_observation_link(*, signed: str) -> ObservationPlace:
    data = read_link(
        signed, salt=LAY_OBSERVATION_SALT, max_age=timedelta(days=LAY_OBSERVATION_LINK_DAYS)
    )
    pk = data.get("place")
    if not isinstance(pk, int):
        raise LinkProblem("invalid")
    place = (
        ObservationPlace.objects.select_related(
            "attendee", "opportunity__kind", "opportunity__contact_officer"
        )
        .filter(pk=pk)
        .first()
    )
    if place is None:
        raise LinkProblem("invalid")
    return place


def email_context(attendee: Attendee) -> dict:
    # The footer leads to the page that emails a fresh link, never to the details
    # themselves: emails get forwarded, and their links outlive their purpose.
    return {"name": attendee.name, "my_data_url": my_data_request_url()}
