"""The building blocks every metric query shares: the org tree, the entities of a level (with the
access scope applied), their members, and books (kpis.md, "Periods and books" and "Roll-ups").

All of these return SQLAlchemy Core selectables, so a metric is one SQL statement that the
database aggregates, on DuckDB and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Literal

from sqlalchemy import CTE, ColumnElement, Select, and_, case, literal, or_, select, true

from data import tables
from metrics.core.scope import Scope, scoped

Level = Literal["staff", "sub_branch", "branch"]
LEVELS: tuple[Level, ...] = ("staff", "sub_branch", "branch")
APPRAISED_ROLES = ("planner", "advisor")
# The assignment role that makes a client part of a staff member's book.
BOOK_ROLE = {"planner": "primary", "advisor": "secondary"}
MAX_ORG_DEPTH = 16  # guards the recursive CTE against a cycle in parent_id

org = tables.org_units
staff = tables.staff
assignments = tables.assignments
clients = tables.clients


@functools.cache
def org_closure() -> CTE:
    """(ancestor_id, org_id) for every unit and each of its ancestors, itself included.

    One shared CTE object, so that a statement that needs it twice renders it once."""
    base = select(
        org.c.org_id.label("ancestor_id"), org.c.org_id.label("org_id"), literal(0).label("depth")
    ).cte("org_closure", recursive=True)
    child = org.alias("child")
    step = select(base.c.ancestor_id, child.c.org_id, (base.c.depth + 1).label("depth")).where(
        child.c.parent_id == base.c.org_id, base.c.depth < MAX_ORG_DEPTH
    )
    return base.union(step)


def _visible_org_ids(scope: Scope, closure: CTE) -> Select | None:
    """Org ids inside the scope's subtrees, or None when the scope sees everything."""
    if scope.org_ids is None:
        return None
    return select(closure.c.org_id).where(closure.c.ancestor_id.in_(sorted(scope.org_ids)))


@scoped
def entities(level: Level, scope: Scope) -> Select:
    """The rows a table at `level` shows: (entity_id, name, org_id, role), scope applied.

    Staff level lists every planner and advisor (heads and directors are not appraised); org
    levels list every unit of that kind, members or not.
    """
    closure = org_closure()
    visible = _visible_org_ids(scope, closure)
    if level == "staff":
        query = select(
            staff.c.staff_id.label("entity_id"), staff.c.name, staff.c.org_id, staff.c.role
        ).where(staff.c.role.in_(APPRAISED_ROLES))
        if visible is not None:
            query = query.where(
                or_(staff.c.org_id.in_(visible), staff.c.staff_id.in_(sorted(scope.staff_ids)))
            )
        return query
    query = select(
        org.c.org_id.label("entity_id"),
        org.c.name,
        org.c.parent_id.label("org_id"),
        literal(level).label("role"),
    ).where(org.c.kind == level)
    if visible is not None:
        query = query.where(org.c.org_id.in_(visible))
    return query


@scoped
def members(level: Level, scope: Scope) -> Select:
    """(entity_id, staff_id, role): the appraised staff each entity of `level` is made of.

    A staff entity is its own single member; an org unit's members are the planners and advisors
    of the unit and of every unit below it (on their `staff` row's org_id).
    """
    if level == "staff":
        ents = entities("staff", scope).subquery()
        return select(
            ents.c.entity_id, ents.c.entity_id.label("staff_id"), ents.c.role.label("role")
        )
    closure = org_closure()
    ents = entities(level, scope).subquery()
    return (
        select(ents.c.entity_id, staff.c.staff_id, staff.c.role)
        .select_from(ents)
        .join(closure, closure.c.ancestor_id == ents.c.entity_id)
        .join(staff, staff.c.org_id == closure.c.org_id)
        .where(staff.c.role.in_(APPRAISED_ROLES))
    )


@scoped
def staff_members(level: Level, scope: Scope) -> Select:
    """(entity_id, staff_id, role): every staff member an entity answers for, whatever the role
    (lifecycle.md charges an opening by a head, a referral by a lobby manager, to their unit): a
    staff entity is itself; an org unit's are all the staff of the unit and of every unit below."""
    if level == "staff":
        return members("staff", scope)
    closure = org_closure()
    ents = entities(level, scope).subquery()
    return (
        select(ents.c.entity_id, staff.c.staff_id, staff.c.role)
        .select_from(ents)
        .join(closure, closure.c.ancestor_id == ents.c.entity_id)
        .join(staff, staff.c.org_id == closure.c.org_id)
    )


def book_role_matches(
    role_col: ColumnElement[Any], assignment_role_col: ColumnElement[Any]
) -> ColumnElement[bool]:
    """The assignment role that puts a client in the book of a member with `role_col`."""
    return assignment_role_col == case(
        (role_col == "planner", "primary"), (role_col == "advisor", "secondary"), else_=None
    )


def active_on(day: dt.date) -> ColumnElement[bool]:
    """Assignment active on `day`: start_on <= day < end_on (or no end_on)."""
    return and_(
        assignments.c.start_on <= day,
        or_(assignments.c.end_on.is_(None), assignments.c.end_on > day),
    )


def open_on(day: dt.date) -> ColumnElement[bool]:
    """Client not closed on `day`: closed_on empty or after the day."""
    return or_(clients.c.closed_on.is_(None), clients.c.closed_on > day)


@scoped
def book(level: Level, scope: Scope, day: dt.date) -> Select:
    """(entity_id, client_id), distinct: `book(x, day)` of every entity, each client once per entity.

    A planner's book is their `primary` assignments, an advisor's their `secondary` ones; proxy
    assignments never move a book. An org unit's book is the union of its members' books, so a
    client served by two members counts once.
    """
    mem = members(level, scope).subquery()
    return (
        select(mem.c.entity_id, assignments.c.client_id)
        .select_from(mem)
        .join(
            assignments,
            and_(
                assignments.c.staff_id == mem.c.staff_id,
                book_role_matches(mem.c.role, assignments.c.role),
                active_on(day),
            ),
        )
        .join(clients, and_(clients.c.client_id == assignments.c.client_id, open_on(day)))
        .where(true())
        .distinct()
    )
