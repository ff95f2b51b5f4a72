"""What a subscription sends, computed as its recipient: the pack's bytes, or an alert's
conditions (keys that are true now, so that only newly true ones are sent)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection

from data.settings import load_settings
from metrics.core.completeness import coverage
from metrics.core.periods import Period
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


def latest(conn: Connection, kind: str) -> Period:
    """The latest complete period of `kind` (month-end AUM imported): what packs report."""
    found = coverage(conn).latest(kind)
    if found is None:
        raise NoData("no monthly AUM has been imported yet")
    return found


@scoped
def pack(conn: Connection, sub: Sub, scope: Scope) -> Pack:
    """The subscription's pack as `scope` (the recipient's) may see it."""
    from metrics.exports.documents import from_frame
    from metrics.exports.formats import FORMATS, export

    assert sub.format is not None
    target = sub.target
    settings = load_settings(conn)
    scheme = None
    if target["pack"] == "scheme":
        from metrics.appraisal.schemes import get_ref
        from metrics.appraisal.scoring import appraise

        scheme = get_ref(conn, target["scheme"])
        period = Period.parse(scheme.period) if scheme.period else latest(conn, scheme.cycle)
        frame = appraise(conn, scheme, period, scope, settings)
        kind, level, title = "appraisal", "staff", scheme.label
    elif target["pack"] == "register":
        from metrics.measures.compliance import exceptions

        period = latest(conn, "month")
        frame = exceptions(conn, period, scope, settings, named=True)
        kind, level, title = "rows", "staff", "合规例外登记 compliance register"
    else:
        from metrics.measures import tables

        period = latest(conn, "month")
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
    settings = load_settings(conn)
    period = latest(conn, "month")
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
