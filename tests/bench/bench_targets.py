"""Benchmark (a command, not a test): per-person targets at scale.

    cp /work/data/branch.duckdb /tmp/branch.duckdb     # never time a file others are writing
    python -m tests.bench.bench_targets --db duckdb:////tmp/branch.duckdb [--period 2026Q3]

For a bank-wide planners' scheme (one linear AUM item) it prints, best of N warm in one process:
the staff the scheme editor lists (`targets.covered_staff`), the grid frame of one item, the CSV
download of a target for every one of them, reading that CSV back (`schemes.parse_targets`), and
`appraise` without and with a per-person target for everyone (what per-person targets add to
scoring). The database is only read.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from data.engine import make_engine
from metrics.appraisal import schemes, targets
from metrics.appraisal.scoring import appraise
from metrics.core.periods import Period
from metrics.core.scope import Scope
from ui.target_grid import grid_frame


def best(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    result: Any = None
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--period", default="2026Q3")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    engine = make_engine(args.db)
    period = Period.parse(args.period)
    scheme = schemes.check(
        schemes.Scheme(
            name="bench",
            org_id=None,
            role="planner",
            cycle=period.kind,
            items=(schemes.Item("aum_increment", Decimal(100), Decimal(1000000)),),
        )
    )
    everything = Scope.everything()
    with engine.connect() as conn:
        seconds, staff = best(lambda: targets.covered_staff(conn, scheme, everything), args.runs)
        print(f"covered_staff: {len(staff)} staff, {seconds * 1000:.1f} ms")
        own = {s: Decimal(1000000 + i) for i, s in enumerate(staff["staff_id"])}
        seconds, _ = best(lambda: grid_frame(staff, 1000000.0, own), args.runs)
        print(f"grid_frame (one item, every person with a target): {seconds * 1000:.1f} ms")
        item = scheme.items[0]
        held = replace(scheme, items=(replace(item, targets=tuple(own.items())),))
        seconds, data = best(lambda: targets.targets_csv(held), args.runs)
        print(f"targets_csv: {len(data)} bytes, {seconds * 1000:.1f} ms")
        text = data.decode("utf-8-sig")
        ids = set(staff["staff_id"])
        seconds, _ = best(lambda: schemes.parse_targets(scheme, text, staff=ids), args.runs)
        print(f"parse_targets: {len(own)} rows, {seconds * 1000:.1f} ms")
        plain_s, _ = best(lambda: appraise(conn, scheme, period, everything), args.runs)
        own_s, _ = best(lambda: appraise(conn, held, period, everything), args.runs)
        print(f"appraise {period}: {plain_s * 1000:.0f} ms without, {own_s * 1000:.0f} ms with")
    engine.dispose()


if __name__ == "__main__":
    main()
