"""The audit log's hash chain: every row chained to the one before; a row changed, deleted or
reordered with plain SQL is named by `python -m data audit verify` (exit 1) and the Audit page;
appends stay one chain under concurrent writers, on DuckDB and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from data import audit, audit_chain
from data.schema import AuditEvent
from tests import reliability
from tests.ui_support import ROOT, copy_db, errors, goto, signed_in


def _events(engine: Engine, n: int) -> list[str]:
    ids = []
    for i in range(n):
        with engine.begin() as conn:
            ids.append(audit.record(conn, f"user{i}", audit.EXPORT, f"target {i}", {"i": i}))
    return ids


def _chain(engine: Engine) -> list[tuple[int | None, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditEvent.seq, AuditEvent.event_id).order_by(AuditEvent.seq)
        ).all()
    return [(r[0], r[1]) for r in rows]


def _cli(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "data", "audit", "verify", "--db", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_each_row_is_chained_as_its_transaction_commits(engine: Engine) -> None:
    ids = _events(engine, 5)
    # Sealed when each connection went back: positions 1..5 in the order written, no pending.
    assert _chain(engine) == [(i + 1, event_id) for i, event_id in enumerate(ids)]
    with engine.connect() as conn:
        links = conn.execute(
            select(AuditEvent.prev_hash, AuditEvent.row_hash).order_by(AuditEvent.seq)
        ).all()
    assert links[0][0] == audit_chain.GENESIS
    assert [p for p, _ in links[1:]] == [h for _, h in links[:-1]]
    verdict = audit_chain.seal_and_verify(engine)
    assert verdict.ok and verdict.rows == 5


TAMPERING = {
    "changed": (
        "UPDATE audit_log SET target = 'someone else' WHERE seq = 3",
        "row 3 ",
        "content was changed",
    ),
    "deleted": ("DELETE FROM audit_log WHERE seq = 3", "row 4 ", "a row deleted"),
    "reordered": (
        "UPDATE audit_log SET seq = CASE seq WHEN 2 THEN 3 ELSE 2 END WHERE seq IN (2, 3)",
        "row 2 ",
        "does not link",
    ),
    "newest deleted": ("DELETE FROM audit_log WHERE seq = 5", "row 5: missing", "newest rows"),
    "time moved": (
        'UPDATE audit_log SET "at" = "at" - INTERVAL \'1 day\' WHERE seq = 4',
        "row 4 ",
        "content was changed",
    ),
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_plain_sql_tampering_is_named_by_the_command(engine: Engine, db_url: str, how: str) -> None:
    ids = _events(engine, 5)
    intact = _cli(db_url)
    assert (intact.returncode, intact.stderr) == (0, "")
    assert intact.stdout.startswith("audit log intact: 5 row(s)")

    statement, where, why = TAMPERING[how]
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()  # DuckDB: the command is another process and needs the file
    done = _cli(db_url)
    assert done.returncode == 1, done
    line = done.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith(f"audit log BROKEN at {where}"), line
    assert why in line, line
    if how in ("changed", "reordered"):
        broken = {"changed": ids[2], "reordered": ids[2]}[how]
        assert broken in line  # the event moved to position 2 is the third one written
    reliability.record_case(
        "11", f"audit row {how} with plain SQL: `audit verify` exits 1 naming it",
        engine.dialect.name, tried=1, refused=1, test="test_audit_chain.py",
    )  # fmt: skip


def test_concurrent_writers_make_one_chain(engine: Engine) -> None:
    """Twenty sign-ins committing at once, and one long transaction (an import, say) that began
    before all of them and commits after: one chain, positions 1..21, no fork."""
    long = engine.connect()
    long.begin()
    long_id = audit.record(long, "importer", audit.IMPORT, "batch")
    start = threading.Barrier(20)

    def one(i: int) -> str:
        start.wait(timeout=60)
        with engine.begin() as conn:
            return audit.record(conn, f"u{i}", audit.SIGNIN, f"u{i}")

    with ThreadPoolExecutor(max_workers=20) as pool:
        ids = list(pool.map(one, range(20)))
    long.commit()
    long.close()
    chain = _chain(engine)
    assert [seq for seq, _ in chain] == list(range(1, 22))
    assert {event_id for _, event_id in chain} == {*ids, long_id}
    verdict = audit_chain.seal_and_verify(engine)
    assert verdict.ok and verdict.rows == 21, verdict.message
    reliability.record_case(
        "11", "20 concurrent audit writers and one long transaction: one chain",
        engine.dialect.name, tried=21, test="test_audit_chain.py",
    )  # fmt: skip


@pytest.fixture
def app_url(
    tiny_db_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    import streamlit as st

    folder = tmp_path_factory.mktemp("audit_chain_page")
    url = copy_db(tiny_db_template, folder)
    monkeypatch.setenv("WEALTH_DB_URL", url)
    st.cache_resource.clear()
    yield url
    # Forgotten afterwards too: the cached engine is on this database, whose chain the test broke.
    st.cache_resource.clear()
    st.cache_data.clear()


def test_the_audit_page_flags_a_changed_row(app_url: str) -> None:
    from data.engine import make_engine

    at = goto(signed_in(), "audit")
    assert not errors(at)
    assert any("Hash chain intact" in c.value for c in at.caption)
    engine = make_engine(app_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET username = 'nobody' WHERE seq = 1"))
    engine.dispose()
    at.run()
    shown = [e.value for e in at.error]
    assert len(shown) == 1, shown
    assert shown[0].startswith("The audit log was altered outside the application: row 1 ")
    assert "content was changed" in shown[0]
    assert not any("Hash chain intact" in c.value for c in at.caption)


def test_rows_written_before_the_chain_are_chained_by_the_migration(tmp_path: Path) -> None:
    """A database from before 0008: its audit rows get positions in time order on upgrade."""
    from alembic import command

    from data.db import alembic_config, upgrade
    from data.engine import make_engine

    engine = make_engine(f"duckdb:///{tmp_path / 'old.duckdb'}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
    with engine.begin() as conn:
        for i, at in enumerate(("2026-01-03 10:00:00", "2026-01-01 10:00:00")):
            conn.execute(
                text(
                    'INSERT INTO audit_log (event_id, "at", username, action) '
                    f"VALUES ('e{i}', TIMESTAMP '{at}', 'old', 'signin')"
                )
            )
    upgrade(engine)
    assert _chain(engine) == [(1, "e1"), (2, "e0")]
    assert audit_chain.seal_and_verify(engine).ok
    engine.dispose()
