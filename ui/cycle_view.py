"""What the appraisal-cycle pages (My appraisal, Published results) share: a refusal said in the
user's language, a message that survives the rerun after an action, and the one-line explanation
of an item's score in the user's language:
"actual 5.8M / target 5M = 1.16 × weight 40 = 46.4" / "实际 580万 / 目标 500万 = 1.16 × 权重 40 = 46.4分".

The numbers come from `metrics.appraisal.cycle.ItemLine` (which decided how the score was
reached, in the order scoring does); this module only words and formats them. Figures are short
on purpose (a line, not a table): money in M (English) or 万 / 亿 (Chinese), ratios as percents,
points to at most 2 decimals without trailing zeros.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import streamlit as st

from metrics.appraisal.cycle import CycleRefused, ItemLine
from metrics.core.catalogue import BY_ID
from ui.i18n import has, t

FLASH = "_cycle_flash"
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: object) -> str:
    """Data (a staff or scheme name, typed by someone) inside Markdown, shown as typed: every
    Markdown character escaped, so a name cannot become a link, an image or emphasis."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def refusal(exc: CycleRefused) -> str:
    key = f"cycle.refused.{exc.code}"
    # Parameters may be names typed by someone (a scheme's): shown as typed, never as Markdown.
    return t(key, **{k: md(v) for k, v in exc.params.items()}) if has(key) else md(exc)


def flash(kind: str, text: str) -> None:
    """Say `text` on the next run (actions run in a button's callback, before the page)."""
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop(FLASH, (None, None))
    if kind == "success":
        st.success(text)
    elif kind == "error":
        st.error(text)


def _trim(value: Decimal, places: int = 2) -> str:
    text = f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def short(kpi: str, value: Any, lang: str) -> str:
    """A KPI's figure as the explanation line shows it."""
    if value is None:
        return "—"
    number = Decimal(str(value))
    unit = BY_ID[kpi].unit if kpi in BY_ID else "count"
    if unit == "yuan":
        if lang == "zh":
            if abs(number) >= Decimal(100_000_000):
                return f"{_trim(number / Decimal(100_000_000))}亿"
            if abs(number) >= Decimal(10_000):
                return f"{_trim(number / Decimal(10_000))}万"
            return _trim(number)
        if abs(number) >= Decimal(1_000_000):
            return f"{_trim(number / Decimal(1_000_000))}M"
        return _trim(number)
    if unit == "ratio":
        return f"{_trim(number * 100, 1)}%"
    return _trim(number)


def explain(line: ItemLine, lang: str) -> str:
    """How `line`'s score was reached, in one line."""
    weight = line.weight
    if line.how.startswith("linear"):
        assert line.counted is not None
        raw = weight * line.counted
    elif line.how == "rank":
        share = 1 - Decimal((line.rank or 1) - 1) / Decimal(line.n - 1)
        raw = weight * share
    else:
        raw = weight
    capped = line.max_score is not None
    key = line.how
    if key in ("linear", "linear_lower") and line.counted != line.ratio:
        key += "_clamped"
    text = t(
        f"cycle.explain.{key}",
        actual=short(line.kpi, line.actual, lang),
        target=short(line.kpi, line.target, lang),
        gate=short(line.kpi, line.gate, lang),
        ratio=_trim(line.ratio) if line.ratio is not None else "",
        counted=_trim(line.counted) if line.counted is not None else "",
        weight=_trim(weight),
        rank=line.rank,
        n=line.n,
        score=_trim(raw if capped else line.score),
    )
    if capped:
        text += t("cycle.explain.max", score=_trim(line.score))
    return text
