"""Raw rows as a reader meets them: headers and enum values in the reader's language, money in the
reader's unit (万元 in Chinese), 0/1 flags as ticks.

The metrics layer returns the rows as the queries made them (codes such as `aum_drop`, amounts as
Decimals, flags as 0/1) because exports and tests compare them exactly; only the screen translates.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from metrics.core.catalogue import BY_ID
from metrics.exports.explain_zh import explanation_zh, flags_zh
from ui.format import money_scale
from ui.i18n import has, label, lang, metric_name, t

# Which i18n prefixes may name a value of a column, tried in order (the first that knows it wins).
# A value no prefix knows (a name, an id, free text) is shown as it is.
VALUE_KEYS: dict[str, tuple[str, ...]] = {
    "action": ("val.action.",),
    "status": ("val.status.",),
    "reason": ("val.reason.",),
    "source": ("val.source.",),
    "field_group": ("val.field_group.",),
    "kind": ("val.kind.", "val.need_kind.", "val.plan_kind.", "activity.", "val.reason."),
    "period": ("val.period.",),
    "contact_cycle": ("cycle.",),
    "tier": ("tier.",),
    "from": ("tier.",),
    "to": ("tier.",),
    "migration_to": ("tier.",),
    "channel": ("channel.",),
    "movement": ("val.movement.",),
    "level": ("val.level.",),
    "role": ("role.", "val.assignment."),
    "rule": ("val.rule.",),
    "breach_leg": ("val.leg.",),
    "work_kind": ("work_kind.",),
}

# A column whose codes depend on the row's kind: the recent activity's `detail` is a contact's
# channel, a need's or a plan's kind, a work item's kind or an info update's field group (a
# request's summary is free text, shown as it is).
DETAIL_KEYS: dict[str, str] = {
    "contact": "value.channel.",
    "need": "val.need_kind.",
    "plan": "val.plan_kind.",
    "work_item": "work_kind.",
    "info_update": "val.field_group.",
}

# Raw columns holding yuan amounts (the contract's money columns as the drill-throughs name them).
MONEY = {"aum", "aum_prev", "aum_now", "avg_daily_aum", "amount"}

# Raw columns holding a yes/no fact as 0/1 or True/False.
FLAGS = {
    "aum_missing", "is_top", "retained", "archived", "contacted", "compliant", "met", "due",
    "breach", "followed_up", "has_primary", "has_secondary", "is_wealth", "overloaded",
    "verified", "active", "may_unmask", "done_on_time", "ack_met", "result_met",
}  # fmt: skip

_SUFFIXES = ("_draft", "_published", "_change")
_PREFIXES = (
    ("score_", "col.score_of"),
    ("actual_", "col.actual_of"),
    ("target_", "col.target_of"),
    ("explain_", "col.explain_of"),
)


def header(column: str) -> str:
    """A column's header: a metric name, a `col.` string, a metric with a known prefix or suffix
    (`score_aum_increment_draft`), else the id itself."""
    if column in BY_ID or has(f"col.{column}"):
        return label(column)
    for suffix in _SUFFIXES:
        if column.endswith(suffix) and column != suffix:
            return t(f"col.suffix{suffix}", name=header(column[: -len(suffix)]))
    for prefix, key in _PREFIXES:
        rest = column[len(prefix) :]
        if column.startswith(prefix) and rest in BY_ID:
            return t(key, metric=metric_name(rest))
    return label(column)


def value_text(column: str, value: Any) -> Any:
    """`value` of `column` in the reader's language when it is a known code, else unchanged."""
    if not isinstance(value, str):
        return value
    if column == "source" and value.startswith("upload: "):  # the Data page's "upload: FILE"
        return t("val.source.upload_of", file=value[len("upload: ") :])
    for prefix in VALUE_KEYS.get(column, ()):
        if has(prefix + value):
            return t(prefix + value)
    return value


def translate_values(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with the codes of its enum columns translated (other columns as they are)."""
    chinese = lang() == "zh"
    columns = [c for c in frame.columns if str(c) in VALUE_KEYS]
    sentences = [c for c in frame.columns if chinese and _sentences(str(c)) is not None]
    by_kind = "detail" in frame.columns and "kind" in frame.columns
    if not columns and not sentences and not by_kind:
        return frame
    out = frame.copy()
    if by_kind:  # read against the row's own kind, before that column is translated
        pairs = zip(frame["kind"], frame["detail"], strict=True)
        out["detail"] = [_detail_text(kind, value) for kind, value in pairs]
    for column in columns:
        out[column] = [value_text(str(column), v) for v in frame[column]]
    for column in sentences:
        out[column] = frame[column].map(_sentences(str(column)))
    return out


def _detail_text(kind: Any, value: Any) -> Any:
    prefix = DETAIL_KEYS.get(str(kind))
    if prefix is None or not isinstance(value, str) or not has(prefix + value):
        return value
    return t(prefix + value)


def _sentences(column: str) -> Any:
    """The translator of a column of the scorer's English sentences (explanations, flags)."""
    if column.startswith("explain_"):
        return explanation_zh
    return flags_zh if column == "flags" else None


def breach_legs(requests: pd.DataFrame) -> list[str | None]:
    """Per request of the `request_sla` drill, which leg of its SLA failed: 'ack' (acknowledged
    late or never, platinum only), 'result' (resolved late), 'open' (not resolved by the
    deadline), 'both', or None when the SLA was met or does not apply."""
    out: list[str | None] = []
    for ack, result, resolved in zip(
        requests["ack_met"], requests["result_met"], requests["resolved_at"], strict=True
    ):
        ack_failed = _flag(ack) is False
        result_failed = _flag(result) is False
        if ack_failed and result_failed:
            out.append("both")
        elif ack_failed:
            out.append("ack")
        elif result_failed:
            out.append("open" if resolved is None or pd.isna(resolved) else "result")
        else:
            out.append(None)
    return out


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    try:
        return float(Decimal(str(value)))
    except ArithmeticError:
        return None


def _flag(value: Any) -> bool | None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    return bool(int(value)) if not isinstance(value, str) else value.lower() in ("1", "true")


def present(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """(frame to show, column_config) for raw rows in the session's language."""
    divisor, unit = money_scale(lang())
    shown = translate_values(frame.drop(columns=["entity_id"], errors="ignore"))
    config: dict[str, Any] = {}
    for column in shown.columns:
        name = header(str(column))
        if column in MONEY:
            shown[column] = pd.Series(
                [None if (n := _number(v)) is None else n / divisor for v in shown[column]],
                index=shown.index,
                dtype="float64",
            )
            config[column] = st.column_config.NumberColumn(f"{name} ({unit})", format="%,.2f")
        elif column in FLAGS:
            shown[column] = pd.array([_flag(v) for v in shown[column]], dtype="boolean")
            config[column] = st.column_config.CheckboxColumn(name)
        elif shown[column].map(lambda v: isinstance(v, Decimal)).any():
            shown[column] = pd.Series([_number(v) for v in shown[column]], index=shown.index)
            config[column] = st.column_config.NumberColumn(name, format="%,.2f")
        else:
            config[column] = st.column_config.Column(name)
    return shown, config


__all__ = [
    "breach_legs",
    "FLAGS",
    "MONEY",
    "VALUE_KEYS",
    "header",
    "present",
    "translate_values",
    "value_text",
]
