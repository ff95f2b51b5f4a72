"""The same metrics on Apache Spark (issue 16): whole tables computed on a local Spark Thrift
Server through `data.spark_dialect`, against the same data on DuckDB.

Each data set is inserted into a fresh migrated DuckDB file, the golden tests' way; every table is
then written to Parquet by DuckDB and declared in Spark's catalog (`CREATE TABLE ... USING parquet
LOCATION`), one Spark database per data set. Spark starts once per test session
(`tests/spark_server.py`, 2 GiB, local[2]); without pyspark and PyHive (requirements-spark.txt,
`./spark.sh`) the module is skipped with that reason, and with WEALTH_TEST_SPARK=1 (as ./spark.sh
sets) it fails instead.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Connection, Engine, create_engine, literal, select, text

from data.db import upgrade
from data.engine import make_engine
from data.lake import publish
from data.settings import load_settings
from metrics.core.catalogue import KINDS, kind_ids
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.core.values import is_null
from metrics.measures.tables import compliance, drill, health, scorecard, supervision
from tests import lifecycle_data, supervision_data
from tests.golden_data import insert_golden

REQUIRED = os.environ.get("WEALTH_TEST_SPARK", "") == "1"
PERIODS = ("2025-09", "2025Q3")
LEVELS: tuple[str, ...] = ("staff", "sub_branch", "branch")
HEALTH_LEVELS: tuple[str, ...] = ("sub_branch", "branch")
EVERYTHING = Scope.everything()
HEAD = Scope.org("SB1")  # the head of the first sub-branch
PLANNER = Scope.staff("P1")


@dataclass
class _Running:
    """A Spark Thrift Server already running on this machine (WEALTH_TEST_SPARK_URL)."""

    url: str
    folder: Path


@pytest.fixture(scope="session")
def spark_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from tests import spark_server

    if os.environ.get("WEALTH_TEST_SPARK_URL"):
        # Reuse a running local server (it must read the lake's local folder): no start-up cost.
        yield _Running(os.environ["WEALTH_TEST_SPARK_URL"], tmp_path_factory.mktemp("spark"))
        return
    try:
        server = spark_server.start(tmp_path_factory.mktemp("spark"))
    except spark_server.SparkUnavailable as exc:
        if REQUIRED:
            pytest.fail(f"Spark is required (WEALTH_TEST_SPARK=1): {exc}")
        pytest.skip(f"no local Spark: {exc}")
    yield server
    spark_server.stop(server, keep_folder=True)


def _publish(duck: Engine, spark_url: str, database: str, lake: Path) -> Engine:
    """The DuckDB file's facts published to `lake` by the product's own publisher (data/lake.py),
    its views declared in Spark's `database`; the Spark engine reading them."""
    admin = create_engine(spark_url)
    with admin.connect() as spark:
        spark.execute(text(f"CREATE DATABASE IF NOT EXISTS `{database}`"))
    admin.dispose()
    catalog = create_engine(spark_url.rsplit("/", 1)[0] + f"/{database}")
    publish(duck, str(lake / database), catalog)
    return catalog


def _duckdb_with(tmp: Path, fill: Callable[[Connection], None]) -> Engine:
    engine = make_engine(f"duckdb:///{tmp / 'facts.duckdb'}")
    upgrade(engine)
    with engine.begin() as conn:
        fill(conn)
    return engine


