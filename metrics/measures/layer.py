"""The measure layer: from the catalogue's records to SQL, frames, drill-throughs and re-aggregation.

A metric's record (`metrics.core.catalogue`) names its row source and aggregation
(`metrics.core.spec`); the row sources are Core selects keyed by `entity_id`
(`metrics.measures.sources`). From those two the layer makes

- **one statement** per table (a kind or any list of metrics, one level): the scoped entities,
  each left-joined to one aggregate per row source it needs (a row source used by another one is
  a shared CTE, e.g. the book at e(P-1) feeds both the previous stock and retention);
- **the frame**: every figure in the one null convention of `metrics.core.values`, each ratio
  with its exact parts (`<id>__num`, `<id>__den`), then the details (splits, flags);
- **the drill-through**: the very rows of the figure (a count lists exactly the rows it counts, a
  ratio lists its denominator's rows with the numerator's flag, a change lists both periods'
  rows, a distinct count one row per distinct value);
- **the re-aggregation** of drilled rows in pandas: a literal second implementation of each
  aggregation, which the tests hold against the SQL figure for every metric and entity.

Scope is applied here, once: a row source reaches staff and org units only through
`Frame.members()`, `Frame.book()` and `Frame.entities()`, which are built from the scope; no row
source takes a scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Select,
    and_,
    case,
    distinct,
    func,
    literal,
    select,
    union_all,
)

from data import tables
from data.calendar import check_covered
from metrics.core import sql
from metrics.core.catalogue import BY_ID, CATALOGUE, Metric, kind_ids
from metrics.core.entities import LEVELS, Level, book, entities, members, staff_members
from metrics.core.periods import Period
from metrics.core.scope import Scope, scoped
from metrics.core.spec import (
    NOT_NULL,
    Agg,
    Change,
    DaysBefore,
    Detail,
    Exceeds,
    Ratio,
    Term,
    Value,
    aggs_of,
)
from metrics.core.values import (
    as_decimal,
    as_int,
    as_money,
    column,
    days_before,
    is_null,
    ratio,
)

if TYPE_CHECKING:
    import pandas as pd

Settings = dict[str, Decimal]
DESCRIPTIVE = ("name", "org_id", "role")
calendar_days = tables.calendar_days
org = tables.org_units


# --- row sources -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowSource:
    """A named Core select of the rows behind figures: one row per (entity_id, thing)."""

    name: str
    build: Callable[[Frame], Select]
    # Drill-through order, and the levels the source has rows for.
    order: tuple[str, ...]
    levels: tuple[Level, ...] = LEVELS


SOURCES: dict[str, RowSource] = {}


def row_source(
    name: str, *, order: Sequence[str], levels: Sequence[Level] = LEVELS
) -> Callable[[Callable[[Frame], Select]], Callable[[Frame], Select]]:
    """Register a row source under `name` (a decorator for its build function)."""

    def register(build: Callable[[Frame], Select]) -> Callable[[Frame], Select]:
        if name in SOURCES:
            raise ValueError(f"row source {name!r} is registered twice")
        SOURCES[name] = RowSource(name, build, tuple(order), tuple(levels))
        return build

    return register


def _sources() -> dict[str, RowSource]:
    # The sources register themselves on import; imported here, late, so that the catalogue and
    # this module load without them (and without a cycle).
    import metrics.measures.sources  # noqa: F401

    return SOURCES


class Frame:
    """What row sources are built from: one level, scope, period and settings (one statement).

    `entity_id` narrows the frame to one entity (a drill-through). Sources built at another
    period (`shift`) share the frame's members, entities and caches."""

    def __init__(
        self,
        conn: Connection,
        level: Level,
        scope: Scope,
        period: Period,
        settings: Settings,
        entity_id: str | None = None,
        _shared: dict[str, Any] | None = None,
    ) -> None:
        self.conn = conn
        self.level = level
        self.scope = scope
        self.period = period
        self.settings = settings
        self.entity_id = entity_id
        self._shared = {} if _shared is None else _shared

    # --- what every source starts from ---

    @property
    def e(self) -> dt.date:
        return self.period.end

    def shifted(self, shift: int) -> Frame:
        if shift == 0:
            return self
        return Frame(
            self.conn,
            self.level,
            self.scope,
            self.period.shift(shift),
            self.settings,
            self.entity_id,
            self._shared,
        )

    def _memo(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._shared:
            self._shared[key] = make()
        return self._shared[key]

    def entities(self) -> FromClause:
        """(entity_id, name, org_id, role): the entities of the level the scope lets us see."""

        def make() -> FromClause:
            query = entities(self.level, self.scope)
            if self.entity_id is not None:
                query = query.where(query.selected_columns.entity_id == self.entity_id)
            return query.subquery("ents")

        return self._memo("entities", make)  # type: ignore[no-any-return]

    def members(self) -> FromClause:
        """(entity_id, staff_id, role): the appraised staff each visible entity is made of."""

        def make() -> FromClause:
            query = members(self.level, self.scope)
            if self.entity_id is not None:
                query = query.where(query.selected_columns.entity_id == self.entity_id)
            return query.subquery("members")

        return self._memo("members", make)  # type: ignore[no-any-return]

    def staff_members(self) -> FromClause:
        """(entity_id, staff_id, role): every staff member each visible entity answers for,
        whatever their role (see `entities.staff_members`)."""

        def make() -> FromClause:
            query = staff_members(self.level, self.scope)
            if self.entity_id is not None:
                query = query.where(query.selected_columns.entity_id == self.entity_id)
            return query.subquery("staff_members")

        return self._memo("staff_members", make)  # type: ignore[no-any-return]

    def memo(self, key: str, make: Callable[[], Any]) -> Any:
        """A piece of SQL built once per statement (`key` must name everything it depends on,
        the period included)."""
        return self._memo(key, make)

    def book(self, day: dt.date) -> FromClause:
        """(entity_id, client_id): book(x, day) of every visible entity, each client once."""
        query = book(self.level, self.scope, day)
        if self.entity_id is not None:
            query = query.where(query.selected_columns.entity_id == self.entity_id)
        return query.subquery(f"book_{day:%Y%m%d}")

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[s 00:00, e+1 00:00): "s <= date(at) <= e" as a range an index or zone map can use."""
        start = dt.datetime.combine(self.period.start, dt.time())
        return start, dt.datetime.combine(self.e + dt.timedelta(days=1), dt.time())

    def working_days(self) -> int:
        """Working days in P (the mainland-China calendar materialised in `calendar_days`)."""
        key = f"working_days:{self.period}"
        return self._memo(key, lambda: working_days(self.conn, self.period))  # type: ignore[no-any-return]

    def sole_branch(self) -> str | None:
        """The branch's org id when the tree has exactly one branch (clients with no manager
        belong to it), else None."""

        def make() -> str | None:
            ids = [
                r[0]
                for r in sql.rows(self.conn, select(org.c.org_id).where(org.c.kind == "branch"))
            ]
            return ids[0] if len(ids) == 1 else None

        return self._memo("sole_branch", make)  # type: ignore[no-any-return]

    # --- sources ---

    def rows(self, name: str, shift: int = 0) -> Select:
        """The row source `name` built at P shifted by `shift` periods (memoised)."""
        spec = _sources()[name]
        if self.level not in spec.levels:
            raise ValueError(f"{name} has no rows per {self.level!r}")
        key = f"rows:{name}:{shift}"
        return self._memo(key, lambda: spec.build(self.shifted(shift)))  # type: ignore[no-any-return]

    def source(self, name: str, shift: int = 0) -> FromClause:
        """Source `name` as a shared CTE, for a source that builds on another one: the engine
        computes it once for all its uses in the statement."""
        tag = f"{name}_prev{-shift}" if shift else name
        return self._memo(f"cte:{name}:{shift}", lambda: self.rows(name, shift).cte(tag))  # type: ignore[no-any-return]

    def from_clause(self, name: str, shift: int = 0) -> FromClause:
        """The source for an aggregate: its CTE when another source shares it, else a subquery."""
        cte = self._shared.get(f"cte:{name}:{shift}")
        if cte is not None:
            return cte  # type: ignore[no-any-return]
        tag = f"{name}_prev{-shift}" if shift else name
        return self.rows(name, shift).subquery(f"{tag}_rows")


def working_days(conn: Connection, period: Period) -> int:
    """Working days in P from the materialised calendar (refused outside the library's years)."""
    check_covered(period.start, period.end)
    query = (
        select(func.count())
        .select_from(calendar_days)
        .where(calendar_days.c.day.between(period.start, period.end), calendar_days.c.is_workday)
    )
    return int(sql.scalar(conn, query, "working days"))


@scoped
def source_rows(
    conn: Connection,
    source: str,
    level: Level,
    entity_id: str,
    period: Period,
    scope: Scope,
    settings: Settings,
) -> pd.DataFrame:
    """Every row of a row source for one entity, in the source's order (a drill-through lists
    only the rows of one figure; this lists all of them, e.g. every request with its deadlines)."""
    frame = Frame(conn, level, scope, period, settings, entity_id)
    sub = frame.rows(source).subquery("rows")
    order = [c for c in _sources()[source].order if c in sub.c]
    query = sub.select().where(sub.c.entity_id == entity_id).order_by(*(sub.c[c] for c in order))
    return sql.read(conn, query, f"rows {source} {level} {period}")


# --- filters and aggregates in SQL ----------------------------------------------------------------


def condition(src: FromClause, where: Iterable[Term]) -> ColumnElement[bool] | None:
    parts: list[ColumnElement[bool]] = []
    for term in where:
        if isinstance(term, str):
            parts.append(src.c[term] == 1)
        elif term[1] == NOT_NULL:
            parts.append(src.c[term[0]].is_not(None))
        else:
            parts.append(src.c[term[0]] == term[1])
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else and_(*parts)


def aggregate(agg: Agg, src: FromClause) -> ColumnElement[Any]:
    cond = condition(src, agg.where)
    if agg.fn == "count":
        return func.count() if cond is None else func.sum(case((cond, 1), else_=0))
    assert agg.column is not None
    col: ColumnElement[Any] = src.c[agg.column]
    if cond is not None:
        col = case((cond, col), else_=None)
    if agg.fn == "distinct":
        return func.count(distinct(col))
    if agg.fn == "sum":
        return func.sum(col)
    return func.min(col) if agg.fn == "min" else func.max(col)


def read_agg(agg: Agg, raw: Any) -> Any:
    """An aggregate as the Python value of its cast (no rows: 0, or None for a date)."""
    if agg.cast == "date":
        return None if is_null(raw) else raw
    if agg.cast == "int" and agg.divide_by == 1:
        return as_int(raw)
    value = as_decimal(raw)
    if agg.divide_by != 1:
        value = value / agg.divide_by
    if agg.cast == "money":
        return as_money(value)
    if agg.cast == "float":
        return float(value)
    return value


# --- which metrics, which columns --------------------------------------------------------------


def metrics_for(kind: str | None, ids: Iterable[str] | None) -> list[Metric]:
    """The metrics of a table: `ids` (in catalogue order) or every metric of `kind`."""
    if ids is None:
        if kind is None:
            raise ValueError("a table needs a kind or metric ids")
        return [BY_ID[i] for i in kind_ids(kind)]
    wanted = list(ids)
    unknown = [i for i in wanted if i not in BY_ID or (kind is not None and BY_ID[i].kind != kind)]
    if unknown:
        what = f"{kind} metrics" if kind else "metrics"
        raise ValueError(f"not {what}: {', '.join(sorted(unknown))}")
    return [m for m in CATALOGUE if m.id in wanted]


def part_columns(metrics: Iterable[Metric]) -> list[str]:
    return [f"{m.id}__{p}" for m in metrics if m.has_parts for p in ("num", "den")]


def detail_columns(metrics: Iterable[Metric], level: Level) -> list[str]:
    return [d.id for m in metrics for d in m.details]


def columns(metrics: Sequence[Metric], level: Level) -> list[str]:
    """A table's columns: entity_id, the metric ids, the descriptive columns, the ratio parts,
    then the details."""
    return [
        "entity_id",
        *(m.id for m in metrics),
        *DESCRIPTIVE,
        *part_columns(metrics),
        *detail_columns(metrics, level),
    ]


def check_level(metrics: Iterable[Metric], level: Level) -> None:
    for metric in metrics:
        if level not in metric.levels:
            raise ValueError(
                f"{metric.id} is computed per {' or '.join(metric.levels)}, not per {level!r}"
            )


# --- the table -----------------------------------------------------------------------------------


class _Plan:
    """The aggregates a set of metrics needs, grouped by (row source, period shift), each once."""

    def __init__(self, metrics: Sequence[Metric], level: Level) -> None:
        self.groups: dict[tuple[str, int], dict[Agg, str]] = {}
        computes: list[Any] = [m.compute for m in metrics]
        computes += [d.compute for m in metrics for d in m.details]
        for compute in computes:
            for agg, shift in aggs_of(compute):
                group = self.groups.setdefault((agg.source, shift), {})
                if agg not in group:
                    group[agg] = f"a{sum(len(g) for g in self.groups.values())}"

    def label(self, agg: Agg, shift: int = 0) -> str:
        return self.groups[(agg.source, shift)][agg]


def statement(frame: Frame, plan: _Plan) -> Select:
    """The entities of the frame, each left-joined to its aggregate of every source."""
    # Build every source first, so that the sources another one shares are known as CTEs.
    for name, shift in plan.groups:
        frame.rows(name, shift)
    ents = frame.entities()
    joined: Any = ents
    selected: list[Any] = [ents.c.entity_id, *(ents.c[c] for c in DESCRIPTIVE)]
    for index, ((name, shift), aggs) in enumerate(plan.groups.items()):
        src = frame.from_clause(name, shift)
        part = (
            select(src.c.entity_id, *(aggregate(a, src).label(lbl) for a, lbl in aggs.items()))
            .group_by(src.c.entity_id)
            .subquery(f"agg{index}_{name}")
        )
        joined = joined.outerjoin(part, part.c.entity_id == ents.c.entity_id)
        selected += [part.c[lbl] for lbl in aggs.values()]
    return select(*selected).select_from(joined)


def _figures(
    compute: Any, raw: dict[str, list[Any]], plan: _Plan, period: Period
) -> tuple[list[Any], str, list[Any] | None, list[Any] | None]:
    """(figures, column kind, numerators, denominators) of one computation over every row."""

    def get(agg: Agg, shift: int = 0) -> list[Any]:
        return [read_agg(agg, v) for v in raw[plan.label(agg, shift)]]

    if isinstance(compute, Value):
        got = get(compute.agg)
        return got, _kind(compute.agg), None, None
    if isinstance(compute, Ratio):
        nums, dens = get(compute.num), get(compute.den)
        figures = [ratio(n, d) for n, d in zip(nums, dens, strict=True)]
        return figures, "float", nums, dens
    if isinstance(compute, Change):
        now, prev = get(compute.agg), get(compute.agg, -1)
        return [a - b for a, b in zip(now, prev, strict=True)], _kind(compute.agg), None, None
    if isinstance(compute, DaysBefore):
        return [days_before(period.end, d) for d in get(compute.agg)], "int", None, None
    if isinstance(compute, Exceeds):
        return [], "bool", None, None
    raise TypeError(f"unknown computation {compute!r}")


def _kind(agg: Agg) -> str:
    if agg.cast == "int" and agg.divide_by == 1:
        return "int"
    return "float" if agg.cast == "float" else "object"


def _part_kind(values: list[Any]) -> str:
    return "int" if all(isinstance(v, int) for v in values) else "object"


@dataclass(frozen=True)
class Columns:
    """A metric table as plain Python lists, one per column in `names` order (None is null),
    each with its kind in the one null convention ('int', 'float', 'bool', or 'object' for
    decimals, dates and text): what `table` makes its frame of, and what the command line
    writes without importing pandas."""

    names: list[str]
    values: dict[str, list[Any]]
    kinds: dict[str, str]

    def __len__(self) -> int:
        return len(self.values["entity_id"])

    def rows(self, names: Sequence[str]) -> list[tuple[Any, ...]]:
        return list(zip(*(self.values[n] for n in names), strict=True))

    def frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame({n: column(self.values[n], self.kinds[n]) for n in self.names})


def _prepare(
    kind: str | None, metrics: Iterable[str] | None, level: Level
) -> tuple[list[Metric], _Plan]:
    chosen = metrics_for(kind, metrics)
    check_level(chosen, level)
    return chosen, _Plan(chosen, level)


def _columns(
    chosen: list[Metric],
    plan: _Plan,
    raw: dict[str, list[Any]],
    period: Period,
    level: Level,
    settings: Settings,
) -> Columns:
    """Every figure, part and detail of the table from its statement's raw columns (sorted by
    entity_id)."""
    values: dict[str, list[Any]] = {"entity_id": raw["entity_id"]}
    kinds: dict[str, str] = {"entity_id": "object"}
    parts: dict[str, tuple[list[Any], str]] = {}
    for metric in chosen:
        figures, kind_of, nums, dens = _figures(metric.compute, raw, plan, period)
        values[metric.id], kinds[metric.id] = figures, kind_of
        if nums is not None and dens is not None:
            parts[f"{metric.id}__num"] = (nums, _part_kind(nums))
            parts[f"{metric.id}__den"] = (dens, _part_kind(dens))
    for name in DESCRIPTIVE:
        values[name], kinds[name] = raw[name], "object"
    for name, (got, kind_of) in parts.items():
        values[name], kinds[name] = got, kind_of
    for metric in chosen:
        for detail in metric.details:
            got, kind_of = _detail(detail, raw, plan, period, values, level, settings)
            values[detail.id], kinds[detail.id] = got, kind_of
    return Columns(columns(chosen, level), values, kinds)


@scoped
def table(
    conn: Connection,
    period: Period,
    level: Level,
    scope: Scope,
    settings: Settings,
    *,
    kind: str | None = None,
    metrics: Iterable[str] | None = None,
) -> pd.DataFrame:
    """One row per entity of `level` inside `scope`, sorted by entity_id: the figures of `kind`
    (or of the metric ids `metrics`), their parts and details, and the descriptive columns."""
    chosen, plan = _prepare(kind, metrics, level)
    frame = Frame(conn, level, scope, period, settings)
    raw = sql.read(conn, statement(frame, plan), f"{kind or 'metrics'} {level} {period}")
    raw = raw.sort_values("entity_id", kind="stable", ignore_index=True)
    lists = {name: raw[name].tolist() for name in raw.columns}
    return _columns(chosen, plan, lists, period, level, settings).frame()


@scoped
def table_columns(
    conn: Connection,
    period: Period,
    level: Level,
    scope: Scope,
    settings: Settings,
    *,
    kind: str | None = None,
    metrics: Iterable[str] | None = None,
) -> Columns:
    """`table`'s figures as plain Python columns, without pandas: the same statement and the same
    figures (a short command should not pay pandas' import, about a third of its start-up)."""
    chosen, plan = _prepare(kind, metrics, level)
    frame = Frame(conn, level, scope, period, settings)
    names, rows = sql.records(conn, statement(frame, plan), f"{kind or 'metrics'} {level} {period}")
    key = names.index("entity_id")
    rows.sort(key=lambda row: row[key])  # stable, as `table`'s sort_values(kind="stable")
    lists = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    return _columns(chosen, plan, lists, period, level, settings)


def _detail(
    detail: Detail,
    raw: dict[str, list[Any]],
    plan: _Plan,
    period: Period,
    values: dict[str, list[Any]],
    level: Level,
    settings: Settings,
) -> tuple[list[Any], str]:
    if isinstance(detail.compute, Exceeds):
        limit = int(settings[detail.compute.setting])
        shown = level in detail.levels
        figures = [
            None if not shown or is_null(v) else bool(v > limit)
            for v in values[detail.compute.metric]
        ]
        return figures, "bool"
    figures, kind_of, _, _ = _figures(detail.compute, raw, plan, period)
    if level not in detail.levels:
        figures = [None] * len(raw["entity_id"])
    return figures, kind_of


# --- drill-through ------------------------------------------------------------------------------


def drill_filter(metric_id: str) -> tuple[Term, ...]:
    """The filter that marks, among a ratio's drilled rows, those its numerator counts (empty for
    other metrics, whose drilled rows all count)."""
    compute = BY_ID[metric_id].compute
    if isinstance(compute, Ratio):
        return tuple(t for t in compute.num.where if t not in compute.den.where)
    return ()


def _drill_rows(frame: Frame, agg: Agg, shift: int = 0) -> Select:
    """The rows of `agg`'s source for the frame's one entity that the aggregate reads."""
    sub = frame.rows(agg.source, shift).subquery("drill")
    query = sub.select()
    cond = condition(sub, agg.where)
    if cond is not None:
        query = query.where(cond)
    query = query.where(sub.c.entity_id == frame.entity_id)
    if agg.fn == "distinct":
        assert agg.column is not None
        grouped = query.subquery("drilled")
        return (
            select(
                grouped.c.entity_id,
                grouped.c[agg.column],
                func.count().label("rows"),
            )
            .group_by(grouped.c.entity_id, grouped.c[agg.column])
            .order_by(grouped.c[agg.column])
        )
    order = [c for c in _sources()[agg.source].order if c in sub.c]
    return query.order_by(*(sub.c[c] for c in order))


@scoped
def drill(
    conn: Connection,
    metric_id: str,
    level: Level,
    entity_id: str,
    period: Period,
    scope: Scope,
    settings: Settings,
) -> pd.DataFrame:
    """The rows that make `metric_id` of one entity in `period` (an entity outside `scope` has
    none): a count lists the rows it counts, a sum the rows it adds up, a ratio its
    denominator's rows (the numerator's are those matching `drill_filter`), a distinct count one
    row per distinct value (`rows` = how many source rows), a change both periods' rows (a
    `period` column, 'P' or 'P-1')."""
    if metric_id not in BY_ID:
        raise ValueError(f"unknown metric {metric_id!r}")
    metric = BY_ID[metric_id]
    check_level([metric], level)
    frame = Frame(conn, level, scope, period, settings, entity_id)
    compute = metric.compute
    label = f"drill {metric_id} {level} {period}"
    if isinstance(compute, Change):
        now = _drill_rows(frame, compute.agg).add_columns(literal("P").label("period"))
        prev = _drill_rows(frame, compute.agg, -1).add_columns(literal("P-1").label("period"))
        both = union_all(now.order_by(None), prev.order_by(None)).subquery("both")
        order = [c for c in _sources()[compute.agg.source].order if c in both.c]
        query = both.select().order_by(both.c.period, *(both.c[c] for c in order))
        return sql.read(conn, query, label)
    agg = compute.den if isinstance(compute, Ratio) else compute.agg
    rows = sql.read(conn, _drill_rows(frame, agg), label)
    if isinstance(compute, DaysBefore):
        # Each row's own figure beside its date (a member's idle days beside the last login).
        assert agg.column is not None
        days = [days_before(period.end, d) for d in rows[agg.column].tolist()]
        rows[metric_id] = column(days, "int")
    return rows


def matches(rows: pd.DataFrame, where: Iterable[Term]) -> pd.Series:
    import pandas as pd

    mask = pd.Series(True, index=rows.index)
    for term in where:
        if isinstance(term, str):
            mask &= rows[term].map(lambda v: not is_null(v) and int(v) == 1).astype(bool)
        elif term[1] == NOT_NULL:
            mask &= rows[term[0]].map(lambda v: not is_null(v)).astype(bool)
        else:
            mask &= rows[term[0]] == term[1]
    return mask


def _pandas_agg(agg: Agg, rows: pd.DataFrame) -> Any:
    """The aggregate recomputed from drilled rows in plain Python (no SQL)."""
    if agg.fn == "distinct":
        # Drilled rows of a distinct count are already filtered and grouped by the value.
        assert agg.column is not None
        return len({v for v in rows[agg.column].tolist() if not is_null(v)})
    chosen = rows[matches(rows, agg.where)] if len(rows) else rows
    if agg.fn == "count":
        return len(chosen)
    assert agg.column is not None
    present = [v for v in chosen[agg.column].tolist() if not is_null(v)]
    if agg.fn in ("min", "max"):
        return (min if agg.fn == "min" else max)(present) if present else None
    if agg.cast == "int" and agg.divide_by == 1:
        return sum(int(v) for v in present)
    return read_agg(agg, sum((as_decimal(v) for v in present), Decimal(0)))


def reaggregate(metric_id: str, rows: pd.DataFrame, period: Period | None = None) -> Any:
    """A metric's figure recomputed from its drilled rows (`drill`), in pandas."""
    compute = BY_ID[metric_id].compute
    if isinstance(compute, Value):
        return _pandas_agg(compute.agg, rows)
    if isinstance(compute, Ratio):
        return ratio(_pandas_agg(compute.num, rows), _pandas_agg(compute.den, rows))
    if isinstance(compute, Change):
        now = rows[rows["period"] == "P"] if len(rows) else rows
        prev = rows[rows["period"] == "P-1"] if len(rows) else rows
        return _pandas_agg(compute.agg, now) - _pandas_agg(compute.agg, prev)
    if isinstance(compute, DaysBefore):
        if period is None:
            raise ValueError(f"{metric_id} needs the period to re-aggregate")
        return days_before(period.end, _pandas_agg(compute.agg, rows))
    raise TypeError(f"unknown computation {compute!r}")
