"""Benchmark (a command, not a test): demo generation time, import rows per second and peak memory.

    python -m tests.bench.bench_import --scale branch [--backend duckdb|postgresql|both]
    python -m tests.bench.bench_import --from /work/data/headoffice [--backend duckdb]

Each step runs in a fresh child process so that its peak memory (max RSS) is its own; `--from`
imports an existing folder instead of generating one. The import also prints the peak resident
memory sampled during each step of the importer (which file was being read, the database phase),
so that a peak can be put down to its cause.
Targets: the branch scale imported into DuckDB in at most 60 s (issue 2); peak memory at most
2 GiB at branch and head-office scale (issue 16: the importer streams its files).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = os.environ.get("WEALTH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")


def child(code: str) -> dict[str, float]:
    """Run `code` (which sets a dict `result`) in a fresh interpreter; add wall time and the
    child's own peak memory (max RSS)."""
    started = time.perf_counter()
    script = (
        code
        + "\nimport json, resource"
        + "\nresult['peak_mib'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024"
        + "\nprint(json.dumps(result))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if out.returncode not in (0, 1):
        raise SystemExit(f"step failed: {out.stderr.strip().splitlines()[-1:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - started
    return result


def probe(url: str, folder: Path) -> dict[str, Any]:
    """One import in a fresh interpreter (`tests.bench.import_probe`): its figures."""
    out = subprocess.run(
        [sys.executable, "-m", "tests.bench.import_probe", url, str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"import failed: {out.stderr.strip().splitlines()[-1:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", default="branch", choices=["tiny", "demo", "branch", "headoffice"]
    )
    parser.add_argument("--backend", default="both", choices=["duckdb", "postgresql", "both"])
    parser.add_argument("--keep", type=Path, default=None, help="generate into / reuse this folder")
    parser.add_argument(
        "--from", dest="source", type=Path, default=None, help="import this folder, no generation"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.source or args.keep or Path(tmp) / "demo"
        if args.source is None:
            print(f"scale {args.scale}: generating into {folder}")
            gen = child(
                "import json; from pathlib import Path; from data.demo import generate; "
                f"c = generate({args.scale!r}, Path({str(folder)!r})); "
                "result = {'rows': sum(c.values())}"
            )
            print(
                f"  demo generation: {gen['rows']:,.0f} rows in {gen['wall_s']:.1f} s, "
                f"peak {gen['peak_mib']:.0f} MiB"
            )
        backends = ["duckdb", "postgresql"] if args.backend == "both" else [args.backend]
        for backend in backends:
            if backend == "duckdb":
                url = f"duckdb:///{Path(tmp) / 'bench.duckdb'}"
            else:
                name = f"wealth_bench_{uuid.uuid4().hex[:8]}"
                subprocess.run(
                    ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {name}"],
                    check=True,
                )
                url = f"{PG_SERVER}/{name}"
            load = probe(url, folder)
            rate = load["rows"] / load["import_s"]
            print(
                f"  import into {backend}: {load['rows']:,.0f} rows ({load['rejected']:.0f} "
                f"rejected) in {load['import_s']:.1f} s = {rate:,.0f} rows/s; process peak "
                f"{load['peak_mib']:.0f} MiB"
            )
            for step, mib in sorted(load["steps"].items(), key=lambda s: -s[1])[:5]:
                print(f"    peak {mib:>6,} MiB while {step}")
            if backend == "postgresql":
                subprocess.run(
                    [
                        "psql",
                        "-h",
                        "127.0.0.1",
                        "-U",
                        "postgres",
                        "-qc",
                        f"DROP DATABASE {url.rsplit('/', 1)[1]} WITH (FORCE)",
                    ],
                    check=True,
                )


if __name__ == "__main__":
    main()
