"""Appraisal scoring (kpis.md, "Appraisal schemes"): a scheme version + a period -> scores, ranks,
grades and an explanation line per item for every staff member the scheme covers.

Choices where kpis.md is silent (each is what a wealth-centre director expects, and tested):

- **Who is covered**: the staff with the scheme's role on the scheme's org unit and every unit
  below it (the whole bank when it has no org unit), who were employed during the period
  (`hired_on` empty or on or before e, `left_on` empty or on or after s). Ranks, the `rank` rule
  and grades are always computed over that whole population; the caller's scope only filters
  which rows are returned, so a planner sees their true rank among their colleagues and nothing
  of the colleagues themselves.
- **Points are not rounded** (cli.md): item scores and totals are exact decimals, the total is
  the sum of the unrounded item scores, and ranks and grades compare those unrounded totals (two
  totals that round to the same 2 decimals can still differ in rank). Displays (pages, packs,
  explanations) round to 2 decimals, half-up.
- **Ties share a rank** with competition ranking ("1, 1, 3"), for the total and for the `rank`
  rule alike. In the `rank` rule n counts every staff member covered; staff whose actual is null
  score 0 (flagged) and are ranked behind everyone with a figure, so they take no better rank
  from anyone.
- **Lower-is-better KPIs** (none of today's appraisal KPIs, but the rules are direction-aware):
  linear uses target / actual (an actual of 0 or less earns the cap), threshold is met at
  actual <= target, rank 1 is the smallest actual, and the gate fails when the actual is *above*
  it. For higher-is-better KPIs the gate fails when the actual is below it, as written.
- **Negative actuals** (an AUM increment can be negative) score 0 under linear: the ratio is
  clamped to [0, cap].
- **Forced-distribution grades**: the counts are shares x n rounded by the largest-remainder
  method (floor every quota, then give the seats left over to the largest fractional parts,
  the better grade first on equal parts), so the counts add up to exactly n. Staff are taken in
  rank order; staff tied on the total never get different grades: a tie straddling a boundary
  all take the better grade, and the following grade has that many fewer places.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, and_, or_, select

from data.schema import Staff
from data.settings import load_settings
from metrics.appraisal.schemes import Item, Scheme, check
from metrics.core import completeness, sql
from metrics.core.catalogue import BY_ID
from metrics.core.entities import entities
from metrics.core.periods import Period
from metrics.core.scope import Scope, scoped
from metrics.core.values import decimal_or_none
from metrics.measures.tables import scorecard

POINT = Decimal("0.01")
staff_table = Staff.__table__


class AppraisalError(ValueError):
    """A scheme that cannot be applied to the period asked for."""


@dataclass(frozen=True)
class ItemScore:
    points: Decimal
    flag: str | None
    explanation: str


def shown(value: Decimal) -> Decimal:
    """Points as a display shows them: 2 decimals, half-up (the figures themselves are exact)."""
    return value.quantize(POINT, rounding=ROUND_HALF_UP)


def _dec(value: Any) -> Decimal | None:
    """An actual as an exact Decimal (None for null)."""
    return decimal_or_none(value)


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return "null"
    text = format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    if abs(value) >= 10000:
        return f"{value:,.2f}"
    return text


def competition_ranks(values: list[Decimal | None], lower_is_better: bool = False) -> list[int]:
    """Rank 1 = best; equal values share a rank and the next rank skips ("1, 1, 3"). Nulls come
    after every value (and share the rank after the last value)."""
    present = [v for v in values if v is not None]
    ranks: list[int] = []
    for v in values:
        if v is None:
            ranks.append(len(present) + 1)
        elif lower_is_better:
            ranks.append(1 + sum(1 for w in present if w < v))
        else:
            ranks.append(1 + sum(1 for w in present if w > v))
    return ranks


def score_item(
    item: Item,
    actual: Decimal | None,
    better: str,
    rank: int | None = None,
    n: int = 1,
) -> ItemScore:
    """The points of one item for one staff member (`rank`/`n` only matter for the rank rule)."""
    lower = better == "lower"
    weight = item.weight
    target = "" if item.target is None else f", target {_fmt(item.target)}"
    head = f"{item.kpi}: actual {_fmt(actual)}{target}, {item.rule}"
    if actual is None:
        return ItemScore(Decimal(0), f"null actual: {item.kpi}", f"{head}: no figure, 0 points")
    if item.gate is not None and (actual > item.gate if lower else actual < item.gate):
        side = "above" if lower else "below"
        return ItemScore(
            Decimal(0),
            f"gate not met: {item.kpi}",
            f"{head}: {side} the gate {_fmt(item.gate)}, 0 points",
        )
    if item.rule == "linear":
        assert item.target is not None  # validated
        if lower:
            ratio = item.cap if actual <= 0 else item.target / actual
            how = "target / actual"
        else:
            ratio = actual / item.target
            how = "actual / target"
        clamped = min(max(ratio, Decimal(0)), item.cap)
        raw = weight * clamped
        detail = f"{_fmt(weight)} x clamp({how} = {ratio:.4f}, 0, {_fmt(item.cap)})"
    elif item.rule == "threshold":
        assert item.target is not None
        met = actual <= item.target if lower else actual >= item.target
        raw = weight if met else Decimal(0)
        detail = f"target {'met' if met else 'not met'}"
    else:
        assert rank is not None
        share = Decimal(1) if n <= 1 else 1 - Decimal(rank - 1) / Decimal(n - 1)
        raw = weight * share
        detail = f"rank {rank} of {n}: {_fmt(weight)} x (1 - ({rank} - 1) / ({n} - 1))"
        if n <= 1:
            detail = f"rank {rank} of {n}: full weight"
    points = raw
    if item.max_score is not None and points > item.max_score:
        detail += f", capped at the maximum {_fmt(item.max_score)}"
        points = item.max_score
    return ItemScore(points, None, f"{head}: {detail} = {shown(points)} points")


def grade_counts(grades: tuple[tuple[str, Decimal], ...], n: int) -> list[int]:
    """Places per grade (best first) for n staff, by the largest-remainder method."""
    quotas = [share * n for _, share in grades]
    counts = [int(q.to_integral_value(rounding=ROUND_FLOOR)) for q in quotas]
    left = n - sum(counts)
    # Largest fractional part first; on equal parts the better (earlier) grade first.
    order = sorted(range(len(grades)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[: max(left, 0)]:
        counts[i] += 1
    return counts


def assign_grades(
    grades: tuple[tuple[str, Decimal], ...], totals: list[Decimal]
) -> list[str | None]:
    """One grade per total (same order as `totals`); ties never split across grades."""
    if not grades:
        return [None] * len(totals)
    counts = grade_counts(grades, len(totals))
    bounds: list[int] = []
    running = 0
    for c in counts:
        running += c
        bounds.append(running)
    order = sorted(range(len(totals)), key=lambda i: -totals[i])
    result: list[str | None] = [None] * len(totals)
    previous: tuple[Decimal, str] | None = None
    for position, i in enumerate(order):
        if previous is not None and totals[i] == previous[0]:
            grade = previous[1]
        else:
            band = next((g for g, b in enumerate(bounds) if position < b), len(grades) - 1)
            grade = grades[band][0]
        result[i] = grade
        previous = (totals[i], grade)
    return result


def score_actuals(
    scheme: Scheme,
    actuals: pd.DataFrame,
    better: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Score a frame of actuals (`entity_id`, one column per item KPI, optional `name`, `org_id`,
    `role`) under `scheme`. `better` overrides the catalogue's direction per KPI (tests).

    Returns `entity_id, total, rank, grade, score_<kpi>..., name, org_id, role, flags,
    actual_<kpi>..., explain_<kpi>...`, sorted by rank then entity_id.
    """
    direction = {
        item.kpi: (better or {}).get(item.kpi) or BY_ID[item.kpi].better or "higher"
        for item in scheme.items
    }
    ids = list(actuals["entity_id"])
    n = len(ids)
    values: dict[str, list[Decimal | None]] = {
        item.kpi: [_dec(v) for v in actuals[item.kpi]] if item.kpi in actuals else [None] * n
        for item in scheme.items
    }
    ranks = {
        item.kpi: competition_ranks(values[item.kpi], direction[item.kpi] == "lower")
        for item in scheme.items
        if item.rule == "rank"
    }
    records: list[dict[str, Any]] = []
    for row in range(n):
        record: dict[str, Any] = {"entity_id": ids[row]}
        flags: list[str] = []
        total = Decimal(0)
        for item in scheme.items:
            # A per-person target replaces the item's for that person only (指标分解).
            result = score_item(
                item.for_person(str(ids[row])),
                values[item.kpi][row],
                direction[item.kpi],
                ranks[item.kpi][row] if item.kpi in ranks else None,
                n,
            )
            record[f"score_{item.kpi}"] = result.points
            record[f"actual_{item.kpi}"] = values[item.kpi][row]
            record[f"target_{item.kpi}"] = item.target_for(str(ids[row]))
            record[f"explain_{item.kpi}"] = result.explanation
            total += result.points
            if result.flag:
                flags.append(result.flag)
        record["total"] = total
        record["flags"] = "; ".join(flags)
        for column in ("name", "org_id", "role"):
            if column in actuals:
                record[column] = actuals[column].iloc[row]
        records.append(record)
    totals = [r["total"] for r in records]
    for record, rank, grade in zip(
        records,
        competition_ranks(list(totals)),
        assign_grades(scheme.grades, totals),
        strict=True,
    ):
        record["rank"] = rank
        record["grade"] = grade
    kpis = [item.kpi for item in scheme.items]
    columns = [
        "entity_id",
        "total",
        "rank",
        "grade",
        *(f"score_{k}" for k in kpis),
        *(c for c in ("name", "org_id", "role") if c in actuals),
        "flags",
        *(f"actual_{k}" for k in kpis),
        *(f"target_{k}" for k in kpis),
        *(f"explain_{k}" for k in kpis),
    ]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame["rank"] = frame["rank"].astype("int64")
    return frame.sort_values(["rank", "entity_id"], kind="stable").reset_index(drop=True)


