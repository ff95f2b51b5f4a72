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

from data import audit
from metrics.appraisal import schemes, snapshots, targets
from metrics.appraisal import scoring as appraisal
from metrics.core.catalogue import BY_ID
from metrics.core.periods import Period, PeriodError
from metrics.exports.explain_zh import explanation_zh, flags_zh
from ui import messages, scheme_form, state, tables, target_grid
from ui.auth import record_action, require_identity
from ui.common import download, keep, remember
from ui.i18n import labels as i18n_labels
from ui.i18n import lang, metric_name, role_name, t
from ui.periods import incomplete_notice
from ui.plain import plain

state.context()  # refuses a role `ui.pages_table` does not allow
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


def explained(text: object) -> object:
    """How an item's points were reached, in the page's language."""
    return explanation_zh(text) if lang() == "zh" else text


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
    chosen = st.selectbox(
        t("schemes.scheme"), mine, format_func=i18n_labels(mine, messages.scheme_label)
    )
    # The latest complete period of the scheme's cycle, not the scheme's first period (which
    # may lie ahead of the data): an incomplete period is said, never scored or ranked.
    version = state.data_version()
    complete = state.periods(chosen.cycle, version)
    period = period_input(
        t("schemes.period"), complete[0] if complete else None, f"own_period_{chosen.ref}"
    )
    if period is None:
        st.stop()
    notice = incomplete_notice(period, version)
    if notice:
        st.warning(notice, icon=":material/hourglass_empty:")
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
                t("schemes.col_kpi"): metric_name(item.kpi),
                t("schemes.col_weight"): float(item.weight),
                t("schemes.col_rule"): t(f"schemes.rule.{item.rule}"),
                # The person's own target when the item sets one (指标分解), as scored.
                t("schemes.col_target"): None
                if row[f"target_{item.kpi}"] is None
                else float(row[f"target_{item.kpi}"]),
                t("schemes.col_actual"): None
                if row[f"actual_{item.kpi}"] is None
                else float(row[f"actual_{item.kpi}"]),
                t("schemes.col_points"): float(row[f"score_{item.kpi}"]),
                t("schemes.col_how"): explained(row[f"explain_{item.kpi}"]),
            }
            for item in chosen.items
        ]
    )
    tables.table(items, hide_index=True)
    if row["flags"]:
        st.warning(plain(flags_zh(row["flags"]) if lang() == "zh" else row["flags"]))
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
# The version shown is remembered raw (`keep`), so that a save or a publish can select the
# version it made for the run that follows (st.rerun), before the box is drawn again.
keep("scheme_ref", options, NEW)
ref = st.selectbox(
    t("schemes.version"),
    options,
    format_func=i18n_labels(options, lambda r: t("schemes.new") if r == NEW else labels[r]),
    key="scheme_ref",
    on_change=remember,
    args=("scheme_ref",),
)
done_message = st.session_state.pop("_schemes_done", None)
if done_message:
    st.success(done_message)
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
# The org unit is picked by name among the units the user may see (a head: their own).
units = state.context().units
unit_names = dict(zip(units.get("org_id", []), units.get("name", []), strict=False))
if identity.role == "head":
    org_id = identity.org_id
    role = "planner"
    left.selectbox(
        t("schemes.org"),
        [org_id],
        format_func=lambda o: unit_names.get(o, o or ""),
        disabled=True,
        key=f"org_{ref}",
    )
    middle.text_input(t("schemes.role"), role_name(role), disabled=True)
else:
    org_options: list[str | None] = [None, *unit_names]
    if base.org_id is not None and base.org_id not in unit_names:
        org_options.append(base.org_id)  # a stored unit since closed: still shown, by id
    org_id = left.selectbox(
        t("schemes.org_any"),
        org_options,
        index=org_options.index(base.org_id),
        format_func=i18n_labels(
            org_options, lambda o: t("schemes.whole_bank") if o is None else unit_names.get(o, o)
        ),
        key=f"org_{ref}",
    )
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

edited = tables.editor(
    scheme_form.items_frame(base),
    num_rows="dynamic",
    hide_index=True,
    key=f"items_{ref}",
    column_config=scheme_form.item_columns(),
)
item_rows = scheme_form.item_rows(edited)
weights = scheme_form.weights_total(item_rows)
if weights == 100:
    st.success(t("schemes.weights_ok"))
else:
    st.error(t("schemes.weights_bad", total=f"{weights:g}"))

grades = tables.editor(
    scheme_form.grades_frame(base),
    num_rows="dynamic",
    hide_index=True,
    key=f"grades_{ref}",
    column_config=scheme_form.grade_columns(),
)

