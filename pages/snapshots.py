"""Meeting snapshots (会议快照): the snapshots in the viewer's scope, each checksum verified when
shown (a mismatch is said loudly and its figures are not shown), what changed since, and the
meeting packs (Excel, PDF, CSV). Thin page: all of it is `metrics.appraisal.snapshots` / `metrics.exports`."""

from __future__ import annotations

import streamlit as st

from metrics.appraisal import snapshots
from metrics.exports import formats
from metrics.exports.documents import ExportError
from ui import common, state, tables
from ui.auth import require_identity
from ui.i18n import t
from ui.plain import plain

engine = state.get_engine()
identity = require_identity(engine)
if identity.role not in ("director", "head"):
    st.error(t("error.not_allowed"))
    st.stop()
st.title(t("page.snapshots"))

with engine.connect() as conn:
    listed = snapshots.list_snapshots(conn, identity.scope)
if listed.empty:
    st.info(t("snapshots.none"))
    st.stop()
bad = listed[~listed["verified"]]
if not bad.empty:
    st.error(t("snapshots.some_failed", n=len(bad), ids=", ".join(bad["snapshot_id"])))
tables.table(listed, hide_index=True)

chosen = st.selectbox(
    t("snapshots.snapshot"),
    list(listed["snapshot_id"]),
    format_func=lambda i: f"{i[:8]} · " + str(listed.set_index("snapshot_id").at[i, "title"]),
)
with engine.connect() as conn:
    record = snapshots.read(conn, chosen, identity.scope, strict=False)
if not record.verified:
    st.error(t("snapshots.failed", id=chosen), icon=":material/gpp_bad:")
    st.stop()
st.success(t("snapshots.verified", sha=record.sha256))
st.caption(
    f"{plain(record.title)} · {record.period} · {plain(record.created_by)}"
    f" {record.created_at:%Y-%m-%d %H:%M} · {t('snapshots.batches', n=len(record.batches))}"
)
frame = record.frame
tables.table(frame, hide_index=True)

st.subheader(t("snapshots.compare_title"))
if st.button(t("snapshots.compare")):
    with engine.connect() as conn:
        changes = snapshots.compare(conn, chosen, identity.scope)
    if changes.empty:
        st.info(t("snapshots.unchanged"))
    else:
        tables.table(changes, hide_index=True)

st.subheader(t("snapshots.pack"))
fmt = st.radio(t("snapshots.format"), list(formats.FORMATS), horizontal=True)
if st.button(t("snapshots.prepare")):
    try:
        with engine.begin() as conn:  # the export is audited in the same transaction
            st.session_state["pack"] = (
                chosen,
                fmt,
                formats.export_snapshot(conn, chosen, fmt, identity.username, identity.scope),
            )
    except (ExportError, snapshots.SnapshotError) as exc:
        st.error(plain(str(exc)))
pack = st.session_state.get("pack")
if pack and pack[0] == chosen:
    common.download(
        t("snapshots.download", fmt=pack[1]),
        pack[2],
        f"snapshot-{chosen[:8]}.{pack[1]}",
        pack[1],
        key="snapshots_download",
    )
