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

from metrics import appraisal, schemes, snapshots
from metrics.catalogue import BY_ID, appraisal_ids
from metrics.masking import mask_frame
from metrics.periods import Period, PeriodError
from ui import state
from ui.auth import require_identity

engine = state.get_engine()
identity = require_identity(engine)
st.title("考核方案 Appraisal schemes")


def period_input(label: str, default: str | None, key: str) -> Period | None:
    text = st.text_input(label, value=default or "", key=key, help="2026-09, 2026Q3 or 2026")
    if not text:
        return None
    try:
        return Period.parse(text)
    except PeriodError as exc:
        st.error(str(exc))
        return None


def kpi_label(kpi: str) -> str:
    metric = BY_ID.get(kpi)
    return f"{metric.name_zh} {kpi}" if metric else kpi


# --- planner / advisor: their own appraisal, nothing of anyone else ---------------------------
if identity.role in ("planner", "advisor"):
    assert identity.staff_id is not None
    with engine.connect() as conn:
        mine = appraisal.schemes_covering(conn, identity.staff_id)
    if not mine:
        st.info("没有适用于您的已发布考核方案 No published scheme covers you yet.")
        st.stop()
    chosen = st.selectbox("方案 Scheme", mine, format_func=lambda s: s.label)
    period = period_input("期间 Period", chosen.period, "own_period")
    if period is None:
        st.stop()
    try:
        with engine.connect() as conn:
            own = appraisal.appraise(conn, chosen, period, identity.scope)
    except appraisal.AppraisalError as exc:
        st.error(str(exc))
        st.stop()
    if own.empty:
        st.info("该期间您不在方案范围内 You are not covered by this scheme in that period.")
        st.stop()
    row = own.iloc[0]
    cols = st.columns(3)
    cols[0].metric("总分 Total", f"{row['total']}")
    cols[1].metric("名次 Rank", f"{row['rank']} / {own.attrs['population']}")
    cols[2].metric("等级 Grade", row["grade"] or "-")
    items = pd.DataFrame(
        [
            {
                "指标 KPI": kpi_label(item.kpi),
                "权重 Weight": float(item.weight),
                "规则 Rule": item.rule,
                "目标 Target": None if item.target is None else float(item.target),
                "实际 Actual": None
                if row[f"actual_{item.kpi}"] is None
                else float(row[f"actual_{item.kpi}"]),
                "得分 Points": float(row[f"score_{item.kpi}"]),
                "说明 How": row[f"explain_{item.kpi}"],
            }
            for item in chosen.items
        ]
    )
    st.dataframe(items, hide_index=True)
    if row["flags"]:
        st.warning(row["flags"])
    st.stop()

# --- head / director: the editor --------------------------------------------------------------
if identity.role not in ("head", "director"):
    st.error("This page is not available to your role.")
    st.stop()

with engine.connect() as conn:
    own_org = {identity.org_id} if identity.role == "head" and identity.org_id else None
    stored = schemes.list_schemes(conn, own_org)
NEW = "new"
options = [NEW, *[s.ref for s in stored]]
labels = {s.ref: s.label for s in stored}
ref = st.selectbox(
    "方案版本 Scheme version",
    options,
    format_func=lambda r: "新方案 New scheme" if r == NEW else labels[r],
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
        f"{base.label}: 已{'发布' if base.status == 'published' else '归档'}，不可修改；保存即生成新版本草稿。"
        " A published or archived version never changes: saving makes a new draft version."
    )

name = st.text_input("名称 Name", base.name)
left, middle, right = st.columns(3)
if identity.role == "head":
    org_id = identity.org_id
    role = "planner"
    left.text_input("机构 Org unit", org_id or "", disabled=True)
    middle.text_input("岗位 Role", role, disabled=True)
else:
    org_id = left.text_input("机构 Org unit (empty: whole bank)", base.org_id or "") or None
    role = middle.selectbox("岗位 Role", schemes.ROLES, index=schemes.ROLES.index(base.role))
cycle = right.selectbox("周期 Cycle", schemes.CYCLES, index=schemes.CYCLES.index(base.cycle))
first_period = st.text_input("起始期间 First period (optional)", base.period or "")

