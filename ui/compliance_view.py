"""The compliance register, its evidence and the care reminders made ready for a screen: rule ids,
care kinds, assignment roles and the other enum values translated (a Chinese screen never shows
a rule id), columns in a fixed order. No `st.*` here; the page renders what these return.

Rule names and definitions are the `exc_<rule>` records of the catalogue, so a rule is named
and defined once (metrics.core.catalogue)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from metrics.core.catalogue import RULE_DESCRIPTIONS_ZH, RULES
from metrics.core.values import is_null
from ui.i18n import has, lang, metric_name, setting_names, t

RULE_DESCRIPTIONS_EN = {rule: text for rule, _en, _zh, text in RULES}
REGISTER_COLUMNS = ["rule", "client_id", "client_name", "staff_name", "org_name", "day", "ref"]
# Enum columns of evidence rows: (column, group of `value.<group>.<value>` strings).
ENUMS = {
    "role": "role",
    "channel": "channel",
    "purpose": "purpose",
    "field_group": "field_group",
    "source": "source",
}


def rule_name(rule: str) -> str:
    return metric_name(f"exc_{rule}")


def rule_description(rule: str) -> str:
    """What the rule checks (without the roll-up sentence every exc_ definition shares)."""
    if lang() == "zh":
        return setting_names(RULE_DESCRIPTIONS_ZH[rule])
    return RULE_DESCRIPTIONS_EN[rule]


def value(group: str, raw: object) -> object:
    """An enum value in the session's language (unknown values and nulls as they are)."""
    if isinstance(raw, str) and has(f"value.{group}.{raw}"):
        return t(f"value.{group}.{raw}")
    return raw


def care_kind(kind: object) -> object:
    return t(f"care.{kind}") if isinstance(kind, str) and has(f"care.{kind}") else kind


def occasion(kind: object, label: object) -> object:
    """ "mother's birthday" / 母亲生日: the care kind with its label; the kind alone without one."""
    if not isinstance(kind, str) or not has(f"care.of.{kind}"):
        return care_kind(kind)  # the client's own birthday, or a kind without a label form
    if is_null(label) or not str(label).strip():
        return care_kind(kind)
    return t(f"care.of.{kind}", label=str(label).strip())


def reference(rule: str, ref: object) -> object:
    """A register row's `ref` as a person reads it: a care date's kind and an assignment's role
    translated; ids and dates as they are."""
    if is_null(ref):
        return None
    if rule == "care_missed":
        return care_kind(ref)
    if rule == "intro_no_first_contact":
        return value("role", ref)
    return str(ref)


def register_view(
    register: pd.DataFrame, staff_names: dict[str, str] | None = None
) -> pd.DataFrame:
    """The register's rows for a table: the rule by name, the reference translated, a row
    charged to a unit alone with no staff name."""
    shown = pd.DataFrame(index=register.index)
    shown["rule"] = [rule_name(r) for r in register["rule"]]
    shown["client_id"] = register["client_id"]
    shown["client_name"] = register.get("client_name", pd.Series(None, index=register.index))
    names: pd.Series | list[object] = register.get(
        "staff_name", pd.Series(None, index=register.index)
    )
    if staff_names:
        names = [
            n if not is_null(n) else staff_names.get(str(s)) if not is_null(s) else None
            for n, s in zip(names, register["staff_id"], strict=True)
        ]
    shown["staff_name"] = pd.Series([None if is_null(n) else n for n in names], index=shown.index)
    shown["org_name"] = register.get("org_name", register["org_id"])
    shown["day"] = register["day"]
    refs = [reference(r, x) for r, x in zip(register["rule"], register["ref"], strict=True)]
    shown["ref"] = pd.Series(refs, index=shown.index)
    return shown.reset_index(drop=True)


def evidence_view(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """One kind of evidence rows with their enum values translated."""
    out = frame.copy()
    for column, group in ENUMS.items():
        if column in out.columns:
            out[column] = out[column].map(lambda v, g=group: value(g, v))
    if "contact_cycle" in out.columns:
        out["contact_cycle"] = out["contact_cycle"].map(
            lambda c: t(f"cycle.{c}") if isinstance(c, str) and has(f"cycle.{c}") else c
        )
    if "kind" in out.columns:
        if kind == "plans":
            out["kind"] = out["kind"].map(lambda v: value("plan_kind", v))
        elif kind == "care_dates":
            out["kind"] = out["kind"].map(care_kind)
    return out


def care_view(care: pd.DataFrame) -> pd.DataFrame:
    """The care reminders with the occasion (kind and label together) and the kind translated."""
    out = care.copy()
    out.insert(
        list(out.columns).index("kind"),
        "occasion",
        [occasion(k, lb) for k, lb in zip(care["kind"], care["label"], strict=True)],
    )
    out["kind"] = out["kind"].map(care_kind)
    return out


def units_below(units: pd.DataFrame, org_id: str) -> set[str]:
    """`org_id` and every unit below it among `units` (`org_id`, `parent_id`)."""
    inside = {org_id}
    while True:
        grown = inside | set(units.loc[units["parent_id"].isin(inside), "org_id"])
        if grown == inside:
            return inside
        inside = grown


def row_key(row: pd.Series | dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A register row as the hashable argument of the evidence lookup (a row charged to no one
    has staff None)."""
    get = row.get
    staff = get("staff_id")
    return (
        ("rule", get("rule")),
        ("client_id", get("client_id")),
        ("staff_id", None if is_null(staff) else staff),
        ("day", get("day")),
    )
