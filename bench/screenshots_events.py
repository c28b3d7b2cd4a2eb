"""Full-page screenshots of the events pages at desktop and small-phone widths, for
reviewing layout by eye.

    .venv/bin/python bench/screenshots_events.py [--out screenshots]

Like bench/screenshots.py: starts its own development server on 127.0.0.1 with a
random free port, against a throwaway database under a temporary directory (migrated
and filled by seed_demo), and stops the server it started when done. Two-step sign-in
is turned off here: bench/screenshots.py already captures it, and these pages are
the same either way. Uses the Chromium at CHROMIUM_PATH (default /usr/bin/chromium).
"""

import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.screenshots import (  # noqa: E402
    WIDTHS,
    run_with_demo_server,
    shoot,
    sign_in,
    uk_browser_page,
)


def open_first_event(page, url: str, query: str) -> str:
    """Open the first event in the staff list for the query; return its hub's URL."""
    page.goto(f"{url}/staff/events/?{query}")
    page.locator("table tbody tr a").first.click()
    page.wait_for_url("**/staff/events/*/")
    return page.url


def take_screenshots(url: str, out: Path) -> None:
    with uk_browser_page() as page:
        # What a member of the public sees.
        page.goto(f"{url}/events/")
        shoot(page, out, "events-public-list")
        page.set_viewport_size(WIDTHS["1280"])
        page.locator(".event-card h2 a").first.click()
        page.wait_for_url("**/events/*/")
        shoot(page, out, "events-public-detail")

        # What a coordinator sees.
        page.set_viewport_size(WIDTHS["1280"])
        sign_in(page, url, "coordinator")
        page.wait_for_url("**/staff/")
        page.goto(f"{url}/staff/events/")
        shoot(page, out, "events-staff-list")

        # A filter in use opens the "Filter and sort" panel by itself.
        page.goto(f"{url}/staff/events/?when=past&status=held")
        shoot(page, out, "events-staff-list-filtered")

        page.set_viewport_size(WIDTHS["1280"])
        hub = open_first_event(page, url, "when=past&status=held")
        shoot(page, out, "events-hub-held")

        page.goto(f"{hub}held/")
        shoot(page, out, "events-mark-held")

        page.goto(f"{hub}debrief/")
        shoot(page, out, "events-debrief")

        page.goto(f"{hub}poster/")
        shoot(page, out, "events-poster")

        page.goto(f"{url}/staff/events/new/")
        shoot(page, out, "events-plan")

        page.set_viewport_size(WIDTHS["1280"])
        page.get_by_label("Title").fill("Listening event")
        page.get_by_role("button", name="Save event").click()
        shoot(page, out, "events-plan-errors")

        page.goto(f"{url}/staff/events/venues/")
        shoot(page, out, "events-venues")

        page.goto(f"{url}/staff/events/venues/new/")
        shoot(page, out, "events-venue-form")


def main() -> None:
    run_with_demo_server(take_screenshots, description=__doc__, two_factor_required=False)


if __name__ == "__main__":
    main()
