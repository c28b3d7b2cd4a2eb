"""Refuses requests that no browser sends, before any view, form or query sees them.

Each check here stands for a request that Django itself would otherwise turn into a
server error, or that would reach the database with a value PostgreSQL cannot store:

- a NUL byte in the query string, a header or a cookie. PostgreSQL refuses any text
  containing one, and these reach it: django-axes stores the User-Agent and Accept
  headers of every sign-in, the session cookie is looked up in the database, and a
  search box or filter would pass the query string on;
- a Content-Length that is not a whole number (Django reads it with int() and fails);
- a declared charset that is a codec but cannot decode text, such as base64 or idna
  (Django's form parsers look the charset up, find it, then fail to decode with it);
- a Content-Type that Django cannot parse at all, or whose charset cannot decode text
  when the request also has a query string (setting the request's encoding reads the
  query string with it). Both fail while Django builds the request, before any
  middleware runs. The WSGI wrapper below catches them and hands the request on
  marked, so that the middleware can refuse it like the others.

Such a request gets the friendly 400 page. Paths are not checked here: every path
parameter is matched by a converter that admits only the characters it can really
contain, so a NUL byte in a path is an ordinary 404.
"""

import codecs

from django.core.exceptions import BadRequest
from django.utils.http import parse_header_parameters

UNREADABLE_CONTENT_TYPE = "community_voice.unreadable_content_type"

# Every byte value, twice, so that a decoder that cannot cope with some of them
# fails here rather than in Django's parsers.
_EVERY_BYTE = bytes(range(256)) * 2


def _has_nul_byte(text: str) -> bool:
    return "\x00" in text or "%00" in text


def _is_whole_number(text: str) -> bool:
    # str.isdigit() also accepts digits from other scripts, which int() reads but no
    # HTTP client ever sends.
    return text.isascii() and text.isdigit()


def _breaks_request_parsing(content_type: str) -> bool:
    """Whether Django would fail to build a request with this Content-Type.

    Django looks up the declared charset and ignores one it does not know, but a
    parameter in the RFC 2231 form that names an unknown charset
    (charset*=nope''utf-8), or that decodes to a NUL byte, raises ValueError instead.
    """
    try:
        parameters = parse_header_parameters(content_type)[1]
        if "charset" in parameters:
            codecs.lookup(parameters["charset"])
    except LookupError:
        return False
    except ValueError:
        return True
    return False


def _has_unusable_charset(content_type: str) -> bool:
    charset = parse_header_parameters(content_type)[1].get("charset")
    if not charset:
        return False
    try:
        codecs.lookup(charset)
    except LookupError:
        # Django ignores a charset it does not know and reads the body as UTF-8.
        return False
    try:
        _EVERY_BYTE.decode(charset, "replace")
    except (LookupError, ValueError):
        return True
    return False


class RefuseUnreadableContentType:
    """WSGI wrapper around the Django application: a request whose Content-Type Django
    cannot parse goes on with no body type, marked for the middleware to refuse."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        content_type = environ.get("CONTENT_TYPE", "")
        if _breaks_request_parsing(content_type) or _has_unusable_charset(content_type):
            environ = {
                **environ,
                "CONTENT_TYPE": "application/octet-stream",
                UNREADABLE_CONTENT_TYPE: "yes",
            }
        return self.application(environ, start_response)


class RefuseHostileRequestsMiddleware:
    """Must come before the session middleware, which looks the session cookie up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if meta.get(UNREADABLE_CONTENT_TYPE):
            raise BadRequest("The Content-Type header could not be read.")
        if _has_nul_byte(meta.get("QUERY_STRING", "")):
            raise BadRequest("The query string contains a NUL byte.")
        if any(
            "\x00" in value
            for name, value in meta.items()
            if name.startswith("HTTP_") and isinstance(value, str)
        ):
            raise BadRequest("A header contains a NUL byte.")
        # Django decodes escapes in quoted cookie values, so "\000" arrives as a NUL.
        if any("\x00" in value for value in request.COOKIES.values()):
            raise BadRequest("A cookie contains a NUL byte.")
        content_length = meta.get("CONTENT_LENGTH")
        if content_length and not _is_whole_number(content_length):
            raise BadRequest("The Content-Length header is not a whole number.")
        if _has_unusable_charset(meta.get("CONTENT_TYPE", "")):
            raise BadRequest("The Content-Type names a charset that cannot decode text.")
        return self.get_response(request)
