"""The anonymous feedback form's POST under load, beside a minimal Django view doing
the same insert, both served by the same gunicorn from the same PostgreSQL.

The form's POST is the whole path a visitor takes: the CSRF check, the form and its
validation, the rate limit, the duplicate check and the held form's insert, then the
redirect to the thank-you page. (Personal details are taken out, and the answers become
feedback items, when the hour's held forms are released together, for anonymity; that
is not part of the visitor's wait.) wrk sends each request with a new form nonce, as a
new visitor's form would have. The two take turns, in rounds of a few seconds after a
warm-up, so that a machine that slows down or speeds up in the middle slows both alike;
the share is the median of the rounds'. Target: at least 0.5x the minimal view's rate.
Every POST answered must be stored once.

    .venv/bin/python bench/suite.py --only post [--smoke]
"""

import http.cookiejar
import re
import secrets
import statistics
import tempfile
import urllib.request

from bench.drills.services import collect_static_uncompressed
from bench.harness import Figure, manage, run_wrk
from bench.production import describe, production_setup, running_gunicorn

TARGET = 0.5
CONNECTIONS = 16
TEXT = "More+officers+on+foot+in+the+evenings%2C+and+a+say+in+where+they+go"

SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken={cookie}"
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
local sent = 0
request = function()
  sent = sent + 1
  local body = "csrfmiddlewaretoken={token}&form_nonce={run}-" .. id .. "-" .. sent
    .. "&anything_else={text}&community="
  return wrk.format(nil, nil, nil, body)
end
"""

COUNT = """
from feedback.models import PendingSubmission
print(PendingSubmission.objects.filter(form_nonce__startswith="{run}").count())
"""


def csrf_pair(base: str) -> tuple[str, str]:
    """The CSRF cookie and a form token a visitor's browser would send back."""
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    page = opener.open(f"{base}/give-feedback/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookie = next(c.value for c in cookies if c.name == "csrftoken")
    return cookie, token


def post_run(server, path, *, seconds, env, cookie, token) -> dict:
    run = f"bench{secrets.token_hex(4)}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(SCRIPT.format(cookie=cookie, token=token, run=run, text=TEXT))
        script.flush()
        result = run_wrk(
            f"{server}{path}",
            seconds=seconds,
            connections=CONNECTIONS,
            headers={},
            script=script.name,
        )
    counted = manage("shell", "-c", COUNT.format(run=run), env=env, capture=True)
    result["stored"] = int(counted.split()[-1])
    return result


def measure(smoke: bool) -> list[Figure]:
    rounds, seconds = (1, 2) if smoke else (4, 2)
    with production_setup("post", collectstatic=False, FEEDBACK_RATE_LIMIT="100000000") as (
        env,
        port,
    ):
        collect_static_uncompressed(env)
        manage(
            "shell",
            "-c",
            "from engagement.tests.factories import ProgrammeFactory; ProgrammeFactory()",
            env=env,
        )
        with running_gunicorn(env, port) as server:
            print(
                f"  {CONNECTIONS} connections, {rounds} rounds of {seconds} s each, {describe(env)}"
            )
            cookie, token = csrf_pair(server)
            views = {
                "Minimal insert view": ("/bench/minimal-feedback/", "", ""),
                "The feedback form": ("/give-feedback/", cookie, token),
            }

            def run(label, run_seconds):
                path, view_cookie, view_token = views[label]
                return post_run(
                    server,
                    path,
                    seconds=run_seconds,
                    env=env,
                    cookie=view_cookie,
                    token=view_token,
                )

            for label in views:
                run(label, 1)  # warm-up: templates, kept values, connections
            results = {label: [] for label in views}
            for _round in range(rounds):
                for label in views:
                    results[label].append(run(label, seconds))
    for label, runs in results.items():
        print(
            f"  {label:<22} "
            + "  ".join(f"{result['rate']:>6.0f}/s" for result in runs)
            + f"  p99 up to {max(result['p99'] for result in runs):.1f} ms, "
            f"{sum(result['requests'] for result in runs)} answered, "
            f"{sum(result['stored'] for result in runs)} stored, "
            f"{sum(result['errors'] for result in runs)} errors"
        )
    minimal, form = results.values()
    shares = sorted(f["rate"] / m["rate"] for f, m in zip(form, minimal, strict=True))
    share = statistics.median(shares)
    answered = sum(result["requests"] for result in form)
    stored = sum(result["stored"] for result in form)
    errors = sum(result["errors"] for result in form)
    return [
        Figure(
            "Feedback POST vs a minimal insert view",
            f">= {TARGET}x",
            f"{share:.2f}x (median of {len(shares)}; "
            f"{statistics.median(f['rate'] for f in form):.0f} vs "
            f"{statistics.median(m['rate'] for m in minimal):.0f}/s), "
            f"p99 {max(f['p99'] for f in form):.0f} ms",
            share >= TARGET,
        ),
        Figure(
            "Feedback POSTs answered and stored",
            "every one stored, 0 errors",
            f"{answered} answered, {stored} stored, {errors} errors",
            errors == 0 and stored >= answered > 0,
        ),
    ]
