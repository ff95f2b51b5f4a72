"""The trend a meeting pack shows, and its biggest changes (issue 13, item 6).

For a snapshot of period P, the trend covers P and the periods of the same kind before it, up to
`PERIODS` in all, keeping only complete periods that the data cover from their first month (a
period the data begin inside would compare a few months with a whole one). Each earlier period's
figures are, in order of preference:

1. **as they were frozen**: the newest snapshot (checksum verified) of the same scheme (any
   version: a published correction is a newer snapshot) — or, for a KPI table, of the same table
   and level — for that period, taken over a scope that covers the pack's own;
2. **computed now** for that period with the pack's scheme version (or table), over the scope of
   whoever took the pack's snapshot, on today's data and settings.

Which source each period came from is said on the pack's cover. The measures followed are the
total score and each item's actual for an appraisal, the headline KPIs (the Overview's tiles)
for a KPI table. The biggest changes are the three largest rises and falls, against the previous
period, of the total score (appraisal) or of each headline KPI (table), among the rows the viewer
may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import pandas as pd
from sqlalchemy import Connection, Table, select

from data.schema import Snapshot as SnapshotRow
from data.settings import load_settings
from metrics.appraisal import snapshots
from metrics.appraisal.scoring import AppraisalError, appraise
from metrics.core import completeness, sql
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.store.landing import TILES

PERIODS = 4
TOP = 3
table = cast(Table, SnapshotRow.__table__)


@dataclass(frozen=True)
class Trend:
    """Per row entity, each measure's figure for each period (oldest first, the pack's last)."""

    periods: list[str]
    sources: dict[str, str]  # period -> snapshot id, or "" when computed now
    measures: list[str]  # column ids: total, actual_<kpi>, or a KPI id
    headline: list[str]  # the measures whose biggest changes the summary names
    frame: pd.DataFrame  # entity_id + one column per (measure, period): column(measure, period)

    @staticmethod
    def column(measure: str, period: str) -> str:
        return f"trend_{measure}_{period}"

    @property
    def previous(self) -> str | None:
        """The period just before the pack's, when the trend holds it."""
        if len(self.periods) < 2:
            return None
        last = Period.parse(self.periods[-1])
        return self.periods[-2] if self.periods[-2] == last.prev().label() else None


def measures_of(record: snapshots.SnapshotRecord) -> tuple[list[str], list[str]]:
    """(measures followed, headline measures) of a snapshot."""
    columns = record.content.get("columns", [])
    if record.kind == "appraisal":
        scheme = record.scheme
        items = [f"actual_{i.kpi}" for i in scheme.items] if scheme else []
        return ["total", *(c for c in items if c in columns)], ["total"]
    headline = [m for m in TILES if m in columns]
    return headline, headline


def periods_of(conn: Connection, period: Period) -> list[Period]:
    """P and up to PERIODS - 1 periods before it that are complete and not partial at the
    start, oldest first (a gap ends the trend: it shows consecutive periods only)."""
    cover = completeness.coverage(conn)
    out = [period]
    while len(out) < PERIODS:
        before = out[-1].prev()
        if not cover.complete(before) or cover.partial_at_start(before):
            break
        out.append(before)
    return out[::-1]


def _covers(outer: str, inner: str) -> bool:
    """Whether rows taken over scope key `outer` include every row of scope key `inner`."""
    a, b = snapshots.scope_from_key(outer), snapshots.scope_from_key(inner)
    if a.is_everything:
        return True
    if b.is_everything:
        return False
    return (b.org_ids or frozenset()) <= (a.org_ids or frozenset()) and b.staff_ids <= a.staff_ids


def frozen(
    conn: Connection, record: snapshots.SnapshotRecord, period: str
) -> snapshots.SnapshotRecord | None:
    """The newest verified snapshot of the same scheme (or table and level) for `period`, taken
    over a scope covering the pack's, read whole (the caller keeps the rows the viewer sees)."""
    query = select(table.c.snapshot_id, table.c.scope).where(
        table.c.kind == record.kind, table.c.period == period
    )
    if record.kind == "appraisal":
        query = query.where(table.c.scheme_id == record.scheme_id)
    else:
        query = query.where(table.c.level == record.level)
    query = query.order_by(table.c.created_at.desc(), table.c.snapshot_id.desc())
    found = sql.run(conn, query, "trend snapshots").all()
    for snapshot_id, scope_key in found:
        if not _covers(scope_key, record.scope):
            continue
        other = snapshots.read(conn, snapshot_id, Scope.everything(), strict=False)
        if other.verified:
            return other
    return None


