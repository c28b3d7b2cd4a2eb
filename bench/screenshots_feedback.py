"""Full-page screenshots of the feedback pages at desktop and small-phone widths, for
reviewing layout by eye.

    .venv/bin/python bench/screenshots_feedback.py [--out screenshots]

Like bench/screenshots.py: starts its own development server on 127.0.0.1 with a
random free port, against a throwaway database under a temporary directory (migrated
and filled by seed_demo), and stops the server it started when done. Two-step sign-in
is turned off here: bench/screenshots.py already captures it. Uses the Chromium at
CHROMIUM_PATH (default /usr/bin/chromium).
"""

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

# Printed as JSON by a management shell: the most recent held event, whose public form
# is still open, and one flagged item to open.
FIND_PAGES = """
import json
from events.models import Event
from feedback.models import FeedbackItem
event = Event.objects.filter(status="held").order_by("-ends_at").first()
flagged = FeedbackItem.objects.flagged().order_by("-received_hour").first()
print(json.dumps({"token": event.feedback_token, "event": event.pk, "flagged": flagged.pk}))
"""


def pages_to_shoot(env: dict[str, str]) -> dict:
    return shell_json(FIND_PAGES, env)


def take_screenshots(url: str, out: Path, found: dict) -> None:
    with uk_browser_page() as page:
        # What a member of the public sees after scanning the QR code.
        form_url = f"{url}/give-feedback/{found['token']}/"
        page.goto(form_url)
        shoot(page, out, "feedback-form")

        page.set_viewport_size(WIDTHS["1280"])
        page.get_by_role("button", name="Send my feedback").click()
        shoot(page, out, "feedback-form-empty")

        page.goto(f"{url}/give-feedback/")
        shoot(page, out, "feedback-form-general")

        page.goto(form_url)
        page.set_viewport_size(WIDTHS["1280"])
        page.locator("textarea").first.fill(
            "More officers who walk round the estate and stop to talk."
        )
        page.get_by_role("button", name="Send my feedback").click()
        page.wait_for_url("**/give-feedback/thank-you/")
        shoot(page, out, "feedback-thanks")

        # What a coordinator sees.
        page.set_viewport_size(WIDTHS["1280"])
        sign_in(page, url, "coordinator")
        page.wait_for_url("**/staff/")
        page.goto(f"{url}/staff/feedback/")
        shoot(page, out, "feedback-inbox")

        page.goto(f"{url}/staff/feedback/{found['flagged']}/")
        shoot(page, out, "feedback-item-flagged")

        notes_url = f"{url}/staff/events/{found['event']}/notes/"
        page.goto(notes_url)
        page.set_viewport_size(WIDTHS["1280"])
        page.get_by_label("Point made").fill("Police should come to the youth club more.")
        page.get_by_label("Point made").press("Enter")
        page.get_by_text("All points are saved.").wait_for()
        page.context.set_offline(True)
        page.get_by_label("Point made").fill("The 101 number takes too long to answer.")
        page.get_by_label("Point made").press("Enter")
        shoot(page, out, "feedback-live-notes-offline")
        page.context.set_offline(False)
        page.get_by_text("All points are saved.").wait_for()
        shoot(page, out, "feedback-live-notes")

        page.goto(f"{url}/staff/events/{found['event']}/transcribe/")
        shoot(page, out, "feedback-transcribe")

        page.goto(f"{url}/staff/feedback/analysis/")
        shoot(page, out, "feedback-analysis")

        # What a leader sees: no tagging, no original text.
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/accounts/login/")
        sign_in(page, url, "leader")
        page.wait_for_url("**/staff/")
        page.goto(f"{url}/staff/feedback/")
        shoot(page, out, "feedback-inbox-leader")


def main() -> None:
    run_with_demo_server(
        take_screenshots,
        description=__doc__,
        two_factor_required=False,
        prepare=lambda env: (pages_to_shoot(env),),
    )


if __name__ == "__main__":
    main()
