"""Small helpers shared by the contacts tests: reading pages, links in emails and the
outbox, and running code at a moment in the past."""

import csv
import io
import re
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Attendee, ConsentPurpose, OutboxMessage
from contacts.services.outbox import outbox_enqueue
from engagement.models import AuditLogEntry
from engagement.tests.smtp import text_of

UNSUBSCRIBE_URL = "http://127.0.0.1:8000/unsubscribe/a-long-token/"


def is_not_cached(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def audit_entries(action) -> list[AuditLogEntry]:
    return list(AuditLogEntry.objects.filter(action=action))


def path_of(url: str) -> str:
    return urlsplit(url).path


@contextmanager
def past(**delta):
    """Run the code inside at a moment in the past, as django.core.signing sees it."""
    moment = timezone.now() - timedelta(**delta)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("time.time", lambda: moment.timestamp())
        yield


def table_in(page: str, caption_start: str) -> dict:
    """{row label: cell text} for the table whose caption starts with caption_start."""
    start = page.index(f"<caption>{caption_start}")
    table = page[start : page.index("</table>", start)]
    rows = re.findall(r'<th scope="row"[^>]*>(.*?)</th>\s*<td[^>]*>(.*?)</td>', table, re.S)
    return {label.strip(): value.strip() for label, value in rows}


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


# Signing up and the links in emails -------------------------------------------------


def sign_up(client, **fields):
    """Send the public keep-in-touch form."""
    data = {"name": "Ada Obi", "email": "ada@example.org", "wants_updates": "on", **fields}
    return client.post(reverse("keep-in-touch"), data)


def confirm_link_from(message) -> str:
    link = re.search(r"https?://\S+/keep-in-touch/confirm/\S+/", text_of(message)).group(0)
    return path_of(link)


def my_data_link_from(message) -> str:
    link = re.search(r"https?://\S+/my-data/\S+/", text_of(message)).group(0)
    return path_of(link)


def queued_confirm_link(to_address: str) -> str:
    """The confirmation link in the newest email queued for an address, without
    waiting for it to be sent."""
    message = OutboxMessage.objects.filter(to_address=to_address).order_by("created_at").last()
    link = re.search(r"https?://\S+/keep-in-touch/confirm/\S+/", message.body_text).group(0)
    return path_of(link)


def signed_up_and_confirmed(client, **fields) -> Attendee:
    sign_up(client, **fields)
    email = fields.get("email", "ada@example.org")
    response = client.post(queued_confirm_link(email))
    assert response.status_code == 200, response.content.decode()
    return Attendee.objects.find_by_email(email)


# The outbox ----------------------------------------------------------------------------


def queue_update(attendee, *, key="update:1", purpose=ConsentPurpose.EMAIL_UPDATES, **extra):
    """An email about events, which needs a live consent to email updates."""
    return outbox_enqueue(
        dedupe_key=key,
        to_address=attendee.email if attendee else "gone@example.org",
        template="confirm_updates",
        context={"name": attendee.name if attendee else "", "confirm_url": "http://x/"},
        consent_purpose=purpose,
        attendee=attendee,
        unsubscribe_url=UNSUBSCRIBE_URL,
        **extra,
    )


def reload(message) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


def make_due(message):
    """Pretend the retry delay has passed."""
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
