"""The audit log's hash chain: each row carries a hash of its content and of the previous row's
hash, so a row changed, deleted or reordered with plain SQL breaks the chain at that row.

Rows are chained ("sealed") just after the transaction that wrote them commits, not inside it:
an audited transaction may run long (an import), and on DuckDB a transaction that started before
another one's audit row committed cannot see that row, so a chain computed inside it would fork
(or fail on a write conflict). Sealing runs in its own short transaction, one at a time: a
process-wide lock (DuckDB lets one process write the file) and, on PostgreSQL, a transaction-level
advisory lock (any number of dashboard processes). `audit.record` marks the connection; when it is
returned to the pool the pending rows are sealed (`install`); `verify` seals first too, so a row
left pending by a crash is chained at the next check.

What the chain proves: a sealed row was not changed, deleted or moved since it was sealed. It
holds no secret, so someone who can write the table could recompute the whole chain; keep
`REVOKE UPDATE, DELETE ON audit_log` on PostgreSQL and a copy of `audit verify`'s last hash
elsewhere (a nightly job's log) to notice that too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, event, insert, inspect, select, text, update

from data.schema import AuditEvent, AuditHead

CHAIN = "audit_log"
GENESIS = "0" * 64
# pg_advisory_xact_lock key: any constant shared by every process that seals (b"audit" as int).
_PG_LOCK_KEY = 0x6175646974
_SEAL_LOCK = threading.Lock()
_PENDING_KEY = "wealth_audit_pending"
_INSTALLED: weakref.WeakSet[Engine] = weakref.WeakSet()

log = logging.getLogger("wealth.audit")


def _text_of(at: Any) -> str:
    if isinstance(at, dt.datetime):
        return at.isoformat(sep=" ", timespec="microseconds")
    return str(at)


def row_hash(prev_hash: str, seq: int, row: dict[str, Any]) -> str:
    """sha256 of the previous hash and this row's position and every column."""
    payload = json.dumps(
        [
            seq,
            row["event_id"],
            _text_of(row["at"]),
            row["username"],
            row["action"],
            row["target"],
            row["detail"],
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}\n{payload}".encode()).hexdigest()


_ROW = (
    AuditEvent.event_id,
    AuditEvent.at,
    AuditEvent.username,
    AuditEvent.action,
    AuditEvent.target,
    AuditEvent.detail,
)


def _head(conn: Connection) -> tuple[int, str] | None:
    row = conn.execute(
        select(AuditHead.seq, AuditHead.row_hash).where(AuditHead.chain == CHAIN)
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


def seal_pending(conn: Connection) -> int:
    """Chain every row not chained yet, in time order, in `conn`'s transaction; how many.
    The caller serializes (see `seal`)."""
    pending = conn.execute(
        select(*_ROW).where(AuditEvent.seq.is_(None)).order_by(AuditEvent.at, AuditEvent.event_id)
    ).all()
    if not pending:
        return 0
    head = _head(conn)
    seq, prev = head if head is not None else (0, GENESIS)
    for r in pending:
        seq += 1
        digest = row_hash(prev, seq, dict(r._mapping))
        conn.execute(
            update(AuditEvent)
            .where(AuditEvent.event_id == r.event_id)
            .values(seq=seq, prev_hash=prev, row_hash=digest)
        )
        prev = digest
    if head is None:
        conn.execute(insert(AuditHead).values(chain=CHAIN, seq=seq, row_hash=prev))
    else:
        conn.execute(
            update(AuditHead).where(AuditHead.chain == CHAIN).values(seq=seq, row_hash=prev)
        )
    return len(pending)


def _seal_now(engine: Engine) -> int:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        return seal_pending(conn)


def seal(engine: Engine) -> int:
    """Chain the pending rows in a transaction of their own, one sealer at a time."""
    with _SEAL_LOCK:
        return _seal_now(engine)


class _Requests:
    """Seal requests from returned connections. Whoever finds the sealer busy leaves a note and
    goes on (it still holds its connection: waiting here could starve the pool the sealer
    needs); the running sealer goes round again until no note is left."""

    def __init__(self) -> None:
        self.dirty = False

    def request(self, engine: Engine) -> None:
        self.dirty = True
        while self.dirty:
            if not _SEAL_LOCK.acquire(blocking=False):
                return  # the sealer holding the lock sees the note
            try:
                while self.dirty:
                    self.dirty = False
                    _seal_now(engine)
            finally:
                _SEAL_LOCK.release()


def _on_checkin(engine: Engine) -> Any:
    ref = weakref.ref(engine)
    requests = _Requests()

    def checkin(_dbapi_conn: Any, record: Any) -> None:
        if record is None or not record.info.pop(_PENDING_KEY, False):
            return
        target = ref()
        if target is None:
            return
        try:
            requests.request(target)
        except Exception:  # noqa: BLE001 - the next seal (or `audit verify`) catches up
            log.warning("could not seal the audit log now; it is sealed later", exc_info=True)

    return checkin


def mark_pending(conn: Connection) -> None:
    """Seal this connection's audit rows once it is returned (after its commit or rollback)."""
    engine = conn.engine
    if engine not in _INSTALLED:
        if not inspect(conn).has_table(AuditHead.__tablename__):
            # A database before migration 0008 (an upgrade test, a tool on an old file): that
            # migration chains every row written until then, so there is nothing to seal yet.
            return
        _INSTALLED.add(engine)
        event.listen(engine, "checkin", _on_checkin(engine))
    conn.info[_PENDING_KEY] = True


@dataclass(frozen=True)
class Verdict:
    ok: bool
    rows: int
    message: str
    seq: int | None = None
    event_id: str | None = None


def verify(conn: Connection) -> Verdict:
    """Walk the chain from the first row: the first row whose position, link or content does not
    match, or the head not matching the last row (the newest rows deleted)."""
    rows = conn.execute(
        select(*_ROW, AuditEvent.seq, AuditEvent.prev_hash, AuditEvent.row_hash)
        .where(AuditEvent.seq.is_not(None))
        .order_by(AuditEvent.seq, AuditEvent.event_id)
    ).all()
    prev = GENESIS
    expected = 1
    for r in rows:
        m = dict(r._mapping)
        where = f"row {m['seq']} (event {m['event_id']}, {_text_of(m['at'])}, {m['action']})"
        if m["seq"] != expected:
            what = "deleted" if m["seq"] > expected else "duplicated or moved"
            return Verdict(
                False,
                len(rows),
                f"{where}: position {m['seq']} where {expected} was expected (a row {what})",
                m["seq"],
                m["event_id"],
            )
        if m["prev_hash"] != prev:
            return Verdict(
                False,
                len(rows),
                f"{where}: does not link to row {expected - 1} (a row before it changed or moved)",
                m["seq"],
                m["event_id"],
            )
        if row_hash(prev, expected, m) != m["row_hash"]:
            return Verdict(
                False,
                len(rows),
                f"{where}: its content was changed after it was written",
                m["seq"],
                m["event_id"],
            )
        prev = m["row_hash"]
        expected += 1
    head = _head(conn)
    last = expected - 1
    if (head is None and last) or (head is not None and head != (last, prev)):
        head_seq = head[0] if head is not None else 0
        why = "the newest rows were deleted" if head_seq > last else "the head was changed"
        return Verdict(
            False,
            len(rows),
            f"row {last + 1}: missing (the chain ends at row {last}, its head says row "
            f"{head_seq}: {why})",
            last + 1,
            None,
        )
    return Verdict(True, len(rows), f"intact: {len(rows)} row(s), last hash {prev}")


def seal_and_verify(engine: Engine) -> Verdict:
    seal(engine)
    with engine.connect() as conn:
        return verify(conn)
