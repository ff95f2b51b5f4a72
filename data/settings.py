"""Settings: declared once as (name, default, help) records, stored in the `settings` table.

The defaults are the data contract's. A director edits them; every metric reads them through
`load_settings`, so a changed threshold changes every figure consistently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, insert, select, update

from data.tables import settings as settings_table


@dataclass(frozen=True)
class SettingSpec:
    name: str
    default: Decimal
    help: str
    integer: bool = False


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "tier.black_gold",
        Decimal("3000000"),
        "Avg daily AUM at or above which a client is black-gold (top client, 顶端客户).",
        True,
    ),
    SettingSpec(
        "tier.platinum",
        Decimal("500000"),
        "Avg daily AUM at or above which (below black-gold) a client is platinum (高端客户).",
        True,
    ),
    SettingSpec(
        "tier.wealth",
        Decimal("1000000"),
        "Avg daily AUM at or above which a client must have a primary manager (coverage).",
        True,
    ),
    SettingSpec(
        "load.max_clients",
        Decimal("200"),
        "Most clients one planner may maintain as primary manager.",
        True,
    ),
    SettingSpec(
        "supervision.idle_days",
        Decimal("10"),
        "A planner or advisor with no login for more than this many days is flagged idle.",
        True,
    ),
    SettingSpec(
        "alert.aum_drop",
        Decimal("0.30"),
        "A month-on-month AUM fall of at least this share raises a retention alert.",
    ),
    SettingSpec(
        "alert.followup_days",
        Decimal("7"),
        "A contact within this many days after an alert counts as follow-up.",
        True,
    ),
    SettingSpec(
        "sla.black_gold_hours",
        Decimal("24"),
        "Black-gold request: result fed back within this many hours.",
        True,
    ),
    SettingSpec(
        "sla.platinum_ack_hours",
        Decimal("24"),
        "Platinum request: acknowledged within this many hours.",
        True,
    ),
    SettingSpec(
        "sla.platinum_working_days",
        Decimal("3"),
        "Platinum request: result within this many working days.",
        True,
    ),
    SettingSpec(
        "cycle.days.monthly",
        Decimal("31"),
        "Contact cycle length in days for `monthly` clients.",
        True,
    ),
    SettingSpec(
        "cycle.days.bimonthly",
        Decimal("62"),
        "Contact cycle length in days for `bimonthly` clients.",
        True,
    ),
    SettingSpec(
        "cycle.days.quarterly",
        Decimal("92"),
        "Contact cycle length in days for `quarterly` clients.",
        True,
    ),
    # --- the client life cycle (lifecycle.md) ---
    SettingSpec(
        "opening.followup_working_days",
        Decimal("5"),
        "A newly opened wealth client gets a contact from its primary manager within this many "
        "working days after the opening day.",
        True,
    ),
    SettingSpec(
        "opening.archive_working_days",
        Decimal("3"),
        "A newly opened wealth client's information (a `comprehensive` info update) is due within "
        "this many working days after the opening day.",
        True,
    ),
    SettingSpec(
        "kyc.valid_days",
        Decimal("365"),
        "A risk assessment is valid this many days; a wealth client whose latest one is older is "
        "due for reassessment.",
        True,
    ),
    SettingSpec(
        "intro.first_contact_working_days",
        Decimal("2"),
        "A client newly assigned to a manager gets a first contact from that manager within this "
        "many working days after the assignment starts.",
        True,
    ),
    SettingSpec(
        "care.lead_days",
        Decimal("7"),
        "A care date (birthday, relative's birthday, anniversary) is reminded this many days "
        "before; a `care` contact from then to the day itself counts as done.",
        True,
    ),
    SettingSpec(
        "lifecycle.grace_months",
        Decimal("1"),
        "Month-ends a tier change must have lasted beyond the current one before the housekeeping "
        "it requires (a secondary manager added or removed, an archive sealed) is an exception.",
        True,
    ),
    SettingSpec(
        "lifecycle.grace_days",
        Decimal("31"),
        "Days after a closure before the housekeeping it requires (managers removed, archives "
        "sealed) is an exception.",
        True,
    ),
)

SPECS = {s.name: s for s in SETTINGS}


def defaults() -> dict[str, Decimal]:
    return {s.name: s.default for s in SETTINGS}


def _parse(spec: SettingSpec, raw: str) -> Decimal:
    value = Decimal(raw)
    if spec.integer and value != value.to_integral_value():
        raise ValueError(f"{spec.name} must be a whole number, got {raw}")
    if value < 0:
        raise ValueError(f"{spec.name} must not be negative, got {raw}")
    return value


def load_settings(conn: Connection) -> dict[str, Decimal]:
    """Every setting, stored value over default."""
    values = defaults()
    for name, raw in conn.execute(select(settings_table.c.name, settings_table.c.value)):
        if name in SPECS:
            values[name] = _parse(SPECS[name], raw)
    return values


def ensure_defaults(conn: Connection) -> None:
    """Insert the default of every setting that has no stored value (never overwrites)."""
    stored = set(conn.execute(select(settings_table.c.name)).scalars())
    missing = [
        {"name": s.name, "value": str(s.default), "updated_at": None, "updated_by": None}
        for s in SETTINGS
        if s.name not in stored
    ]
    if missing:
        conn.execute(insert(settings_table), missing)


def save_setting(conn: Connection, name: str, raw: str, user: str | None = None) -> Decimal:
    if name not in SPECS:
        raise KeyError(f"unknown setting {name!r}")
    value = _parse(SPECS[name], raw)
    conn.execute(
        update(settings_table)
        .where(settings_table.c.name == name)
        .values(value=str(value), updated_at=dt.datetime.now(), updated_by=user)
    )
    return value
