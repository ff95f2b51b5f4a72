"""Snapshots (会议快照): frozen results for a meeting (kpis.md, "Snapshots").

A snapshot stores the rows of an appraisal (one scheme version) or of a KPI table (scorecard,
supervision, health) for one period and scope, with the scheme itself, the settings, the import
batches present when it was taken, who took it and when. Its SHA-256 covers a canonical JSON of
*all* of that (not only the rows), so a changed period, scheme version or author is caught as
surely as a changed figure. Nothing in the product updates a snapshot row; `read` recomputes the
checksum every time and refuses (or flags, for the list) a row that no longer matches.

Canonical JSON: keys sorted, no whitespace, UTF-8 as is (`ensure_ascii=False`); money and points
as decimal strings (exact); ratios as floats (JSON numbers, `null` for NaN); dates as ISO text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import pandas as pd
from sqlalchemy import Connection, Table, insert, select

from data.schema import ImportBatch
from data.schema import Snapshot as SnapshotRow
from data.settings import load_settings
from metrics.appraisal.schemes import Scheme, from_dict
from metrics.appraisal.scoring import appraise, visible_staff
from metrics.core import completeness, sql
from metrics.core.catalogue import BY_ID, Kind, ids_of
from metrics.core.entities import Level, entities
from metrics.core.periods import Period
from metrics.core.scope import Scope, scoped

TABLE_KINDS = ("scorecard", "supervision", "health")
KINDS = ("appraisal", *TABLE_KINDS)
snapshots_table = cast(Table, SnapshotRow.__table__)
batches_table = cast(Table, ImportBatch.__table__)


class SnapshotError(LookupError):
    """An unknown snapshot, or one outside the reader's scope."""


class SnapshotTampered(RuntimeError):
    """The stored checksum does not match the stored content: the row was changed after it was
    taken. Never show such figures as if they were the meeting's."""


@dataclass(frozen=True)
class SnapshotRecord:
    snapshot_id: str
    kind: str
    scheme_id: str | None
    scheme_version: int | None
    period: str
    level: str
    scope: str
    settings: dict[str, str]
    batches: list[dict[str, Any]]
    content: dict[str, Any]
    sha256: str
    created_by: str | None
    created_at: dt.datetime
    verified: bool = True

    @property
    def frame(self) -> pd.DataFrame:
        return content_frame(self.content)

    @property
    def scheme(self) -> Scheme | None:
        data = self.content.get("scheme")
        return None if not data else from_dict(data, validate_now=False)

    @property
    def title(self) -> str:
        if self.kind == "appraisal":
            return str(self.content.get("scheme_label") or "appraisal")
        return f"{self.kind} ({self.level})"


# --- canonical JSON --------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _cell(value.item())
    return value


def _type_of(series: pd.Series) -> str:
    for value in series:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if isinstance(value, Decimal):
            return "decimal"
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int) or (hasattr(value, "dtype") and "int" in str(value.dtype)):
            return "int"
        if isinstance(value, float):
            return "float"
        return "str"
    return "float" if series.dtype.kind == "f" else "str"


def frame_content(frame: pd.DataFrame) -> dict[str, Any]:
    """A frame as JSON-ready content: columns, per-column types and rows (lists)."""
    columns = [str(c) for c in frame.columns]
    return {
        "columns": columns,
        "types": {c: _type_of(frame[c]) for c in columns},
        "rows": [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)],
    }


def content_frame(content: dict[str, Any]) -> pd.DataFrame:
    """The inverse of `frame_content`: exact decimals come back as Decimal."""
    columns = content["columns"]
    frame = pd.DataFrame(content["rows"], columns=columns, dtype=object)
    for column in columns:
        kind = content.get("types", {}).get(column)
        if kind == "decimal":
            frame[column] = pd.Series(
                [None if v is None else Decimal(v) for v in frame[column]],
                index=frame.index,
                dtype=object,
            )
        elif kind == "float":
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        elif kind == "int" and frame[column].notna().all():
            frame[column] = frame[column].astype("int64")
    return frame


def canonical_json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def checksum(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def _hashed_fields(row: dict[str, Any]) -> dict[str, Any]:
    """Everything the checksum covers, parsed back from the stored text columns, so that a
    change of formatting in the database (whitespace in JSON text) is not taken for tampering but
    any change of meaning is."""
    created_at = row["created_at"]
    return {
        "snapshot_id": row["snapshot_id"],
        "kind": row["kind"],
        "scheme_id": row["scheme_id"],
        "scheme_version": row["scheme_version"],
        "period": row["period"],
        "level": row["level"],
        "scope": row["scope"],
        "settings": json.loads(row["settings"])
        if isinstance(row["settings"], str)
        else row["settings"],
        "batches": json.loads(row["batches"])
        if isinstance(row["batches"], str)
        else row["batches"],
        "content": json.loads(row["content"])
        if isinstance(row["content"], str)
        else row["content"],
        "created_by": row["created_by"],
        "created_at": created_at.isoformat() if isinstance(created_at, dt.datetime) else created_at,
    }


# --- taking ------------------------------------------------------------------------------------


def import_batches(conn: Connection) -> list[dict[str, Any]]:
    """The committed import batches the figures were computed from, oldest first."""
    rows = sql.run(
        conn,
        select(
            batches_table.c.batch_id,
            batches_table.c.as_of,
            batches_table.c.finished_at,
            batches_table.c.status,
        )
        .where(batches_table.c.status.like("committed%"))
        .order_by(batches_table.c.started_at, batches_table.c.batch_id),
    )
    return [
        {"batch_id": r[0], "as_of": _cell(r[1]), "finished_at": _cell(r[2]), "status": r[3]}
        for r in rows
    ]


def _store(
    conn: Connection,
    *,
    kind: str,
    scheme: Scheme | None,
    period: Period,
    level: str,
    scope: Scope,
    settings: dict[str, Decimal],
    content: dict[str, Any],
    username: str | None,
) -> SnapshotRecord:
    now = dt.datetime.now().replace(microsecond=0)  # seconds: every engine stores them exactly
    row: dict[str, Any] = {
        "snapshot_id": str(uuid.uuid4()),
        "kind": kind,
        "scheme_id": scheme.scheme_id if scheme else None,
        "scheme_version": scheme.version if scheme else None,
        "period": period.label(),
        "level": level,
        "scope": scope.rows_key(),
        "settings": canonical_json({k: str(v) for k, v in sorted(settings.items())}),
        "batches": canonical_json(import_batches(conn)),
        "content": canonical_json(content),
        "created_by": username,
        "created_at": now,
    }
    row["sha256"] = checksum(_hashed_fields(row))
    sql.run(conn, insert(snapshots_table).values(**row))
    try:
        from data.audit import record
    except ImportError:  # the audit module belongs to another change
        pass
    else:
        record(
            conn,
            username,
            "snapshot",
            row["snapshot_id"],
            {"kind": kind, "period": row["period"], "sha256": row["sha256"]},
        )
    return _record(row, verified=True)


@scoped
def take_appraisal(
    conn: Connection,
    scheme: Scheme,
    period: Period,
    scope: Scope,
    username: str | None,
) -> SnapshotRecord:
    """Freeze the results of one scheme version for a period, as the taker may see them."""
    settings = load_settings(conn)
    frame = appraise(conn, scheme, period, scope, settings)
    content = {
        "scheme": scheme.to_dict(),
        "scheme_label": scheme.label,
        **frame_content(frame),
    }
    return _store(
        conn,
        kind="appraisal",
        scheme=scheme,
        period=period,
        level="staff",
        scope=scope,
        settings=settings,
        content=content,
        username=username,
    )


@scoped
def compute_table(
    conn: Connection,
    kind: str,
    period: Period,
    level: Level,
    scope: Scope,
    settings: dict[str, Decimal],
) -> pd.DataFrame:
    compute: Callable[..., pd.DataFrame]
    if kind == "scorecard":
        from metrics.measures.tables import scorecard as compute
    elif kind == "supervision":
        from metrics.measures.tables import supervision as compute
    elif kind == "health":
        from metrics.measures.tables import health as compute
    else:
        raise ValueError(f"unknown table {kind!r}")
    frame = compute(conn, period, level, scope, settings)
    metric_kind = cast(Kind, {"scorecard": "appraisal"}.get(kind, kind))
    columns = [
        "entity_id",
        *ids_of(metric_kind),
        *(c for c in ("name", "org_id", "role") if c in frame),
    ]  # type: ignore[arg-type]
    return frame[columns]


@scoped
def take_table(
    conn: Connection,
    kind: str,
    period: Period,
    level: Level,
    scope: Scope,
    username: str | None,
) -> SnapshotRecord:
    """Freeze a KPI table (scorecard, supervision or health) for a period, level and scope."""
    if kind not in TABLE_KINDS:
        raise ValueError(f"a table snapshot is one of {', '.join(TABLE_KINDS)}, not {kind!r}")
    completeness.require_complete(conn, period)  # figures are frozen for complete periods only
    settings = load_settings(conn)
    frame = compute_table(conn, kind, period, level, scope, settings)
    return _store(
        conn,
        kind=kind,
        scheme=None,
        period=period,
        level=level,
        scope=scope,
        settings=settings,
        content=frame_content(frame),
        username=username,
    )


# --- reading -----------------------------------------------------------------------------------


def _record(row: dict[str, Any], verified: bool) -> SnapshotRecord:
    fields = _hashed_fields(row)
    created_at = row["created_at"]
    return SnapshotRecord(
        snapshot_id=row["snapshot_id"],
        kind=row["kind"],
        scheme_id=row["scheme_id"],
        scheme_version=row["scheme_version"],
        period=row["period"],
        level=row["level"],
        scope=row["scope"],
        settings=fields["settings"],
        batches=fields["batches"],
        content=fields["content"],
        sha256=row["sha256"],
        created_by=row["created_by"],
        created_at=created_at
        if isinstance(created_at, dt.datetime)
        else dt.datetime.fromisoformat(created_at),
        verified=verified,
    )


def _visible_entities(conn: Connection, level: str, scope: Scope) -> set[str] | None:
    if scope.is_everything:
        return None
    if level == "staff":
        return visible_staff(conn, scope)
    return {r[0] for r in sql.run(conn, entities(level, scope))}  # type: ignore[arg-type]


def _restrict(record: SnapshotRecord, visible: set[str] | None) -> SnapshotRecord:
    """The snapshot with only the rows the reader may see (the checksum was verified first)."""
    if visible is None:
        return record
    content = dict(record.content)
    index = content["columns"].index("entity_id")
    content["rows"] = [r for r in content["rows"] if r[index] in visible]
    return SnapshotRecord(**{**record.__dict__, "content": content})


@scoped
def read(
    conn: Connection, snapshot_id: str, scope: Scope, *, strict: bool = True
) -> SnapshotRecord:
    """A snapshot, its checksum verified, with only the rows `scope` may see.

    A mismatch raises `SnapshotTampered` (or, with `strict=False`, returns the record with
    `verified=False` so a page can say so loudly next to it)."""
    row = (
        sql.run(conn, select(snapshots_table).where(snapshots_table.c.snapshot_id == snapshot_id))
        .mappings()
        .first()
    )
    if row is None:
        raise SnapshotError(f"no snapshot {snapshot_id} in your scope")
    data = dict(row)
    try:
        actual = checksum(_hashed_fields(data))
    except (ValueError, TypeError):  # content that is no longer JSON was changed too
        actual = ""
    verified = actual == data["sha256"]
    if not verified and strict:
        raise SnapshotTampered(
            f"snapshot {snapshot_id} FAILED its checksum: it was changed after it was taken "
            f"(stored {data['sha256'][:12]}..., content gives {actual[:12] or 'unreadable'}...)"
        )
    if not verified:
        # Show nothing of a tampered row's figures: they are not the meeting's.
        return SnapshotRecord(
            snapshot_id=data["snapshot_id"],
            kind=data["kind"],
            scheme_id=data["scheme_id"],
            scheme_version=data["scheme_version"],
            period=data["period"],
            level=data["level"],
            scope=data["scope"],
            settings={},
            batches=[],
            content={"columns": ["entity_id"], "types": {}, "rows": []},
            sha256=data["sha256"],
            created_by=data["created_by"],
            created_at=data["created_at"],
            verified=False,
        )
    record = _record(data, verified=True)
    return _restrict(record, _visible_entities(conn, record.level, scope))


@scoped
def require_visible(record: SnapshotRecord, scope: Scope) -> SnapshotRecord:
    """Refuse a snapshot that holds no row the reader may see (unless they took it, or see
    everything): a pack of it would be empty but still show its taker, scope, scheme and time.
    The words are those of an unknown id, so a refusal does not tell that the id exists."""
    if scope.is_everything or record.content["rows"] or record.scope == scope.rows_key():
        return record
    raise SnapshotError(f"no snapshot {record.snapshot_id} in your scope")


@scoped
def list_snapshots(conn: Connection, scope: Scope) -> pd.DataFrame:
    """Every snapshot holding at least one row `scope` may see (all for the director), newest
    first, each with `verified` (its checksum recomputed now) and `rows` (rows visible)."""
    scope = scope
    ids = [
        r[0]
        for r in sql.run(
            conn,
            select(snapshots_table.c.snapshot_id).order_by(
                snapshots_table.c.created_at.desc(), snapshots_table.c.snapshot_id
            ),
        )
    ]
    out = []
    for snapshot_id in ids:
        record = read(conn, snapshot_id, scope, strict=False)
        rows = len(record.content["rows"])
        if record.verified and rows == 0 and not scope.is_everything:
            continue
        out.append(
            {
                "snapshot_id": record.snapshot_id,
                "kind": record.kind,
                "title": record.title if record.verified else "(failed its checksum)",
                "period": record.period,
                "level": record.level,
                "scheme": f"{record.scheme_id}@{record.scheme_version}"
                if record.scheme_id
                else None,
                "rows": rows,
                "created_by": record.created_by,
                "created_at": record.created_at,
                "sha256": record.sha256,
                "verified": record.verified,
            }
        )
    columns = [
        "snapshot_id", "kind", "title", "period", "level", "scheme", "rows",
        "created_by", "created_at", "sha256", "verified",
    ]  # fmt: skip
    return pd.DataFrame(out, columns=columns)


def scope_from_key(key: str) -> Scope:
    """The inverse of `Scope.rows_key` (a snapshot stores its taker's scope that way); whether
    personal data are masked is the viewer's, not the snapshot's."""
    parts = dict(p.split("=", 1) for p in key.split(";") if "=" in p)
    orgs = parts.get("orgs", "*")
    staff = parts.get("staff", "")
    return Scope(
        None if orgs == "*" else frozenset(o for o in orgs.split(",") if o),
        frozenset(s for s in staff.split(",") if s),
    )


def current_frame(conn: Connection, record: SnapshotRecord) -> pd.DataFrame:
    """Today's figures for what the snapshot froze: the same scheme version (as stored in the
    snapshot), period, level and taker's scope, on today's data and settings."""
    period = Period.parse(record.period)
    taker = scope_from_key(record.scope)
    if record.kind == "appraisal":
        scheme = record.scheme
        assert scheme is not None
        return appraise(conn, scheme, period, taker)
    return compute_table(conn, record.kind, period, record.level, taker, load_settings(conn))  # type: ignore[arg-type]


@scoped
def compare(conn: Connection, snapshot_id: str, scope: Scope) -> pd.DataFrame:
    """What changed between a snapshot and today's figures: one row per staff member (or org
    unit) and column whose value differs, with `then`, `now` and `change` (now - then, for
    numbers). A row only in the snapshot or only today shows as `column = (row)`."""
    record = read(conn, snapshot_id, scope)
    then = record.frame.set_index("entity_id")
    now = current_frame(conn, record)
    visible = _visible_entities(conn, record.level, scope)
    if visible is not None:
        now = now[now["entity_id"].isin(visible)]
    now = now.set_index("entity_id")
    if record.kind == "appraisal":
        compared = [
            c
            for c in then.columns
            if c in ("total", "rank", "grade") or c.startswith(("score_", "actual_"))
        ]
    else:
        compared = [c for c in then.columns if c in BY_ID]
    names = {
        **now.get("name", pd.Series(dtype=object)).to_dict(),
        **then.get("name", pd.Series(dtype=object)).to_dict(),
    }
    rows = []
    for entity in sorted(set(then.index) | set(now.index)):
        if entity not in now.index or entity not in then.index:
            rows.append(
                {
                    "entity_id": entity,
                    "name": names.get(entity),
                    "column": "(row)",
                    "then": "present" if entity in then.index else "absent",
                    "now": "present" if entity in now.index else "absent",
                    "change": None,
                }
            )
            continue
        for column in compared:
            before = _cell(then.at[entity, column])
            after = _cell(now.at[entity, column]) if column in now.columns else None
            if _same(before, after):
                continue
            rows.append(
                {
                    "entity_id": entity,
                    "name": names.get(entity),
                    "column": column,
                    "then": before,
                    "now": after,
                    "change": _difference(before, after),
                }
            )
    return pd.DataFrame(rows, columns=["entity_id", "name", "column", "then", "now", "change"])


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _same(a: Any, b: Any) -> bool:
    x, y = _number(a), _number(b)
    if x is not None and y is not None:
        # Floats went through JSON and back: compare to 12 significant digits, not bit for bit.
        return math.isclose(float(x), float(y), rel_tol=1e-12, abs_tol=1e-12) if x != y else True
    return a == b


def _difference(a: Any, b: Any) -> Any:
    x, y = _number(a), _number(b)
    if x is None or y is None:
        return None
    return str(y - x)
