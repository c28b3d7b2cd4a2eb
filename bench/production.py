"""The production setup the benchmarks and drills run against: settings as a force
deploys them, a throwaway PostgreSQL database, and gunicorn with two workers on
127.0.0.1, started and stopped here."""

import os
import secrets
import signal
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from bench.harness import (
    PROJECT_ROOT,
    PYTHON,
    free_port,
    manage,
    throwaway_database,
    wait_until_up,
)


def production_env(var_dir: str, port: int, name: str, database_url: str | None = None) -> dict:
    """DEBUG=false with a fresh secret, the app plus a bare view (bench/urls.py), the
    given database (else DATABASE_URL, else SQLite under var_dir) and the Redis in
    REDIS_URL when it is set."""
    Path(var_dir, "static").mkdir(exist_ok=True)
    return {
        **os.environ,
        "VAR_DIR": var_dir,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "TWO_FACTOR_REQUIRED": "false",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "ROOT_URLCONF": "bench.urls",
        "CACHE_KEY_PREFIX": f"bench-{name}-{secrets.token_hex(4)}",
        "DATABASE_URL": database_url
        if database_url is not None
        else os.environ.get("DATABASE_URL", ""),
        "PYTHONPATH": str(PROJECT_ROOT),
    }


@contextmanager
def production_setup(name: str, *, collectstatic: bool = True, **settings):
    """A temporary folder, a throwaway database on the PostgreSQL server in DATABASE_URL
    (SQLite in the folder without it), migrated, static files collected, and the
    environment a production process gets; every part is removed when the block ends.
    Yields (env, port): the port gunicorn should use, which SITE_URL names. Extra
    keyword arguments become environment variables (FEEDBACK_RATE_LIMIT="100000")."""
    with tempfile.TemporaryDirectory(prefix=f"community-voice-bench-{name}-") as var_dir:
        port = free_port()
        database_url = os.environ.get("DATABASE_URL", "")
        with (
            throwaway_database(database_url, name)
            if database_url.startswith(("postgres://", "postgresql://"))
            else _no_database()
        ) as url:
            env = production_env(var_dir, port, name, url)
            env.update({key: str(value) for key, value in settings.items()})
            manage("migrate", "--no-input", env=env)
            if collectstatic:
                manage("collectstatic", "--no-input", env=env)
            yield env, port


@contextmanager
def _no_database():
    yield ""


def describe(env: dict) -> str:
    return (
        "gunicorn with 2 workers, DEBUG=false, "
        f"{'PostgreSQL' if env['DATABASE_URL'] else 'SQLite'}, "
        f"{'Redis' if env.get('REDIS_URL') else 'per-worker memory'} cache"
    )


@contextmanager
def running_gunicorn(env: dict, port: int, *, workers: int = 2, output=None):
    """gunicorn serving the app on the port until the block ends; yields an object with
    its address (`.base`) and process (`.process`), whose children are the workers.
    `output`, an open file, takes what gunicorn and the app log instead of the terminal."""
    command = [PYTHON, "-m", "gunicorn", "engagement.wsgi", "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT if output is not None else None,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/bench/hello/", server)
        yield Gunicorn(base, server)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class Gunicorn(str):
    """The server's address, which is what most callers want, with its process."""

    def __new__(cls, base: str, process: subprocess.Popen):
        instance = super().__new__(cls, base)
        instance.base = base
        instance.process = process
        return instance

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []
