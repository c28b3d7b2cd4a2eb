"""Lockout and rate limits drill: many client addresses at once behind the proxy, and the
right ones slowed.

nginx, configured from deploy/nginx-community-voice.conf with a self-signed certificate,
in front of gunicorn started with deploy/gunicorn.conf.py and production settings
(BEHIND_HTTPS_PROXY=true), on free ports of 127.0.0.1, against a throwaway database and
a Redis of the drill's own. Clients connect from loopback addresses of their own
(127.0.x.y), which Linux routes like 127.0.0.1, so nginx sees each as a different
person and passes its address on in X-Forwarded-For, as it would on a real server.

All at once: an attacker guesses a member of staff's password from dozens of
addresses, while that member of staff signs in from the address they always use; one
address floods the feedback form and the keep-in-touch form while a crowd of others
fill them in once or twice; and clients write their own X-Forwarded-For, to look like
many people or like someone else.
"""

import random
import socket
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.drills.hostile_input import collect_static_quickly
from bench.drills.services import own_redis
from bench.harness import PROJECT_ROOT, PYTHON, Figure, free_port, manage
from bench.production import production_setup
from engagement.tests.proxy_stack import (
    NGINX,
    Visitor,
    _nginx_configuration,
    _self_signed_certificate,
    post_form_fields,
)

LOGIN_FAILURE_LIMIT = 5
LOGIN_ADDRESS_FAILURE_LIMIT = 12
FEEDBACK_RATE_LIMIT = 5
KEEP_IN_TOUCH_RATE_LIMIT = 4
# One window for every limit, a day long, so that no count resets halfway through.
WINDOW_MINUTES = 24 * 60
PASSWORD = "correct-horse-battery-staple"  # the factories' password
# Two gunicorn workers can each let one guess through while the other records the
# failure that locks the account: a race django-axes does not close.
WORKERS = 2

SEED = """
from engagement.roles import Role
from engagement.tests.factories import UserFactory
for username in ("alice", "bob"):
    UserFactory(username=username, roles=[Role.COORDINATOR])
"""


