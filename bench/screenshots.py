"""Full-page screenshots of the main pages at desktop and small-phone widths, for
reviewing layout by eye.

    .venv/bin/python bench/screenshots.py [--out screenshots]

Starts its own development server on 127.0.0.1 with a random free port, against a
throwaway database under a temporary directory (migrated and filled by seed_demo),
with two-step sign-in required so its set-up page can be captured. Uses the Chromium
at CHROMIUM_PATH (default /usr/bin/chromium). Stops the server it started when done.
"""

import argparse
import base64
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from django_otp.oath import totp  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "community-voice-demo")
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WIDTHS = {"1280": {"width": 1280, "height": 800}, "320": {"width": 320, "height": 640}}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server stopped early with exit code {server.returncode}.")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"The server at {url} did not answer within {timeout:.0f} seconds.")


def shoot(page, out: Path, name: str) -> None:
    """Save the current page at each width."""
    for label, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        path = out / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"  {path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path}")


def sign_in(page, url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@contextmanager
def uk_browser_page():
    """A page in headless Chromium at desktop width, set up as in the UK; the browser is
    closed afterwards. (Headless Chromium may still show its date pickers as
    month/day/year if it has no British locale data.)"""
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
            yield context.new_page()
            context.close()
        finally:
            browser.close()


def shell_json(code: str, env: dict[str, str]) -> dict:
    """What `code`, run by the management shell against the demo database, prints as
    its last line of JSON: the pages a script is to open."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def code_from_setup_key(key_text: str) -> str:
    """What an authenticator app shows for the key typed in from the set-up page."""
    key = key_text.replace(" ", "")
    key += "=" * (-len(key) % 8)
    return str(totp(base64.b32decode(key))).zfill(6)


def take_screenshots(url: str, out: Path) -> None:
    with uk_browser_page() as page:
        page.goto(f"{url}/")
        shoot(page, out, "home")

        page.goto(f"{url}/accounts/login/")
        shoot(page, out, "login")

        sign_in(page, url, "coordinator", "not-the-password")
        shoot(page, out, "login-error")

        sign_in(page, url, "coordinator")
        page.wait_for_url("**/accounts/two-factor/setup/**")
        shoot(page, out, "two-factor-setup")

        page.set_viewport_size(WIDTHS["1280"])
        code = code_from_setup_key(page.locator(".setup-key").inner_text())
        page.get_by_label("6-digit code").fill(code)
        page.get_by_role("button", name="Confirm and continue").click()
        page.wait_for_url("**/staff/")
        shoot(page, out, "staff-home")

        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/accounts/login/")
        sign_in(page, url, "panel")
        page.wait_for_url("**/panel/")
        shoot(page, out, "panel-home")
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/accounts/login/")

        # A locked account, as the Administrator sees it on the staff accounts page.
        for _attempt in range(5):
            sign_in(page, url, "leader", "not-the-password")
        shoot(page, out, "locked-out")
        sign_in(page, url, "admin")
        page.wait_for_url("**/accounts/two-factor/setup/**")
        code = code_from_setup_key(page.locator(".setup-key").inner_text())
        page.get_by_label("6-digit code").fill(code)
        page.get_by_role("button", name="Confirm and continue").click()
        page.wait_for_url("**/staff/")
        page.goto(f"{url}/staff/users/")
        shoot(page, out, "staff-users")


def run_with_demo_server(take_screenshots, *, description, two_factor_required, prepare=None):
    """Parse --out, fill a throwaway database with demo data, serve it on a free port,
    call take_screenshots(url, out, *prepare(env)), and stop the server it started."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
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
            "TWO_FACTOR_REQUIRED": "true" if two_factor_required else "false",
            "DEMO_PASSWORD": DEMO_PASSWORD,
            "PYTHONUNBUFFERED": "1",
        }
        manage("migrate", "--no-input", env=env)
        manage("seed_demo", env=env)
        extra = prepare(env) if prepare else ()

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
            take_screenshots(url, out, *extra)
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


def main() -> None:
    run_with_demo_server(take_screenshots, description=__doc__, two_factor_required=True)


if __name__ == "__main__":
    main()
