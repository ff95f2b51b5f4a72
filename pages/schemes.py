"""Appraisal schemes (考核方案): the editor for a sub-branch head or the director, with a what-if
preview against the published version; for a planner or advisor, their own appraisal.

Thin page: every rule (validation, versions, scoring, who may edit) lives in `metrics.schemes`
and `metrics.appraisal`; this file only reads widgets and shows what those return.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pandas as pd
import streamlit as st

from metrics.appraisal import schemes, snapshots
from metrics.appraisal import scoring as appraisal
from metrics.core.catalogue import BY_ID, appraisal_ids
from metrics.core.periods import Period, PeriodError
from ui import messages, state, tables
from ui.auth import require_identity
from ui.i18n import labels as i18n_labels
from ui.i18n import lang, metric_name, role_name, t
from ui.plain import plain

engine = state.get_engine()
identity = require_identity(engine)
st.title(t("page.schemes"))


def period_input(label: str, default: str | None, key: str) -> Period | None:
    text = st.text_input(label, value=default or "", key=key, help=t("schemes.period_help"))
    if not text:
        return None
    try:
        return Period.parse(text)
    except PeriodError as exc:
        st.error(plain(exc))
        return None


def kpi_label(kpi: str) -> str:
    metric = BY_ID.get(kpi)
    if metric is None:
        return kpi
    return f"{metric.name_zh if lang() == 'zh' else metric.name_en} ({kpi})"


# --- planner / advisor: their own appraisal, nothing of anyone else ---------------------------
if identity.role in ("planner", "advisor"):
    assert identity.staff_id is not None
    with engine.connect() as conn:
        mine = appraisal.schemes_covering(conn, identity.staff_id)
    if not mine:
        st.info(t("schemes.none_for_you"))
        st.stop()
    chosen = st.selectbox(t("schemes.scheme"), mine, format_func=messages.scheme_label)
    period = period_input(t("schemes.period"), chosen.period, "own_period")
    if period is None:
        st.stop()
    try:
        with engine.connect() as conn:
            own = appraisal.appraise(conn, chosen, period, identity.scope)
    except appraisal.AppraisalError as exc:
        st.error(plain(exc))
        st.stop()
    if own.empty:
        st.info(t("schemes.not_covered"))
        st.stop()
    row = own.iloc[0]
    cols = st.columns(3)
    cols[0].metric(t("schemes.total"), f"{row['total']}")
    cols[1].metric(t("schemes.rank"), f"{row['rank']} / {own.attrs['population']}")
    cols[2].metric(t("schemes.grade"), row["grade"] or "—")
    items = pd.DataFrame(
        [
            {
                t("schemes.col_kpi"): kpi_label(item.kpi),
                t("schemes.col_weight"): float(item.weight),
                t("schemes.col_rule"): item.rule,
                t("schemes.col_target"): None if item.target is None else float(item.target),
                t("schemes.col_actual"): None
                if row[f"actual_{item.kpi}"] is None
                else float(row[f"actual_{item.kpi}"]),
                t("schemes.col_points"): float(row[f"score_{item.kpi}"]),
                t("schemes.col_how"): row[f"explain_{item.kpi}"],
            }
            for item in chosen.items
        ]
    )
    tables.table(items, hide_index=True)
    if row["flags"]:
        st.warning(plain(row["flags"]))
    st.stop()

# --- head / director: the editor --------------------------------------------------------------
if identity.role not in ("head", "director"):
    st.error(t("error.not_allowed"))
    st.stop()

with engine.connect() as conn:
    own_org = {identity.org_id} if identity.role == "head" and identity.org_id else None
    stored = schemes.list_schemes(conn, own_org)
NEW = "new"
options = [NEW, *[s.ref for s in stored]]
labels = {s.ref: messages.scheme_label(s) for s in stored}
ref = st.selectbox(
    t("schemes.version"),
    options,
    format_func=i18n_labels(options, lambda r: t("schemes.new") if r == NEW else labels[r]),
)
base = (
    next(s for s in stored if s.ref == ref)
    if ref != NEW
    else schemes.Scheme(
        name="",
        org_id=identity.org_id if identity.role == "head" else None,
        role="planner",
        cycle="quarter",
        items=(schemes.Item("aum_increment", Decimal(100), Decimal(1000000)),),
    )
)
if base.status != "draft":
    st.caption(
        t(
            "schemes.frozen",
            label=plain(messages.scheme_label(base)),
            status=t(f"schemes.status.{base.status}"),
        )
    )

name = st.text_input(t("schemes.name"), base.name)
left, middle, right = st.columns(3)
if identity.role == "head":
    org_id = identity.org_id
    role = "planner"
    left.text_input(t("schemes.org"), org_id or "", disabled=True)
    middle.text_input(t("schemes.role"), role_name(role), disabled=True)
else:
    org_id = left.text_input(t("schemes.org_any"), base.org_id or "") or None
    role = middle.selectbox(
        t("schemes.role"),
        schemes.ROLES,
        index=schemes.ROLES.index(base.role),
        format_func=i18n_labels(list(schemes.ROLES), role_name),
    )
cycle = right.selectbox(
    t("schemes.cycle"),
    schemes.CYCLES,
    index=schemes.CYCLES.index(base.cycle),
    format_func=i18n_labels(list(schemes.CYCLES), lambda c: t(f"kind.{c}")),
)
first_period = st.text_input(t("schemes.first_period"), base.period or "")

items_frame = pd.DataFrame(
    [item.to_dict() for item in base.items], columns=list(schemes.ITEM_FIELDS)
)
edited = tables.editor(
    items_frame,
    num_rows="dynamic",
    hide_index=True,
    key=f"items_{ref}",
    column_config={
        "kpi": st.column_config.SelectboxColumn(
            t("schemes.col_kpi"),
            options=appraisal_ids(),
            required=True,
            format_func=i18n_labels(appraisal_ids(), metric_name),
        ),
        "weight": st.column_config.NumberColumn(
            t("schemes.col_weight"), min_value=0, required=True
        ),
        "target": st.column_config.NumberColumn(t("schemes.col_target")),
        "rule": st.column_config.SelectboxColumn(
            t("schemes.col_rule"),
            options=schemes.RULES,
            required=True,
            format_func=i18n_labels(list(schemes.RULES), lambda r: t(f"val.rule.{r}")),
        ),
        "cap": st.column_config.NumberColumn(t("schemes.col_cap"), help=t("schemes.cap_help")),
        "gate": st.column_config.NumberColumn(t("schemes.col_gate")),
        "max_score": st.column_config.NumberColumn(t("schemes.col_max")),
    },
)
weights = pd.to_numeric(edited["weight"], errors="coerce").fillna(0).sum()
if weights == 100:
    st.success(t("schemes.weights_ok"))
else:
    st.error(t("schemes.weights_bad", total=f"{weights:g}"))

grades_frame = pd.DataFrame(
    [{"grade": g, "share": float(s)} for g, s in base.grades], columns=["grade", "share"]
)
grades = tables.editor(
    grades_frame,
    num_rows="dynamic",
    hide_index=True,
    key=f"grades_{ref}",
    column_config={
        "grade": st.column_config.TextColumn(t("schemes.col_grade")),
        "share": st.column_config.NumberColumn(t("schemes.col_share"), min_value=0, max_value=1),
    },
)


def _clean(value: object) -> object:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


data = {
    "name": name,
    "org_id": org_id,
    "role": role,
    "cycle": cycle,
    "period": first_period or None,
    "items": [{k: _clean(v) for k, v in r.items()} for r in edited.to_dict("records")],
    "grades": {
        str(r["grade"]): r["share"] for r in grades.to_dict("records") if _clean(r["grade"])
    },
}
draft: schemes.Scheme | None
try:
    draft = replace(
        schemes.from_dict(data), scheme_id=base.scheme_id, version=base.version, status=base.status
    )
except schemes.SchemeError as exc:
    draft = None
    # Checked as the head types: an unfinished draft is a warning to act on, not a failure.
    for message in exc.messages:
        st.warning(plain(messages.scheme_message(message)))

refusal = schemes.editable_by(identity.role, identity.org_id, draft or base)
if refusal:
    st.warning(plain(refusal))

b1, b2, b3, b4 = st.columns(4)
disabled = draft is None or refusal is not None
if b1.button(t("schemes.save"), disabled=disabled):
    assert draft is not None
    with engine.begin() as conn:
        saved = schemes.save_draft(conn, draft, identity.username)
    st.success(t("schemes.saved", label=plain(messages.scheme_label(saved))))
if b2.button(
    t("schemes.publish"), disabled=disabled or base.status != "draft" or base.scheme_id is None
):
    with engine.begin() as conn:
        assert base.scheme_id is not None and base.version is not None
        done = schemes.publish(conn, base.scheme_id, base.version, identity.username)
    st.success(t("schemes.published", label=plain(messages.scheme_label(done))))
if b3.button(t("schemes.archive"), disabled=refusal is not None or base.scheme_id is None):
    with engine.begin() as conn:
        assert base.scheme_id is not None and base.version is not None
        done = schemes.archive(conn, base.scheme_id, base.version, identity.username)
    st.success(t("schemes.archived", label=plain(messages.scheme_label(done))))
if b4.button(t("schemes.copy"), disabled=refusal is not None or base.scheme_id is None):
    with engine.begin() as conn:
        assert base.scheme_id is not None and base.version is not None
        copy = schemes.copy_to_next_cycle(conn, base.scheme_id, base.version, identity.username)
    st.success(t("schemes.copied", label=plain(messages.scheme_label(copy))))

# --- what-if preview --------------------------------------------------------------------------
st.subheader(t("schemes.whatif"))
period = period_input(t("schemes.past_period"), base.period, "whatif_period")
if draft is not None and period is not None:
    with engine.connect() as conn:
        published = schemes.published(conn, base.scheme_id) if base.scheme_id else None
        try:
            moves = appraisal.what_if(conn, draft, published, period, identity.scope)
        except appraisal.AppraisalError as exc:
            st.error(plain(exc))
            moves = None
    if moves is not None:
        st.caption(
            t(
                "schemes.vs",
                label=plain(messages.scheme_label(published))
                if published
                else t("schemes.vs_none"),
            )
        )
        tables.table(moves, hide_index=True)
    if published is not None and identity.role in ("head", "director"):
        if st.button(t("schemes.snapshot")):
            with engine.begin() as conn:
                record = snapshots.take_appraisal(
                    conn, published, period, identity.scope, identity.username
                )
            st.success(
                t(
                    "snapshot.taken",
                    label=messages.snapshot_label(record.title, record.period, record.created_at),
                )
            )