def computed(
    conn: Connection, record: snapshots.SnapshotRecord, period: Period, settings: dict[str, Any]
) -> pd.DataFrame | None:
    """The pack's figures computed now for `period` over the taker's scope (None: not
    computable, e.g. a scheme whose cycle the period is not)."""
    taker = snapshots.scope_from_key(record.scope)
    try:
        if record.kind == "appraisal":
            scheme = record.scheme
            if scheme is None:
                return None
            return appraise(conn, scheme, period, taker, settings)
        return snapshots.compute_table(
            conn,
            record.kind,
            period,
            record.level,  # type: ignore[arg-type]
            taker,
            settings,
        )
    except (AppraisalError, completeness.IncompletePeriodError):
        return None


def gather(conn: Connection, record: snapshots.SnapshotRecord) -> Trend | None:
    """The trend of a snapshot's figures (None for raw rows or a snapshot without rows)."""
    if record.kind not in snapshots.KINDS:
        return None
    measures, headline = measures_of(record)
    if not measures:
        return None
    pack_period = Period.parse(record.period)
    settings = load_settings(conn)
    frames: list[tuple[str, pd.DataFrame]] = []
    sources: dict[str, str] = {}
    for period in periods_of(conn, pack_period):
        label = period.label()
        if label == record.period:
            frame: pd.DataFrame | None = record.frame
            sources[label] = record.snapshot_id
        else:
            other = frozen(conn, record, label)
            if other is not None:
                frame, sources[label] = other.frame, other.snapshot_id
            else:
                frame, sources[label] = computed(conn, record, period, settings), ""
        if frame is None:
            continue
        frames.append((label, frame))
    out = pd.DataFrame({"entity_id": pd.Series(dtype=object)})
    for label, frame in frames:
        keep = ["entity_id", *(m for m in measures if m in frame)]
        part = frame[keep].rename(columns={m: Trend.column(m, label) for m in measures})
        out = out.merge(part, on="entity_id", how="outer")
    return Trend(
        periods=[label for label, _ in frames],
        sources={p: sources[p] for p, _ in frames},
        measures=measures,
        headline=headline,
        frame=out,
    )


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool | str):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return None if number.is_nan() else number


@dataclass(frozen=True)
class Change:
    entity_id: str
    before: Decimal
    after: Decimal

    @property
    def change(self) -> Decimal:
        return self.after - self.before


def changes(trend: Trend, shown: pd.DataFrame, measure: str) -> tuple[list[Change], list[Change]]:
    """The TOP largest rises and falls of `measure` from the previous period to the pack's,
    among the rows of `shown` (the rows the viewer may see); ties by entity id."""
    previous = trend.previous
    if previous is None:
        return [], []
    now, before = (Trend.column(measure, p) for p in (trend.periods[-1], previous))
    rows = shown.merge(trend.frame, on="entity_id", how="left", suffixes=("", "_trend"))
    found = []
    for entity, a, b in zip(
        rows["entity_id"], rows.get(before, []), rows.get(now, []), strict=False
    ):
        x, y = _number(a), _number(b)
        if x is not None and y is not None and x != y:
            found.append(Change(str(entity), x, y))
    rises = sorted((c for c in found if c.change > 0), key=lambda c: (-c.change, c.entity_id))
    falls = sorted((c for c in found if c.change < 0), key=lambda c: (c.change, c.entity_id))
    return rises[:TOP], falls[:TOP]


def wide(trend: Trend) -> pd.DataFrame:
    """The trend's columns, measure by measure, oldest period first, with the change against the
    previous period (`change_<measure>`) after each measure's periods."""
    out = trend.frame[["entity_id"]].copy()
    previous = trend.previous
    for measure in trend.measures:
        for period in trend.periods:
            column = Trend.column(measure, period)
            out[column] = trend.frame[column] if column in trend.frame else None
        if previous is not None:
            now = trend.frame.get(Trend.column(measure, trend.periods[-1]))
            then = trend.frame.get(Trend.column(measure, previous))
            if now is None or then is None:
                continue
            deltas = [
                None if x is None or y is None else y - x
                for x, y in zip(map(_number, then), map(_number, now), strict=True)
            ]
            out[f"change_{measure}"] = pd.Series(deltas, index=out.index, dtype=object)
    return out


__all__ = ["PERIODS", "TOP", "Change", "Trend", "changes", "gather", "wide"]