# --- per-person targets (指标分解) -------------------------------------------------------------
st.subheader(t("targets.title"))
st.caption(t("targets.help"))
done_targets = st.session_state.pop("_targets_done", None)
if done_targets:
    st.success(done_targets)
with engine.connect() as conn:
    staff = targets.covered_staff(
        conn,
        schemes.Scheme(name, org_id, role, cycle, (), period=first_period or None),
        identity.scope,
    )
person_targets = target_grid.grids(ref, item_rows, staff, target_grid.held(ref, base))

data = {
    "name": name,
    "org_id": org_id,
    "role": role,
    "cycle": cycle,
    "period": first_period or None,
    "items": targets.with_person_targets(item_rows, person_targets),
    "grades": scheme_form.grade_rows(grades),
}
shell: schemes.Scheme | None
try:
    shell = schemes.from_dict(data, validate_now=False)  # the draft as typed, maybe unfinished
except schemes.SchemeError:
    shell = None
target_grid.upload(ref, shell, staff)
if shell is not None:
    download(
        t("targets.download"),
        targets.targets_csv(shell),
        "targets.csv",
        "csv",
        key=f"targets_download_{ref}",
        on_click=record_action,
        args=(engine, identity, audit.EXPORT, "targets.csv", {"what": "per-person targets"}),
    )
draft: schemes.Scheme | None
try:
    draft = replace(
        schemes.from_dict(data), scheme_id=base.scheme_id, version=base.version, status=base.status
    )
except schemes.SchemeError as exc:
    draft = None
    # Checked as the head types: an unfinished draft is a warning to act on, not a failure.
    # The weights were said once already, next to the grid.
    said: str | None
    try:
        said = schemes.weights_message(schemes.from_dict(data, validate_now=False))
    except schemes.SchemeError:
        said = None
    for message in exc.messages:
        if message != said:
            st.warning(plain(messages.scheme_message(message)))

refusal = schemes.editable_by(identity.role, identity.org_id, draft or base)
if refusal:
    st.warning(plain(refusal))


def act(action: str, scheme: schemes.Scheme) -> None:
    """A button's callback. It runs before the next run of the page, so that run lists the
    version it made, opens it in the editor and says what was done (a save used to leave the
    new draft out of "Scheme version", and Publish disabled, until the page was left)."""
    with engine.begin() as conn:
        if action == "saved":
            done = schemes.save_draft(conn, scheme, identity.username)
        else:
            assert scheme.scheme_id is not None and scheme.version is not None
            change = {
                "published": schemes.publish,
                "archived": schemes.archive,
                "copied": schemes.copy_to_next_cycle,
            }[action]
            done = change(conn, scheme.scheme_id, scheme.version, identity.username)
    st.session_state["_keep_scheme_ref"] = done.ref
    st.session_state["_schemes_done"] = t(
        f"schemes.{action}", label=plain(messages.scheme_label(done))
    )
    # The new scheme's grids start afresh the next time "New scheme" is chosen, and the
    # per-person targets are read again from what was stored.
    for key in ("items_new", "grades_new"):
        st.session_state.pop(key, None)
    for made in {scheme.ref, done.ref, NEW}:
        target_grid.restart(made)


b1, b2, b3, b4 = st.columns(4)
disabled = draft is None or refusal is not None
b1.button(t("schemes.save"), disabled=disabled, on_click=act, args=("saved", draft))
b2.button(
    t("schemes.publish"),
    disabled=disabled or base.status != "draft" or base.scheme_id is None,
    on_click=act,
    args=("published", base),
)
b3.button(
    t("schemes.archive"),
    disabled=refusal is not None or base.scheme_id is None,
    on_click=act,
    args=("archived", base),
)
b4.button(
    t("schemes.copy"),
    disabled=refusal is not None or base.scheme_id is None,
    on_click=act,
    args=("copied", base),
)

# --- what-if preview --------------------------------------------------------------------------
st.subheader(t("schemes.whatif"))
latest = state.periods((draft or base).cycle, state.data_version())
period = period_input(
    t("schemes.past_period"), latest[0] if latest else None, f"whatif_period_{ref}"
)
notice = incomplete_notice(period, state.data_version()) if period is not None else None
if notice:
    st.warning(notice, icon=":material/hourglass_empty:")
elif draft is not None and period is not None:
    moves: pd.DataFrame | None
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
        people = {staff for item in draft.items for staff, _ in item.targets}
        if people:
            st.caption(t("targets.in_preview", n=len(people)))
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
