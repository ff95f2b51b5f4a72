"""`python -m metrics deliver --due`: send every subscription that is due, once per due period.

Idempotent: a subscription is due once per day / ISO week / month (its `due_key`); a delivery
logged as `sent` (or `nothing`, an alert with no new condition) for that key is not made again, so
cron may run the command as often as it likes. A failed delivery is logged as `failed`, reported,
and tried again at the next run — never lost silently. Each subscription is computed as its
recipient (scope and masking from the recipient's account) in its own transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Connection, Engine, Row, Table, insert, select

from data.audit import DELIVER
from data.audit import record as audit
from data.schema import Delivery
from metrics.core import sql
from metrics.core.access import scope_for_username
from metrics.delivery import content
from metrics.delivery.subscriptions import Sub, active, remember_alert_state
from metrics.delivery.transport import Attachment, Transport

deliveries = cast(Table, Delivery.__table__)


@dataclass(frozen=True)
class Outcome:
    subscription_id: str
    username: str
    what: str
    status: str  # sent | nothing | failed | skipped
    detail: str


def due_key(frequency: str, today: dt.date) -> str:
    if frequency == "daily":
        return today.isoformat()
    if frequency == "weekly":
        year, week, _ = today.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{today:%Y-%m}"


def _done(engine: Engine, sub: Sub, key: str) -> bool:
    with engine.connect() as conn:
        found = sql.run(
            conn,
            select(deliveries.c.delivery_id).where(
                deliveries.c.subscription_id == sub.subscription_id,
                deliveries.c.due_key == key,
                deliveries.c.status.in_(("sent", "nothing")),
            ),
        ).first()
    return found is not None


def _log(engine: Engine, sub: Sub, key: str, status: str, channel: str | None, detail: str) -> None:
    with engine.begin() as conn:
        sql.run(
            conn,
            insert(deliveries).values(
                delivery_id=str(uuid.uuid4()), subscription_id=sub.subscription_id, due_key=key,
                username=sub.username, status=status, channel=channel, detail=detail[:2000],
                at=dt.datetime.now(),
            )
        )  # fmt: skip


def deliver_one(engine: Engine, sub: Sub, transport: Transport, today: dt.date) -> Outcome:
    key = due_key(sub.frequency, today)
    if _done(engine, sub, key):
        return Outcome(sub.subscription_id, sub.username, sub.what, "skipped", f"done for {key}")
    from data.accounts import find_account

    try:
        with engine.begin() as conn:
            account = find_account(conn, sub.username)
            # The recipient's scope and right to unmask, never the subscriber's.
            scope = scope_for_username(conn, sub.username)
            address = account.email if account is not None else None
            if sub.kind == "pack":
                made = content.pack(conn, sub, scope)
                subject = f"[wealth] {sub.what} {made.filename}"
                body = f"{sub.what}: {made.rows} row(s), attached ({made.filename}).\n"
                note = transport.send(
                    sub.username, address, subject, body,
                    [Attachment(made.filename, made.media_type, made.data)],
                )  # fmt: skip
                audit(conn, "deliver", DELIVER, sub.subscription_id,
                      {"to": sub.username, "what": sub.what, "file": made.filename,
                       "rows": made.rows})  # fmt: skip
                detail, status = f"{made.filename}, {made.rows} row(s); {note}", "sent"
            else:
                now = content.alert_conditions(conn, sub, scope)
                new = {k: v for k, v in now.items() if k not in set(sub.alert_state)}
                if new:
                    note = transport.send(
                        sub.username, address, f"[wealth] alert: {sub.what}",
                        content.alert_text(sub, new), [],
                    )  # fmt: skip
                    audit(conn, "deliver", DELIVER, sub.subscription_id,
                          {"to": sub.username, "what": sub.what, "new": len(new)})  # fmt: skip
                    detail, status = f"{len(new)} new condition(s); {note}", "sent"
                else:
                    detail, status = "no new condition", "nothing"
                # Remembered only once sent: a failed send is tried again with the same news;
                # a condition that ends is forgotten, so it is news again if it returns.
                remember_alert_state(conn, sub.subscription_id, list(now))
    except Exception as exc:  # noqa: BLE001 - one failed delivery must not stop the others
        _log(engine, sub, key, "failed", transport.channel, str(exc))
        return Outcome(sub.subscription_id, sub.username, sub.what, "failed", str(exc))
    _log(engine, sub, key, status, transport.channel, detail)
    return Outcome(sub.subscription_id, sub.username, sub.what, status, detail)


def deliver_due(
    engine: Engine, transport: Transport, today: dt.date | None = None
) -> list[Outcome]:
    """Every active subscription's delivery for today's due period, as outcomes."""
    today = today or dt.date.today()
    with engine.connect() as conn:
        subs = active(conn)
    return [deliver_one(engine, sub, transport, today) for sub in subs]


def recent(conn: Connection, username: str | None, limit: int = 50) -> list[Row]:
    """The latest deliveries (all when `username` is None: a director), newest first."""
    query = select(
        deliveries.c.at, deliveries.c.username, deliveries.c.subscription_id,
        deliveries.c.status, deliveries.c.detail,
    ).order_by(deliveries.c.at.desc(), deliveries.c.delivery_id).limit(limit)  # fmt: skip
    if username is not None:
        query = query.where(deliveries.c.username == username)
    return list(sql.run(conn, query, "deliveries"))
