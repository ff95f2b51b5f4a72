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
from data.schema import StoredResult
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
        on_state = scorecard(conn, Period.parse("2025-09"), "staff", Scope.everything())
        kept = conn.execute(select(func.count()).select_from(StoredResult)).scalar_one()
    assert on_state.empty  # the state file has no facts: anything shown came from the facts file
    assert len(shown) == len(expected) > 0
    assert shown.equals(expected)
    assert kept == 1  # the stored result lives with the state
    with facts.connect() as conn:
        assert conn.execute(select(func.count()).select_from(StoredResult)).scalar_one() == 0
