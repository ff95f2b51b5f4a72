"""Hostile files end quickly with a one-line reason and bounded memory, on both databases.

Each case of `tests/reliability_files.py` runs `python -m data load` in its own process (its peak
memory and CPU measured by the parent); the table goes to `docs/reliability.md`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from data.engine import make_engine
from tests import reliability, reliability_files
from tests.conftest import clear_tables, reset_settings
from tests.test_importer import BASE, content_hash, load, write

REPORT = Path(__file__).resolve().parent.parent / "docs" / "reliability.md"


def test_hostile_files(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    urls = {"DuckDB": f"duckdb:///{tmp_path / 'files.duckdb'}"}
    if "postgresql" in os.environ.get("WEALTH_TEST_BACKENDS", "duckdb,postgresql"):
        urls["PostgreSQL"] = request.getfixturevalue("pg_database")
    outcomes = []
    for database, url in urls.items():
        engine = make_engine(url)
        if database == "DuckDB":
            from data.db import upgrade

            upgrade(engine)
        else:
            clear_tables(engine)
            reset_settings(engine)
        base = {
            **BASE,
            "org_units.csv": BASE["org_units.csv"] + "B01S02,西湖支行,sub_branch,B01\n",
            # A row referencing planner 000123, whom a case then updates.
            "assignments.csv": "client_id,staff_id,role,start_on\n0000001,000123,primary,2020-01-01\n",
        }
        assert load(engine, write(tmp_path / f"base-{database}", base)).exit_code == 0
        engine.dispose()

        def snapshot(url: str = url) -> str:
            eng = make_engine(url)
            try:
                return content_hash(eng)
            finally:
                eng.dispose()  # DuckDB: the child process needs the file

        for i, case in enumerate(reliability_files.CASES):
            work = tmp_path / f"{database}-{i}"
            outcomes.append(reliability_files.run_case(case, url, work, database, snapshot))
    table = reliability_files.markdown(outcomes)
    print(table)
    failures = {f"{o.case} ({o.database})": o.problems for o in outcomes if o.problems}
    assert not failures, failures
    reliability.write_section(REPORT, "files", reliability_files.document(outcomes))
