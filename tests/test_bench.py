"""make bench measures in a temporary folder of its own and leaves nothing behind,
whether the measurements finish or fail."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def run_bench_with(measurements: str, temporary: Path) -> subprocess.CompletedProcess:
    """bench/run.py with its measurements replaced, and its temporary folder made
    under `temporary`."""
    script = (
        "import sys\n"
        "sys.path.insert(0, 'bench')\n"
        "import run\n"
        "def measure():\n"
        f"    {measurements}\n"
        "run.measure = measure\n"
        "run.main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env={**os.environ, "TMPDIR": str(temporary)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_bench_removes_its_temporary_folder_when_it_is_done(tmp_path):
    result = run_bench_with(
        "import os; print(os.environ['VAR_DIR']); open(os.environ['VAR_DIR'] + '/db', 'w')",
        tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(str(tmp_path / "community-voice-bench-"))
    assert list(tmp_path.iterdir()) == []


def test_the_bench_removes_its_temporary_folder_when_a_measurement_fails(tmp_path):
    result = run_bench_with("raise AssertionError('the home page was too slow')", tmp_path)

    assert result.returncode != 0
    assert "the home page was too slow" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_table_fails_the_run_when_a_target_is_missed_and_only_then(capsys):
    sys.path.insert(0, str(PROJECT_ROOT))
    from bench.harness import Figure, print_table

    met = Figure("Home page", ">= 10 % of bare", "58.2 %", True)
    missed = Figure("Keep in touch", ">= 10 % of bare", "4.6 %", False)
    reported = Figure("Rendered afresh: Home", "reported", "11.9 %", None)

    assert print_table("Benchmarks", [met, reported]) == 0
    assert print_table("Benchmarks", [met, missed, reported]) == 1
    assert print_table("Benchmarks", [met, missed], enforced=False) == 0
    printed = capsys.readouterr().out
    assert "Keep in touch  >= 10 % of bare  4.6 %" in printed
    assert "FAIL" in printed
    assert "1 of 2 targets missed." in printed
