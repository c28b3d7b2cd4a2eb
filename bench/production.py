"""The production setup the wrk benchmarks run against: settings as a force deploys
them, and gunicorn with two workers on 127.0.0.1, started and stopped here."""

import os
import secrets
import signal
import subprocess
from contextlib import contextmanager
from pathlib import Path

from bench.live import PROJECT_ROOT, PYTHON, wait_until_up


def production_env(var_dir: str, port: int, name: str) -> dict:
    """DEBUG=false with a fresh secret, the app plus a bare view (bench/urls.py), and the
    PostgreSQL and Redis in DATABASE_URL and REDIS_URL when they are set."""
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
        "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
        "PYTHONPATH": str(PROJECT_ROOT),
    }


def describe(env: dict) -> str:
    return (
        "gunicorn with 2 workers, DEBUG=false, "
        f"{'PostgreSQL' if env['DATABASE_URL'] else 'SQLite'}, "
        f"{'Redis' if os.environ.get('REDIS_URL') else 'per-worker memory'} cache"
    )


@contextmanager
def running_gunicorn(env: dict, port: int):
    """gunicorn serving the app on the port until the block ends; yields its address."""
    command = [PYTHON, "-m", "gunicorn", "engagement.wsgi", "--workers", "2",
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/bench/hello/", server)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
