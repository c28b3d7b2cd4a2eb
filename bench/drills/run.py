"""`make drills`: failures a force will meet, rehearsed on 127.0.0.1 against the
production setup, each bounded in time, starting and stopping its own processes (its
own Redis, and its own PostgreSQL cluster for the restart drill) so that it never
disturbs a shared one. Prints what each drill did and one table of results; exits
non-zero when a drill fails. `--smoke` runs each drill small, for CI.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/drills/run.py [--smoke] [--only NAME]
"""

import argparse
import datetime
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.harness import missing_services, print_table, run_sections  # noqa: E402
from bench.suite import machine  # noqa: E402

# Each module has run(smoke: bool) -> list[Figure].
DRILLS = {
    "worker-kill": "bench.drills.worker_kill",
    "redis-outage": "bench.drills.redis_outage",
    "postgres-restart": "bench.drills.postgres_restart",
    "hostile-input": "bench.drills.hostile_input",
    "lockout": "bench.drills.lockout",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="each drill small, for CI")
    parser.add_argument("--only", choices=sorted(DRILLS), action="append")
    args = parser.parse_args()
    missing = missing_services(need_wrk=False)
    if missing:
        print("make drills needs:\n" + "\n".join(f"  - {need}" for need in missing))
        return 2

    figures = run_sections(DRILLS, args.only or DRILLS, "run", smoke=args.smoke)
    today = datetime.date.today().isoformat()
    # Drills are pass or fail even in a smoke run: a small drill must still recover.
    return print_table(f"Community Voice drills, {today}, {machine()}", figures)


if __name__ == "__main__":
    sys.exit(main())