# --- on the database ----------------------------------------------------------------------


def covered_actuals(
    conn: Connection,
    scheme: Scheme,
    period: Period,
    settings: dict[str, Decimal] | None = None,
) -> pd.DataFrame:
    """The scorecard of every staff member the scheme covers (scope ignored: see the module)."""
    base = Scope.everything() if scheme.org_id is None else Scope.org(scheme.org_id)
    frame = scorecard(conn, period, "staff", base, settings)
    frame = frame[frame["role"] == scheme.role]
    employed = {
        r[0]
        for r in sql.run(
            conn,
            select(staff_table.c.staff_id).where(
                staff_table.c.role == scheme.role,
                and_(
                    or_(staff_table.c.hired_on.is_(None), staff_table.c.hired_on <= period.end),
                    or_(staff_table.c.left_on.is_(None), staff_table.c.left_on >= period.start),
                ),
            ),
        )
    }
    return frame[frame["entity_id"].isin(employed)].reset_index(drop=True)


@scoped
def visible_staff(conn: Connection, scope: Scope) -> set[str] | None:
    """Staff ids inside `scope` (None: everything)."""
    if scope.is_everything:
        return None
    return {r[0] for r in sql.run(conn, entities("staff", scope))}


def check_period(scheme: Scheme, period: Period) -> None:
    if period.kind != scheme.cycle:
        raise AppraisalError(
            f"the scheme's cycle is {scheme.cycle}, but period {period} is a {period.kind}"
        )


