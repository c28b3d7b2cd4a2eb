"""Full-page screenshots of the public pages in other languages (Somali, and Arabic right
to left) and of the staff pages for languages and translations, at desktop and
small-phone widths, for reviewing layout by eye.

    .venv/bin/python bench/screenshots_languages.py [--out screenshots]

Like bench/screenshots.py: its own development server on 127.0.0.1 against a throwaway
database filled by seed_demo, stopped when done.
"""

import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.screenshots import (  # noqa: E402
    run_with_demo_server,
    shell_json,
    shoot,
    sign_in,
    uk_browser_page,
)

FIND_PAGES = """
import json
from django.utils import timezone
from actions.models import Action
from events.models import Event
# The latest held event whose form is still open, offering Somali and Arabic with its
# title in Somali, as a Coordinator would set it up.
event = next(
    event
    for event in Event.objects.filter(status="held").order_by("-ends_at")
    if event.feedback_closes_at > timezone.now()
)
Event.objects.filter(pk=event.pk).update(
    offered_languages=["so", "ar"],
    translations={"so": {"title": "Kulanka dhegeysiga bulshada"}},
)
action = Action.objects.filter(is_public=True).order_by("pk").first()
print(json.dumps({"token": event.feedback_token, "event": event.pk, "slug": event.slug,
                  "action": action.pk}))
"""


def take_screenshots(url: str, out: Path, found: dict) -> None:
    with uk_browser_page() as page:
        token = found["token"]
        page.goto(f"{url}/so/give-feedback/{token}/")
        shoot(page, out, "language-feedback-form-somali")
        page.goto(f"{url}/ar/give-feedback/{token}/")
        shoot(page, out, "language-feedback-form-arabic")
        page.goto(f"{url}/ar/give-feedback/{token}/")
        page.locator("form button[type=submit]").click()
        shoot(page, out, "language-feedback-form-arabic-errors")
        page.goto(f"{url}/ar/keep-in-touch/")
        shoot(page, out, "language-keep-in-touch-arabic")
        page.goto(f"{url}/ur/")
        shoot(page, out, "language-home-urdu")
        page.goto(f"{url}/so/events/{found['slug']}/")
        shoot(page, out, "language-event-somali")
        page.goto(f"{url}/pa/you-said-we-did/{found['action']}/")
        shoot(page, out, "language-action-punjabi-fallback")
        page.goto(f"{url}/ti/give-feedback/")
        shoot(page, out, "language-feedback-form-tigrinya")

        sign_in(page, url, "coordinator")
        page.wait_for_url("**/staff/")
        page.goto(f"{url}/staff/events/{found['event']}/poster/?language=so")
        shoot(page, out, "language-poster-somali")
        page.goto(f"{url}/staff/translations/event/{found['event']}/")
        shoot(page, out, "language-event-translations")
        page.goto(f"{url}/staff/feedback/?language=so")
        shoot(page, out, "language-inbox-somali")
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/accounts/login/")
        sign_in(page, url, "admin")
        page.wait_for_url("**/staff/")
        page.goto(f"{url}/staff/languages/")
        shoot(page, out, "language-administration")


def main() -> None:
    run_with_demo_server(
        take_screenshots,
        description=__doc__,
        two_factor_required=False,
        prepare=lambda env: (shell_json(FIND_PAGES, env),),
    )


if __name__ == "__main__":
    main()
