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
    """`attain_<kpi>` per targeted item of `scheme`, as a fraction (1.0 = target met)."""
    out = pd.DataFrame(index=card.index)
    for item in scheme.items:
        if item.target is None or item.kpi not in card:
            continue
        better = BY_ID[item.kpi].better
        out[f"attain_{item.kpi}"] = [_ratio(v, item.target, better) for v in card[item.kpi]]
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
        if item.target is not None
    }


__all__ = ["columns", "config", "pick"]
