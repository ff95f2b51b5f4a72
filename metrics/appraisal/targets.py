"""Per-person targets (指标分解) as the scheme editor shows them: who a scheme's targets can be
set for, and the targets as the CSV `staff_id, kpi, target` that `--targets` and the editor's
upload read (`schemes.with_targets`), so a download can be edited and uploaded again.

Choices where the spec is silent:
- **Who is listed**: the staff with the scheme's role on its org unit and every unit below it
  (the whole bank without one) who have not left before the scheme's first period (before today
  when it has none), inside the caller's scope. Scoring decides coverage per period
  (`scoring.covered_actuals`); this list only says whom a target can be typed for.
- A person who holds a target but is no longer listed (left, moved) is still shown by id, so
  their target is never dropped unseen by an edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import pandas as pd
from sqlalchemy import Connection, or_, select

from data.schema import Staff
from metrics.appraisal.schemes import TARGET_COLUMNS, Item, Scheme
from metrics.appraisal.scoring import visible_staff
from metrics.core import sql
from metrics.core.entities import org_closure
from metrics.core.periods import Period, PeriodError
from metrics.core.scope import Scope, scoped
from metrics.exports.text_formats import csv_bytes, text_rows

staff_table = Staff.__table__


def targetable(item: Item) -> bool:
    """Whether an item can hold per-person targets (a rank item has no target at all)."""
    return item.rule in ("linear", "threshold")


def _since(scheme: Scheme, today: dt.date | None) -> dt.date:
    if scheme.period:
        try:
            return Period.parse(scheme.period).start
        except PeriodError:
            pass  # an unfinished draft's period: said by validation, not here
    return today or dt.date.today()


@scoped
def covered_staff(
    conn: Connection, scheme: Scheme, scope: Scope, today: dt.date | None = None
) -> pd.DataFrame:
    """`staff_id, name` of the staff a target can be set for (see the module), by staff id."""
    query = select(staff_table.c.staff_id, staff_table.c.name).where(
        staff_table.c.role == scheme.role,
        or_(staff_table.c.left_on.is_(None), staff_table.c.left_on >= _since(scheme, today)),
    )
    if scheme.org_id is not None:
        closure = org_closure()
        below = select(closure.c.org_id).where(closure.c.ancestor_id == scheme.org_id)
        query = query.where(staff_table.c.org_id.in_(below))
    frame = pd.DataFrame(
        [tuple(r) for r in sql.run(conn, query)], columns=["staff_id", "name"], dtype="object"
    )
    visible = visible_staff(conn, scope)
    if visible is not None:
        frame = frame[frame["staff_id"].isin(visible)]
    return frame.sort_values("staff_id", kind="stable").reset_index(drop=True)


def targets_frame(scheme: Scheme) -> pd.DataFrame:
    """Every per-person target of the scheme as rows `staff_id, kpi, target` (item order, then
    staff id)."""
    rows = [
        (staff_id, item.kpi, value) for item in scheme.items for staff_id, value in item.targets
    ]
    return pd.DataFrame(rows, columns=list(TARGET_COLUMNS), dtype="object")


def _plain(value: Decimal) -> str:
    """6000000, 0.95: the number as typed, never 6E+6."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def targets_csv(scheme: Scheme) -> bytes:
    """The scheme's per-person targets as a spreadsheet CSV (BOM, CRLF, formula-safe text) that
    `schemes.with_targets` reads back unchanged."""
    frame = targets_frame(scheme)
    frame["target"] = [_plain(v) for v in frame["target"]]
    return csv_bytes(TARGET_COLUMNS, text_rows(frame, TARGET_COLUMNS))


def with_person_targets(
    rows: list[dict[str, object]], targets: Mapping[str, Mapping[str, Decimal]]
) -> list[dict[str, object]]:
    """The editor's item rows with the per-person targets of their KPI attached (file form:
    `{"00101": 6000000}`); an item the grid holds none for keeps none."""
    out = []
    for row in rows:
        own = targets.get(str(row.get("kpi") or ""))
        out.append({**row, "targets": {k: str(v) for k, v in own.items()}} if own else row)
    return out
