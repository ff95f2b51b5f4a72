"""Subscriptions (订阅与提醒): an account's scheduled packs and alerts; a director's for anyone.

The rules (who may subscribe whom, what a pack or alert may be) live in
`metrics.delivery.subscriptions`; this page collects the fields and shows the answer."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data import accounts
from metrics.appraisal import schemes
from metrics.appraisal.scoring import schemes_covering
from metrics.core.catalogue import CATALOGUE
from metrics.delivery import run as delivery
from metrics.delivery import subscriptions as subs
from ui import state, tables
from ui.compliance_view import rule_name
from ui.i18n import labels, metric_name, t

ctx = state.context()
me = ctx.identity
engine = state.get_engine()
director = me.role == "director"
st.title(t("page.subscriptions"))
st.caption(t("subs.intro"))


def rule_label(rule_id: str | None) -> str:
    return t("subs.any_rule") if rule_id is None else rule_name(rule_id)


def describe(sub: subs.Sub) -> str:
    """What a subscription sends, in the page's language."""
    target = sub.target
    if sub.kind == "pack":
        text = t(f"subs.pack.{target['pack']}")
        if "level" in target:
            text += f" · {t('subs.level.' + target['level'])}"
        if target["pack"] == "scheme":
            text += f" · {target['scheme']}"
        return f"{text} · {(sub.format or '').upper()}"
    text = t(f"subs.alert.{target['alert']}")
    if target["alert"] == "threshold":
        text += (
            f" · {metric_name(target['metric'])} {t('subs.op.' + target['op'])} {target['value']}"
        )
    elif target["alert"] == "exception":
        text += f" · {rule_label(target.get('rule'))}"
    return text


with engine.connect() as conn:
    mine = subs.active(conn, None if director else me.username)
    sent = delivery.recent(conn, None if director else me.username)
    names = list(accounts.list_accounts(conn)["username"]) if director else [me.username]
    if director or me.role == "head":
        scheme_list = schemes.list_schemes(conn, None if director else {me.org_id or ""})
    else:  # a planner or advisor: the schemes that appraise them, no one else's
        scheme_list = schemes_covering(conn, me.staff_id or "")

st.subheader(t("subs.mine"))
if mine:
    listed = pd.DataFrame(
        {
            t("subs.recipient"): [s.username for s in mine],
            t("subs.what"): [describe(s) for s in mine],
            t("subs.every"): [t(f"subs.every.{s.frequency}") for s in mine],
        }
    )
    tables.table(listed, hide_index=True, width="stretch")
else:
    st.info(t("subs.none"))

st.subheader(t("subs.add"))
recipient = st.selectbox(t("subs.recipient"), names, key="subs_to", disabled=not director)
kind = st.radio(
    t("subs.kind"), ["pack", "alert"], horizontal=True, key="subs_kind",
    format_func=labels(["pack", "alert"], lambda k: t(f"subs.kind.{k}")),
)  # fmt: skip
target: dict[str, object] = {}
fmt = None
if kind == "pack":
    pack = st.selectbox(t("subs.pack"), list(subs.PACKS), key="subs_pack",
                        format_func=labels(list(subs.PACKS), lambda p: t(f"subs.pack.{p}")))  # fmt: skip
    target["pack"] = pack
    if pack in subs.TABLES:
        levels = ["sub_branch", "branch"] if pack == "health" else list(subs.LEVELS)
        target["level"] = st.selectbox(t("subs.level"), levels, key="subs_level",
                                       format_func=labels(levels, lambda v: t(f"subs.level.{v}")))  # fmt: skip
    if pack == "scheme":
        refs = {s.ref: s.name for s in scheme_list}
        target["scheme"] = st.selectbox(t("subs.scheme"), list(refs), key="subs_scheme",
                                        format_func=labels(list(refs), refs.get))  # fmt: skip
    fmt = st.selectbox(t("subs.format"), list(subs.FORMATS), key="subs_format",
                       format_func=str.upper)  # fmt: skip
else:
    alert = st.selectbox(t("subs.alert"), list(subs.ALERTS), key="subs_alert",
                         format_func=labels(list(subs.ALERTS), lambda a: t(f"subs.alert.{a}")))  # fmt: skip
    target["alert"] = alert
    if alert == "threshold":
        ids = [m.id for m in CATALOGUE]
        target["metric"] = st.selectbox(t("subs.metric"), ids, key="subs_metric",
                                        format_func=labels(ids, metric_name))  # fmt: skip
        target["op"] = st.radio(t("subs.op"), ["<", ">"], horizontal=True, key="subs_op",
                                format_func=labels(["<", ">"], lambda o: t(f"subs.op.{o}")))  # fmt: skip
        target["value"] = st.text_input(t("subs.value"), key="subs_value")
        target["level"] = "staff"
    elif alert == "exception":
        rules: list[str | None] = [None, *subs.RULE_IDS]
        target["rule"] = st.selectbox(t("subs.rule"), rules, key="subs_rule",
                                      format_func=labels(rules, rule_label))  # fmt: skip
every = st.selectbox(t("subs.every"), list(subs.FREQUENCIES), key="subs_every",
                     format_func=labels(list(subs.FREQUENCIES), lambda f: t(f"subs.every.{f}")))  # fmt: skip
if st.button(t("subs.save"), key="subs_save", type="primary"):
    try:
        with engine.begin() as conn:
            subs.add(conn, actor=me.username, actor_role=me.role, recipient=recipient or "",
                     kind=kind or "pack", target=target, frequency=every or "", fmt=fmt)  # fmt: skip
    except subs.SubscriptionError as exc:
        st.error(str(exc))
    else:
        st.success(t("subs.added"))
        st.rerun()

if mine:
    st.subheader(t("subs.cancel"))
    chosen = st.selectbox(
        t("subs.what"), [s.subscription_id for s in mine], key="subs_cancel_id",
        format_func=labels([s.subscription_id for s in mine],
                           {s.subscription_id: f"{s.username} · {describe(s)}" for s in mine}.get),
    )  # fmt: skip
    if st.button(t("subs.cancel_button"), key="subs_cancel"):
        with engine.begin() as conn:
            subs.cancel(conn, chosen or "", actor=me.username, actor_role=me.role)
        st.success(t("subs.cancelled"))
        st.rerun()

if sent:
    st.subheader(t("subs.deliveries"))
    log = pd.DataFrame(
        {
            t("subs.at"): [r.at for r in sent],
            t("subs.recipient"): [r.username for r in sent],
            t("subs.status"): [t(f"subs.status.{r.status}") for r in sent],
            t("subs.detail"): [r.detail or "" for r in sent],
        }
    )
    tables.table(log, hide_index=True, width="stretch")
