"""The sidebar's choices in the page's address (`?lang=zh&period=2026Q3&unit=B01S03`), so that a
reload (F5 starts a new Streamlit session), a bookmark or a link sent to a colleague lands on the
same view.

The address is read once, on a session's first run, and it only proposes: the language must be
one of ours, the period one the picker offers (a complete period, or the one under way "to
date"), the unit one of those the signed-in identity may see. Anything else is ignored and the
sidebar's default shown; the scope always comes from the identity (ui/auth.py), never from the
address. Once the sidebar has chosen, the address is rewritten from its choices on every run, so
that a reload keeps whatever was chosen last (a page switch may have dropped the query).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from metrics.core.periods import Period
from ui.i18n import LANGS

LANG, PERIOD, UNIT = "lang", "period", "unit"
_ASKED = "_url_asked"  # what the address asked for, until the sidebar can judge it
_READ = "_url_read"  # the address is read on the session's first run only
MAX_LENGTH = 40  # longer than any period label or org id: anything longer is not one


def capture() -> None:
    """Read the address on the session's first run. The language applies at once (the sign-in
    form already follows it); the period and the unit wait for the identity (`take`)."""
    if st.session_state.get(_READ):
        return
    st.session_state[_READ] = True
    asked: dict[str, str] = {}
    for key in (LANG, PERIOD, UNIT):
        value = st.query_params.get(key)
        if isinstance(value, str) and 0 < len(value.strip()) <= MAX_LENGTH:
            asked[key] = value.strip()
    lang = asked.pop(LANG, None)
    if lang in LANGS:
        st.session_state["_keep_lang"] = lang
    st.session_state[_ASKED] = asked


def take(key: str) -> str | None:
    """The address's proposal for `key`, once (later runs follow the sidebar)."""
    asked = st.session_state.get(_ASKED)
    if not isinstance(asked, dict):
        return None
    value = asked.pop(key, None)
    return value if isinstance(value, str) else None


def take_period() -> Period | None:
    """The period the address asked for, or None when it asked for none or for something that
    is not a period (`2026Q9`, `x`); whether the data hold it is the picker's to judge."""
    text = take(PERIOD)
    if text is None:
        return None
    try:
        return Period.parse(text)
    except ValueError:  # PeriodError, or a date out of range (year 0000)
        return None


def choose(key: str, wanted: str | None, options: Sequence[Any], default: Any) -> None:
    """Preset the sidebar widget `key` (see ui.common.keep) to `wanted` when it is an option,
    otherwise to the default: a value not offered never reaches the widget."""
    if wanted is not None:
        st.session_state[f"_keep_{key}"] = wanted if wanted in options else default


def publish(lang: str, period: Period | None, unit_id: str | None) -> None:
    """Write the choices into the address (only what changed: each write is a message to the
    browser). A planner has no unit to choose: no `unit` then."""
    chosen = {LANG: lang, PERIOD: period.label() if period else None, UNIT: unit_id}
    for key, value in chosen.items():
        if value is None:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != value:
            st.query_params[key] = value


def current() -> dict[str, str]:
    """The address's query, for a page switch to carry over (st.switch_page clears it)."""
    return st.query_params.to_dict()