@scoped
def appraise(
    conn: Connection,
    scheme: Scheme,
    period: Period,
    scope: Scope,
    settings: dict[str, Decimal] | None = None,
) -> pd.DataFrame:
    """Scores of `scheme` for `period`: the rows of the covered staff inside `scope`.

    The frame's `attrs` name the scheme version used (`scheme`, `scheme_id`, `scheme_version`)
    and the period, so every result says which version it came from.
    """
    check(scheme)
    check_period(scheme, period)
    try:
        # Never a score or a rank for a period whose month-end AUM is not imported yet.
        completeness.require_complete(conn, period)
    except completeness.IncompletePeriodError as exc:
        raise AppraisalError(str(exc)) from None
    settings = load_settings(conn) if settings is None else settings
    scored = score_actuals(scheme, covered_actuals(conn, scheme, period, settings))
    population = len(scored)
    visible = visible_staff(conn, scope)
    if visible is not None:
        scored = scored[scored["entity_id"].isin(visible)].reset_index(drop=True)
    scored.attrs.update(
        scheme=scheme.label,
        scheme_id=scheme.scheme_id,
        scheme_version=scheme.version,
        period=period.label(),
        population=population,  # ranks are "of n" over this many staff, not the rows shown
    )
    return scored


@scoped
def what_if(
    conn: Connection,
    draft: Scheme,
    published: Scheme | None,
    period: Period,
    scope: Scope,
) -> pd.DataFrame:
    """The draft's scores and ranks side by side with the published version's, for one period.

    Columns: entity_id, name, total_published, rank_published, grade_published, total_draft,
    rank_draft, grade_draft, total_change, rank_change (positive = moved up), movement
    (up / down / same / new / gone) and why (the items whose points changed most, with what
    changed in them). Without a published version the `_published` columns are empty.
    """
    settings = load_settings(conn)
    new = appraise(conn, draft, period, scope, settings).set_index("entity_id")
    old = (
        appraise(conn, published, period, scope, settings).set_index("entity_id")
        if published is not None
        else None
    )
    ids = sorted(set(new.index) | set(old.index if old is not None else []))
    old_items = {i.kpi: i for i in published.items} if published is not None else {}
    new_items = {i.kpi: i for i in draft.items}
    rows = []
    for entity in ids:
        in_new = entity in new.index
        in_old = old is not None and entity in old.index
        row: dict[str, Any] = {"entity_id": entity}
        source = new if in_new else old
        assert source is not None
        row["name"] = source.at[entity, "name"] if "name" in source else None
        for suffix, frame, present in (("published", old, in_old), ("draft", new, in_new)):
            for column in ("total", "rank", "grade"):
                row[f"{column}_{suffix}"] = (
                    frame.at[entity, column] if present and frame is not None else None
                )
        if in_new and in_old:
            row["total_change"] = row["total_draft"] - row["total_published"]
            row["rank_change"] = int(row["rank_published"]) - int(row["rank_draft"])
            change = row["rank_change"]
            row["movement"] = "up" if change > 0 else "down" if change < 0 else "same"
        else:
            row["total_change"] = None
            row["rank_change"] = None
            row["movement"] = "new" if in_new else "gone"
        reasons = []
        for kpi in dict.fromkeys([*new_items, *old_items]):
            had = old is not None and in_old and kpi in old_items
            before = (
                _dec(old.at[entity, f"score_{kpi}"]) if had and old is not None else None
            ) or Decimal(0)
            after = (
                _dec(new.at[entity, f"score_{kpi}"]) if in_new and kpi in new_items else None
            ) or Decimal(0)
            if before != after:
                reasons.append((abs(after - before), kpi, after - before))
        reasons.sort(key=lambda r: (-r[0], r[1]))
        row["why"] = "; ".join(
            f"{kpi} {shown(delta):+} ({_item_change(old_items.get(kpi), new_items.get(kpi))})"
            for _, kpi, delta in reasons[:3]
        )
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values(
        ["rank_draft", "entity_id"], kind="stable", na_position="last"
    ).reset_index(drop=True)


