"""How the live session's update endpoints hold up with a room of phones polling them.

Starts gunicorn (2 workers, DEBUG=false) on 127.0.0.1 against a throwaway database (or
the PostgreSQL in DATABASE_URL) and the cache in REDIS_URL (each worker's own memory
without it), opens a live session with 20 points on the screen and a poll open, and
runs wrk with 200 connections, one per phone, against:

- a bare Django view returning "hello" (the machine's ceiling in this run),
- the phone's state with the ETag it already has (304, the usual answer),
- the phone's state without it (200 from the cache),
- the room screen's state with its ETag (304, signed in).

It prints requests per second, each as a ratio to the bare view, and the latency at
the 50th and 99th percentiles, then stops what it started. Needs wrk
(`apt-get install wrk`).

    .venv/bin/python bench/live.py [--seconds 5] [--connections 200]
"""

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
PYTHON = sys.executable

SEED = """
import json
from django.test import Client
from engagement.roles import Role
from engagement.tests.factories import UserFactory
from events.tests.factories import EventFactory
from feedback.services.live import (
    live_point_moderate, live_point_send, live_poll_open, live_session_open,
)
coordinator = UserFactory(username="bench-coordinator", roles=[Role.COORDINATOR])
session = live_session_open(event=EventFactory(past=True), by=coordinator)
for number in range(20):
    point = live_point_send(session=session, text=f"Point {number}: more officers on foot")
    live_point_moderate(point=point, approve=True)
live_poll_open(poll=session.polls.first())
client = Client()
client.force_login(coordinator)
print(json.dumps({
    "code": session.code,
    "session": session.pk,
    "cookie": client.cookies["sessionid"].value,
}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(*args, env, capture=False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout if capture else ""


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before it answered.")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer at {url} within 30 seconds.")


def etag_of(url: str, headers: dict) -> str:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.headers["ETag"]


LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(url: str, *, seconds: int, connections: int, headers: dict) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    for name, value in headers.items():
        command[1:1] = ["-H", f"{name}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {
        percent: float(value) * UNITS[unit] for percent, value, unit in LATENCY.findall(output)
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rate": rate,
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=200)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("Live session endpoints: skipped, wrk is not installed (apt-get install wrk).")
        return 1

    from bench.production import describe, production_env, running_gunicorn

    with tempfile.TemporaryDirectory(prefix="community-voice-bench-live-") as var_dir:
        port = free_port()
        env = production_env(var_dir, port, "live")
        manage("migrate", "--no-input", env=env)
        seeded = json.loads(manage("shell", "-c", SEED, env=env, capture=True).splitlines()[-1])
        with running_gunicorn(env, port) as base:
            phone = f"{base}/live/{seeded['code']}/state/"
            screen = f"{base}/staff/live/{seeded['session']}/screen/state/"
            signed_in = {"Cookie": f"sessionid={seeded['cookie']}"}
            runs = [
                ("Bare Django view", f"{base}/bench/hello/", {}),
                ("Phone state, not modified (304)", phone, {"If-None-Match": etag_of(phone, {})}),
                ("Phone state, from the cache (200)", phone, {}),
                (
                    "Screen state, not modified (304)",
                    screen,
                    {**signed_in, "If-None-Match": etag_of(screen, signed_in)},
                ),
            ]
            print(
                f"Live session endpoints: {args.connections} phones, {args.seconds} s each, "
                + describe(env)
            )
            ceiling = None
            for label, url, headers in runs:
                figures = run_wrk(
                    url, seconds=args.seconds, connections=args.connections, headers=headers
                )
                ceiling = ceiling or figures["rate"]
                print(
                    f"  {label:<36} {figures['rate']:>8.0f} requests/s  "
                    f"{figures['rate'] / ceiling:>5.2f} of the bare view  "
                    f"p50 {figures['p50'] or 0:.1f} ms  p99 {figures['p99'] or 0:.1f} ms"
                    + (f"  {figures['errors']} errors" if figures["errors"] else "")
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
