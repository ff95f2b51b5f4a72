"""Audit log (directors only): search who did what, by user, action and date range.

Read-only: the log is append-only and this page only calls `data.audit.search`."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from data import audit, audit_chain
from ui import audit_detail, state, tables
from ui.i18n import labels, t
from ui.plain import plain

ctx = state.context()
st.title(t("page.audit"))

# The hash chain first: a log changed by plain SQL is said loudly before its rows are shown.
verdict = audit_chain.seal_and_verify(state.get_engine())
if verdict.ok:
    st.caption(t("audit.chain_ok", n=verdict.rows))
else:
    st.error(t("audit.chain_broken", reason=plain(verdict.message)), icon=":material/gpp_bad:")

today = dt.date.today()
c_user, c_action, c_since, c_until = st.columns(4)
username = c_user.text_input(t("audit.user"), key="audit_user", max_chars=64)
action = c_action.selectbox(
    t("audit.action"),
    ["", *audit.ACTIONS],
    key="audit_action",
    format_func=labels(
        ["", *audit.ACTIONS], lambda a: t(f"val.action.{a}") if a else t("audit.all")
    ),
)
since = c_since.date_input(t("audit.since"), value=today - dt.timedelta(days=30), key="audit_since")
until = c_until.date_input(t("audit.until"), value=today, key="audit_until")

with state.get_engine().connect() as conn:
    events = audit.search(
        conn,
        username=username.strip() or None,
        action=action or None,
        since=since if isinstance(since, dt.date) else None,
        until=until if isinstance(until, dt.date) else None,
    )
st.caption(t("audit.count", n=len(events)))
# The detail as stored is JSON with the code's keys: shown as `key: value` in the reader's language.
events["detail"] = [
    audit_detail.detail_text(detail, action)
    for detail, action in zip(events["detail"], events["action"], strict=True)
]
# st.dataframe shows every value as text: a hostile username or target is never rendered as HTML.
tables.table(events, hide_index=True, width="stretch")
