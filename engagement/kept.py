"""Values kept in the cache until what they are made from changes.

Each kind of record (public content, feedback, events) has a version in the cache. A
value is kept beside the version it was made from, and read back with that version in
one round trip; a change gives the kind a new version, and what was kept under the old
one is worked out again. The version changes at once inside a transaction and again
when the change is committed, so that nothing worked out from the old rows in between
is kept under the new one. With the cache unreachable everything is worked out every
time, and the failure is logged once a minute at most.
"""

import logging
import secrets
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

# How long a version nothing has changed is kept; when it goes, a new one is made and
# every value of its kind is worked out again.
VERSION_SECONDS = 60 * 60
OUTAGE_LOG_EVERY_SECONDS = 60.0
_last_outage_warning = 0.0


def warn_outage(message: str, *args) -> None:
    global _last_outage_warning
    now = time.monotonic()
    if now - _last_outage_warning >= OUTAGE_LOG_EVERY_SECONDS:
        _last_outage_warning = now
        logger.warning(message, *args)


def _version_key(kind: str) -> str:
    return f"kept:{kind}:version"


def _bump(kinds) -> None:
    try:
        cache.set_many(
            {_version_key(kind): secrets.token_hex(6) for kind in kinds}, VERSION_SECONDS
        )
    except Exception:  # noqa: BLE001 - any cache failure: nothing kept is read either
        warn_outage("The cache is unreachable; kept values could not be marked stale.")


def changed(*kinds: str) -> None:
    """What is kept about these kinds of records is stale from now on."""
    if transaction.get_connection().in_atomic_block:
        _bump(kinds)
    transaction.on_commit(lambda: _bump(kinds))


def _new_version(kind: str) -> str:
    version = secrets.token_hex(6)
    cache.add(_version_key(kind), version, VERSION_SECONDS)
    return cache.get(_version_key(kind)) or version


def current_many(kind: str, keys: list[str]) -> tuple[str, dict]:
    """The kind's version now, and {key: (value,)} for each key under which a value
    made from that version is kept; in one round trip. Raises when the cache is
    unreachable."""
    found = cache.get_many([_version_key(kind), *keys])
    version = found.get(_version_key(kind)) or _new_version(kind)
    fresh = {}
    for key in keys:
        kept_version, value = found.get(key, (None, None))
        if kept_version is not None and kept_version == version:
            fresh[key] = (value,)
    return version, fresh


def current(kind: str, key: str) -> tuple[str, tuple | None]:
    """The kind's version now, and (value,) if one made from that version is kept under
    the key, else None."""
    version, fresh = current_many(kind, [key])
    return version, fresh.get(key)


def keep(key: str, version: str, value, seconds: int) -> None:
    try:
        cache.set(key, (version, value), seconds)
    except Exception:  # noqa: BLE001
        warn_outage("The cache is unreachable; %s was not kept.", key)


def kept(kind: str, name: str, work_out: Callable, *, seconds: int = VERSION_SECONDS):
    """The value called `name`, made from records of `kind`: as kept if it was made from
    their current version, else worked out with `work_out()` and kept for `seconds` at
    most. Values are kept per language, since their labels are translated."""
    return kept_together(kind, {name: work_out}, seconds=seconds)[name]


def kept_together(
    kind: str, work_outs: dict[str, Callable], *, seconds: int = VERSION_SECONDS
) -> dict:
    """Several values made from records of `kind`, as kept() gives each, read in one
    round trip: {name: value} for each {name: work_out}."""
    language = get_language()
    keys = {name: f"kept:{kind}:{name}:{language}" for name in work_outs}
    try:
        version, fresh = current_many(kind, list(keys.values()))
    except Exception:  # noqa: BLE001 - any cache failure: work it out afresh
        warn_outage("The cache is unreachable; %s is worked out afresh.", ", ".join(work_outs))
        return {name: work_out() for name, work_out in work_outs.items()}
    values = {}
    for name, work_out in work_outs.items():
        if keys[name] in fresh:
            values[name] = fresh[keys[name]][0]
        else:
            values[name] = work_out()
            keep(keys[name], version, values[name], seconds)
    return values