items_frame = pd.DataFrame(
    [item.to_dict() for item in base.items], columns=list(schemes.ITEM_FIELDS)
)
edited = st.data_editor(
    items_frame,
    num_rows="dynamic",
    hide_index=True,
    key=f"items_{ref}",
    column_config={
        "kpi": st.column_config.SelectboxColumn("指标 KPI", options=appraisal_ids(), required=True),
        "weight": st.column_config.NumberColumn("权重 Weight", min_value=0, required=True),
        "target": st.column_config.NumberColumn("目标 Target"),
        "rule": st.column_config.SelectboxColumn("规则 Rule", options=schemes.RULES, required=True),
        "cap": st.column_config.NumberColumn("封顶系数 Cap", help="linear only; default 1.2"),
        "gate": st.column_config.NumberColumn("门槛 Gate"),
        "max_score": st.column_config.NumberColumn("最高分 Max score"),
    },
)
weights = pd.to_numeric(edited["weight"], errors="coerce").fillna(0).sum()
if weights == 100:
    st.success("权重合计 100 Weights add up to 100")
else:
    st.error(f"权重合计 {weights:g}，应为 100 — weights add up to {weights:g}, not 100")

grades_frame = pd.DataFrame(
    [{"grade": g, "share": float(s)} for g, s in base.grades], columns=["grade", "share"]
)
grades = st.data_editor(
    grades_frame,
    num_rows="dynamic",
    hide_index=True,
    key=f"grades_{ref}",
    column_config={
        "grade": st.column_config.TextColumn("等级 Grade (best first)"),
        "share": st.column_config.NumberColumn("比例 Share", min_value=0, max_value=1),
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
    for message in exc.messages:
        st.error(message)

refusal = schemes.editable_by(identity.role, identity.org_id, draft or base)
if refusal:
    st.warning(refusal)

b1, b2, b3, b4 = st.columns(4)
disabled = draft is None or refusal is not None
if b1.button("保存草稿 Save draft", disabled=disabled):
    assert draft is not None
    with engine.begin() as conn:
        saved = schemes.save_draft(conn, draft, identity.username)
    st.success(f"已保存 Saved {saved.label}")
if b2.button("发布 Publish", disabled=disabled or base.status != "draft" or base.scheme_id is None):
    with engine.begin() as conn:
        assert base.scheme_id is not None and base.version is not None
        done = schemes.publish(conn, base.scheme_id, base.version, identity.username)
    st.success(f"已发布 Published {done.label}")
if b3.button("归档 Archive", disabled=refusal is not None or base.scheme_id is None):
    with engine.begin() as conn:
        assert base.scheme_id is not None and base.version is not None
        done = schemes.archive(conn, base.scheme_id, base.version, identity.username)
    st.success(f"已归档 Archived {done.label}")
if b4.button(
    "复制到下一周期 Copy to next cycle", disabled=refusal is not None or base.scheme_id is None
):
    with engine.begin() as conn:
        assert base.scheme_id is not None and base.version is not None
        copy = schemes.copy_to_next_cycle(conn, base.scheme_id, base.version, identity.username)
    st.success(f"已复制 Copied as {copy.label}")

# --- what-if preview --------------------------------------------------------------------------
st.subheader("模拟测算 What-if preview")
period = period_input("过往期间 Past period", base.period, "whatif_period")
if draft is not None and period is not None:
    with engine.connect() as conn:
        published = schemes.published(conn, base.scheme_id) if base.scheme_id else None
        try:
            moves = appraisal.what_if(conn, draft, published, period, identity.scope)
        except appraisal.AppraisalError as exc:
            st.error(str(exc))
            moves = None
    if moves is not None:
        st.caption(f"草稿 Draft vs 已发布 published: {published.label if published else '(none)'}")
        shown = moves if identity.may_unmask else mask_frame(moves)
        st.dataframe(shown, hide_index=True)
    if published is not None and identity.role in ("head", "director"):
        if st.button("为已发布版本拍摄快照 Snapshot the published version for this period"):
            with engine.begin() as conn:
                record = snapshots.take_appraisal(
                    conn, published, period, identity.scope, identity.username
                )
            st.success(f"快照 Snapshot {record.snapshot_id} · SHA-256 {record.sha256}")
