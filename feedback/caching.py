"""Figures and lists kept in the cache until what they are made from changes.

The analysis adds up every feedback item, which takes the database a few hundred
milliseconds at 100,000 items; the inbox's event filter lists every event. Both are the
same for every visit until feedback or events change, so each is worked out once and
kept under the current version of what it is made from. A change gives that a new
version, and what was kept under the old one is no longer used.

Changes are caught by model signals (connect_signals, from the app's ready()), and
services that write in bulk, which send no signals, call changed() themselves. The
version changes at once and again when the change is committed, so that nothing worked
out from the old rows in between is kept under the new one. With the cache unreachable,
everything is worked out every time, and the failure is logged once a minute at most.
"""

import logging
import secrets
import time
from collections.abc import Callable
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

# What a kept value is made from.
FEEDBACK = "feedback"  # items, their topics, communities and events: the analysis
EVENTS = "events"  # events and their venues: the inbox's event filter

# How long a value, and a version nothing has changed, is kept. A version that has
# gone is replaced by a new one, so what was kept under it is worked out again.
KEPT_SECONDS = 60 * 60
OUTAGE_LOG_EVERY_SECONDS = 60.0
_last_outage_warning = 0.0


def _warn_outage(message: str, *args) -> None:
    global _last_outage_warning
    now = time.monotonic()
    if now - _last_outage_warning >= OUTAGE_LOG_EVERY_SECONDS:
        _last_outage_warning = now
        logger.warning(message, *args)


def _version_key(kind: str) -> str:
    return f"kept:{kind}:version"


def _bump(kinds) -> None:
    try:
        cache.set_many({_version_key(kind): secrets.token_hex(6) for kind in kinds}, KEPT_SECONDS)
    except Exception:  # noqa: BLE001 - any cache failure: nothing kept is read either
        _warn_outage("The cache is unreachable; kept figures could not be marked stale.")


def changed(*kinds: str) -> None:
    """What is kept about these kinds of records is stale from now on."""
    if transaction.get_connection().in_atomic_block:
        _bump(kinds)
    transaction.on_commit(partial(_bump, kinds))


def _new_version(kind: str) -> str:
    version = secrets.token_hex(6)
    cache.add(_version_key(kind), version, KEPT_SECONDS)
    return cache.get(_version_key(kind)) or version


def kept(kind: str, name: str, work_out: Callable):
    """The value called `name`, made from records of `kind`: as kept in the cache if it
    was made from their current version, else worked out with `work_out()` and kept.
    One round trip to the cache when it is there. Values are kept per language, since
    their labels are translated."""
    key = f"kept:{kind}:{name}:{get_language()}"
    try:
        found = cache.get_many([_version_key(kind), key])
        version = found.get(_version_key(kind)) or _new_version(kind)
    except Exception:  # noqa: BLE001 - any cache failure: work it out afresh
        _warn_outage("The cache is unreachable; %s is worked out afresh.", name)
        return work_out()
    kept_version, value = found.get(key, (None, None))
    if kept_version is not None and kept_version == version:
        return value
    value = work_out()
    try:
        cache.set(key, (version, value), KEPT_SECONDS)
    except Exception:  # noqa: BLE001
        _warn_outage("The cache is unreachable; %s was not kept.", name)
    return value


def _on_change(kinds, sender, **kwargs) -> None:
    action = kwargs.get("action")
    if action is None or action.startswith("post_"):
        changed(*kinds)


def connect_signals() -> None:
    from engagement.models import Community
    from events.models import Event, Venue
    from feedback.models import FeedbackItem, Topic

    watched = {
        FeedbackItem: (FEEDBACK,),
        Topic: (FEEDBACK,),
        Community: (FEEDBACK,),
        Event: (FEEDBACK, EVENTS),
        Venue: (EVENTS,),
    }
    for model, kinds in watched.items():
        receiver = partial(_on_change, kinds)
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(
                receiver,
                sender=model,
                weak=False,
                dispatch_uid=f"kept-{model._meta.label_lower}-{name}",
            )
    m2m_changed.connect(
        partial(_on_change, (FEEDBACK,)),
        sender=FeedbackItem.topics.through,
        weak=False,
        dispatch_uid="kept-feedback-topics",
    )
