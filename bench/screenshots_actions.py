"""Full-page screenshots of You Said, We Did and the staff actions pages at desktop and
small-phone widths, for reviewing layout by eye.

    .venv/bin/python bench/screenshots_actions.py [--out screenshots]

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

# Printed as JSON by a management shell: demo actions at each status, the public one
# with the longest timeline, one the demo action owner can update, an event they came
# from and a findings section to start a new action from.
FIND_PAGES = """
import json
from django.db.models import Count, Q
from actions.models import Action
from feedback.models import Findings
by_status = {
    status: Action.objects.filter(status=status).values_list("pk", flat=True).first()
    for status in Action.Status.values
}
busiest = (
    Action.objects.public()
    .annotate(public_updates=Count("updates", filter=Q(updates__is_public=True)))
    .order_by("-public_updates", "pk")
    .first()
)
event = busiest.events.filter(is_published=True).first() or (
    Action.objects.public().filter(events__is_published=True).first().events.first()
)
findings = Findings.objects.filter(agreed_version__isnull=False).first()
owners = Action.objects.filter(
    department__members__username="owner", status__in=Action.UNDER_WAY_STATUSES
)
print(json.dumps({
    "actions": by_status,
    "owners": owners.values_list("pk", flat=True).first(),
    "busiest": busiest.pk,
    "event": event.slug,
    "section": findings.agreed_version.sections.order_by("position").first().pk,
}))
"""


def pages_to_shoot(env: dict[str, str]) -> dict:
    return shell_json(FIND_PAGES, env)


def take_screenshots(url: str, out: Path, found: dict) -> None:
    actions = found["actions"]
    with uk_browser_page() as page:
        # The public, with no account.
        page.goto(f"{url}/you-said-we-did/")
        shoot(page, out, "public-you-said-we-did")
        page.goto(f"{url}/you-said-we-did/?status=cannot_act")
        shoot(page, out, "public-you-said-we-did-filtered")
        page.goto(f"{url}/you-said-we-did/{found['busiest']}/")
        shoot(page, out, "public-action")
        if actions.get("cannot_act"):
            page.goto(f"{url}/you-said-we-did/{actions['cannot_act']}/")
            shoot(page, out, "public-action-cannot-act")
        page.goto(f"{url}/events/{found['event']}/")
        shoot(page, out, "public-event-with-actions")
        page.goto(f"{url}/")
        shoot(page, out, "public-home-with-actions")

        # A Coordinator.
        sign_in(page, url, "coordinator")
        page.wait_for_url("**/staff/")
        page.goto(f"{url}/staff/actions/")
        shoot(page, out, "staff-actions")
        page.goto(f"{url}/staff/actions/{actions['in_progress']}/")
        shoot(page, out, "staff-action-in-progress")
        page.goto(f"{url}/staff/actions/new/?section={found['section']}")
        shoot(page, out, "staff-action-propose-from-section")
        page.goto(f"{url}/staff/actions/new/")
        shoot(page, out, "staff-action-propose")
        page.set_viewport_size(WIDTHS["1280"])
        page.get_by_role("button", name="Propose the action").click()
        shoot(page, out, "staff-action-propose-problems")
        page.goto(f"{url}/staff/actions/unanswered/")
        shoot(page, out, "staff-actions-unanswered")
        sign_out(page)

        # A Leader, reading the dashboard and deciding on a proposed action.
        sign_in(page, url, "leader")
        page.wait_for_url("**/staff/")
        shoot(page, out, "staff-home-leader")
        page.goto(f"{url}/staff/dashboard/")
        shoot(page, out, "staff-dashboard")
        page.goto(f"{url}/staff/actions/{actions['proposed']}/")
        shoot(page, out, "staff-action-proposed-leader")
        page.goto(f"{url}/staff/actions/{actions['proposed']}/decline/")
        shoot(page, out, "staff-action-decline")
        sign_out(page)

        # The demo action owner, in Training and Learning.
        sign_in(page, url, "owner")
        page.wait_for_url("**/staff/")
        shoot(page, out, "staff-home-owner")
        page.goto(f"{url}/staff/actions/mine/")
        shoot(page, out, "staff-actions-mine")
        page.goto(f"{url}/staff/actions/{found['owners']}/update/")
        shoot(page, out, "staff-action-update")


def sign_out(page) -> None:
    page.set_viewport_size(WIDTHS["1280"])
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def main() -> None:
    run_with_demo_server(
        take_screenshots,
        description=__doc__,
        two_factor_required=False,
        prepare=lambda env: (pages_to_shoot(env),),
    )


if __name__ == "__main__":
    main()
