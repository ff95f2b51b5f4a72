"""Published results (考核结果公布), for a sub-branch head and the director: publish a period's
results of a published scheme, each covered person's status (published, acknowledged, inquiry
open, answered, corrected), the queue of open inquiries to answer (uphold, or correct as a new
version), and the director's sign-off (审批确认) and audited reopening.

Thin page: the rules and refusals are `metrics.appraisal.cycle`; each action runs in its button's
callback, in one transaction with its audit record, and the page then shows the new state.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from metrics.appraisal import cycle, schemes
from metrics.appraisal.scoring import shown
from metrics.core.periods import Period, PeriodError
from ui import common, cycle_view, messages, state, tables
from ui.format import period_label
from ui.i18n import labels, lang, metric_name, t

ctx = state.context()
identity = ctx.identity
engine = state.get_engine()
st.title(t("page.results"))
cycle_view.show_flash()


def run(step, success: str, *args) -> None:  # noqa: ANN001 - a callback of a cycle step
    try:
        with engine.begin() as conn:
            done = step(conn, identity, *args)
    except cycle.CycleRefused as exc:
        cycle_view.flash("error", cycle_view.refusal(exc))
    else:
        version = getattr(done, "version", "")
        cycle_view.flash("success", t(success, version=version) if version else t(success))


# --- publish --------------------------------------------------------------------------------
st.subheader(t("results.publish_title"))
with engine.connect() as conn:
    own_org = {identity.org_id} if identity.role == "head" and identity.org_id else None
    publishable = [
        s
        for s in schemes.list_schemes(conn, own_org)
        if s.status == "published"
        and schemes.editable_by(identity.role, identity.org_id, s) is None
    ]
if not publishable:
    st.info(t("results.no_scheme"))
else:
    refs = [s.ref for s in publishable]
    by_ref = {s.ref: s for s in publishable}
    ref = common.select(
        t("results.scheme"),
        refs,
        key="results_scheme",
        format_func=labels(refs, lambda r: messages.scheme_label(by_ref[r])),
    )
    scheme = by_ref[ref]
    # The scheme's own period, else the latest complete period of its cycle in the data.
    latest = state.periods(scheme.cycle, ctx.version) if not ctx.empty else []
    text = st.text_input(
        t("results.period"),
        value=scheme.period or (latest[0] if latest else ""),
        key=f"results_period_{ref}",
    )

    def publish() -> None:
        try:
            period = Period.parse(st.session_state.get(f"results_period_{ref}") or "")
        except PeriodError as exc:
            cycle_view.flash("error", str(exc))
            return
        try:
            with engine.begin() as conn:
                done = cycle.publish_results(conn, identity, scheme, period)
        except cycle.CycleRefused as exc:
            cycle_view.flash("error", cycle_view.refusal(exc))
        else:
            cycle_view.flash(
                "success",
                t(
                    "results.published_ok",
                    scheme=cycle_view.md(scheme.name),
                    period=period_label(done.period, lang()),
                    n=done.population,
                ),
            )

    st.button(t("results.publish"), on_click=publish, key="results_publish", disabled=not text)

# --- the queue of open inquiries ------------------------------------------------------------
st.subheader(t("results.queue"))
with engine.connect() as conn:
    queue = cycle.open_inquiries(conn, identity)
if queue.empty:
    st.info(t("results.queue_empty"))
inquiries: list[Any] = list(queue.itertuples())  # named tuples of the queue's text columns
for row in inquiries:
    with st.container(border=True, key=f"inquiry_{row.inquiry_id}"):
        st.markdown(
            f"**{t('results.inquiry')}** · {period_label(row.period, lang())} · {cycle_view.md(row.name)} "
            f"({cycle_view.md(row.staff_id)}) · {metric_name(row.kpi)}"
        )
        st.text(row.message)
        key = f"answer_{row.inquiry_id}"
        st.text_area(t("results.answer_text"), key=key, max_chars=2000)

        def uphold(inquiry_id: str = row.inquiry_id, key: str = key) -> None:
            run(cycle.answer, "results.answered", inquiry_id, st.session_state.get(key) or "")

        def correct(inquiry_id: str = row.inquiry_id, key: str = key) -> None:
            run(cycle.correct, "results.corrected", inquiry_id, st.session_state.get(key) or "")

        left, right = st.columns(2)
        left.button(t("results.uphold"), on_click=uphold, key=f"uphold_{row.inquiry_id}")
        right.button(
            t("results.correct"),
            on_click=correct,
            key=f"correct_{row.inquiry_id}",
            help=t("results.correct_help"),
        )

# --- one publication: statuses, versions, sign-off --------------------------------------------
with engine.connect() as conn:
    found = cycle.publications_for(conn, identity)
    names = {p.publication_id: cycle.scheme_of(conn, p).name for p in found}
if not found:
    st.info(t("results.none"))
    st.stop()
by_id = {p.publication_id: p for p in found}
publication_id = common.select(
    t("results.chosen"),
    list(by_id),
    key="results_chosen",
    format_func=lambda i: (
        f"{names[i]} · {period_label(by_id[i].period, lang())} · "
        + t(f"cycle.state.{by_id[i].state}")
    ),
)
publication = by_id[publication_id]
with engine.connect() as conn:
    people = cycle.status_of(conn, identity, publication_id)
    versions = cycle.versions_of(conn, publication_id)
st.subheader(t("results.status_title"))
tables.table(
    pd.DataFrame(
        {
            t("results.col_staff"): people["staff_id"],
            t("results.col_name"): people["name"],
            t("my.total"): [str(shown(v)) for v in people["total"]],
            t("my.rank"): people["rank"],
            t("my.grade"): people["grade"],
            t("my.status"): [t(f"cycle.status.{s}") for s in people["status"]],
        }
    ),
    hide_index=True,
    key="results_status",
)
st.subheader(t("results.versions"))
tables.table(
    pd.DataFrame(
        {
            t("results.col_version"): versions["version"],
            t("results.col_reason"): versions["reason"],
            t("results.col_by"): versions["created_by"],
            t("my.col_at"): [f"{v:%Y-%m-%d %H:%M}" for v in versions["created_at"]],
        }
    ),
    hide_index=True,
    key="results_versions",
)

if identity.role == "director":
    if publication.state == "published":
        st.button(
            t("results.sign_off"),
            on_click=run,
            args=(cycle.sign_off, "results.signed_off", publication_id),
            key="results_sign_off",
        )
    else:
        st.text_input(t("results.reopen_reason"), key="results_reopen_reason", max_chars=500)

        def reopen() -> None:
            reason = st.session_state.get("results_reopen_reason") or ""
            run(cycle.reopen, "results.reopened", publication_id, reason)

        st.button(t("results.reopen"), on_click=reopen, key="results_reopen")
