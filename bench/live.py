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

import json
import urllib.request

from bench.harness import Figure, manage, ratio, run_wrk
from bench.production import describe, production_setup, running_gunicorn

CONNECTIONS = 200

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


def etag_of(url: str, headers: dict) -> str:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.headers["ETag"]


def measure(smoke: bool) -> list[Figure]:
    seconds = 2 if smoke else 5
    figures = []
    with production_setup("live", collectstatic=False) as (env, port):
        seeded = json.loads(manage("shell", "-c", SEED, env=env, capture=True).splitlines()[-1])
        with running_gunicorn(env, port) as base:
            phone = f"{base}/live/{seeded['code']}/state/"
            screen = f"{base}/staff/live/{seeded['session']}/screen/state/"
            signed_in = {"Cookie": f"sessionid={seeded['cookie']}"}
            runs = [
                ("Phone state, not modified (304)", phone, {"If-None-Match": etag_of(phone, {})}),
                ("Phone state, from the cache (200)", phone, {}),
                (
                    "Screen state, not modified (304)",
                    screen,
                    {**signed_in, "If-None-Match": etag_of(screen, signed_in)},
                ),
            ]
            print(f"  {CONNECTIONS} phones, {seconds} s each, {describe(env)}")
            bare = run_wrk(
                f"{base}/bench/hello/", seconds=seconds, connections=CONNECTIONS, headers={}
            )
            for label, url, headers in runs:
                result = run_wrk(url, seconds=seconds, connections=CONNECTIONS, headers=headers)
                print(
                    f"  {label:<36} {result['rate']:>8.0f} requests/s  "
                    f"{ratio(result['rate'], bare['rate'])} of the bare view  "
                    f"p50 {result['p50']:.1f} ms  p99 {result['p99']:.1f} ms"
                )
                figures.append(
                    Figure(
                        f"Live session: {label}",
                        "no errors (rate reported)",
                        f"{ratio(result['rate'], bare['rate'])} of bare, "
                        f"p99 {result['p99']:.0f} ms",
                        result["errors"] == 0,
                    )
                )
    return figures
