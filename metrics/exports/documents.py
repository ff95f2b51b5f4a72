"""What an export holds: a `Document` — a frame (a snapshot's rows, a KPI table, drilled rows)
with the facts of its title page — and which of its columns each medium shows, in what order,
with which label and unit.

A document is made from a snapshot (`from_snapshot`) or from what is on screen (`from_frame`);
its frame is shown to a viewer only through `metrics.exports.formats.export`, which applies the
viewer's scope (masking) first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from metrics.appraisal.schemes import Scheme
from metrics.appraisal.snapshots import SnapshotRecord, scope_from_key
from metrics.core.catalogue import APPRAISAL_FAMILIES, BY_ID, Metric
from metrics.core.scope import Scope, scoped
from metrics.exports import trend as trends
from metrics.exports.values import WAN, number_or_none, unit_of

FAMILY_ZH = {
    "financial": "财务类",
    "client": "客户类",
    "process": "过程类",
    "growth": "成长类",
    "supervision": "履职监督",
    "health": "组合健康度",
}
LABELS = {
    "entity_id": "编号",
    "name": "姓名",
    "org_id": "机构",
    "role": "岗位",
    "total": "总分",
    "rank": "名次",
    "grade": "等级",
    "flags": "提示",
    "org_name": "机构",
}


class ExportError(RuntimeError):
    """An export that cannot be made (e.g. no CJK font installed, a tampered snapshot)."""


@dataclass(frozen=True)
class Document:
    """What an export shows: a frame plus the facts of its title page."""

    kind: str  # appraisal | scorecard | supervision | health | rows
    title: str
    period: str
    scope: str  # a Scope cache key
    frame: pd.DataFrame
    level: str = "staff"
    snapshot_id: str | None = None
    sha256: str | None = None
    taken_by: str | None = None
    taken_at: dt.datetime | None = None
    scheme: Scheme | None = None
    # Raw rows of the contract's `clients` file: their `name` is the client's (masked).
    name_is_client: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def items(self) -> list[str]:
        return [i.kpi for i in self.scheme.items] if self.scheme else []


def from_snapshot(record: SnapshotRecord) -> Document:
    if not record.verified:
        raise ExportError(f"snapshot {record.snapshot_id} failed its checksum: no pack is made")
    return Document(
        kind=record.kind,
        title=record.title,
        period=record.period,
        scope=record.scope,
        frame=record.frame,
        level=record.level,
        snapshot_id=record.snapshot_id,
        sha256=record.sha256,
        taken_by=record.created_by,
        taken_at=record.created_at,
        scheme=record.scheme,
    )


@scoped
def from_frame(
    kind: str,
    frame: pd.DataFrame,
    period: str,
    scope: Scope,
    *,
    title: str | None = None,
    level: str = "staff",
    scheme: Scheme | None = None,
    name_is_client: bool = False,
) -> Document:
    """A document of what is on screen now (not frozen: the title page says "current view")."""
    return Document(
        kind=kind,
        title=title or (scheme.label if scheme else f"{kind} ({level})"),
        period=period,
        scope=scope.rows_key(),
        frame=frame,
        level=level,
        scheme=scheme,
        name_is_client=name_is_client,
    )


_FROZEN_LABEL = re.compile(r" v(?P<v>\d+) \(\w+, [0-9a-f-]{36}\)$")


def unit_names(document: Document) -> dict[str, str]:
    return dict(document.extra.get("unit_names") or {})


def title_text(title: str) -> str:
    """A frozen title without the scheme UUID it may end in ("v1 (published, <uuid>)")."""
    return _FROZEN_LABEL.sub(lambda m: f" 第{m['v']}版", title)


def document_scope_text(document: Document) -> str:
    """What the pack covers: the scheme's own org unit, by name, when it has one (a sub-branch's
    scheme is about that sub-branch whoever took the snapshot); else the taker's scope."""
    scheme = document.scheme
    if scheme is not None and scheme.org_id:
        name = unit_names(document).get(scheme.org_id)
        return f"{name} ({scheme.org_id})" if name else f"机构 {scheme.org_id}"
    return scope_text(document.scope)


