"""A snapshot outside the reader's scope is refused, not exported as an empty pack that still
shows its taker, scope, scheme and time (issue 14, item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data.accounts import create_user
from data.db import upgrade
from data.engine import make_engine
from data.schema import AuditEvent
from metrics.appraisal.snapshots import SnapshotError, take_table
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.exports import formats
from tests import reliability
from tests.golden_data import insert_golden
from tests.test_metrics_cli import assert_refused, run

SEPTEMBER = Period.parse("2025-09")


def _exports(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "export")
            ).scalar()
            or 0
        )


def test_export_of_another_sub_branchs_snapshot_is_refused(engine: Engine) -> None:
    with engine.begin() as conn:
        insert_golden(conn)
        sb2 = take_table(conn, "scorecard", SEPTEMBER, "staff", Scope.org("SB2"), "h2")
    with engine.begin() as conn:
        # P1 (SB1) and SB1's head hold no row of it: refused, with the words of an unknown id.
        for reader in (Scope.staff("P1"), Scope.org("SB1")):
            with pytest.raises(SnapshotError) as refused:
                formats.export_snapshot(conn, sb2.snapshot_id, "csv", "p1", reader)
            assert str(refused.value) == f"no snapshot {sb2.snapshot_id} in your scope"
        # Its own scope and the director still get it, with the rows they may see.
        own = formats.export_snapshot(conn, sb2.snapshot_id, "csv", "h2", Scope.org("SB2"))
        everything = formats.export_snapshot(conn, sb2.snapshot_id, "csv", "d", Scope.everything())
    rows = own.decode("utf-8-sig").splitlines()
    assert [r.split(",")[0] for r in rows[1:]] == ["P3", "P4"]
    assert [r.split(",")[0] for r in everything.decode("utf-8-sig").splitlines()[1:]] == [
        "P3",
        "P4",
    ]
    assert _exports(engine) == 2  # the refused ones are not exports
    reliability.record_case(
        "8", "exporting another sub-branch's snapshot: refused", engine.dialect.name,
        tried=4, refused=2, test="test_snapshot_export_scope.py",
    )  # fmt: skip


def test_empty_snapshot_of_ones_own_scope_is_still_exported(engine: Engine) -> None:
    """SB3 has no staff: its head's own snapshot is empty but theirs to export."""
    with engine.begin() as conn:
        insert_golden(conn)
        sb3 = take_table(conn, "scorecard", SEPTEMBER, "staff", Scope.org("SB3"), "h3")
        pack = formats.export_snapshot(conn, sb3.snapshot_id, "csv", "h3", Scope.org("SB3"))
    assert len(pack.decode("utf-8-sig").splitlines()) == 1  # the header only


def test_command_line_refuses_with_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'golden.duckdb'}"
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        insert_golden(conn)
        create_user(conn, "p1", "planner", staff_id="P1", password=None, email="p1@example.cn")
        sb2 = take_table(conn, "scorecard", SEPTEMBER, "staff", Scope.org("SB2"), "h2")
    engine.dispose()
    out = tmp_path / "pack.xlsx"
    done = run(
        "export", "--snapshot", sb2.snapshot_id, "--format", "xlsx", "--out", str(out),
        "--db", url, "--as", "p1",
    )  # fmt: skip
    assert_refused(done, f"no snapshot {sb2.snapshot_id} in your scope")
    assert not out.exists()
    reliability.record_case(
        "8", "`metrics export` of a snapshot outside one's scope: exit 2, no file", "DuckDB",
        tried=1, refused=1, test="test_snapshot_export_scope.py",
    )  # fmt: skip
