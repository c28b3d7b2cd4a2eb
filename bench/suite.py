"""`make bench`: every speed, size and memory promise measured against the production
setup (gunicorn, DEBUG=false, PostgreSQL and Redis from DATABASE_URL and REDIS_URL),
printed as one table of figure, target, measured and result. Exits non-zero when a
target is missed. `--smoke` runs each measurement for a moment at small sizes, and
does not enforce the targets, so that CI keeps the benchmarks working.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/suite.py [--smoke] [--only NAME]
"""

import argparse
import datetime
import os
import platform
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.harness import missing_services, print_table, run_sections  # noqa: E402

# Each module has measure(smoke: bool) -> list[Figure]. The public pages' run also
# reports their weight and the gunicorn workers' memory; the scaling run the exports'.
SECTIONS = {
    "pages": "bench.public_pages",
    "post": "bench.feedback_post",
    "scaling": "bench.scaling",
    "email": "bench.email_fanout",
    "live": "bench.live",
}


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    memory_gib = memory_kb / 1024 / 1024
    python = platform.python_version()
    return f"{os.cpu_count()} cores ({cpu}), {memory_gib:.0f} GiB, Python {python}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a moment per figure, not enforced")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append")
    args = parser.parse_args()
    missing = missing_services()
    if missing:
        print("make bench needs:\n" + "\n".join(f"  - {need}" for need in missing))
        return 2

    figures = run_sections(SECTIONS, args.only or SECTIONS, "measure", smoke=args.smoke)
    today = datetime.date.today().isoformat()
    status = print_table(
        f"Community Voice benchmarks, {today}, {machine()}",
        figures,
        enforced=not args.smoke,
    )
    if args.smoke and any(f.name.endswith("ran to the end") for f in figures):
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
