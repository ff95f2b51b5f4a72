"""A snapshot of the KPI table on screen, for a meeting: the figures of this period, level and
org unit frozen with a checksum (`metrics.appraisal.snapshots.take_table`, audited there), then
found on the Snapshots page with its packs. Not only a published scheme's results can be frozen."""

from __future__ import annotations

import streamlit as st

from metrics.appraisal import snapshots
from metrics.core.entities import Level
from ui import messages, state
from ui.i18n import t

TAKERS = ("director", "head")  # the roles with a Snapshots page


def offer(ctx: state.Context, kind: str, level: Level, *, key: str) -> None:
    """A button that freezes table `kind` at `level` for the unit and period on screen."""
    if getattr(ctx.identity, "role", None) not in TAKERS or ctx.period is None:
        return
    if not st.button(t("snapshot.take_table"), key=key, icon=":material/photo_camera:"):
        return
    with state.get_engine().begin() as conn:
        record = snapshots.take_table(
            conn,
            kind,
            ctx.period,
            level,
            ctx.scope,
            ctx.identity.username,
        )
    label = messages.snapshot_label(record.title, record.period, record.created_at)
    st.success(t("snapshot.taken", label=label))


__all__ = ["offer"]
