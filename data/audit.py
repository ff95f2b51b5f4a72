"""The audit log: who did what, when. Append-only.

The application only ever inserts into `audit_log` (this module has no update or delete), so a
record cannot be rewritten from the dashboard. In production the database role the dashboard runs
as should also be denied UPDATE and DELETE on the table (`REVOKE UPDATE, DELETE ON audit_log ...`),
so that not even a bug can rewrite history.

Callers pass the connection of the transaction that does the audited work, so the action and its
record commit (or roll back) together. Each row is then chained to the previous one by a hash
(`data.audit_chain`), so a row changed, deleted or reordered by plain SQL is found by
`python -m data audit verify` and flagged on the Audit page.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pandas as pd
from sqlalchemy import Connection, insert, select

from data import audit_chain
from data.schema import AuditEvent

# The actions the product records; other modules use these names so a search by action works.
SIGNIN = "signin"
SIGNIN_FAILED = "signin_failed"
SIGNIN_LOCKED = "signin_locked"
SIGNOUT = "signout"
IMPORT = "import"
EXPORT = "export"
SCHEME_EDIT = "scheme_edit"
SCHEME_PUBLISH = "scheme_publish"
SNAPSHOT = "snapshot"
SETTINGS = "settings"
UNMASK = "unmask"
USER_ADD = "user_add"
USER_DISABLE = "user_disable"
USER_ENABLE = "user_enable"
USER_ROLE = "user_role"
USER_PASSWORD = "user_password"
SUBSCRIBE = "subscribe"
UNSUBSCRIBE = "unsubscribe"
DELIVER = "deliver"
# The appraisal cycle (metrics/appraisal/cycle.py).
RESULTS_PUBLISH = "results_publish"
RESULTS_ACKNOWLEDGE = "results_acknowledge"
RESULTS_INQUIRE = "results_inquire"
RESULTS_ANSWER = "results_answer"
RESULTS_CORRECT = "results_correct"
RESULTS_SIGN_OFF = "results_sign_off"
RESULTS_REOPEN = "results_reopen"

ACTIONS: tuple[str, ...] = (
    SIGNIN,
    SIGNIN_FAILED,
    SIGNIN_LOCKED,
    SIGNOUT,
    IMPORT,
    EXPORT,
    SCHEME_EDIT,
    SCHEME_PUBLISH,
    SNAPSHOT,
    SETTINGS,
    UNMASK,
    USER_ADD,
    USER_DISABLE,
    USER_ENABLE,
    USER_ROLE,
    USER_PASSWORD,
    SUBSCRIBE,
    UNSUBSCRIBE,
    DELIVER,
    RESULTS_PUBLISH,
    RESULTS_ACKNOWLEDGE,
    RESULTS_INQUIRE,
    RESULTS_ANSWER,
    RESULTS_CORRECT,
    RESULTS_SIGN_OFF,
    RESULTS_REOPEN,
)

COLUMNS = ("at", "username", "action", "target", "detail")
_MAX = {"username": 64, "action": 32, "target": 200}


def _clip(value: str | None, column: str) -> str | None:
    # A hostile or very long value must not make the audited action fail: keep what fits.
    if value is None:
        return None
    return value[: _MAX[column]]


def record(
    conn: Connection,
    username: str | None,
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | str | None = None,
    *,
    now: dt.datetime | None = None,
) -> str:
    """Append one event; returns its id. `detail` is stored as JSON text."""
    if not action:
        raise ValueError("an audit event needs an action")
    event_id = str(uuid.uuid4())
    text = (
        detail
        if detail is None or isinstance(detail, str)
        else json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True)
    )
    conn.execute(
        insert(AuditEvent).values(
            event_id=event_id,
            at=now or dt.datetime.now(),
            username=_clip(username, "username"),
            action=_clip(action, "action"),
            target=_clip(target, "target"),
            detail=text,
        )
    )
    audit_chain.mark_pending(conn)
    return event_id


def search(
    conn: Connection,
    *,
    username: str | None = None,
    action: str | None = None,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
    limit: int = 5000,
) -> pd.DataFrame:
    """Events, newest first. `username` and `action` match exactly (no wildcards: a `%` or `_`
    typed into the search box means itself); `until` given as a date includes that whole day."""
    query = select(
        AuditEvent.at,
        AuditEvent.username,
        AuditEvent.action,
        AuditEvent.target,
        AuditEvent.detail,
    )
    if username:
        query = query.where(AuditEvent.username == username)
    if action:
        query = query.where(AuditEvent.action == action)
    if since is not None:
        start = since if isinstance(since, dt.datetime) else dt.datetime.combine(since, dt.time())
        query = query.where(AuditEvent.at >= start)
    if until is not None:
        end = (
            until
            if isinstance(until, dt.datetime)
            else dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
        )
        query = query.where(AuditEvent.at < end)
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.event_id).limit(max(1, limit))
    rows = conn.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(COLUMNS))
