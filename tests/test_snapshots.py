"""Snapshots: frozen against re-imports, tamper-evident, comparable with today's figures."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select, update

from data.importer import load_dir
from data.schema import AuditEvent, ImportBatch, Snapshot
from metrics.appraisal.schemes import publish, save_draft
from metrics.appraisal.scoring import appraise, shown
from metrics.appraisal.snapshots import (
    SnapshotTampered,
    compare,
    list_snapshots,
    read,
    take_appraisal,
    take_table,
)
from metrics.core.periods import Period
from metrics.core.scope import Scope
from tests.golden_data import insert_golden
from tests.test_appraisal import golden_scheme

EVERYTHING = Scope.everything()
Q3 = Period.parse("2025Q3")


@pytest.fixture
def taken(engine: Engine) -> tuple[Engine, str]:
    with engine.begin() as conn:
        insert_golden(conn)
        conn.execute(
            insert(ImportBatch).values(
                batch_id="b1", started_at=dt.datetime(2025, 10, 2, 8), finished_at=None,
                as_of=dt.date(2025, 9, 30), username="ops", source="crm", status="committed",
                files="[]", rows_read=1, rows_rejected=0,
            )
        )  # fmt: skip
        scheme = publish(conn, save_draft(conn, golden_scheme(), "d").scheme_id, 1, "d")
        record = take_appraisal(conn, scheme, Q3, Scope.everything(), "director")
    return engine, record.snapshot_id


def reimport_corrected_aum(engine: Engine) -> None:
    """A re-import of a corrected AUM extract through the real importer: C01's September AUM
    changes (C01 is in P1's book at 09-30); the importer records a new batch."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "aum_monthly.csv").write_text(
            "client_id,month,avg_daily_aum\nC01,2025-09,13000000.00\n", encoding="utf-8"
        )
        report = load_dir(
            engine, Path(folder), as_of=dt.date(2025, 9, 30), quarantine_root=Path(folder) / "q"
        )
    assert report.exit_code == 0 and report.files[0].updated == 1


def test_snapshot_is_unchanged_by_a_reimport(taken: tuple[Engine, str]) -> None:
    engine, snapshot_id = taken
    with engine.connect() as conn:
        before = read(conn, snapshot_id, EVERYTHING)
        live_before = appraise(conn, before.scheme, Q3, EVERYTHING).set_index("entity_id")  # type: ignore[arg-type]
    assert before.verified and before.scheme_version == 1
    assert [b["batch_id"] for b in before.batches] == ["b1"]
    assert before.settings["tier.black_gold"] == "3000000"
    reimport_corrected_aum(engine)
    with engine.connect() as conn:
        after = read(conn, snapshot_id, EVERYTHING)
        live = appraise(conn, after.scheme, Q3, EVERYTHING).set_index("entity_id")  # type: ignore[arg-type]
        changes = compare(conn, snapshot_id, EVERYTHING)
    assert after.sha256 == before.sha256 and after.content == before.content
    frozen = after.frame.set_index("entity_id")
    assert frozen.at["P1", "total"] == live_before.at["P1", "total"]
    assert shown(frozen.at["P1", "total"]) == Decimal("33.33")  # unrounded: 20 + 40/3
    # Live: P1's AUM increment rises by 10M to 999,999.99 -> 40 x 0.2 = 8 more points.
    assert shown(live.at["P1", "total"]) == Decimal("41.33")
    p1 = changes[changes["entity_id"] == "P1"].set_index("column")
    assert shown(Decimal(p1.at["total", "then"])) == Decimal("33.33")
    assert shown(Decimal(p1.at["total", "now"])) == Decimal("41.33")
    # 40 x 999,999.99 / 5,000,000, exactly (a display shows 8.00).
    assert Decimal(p1.at["score_aum_increment", "change"]) == 40 * Decimal("999999.99") / 5000000
    assert p1.at["actual_aum_increment", "change"] == "10000000.00"
    assert set(changes["entity_id"]) == {"P1"}


def test_a_tampered_row_is_detected(taken: tuple[Engine, str]) -> None:
    engine, snapshot_id = taken
    with engine.begin() as conn:
        content = json.loads(
            conn.execute(
                select(Snapshot.content).where(Snapshot.snapshot_id == snapshot_id)
            ).scalar_one()
        )
        content["rows"][0][1] = "99.00"  # someone raises the top total after the meeting
        conn.execute(
            update(Snapshot)
            .where(Snapshot.snapshot_id == snapshot_id)
            .values(content=json.dumps(content, ensure_ascii=False))
        )
    with engine.connect() as conn:
        with pytest.raises(SnapshotTampered, match="FAILED its checksum"):
            read(conn, snapshot_id, EVERYTHING)
        flagged = read(conn, snapshot_id, EVERYTHING, strict=False)
        assert not flagged.verified and flagged.content["rows"] == []
        listed = list_snapshots(conn, EVERYTHING).set_index("snapshot_id")
        assert not listed.at[snapshot_id, "verified"]


def test_metadata_is_covered_by_the_checksum(taken: tuple[Engine, str]) -> None:
    engine, snapshot_id = taken
    with engine.begin() as conn:
        conn.execute(
            update(Snapshot).where(Snapshot.snapshot_id == snapshot_id).values(scheme_version=2)
        )
    with engine.connect() as conn, pytest.raises(SnapshotTampered):
        read(conn, snapshot_id, EVERYTHING)


def test_scope_of_readers_and_table_snapshots(taken: tuple[Engine, str]) -> None:
    engine, snapshot_id = taken
    with engine.begin() as conn:
        table = take_table(
            conn, "scorecard", Period.parse("2025-09"), "staff", Scope.org("SB1"), "h1"
        )
        audited = conn.execute(select(AuditEvent.action)).scalars().all()
    assert audited.count("snapshot") == 2
    with engine.connect() as conn:
        mine = read(conn, snapshot_id, Scope.staff("P1")).frame
        assert list(mine["entity_id"]) == ["P1"] and mine.at[0, "rank"] == 3
        head = read(conn, table.snapshot_id, Scope.org("SB2"))
        assert head.content["rows"] == []
        sb2 = list_snapshots(conn, Scope.org("SB2"))
        assert list(sb2["snapshot_id"]) == [snapshot_id]  # the SB1 table holds nothing of SB2
        frozen = read(conn, table.snapshot_id, EVERYTHING).frame.set_index("entity_id")
        assert frozen.at["P1", "aum_stock"] == Decimal("5999999.99")
        assert compare(conn, table.snapshot_id, EVERYTHING).empty


def test_a_snapshot_keeps_the_per_person_targets_it_scored_with(engine: Engine) -> None:
    from dataclasses import replace

    base = golden_scheme()
    item = replace(base.items[0], targets=(("P3", Decimal(3600000)),))
    with engine.begin() as conn:
        insert_golden(conn)
        scheme = replace(base, items=(item, *base.items[1:]))
        record = take_appraisal(conn, scheme, Q3, EVERYTHING, "director")
        frozen = read(conn, record.snapshot_id, EVERYTHING)
    assert frozen.content["scheme"]["items"][0]["targets"] == {"P3": 3600000}
    frame = frozen.frame.set_index("entity_id")
    assert Decimal(str(frame.at["P3", "target_aum_increment"])) == 3600000
    assert Decimal(str(frame.at["P2", "target_aum_increment"])) == 5000000
