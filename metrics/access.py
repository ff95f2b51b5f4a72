"""From a username to the scope of figures that user may see (DESIGN.md rule 5).

The sign-in issue will add a `users` table (username, role, org_id, staff_id); until it exists no
username can be resolved, and a command run `--as` someone is refused rather than silently shown
everything.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

from metrics.scope import Scope


class UnknownUserError(LookupError):
    pass


def scope_for_username(conn: Connection, username: str) -> Scope:
    """Director: everything; head: their org unit's subtree; planner / advisor: themself."""
    if not inspect(conn).has_table("users"):
        raise UnknownUserError(f"unknown user {username!r} (no user accounts exist yet)")
    row = (
        conn.execute(
            text("SELECT role, org_id, staff_id FROM users WHERE username = :username"),
            {"username": username},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise UnknownUserError(f"unknown user {username!r}")
    role = row["role"]
    if role == "director":
        return Scope.everything()
    if role == "head" and row["org_id"]:
        return Scope.org(row["org_id"])
    if role in ("planner", "advisor") and row["staff_id"]:
        return Scope.staff(row["staff_id"])
    raise UnknownUserError(f"user {username!r} has no usable scope (role {role!r})")