def _item_change(old: Item | None, new: Item | None) -> str:
    """What changed in one item between the published version and the draft, in a few words."""
    if old is None:
        return "new item"
    if new is None:
        return "item removed"
    parts = []
    for name in ("weight", "target", "rule", "cap", "gate", "max_score", "targets"):
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            parts.append(f"{name} {_show(a)} -> {_show(b)}")
    return ", ".join(parts) or "same item, different ranks"


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, tuple):  # per-person targets
        return f"{len(value)} per-person target(s)"
    return _fmt(value) if isinstance(value, Decimal) else str(value)


def schemes_covering(conn: Connection, staff_id: str) -> list[Scheme]:
    """The published schemes that appraise this staff member (their role, on their org unit or
    one above it, or bank-wide): what a planner's own page shows."""
    from metrics.appraisal.schemes import list_schemes
    from metrics.core.entities import org_closure

    row = sql.run(
        conn,
        select(staff_table.c.role, staff_table.c.org_id).where(staff_table.c.staff_id == staff_id),
    ).first()
    if row is None:
        return []
    closure = org_closure()
    above = {
        r[0] for r in sql.run(conn, select(closure.c.ancestor_id).where(closure.c.org_id == row[1]))
    }
    return [
        s
        for s in list_schemes(conn)
        if s.status == "published" and s.role == row[0] and (s.org_id is None or s.org_id in above)
    ]
