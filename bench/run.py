"""Speed and size figures for the pages built so far. Runs in-process against a fresh
SQLite database in a temporary folder, removed at the end even when a measurement
fails, and prints one line per measurement.

    make bench
"""

import gzip
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPORARY_PREFIX = "community-voice-bench-"

REQUESTS = 200
VOLUME_REQUESTS = 20


def timed_get(client, path, requests=REQUESTS):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    durations = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        durations.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return durations, len(queries)


def report(name, durations, queries):
    durations_ms = sorted(duration * 1000 for duration in durations)
    median = statistics.median(durations_ms)
    p95 = durations_ms[int(len(durations_ms) * 0.95) - 1]
    print(f"{name:<28} median {median:6.2f} ms   p95 {p95:6.2f} ms   {queries} queries")


def public_page_weight(client, path):
    """Compressed bytes a cold visit downloads: the HTML and each stylesheet, script and
    image it links to."""
    from django.contrib.staticfiles import finders

    html = client.get(path).content
    total = len(gzip.compress(html, 6))
    for asset in re.findall(rb'(?:href|src)="/static/([^"]+)"', html):
        found = finders.find(asset.decode())
        total += len(gzip.compress(Path(found).read_bytes(), 6))
    return total


def measure():
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.DEBUG = False

    anonymous = Client()
    report("GET / (public home)", *timed_get(anonymous, "/"))
    report("GET /accounts/login/", *timed_get(anonymous, "/accounts/login/"))
    report("GET /healthz", *timed_get(anonymous, "/healthz"))

    from django.contrib.auth import get_user_model

    staff = Client()
    staff.force_login(get_user_model().objects.get(username="coordinator"))
    report("GET /staff/ (coordinator)", *timed_get(staff, "/staff/"))

    for path in ("/", "/events/", "/give-feedback/", "/keep-in-touch/"):
        weight = public_page_weight(anonymous, path)
        print(f"{'cold load ' + path:<28} {weight / 1024:6.1f} KB gzip (budget 60 KB)")
    catalogue = gzip.compress(staff.get("/jsi18n/").content, 6)
    print(f"{'script words (staff only)':<28} {len(catalogue) / 1024:6.1f} KB gzip")

    print()
    print("With large volumes (seed_bench):")
    settings.DEBUG = True
    started = time.perf_counter()
    call_command("seed_bench", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.DEBUG = False
    print(f"{'seed_bench':<28} {time.perf_counter() - started:6.1f} s")
    from contacts.models import Attendee
    from events.models import Event
    from feedback.models import FeedbackItem

    print(
        f"{'':<28} {Event.objects.count()} events, {Attendee.objects.count()} contacts, "
        f"{FeedbackItem.objects.count()} feedback items"
    )
    event = Event.objects.filter(status="held").order_by("-starts_at").first()
    # seed_demo sets the demo passwords again, which ends existing sessions.
    staff.force_login(get_user_model().objects.get(username="coordinator"))
    for label, path in (
        ("staff events list (all)", "/staff/events/?when=all"),
        ("event hub", f"/staff/events/{event.pk}/"),
        ("contacts list", "/staff/contacts/"),
        ("contact numbers", "/staff/contacts/counts/"),
        ("feedback inbox", "/staff/feedback/"),
        ("feedback inbox, filtered", "/staff/feedback/?topic=1&status=tagged"),
        ("feedback analysis", "/staff/feedback/analysis/"),
        ("public events list", "/events/"),
    ):
        report(label, *timed_get(staff, path, VOLUME_REQUESTS))


def main():
    sys.path.insert(0, str(PROJECT_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagement.settings")
    for variable in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL"):
        os.environ.pop(variable, None)
    with tempfile.TemporaryDirectory(prefix=TEMPORARY_PREFIX) as var_dir:
        # Before Django reads its settings, which put the database and emails there.
        os.environ["VAR_DIR"] = var_dir
        import django

        django.setup()
        measure()


if __name__ == "__main__":
    main()
