"""Two stores (issue 16): the KPI queries read WEALTH_FACTS_URL, the transactional state stays on
WEALTH_DB_URL. Shown here with two DuckDB files, so it runs everywhere (the Spark case is in
tests/test_spark.py): the state file holds no facts at all, the facts file holds the golden data,
and the figures a person sees are the facts file's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data.db import upgrade
from data.engine import FACTS_ENV_VAR, facts_connection, facts_engine, make_engine
from data.schema import AumMonthly, StoredResult
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.measures.tables import scorecard
from metrics.store import results
from tests.golden_data import insert_golden


@pytest.fixture
def stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Engine, Engine]]:
    state = make_engine(f"duckdb:///{tmp_path / 'state.duckdb'}")
    upgrade(state)
    facts_url = f"duckdb:///{tmp_path / 'facts.duckdb'}"
    facts = make_engine(facts_url)
    upgrade(facts)
    with facts.begin() as conn:
        insert_golden(conn)
    monkeypatch.setenv(FACTS_ENV_VAR, facts_url)
    yield state, facts
    facts_engine(state).dispose()
    facts.dispose()
    state.dispose()


def test_unset_facts_url_means_the_same_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(FACTS_ENV_VAR, raising=False)
    state = make_engine(f"duckdb:///{tmp_path / 'one.duckdb'}")
    assert facts_engine(state) is state
    with state.connect() as conn, facts_connection(state, conn) as facts:
        assert facts is conn  # the same transaction as the data version and the settings


def test_figures_come_from_the_facts_store_and_are_stored_in_the_state_store(stores):
    state, facts = stores
    request = results.Request("scorecard", "2025-09", "staff", Scope.everything())
    shown = results.fetch(state, request)
    with facts.connect() as conn:
        expected = scorecard(conn, Period.parse("2025-09"), "staff", Scope.everything())
    with state.connect() as conn:
        # Read past the metrics layer's gateway (which would send it to the facts file).
        on_state = conn.execute(select(func.count()).select_from(AumMonthly)).scalar_one()
        kept = conn.execute(select(func.count()).select_from(StoredResult)).scalar_one()
    assert on_state == 0  # the state file has no facts: anything shown came from the facts file
    assert len(shown) == len(expected) > 0
    assert shown.equals(expected)
    assert kept == 1  # the stored result lives with the state
    with facts.connect() as conn:
        assert conn.execute(select(func.count()).select_from(StoredResult)).scalar_one() == 0


# --- publishing to the lake after an import (files only: the Spark catalog is tests/test_spark.py)


def _versions(lake: Path, table: str) -> list[str]:
    return sorted(p.name for p in (lake / table).glob("v*"))


def _lake_rows(lake: Path, table: str, version: str) -> int:
    import duckdb

    files = str(lake / table / version / "**" / "*.parquet")
    found = duckdb.sql(f"SELECT count(*) FROM read_parquet('{files}')").fetchone()
    assert found is not None
    return int(found[0])


def test_an_import_publishes_each_table_once_per_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from data.lake import published_tables
    from tests.test_importer import BASE, load, write

    lake = tmp_path / "lake"
    monkeypatch.setenv("WEALTH_LAKE", str(lake))
    monkeypatch.delenv(FACTS_ENV_VAR, raising=False)
    engine = make_engine(f"duckdb:///{tmp_path / 'store.duckdb'}")
    upgrade(engine)
    aum = "client_id,month,avg_daily_aum\n0000001,2026-08,100.50\n0000001,2026-09,200.25\n"
    first = load(engine, write(tmp_path / "in1", {**BASE, "aum_monthly.csv": aum}))
    assert first.committed and not first.warnings
    names = [t.name for t, _m in published_tables()]
    assert all(len(_versions(lake, n)) == 1 for n in names)
    v1 = _versions(lake, "clients")[0]
    # Event tables in one folder a month; master tables whole.
    months = sorted(p.name for p in (lake / "aum_monthly" / v1).iterdir())
    assert months == ["part_month=m2026-08", "part_month=m2026-09"]
    assert _lake_rows(lake, "clients", v1) == 2
    assert _lake_rows(lake, "aum_monthly", v1) == 2

    # The same files again: nothing changed, nothing published.
    again = load(engine, write(tmp_path / "in2", {**BASE, "aum_monthly.csv": aum}))
    assert again.committed and not again.changed
    assert _versions(lake, "clients") == [v1]

    # An update by the contract's key (client 0000001, 2026-09) and a new month: a new version
    # beside the old one, holding the store's rows after the upsert.
    more = aum + "0000001,2026-10,300.00\n0000002,2026-10,1.00\n"
    more = more.replace("0000001,2026-09,200.25", "0000001,2026-09,999.99")
    load(engine, write(tmp_path / "in3", {**BASE, "aum_monthly.csv": more}))
    v1_again, v2 = _versions(lake, "aum_monthly")
    assert v1_again == v1
    assert _lake_rows(lake, "aum_monthly", v1) == 2  # the previous version is untouched
    assert _lake_rows(lake, "aum_monthly", v2) == 4  # upserted: 2026-09 once, not twice
    import duckdb

    files = str(lake / "aum_monthly" / v2 / "**" / "*.parquet")
    sept = duckdb.sql(
        f"SELECT avg_daily_aum FROM read_parquet('{files}', hive_partitioning = true) "
        "WHERE client_id = '0000001' AND part_month = 'm2026-09'"
    ).fetchall()
    assert [float(r[0]) for r in sept] == [999.99]

    # A third change: the oldest version goes, the newest two stay.
    load(engine, write(tmp_path / "in4", {**BASE, "aum_monthly.csv": more + "0000002,2026-09,2\n"}))
    assert _versions(lake, "aum_monthly")[0] == v2 and len(_versions(lake, "aum_monthly")) == 2
    engine.dispose()


def test_a_failed_publication_is_one_line_and_the_batch_stays_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from data.schema import Client
    from tests.test_importer import BASE, load, write

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the lake should be")
    monkeypatch.setenv("WEALTH_LAKE", str(blocked))
    monkeypatch.delenv(FACTS_ENV_VAR, raising=False)
    engine = make_engine(f"duckdb:///{tmp_path / 'store.duckdb'}")
    upgrade(engine)
    report = load(engine, write(tmp_path / "in", BASE))
    assert report.committed
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Client)).scalar_one() == 2
    (warning,) = report.warnings
    assert warning.startswith("the batch is committed but publishing to the lake failed (")
    assert "python -m data.lake" in warning
    assert "\n" not in warning and "Traceback" not in warning
    engine.dispose()
