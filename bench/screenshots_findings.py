"""Full-page screenshots of the focus group, findings and panel pages at desktop and
small-phone widths, for reviewing layout by eye.

    .venv/bin/python bench/screenshots_findings.py [--out screenshots]

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

# Printed as JSON by a management shell: demo findings at each step, the panel user's
# open sense-check and a meeting.
FIND_PAGES = """
import json
from feedback.models import Findings, FocusGroupMeeting, SenseCheckRequest
by_status = {
    status: Findings.objects.filter(status=status).values_list("pk", flat=True).first()
    for status in Findings.Status.values
}
request = SenseCheckRequest.objects.open().filter(member__user__username="panel").first()
shared = Findings.objects.filter(status="shared").first()
print(json.dumps({
    "findings": by_status,
    "request": request.pk,
    "section": request.version.sections.first().pk,
    "meeting": FocusGroupMeeting.objects.order_by("-starts_at").first().pk,
    "shared_event": shared.events.first().slug,
}))
"""


def pages_to_shoot(env: dict[str, str]) -> dict:
    return shell_json(FIND_PAGES, env)


def take_screenshots(url: str, out: Path, found: dict) -> None:
    findings = found["findings"]
    with uk_browser_page() as page:
        # A focus group member on their phone.
        sign_in(page, url, "panel")
        page.wait_for_url("**/panel/")
        shoot(page, out, "panel-home")
        page.goto(f"{url}/panel/findings/{found['request']}/")
        shoot(page, out, "panel-sense-check")
        page.goto(f"{url}/panel/findings/{found['request']}/sections/{found['section']}/")
        shoot(page, out, "panel-sense-check-section")
        page.get_by_label("Not accurate", exact=True).check()
        page.get_by_role("button", name="Save my answer").click()
        shoot(page, out, "panel-sense-check-section-problem")
        page.goto(f"{url}/panel/step-down/")
        shoot(page, out, "panel-step-down")
        page.set_viewport_size(WIDTHS["1280"])
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/accounts/login/")

        # A Coordinator.
        sign_in(page, url, "coordinator")
        page.wait_for_url("**/staff/")
        shoot(page, out, "staff-home-coordinator")
        page.goto(f"{url}/staff/focus-group/")
        shoot(page, out, "focus-group")
        page.goto(f"{url}/staff/focus-group/invite/")
        shoot(page, out, "focus-group-invite")
        page.goto(f"{url}/staff/focus-group/meetings/{found['meeting']}/")
        shoot(page, out, "focus-group-meeting")
        page.goto(f"{url}/staff/focus-group/meetings/new/")
        shoot(page, out, "focus-group-meeting-new")
        page.goto(f"{url}/staff/findings/")
        shoot(page, out, "findings-list")
        page.goto(f"{url}/staff/findings/new/")
        shoot(page, out, "findings-new")
        for status, pk in findings.items():
            if pk:
                page.goto(f"{url}/staff/findings/{pk}/")
                shoot(page, out, f"findings-{status}")
        amending = findings.get("amending") or findings.get("with_focus_group")
        page.goto(f"{url}/staff/findings/{amending}/answers/")
        shoot(page, out, "findings-answers")
        page.goto(f"{url}/staff/findings/{amending}/compare/")
        shoot(page, out, "findings-compare")
        page.goto(f"{url}/staff/findings/{findings['draft']}/send/")
        shoot(page, out, "findings-send")

        # The public page of an event whose findings were shared.
        page.context.clear_cookies()
        page.goto(f"{url}/events/{found['shared_event']}/")
        shoot(page, out, "public-event-with-findings")


def main() -> None:
    run_with_demo_server(
        take_screenshots,
        description=__doc__,
        two_factor_required=False,
        prepare=lambda env: (pages_to_shoot(env),),
    )


if __name__ == "__main__":
    main()
