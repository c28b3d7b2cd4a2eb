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


urlpatterns = [path("crash/", crash), path("database-gone/", database_gone)]
