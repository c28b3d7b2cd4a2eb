"""Who is on the other end of a request, as far as the app can trust it.

Behind the reverse proxy that the deployment guide describes, every connection comes
from the proxy, so the connection address is the same for everyone. The proxy appends
the address it saw to X-Forwarded-For; that last entry is the only one we trust, since
anything before it is whatever the client chose to send, and only on a connection from
a proxy in TRUSTED_PROXIES (or a Unix socket, which only the machine's own proxy can
reach): a client that gets past the proxy is known by its own address. Sign-in lockout
and the rate limits of public forms both ask this one function. The same holds for
X-Forwarded-Proto: a client that gets past the proxy cannot say it came over HTTPS.
"""

import ipaddress

from django.conf import settings


def _valid_address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def is_trusted_proxy(remote_addr: str) -> bool:
    if remote_addr == "":
        return True  # a Unix socket
    address = _valid_address(remote_addr)
    return bool(address) and any(
        ipaddress.ip_address(address) in network for network in settings.TRUSTED_PROXIES
    )


def client_address(request) -> str:
    remote_addr = request.META.get("REMOTE_ADDR", "")
    connection_address = _valid_address(remote_addr)
    if settings.BEHIND_HTTPS_PROXY and is_trusted_proxy(remote_addr):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return _valid_address(forwarded.split(",")[-1]) or connection_address
    return connection_address


def client_address_for_axes(request) -> str | None:
    """django-axes stores the address in an IP address column, so never an empty string."""
    return client_address(request) or None
