"""The references of lifecycle.md whose target depends on the row: a client's referrer, a
quarterly report's plan. Checked in the import's transaction, against this batch and the store,
after the contract's plain references (data.contract `references`) and like them: a row that
breaks one is rejected with its line and reason and leaves the staging table.

- `clients.referred_by`: with source `staff_referral`, an existing staff member; with
  `client_referral`, an existing client (the same file included; a rejected referrer rejects the
  clients it referred, so the check repeats until nothing changes). `validate` has already
  rejected a referrer given with any other source.
- `plans.plan_ref` (only on a quarterly report, `validate` saw to that): an existing plan of kind
  `plan` of the same client. A plan of this batch replaces the stored row of its id, so the
  batch's version is the one judged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    case,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
)

from data.contract import Table as ContractTable
from data.readers import Problem

Staged = dict[str, Table]


def reject_life_cycle_references(
    conn: Connection, table: ContractTable, stg: Table, staged: Staged, problems: list[Problem]
) -> None:
    if table.name == "clients":
        _referrers(conn, table, stg, staged, problems)
    elif table.name == "plans":
        _plan_refs(conn, table, stg, staged, problems)


def _known(
    stored: Table, column: str, staged: Table | None, value: ColumnElement[str]
) -> ColumnElement[bool]:
    """`value` is an id in the store or in this batch."""
    found = exists(select(stored.c[column]).where(stored.c[column] == value))
    if staged is None:
        return found
    other = staged.alias()  # an alias: clients may refer to clients of the same file
    return or_(found, exists(select(other.c[column]).where(other.c[column] == value)))


def _referrers(
    conn: Connection, table: ContractTable, stg: Table, staged: Staged, problems: list[Problem]
) -> None:
    meta = table.model.metadata
    staff, clients = meta.tables["staff"], meta.tables["clients"]
    while True:
        by = stg.c.referred_by
        staff_ok = _known(staff, "staff_id", staged.get("staff"), by)
        client_ok = _known(clients, "client_id", stg, by)
        bad_staff = and_(stg.c.source == "staff_referral", ~staff_ok)
        bad_client = and_(stg.c.source == "client_referral", ~client_ok)
        rows = conn.execute(
            select(stg.c._line, stg.c.source, by, *_values(stg, table)).where(
                by.is_not(None), or_(bad_staff, bad_client)
            )
        ).all()
        if not rows:
            return
        for row in rows:
            wanted = "staff member" if row[1] == "staff_referral" else "client"
            reason = (
                f"unknown referrer {row[2]!r}: a {row[1]} names an existing {wanted} "
                "(not in this batch nor stored)"
            )
            problems.append(Problem(row[0], "referred_by", reason, _raw(row[3:], table)))
        conn.execute(delete(stg).where(stg.c._line.in_([r[0] for r in rows])))
        # A rejected client may have referred others of this file: look again.


def _plan_refs(
    conn: Connection, table: ContractTable, stg: Table, staged: Staged, problems: list[Problem]
) -> None:
    stored = table.model.metadata.tables["plans"]
    # Joins, not correlated subqueries: PostgreSQL ran those once per staged row against the
    # staging table (no index there), quadratic in the file (over 14 minutes at branch scale).
    # The batch's plans as one row per id (ids are unique in the batch by now; min() only makes
    # the join safe), then the stored plan of the id.
    batch = (
        select(
            stg.c.plan_id,
            func.min(stg.c.kind).label("kind"),
            func.min(stg.c.client_id).label("client_id"),
        )
        .group_by(stg.c.plan_id)
        .subquery("batch_plan")
    )
    in_batch = batch.c.plan_id.is_not(None)
    # The plan as this batch leaves it: the batch's row if it has one, else the stored one.
    kind = case((in_batch, batch.c.kind), else_=stored.c.kind)
    owner = case((in_batch, batch.c.client_id), else_=stored.c.client_id)
    target = select(stg.c._line, stg.c.plan_ref, kind.label("k"), owner.label("o"), stg.c.client_id)
    target = (
        target.add_columns(*_values(stg, table))
        .select_from(
            stg.outerjoin(batch, batch.c.plan_id == stg.c.plan_ref).outerjoin(
                stored, stored.c.plan_id == stg.c.plan_ref
            )
        )
        .where(stg.c.plan_ref.is_not(None))
    )
    found = target.subquery()
    rows = conn.execute(
        select(found)
        .where(
            or_(
                found.c.k.is_(None),
                found.c.k != literal("plan"),
                found.c.o != found.c.client_id,
            )
        )
        .order_by(found.c._line)  # the file's order (a join does not keep it)
    ).all()
    if not rows:
        return
    for row in rows:
        line, ref, kind_, owner_, client = row[0], row[1], row[2], row[3], row[4]
        if kind_ is None:
            reason = f"unknown plan_ref {ref!r} (not in this batch nor stored)"
        elif kind_ != "plan":
            reason = f"plan_ref {ref!r} is a {kind_}, not a plan"
        else:
            reason = (
                f"plan_ref {ref!r} is a plan of another client ({owner_}), not of {client}: "
                "a quarterly report is on its own client's plan"
            )
        problems.append(Problem(line, "plan_ref", reason, _raw(row[5:], table)))
    conn.execute(delete(stg).where(stg.c._line.in_([r[0] for r in rows])))


def _values(stg: Table, table: ContractTable) -> list[ColumnElement[Any]]:
    return [stg.c[c.name] for c in table.columns]


def _raw(values: Sequence[object], table: ContractTable) -> dict[str, str]:
    return {c.name: "" if v is None else str(v) for c, v in zip(table.columns, values, strict=True)}
