"""What a subscription sends, computed as its recipient: the pack's bytes, or an alert's
conditions (keys that are true now, so that only newly true ones are sent)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, func, select

from data.schema import AumMonthly
from data.settings import load_settings
from metrics.core import sql
from metrics.core.periods import Period, month_end
from metrics.core.scope import Scope, scoped
from metrics.core.values import is_null
from metrics.delivery.subscriptions import TABLE_KIND, Sub


class NoData(RuntimeError):
    """Nothing imported yet: there is no period to send."""


@dataclass(frozen=True)
class Pack:
    filename: str
    media_type: str
    data: bytes
    rows: int


def last_month(conn: Connection) -> dt.date:
    """The last month-end whose AUM has been imported: packs report the latest complete data."""
    month = sql.scalar(conn, select(func.max(AumMonthly.month)), "last AUM month")
    if month is None:
        raise NoData("no monthly AUM has been imported yet")
    return month_end(month)


def latest_period(kind: str, last: dt.date) -> Period:
    """The latest period of `kind` that ends on or before `last` (a complete one)."""
    period = Period.parse(f"{last:%Y-%m}")
    if kind == "month":
        return period
    start = (
        dt.date(last.year, 1, 1)
        if kind == "year"
        else dt.date(last.year, 3 * ((last.month - 1) // 3) + 1, 1)
    )
    text = str(start.year) if kind == "year" else f"{start.year}Q{(start.month - 1) // 3 + 1}"
    found = Period.parse(text)
    return found if found.end <= last else found.prev()


@scoped
def pack(conn: Connection, sub: Sub, scope: Scope) -> Pack:
    """The subscription's pack as `scope` (the recipient's) may see it."""
    from metrics.exports.documents import from_frame
    from metrics.exports.formats import FORMATS, export

    assert sub.format is not None
    target = sub.target
    last = last_month(conn)
    settings = load_settings(conn)
    scheme = None
    if target["pack"] == "scheme":
        from metrics.appraisal.schemes import get_ref
        from metrics.appraisal.scoring import appraise

        scheme = get_ref(conn, target["scheme"])
        period = Period.parse(scheme.period) if scheme.period else latest_period(scheme.cycle, last)
        frame = appraise(conn, scheme, period, scope, settings)
        kind, level, title = "appraisal", "staff", scheme.label
    elif target["pack"] == "register":
        from metrics.measures.compliance import exceptions

        period = latest_period("month", last)
        frame = exceptions(conn, period, scope, settings, named=True)
        kind, level, title = "rows", "staff", "合规例外登记 compliance register"
    else:
        from metrics.measures import tables

        period = latest_period("month", last)
        level = target["level"]
        compute = getattr(tables, target["pack"])
        frame = compute(conn, period, level, scope, settings)
        kind, title = target["pack"], f"{target['pack']} ({level})"
        assert TABLE_KIND[target["pack"]]
    document = from_frame(kind, frame, period.label(), scope, title=title, level=level,
                          scheme=scheme, name_is_client=False)  # fmt: skip
    data = export(document, sub.format, sub.username, scope)
    found = FORMATS[sub.format]
    name = f"{target['pack']}-{period.label()}.{found.extension}"
    return Pack(name, found.media_type, data, len(frame))


@scoped
def alert_conditions(conn: Connection, sub: Sub, scope: Scope) -> dict[str, str]:
    """The alert's conditions true now, as {key: one line saying what}, in the recipient's scope."""
    target = sub.target
    last = last_month(conn)
    settings = load_settings(conn)
    period = latest_period("month", last)
    if target["alert"] == "threshold":
        from metrics.core.catalogue import BY_ID
        from metrics.measures import tables

        metric = BY_ID[target["metric"]]
        compute = getattr(tables, {"appraisal": "scorecard"}.get(metric.kind, metric.kind))
        frame = compute(conn, period, target["level"], scope, settings, metrics=[metric.id])
        value = Decimal(target["value"])
        out: dict[str, str] = {}
        for entity, figure in zip(frame["entity_id"], frame[metric.id], strict=True):
            if is_null(figure):
                continue
            number = Decimal(str(figure))
            if (number < value) if target["op"] == "<" else (number > value):
                out[f"{metric.id}|{entity}"] = (
                    f"{entity}: {metric.name_en} {number} {target['op']} {value} ({period})"
                )
        return out
    if target["alert"] == "exception":
        from metrics.measures.compliance import exceptions

        frame = exceptions(conn, period, scope, settings, target.get("rule"))
        return {
            "|".join(str(v) for v in row): " ".join(str(v) for v in row)
            for row in frame[["rule", "client_id", "staff_id", "org_id", "day", "ref"]]
            .fillna("")
            .itertuples(index=False)
        }
    from metrics.measures import tables
    from metrics.measures.browse import staff_list
    from metrics.measures.flags import idle_staff

    supervision = tables.supervision(conn, period, "staff", scope, settings, metrics=["idle_days"])
    idle = idle_staff(supervision, staff_list(conn, scope), settings, period.end)
    return {
        f"idle|{s}": f"{s}: no sign-in for {int(d)} days"
        for s, d in zip(idle["entity_id"], idle["idle_days"], strict=True)
    }


def alert_text(sub: Sub, new: dict[str, str]) -> str:
    lines = [f"{len(new)} new: {sub.what}", ""]
    lines += [new[k] for k in sorted(new)]
    return "\n".join(lines) + "\n"
