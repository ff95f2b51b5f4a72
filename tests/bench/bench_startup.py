"""How fast a read-only command starts (issue 11, item 7; prints figures, not a test).

    python -m tests.bench.bench_startup --db duckdb:////abs/path/copy-of-branch.duckdb
    python -m tests.bench.bench_startup --db URL --code /path/to/another/checkout   # before/after

Runs the whole process `python -m metrics scorecard --period 2026Q3 --level staff --format csv`
`--runs` times (fresh processes, output thrown away) and prints, for the command and for two
references (an empty interpreter, `import pandas`), the wall time and the CPU time (user + sys of
the child) as min and median. On a shared machine the wall time follows the other processes'
load, the CPU time much less: compare CPU minima. Then one run under `python -X importtime`:
the import time per top-level package, the largest first.

Target (issue 11): the command in at most 0.7 s whole-process at `branch` scale on an idle
machine. `--code` runs the command from another checkout with this interpreter (e.g. the commit
before a change, unpacked with `git archive`), so both are measured by the same script.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def timed(command: list[str], cwd: Path, runs: int) -> tuple[list[float], list[float]]:
    """(wall seconds, CPU seconds) of each of `runs` fresh processes."""
    walls, cpus = [], []
    for _ in range(runs):
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        walls.append(time.perf_counter() - started)
        cpus.append(usage.ru_utime + usage.ru_stime)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed ({status}): {' '.join(command)}")
    return walls, cpus


def line(label: str, walls: list[float], cpus: list[float]) -> str:
    return (
        f"  {label:<34} wall min {min(walls):.3f} s, median {statistics.median(walls):.3f} s;"
        f"  CPU min {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s"
    )


def import_times(command: list[str], cwd: Path) -> list[tuple[str, float]]:
    """Seconds of import per top-level package (self times summed), from -X importtime."""
    out = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    totals: dict[str, float] = defaultdict(float)
    for row in out.stderr.splitlines():
        if not row.startswith("import time:") or "|" not in row:
            continue
        fields = row.split("|")
        try:
            own = int(fields[0].split(":")[1])
        except ValueError:
            continue  # the header line
        totals[fields[2].strip().split(".")[0]] += own / 1e6
    return sorted(totals.items(), key=lambda item: -item[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a copy of the branch-scale file (read only)")
    parser.add_argument("--period", default="2026Q3")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--code", type=Path, default=ROOT, help="the checkout to run (default: this)"
    )
    args = parser.parse_args()
    py = sys.executable
    command = [py, "-m", "metrics", "scorecard", "--period", args.period, "--level", "staff"]
    command += ["--format", "csv", "--db", args.db]
    print(f"{args.runs} fresh processes each; code: {args.code}")
    print(line("python -c pass", *timed([py, "-c", "pass"], args.code, args.runs)))
    print(
        line("python -c 'import pandas'", *timed([py, "-c", "import pandas"], args.code, args.runs))
    )
    print(line("python -m metrics scorecard (staff)", *timed(command, args.code, args.runs)))
    print("  imports of one run, by top-level package (self time, seconds):")
    shown = import_times(command, args.code)
    print("    " + ", ".join(f"{name} {seconds:.3f}" for name, seconds in shown[:12]))
    print(f"    all imports: {sum(s for _, s in shown):.3f} s")


if __name__ == "__main__":
    main()
