"""What every benchmark and drill shares: the figures they report and the table that
prints them, the services they need, a throwaway PostgreSQL database of their own, and
the processes they start on 127.0.0.1 (manage.py commands, wrk)."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Figure:
    """One line of the table: what was measured, the promise, what it came to, and
    whether the promise held. `passed` is None for a figure reported without a target."""

    name: str
    target: str
    measured: str
    passed: bool | None

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "FAIL", None: "-"}[self.passed]


def print_table(title: str, figures: list[Figure], *, enforced: bool = True) -> int:
    """Prints the figures as one table and returns the exit status: 1 when a target was
    missed (and targets are enforced), else 0."""
    headings = ("Figure", "Target", "Measured", "Result")
    rows = [(f.name, f.target, f.measured, f.verdict) for f in figures]
    widths = [max(len(row[i]) for row in [headings, *rows]) for i in range(4)]
    print()
    print(title)
    for row in [headings, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    missed = [f for f in figures if f.passed is False]
    if not enforced:
        print(f"Smoke run: targets not enforced ({len(missed)} would have been missed).")
        return 0
    print(f"{len(missed)} of {sum(f.passed is not None for f in figures)} targets missed.")
    return 1 if missed else 0


def run_sections(modules: dict, names, entry: str, *, smoke: bool) -> list[Figure]:
    """Each named module's figures, from its function `entry(smoke=...)`. A module that
    fails adds a failed "ran to the end" figure instead of hiding the others."""
    import importlib
    import traceback

    figures: list[Figure] = []
    for name in names:
        print(f"== {name}", flush=True)
        try:
            figures += getattr(importlib.import_module(modules[name]), entry)(smoke=smoke)
        except (Exception, SystemExit) as error:
            traceback.print_exc()
            figures.append(Figure(f"{name}: ran to the end", "no error", repr(error)[:60], False))
    return figures


def ratio(value: float, ceiling: float) -> str:
    return f"{100 * value / ceiling:.1f} %" if ceiling else "n/a"


# --- services -----------------------------------------------------------------------


def missing_services(*, need_wrk: bool = True) -> list[str]:
    """What a full run needs and this machine lacks, each with how to provide it."""
    missing = []
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        missing.append(
            "DATABASE_URL naming a PostgreSQL server whose user may create databases, "
            "e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres"
        )
    if not os.environ.get("REDIS_URL", "").startswith("redis://"):
        missing.append("REDIS_URL naming a Redis server, e.g. REDIS_URL=redis://127.0.0.1:6379/0")
    if need_wrk and not _on_path("wrk"):
        missing.append("wrk, the load generator (apt-get install wrk)")
    return missing


def _on_path(program: str) -> bool:
    from shutil import which

    return which(program) is not None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _admin_connection(database_url: str):
    import psycopg2

    parts = urllib.parse.urlsplit(database_url)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password or ""),
        dbname=(parts.path.lstrip("/") or "postgres"),
    )
    connection.autocommit = True
    return connection


@contextmanager
def throwaway_database(database_url: str, name: str):
    """A new, empty PostgreSQL database on the server in `database_url`, dropped when
    the block ends, so that a benchmark never writes to the database it was pointed at.
    Yields the new database's URL."""
    database = f"cv_bench_{name}_{uuid.uuid4().hex[:8]}"
    admin = _admin_connection(database_url)
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{database}"')
    finally:
        admin.close()
    try:
        parts = urllib.parse.urlsplit(database_url)
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{database}"))
    finally:
        # A connection of its own: the server may have restarted since (a drill does that).
        admin = _admin_connection(database_url)
        try:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        finally:
            admin.close()


# --- processes ----------------------------------------------------------------------


def manage(*args, env, capture=False, timeout=None) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout if capture else ""


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server for {url} stopped before it answered.")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"Nothing answered at {url} within {seconds:.0f} seconds.")


LATENCY = re.compile(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(
    url: str, *, seconds: float, connections: int, headers: dict, script: str | None = None
) -> dict:
    """wrk against the URL: requests per second, latency percentiles in ms (p50, p90,
    p99), and the count of responses that were not 2xx or 3xx. `script` is a Lua file
    for requests other than a plain GET."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", script]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {
        percent: float(value) * UNITS[unit] for percent, value, unit in LATENCY.findall(output)
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    completed = re.search(r"(\d+) requests in", output)
    return {
        "requests": int(completed.group(1)) if completed else 0,
        "rate": rate,
        "p50": latency.get("50"),
        "p90": latency.get("90"),
        "p99": latency.get("99"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
        "output": output,
    }
