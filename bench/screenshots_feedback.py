"""Full-page screenshots of the feedback pages at desktop and small-phone widths, for
reviewing layout by eye.

    .venv/bin/python bench/screenshots_feedback.py [--out screenshots]

Like bench/screenshots.py: starts its own development server on 127.0.0.1 with a
random free port, against a throwaway database under a temporary directory (migrated
and filled by seed_demo), and stops the server it started when done. Two-step sign-in
is turned off here: bench/screenshots.py already captures it. Uses the Chromium at
CHROMIUM_PATH (default /usr/bin/chromium).
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.screenshots import (  # noqa: E402
    CHROMIUM_PATH,
    DEMO_PASSWORD,
    WIDTHS,
    free_port,
    manage,
    shoot,
    sign_in,
    wait_until_up,
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
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", FIND_PAGES],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def take_screenshots(url: str, out: Path, found: dict) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        try:
            context = browser.new_context(
                viewport=WIDTHS["1280"], locale="en-GB", timezone_id="Europe/London"
            )
            page = context.new_page()

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
            context.set_offline(True)
            page.get_by_label("Point made").fill("The 101 number takes too long to answer.")
            page.get_by_label("Point made").press("Enter")
            shoot(page, out, "feedback-live-notes-offline")
            context.set_offline(False)
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
            context.close()
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(BASE_DIR / "screenshots"), help="folder for PNGs")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="community-voice-screenshots-") as var_dir:
        env = {
            **os.environ,
            "VAR_DIR": var_dir,
            "DATABASE_URL": "",
            "DEBUG": "true",
            "TWO_FACTOR_REQUIRED": "false",
            "DEMO_PASSWORD": DEMO_PASSWORD,
            "PYTHONUNBUFFERED": "1",
        }
        manage("migrate", "--no-input", env=env)
        manage("seed_demo", env=env)
        found = pages_to_shoot(env)

        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server_log_path = Path(var_dir) / "server.log"
        server_log = server_log_path.open("w")
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=BASE_DIR,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(url, server)
            print(f"Screenshots of {url} into {out}:")
            take_screenshots(url, out, found)
        except BaseException:
            server_log.flush()
            print(f"The server said:\n{server_log_path.read_text()}", file=sys.stderr)
            raise
        finally:
            if server.poll() is None:
                os.kill(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.kill(server.pid, signal.SIGKILL)
                    server.wait()
            server_log.close()


if __name__ == "__main__":
    main()
