"""A request sent straight to the application as gunicorn runs it, below the test
client: for what goes wrong while Django is still building the request."""

import sys
from io import BytesIO

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from engagement import wsgi
from engagement.hostile import RefuseUnreadableContentType


def call_wsgi(environ_overrides: dict, body: bytes = b"") -> tuple[str, bytes]:
    """(status line, body) of a POST to /keep-in-touch/ unless `environ_overrides` says
    otherwise, through the wrapper gunicorn runs and the middleware of the settings in
    force now."""
    assert isinstance(wsgi.application, RefuseUnreadableContentType)
    application = RefuseUnreadableContentType(WSGIHandler())
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/keep-in-touch/",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **environ_overrides,
    }
    started = []
    # Django closes database connections when a request ends, which would end the
    # test's transaction; the test client avoids that the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, lambda status, headers, exc_info=None: started.append(status))
        content = b"".join(result)
        getattr(result, "close", lambda: None)()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return started[0], content
