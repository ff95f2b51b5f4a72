"""Snapshots page: renders for director and head (a planner has no such page); a snapshot shows
its verified checksum, and a snapshot changed after it was taken is flagged loudly."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from data.engine import make_engine
from data.schema import Snapshot
from metrics.appraisal import schemes, snapshots
from metrics.core.periods import Period
from metrics.core.scope import Scope
from tests.ui_support import DIRECTOR, HEAD, errors, goto, signed_in


def take(url: str) -> str:
    """A published quarterly scheme for the tiny demo's planners and its 2026Q3 snapshot."""
    engine = make_engine(url)
    draft = schemes.Scheme(
        name="全行季度考核",
        org_id=None,
        role="planner",
        cycle="quarter",
        items=(schemes.Item("aum_increment", Decimal(100), Decimal(1000000)),),
    )
    with engine.begin() as conn:
        saved = schemes.save_draft(conn, draft, "director")
        assert saved.scheme_id is not None
        published = schemes.publish(conn, saved.scheme_id, 1, "director")
        record = snapshots.take_appraisal(
            conn, published, Period.parse("2026Q3"), Scope.everything(), "director"
        )
    engine.dispose()
    return record.snapshot_id


@pytest.mark.parametrize("user", [DIRECTOR, HEAD])
def test_renders_without_snapshots(app_db: str, user: str) -> None:
    at = goto(signed_in(user), "snapshots")
    assert not errors(at)
    assert at.info  # none yet: says where to take one


def test_checksum_shown_then_tampering_flagged(app_db: str) -> None:
    snapshot_id = take(app_db)
    at = goto(signed_in(), "snapshots")
    assert not errors(at)
    assert any("Checksum verified" in s.value and "SHA-256" in s.value for s in at.success)

    engine = make_engine(app_db)
    with engine.begin() as conn:
        content = json.loads(
            conn.execute(
                select(Snapshot.content).where(Snapshot.snapshot_id == snapshot_id)
            ).scalar_one()
        )
        content["rows"][0][1] = "99.00"  # a figure raised after the meeting
        conn.execute(
            update(Snapshot)
            .where(Snapshot.snapshot_id == snapshot_id)
            .values(content=json.dumps(content, ensure_ascii=False))
        )
    engine.dispose()
    at = goto(signed_in(lang="zh"), "snapshots")
    flagged = [e.value for e in at.error]
    # Named by its period and time (a person does not read UUIDs; its title is not trusted).
    assert any("校验失败" in text and "2026年第3季度" in text for text in flagged), flagged
    assert not any(snapshot_id in text for text in flagged), flagged
    assert not at.success  # the tampered figures are not shown as verified
