"""Subscriptions: who receives which pack or alert, how often; validated once, here.

A pack is a KPI table (`scorecard`, `supervision`, `health`, `compliance` at a level), a scheme's
results (`scheme` with its `scheme_id[@version]`) or the compliance register (`register`), in
Excel, PDF or CSV. An alert is a rule: a figure crossing a threshold (`threshold`), a new
exception of a compliance rule (`exception`), a planner going idle (`idle`)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, select, update

from data.audit import SUBSCRIBE, UNSUBSCRIBE
from data.audit import record as audit
from data.schema import Subscription
from metrics.core import sql
from metrics.core.catalogue import BY_ID, RULES

RULE_IDS = tuple(rule for rule, *_ in RULES)

subscriptions = cast(Table, Subscription.__table__)

FREQUENCIES = ("daily", "weekly", "monthly")
FORMATS = ("xlsx", "pdf", "csv")
TABLES = ("scorecard", "supervision", "health", "compliance")
LEVELS = ("staff", "sub_branch", "branch")
PACKS = (*TABLES, "scheme", "register")
ALERTS = ("threshold", "exception", "idle")
TABLE_KIND = {"scorecard": "appraisal", "supervision": "supervision", "health": "health",
              "compliance": "compliance"}  # fmt: skip


class SubscriptionError(ValueError):
    """A subscription refused: the message says why, in one line."""


@dataclass(frozen=True)
class Sub:
    subscription_id: str
    username: str
    created_by: str
    kind: str  # pack | alert
    target: dict[str, Any]
    format: str | None
    frequency: str
    active: bool
    alert_state: list[str]

    @property
    def what(self) -> str:
        """A short description for logs and mail subjects."""
        t = self.target
        if self.kind == "pack":
            if t["pack"] == "scheme":
                return f"scheme {t['scheme']} results"
            if t["pack"] == "register":
                return "compliance register"
            return f"{t['pack']} ({t.get('level', 'staff')})"
        if t["alert"] == "threshold":
            return f"{t['metric']} {t['op']} {t['value']} ({t.get('level', 'staff')})"
        if t["alert"] == "exception":
            return f"new exceptions of {t.get('rule') or 'any rule'}"
        return "idle staff"


def check_target(kind: str, target: dict[str, Any]) -> dict[str, Any]:
    """The target in its stored form, or SubscriptionError naming what is wrong."""
    if kind == "pack":
        pack = target.get("pack")
        if pack not in PACKS:
            raise SubscriptionError(f"a pack is one of {', '.join(PACKS)}, not {pack!r}")
        out: dict[str, Any] = {"pack": pack}
        if pack in TABLES:
            level = target.get("level") or "staff"
            if level not in LEVELS:
                raise SubscriptionError(f"level must be one of {', '.join(LEVELS)}")
            if pack == "health" and level == "staff":
                raise SubscriptionError("the health table is per sub-branch or branch")
            out["level"] = level
        if pack == "scheme":
            if not target.get("scheme"):
                raise SubscriptionError("a scheme pack needs the scheme's id")
            out["scheme"] = str(target["scheme"])
        return out
    if kind != "alert":
        raise SubscriptionError(f"a subscription is a pack or an alert, not {kind!r}")
    alert = target.get("alert")
    if alert not in ALERTS:
        raise SubscriptionError(f"an alert is one of {', '.join(ALERTS)}, not {alert!r}")
    if alert == "threshold":
        metric = target.get("metric")
        if metric not in BY_ID:
            raise SubscriptionError(f"unknown metric {metric!r}")
        if target.get("op") not in ("<", ">"):
            raise SubscriptionError("a threshold alert's op is < or >")
        try:
            value = Decimal(str(target.get("value")))
        except (InvalidOperation, ValueError):
            raise SubscriptionError("a threshold alert needs a number as its value") from None
        if not value.is_finite():
            raise SubscriptionError("a threshold alert needs a number as its value")
        level = target.get("level") or "staff"
        if level not in LEVELS:
            raise SubscriptionError(f"level must be one of {', '.join(LEVELS)}")
        return {"alert": alert, "metric": metric, "op": target["op"], "value": str(value),
                "level": level}  # fmt: skip
    if alert == "exception":
        rule = target.get("rule") or None
        if rule is not None and rule not in RULE_IDS:
            raise SubscriptionError(f"unknown compliance rule {rule!r}")
        return {"alert": alert, "rule": rule}
    return {"alert": alert}


def may_subscribe(actor_role: str, actor: str, recipient: str) -> bool:
    """An account may subscribe itself; a director may subscribe any account."""
    return actor == recipient or actor_role == "director"


def add(
    conn: Connection,
    *,
    actor: str,
    actor_role: str,
    recipient: str,
    kind: str,
    target: dict[str, Any],
    frequency: str,
    fmt: str | None = None,
    now: dt.datetime | None = None,
) -> Sub:
    """Subscribe `recipient` (audited); refused with SubscriptionError when not allowed."""
    from data.accounts import find_account

    if not may_subscribe(actor_role, actor, recipient):
        raise SubscriptionError("only a director may subscribe another account")
    account = find_account(conn, recipient)
    if account is None or not account.active:
        raise SubscriptionError(f"unknown user {recipient!r}")
    if frequency not in FREQUENCIES:
        raise SubscriptionError(f"frequency must be one of {', '.join(FREQUENCIES)}")
    stored = check_target(kind, target)
    if kind == "pack":
        if fmt not in FORMATS:
            raise SubscriptionError(f"format must be one of {', '.join(FORMATS)}")
    else:
        fmt = None
    sub = Sub(str(uuid.uuid4()), recipient, actor, kind, stored, fmt, frequency, True, [])
    sql.run(
        conn,
        insert(subscriptions).values(
            subscription_id=sub.subscription_id, username=recipient, created_by=actor,
            kind=kind, target=json.dumps(stored, sort_keys=True), format=fmt,
            frequency=frequency, active=True, alert_state=None,
            created_at=now or dt.datetime.now(),
        )
    )  # fmt: skip
    audit(conn, actor, SUBSCRIBE, sub.subscription_id, {"to": recipient, "what": sub.what})
    return sub


def cancel(conn: Connection, subscription_id: str, *, actor: str, actor_role: str) -> None:
    sub = get(conn, subscription_id)
    if not may_subscribe(actor_role, actor, sub.username):
        raise SubscriptionError("only the recipient or a director may cancel a subscription")
    sql.run(
        conn,
        update(subscriptions)
        .where(subscriptions.c.subscription_id == subscription_id)
        .values(active=False),
    )
    audit(conn, actor, UNSUBSCRIBE, subscription_id, {"to": sub.username})


def _sub(row: Any) -> Sub:
    return Sub(
        row.subscription_id, row.username, row.created_by, row.kind, json.loads(row.target),
        row.format, row.frequency, bool(row.active), json.loads(row.alert_state or "[]"),
    )  # fmt: skip


def get(conn: Connection, subscription_id: str) -> Sub:
    row = sql.run(
        conn, select(subscriptions).where(subscriptions.c.subscription_id == subscription_id)
    ).one_or_none()
    if row is None:
        raise SubscriptionError(f"unknown subscription {subscription_id!r}")
    return _sub(row)


def active(conn: Connection, username: str | None = None) -> list[Sub]:
    query = select(subscriptions).where(subscriptions.c.active.is_(True))
    if username is not None:
        query = query.where(subscriptions.c.username == username)
    rows = sql.run(
        conn, query.order_by(subscriptions.c.created_at, subscriptions.c.subscription_id)
    )
    return [_sub(r) for r in rows]


def remember_alert_state(conn: Connection, subscription_id: str, keys: list[str]) -> None:
    sql.run(
        conn,
        update(subscriptions)
        .where(subscriptions.c.subscription_id == subscription_id)
        .values(alert_state=json.dumps(sorted(keys))),
    )
