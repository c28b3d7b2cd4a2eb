"""Screenshots of an event's pack: the printable slides and the one-page handout for
attendees, at desktop and small-phone widths and as printed on A4, and the event hub
with the way to them, for reviewing layout by eye.

    .venv/bin/python bench/screenshots_pack.py [--out screenshots]

Like bench/screenshots.py: starts its own development server on 127.0.0.1 with a
random free port, against a throwaway database under a temporary directory (migrated
and filled by seed_demo), and stops the server it started when done. Two-step sign-in
is turned off here: bench/screenshots.py already captures it. Uses the Chromium at
CHROMIUM_PATH (default /usr/bin/chromium). Also saves the PowerPoint file and the
printed PDFs, and says how many pages each PDF has.
"""

import re
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.screenshots import (  # noqa: E402
    WIDTHS,
    run_with_demo_server,
    shell_json,
    shoot,
    sign_in,
    uk_browser_page,
)

# Printed as JSON by a management shell: the soonest upcoming event whose community has
# news since it last met the force, and one whose community has never met it before.
FIND_PAGES = """
import json
from actions.packs import event_pack
from events.models import Event
upcoming = list(
    Event.objects.for_staff_page().upcoming().exclude(status=Event.Status.CANCELLED)
    .order_by("starts_at")
)
with_news = next((event for event in upcoming if event_pack(event).has_news), upcoming[0])
first_time = next((event for event in upcoming if not event_pack(event).since_we_last_met), None)
print(json.dumps({"with_news": with_news.pk, "first_time": first_time and first_time.pk}))
"""


def pages_to_shoot(env: dict[str, str]) -> dict:
    return shell_json(FIND_PAGES, env)


def pages_in(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def print_to_pdf(page, out: Path, name: str) -> None:
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True)
    page.emulate_media(media="screen")
    path = out / f"{name}.pdf"
    path.write_bytes(pdf)
    print(f"  {path.name}: {pages_in(pdf)} page(s)")


def take_screenshots(url: str, out: Path, found: dict) -> None:
    event = found["with_news"]
    with uk_browser_page() as page:
        sign_in(page, url, "coordinator")
        page.wait_for_url("**/staff/")
        page.goto(f"{url}/staff/events/{event}/")
        shoot(page, out, "staff-event-hub-with-pack")
        page.goto(f"{url}/staff/events/{event}/pack/")
        shoot(page, out, "staff-event-pack-slides")
        print_to_pdf(page, out, "staff-event-pack-slides")
        page.goto(f"{url}/staff/events/{event}/handout/")
        shoot(page, out, "staff-event-pack-handout")
        page.set_viewport_size(WIDTHS["1280"])
        page.emulate_media(media="print")
        page.screenshot(path=str(out / "staff-event-pack-handout-print.png"), full_page=True)
        page.emulate_media(media="screen")
        print_to_pdf(page, out, "staff-event-pack-handout")
        if found["first_time"]:
            page.goto(f"{url}/staff/events/{found['first_time']}/handout/")
            shoot(page, out, "staff-event-pack-handout-first-time")
            print_to_pdf(page, out, "staff-event-pack-handout-first-time")
        response = page.request.get(f"{url}/staff/events/{event}/pack.pptx")
        (out / "staff-event-pack.pptx").write_bytes(response.body())
        print("  staff-event-pack.pptx")


def main() -> None:
    run_with_demo_server(
        take_screenshots,
        description=__doc__,
        two_factor_required=False,
        prepare=lambda env: (pages_to_shoot(env),),
    )


if __name__ == "__main__":
    main()
