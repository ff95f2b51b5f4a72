"""Personal-data masking (the rulebooks forbid showing a client's data to anyone who does not
serve them). The metrics layer masks every frame of client rows it returns unless the scope may
unmask (`protect`), so no page decides it; viewing or exporting clear personal data is audited by
the dashboard (`ui.common`).

Only client data are personal here: a client's name (`client_name` in every frame of the metrics
layer; `name` in a raw row of the contract's `clients` file), phone and birth date. Staff names
are the bank's own and are never masked."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from metrics.core.scope import Scope, scoped

# Columns that hold personal data, by kind, wherever they appear in a frame.
NAME_COLUMNS = ("client_name",)
PHONE_COLUMNS = ("phone",)
BIRTH_COLUMNS = ("birth_date",)
PERSONAL = (*NAME_COLUMNS, *PHONE_COLUMNS, *BIRTH_COLUMNS)


def mask_name(name: object) -> object:
    """张三丰 -> 张**: the surname stays, so a planner can still recognise their own client."""
    if not isinstance(name, str) or not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: object) -> object:
    """13812341234 -> 138****1234."""
    if not isinstance(phone, str) or not phone:
        return phone
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_birth_date(day: object) -> object:
    """Only the month and day are needed for care reminders: the year is dropped (--MM-DD)."""
    if isinstance(day, dt.date):
        return f"--{day:%m-%d}"
    if isinstance(day, str) and len(day) >= 10:
        return "--" + day[5:10]
    return day


def mask_frame(frame: pd.DataFrame, *, name_is_client: bool = False) -> pd.DataFrame:
    """A copy of `frame` with its personal-data columns masked.

    `name_is_client=True` for raw rows of the contract's `clients` file, whose `name` is the
    client's; elsewhere `name` is a staff member's or an org unit's and stays as it is."""
    out = frame.copy()
    for column in out.columns:
        if column in NAME_COLUMNS or (column == "name" and name_is_client):
            out[column] = out[column].map(mask_name)
        elif column in PHONE_COLUMNS:
            out[column] = out[column].map(mask_phone)
        elif column in BIRTH_COLUMNS:
            out[column] = out[column].map(mask_birth_date)
    return out


def has_personal_data(frame: pd.DataFrame, *, name_is_client: bool = False) -> bool:
    return any(c in PERSONAL or (c == "name" and name_is_client) for c in frame.columns)


@scoped
def protect(frame: pd.DataFrame, scope: Scope, *, name_is_client: bool = False) -> pd.DataFrame:
    """`frame` as the scope may see it: clear when it may unmask, else masked."""
    if scope.unmask:
        return frame
    return mask_frame(frame, name_is_client=name_is_client)
