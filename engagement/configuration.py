"""Reading the settings at start-up, so that a bad value stops the program with one
line naming the variable instead of a long traceback."""

import sys

# gunicorn stops for good, instead of restarting the worker, on this exit code.
GUNICORN_WORKER_BOOT_ERROR = 3


def settings_or_exit(exit_code: int = 1) -> None:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading a setting loads them all
    except ImproperlyConfigured as error:
        sys.stderr.write(f"Community Voice cannot start: {error}\n")
        raise SystemExit(exit_code) from None
