"""Benchmark (a command, not a test): the lake and the metrics on Spark beside DuckDB (issue 16).

    python -m tests.bench.bench_spark --db duckdb:////abs/copy-of/branch.duckdb --period 2026-09 \\
        [--spark-url spark+pyhive://127.0.0.1:PORT/default] [--lake /abs/lake]

Needs requirements-spark.txt (./spark.sh, or a separate venv). Without --spark-url it starts a local
Spark Thrift Server (tests/spark_server.py: local[2], 2 GiB driver) and stops it at the end.

It publishes the DuckDB file's facts to the lake (data/lake.py: Parquet, event tables by month,
the Spark views switched), printing rows, seconds, rows/s and the Parquet bytes per table; then
computes the staff scorecard, staff supervision and sub-branch health on DuckDB and on Spark
(first call and best of --repeat), and checks the two frames are the same, cell by cell.
With --published (and --lake, for the bytes) it computes on a publication made before.
The file is only read (publishing reads the committed facts); work on a copy all the same.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def timed(fn: Any, repeat: int) -> tuple[float, float, Any]:
    """(first call seconds, best of `repeat` further calls, the result)."""
    started = time.perf_counter()
    result = fn()
    first = time.perf_counter() - started
    best = first
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return first, best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a DuckDB file holding imported facts")
    parser.add_argument("--period", default="2026-09")
    parser.add_argument("--spark-url", default=None, help="a running local Thrift Server")
    parser.add_argument("--lake", type=Path, default=None, help="default: a temporary folder")
    parser.add_argument("--database", default="bench")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--published",
        action="store_true",
        help="--database already holds this file's publication (python -m data.lake): compute only",
    )
    args = parser.parse_args()

    from data.engine import make_engine
    from data.lake import publish, published_tables
    from data.settings import load_settings
    from metrics.core.periods import Period
    from metrics.core.scope import Scope
    from metrics.measures.tables import health, scorecard, supervision
    from tests import spark_server
    from tests.test_spark import assert_same_frame

    server = None
    url = args.spark_url
    if url is None:
        started = time.perf_counter()
        server = spark_server.start()
        url = server.url
        print(f"spark start            {time.perf_counter() - started:8.1f} s")
    try:
        admin = create_engine(url)
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE IF NOT EXISTS `{args.database}`"))
        admin.dispose()
        spark = create_engine(url.rsplit("/", 1)[0] + f"/{args.database}")
        duck = make_engine(args.db)
        with tempfile.TemporaryDirectory(prefix="wealth-lake-") as tmp:
            lake = args.lake or Path(tmp)
            with duck.connect() as conn:
                rows = {
                    t.name: int(conn.execute(text(f'SELECT count(*) FROM "{t.name}"')).scalar_one())
                    for t, _m in published_tables()
                }
            total = sum(rows.values())
            if not args.published:
                started = time.perf_counter()
                done = publish(duck, str(lake), spark)
                seconds = time.perf_counter() - started
                print(f"publish {total:>14,} rows {seconds:8.1f} s {total / seconds:12,.0f} rows/s")
                print(
                    f"  of which Parquet files {done.write_seconds:.1f} s, Spark catalog "
                    f"{done.switch_seconds:.1f} s"
                )
            size = folder_bytes(lake)
            print(f"parquet {size:>14,} bytes ({size / max(total, 1):.1f} bytes/row)")
            for name, count in sorted(rows.items(), key=lambda kv: -kv[1])[:8]:
                print(f"  {name:<20} {count:>12,} rows {folder_bytes(lake / name):>14,} bytes")

            period = Period.parse(args.period)
            everything = Scope.everything()
            with duck.connect() as d, spark.connect() as s:
                settings = load_settings(d)
                for label, fn, level in (
                    ("scorecard staff", scorecard, "staff"),
                    ("supervision staff", supervision, "staff"),
                    ("health sub_branch", health, "sub_branch"),
                ):
                    d_first, d_best, expected = timed(
                        lambda fn=fn, level=level: fn(d, period, level, everything, settings),
                        args.repeat,
                    )
                    s_first, s_best, actual = timed(
                        lambda fn=fn, level=level: fn(s, period, level, everything, settings),
                        args.repeat,
                    )
                    assert_same_frame(actual, expected, label)
                    print(
                        f"{label:<20} {len(expected):>6} rows  DuckDB {d_first:7.2f} s "
                        f"(best {d_best:6.2f})  Spark {s_first:7.2f} s (best {s_best:6.2f})  "
                        "same frame"
                    )
        spark.dispose()
        duck.dispose()
    finally:
        if server is not None:
            spark_server.stop(server)


if __name__ == "__main__":
    main()
