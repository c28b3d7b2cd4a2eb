"""Rate limiting for public forms, in the cache only.

A client is known by a salted hash of its address that changes with every window and
expires with it, so nothing that identifies anyone is stored in the database or the
logs, and nothing survives more than a few minutes.
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache


def _client_address(request) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            # The last address is the one our own proxy saw; earlier ones are whatever
            # the client chose to send, so they cannot be trusted.
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _key(request, scope: str, window_seconds: int) -> str:
    window = int(time.time() // window_seconds)
    message = f"{scope}:{window}:{_client_address(request)}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"ratelimit:{scope}:{digest[:32]}"


def too_many(request, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt and say whether the client is over the limit."""
    key = _key(request, scope, window_seconds)
    if cache.add(key, 1, timeout=window_seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window_seconds)
        return False
    return count > limit
