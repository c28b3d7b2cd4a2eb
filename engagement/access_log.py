"""gunicorn's access log, and error emails, without personal data.

A member of the public who gives anonymous feedback, opts in to updates or opens the
link in an email must not be traceable through the logs (DESIGN.md §6, rules 1, 2 and
10). So the access log never holds a client address, a user agent, a referrer, request
or response headers, or a query string, and the random tokens in the paths of the
public forms are replaced by "…": the path of a personal link is itself a key to that
person's data.

gunicorn's own error messages name the request path too; they are cleaned the same way.

Django's error email lists the request's headers, cookies and form fields: on a
public form, that is a member of the public's address, browser and answers, sent by
email. ErrorEmailHandler sends the traceback without them.

deploy/gunicorn.conf.py sets `logger_class` to PrivateAccessLogger; settings.LOGGING
uses ErrorEmailHandler.
"""

import copy
import re

from django.utils.log import AdminEmailHandler
from gunicorn.glogging import Logger

# The public form sections: a path below them (after an optional language prefix such
# as /so/) is shown only up to the section and the fixed words below.
PUBLIC_FORM_SECTIONS = (
    "give-feedback",
    "keep-in-touch",
    "unsubscribe",
    "my-data",
    "survey",
    "live",
    "lay-observation",
)
# Path words inside those sections that are part of the route, not a token. Anything
# else is treated as a token, so a new route with a token is safe by default.
ROUTE_WORDS = frozenset(
    {
        "thank-you",
        "thanks",
        "check-your-email",
        "confirm",
        "keep",
        "preferences",
        "erase",
        "download",
        "email-me-a-link",
        "lay-observation",
        "take",
        "not-for-me",
        "cancel",
    }
)
HIDDEN = "…"

_LANGUAGE_PREFIX = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$")
_PUBLIC_FORM_PATH_IN_TEXT = re.compile(
    r"/(?:[a-z]{2,3}(?:-[a-z0-9]{2,8})?/)?(?:"
    + "|".join(PUBLIC_FORM_SECTIONS)
    + r")(?![\w-])(?:/[^\s\"']*)?"
)


def is_public_form_path(path: str) -> bool:
    parts = path.lstrip("/").split("/")
    if parts[0] in PUBLIC_FORM_SECTIONS:
        return True
    return (
        len(parts) > 1
        and bool(_LANGUAGE_PREFIX.match(parts[0]))
        and parts[1] in PUBLIC_FORM_SECTIONS
    )


def loggable_path(path: str) -> str:
    """The path without its query string, and with the tokens of public form paths
    replaced by "…"."""
    path = path.split("?", 1)[0]
    if not is_public_form_path(path):
        return path
    parts = path.split("/")
    section_found = False
    for index, part in enumerate(parts):
        if not part:
            continue
        if not section_found:
            section_found = part in PUBLIC_FORM_SECTIONS
            continue
        if part not in ROUTE_WORDS:
            parts[index] = HIDDEN
    return "/".join(parts)


def clean_text(text: str) -> str:
    """Any public form path inside free text (an error message), made loggable."""
    return _PUBLIC_FORM_PATH_IN_TEXT.sub(lambda match: loggable_path(match[0]), text)


class PrivateAccessLogger(Logger):
    """Writes access lines from a short list of harmless fields only. A format that
    asks for anything else (%(h)s, %(a)s, %(f)s, a {header}i) gets "-"."""

    def atoms(self, resp, req, environ, request_time):
        full = super().atoms(resp, req, environ, request_time)
        path = loggable_path(environ.get("PATH_INFO") or "")
        method = environ.get("REQUEST_METHOD") or "-"
        protocol = environ.get("SERVER_PROTOCOL") or "-"
        kept = {key: full[key] for key in ("t", "s", "b", "B", "T", "D", "M", "L", "p")}
        return {
            **kept,
            "m": method,
            "U": path,
            "H": protocol,
            "r": f"{method} {path} {protocol}",
            "q": "",
        }

    def _clean(self, msg, args):
        if isinstance(msg, str):
            try:
                text = msg % args if args else msg
            except (TypeError, ValueError):
                text = " ".join([msg, *map(str, args)])
            return clean_text(text), ()
        return msg, args

    def error(self, msg, *args, **kwargs):
        msg, args = self._clean(msg, args)
        super().error(msg, *args, **kwargs)

    def warning(self, msg, *args, **kwargs):
        msg, args = self._clean(msg, args)
        super().warning(msg, *args, **kwargs)

    def exception(self, msg, *args, **kwargs):
        msg, args = self._clean(msg, args)
        super().exception(msg, *args, **kwargs)


class ErrorEmailHandler(AdminEmailHandler):
    """Django's error email to ADMINS with the traceback and the settings only: no
    request headers, cookies or form fields, and no token in the subject."""

    def emit(self, record):
        record = copy.copy(record)
        # AdminEmailHandler builds the report without request data when it finds none.
        record.request = None
        record.msg = clean_text(record.getMessage())
        record.args = ()
        super().emit(record)
