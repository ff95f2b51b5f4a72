"""Personal-data masking (the rulebooks forbid showing a client's data to anyone who does not
serve them). Pages and exports mask by default; only roles allowed to unmask see clear text, and
every unmasking is audited by the caller."""

from __future__ import annotations

import datetime as dt

import pandas as pd

# Columns that hold personal data, by kind, wherever they appear in a frame.
NAME_COLUMNS = ("client_name", "name")
PHONE_COLUMNS = ("phone",)
BIRTH_COLUMNS = ("birth_date",)


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


def mask_frame(frame: pd.DataFrame, *, client_names: bool = True) -> pd.DataFrame:
    """A copy of `frame` with its personal-data columns masked.

    `client_names=False` leaves a `name` column alone (staff names in a scorecard are not
    client data); `client_name` columns are always masked.
    """
    out = frame.copy()
    for column in out.columns:
        if column == "client_name" or (column == "name" and client_names):
            out[column] = out[column].map(mask_name)
        elif column in PHONE_COLUMNS:
            out[column] = out[column].map(mask_phone)
        elif column in BIRTH_COLUMNS:
            out[column] = out[column].map(mask_birth_date)
    return out
