"""The life-cycle golden data set (tests/lifecycle_data.py) as a dashboard database: a DuckDB file
with the hand-written register of lifecycle.md and a director, a head of SB1 (East) and the
planner P1, for the Compliance page's tests. Its figures are the golden ones, worked out on paper
in tests/test_lifecycle_reference.py, so a page's count can be held against them."""

from __future__ import annotations

from pathlib import Path

from tests.ui_support import DIRECTOR, HEAD, PASSWORD, PLANNER

PERIOD = "2025-09"  # e = 2025-09-30, the golden data set's main month


def build_lifecycle_db(folder: Path) -> Path:
    from data import accounts
    from data.db import upgrade
    from data.engine import make_engine
    from tests import lifecycle_data

    path = folder / "lifecycle.duckdb"
    engine = make_engine(f"duckdb:///{path}")
    upgrade(engine)
    with engine.begin() as conn:
        lifecycle_data.insert_data(conn)
        accounts.create_user(
            conn, DIRECTOR, "director", password=PASSWORD, display_name="D1", may_unmask=False
        )
        accounts.create_user(conn, HEAD, "head", org_id="SB1", password=PASSWORD)
        accounts.create_user(conn, PLANNER, "planner", staff_id="P1", password=PASSWORD)
    engine.dispose()
    return path
