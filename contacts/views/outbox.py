"""The staff page about the email outbox."""

import re

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from contacts.models import OutboxMessage
from engagement.roles import Capability, capability_required

RECENT_MESSAGES = 25
# Enough of an email address to find one in an error from the mail server.
EMAIL_ADDRESS = re.compile(r"(\w)[\w.%+'-]*@([\w-]+(?:\.[\w-]+)+)")


def _mask_addresses(text: str) -> str:
    """Mail servers name the recipient in their errors; show only what masked_address does."""
    return EMAIL_ADDRESS.sub(lambda match: f"{match[1]}•••@{match[2]}", text)


def _recent_messages(status: str):
    messages_ = list(
        OutboxMessage.objects.filter(status=status)
        # Bodies and attachments are large and not shown.
        .only(
            "subject",
            "to_address",
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "created_at",
        )
        .order_by("-created_at", "-pk")[:RECENT_MESSAGES]
    )
    for message in messages_:
        message.masked_error = _mask_addresses(message.last_error)
    return messages_


@require_safe
@never_cache
@capability_required(Capability.VIEW_PERSONAL_DATA)
def outbox(request):
    """How the email outbox is doing, with masked addresses only."""
    counts = OutboxMessage.objects.counts_by_status()
    return render(
        request,
        "contacts/outbox.html",
        {
            "counts": [(status.label, counts[status]) for status in OutboxMessage.Status],
            "failed": _recent_messages(OutboxMessage.Status.FAILED),
            "queued": _recent_messages(OutboxMessage.Status.QUEUED),
            "recent": RECENT_MESSAGES,
        },
    )
