"""Friendly error pages. The 500 page is rendered without the database or any
context processor, since those may be what failed."""

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _

from engagement.context_processors import PUBLIC_NAVIGATION


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
    return HttpResponseServerError(loader.get_template("500.html").render())
