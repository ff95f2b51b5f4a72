"""Hostile inputs: SQL metacharacters, wildcards, markup and formulas stay inert data.

The reliability table (`docs/reliability.md`) is written here from a real run of
`tests/reliability.py` on DuckDB and PostgreSQL, and every crash / loss / leak count must be 0.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data import accounts, audit
from data.db import upgrade
from data.engine import make_engine
from metrics.core.masking import mask_frame, mask_name
from tests import reliability
from tests.conftest import clear_tables, reset_settings
from tests.golden_data import insert_golden

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "reliability.md"
METACHARACTERS = ("' OR 1=1 --", "O'Donnell", "%", "_")


def test_metacharacters_round_trip_in_accounts_and_audit(engine: Engine) -> None:
    with engine.begin() as conn:
        insert_golden(conn)
        for i, text in enumerate(METACHARACTERS):
            accounts.create_user(
                conn, text, "head", org_id="SB1", password="long enough 123", display_name=text
            )
            audit.record(conn, text, audit.SCHEME_EDIT, text, {"name": text, "i": i})
    with engine.connect() as conn:
        for text in METACHARACTERS:
            account = accounts.find_account(conn, text)
            assert account is not None and account.username == account.display_name == text
            events = audit.search(conn, username=text)
            assert list(events["target"]) == [text]  # `%` and `_` match only themselves
            assert text in events["detail"].iloc[0]
        assert sorted(accounts.list_accounts(conn)["username"]) == sorted(METACHARACTERS)
        window = audit.search(conn, since=dt.date.today(), until=dt.date.today())
        assert len(window) == len(METACHARACTERS) * 2  # user_add + scheme_edit each


def test_markup_in_a_client_name_stays_text_when_masked() -> None:
    import pandas as pd

    payload = "<img src=x onerror=alert(1)>"
    masked = mask_frame(pd.DataFrame({"client_name": [payload], "phone": ["13812341234"]}))
    assert masked.loc[0, "client_name"] == mask_name(payload) == "<" + "*" * (len(payload) - 1)
    assert masked.loc[0, "phone"] == "138****1234"


def test_markup_renders_as_text_in_a_dataframe() -> None:
    """What the pages do with client names: st.dataframe holds the text, no HTML is rendered."""
    from streamlit.testing.v1 import AppTest

    def page() -> None:
        import pandas as pd
        import streamlit as st

        st.dataframe(pd.DataFrame({"client_name": ["<img src=x onerror=alert(1)>"]}))

    at = AppTest.from_function(page).run()
    assert not at.exception
    assert at.dataframe[0].value.iloc[0, 0] == "<img src=x onerror=alert(1)>"
    assert not at.markdown and not at.get("html")


def test_reliability_table(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    results: dict[str, list[reliability.Line]] = {}
    duck = make_engine(f"duckdb:///{tmp_path / 'reliability.duckdb'}")
    upgrade(duck)
    engines = {"DuckDB": duck}
    if "postgresql" in os.environ.get("WEALTH_TEST_BACKENDS", "duckdb,postgresql"):
        pg = make_engine(request.getfixturevalue("pg_database"))
        clear_tables(pg)
        reset_settings(pg)
        engines["PostgreSQL"] = pg
    for name, engine in engines.items():
        with engine.begin() as conn:
            insert_golden(conn)
        results[name] = reliability.run(engine)
        engine.dispose()
    table = reliability.markdown(results)
    print(table)
    for lines in results.values():
        for line in lines:
            assert line.tried == len(reliability.HOSTILE), line
            assert (line.crashes, line.lost, line.leaks) == (0, 0, 0), line.notes
    reliability.write_section(REPORT, "inputs", reliability.document(results))
