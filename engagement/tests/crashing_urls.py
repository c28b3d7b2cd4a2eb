from django.db import OperationalError
from django.urls import path

from engagement.urls import handler500  # noqa: F401


def crash(request):
    raise RuntimeError("deliberate failure for the 500 page test")


def database_gone(request):
    # What Django raises when PostgreSQL is restarting (psycopg's error, wrapped).
    raise OperationalError(
        'connection to server at "127.0.0.1", port 5432 failed: Connection refused\n'
        "\tIs the server running on that host and accepting TCP/IP connections?"
    )


class _Deadlock(Exception):
    pgcode = "40P01"


def deadlock(request):
    # PostgreSQL answered, with an error code: a fault to look into, not an outage.
    raise OperationalError("deadlock detected") from _Deadlock()


class _AdminShutdown(Exception):
    pgcode = "57P01"


def restarting(request):
    # What a connection open when PostgreSQL restarts ("-m fast") gets.
    raise OperationalError("terminating connection due to administrator command") from (
        _AdminShutdown()
    )


urlpatterns = [
    path("crash/", crash),
    path("restarting/", restarting),
    path("database-gone/", database_gone),
    path("deadlock/", deadlock),
]
