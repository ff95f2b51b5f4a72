"""Settings (director only): the thresholds, SLA parameters and cycle lengths every figure uses.
A saved change is audited and clears every cached figure, so all pages move together; the
director's landing Overview is then prepared again (a setting is part of every stored figure's
data version, so none of the stored ones is valid any more)."""

from __future__ import annotations

import streamlit as st

from data import audit
from data.settings import SETTINGS, save_setting
from metrics.store import landing
from ui import messages, state
from ui.i18n import t
from ui.plain import plain

ctx = state.context()
st.title(t("page.settings"))
st.caption(t("settings.intro"))

current = ctx.settings
with st.form("settings_form"):
    typed: dict[str, str] = {}
    for spec in SETTINGS:
        value = current.get(spec.name, spec.default)
        # A person reads the setting's name; its key stays in the help for the command line.
        typed[spec.name] = st.text_input(
            t(f"setting.{spec.name}"),
            value=str(value),
            help=f"{t(f'setting_help.{spec.name}')} ({t('settings.default', value=spec.default)})"
            f" · `{spec.name}`",
            key=f"setting_{spec.name}",
        )
    submitted = st.form_submit_button(t("settings.save"), key="settings_save")

if submitted:
    changed = {n: v.strip() for n, v in typed.items() if v.strip() != str(current.get(n))}
    problems = []
    saved = []
    for name, raw in changed.items():
        try:
            with state.get_engine().begin() as conn:
                value = save_setting(conn, name, raw, user=ctx.identity.username)
                audit.record(
                    conn,
                    ctx.identity.username,
                    audit.SETTINGS,
                    name,
                    {"from": str(current.get(name)), "to": str(value)},
                )
            saved.append((name, value))
        except (ValueError, ArithmeticError) as exc:
            reason = messages.setting_reason(exc, raw)
            problems.append(t("settings.invalid", name=t(f"setting.{name}"), reason=plain(reason)))
    for problem in problems:
        st.error(problem)
    if saved:
        state.refresh()
        with st.spinner(t("data.warming")):
            landing.warm(state.get_engine())
        for name, value in saved:
            st.success(t("settings.saved", name=t(f"setting.{name}"), value=value))
    elif not problems:
        st.info(t("settings.unchanged"))