@contextmanager
def proxied_server(env: dict, https_port: int, folder: Path):
    """nginx on the HTTPS port (and a plain HTTP one) in front of gunicorn, as the
    deployment guide sets them up. Yields what proxy_stack.Visitor takes."""
    logs = folder / "logs"
    logs.mkdir()
    http_port, gunicorn_port = free_port(), free_port()
    certificate, key = _self_signed_certificate(folder)
    configuration = _nginx_configuration(
        folder,
        {
            "SERVER_NAME": "localhost",
            "SITE_URL": env["SITE_URL"],
            "HTTP_LISTEN": f"127.0.0.1:{http_port}",
            "HTTPS_LISTEN": f"127.0.0.1:{https_port}",
            "TLS_CERTIFICATE": str(certificate),
            "TLS_CERTIFICATE_KEY": str(key),
            "GUNICORN_ADDRESS": f"127.0.0.1:{gunicorn_port}",
            "LOG_DIR": str(logs),
        },
    )
    with (logs / "gunicorn.log").open("w") as gunicorn_log:
        gunicorn = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "--config",
                "deploy/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{gunicorn_port}",
                "engagement.wsgi",
            ],  # fmt: skip
            cwd=PROJECT_ROOT,
            env=env,
            stdout=gunicorn_log,
            stderr=subprocess.STDOUT,
        )
    nginx = None
    try:
        nginx = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(configuration), "-e", str(logs / "nginx.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(gunicorn_port, gunicorn, logs / "gunicorn.log")
        _wait_for(https_port, nginx, logs / "nginx.log")
        yield {
            "https": env["SITE_URL"],
            "certificate": certificate,
            "gunicorn": f"http://127.0.0.1:{gunicorn_port}",
        }
    finally:
        for process in (nginx, gunicorn):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _wait_for(port: int, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    output = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    raise SystemExit(f"Nothing started on port {port}:\n{output}")


def _wait_out_the_end_of_a_window() -> None:
    """The rate-limit windows are whole days since the epoch; a drill must not
    straddle two, or its counts start again halfway."""
    seconds_left = WINDOW_MINUTES * 60 - time.time() % (WINDOW_MINUTES * 60)
    if seconds_left < 150:
        time.sleep(seconds_left + 1)


# What a page says ---------------------------------------------------------------------


def sign_in_outcome(response: httpx.Response) -> str:
    if response.status_code == 302:
        return "signed in"
    text = response.text
    if "Account locked for now" in text:
        return "account locked"
    if "Too many sign-in attempts" in text:
        return "address paused"
    if response.status_code == 200 and "username or password is not right" in text:
        return "password checked"
    return f"other {response.status_code}"


def form_outcome(response: httpx.Response) -> str:
    if response.status_code == 302:
        return "accepted"
    if response.status_code == 429 and "Please wait a few minutes" in response.text:
        return "slowed"
    return f"other {response.status_code}"


# The crowd ----------------------------------------------------------------------------


class Crowd:
    """Visitors on addresses of their own, and what happened to each of their tries."""

    def __init__(self, stack: dict):
        self.stack = stack
        self.lock = threading.Lock()
        self.outcomes: dict[str, list[str]] = {}
        self.visitors: list[Visitor] = []

    def visitor(self, address: str, **headers) -> Visitor:
        visitor = Visitor(self.stack, address, **headers)
        with self.lock:
            self.visitors.append(visitor)
        return visitor

    def record(self, what: str, outcome: str) -> None:
        with self.lock:
            self.outcomes.setdefault(what, []).append(outcome)

    def count(self, what: str, outcome: str) -> int:
        return self.outcomes.get(what, []).count(outcome)

    def tries(self, what: str) -> int:
        return len(self.outcomes.get(what, []))

    def close(self) -> None:
        for visitor in self.visitors:
            visitor.close()


def give_feedback(visitor: Visitor, **headers) -> str:
    return form_outcome(
        visitor.give_feedback(headers=headers) if headers else visitor.give_feedback()
    )


def keep_in_touch(visitor: Visitor, number: int) -> str:
    response = visitor.post_form(
        "/keep-in-touch/",
        "name",
        {"name": f"Contact {number}", "phone": "07700 900123", "wants_focus_group": "on"},
    )
    return form_outcome(response)


def run_crowd(crowd: Crowd, smoke: bool) -> None:
    guessing_addresses = 12 if smoke else 40
    guesses_each = 2 if smoke else 3
    feedback_crowd = 8 if smoke else 30
    signing_up_crowd = 6 if smoke else 20
    rng = random.Random(5)
    tasks = []

    # (a) and (b): guesses at alice's password from many addresses, while alice signs in
    # from the address she always uses.
    def guesser(number):
        visitor = crowd.visitor(f"127.0.2.{number + 1}")
        for guess in range(guesses_each):
            response = visitor.sign_in("alice", f"guess-{number}-{guess}")
            crowd.record("guesses", sign_in_outcome(response))

    def alice_at_her_desk(round_number):
        time.sleep(round_number * 0.7)
        visitor = crowd.visitor("127.0.1.1")
        crowd.record("alice at her desk", sign_in_outcome(visitor.sign_in("alice", PASSWORD)))

    tasks += [lambda n=n: guesser(n) for n in range(guessing_addresses)]
    tasks += [lambda n=n: alice_at_her_desk(n) for n in range(6)]

    # (c): one address floods the public forms; everyone else fills them in once or twice.
    def feedback_flood():
        visitor = crowd.visitor("127.0.3.1")
        for _ in range(3 * FEEDBACK_RATE_LIMIT):
            crowd.record("feedback flood", give_feedback(visitor))

    def feedback_person(number):
        visitor = crowd.visitor(f"127.0.4.{number + 1}")
        for _ in range(rng.choice([1, 2])):
            crowd.record("feedback crowd", give_feedback(visitor))

    def sign_up_flood():
        visitor = crowd.visitor("127.0.5.1")
        for number in range(3 * KEEP_IN_TOUCH_RATE_LIMIT):
            crowd.record("keep-in-touch flood", keep_in_touch(visitor, number))

    def sign_up_person(number):
        visitor = crowd.visitor(f"127.0.5.{number + 10}")
        crowd.record("keep-in-touch crowd", keep_in_touch(visitor, number))

    tasks += [feedback_flood, sign_up_flood]
    tasks += [lambda n=n: feedback_person(n) for n in range(feedback_crowd)]
    tasks += [lambda n=n: sign_up_person(n) for n in range(signing_up_crowd)]

    # (d): X-Forwarded-For written by the client, to look like many people, or to use up
    # someone else's allowance.
    def many_faces():
        visitor = crowd.visitor("127.0.6.1")
        for _ in range(3 * FEEDBACK_RATE_LIMIT):
            forged = f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.7"
            crowd.record("forged addresses", give_feedback(visitor, **{"X-Forwarded-For": forged}))

    def someone_elses_face():
        visitor = crowd.visitor("127.0.6.3")
        for _ in range(2 * FEEDBACK_RATE_LIMIT):
            outcome = give_feedback(visitor, **{"X-Forwarded-For": "127.0.6.2"})
            crowd.record("posing as another", outcome)

    def sign_in_guesser_with_many_faces():
        visitor = crowd.visitor("127.0.7.1")
        for number in range(LOGIN_ADDRESS_FAILURE_LIMIT + 4):
            visitor.client.headers["X-Forwarded-For"] = f"10.{number}.0.1"
            response = visitor.sign_in(f"made-up-{number}", "password-guess")
            crowd.record("sign-in guesses, forged addresses", sign_in_outcome(response))

    tasks += [many_faces, someone_elses_face, sign_in_guesser_with_many_faces]

    rng.shuffle(tasks)
    with ThreadPoolExecutor(16) as pool:
        for future in [pool.submit(task) for task in tasks]:
            future.result()


def after_the_crowd(crowd: Crowd) -> None:
    """The checks that only mean something once the crowd has done its worst."""
    # Alice at her desk again, once every guess is in.
    crowd.record(
        "alice at her desk", sign_in_outcome(crowd.visitor("127.0.1.1").sign_in("alice", PASSWORD))
    )
    # The attacker, who has now guessed right, from an address of its own.
    crowd.record(
        "attacker with the right password",
        sign_in_outcome(crowd.visitor("127.0.2.200").sign_in("alice", PASSWORD)),
    )
    # The person whose address another client wrote in X-Forwarded-For.
    crowd.record("the one posed as", give_feedback(crowd.visitor("127.0.6.2")))
    # The address that guessed many usernames, now with a real one, and bob elsewhere.
    crowd.record(
        "bob from the paused address",
        sign_in_outcome(crowd.visitor("127.0.7.1").sign_in("bob", PASSWORD)),
    )
    crowd.record(
        "bob from his own address",
        sign_in_outcome(crowd.visitor("127.0.7.2").sign_in("bob", PASSWORD)),
    )


def straight_to_gunicorn(crowd: Crowd) -> tuple[int, int]:
    """A client that reaches gunicorn without nginx, over plain HTTP, and writes the
    headers nginx would: X-Forwarded-Proto https, and an X-Forwarded-For of its own
    choosing on each form. deploy/gunicorn.conf.py listens on 127.0.0.1 only, so on a
    real server only someone already on the machine can do this. Both headers are
    believed only from nginx's address (TRUSTED_PROXIES), so every form is sent to HTTPS,
    where nginx is, before it is read: were either believed, the forms would be taken.
    The CSRF token and form come from a visit through nginx. Returns (accepted, sent to
    HTTPS) of 2 × the rate limit."""
    stack = crowd.stack
    address = "127.0.8.1"
    page = crowd.visitor(address).get("/give-feedback/")
    if page.status_code != 200 or "csrftoken" not in page.cookies:
        return -1, -1
    form = post_form_fields(page.text, "form_nonce")
    accepted = sent_to_https = 0
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(transport=transport, trust_env=False, timeout=30) as client:
        for number in range(2 * FEEDBACK_RATE_LIMIT):
            response = client.post(
                stack["gunicorn"] + "/give-feedback/",
                data={
                    **form,
                    "form_nonce": f"{form['form_nonce'][:40]}-{number}",
                    "anything_else": "Straight to the application server.",
                },
                headers={
                    **_https_headers(stack),
                    "X-Forwarded-For": f"198.51.100.{number + 1}",
                    "Origin": stack["https"],
                    "Referer": stack["https"] + "/give-feedback/",
                    "Cookie": f"csrftoken={page.cookies['csrftoken']}",
                },
            )
            accepted += response.status_code == 302
            sent_to_https += response.status_code == 301 and response.headers.get(
                "location", ""
            ).startswith("https://")
    return accepted, sent_to_https


def _https_headers(stack: dict) -> dict:
    # What nginx would have added: the scheme, and the host as the client named it.
    return {"X-Forwarded-Proto": "https", "Host": stack["https"].split("//", 1)[1]}


# The drill ---------------------------------------------------------------------------


def run(smoke: bool) -> list[Figure]:
    started = time.monotonic()
    limits = {
        "LOGIN_FAILURE_LIMIT": LOGIN_FAILURE_LIMIT,
        "LOGIN_ADDRESS_FAILURE_LIMIT": LOGIN_ADDRESS_FAILURE_LIMIT,
        "LOGIN_ADDRESS_WINDOW_MINUTES": WINDOW_MINUTES,
        "FEEDBACK_RATE_LIMIT": FEEDBACK_RATE_LIMIT,
        "FEEDBACK_RATE_WINDOW_MINUTES": WINDOW_MINUTES,
        "KEEP_IN_TOUCH_RATE_LIMIT": KEEP_IN_TOUCH_RATE_LIMIT,
        "KEEP_IN_TOUCH_RATE_WINDOW_MINUTES": WINDOW_MINUTES,
    }
    with (
        own_redis() as redis,
        production_setup("lockout", collectstatic=False, REDIS_URL=redis.url, **limits) as (
            env,
            port,
        ),
        tempfile.TemporaryDirectory(prefix="community-voice-drill-proxy-") as folder,
    ):
        env.update(
            {
                "SITE_URL": f"https://localhost:{port}",
                "ALLOWED_HOSTS": "localhost",
                "BEHIND_HTTPS_PROXY": "true",
                "SECURE_SSL_REDIRECT": "true",
                "SESSION_COOKIE_SECURE": "true",
                "WEB_CONCURRENCY": str(WORKERS),
                "SAFEGUARDING_EMAIL": "",
            }
        )
        collect_static_quickly(env)
        manage("shell", "-c", SEED, env=env)
        _wait_out_the_end_of_a_window()
        with proxied_server(env, port, Path(folder)) as stack:
            print(
                "Lockout: nginx in front of gunicorn (deploy/ configuration, "
                f"{WORKERS} workers), clients on their own loopback addresses; limits: "
                f"{LOGIN_FAILURE_LIMIT} wrong passwords an account, "
                f"{LOGIN_ADDRESS_FAILURE_LIMIT} failed sign-ins an address, "
                f"{FEEDBACK_RATE_LIMIT} feedback forms and {KEEP_IN_TOUCH_RATE_LIMIT} "
                "sign-ups an address.",
                flush=True,
            )
            crowd = Crowd(stack)
            try:
                # Alice has signed in from her desk before: that is what makes it hers.
                first = sign_in_outcome(crowd.visitor("127.0.1.1").sign_in("alice", PASSWORD))
                if first != "signed in":
                    raise SystemExit(f"alice could not sign in before the drill: {first}")
                run_crowd(crowd, smoke)
                after_the_crowd(crowd)
                bypass = straight_to_gunicorn(crowd)
            finally:
                crowd.close()
    for what, outcomes in sorted(crowd.outcomes.items()):
        tally = ", ".join(
            f"{outcome}: {outcomes.count(outcome)}" for outcome in sorted(set(outcomes))
        )
        print(f"  {what:<36} {tally}")
    print(
        f"  straight to gunicorn, forged X-Forwarded-Proto and -For: {bypass[0]} accepted, "
        f"{bypass[1]} sent to HTTPS of {2 * FEEDBACK_RATE_LIMIT}"
    )
    print(f"Lockout: done in {time.monotonic() - started:.0f} s.")
    return figures(crowd, bypass)


def figures(crowd: Crowd, bypass: tuple[int, int]) -> list[Figure]:
    checked = crowd.count("guesses", "password checked")
    guesses = crowd.tries("guesses")
    refused = crowd.count("guesses", "account locked")
    broke_in = crowd.count("guesses", "signed in") + crowd.count(
        "attacker with the right password", "signed in"
    )
    alice_tries = crowd.tries("alice at her desk")
    alice_in = crowd.count("alice at her desk", "signed in")
    feedback_flood = crowd.count("feedback flood", "accepted")
    sign_up_flood = crowd.count("keep-in-touch flood", "accepted")
    forged_accepted = crowd.count("forged addresses", "accepted")
    paused = crowd.count("sign-in guesses, forged addresses", "address paused")
    return [
        Figure(
            "lockout: guesses at one password from many addresses",
            f"<= {LOGIN_FAILURE_LIMIT}(+{WORKERS}) wrong, rest locked",
            f"{checked} told wrong, {refused} locked of {guesses}; {broke_in} got in",
            checked <= LOGIN_FAILURE_LIMIT + WORKERS
            and checked + refused == guesses
            and broke_in == 0,
        ),
        Figure(
            "lockout: staff signing in from their own address",
            "never locked out",
            f"{alice_in} of {alice_tries} signed in",
            alice_in == alice_tries,
        ),
        Figure(
            "lockout: one address flooding the feedback form",
            f"{FEEDBACK_RATE_LIMIT} taken, rest slowed",
            f"{feedback_flood} taken, {crowd.count('feedback flood', 'slowed')} slowed "
            f"of {crowd.tries('feedback flood')}",
            feedback_flood == FEEDBACK_RATE_LIMIT
            and crowd.count("feedback flood", "slowed")
            == crowd.tries("feedback flood") - FEEDBACK_RATE_LIMIT,
        ),
        Figure(
            "lockout: everyone else on the feedback form",
            "all taken",
            f"{crowd.count('feedback crowd', 'accepted')} of {crowd.tries('feedback crowd')}",
            crowd.count("feedback crowd", "accepted") == crowd.tries("feedback crowd"),
        ),
        Figure(
            "lockout: one address flooding keep-in-touch",
            f"{KEEP_IN_TOUCH_RATE_LIMIT} taken, rest slowed",
            f"{sign_up_flood} taken, {crowd.count('keep-in-touch flood', 'slowed')} slowed "
            f"of {crowd.tries('keep-in-touch flood')}",
            sign_up_flood == KEEP_IN_TOUCH_RATE_LIMIT
            and crowd.count("keep-in-touch flood", "slowed")
            == crowd.tries("keep-in-touch flood") - KEEP_IN_TOUCH_RATE_LIMIT,
        ),
        Figure(
            "lockout: everyone else on keep-in-touch",
            "all taken",
            f"{crowd.count('keep-in-touch crowd', 'accepted')} of "
            f"{crowd.tries('keep-in-touch crowd')}",
            crowd.count("keep-in-touch crowd", "accepted") == crowd.tries("keep-in-touch crowd"),
        ),
        Figure(
            "lockout: forged X-Forwarded-For, one client as many",
            f"<= {FEEDBACK_RATE_LIMIT} taken",
            f"{forged_accepted} taken of {crowd.tries('forged addresses')}",
            forged_accepted == FEEDBACK_RATE_LIMIT,
        ),
        Figure(
            "lockout: forged X-Forwarded-For, posing as another",
            "the other still taken",
            f"poser {crowd.count('posing as another', 'accepted')} taken; "
            f"the other: {crowd.outcomes.get('the one posed as', ['?'])[0]}",
            crowd.outcomes.get("the one posed as") == ["accepted"]
            and crowd.count("posing as another", "accepted") == FEEDBACK_RATE_LIMIT,
        ),
        Figure(
            "lockout: forged X-Forwarded-For on sign-in",
            "address paused, staff elsewhere fine",
            f"{paused} paused of {crowd.tries('sign-in guesses, forged addresses')}; "
            f"bob there: {crowd.outcomes['bob from the paused address'][0]}, "
            f"elsewhere: {crowd.outcomes['bob from his own address'][0]}",
            paused >= 1
            and crowd.outcomes["bob from the paused address"] == ["address paused"]
            and crowd.outcomes["bob from his own address"] == ["signed in"],
        ),
        Figure(
            "lockout: straight to gunicorn, forged X-Forwarded-Proto and -For",
            "all sent to HTTPS, 0 taken",
            f"{bypass[1]} sent to HTTPS, {bypass[0]} taken of {2 * FEEDBACK_RATE_LIMIT}",
            bypass == (0, 2 * FEEDBACK_RATE_LIMIT),
        ),
    ]
