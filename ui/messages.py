"""Messages of the metrics layer in the reader's language.

`metrics.appraisal.schemes` validates a scheme in English (the command line prints the same
sentences); the editor shows each one translated by matching it against the sentences that module
writes. A sentence no pattern knows is shown as it is, so a new check is never hidden.
"""

from __future__ import annotations

import re
from typing import Any

from ui.format import period_label
from ui.i18n import has, lang, metric_name, role_name, t

# (pattern, i18n key); named groups fill the key's placeholders.
_WHERE = r"(?P<where>item \d+(?: \([a-z_]+\))?)"
# A row of a per-person targets CSV: "targets.csv line 3".
_LINE = r"(?P<source>.+) line (?P<line>\d+)"
_SCHEME: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(f"^{pattern}$"), key)
    for pattern, key in (
        (r"the scheme needs a name", "scheme_msg.name"),
        (r"role must be planner or advisor, not (?P<value>.*)", "scheme_msg.role"),
        (r"cycle must be month, quarter or year, not (?P<value>.*)", "scheme_msg.cycle"),
        (
            r"period (?P<period>\S+) is a (?P<kind>\w+), but the cycle is (?P<cycle>\w+)",
            "scheme_msg.period_kind",
        ),
        (r"the scheme needs at least one item", "scheme_msg.no_items"),
        (
            _WHERE + r": '?(?P<kpi>[^']*)'? is not an appraisal KPI of the catalogue.*",
            "scheme_msg.not_kpi",
        ),
        (_WHERE + r": (?P<kpi>\S+) appears twice", "scheme_msg.twice"),
        (_WHERE + r": the weight must be more than 0", "scheme_msg.weight"),
        (
            _WHERE + r": rule must be linear, threshold or rank, not (?P<value>.*)",
            "scheme_msg.rule",
        ),
        (_WHERE + r": a (?P<rule>\w+) item needs a target", "scheme_msg.needs_target"),
        (_WHERE + r": a linear item needs a target above 0", "scheme_msg.linear_target"),
        (_WHERE + r": the cap must be more than 0", "scheme_msg.cap"),
        (_WHERE + r": the maximum score must be more than 0", "scheme_msg.max_score"),
        (r"weights add up to (?P<total>\S+), not 100", "scheme_msg.weights"),
        (r"every grade needs a name", "scheme_msg.grade_name"),
        (r"grade names must differ", "scheme_msg.grade_unique"),
        (r"grade shares cannot be negative", "scheme_msg.grade_negative"),
        (r"grade shares add up to (?P<total>\S+), not 1", "scheme_msg.grade_shares"),
        (r"(?P<source>.+): the header must be (?P<columns>.+)", "targets.header"),
        (_LINE + r": expected 3 fields, found (?P<n>\d+)", "targets.fields"),
        (_LINE + r": '(?P<kpi>[^']*)' is not an item of the scheme", "targets.not_item"),
        (_LINE + r": staff_id is empty", "targets.no_staff"),
        (_LINE + r": (?P<kpi>\S+) is scored by rank and takes no target", "targets.rank"),
        (_LINE + r": (?P<staff>.+) is not among the staff listed", "targets.not_listed"),
        (_LINE + r": a linear item's target must be above 0", "targets.above_zero"),
        (_WHERE + r": the target of (?P<staff>.+) must be above 0", "targets.person_above_zero"),
        (_WHERE + r": a rank item has no targets, per person or not", "targets.rank_item"),
        (r"(?P<what>.+) must be a number, not (?P<value>.*)", "scheme_msg.number"),
        (r"(?P<what>.+) must be a finite number", "scheme_msg.finite"),
    )
)
_TARGET_LINE = re.compile(r"^(?P<source>.+) line (?P<line>\d+): target$")
_ITEM = re.compile(r"^item (?P<n>\d+)(?: \((?P<kpi>[a-z_]+)\))?(?P<rest>.*)$")


def _where(text: str) -> str:
    """'item 2 (aum_increment)' -> '第2项（金融资产增量）' in Chinese (and a targets file's
    'targets.csv line 3: target' -> 'targets.csv 第3行：目标')."""
    line = _TARGET_LINE.match(text)
    if line is not None:
        return t("targets.line_target", source=line["source"], line=line["line"])
    match = _ITEM.match(text)
    if match is None:
        return text
    n, kpi, rest = match["n"], match["kpi"], match["rest"]
    where = (
        t("scheme_msg.item_kpi", n=n, kpi=metric_name(kpi)) if kpi else t("scheme_msg.item", n=n)
    )
    return where + rest


def _value(name: str, value: str) -> str:
    if name == "kpi":
        return metric_name(value)
    if name == "rule" and has(f"val.rule.{value}"):
        return t(f"val.rule.{value}")
    if name in ("kind", "cycle") and has(f"kind.{value}"):
        return t(f"kind.{value}")
    if name == "value" and value.strip("'") in ("planner", "advisor"):
        return role_name(value.strip("'"))
    if name in ("where", "what"):
        return _where(value)
    return value


def scheme_message(message: str) -> str:
    """A validation message of `metrics.appraisal.schemes` in the session's language."""
    if lang() == "en":
        return message
    for pattern, key in _SCHEME:
        match = pattern.match(message)
        if match is not None:
            return t(key, **{k: _value(k, v) for k, v in match.groupdict().items()})
    return message


def setting_reason(exc: Exception, raw: str) -> str:
    """Why `data.settings.save_setting` refused `raw`, in the session's language."""
    text = str(exc)
    if "whole number" in text:
        return t("setting_msg.whole", value=raw)
    if "negative" in text:
        return t("setting_msg.negative", value=raw)
    return t("setting_msg.number", value=raw)


def scheme_label(scheme: Any) -> str:
    """How a person names a scheme version: its name, version number, status and date (never its
    UUID, which stays in the command line's `scheme_id@version`)."""
    if scheme.scheme_id is None:
        return t("scheme_label.unsaved", name=scheme.name)
    when = scheme.published_at or scheme.created_at
    key = f"val.status.{scheme.status}"
    status = t(key) if has(key) else scheme.status
    return t(
        "scheme_label.saved",
        name=scheme.name,
        version=scheme.version,
        status=status,
        date=f"{when:%Y-%m-%d}" if when else "—",
    )


_FROZEN_LABEL = re.compile(r" v(?P<v>\d+) \(\w+, [0-9a-f-]{36}\)$")


def snapshot_title(title: str) -> str:
    """A snapshot's frozen title without the scheme UUID it ends in ("v1 (published, <uuid>)")."""
    if title == "(failed its checksum)":  # what `snapshots.list_snapshots` puts for a bad one
        return t("snapshot.untrusted_title")
    return _FROZEN_LABEL.sub(lambda m: " · " + t("scheme_label.version", v=m["v"]), title)


def snapshot_label(title: str, period: str, created_at: Any) -> str:
    """A snapshot as a person names it: its title, period and when it was taken."""
    when = f"{created_at:%Y-%m-%d %H:%M}" if created_at is not None else "—"
    title = snapshot_title(title)
    return t("snapshot_label", title=title, period=period_label(period, lang()), when=when)


__all__ = ["setting_reason", "scheme_label", "scheme_message", "snapshot_label", "snapshot_title"]


def table_names(value: Any) -> Any:
    """A contract table's name, or a comma-separated list of them (the import history), in the
    reader's words; a name the contract does not know is kept as it is."""
    if not isinstance(value, str) or not value:
        return value
    names = [n.strip() for n in value.split(",")]
    return ("、" if lang() == "zh" else ", ").join(
        t(f"contract.{n}") if has(f"contract.{n}") else n for n in names
    )
