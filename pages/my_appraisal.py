"""My appraisal (我的考核): a planner's or advisor's published results — total, rank among n,
grade, every item with how its score was reached, their trend over the last published periods,
their acknowledgements and inquiries with the answers — and nothing of anyone else. A head or the
director sees the same for a person of their scope.

Thin page: every rule (who sees what, statuses, refusals) is `metrics.appraisal.cycle`; actions
run in the buttons' callbacks so the page shown afterwards already says the new status.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.appraisal import cycle
from metrics.appraisal.scoring import shown
from ui import common, cycle_view, state, tables
from ui.format import period_label
from ui.i18n import labels, lang, metric_name, t

ctx = state.context()
identity = ctx.identity
engine = state.get_engine()
st.title(t("page.my_appraisal"))
cycle_view.show_flash()

with engine.connect() as conn:
    found = cycle.publications_for(conn, identity)
    names = {p.publication_id: cycle.scheme_of(conn, p).name for p in found}
if not found:
    st.info(t("my.none"))
    st.stop()
ids = [p.publication_id for p in found]
by_id = {p.publication_id: p for p in found}
publication_id = common.select(
    t("my.results"),
    ids,
    key="my_results",
    format_func=lambda i: f"{names[i]} · {period_label(by_id[i].period, lang())}",
)

own = identity.role in ("planner", "advisor")
if own:
    staff_id = identity.staff_id
else:
    with engine.connect() as conn:
        people = cycle.status_of(conn, identity, publication_id)
    who = dict(zip(people["staff_id"], people["name"], strict=True))
    staff_id = common.select(
        t("my.staff"), list(who), key="my_staff", format_func=lambda s: f"{who[s]} ({s})"
    )

with engine.connect() as conn:
    result = cycle.my_result(conn, identity, publication_id, staff_id)
    history = cycle.trend(
        conn, identity, result.staff_id, cycle.scheme_of(conn, result.publication).cycle
    )
    responses = cycle.responses_of(conn, identity, publication_id, result.staff_id)
publication = result.publication

st.caption(
    t(
        "my.caption",
        scheme=cycle_view.md(names[publication_id]),
        period=period_label(publication.period, lang()),
        version=publication.version,
        state=t(f"cycle.state.{publication.state}"),
    )
)
if publication.state == "signed_off":
    st.info(
        t(
            "my.signed_off",
            by=cycle_view.md(publication.signed_off_by),
            at=f"{publication.signed_off_at:%Y-%m-%d}",
        )
    )
tiles = st.columns(4)
tiles[0].metric(t("my.total"), str(shown(result.total)))
tiles[1].metric(t("my.rank"), t("my.rank_of", rank=result.rank, n=result.n))
tiles[2].metric(t("my.grade"), result.grade or "—")
tiles[3].metric(t("my.status"), t(f"cycle.status.{result.status}"))

st.subheader(t("my.items"))
language = lang()
items = pd.DataFrame(
    [
        {
            t("my.col_kpi"): metric_name(line.kpi),
            t("my.col_weight"): cycle_view.short("", line.weight, language),
            t("my.col_rule"): t(f"cycle.rule.{line.rule}"),
            t("my.col_actual"): cycle_view.short(line.kpi, line.actual, language),
            t("my.col_target"): cycle_view.short(line.kpi, line.target, language),
            t("my.col_score"): str(shown(line.score)),
            t("my.col_how"): cycle_view.explain(line, language),
        }
        for line in result.items
    ]
)
tables.table(items, hide_index=True, key="my_items")

st.subheader(t("my.trend"))
tables.table(
    pd.DataFrame(
        {
            t("my.col_period"): [period_label(p, lang()) for p in history["period"]],
            t("my.total"): [str(shown(v)) for v in history["total"]],
            t("my.rank"): [
                t("my.rank_of", rank=r, n=n)
                for r, n in zip(history["rank"], history["n"], strict=True)
            ],
            t("my.grade"): history["grade"],
        }
    ),
    hide_index=True,
    key="my_trend",
)


def acknowledge() -> None:
    try:
        with engine.begin() as conn:
            cycle.acknowledge(conn, identity, publication_id)
    except cycle.CycleRefused as exc:
        cycle_view.flash("error", cycle_view.refusal(exc))
    else:
        cycle_view.flash("success", t("my.acknowledged"))


def inquire() -> None:
    try:
        with engine.begin() as conn:
            cycle.inquire(
                conn,
                identity,
                publication_id,
                st.session_state["my_inquiry_kpi"],
                st.session_state.get("my_inquiry_message") or "",
            )
    except cycle.CycleRefused as exc:
        cycle_view.flash("error", cycle_view.refusal(exc))
    else:
        cycle_view.flash("success", t("my.inquiry_sent"))


if own and result.status not in ("acknowledged", "inquiry_open"):
    st.button(t("my.acknowledge"), on_click=acknowledge, key="my_acknowledge")
if own and publication.state != "signed_off" and result.status != "inquiry_open":
    with st.form("my_inquiry", clear_on_submit=True):
        st.markdown(f"**{t('my.inquire')}**")
        kpis = [line.kpi for line in result.items]
        st.selectbox(
            t("my.inquire_item"), kpis, format_func=labels(kpis, metric_name), key="my_inquiry_kpi"
        )
        st.text_area(t("my.inquire_message"), key="my_inquiry_message", max_chars=2000)
        st.form_submit_button(t("my.inquire_send"), on_click=inquire)

if not responses.empty:
    st.subheader(t("my.responses"))
    tables.table(
        pd.DataFrame(
            {
                t("my.col_kind"): [t(f"cycle.kind.{k}") for k in responses["kind"]],
                t("my.col_kpi"): [metric_name(k) if k else None for k in responses["kpi"]],
                t("my.col_message"): responses["message"],
                t("my.col_at"): [f"{v:%Y-%m-%d %H:%M}" for v in responses["created_at"]],
                t("my.col_answer"): responses["answer"],
                t("my.col_outcome"): [
                    t(f"cycle.outcome.{o}") if o else None for o in responses["outcome"]
                ],
            }
        ),
        hide_index=True,
        key="my_responses",
    )
