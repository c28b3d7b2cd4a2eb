"""Friendly error pages. The 500 and 503 pages are rendered without the database or
any context processor, since those may be what failed."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _

from engagement.context_processors import PUBLIC_NAVIGATION

logger = logging.getLogger(__name__)

# How long someone is asked to wait before trying again while the database is away.
DATABASE_RETRY_AFTER_SECONDS = 30
OUTAGE_ERROR_CLASSES = ("08", "53", "57")


def bad_request(request, exception=None):
    """The page for a request Django could not read: a body in a character set it
    refuses, a broken upload, a host name that is not ours.

    The request may fail again wherever it is read, so this page reads nothing from
    it: no form data, no CSRF check, no session and no host name. That is why the
    page is rendered without the request and its context processors, and always
    looks like a public page.
    """
    context = {
        "site_name": _("Community Voice"),
        "organisation_name": settings.ORGANISATION_NAME,
        "public_navigation": [
            {"label": item.label, "url": reverse(item.url_name), "current": False}
            for item in PUBLIC_NAVIGATION
        ],
    }
    return HttpResponseBadRequest(loader.get_template("400.html").render(context))


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Django calls this while handling the exception, so it is still at hand.
    error = sys.exc_info()[1]
    if _lost_connection(error):
        return database_unavailable(error)
    return HttpResponseServerError(loader.get_template("500.html").render())


def _lost_connection(error) -> bool:
    """Whether the error is the database being out of reach: a connection that failed
    or was dropped (no error code), or PostgreSQL's codes for a lost connection (08),
    too many connections (53) and a shutdown or restart (57). Anything else it answers
    with, a deadlock (40P01) say, is a fault and stays a 500 with its traceback."""
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    code = getattr(error.__cause__, "pgcode", None)
    return code is None or code.startswith(OUTAGE_ERROR_CLASSES)


def database_unavailable(error: Exception) -> HttpResponse:
    """The page for a request whose database connection failed: PostgreSQL restarting,
    failing over or refusing connections. It passes in seconds, so the person is asked
    to try again (503 with Retry-After) rather than told that something is broken."""
    reason = (str(error).strip().splitlines() or [""])[0][:200]
    logger.warning("The database is unreachable (%s: %s).", type(error).__name__, reason)
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    # Logged above in one line. Django would log each such request again with its
    # traceback and email it to the administrators: hundreds during one restart.
    response._has_been_logged = True
    return response