@pytest.fixture(scope="session")
def golden_pair(spark_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """(DuckDB, Spark) engines holding the scorecard's golden data set."""
    tmp = tmp_path_factory.mktemp("golden")
    duck = _duckdb_with(tmp, insert_golden)
    spark = _publish(duck, spark_server.url, "golden", spark_server.folder / "lake")
    yield duck, spark
    spark.dispose()
    duck.dispose()


@pytest.fixture(scope="session")
def supervision_pair(spark_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """(DuckDB, Spark) engines holding the supervision and health data set."""
    tmp = tmp_path_factory.mktemp("supervision")
    duck = _duckdb_with(tmp, supervision_data.insert_data)
    spark = _publish(duck, spark_server.url, "supervision", spark_server.folder / "lake")
    yield duck, spark
    spark.dispose()
    duck.dispose()


@pytest.fixture(scope="session")
def lifecycle_pair(spark_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """(DuckDB, Spark) engines holding the life-cycle (compliance) data set."""
    tmp = tmp_path_factory.mktemp("lifecycle")
    duck = _duckdb_with(tmp, lifecycle_data.insert_data)
    spark = _publish(duck, spark_server.url, "lifecycle", spark_server.folder / "lake")
    yield duck, spark
    spark.dispose()
    duck.dispose()


def _same(a: Any, b: Any) -> bool:
    if is_null(a) or is_null(b):
        return is_null(a) and is_null(b)
    if isinstance(b, float):
        # Float sums may add in another order on another engine: equal to the last few bits.
        return isinstance(a, float) and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return type(a) is type(b) and a == b


def assert_same_frame(actual: pd.DataFrame, expected: pd.DataFrame, what: str) -> None:
    """Whole tables: the same columns, dtypes, row order and every cell (value and type)."""
    assert list(actual.columns) == list(expected.columns), what
    assert list(actual.dtypes.astype(str)) == list(expected.dtypes.astype(str)), what
    assert len(actual) == len(expected), f"{what}: {len(actual)} rows, expected {len(expected)}"
    diffs = [
        f"{what} row {i} {col}: Spark {actual.iat[i, j]!r}, DuckDB {expected.iat[i, j]!r}"
        for i in range(len(expected))
        for j, col in enumerate(expected.columns)
        if not _same(actual.iat[i, j], expected.iat[i, j])
    ]
    assert not diffs, "\n".join(diffs[:40])


def _compare(
    pair: Any, fn: Callable[..., pd.DataFrame], levels: tuple[str, ...], scope: Scope
) -> int:
    """`fn`'s whole table on Spark against DuckDB for every period and level; the rows compared."""
    duck, spark = pair
    compared = 0
    with duck.connect() as d, spark.connect() as s:
        settings = load_settings(d)  # the transactional store's, as results.fetch passes them
        for text_ in PERIODS:
            period = Period.parse(text_)
            for level in levels:
                expected = fn(d, period, level, scope, settings)
                actual = fn(s, period, level, scope, settings)
                assert_same_frame(actual, expected, f"{fn.__name__} {text_} {level}")
                compared += len(expected)
    return compared


# --- the dialect's literals, on the engine itself -------------------------------------------------


def test_bound_values_arrive_as_typed_spark_values(golden_pair: Any) -> None:
    _duck, spark = golden_pair
    values = {
        "dec": Decimal("1234567.89"),
        "day": dt.date(2025, 9, 30),
        "at": dt.datetime(2025, 9, 30, 23, 59, 59, 500000),
        "text": "O'Brien \\ 50% 理财",
        "n": 3_000_000_000,
        "f": 0.1,
        "yes": True,
        "none": None,
    }
    query = select(*(literal(v).label(k) for k, v in values.items() if v is not None))
    with spark.connect() as conn:
        row = conn.execute(query).one()._asdict()
        typed = conn.execute(
            text(
                "SELECT typeof(:dec) AS dec, typeof(:day) AS day, typeof(:at) AS at, "
                "typeof(:f) AS f, :none IS NULL AS none"
            ),
            values,
        ).one()
    assert row == {k: v for k, v in values.items() if v is not None}
    assert tuple(typed) == ("decimal(9,2)", "date", "timestamp_ntz", "double", True)


# --- whole tables ---------------------------------------------------------------------------------


def test_scorecard_whole_tables_match_duckdb(golden_pair: Any) -> None:
    assert _compare(golden_pair, scorecard, LEVELS, EVERYTHING) > 0


def test_supervision_whole_tables_match_duckdb(supervision_pair: Any) -> None:
    assert _compare(supervision_pair, supervision, LEVELS, EVERYTHING) > 0


def test_health_whole_tables_match_duckdb(supervision_pair: Any) -> None:
    assert _compare(supervision_pair, health, HEALTH_LEVELS, EVERYTHING) > 0


def test_compliance_whole_tables_match_duckdb(lifecycle_pair: Any) -> None:
    assert _compare(lifecycle_pair, compliance, LEVELS, EVERYTHING) > 0


# --- access scope ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scope", [HEAD, PLANNER], ids=["head", "planner"])
def test_a_scoped_account_sees_on_spark_what_it_sees_on_duckdb(
    golden_pair: Any, scope: Scope
) -> None:
    duck, spark = golden_pair
    period = Period.parse("2025-09")
    with duck.connect() as d, spark.connect() as s:
        settings = load_settings(d)
        for level in LEVELS:
            expected = scorecard(d, period, level, scope, settings)
            actual = scorecard(s, period, level, scope, settings)
            assert_same_frame(actual, expected, f"scorecard {level} {scope.rows_key()}")
            # Not only DuckDB's answer: only the scope's own entities are listed (everyone's
            # table from DuckDB: the whole-table test shows Spark's is the same).
            everything = set(scorecard(d, period, level, EVERYTHING, settings)["entity_id"])
            seen = set(actual["entity_id"])
            assert seen < everything
            if scope is PLANNER and level == "staff":
                assert seen == {"P1"}
            if scope is HEAD and level == "sub_branch":
                assert seen == {"SB1"}


# --- drill-through --------------------------------------------------------------------------------

# A sum, a ratio (its denominator's rows) and a count of another family, at every level.
DRILLED = ("aum_stock", "retention_rate", "contacts")


@pytest.mark.parametrize("metric_id", DRILLED)
def test_drill_rows_match_duckdb(golden_pair: Any, metric_id: str) -> None:
    duck, spark = golden_pair
    period = Period.parse("2025-09")
    with duck.connect() as d, spark.connect() as s:
        settings = load_settings(d)
        for level, entity_id in (("staff", "P1"), ("sub_branch", "SB1"), ("branch", "BR")):
            expected = drill(d, metric_id, level, entity_id, period, EVERYTHING, settings)
            actual = drill(s, metric_id, level, entity_id, period, EVERYTHING, settings)
            assert len(expected) > 0, f"{metric_id} {entity_id}: nothing to compare"
            assert_same_frame(actual, expected, f"drill {metric_id} {level} {entity_id}")


# No planner of the supervision data set is over the default load threshold: with a lower one
# (as tests/test_health_golden.py sets it), some are, and the drill has rows to compare.
SETTINGS_FOR = {"overloaded_planners": {"load.max_clients": Decimal("9")}}


# Each family's metrics with the data set its golden tests use.
DRILL_SETS = [
    ("golden_pair", ("appraisal",)),
    ("supervision_pair", ("supervision", "health")),
    ("lifecycle_pair", ("compliance",)),
]


def test_the_drill_sets_cover_every_kind_of_metric() -> None:
    assert sorted(k for _pair, kinds in DRILL_SETS for k in kinds) == sorted(KINDS)


@pytest.mark.parametrize(("pair_name", "kinds"), DRILL_SETS)
def test_every_metric_drills_the_same_rows_on_spark(
    request: pytest.FixtureRequest, pair_name: str, kinds: tuple[str, ...]
) -> None:
    """Every metric of the catalogue, drilled at the branch for the quarter (the widest rows its
    data set has), on Spark against DuckDB."""
    duck, spark = request.getfixturevalue(pair_name)
    period = Period.parse("2025Q3")
    metric_ids = [m for kind in kinds for m in kind_ids(kind)]
    with duck.connect() as d, spark.connect() as s:
        for metric_id in metric_ids:
            settings = {**load_settings(d), **SETTINGS_FOR.get(metric_id, {})}
            expected = drill(d, metric_id, "branch", "BR", period, EVERYTHING, settings)
            actual = drill(s, metric_id, "branch", "BR", period, EVERYTHING, settings)
            assert len(expected) > 0, f"drill {metric_id}: nothing to compare"
            assert_same_frame(actual, expected, f"drill {metric_id} branch BR {period}")


# --- the dialect's compilation, without a server (PyHive needed) ----------------------------------


def _dialect() -> Any:
    pytest.importorskip("pyhive", reason="requirements-spark.txt is not installed (./spark.sh)")
    from data.spark_dialect import SparkDialect

    return SparkDialect()


def test_spark_literals_are_typed() -> None:
    _dialect()
    from data.spark_dialect import spark_literal

    assert spark_literal(Decimal("1234567.89")) == "1234567.89BD"
    assert spark_literal(Decimal("1E+2")) == "100BD"  # not the DOUBLE 1E+2
    assert spark_literal(dt.date(2025, 9, 30)) == "DATE '2025-09-30'"
    assert spark_literal(dt.datetime(2025, 9, 30, 8, 5)) == "TIMESTAMP_NTZ '2025-09-30 08:05:00'"
    assert spark_literal(dt.timedelta(days=1, microseconds=5)) == "INTERVAL '86400.000005' SECOND"
    assert spark_literal("a\\b'c") == "'a\\\\b\\'c'"
    assert spark_literal(0.5) == "0.5D"
    assert spark_literal(True) == "TRUE"
    assert spark_literal(7) == "7"
    assert spark_literal(None) == "NULL"


def test_spark_compilation_and_duckdb_unchanged() -> None:
    from sqlalchemy import DateTime, Interval, Numeric, cast, column, func
    from sqlalchemy.dialects import postgresql

    from metrics.core.entities import org_closure

    spark = _dialect()
    duck = make_engine("duckdb:///:memory:").dialect
    closure = select(org_closure())
    # Spark takes only UNION ALL in a recursive CTE; the other backends keep their UNION.
    assert " UNION ALL " in str(closure.compile(dialect=spark))
    for other in (duck, postgresql.dialect()):
        sql = str(closure.compile(dialect=other))
        assert " UNION " in sql and "UNION ALL" not in sql
    # A CTE hint for DuckDB and PostgreSQL is dropped for Spark, which parses none.
    hinted = select(column("a")).cte("hinted").prefix_with("MATERIALIZED")
    hinted_sql = select(hinted.c.a)
    assert "AS MATERIALIZED" not in str(hinted_sql.compile(dialect=spark))
    assert "`hinted` AS" in str(hinted_sql.compile(dialect=spark))
    assert "AS MATERIALIZED" in str(hinted_sql.compile(dialect=duck))
    plain = select(column("a")).union(select(column("b")))
    assert "UNION ALL" not in str(plain.compile(dialect=spark))  # only the recursive one
    exprs = select(
        func.extract("epoch", column("x")).label("e"),
        cast(column("y"), Numeric(18, 2)).label("n"),
        cast(column("z"), DateTime).label("t"),
    )
    sql = str(exprs.compile(dialect=spark))
    assert "(unix_micros(CAST(`x` AS TIMESTAMP)) / 1e6) AS `e`" in sql
    assert "CAST(`y` AS DECIMAL(18,2)) AS `n`" in sql
    assert "CAST(`z` AS TIMESTAMP_NTZ) AS `t`" in sql
    assert "EXTRACT(epoch FROM x)" in str(exprs.compile(dialect=duck))
    # An interval parameter stays a timedelta (SQLAlchemy would bind 1970-01-02 otherwise).
    proc = Interval().dialect_impl(spark).bind_processor(spark)
    day = dt.timedelta(days=1)
    assert (proc(day) if proc else day) == day


# --- publishing to the lake: a publication killed in the middle ------------------------------------


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM `{table}`")).scalar_one())


def test_a_killed_publication_leaves_the_previous_version_readable(
    spark_server: Any, tmp_path: Path
) -> None:
    import signal
    import subprocess
    import sys

    from tests.test_import_process import wait_for

    duck = _duckdb_with(tmp_path, insert_golden)
    lake = spark_server.folder / "lake"
    spark = _publish(duck, spark_server.url, "crash", lake)
    with duck.connect() as d:
        settings = load_settings(d)
        before = scorecard(d, Period.parse("2025-09"), "staff", EVERYTHING, settings)
    contacts = _count(spark, "contacts")
    assert contacts > 0
    with duck.begin() as conn:
        conn.execute(text("DELETE FROM contacts"))  # the next version has none

    hold = tmp_path / "hold"
    os.mkfifo(hold)
    env = {
        **os.environ,
        "WEALTH_LAKE": str(lake / "crash"),
        "WEALTH_FACTS_URL": str(spark.url),
        "WEALTH_LAKE_HOLD": str(hold),
    }
    db = f"duckdb:///{tmp_path / 'facts.duckdb'}"
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-m", "data.lake", "--db", db], cwd=root, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    wait_for(Path(str(hold) + ".ready"), proc, timeout=300)
    # Every new file written and every new table declared: killed before the switch.
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert len(list((lake / "crash" / "contacts").glob("v*"))) == 2
    assert _count(spark, "contacts") == contacts  # still the previous version
    with spark.connect() as s:
        assert_same_frame(
            scorecard(s, Period.parse("2025-09"), "staff", EVERYTHING, settings),
            before,
            "after kill",
        )

    # The next publication switches to the store's current state and drops the half version.
    publish(duck, str(lake / "crash"), spark)
    assert _count(spark, "contacts") == 0
    assert len(list((lake / "crash" / "contacts").glob("v*"))) == 2  # previous + current
    spark.dispose()
    duck.dispose()