def who(frame: pd.DataFrame) -> list[str]:
    """Each row's name for a chart axis or a summary (its id added where names repeat; the id
    alone where there is no name)."""
    if "name" not in frame:
        return [str(e) for e in frame["entity_id"]]
    names = [str(n) if n is not None and not pd.isna(n) else "" for n in frame["name"]]
    seen = pd.Series(names).value_counts()
    return [
        n if n and seen[n] == 1 else f"{n} {e}".strip()
        for n, e in zip(names, frame["entity_id"], strict=True)
    ]


def with_targets(document: Document, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows a pack shows, with what a meeting reads beside the scores: the org unit's name,
    and per appraisal item its target and attainment (actual / target; target / actual for a
    figure where lower is better), empty where the item has no target or the actual is missing."""
    out = frame.copy()
    names = unit_names(document)
    if "org_id" in out and names:
        out["org_name"] = [names.get(o, o) for o in out["org_id"]]
    if document.kind != "appraisal" or document.scheme is None:
        return out
    for item in document.scheme.items:
        actual_col = f"actual_{item.kpi}"
        # Each person's own target (指标分解): as frozen in the snapshot when it holds them, else
        # as the scheme names them.
        frozen = out.get(f"target_{item.kpi}")
        targets = [
            f if frozen is not None and number_or_none(f) is not None else item.target_for(str(e))
            for e, f in zip(
                out["entity_id"], frozen if frozen is not None else [None] * len(out), strict=True
            )
        ]
        out[f"target_{item.kpi}"] = pd.Series(targets, index=out.index, dtype=object)
        attainment: list[float | None] = []
        actuals = out.get(actual_col, pd.Series([None] * len(out), dtype=object))
        for actual, target in zip(actuals, targets, strict=True):
            value = number_or_none(actual)
            if target is None or value is None or target == 0:
                attainment.append(None)
            elif BY_ID[item.kpi].better == "lower":
                attainment.append(None if value == 0 else float(target) / value)
            else:
                attainment.append(value / float(target))
        out[f"attain_{item.kpi}"] = attainment
    return out


def trend_of(document: Document) -> trends.Trend | None:
    found = document.extra.get("trend")
    return found if isinstance(found, trends.Trend) else None


def with_trend(document: Document, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with the trend's columns (`trend_<measure>_<period>`, `change_<measure>`) and,
    per headline measure, `biggest_<measure>`: ↑1..↑3 for its largest rises, ↓1..↓3 for its
    largest falls against the previous period (the summary's biggest changes, in columns)."""
    trend = trend_of(document)
    if trend is None or "entity_id" not in frame:
        return frame
    out = frame.merge(trends.wide(trend), on="entity_id", how="left")
    out.index = frame.index
    if trend.previous is None:
        return out
    for measure in trend.headline:
        rises, falls = trends.changes(trend, frame, measure)
        marks = {c.entity_id: f"↑{n}" for n, c in enumerate(rises, 1)}
        marks |= {c.entity_id: f"↓{n}" for n, c in enumerate(falls, 1)}
        out[f"biggest_{measure}"] = [marks.get(str(e)) for e in out["entity_id"]]
    return out


def summary(document: Document, frame: pd.DataFrame) -> list[tuple[str, str]]:
    """A few written lines for the meeting: the top and bottom three of a ranking, then the
    biggest rises and falls against the previous period (`biggest_changes`)."""
    if frame.empty:
        return []
    lines: list[tuple[str, str]] = []
    if document.kind == "appraisal" and "rank" in frame:
        ranked = frame.sort_values(["rank", "entity_id"], kind="stable")
        labels = who(ranked)
        totals = [number_or_none(v) for v in ranked["total"]]
        shown = [
            f"{n}（{t:.2f}分）" if t is not None else n for n, t in zip(labels, totals, strict=True)
        ]
        lines.append(("前三名 Top three", "、".join(shown[:3])))
        if len(shown) > 3:
            lines.append(("后三名 Bottom three", "、".join(reversed(shown[-3:]))))
    return lines + biggest_changes(document, frame)


def measure_name(measure: str) -> str:
    """A trend measure in Chinese: the total score, or a KPI by its catalogue name."""
    if measure == "total":
        return LABELS["total"]
    return BY_ID[measure.removeprefix("actual_")].name_zh


def measure_unit(measure: str) -> str:
    return "points" if measure == "total" else BY_ID[measure.removeprefix("actual_")].unit


def change_text(measure: str, change: Any) -> str:
    """A change as a meeting reads it: points, 万元, percentage points, or a plain number."""
    unit = measure_unit(measure)
    value = float(change)
    if unit == "points":
        return f"{value:+.2f}分"
    if unit == "yuan":
        return f"{value / WAN:+,.2f}万元"
    if unit == "ratio":
        return f"{value * 100:+.1f}个百分点"
    if unit in ("count", "days"):
        return f"{value:+,.0f}"
    return f"{value:+,.2f}"


def biggest_changes(document: Document, frame: pd.DataFrame) -> list[tuple[str, str]]:
    """Per headline measure, the three largest rises and falls against the previous period,
    by name ("无" when nothing rose or fell; no line when the trend has no previous period)."""
    trend = trend_of(document)
    if trend is None or trend.previous is None:
        return []
    names = dict(zip(frame["entity_id"].astype(str), who(frame), strict=True))
    lines = []
    for measure in trend.headline:
        rises, falls = trends.changes(trend, frame, measure)
        name = measure_name(measure)
        for label, found in (("升幅最大 Biggest rises", rises), ("降幅最大 Biggest falls", falls)):
            text = "、".join(
                f"{names.get(c.entity_id, c.entity_id)}（{change_text(measure, c.change)}）"
                for c in found
            )
            lines.append((f"{label} · {name}", text or "无"))
    return lines


def trend_sources(document: Document) -> list[tuple[str, str]]:
    """Where each period of the trend comes from: a snapshot (frozen figures) or computed now."""
    trend = trend_of(document)
    if trend is None:
        return []
    parts = [
        f"{p} 快照 {source[:8]}" if source else f"{p} 按当前数据计算"
        for p, source in trend.sources.items()
    ]
    return [("趋势 Trend", "；".join(parts) if parts else "无")]


def scope_text(key: str) -> str:
    scope = scope_from_key(key)
    if scope.is_everything:
        return "全行 (whole bank)"
    parts = [f"机构 {o}" for o in sorted(scope.org_ids or ())]
    parts += [f"员工 {s}" for s in sorted(scope.staff_ids)]
    return ", ".join(parts) or "(nothing)"


def facts(document: Document, viewer: str, now: dt.datetime) -> list[tuple[str, str]]:
    """The title page: what, when, for whom, from which snapshot and scheme."""
    out = [
        ("标题 Title", title_text(document.title)),
        ("期间 Period", document.period),
        ("范围 Scope", document_scope_text(document)),
        ("快照 Snapshot", document.snapshot_id or "当前视图 current view (not frozen)"),
        ("校验和 SHA-256", document.sha256 or ""),
    ]
    scheme = document.scheme
    if scheme is not None:
        out.append(
            (
                "方案 Scheme",
                f"{scheme.name} 第{scheme.version or '-'}版"
                + (f" · 发布于 {scheme.published_at:%Y-%m-%d}" if scheme.published_at else ""),
            )
        )
    if document.taken_at is not None:
        out.append(
            ("拍摄 Taken", f"{document.taken_by or ''} {document.taken_at:%Y-%m-%d %H:%M:%S}")
        )
    out.append(("导出 Exported", f"{viewer} {now:%Y-%m-%d %H:%M:%S}"))
    # The summary reads the rows the viewer may see (`formats.export` puts them in `shown`).
    shown = document.extra.get("shown")
    out += trend_sources(document)
    return out + (summary(document, shown) if shown is not None else [])


# --- columns: which, in what order, with which label and unit ---------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    unit: str  # text | yuan | ratio | count | score | points | days | minutes | hours | rank


def metric_label(metric: Metric, prefix: str = "") -> str:
    suffix = " (万元)" if metric.unit == "yuan" else ""
    return f"{prefix}{metric.name_zh}{suffix}"


def ranking_columns(document: Document, frame: pd.DataFrame) -> list[Column]:
    """The main table: a ranking for an appraisal, every column for a KPI table or rows."""
    described = [c for c in ("name", "org_name" if "org_name" in frame else "org_id") if c in frame]
    if document.kind == "appraisal":
        cols = [
            Column("rank", LABELS["rank"], "rank"),
            Column("entity_id", LABELS["entity_id"], "text"),
        ]
        cols += [Column(c, LABELS[c], "text") for c in described]
        cols += [
            Column("grade", LABELS["grade"], "text"),
            Column("total", LABELS["total"], "points"),
        ]
        cols += [Column(f"score_{k}", f"{BY_ID[k].name_zh}得分", "points") for k in document.items]
        return cols
    if document.kind == "rows":
        return [Column(c, c, unit_of(c) or "text") for c in frame.columns]
    cols = [Column("entity_id", LABELS["entity_id"], "text")]
    cols += [Column(c, LABELS[c], "text") for c in described]
    cols += [Column(c, metric_label(BY_ID[c]), BY_ID[c].unit) for c in frame if c in BY_ID]
    return cols


def family_sheets(document: Document, frame: pd.DataFrame) -> list[tuple[str, list[Column]]]:
    """(family, columns) per KPI family present, in catalogue family order."""
    if document.kind == "rows":
        return []
    head = [Column("entity_id", LABELS["entity_id"], "text")]
    head += [Column("name", LABELS["name"], "text")] if "name" in frame else []
    out: list[tuple[str, list[Column]]] = []
    if document.kind == "appraisal":
        for family in APPRAISAL_FAMILIES:
            kpis = [k for k in document.items if BY_ID[k].family == family]
            if not kpis:
                continue
            cols = list(head)
            for k in kpis:
                metric = BY_ID[k]
                cols.append(Column(f"actual_{k}", metric_label(metric), metric.unit))
                if f"target_{k}" in frame:
                    cols.append(Column(f"target_{k}", metric_label(metric, "目标 "), metric.unit))
                    cols.append(Column(f"attain_{k}", f"{metric.name_zh}达成率", "ratio"))
                cols.append(Column(f"score_{k}", f"{metric.name_zh}得分", "points"))
                cols.append(Column(f"explain_{k}", f"{metric.name_zh}说明", "text"))
            out.append((family, cols))
        return out
    families: dict[str, list[Column]] = {}
    for c in frame.columns:
        if c in BY_ID:
            metric = BY_ID[c]
            families.setdefault(metric.family, list(head)).append(
                Column(c, metric_label(metric), metric.unit)
            )
    return list(families.items())


def csv_columns(document: Document, frame: pd.DataFrame) -> list[str]:
    """The CSV's columns, by id (as the command line names them)."""
    if document.kind == "appraisal":
        keys = ["entity_id", "total", "rank", "grade", *(f"score_{k}" for k in document.items)]
        keys += [c for c in ("name", "org_id", "role", "flags") if c in frame]
        # Actual against target per item, after the columns the command line always had.
        for k in document.items:
            keys += [c for c in (f"actual_{k}", f"target_{k}", f"attain_{k}") if c in frame]
        # Then the trend, its changes and the biggest changes (`with_trend`).
        keys += [str(c) for c in frame if str(c).startswith(("trend_", "change_", "biggest_"))]
        return keys
    return list(frame.columns)


def trend_head(frame: pd.DataFrame) -> list[Column]:
    """Who a trend row is about: id, name and org unit (by name when known)."""
    cols = [Column("entity_id", LABELS["entity_id"], "text")]
    cols += [Column(c, LABELS[c], "text") for c in ("name",) if c in frame]
    org = "org_name" if "org_name" in frame else "org_id"
    return cols + ([Column(org, LABELS[org], "text")] if org in frame else [])


def trend_columns(document: Document, frame: pd.DataFrame) -> list[tuple[str, list[Column]]]:
    """(measure, columns) of the trend tables: each period's figure, then the change."""
    trend = trend_of(document)
    if trend is None:
        return []
    out = []
    for measure in trend.measures:
        name, unit = measure_name(measure), measure_unit(measure)
        if measure != "total" and unit == "yuan":
            name += " (万元)"
        cols = [Column(trends.Trend.column(measure, p), f"{name} {p}", unit) for p in trend.periods]
        if f"change_{measure}" in frame:
            cols.append(Column(f"change_{measure}", f"{name} 环比变化", unit))
        out.append((measure, [c for c in cols if c.key in frame]))
    return out
