"""The period pickers' options and the sentences about incomplete and partial periods, from the
one rule of `metrics.core.completeness` (read through the cached data end and start)."""

from __future__ import annotations

from metrics.core.completeness import Coverage
from metrics.core.periods import Period
from ui import state
from ui.format import period_label
from ui.i18n import lang, t


def _coverage(version: str) -> Coverage:
    last = state.data_end(version)
    first = state.data_start(version)
    return Coverage(first, last)


def picker_options(kind: str, version: str) -> tuple[list[str], str | None]:
    """(options newest first, default): the complete periods of `kind`, and before them the
    quarter or year under way "to date" when the data cover part of it. The default is the
    latest complete period (never one to date)."""
    complete = state.periods(kind, version)
    default = complete[0] if complete else None
    last = state.data_end(version)
    if kind == "month" or last is None:
        return complete, default
    current = Period.parse(
        f"{last.year}Q{(last.month - 1) // 3 + 1}" if kind == "quarter" else str(last.year)
    )
    if current.end > last:
        return [current.to(last).label(), *complete], default
    return complete, default


def vs_text(period: Period, version: str) -> str:
    """What a change is measured against: the period before, said as partial when the data
    begin inside it (a year 2024 holding only November and December)."""
    before = period.prev()
    cov = _coverage(version)
    shown = period_label(before.label(), lang())
    if cov.partial_at_start(before) and cov.first is not None:
        return t(
            "periods.vs_partial", period=shown, first=period_label(f"{cov.first:%Y-%m}", lang())
        )
    return t("overview.vs_prev", period=shown)


def incomplete_notice(period: Period, version: str) -> str | None:
    """The sentence for a period that may not be scored (None: complete)."""
    cov = _coverage(version)
    if cov.complete(period):
        return None
    latest = cov.latest(period.kind)
    return t(
        "periods.incomplete",
        period=period_label(period.label(), lang()),
        last=f"{cov.last:%Y-%m-%d}" if cov.last else "—",
        latest=period_label(latest.label(), lang()) if latest else "—",
    )


def to_date_caption(period: Period) -> str | None:
    if not period.is_to_date:
        return None
    return t(
        "periods.to_date_caption",
        period=period_label(period.label(), lang()),
        last=f"{period.end:%Y-%m-%d}",
    )
