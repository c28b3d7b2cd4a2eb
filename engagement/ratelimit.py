"""Rate limiting for public forms and sign-in, in the cache only.

A client is known by a salted hash of its address that changes with every window and
expires with it, so nothing that identifies anyone is stored in the database or the
logs, and nothing survives more than a few minutes.

Public forms must keep working when Redis is down. If the cache cannot be reached the
count is kept in this process's memory instead (fail open: a few more requests get
through, none are refused for our fault), and the outage is logged once a minute.
"""

import hashlib
import hmac
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache

from engagement.clients import client_address

logger = logging.getLogger(__name__)

# How often to repeat the warning while the cache stays down.
OUTAGE_LOG_EVERY_SECONDS = 60.0


class _ProcessCounter:
    """Counts per key in this process only, each key forgotten when its window ends."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}
        self._last_warning = 0.0

    def incr(self, key: str, window_seconds: int) -> int:
        now = time.monotonic()
        with self._lock:
            if len(self._counts) > 10_000:
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            count, expires = self._counts.get(key, (0, now + window_seconds))
            if expires <= now:
                count, expires = 0, now + window_seconds
            self._counts[key] = (count + 1, expires)
            return count + 1

    def peek(self, key: str) -> int:
        with self._lock:
            count, expires = self._counts.get(key, (0, 0.0))
            return count if expires > time.monotonic() else 0

    def should_warn(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._last_warning < OUTAGE_LOG_EVERY_SECONDS:
                return False
            self._last_warning = now
            return True

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()
            self._last_warning = 0.0


fallback_counter = _ProcessCounter()


def _key(request, scope: str, window_seconds: int) -> str:
    window = int(time.time() // window_seconds)
    message = f"{scope}:{window}:{client_address(request)}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"ratelimit:{scope}:{digest[:32]}"


def _cache_unavailable(error: Exception) -> None:
    if fallback_counter.should_warn():
        logger.warning(
            "The cache is unreachable (%s); rate limits are counted per process until it is back.",
            type(error).__name__,
        )


def _count(key: str, window_seconds: int) -> int:
    try:
        if hasattr(cache, "incr_with_expiry"):
            return cache.incr_with_expiry(key, window_seconds)
        if cache.add(key, 1, timeout=window_seconds):
            return 1
        try:
            return cache.incr(key)
        except ValueError:
            # The key expired between add and incr.
            cache.set(key, 1, timeout=window_seconds)
            return 1
    except Exception as error:
        _cache_unavailable(error)
        return fallback_counter.incr(key, window_seconds)


def _current(key: str) -> int:
    try:
        return int(cache.get(key) or 0)
    except Exception as error:
        _cache_unavailable(error)
        return fallback_counter.peek(key)


def too_many(request, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt and say whether the client is over the limit."""
    return _count(_key(request, scope, window_seconds), window_seconds) > limit


def count_attempt(request, *, scope: str, window_seconds: int) -> int:
    """Count one attempt (for example a failed sign-in) without deciding anything."""
    return _count(_key(request, scope, window_seconds), window_seconds)


def is_over(request, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Whether the client has already used up the limit, without counting this request."""
    return _current(_key(request, scope, window_seconds)) >= limit
