"""Target attainment on screen: actual against a published scheme's targets, per planner and item.

A director or head picks which published scheme's targets to read the table against (a bank-wide
scheme, or the scheme of a sub-branch); a planner reads their own against the published schemes of
their sub-branch and the bank. Attainment is actual / target (target / actual where lower is
better), as in the meeting packs (`metrics.exports.documents.with_targets`)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from metrics.appraisal import schemes
from metrics.core.catalogue import BY_ID
from metrics.core.values import is_null
from ui import messages, state
from ui.i18n import labels, metric_name, t
from ui.plain import plain


def _published(ctx: state.Context, orgs: set[str]) -> list[schemes.Scheme]:
    with state.get_engine().connect() as conn:
        found = schemes.list_schemes(conn)
    return [s for s in found if s.status == "published" and (s.org_id is None or s.org_id in orgs)]


def _ratio(actual: Any, target: Any, better: str | None) -> float | None:
    if is_null(actual) or target is None or float(target) == 0:
        return None
    value = float(actual)
    if better == "lower":
        return None if value == 0 else float(target) / value
    return value / float(target)


def columns(card: pd.DataFrame, scheme: schemes.Scheme) -> pd.DataFrame:
    """`attain_<kpi>` per targeted item of `scheme`, as a fraction (1.0 = target met), each
    person against their own target where the scheme names one."""
    out = pd.DataFrame(index=card.index)
    for item in scheme.items:
        if (item.target is None and not item.targets) or item.kpi not in card:
            continue
        better = BY_ID[item.kpi].better
        # Each person against their own target where the scheme names one (指标分解).
        out[f"attain_{item.kpi}"] = [
            _ratio(v, item.target_for(str(e)), better)
            for e, v in zip(card["entity_id"], card[item.kpi], strict=True)
        ]
    return out


def pick(ctx: state.Context, card: pd.DataFrame, *, key: str) -> schemes.Scheme | None:
    """A picker of the published schemes that apply to the units in `card` (None: no targets)."""
    options = _published(ctx, set(card["org_id"]))
    if not options:
        st.caption(t("attain.none"))
        return None
    refs = ["", *(s.ref for s in options)]
    by_ref = {s.ref: s for s in options}
    chosen = st.selectbox(
        t("attain.scheme"),
        refs,
        format_func=labels(
            refs, lambda r: messages.scheme_label(by_ref[r]) if r else t("attain.off")
        ),
        key=key,
    )
    return by_ref.get(chosen)


def config(scheme: schemes.Scheme) -> dict[str, Any]:
    return {
        f"attain_{item.kpi}": st.column_config.ProgressColumn(
            t("col.attainment_of", metric=metric_name(item.kpi)),
            format="percent",
            min_value=0.0,
            max_value=max(1.0, float(item.cap)),
        )
        for item in scheme.items
        if item.target is not None or item.targets
    }


# --- the Overview: attainment of the schemes in force, per sub-branch or per planner ------------

# Rollups whose figures add up across planners: a unit's attainment is then the sum of its
# planners' actuals against the sum of their targets; other figures (rates, means) are averaged
# over the planners' own attainments.
ADDITIVE = ("sum", "stock", "distinct")


def in_force(
    found: list[schemes.Scheme], period_kind: str, period: str, orgs: set[str]
) -> list[schemes.Scheme]:
    """The published schemes in force for a period: of its cycle, for that period or for every
    period of the cycle, bank-wide or of a unit in `orgs`."""
    return [
        s
        for s in found
        if s.status == "published"
        and s.cycle == period_kind
        and s.period in (None, period)
        and (s.org_id is None or s.org_id in orgs)
    ]


def subtree(units: pd.DataFrame, org_id: str | None) -> set[str] | None:
    """`org_id` and every unit below it (None: the whole bank)."""
    if org_id is None:
        return None
    out, frontier = {org_id}, {org_id}
    while frontier:
        frontier = set(units.loc[units["parent_id"].isin(frontier), "org_id"]) - out
        out |= frontier
    return out


def by_planner(card: pd.DataFrame, scheme: schemes.Scheme, orgs: set[str] | None) -> pd.DataFrame:
    """Each covered planner (role of the scheme, in `orgs` or anywhere when None) with, per
    targeted item, `actual_<kpi>`, `target_<kpi>` (their own when the scheme names one) and
    `attain_<kpi>`."""
    rows = card[card["role"] == scheme.role]
    if orgs is not None:
        rows = rows[rows["org_id"].isin(orgs)]
    out = rows[[c for c in ("entity_id", "name", "org_id") if c in rows]].reset_index(drop=True)
    for item in scheme.items:
        if item.kpi not in rows or (item.target is None and not item.targets):
            continue
        better = BY_ID[item.kpi].better
        targets = [item.target_for(str(e)) for e in out["entity_id"]]
        actuals = list(rows[item.kpi])
        out[f"actual_{item.kpi}"] = pd.Series(actuals, dtype=object)
        out[f"target_{item.kpi}"] = pd.Series(targets, dtype=object)
        out[f"attain_{item.kpi}"] = [
            _ratio(a, t, better) for a, t in zip(actuals, targets, strict=True)
        ]
    return out


def by_unit(planners: pd.DataFrame, scheme: schemes.Scheme, names: dict[str, str]) -> pd.DataFrame:
    """Per sub-branch: its covered planners (`planners`) and, per targeted item, the sum of
    actuals against the sum of targets (figures that add up) or the mean of the planners'
    attainments (rates and means); planners without an actual or a target are left out."""
    out = []
    for org_id, group in planners.groupby("org_id", sort=True):
        row: dict[str, Any] = {"org_id": org_id, "name": names.get(str(org_id), org_id)}
        row["planners"] = len(group)
        for item in scheme.items:
            column = f"attain_{item.kpi}"
            if column not in group:
                continue
            metric = BY_ID[item.kpi]
            if metric.rollup in ADDITIVE:
                pairs = [
                    (float(a), float(t))
                    for a, t in zip(
                        group[f"actual_{item.kpi}"], group[f"target_{item.kpi}"], strict=True
                    )  # fmt: skip
                    if not is_null(a) and t is not None
                ]
                row[column] = _ratio(
                    sum(a for a, _ in pairs), sum(t for _, t in pairs), metric.better
                ) if pairs else None  # fmt: skip
            else:
                values = [float(v) for v in group[column] if not is_null(v)]
                row[column] = sum(values) / len(values) if values else None
        out.append(row)
    return pd.DataFrame(out)


def overview(ctx: state.Context) -> None:
    """The Overview's target attainment: for each published scheme in force for the period, per
    sub-branch when the page shows a branch, per planner when it shows a sub-branch."""
    assert ctx.period is not None and ctx.unit is not None
    st.subheader(t("overview.attainment"))
    if ctx.period.is_to_date:  # targets are for whole periods
        st.caption(t("attain.whole_periods"))
        return
    card = ctx.scorecard("staff")
    staff = ctx.staff()
    if "left_on" in staff:
        # Staff who left before the period are history: no target applied to them in it.
        gone = staff[pd.to_datetime(staff["left_on"]) < pd.Timestamp(ctx.period.start)]
        card = card[~card["entity_id"].isin(set(gone["staff_id"]))]
    units = ctx.units
    with state.get_engine().connect() as conn:
        found = schemes.list_schemes(conn)
    orgs = set(units["org_id"]) | set(card["org_id"].dropna())
    schemes_now = in_force(found, ctx.period.kind, ctx.period.label(), orgs)
    if not schemes_now:
        st.caption(t("attain.none_in_force"))
        return
    names = ctx.unit_names()
    per_unit = ctx.unit.level == "branch"
    for n, scheme in enumerate(schemes_now):
        planners = by_planner(card, scheme, subtree(units, scheme.org_id))
        if planners.empty:
            continue
        # A scheme's name is typed by a person: shown as plain text, never as Markdown.
        st.markdown(f"**{plain(messages.scheme_label(scheme))}**")
        if per_unit:
            table = by_unit(planners, scheme, names)
            shown = table.rename(columns={"name": t("col.unit_name")})
            config: dict[str, Any] = {
                "org_id": None,
                "planners": st.column_config.NumberColumn(t("col.planners_covered")),
            }
        else:
            keep = [
                "entity_id",
                "name",
                "org_id",
                *(str(c) for c in planners if str(c).startswith("attain_")),
            ]
            shown = planners[keep].copy()
            shown["org_id"] = [names.get(o, o) for o in shown["org_id"]]
            shown = shown.rename(columns={"name": t("col.name"), "org_id": t("col.unit_name")})
            config = {"entity_id": None}
        config.update(_config(scheme))
        st.dataframe(shown, column_config=config, hide_index=True, key=f"overview_attain_{n}")
    st.caption(t("attain.hint_unit") if per_unit else t("attain.hint_planner"))


def _config(scheme: schemes.Scheme) -> dict[str, Any]:
    return {
        f"attain_{item.kpi}": st.column_config.ProgressColumn(
            t("col.attainment_of", metric=metric_name(item.kpi)),
            format="percent",
            min_value=0.0,
            max_value=max(1.0, float(item.cap)),
        )
        for item in scheme.items
        if item.target is not None or item.targets
    }


__all__ = ["by_planner", "by_unit", "columns", "config", "in_force", "overview", "pick"]
