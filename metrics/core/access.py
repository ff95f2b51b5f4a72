"""From a user account to the scope of figures that user may see (DESIGN.md rule 5).

The scope is computed from the account row in the database only: the dashboard's sign-in and the
command line's `--as` both come here, so a head sees the same figures in both places.
"""

from __future__ import annotations

from sqlalchemy import Connection

from metrics.core.scope import Scope


class UnknownUserError(LookupError):
    pass


def scope_of(
    role: str, org_id: str | None, staff_id: str | None, may_unmask: bool = False
) -> Scope:
    """Director: everything; head: their org unit's subtree; planner / advisor: themself. Client
    personal data in clear only for an account that may unmask."""
    if role == "director":
        return Scope.everything(unmask=may_unmask)
    if role == "head" and org_id:
        return Scope.org(org_id, unmask=may_unmask)
    if role in ("planner", "advisor") and staff_id:
        return Scope.staff(staff_id, unmask=may_unmask)
    # A role without its org unit or staff id must not fall through to a wider view.
    raise UnknownUserError(f"role {role!r} has no usable scope")


def scope_for_username(conn: Connection, username: str) -> Scope:
    """The scope of an active account; an unknown or disabled one is refused alike."""
    from data.accounts import find_account

    account = find_account(conn, username)
    if account is None or not account.active:
        raise UnknownUserError(f"unknown user {username!r}")
    try:
        return scope_of(account.role, account.org_id, account.staff_id, account.may_unmask)
    except UnknownUserError:
        raise UnknownUserError(
            f"user {username!r} has no usable scope (role {account.role!r})"
        ) from None
