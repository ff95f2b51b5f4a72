"""The dashboard's lookups (`metrics.browse`) on DuckDB and PostgreSQL, on the tiny demo data."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import Engine

from data.demo import DEMO_AS_OF
from data.importer import load_dir
from data.settings import load_settings
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.measures import browse


def test_lookups(engine: Engine, tiny_csv: Path, tmp_path: Path) -> None:
    with engine.connect() as conn:
        assert browse.data_end(conn) is None and browse.complete_periods(conn, "month") == []
    shutil.copytree(tiny_csv, tmp_path / "csv")
    load_dir(engine, tmp_path / "csv", as_of=DEMO_AS_OF, quarantine_root=tmp_path / "q")
    everything, s01 = Scope.everything(), Scope.org("B01S01")
    with engine.connect() as conn:
        settings = load_settings(conn)
        assert str(browse.data_end(conn)) == "2026-10-31"
        assert [p.label() for p in browse.complete_periods(conn, "quarter")][:2] == [
            "2026Q3",
            "2026Q2",
        ]
        assert list(browse.org_units(conn, s01)["org_id"]) == ["B01S01"]
        assert set(browse.staff_list(conn, s01)["staff_id"]) == {"021898", "039249", "047441"}
        assert browse.narrow(conn, s01, "staff", "029504") is None  # another sub-branch
        assert browse.narrow(conn, everything, "staff", "029504") == Scope.staff("029504")
        trend = browse.aum_trend(conn, "branch", "B01", everything, DEMO_AS_OF, settings)
        assert len(trend) == 12 and trend["aum"].iloc[-1] > 0
        book = browse.client_book(conn, "029504", DEMO_AS_OF, everything, settings)
        assert len(book) == 4 and set(book["tier"]) <= {"black_gold", "platinum", "mass"}
        assert not browse.recent_activity(conn, "029504", everything, DEMO_AS_OF).empty
        calendar = browse.login_calendar(conn, Period.parse("2026-10"), "sub_branch", "B01S01", s01)
        assert len(calendar) == 3 * 31 and calendar["is_workday"].dtype == bool
        assert len(browse.import_history(conn)) == 1
        assert browse.data_version(conn).startswith("1:")
