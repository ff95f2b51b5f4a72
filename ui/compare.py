"""Two periods side by side (this quarter against the same quarter a year earlier, or any two):
the focused unit's appraisal KPIs in both, and the change, as a table of text (figures are
formatted by their unit, so a ratio reads 83.9% and money reads in the language's scale)."""

from __future__ import annotations

import pandas as pd

from metrics.core.catalogue import appraisal_ids
from metrics.core.periods import Period
from ui import common, state
from ui.format import delta, metric_value, period_label
from ui.i18n import metric_name, t
from ui.periods import picker_options

YEAR_AGO = {"month": 12, "quarter": 4, "year": 1}


def choices(ctx: state.Context) -> tuple[list[str], str | None]:
    """(periods to compare with, default): those of the picker's kind other than the one shown;
    the same period a year earlier by default, else the latest offered."""
    assert ctx.period is not None
    options, _ = picker_options(ctx.period.kind, ctx.version)
    options = [o for o in options if o != ctx.period.label()]
    year_ago = ctx.period.shift(-YEAR_AGO[ctx.period.kind]).label()
    if ctx.period.is_to_date:
        # The same months a year earlier (2025~2025-10 for 2026 to date): like with like.
        return [year_ago, *options], year_ago
    return options, year_ago if year_ago in options else (options[0] if options else None)


def side_by_side(ctx: state.Context, other: Period) -> pd.DataFrame:
    assert ctx.unit is not None and ctx.period is not None
    level, entity = ctx.unit.level, ctx.unit.entity_id
    now = common.row_of(ctx.scorecard(level), entity)
    then = common.row_of(ctx.scorecard(level, other), entity)
    a = period_label(ctx.period.label(), ctx.lang)
    b = period_label(other.label(), ctx.lang)
    rows = []
    for metric_id in appraisal_ids():
        x = None if now is None else now.get(metric_id)
        y = None if then is None else then.get(metric_id)
        rows.append(
            {
                t("compare.kpi"): metric_name(metric_id),
                a: metric_value(metric_id, x, ctx.lang),
                b: metric_value(metric_id, y, ctx.lang),
                t("compare.change"): delta(metric_id, x, y, ctx.lang) or "—",
            }
        )
    return pd.DataFrame(rows)
