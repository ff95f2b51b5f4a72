"""The audit log's detail column as a reader reads it.

`data.audit.record` stores each event's detail as JSON with the code's own keys
(`{"may_unmask": true, "role": "planner"}`); shown as stored, a Chinese screen had English keys,
`true` and role codes. Here each key gets its name in the reader's language (`audit.key.*`), a
yes/no its word, a role and an export's subject their names; every other value (a file name, a
scheme's name, a reason someone typed) is shown as recorded. A key this module does not know
keeps its code rather than disappearing: the log is evidence, nothing in it is hidden.
"""

from __future__ import annotations

import json
from typing import Any

from data import audit
from ui.i18n import has, lang, metric_name, role_name, t

# Actions whose `from` is a role (a change of role); elsewhere it is a setting's former value.
_ROLE_CHANGES = frozenset({audit.USER_ROLE})


def _key(name: str) -> str:
    return t(f"audit.key.{name}") if has(f"audit.key.{name}") else name


def _what(value: str) -> str:
    """An export's subject: `drill <metric>` or one of the pages' fixed subjects."""
    if value.startswith("drill "):
        return t("audit.what.drill", metric=metric_name(value.removeprefix("drill ")))
    code = value.replace(" ", "_").replace("-", "_")
    return t(f"audit.what.{code}") if has(f"audit.what.{code}") else value


def _value(key: str, value: Any, roles: frozenset[str]) -> str:
    if isinstance(value, bool):
        return t("val.yes") if value else t("audit.no")
    if value is None:
        return "—"
    if key in roles and isinstance(value, str):
        return role_name(value)
    if key == "what" and isinstance(value, str):
        return _what(value)
    if isinstance(value, dict):
        inner = _pairs(value, roles, "，" if lang() == "zh" else ", ")
        return f"（{inner}）" if lang() == "zh" else f"({inner})"
    if isinstance(value, list):
        return " ".join(_value(key, item, roles) for item in value)
    return str(value)


def _pairs(detail: dict[str, Any], roles: frozenset[str], separator: str) -> str:
    colon = "：" if lang() == "zh" else ": "
    return separator.join(f"{_key(k)}{colon}{_value(k, v, roles)}" for k, v in detail.items())


def detail_text(detail: object, action: str = "") -> str | None:
    """`detail` (JSON as stored) as `key: value` pairs in the reader's language; text that is
    not a JSON object is returned as it is, and no detail (None, a frame's NaN) as None."""
    if not isinstance(detail, str) or detail == "":
        return None
    try:
        parsed = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(parsed, dict):
        return detail
    roles = frozenset({"role", "from"}) if action in _ROLE_CHANGES else frozenset({"role"})
    return _pairs(parsed, roles, "；" if lang() == "zh" else "; ")
