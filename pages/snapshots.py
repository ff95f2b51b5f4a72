"""Meeting snapshots (会议快照): the snapshots in the viewer's scope, each checksum verified when
shown (a mismatch is said loudly and its figures are not shown), what changed since, and the
meeting packs (Excel, PDF, CSV). Thin page: all of it is `metrics.appraisal.snapshots` / `metrics.exports`."""

from __future__ import annotations

import streamlit as st

from metrics.appraisal import schemes, snapshots
from metrics.exports import formats
from metrics.exports.documents import ExportError
from ui import common, messages, state, tables
from ui.auth import require_identity
from ui.format import period_label
from ui.i18n import labels, lang, t
from ui.plain import plain

state.context()  # refuses a role `ui.pages_table` does not allow
engine = state.get_engine()
identity = require_identity(engine)
st.title(t("page.snapshots"))

with engine.connect() as conn:
    listed = snapshots.list_snapshots(conn, identity.scope)
if listed.empty:
    st.info(t("snapshots.none"))
    st.stop()


def _name(i: str) -> str:
    row = listed.set_index("snapshot_id").loc[i]
    return messages.snapshot_label(str(row["title"]), str(row["period"]), row["created_at"])


bad = listed[~listed["verified"]]
if not bad.empty:
    titles = ", ".join(_name(i) for i in bad["snapshot_id"])
    st.error(t("snapshot.failed_titles", n=len(bad), titles=titles))
# A person tells snapshots apart by title, period and time; the ids and hashes stay on the
# command line (`metrics export --snapshot ID`) and in the chosen snapshot's checksum line.
schemes_named = {}
with engine.connect() as conn:
    for ref in listed["scheme"].dropna().unique():
        try:
            schemes_named[ref] = messages.scheme_label(schemes.get_ref(conn, ref))
        except LookupError:
            schemes_named[ref] = ref
shown = listed.drop(columns=["snapshot_id", "sha256"]).assign(
    scheme=listed["scheme"].map(lambda r: schemes_named.get(r, r) if isinstance(r, str) else r),
    title=listed["title"].map(lambda v: messages.snapshot_title(str(v))),
    period=listed["period"].map(lambda p: period_label(str(p), lang())),
)
tables.table(shown, hide_index=True)

chosen = st.selectbox(
    t("snapshots.snapshot"),
    list(listed["snapshot_id"]),
    format_func=labels(list(listed["snapshot_id"]), _name),
)
with engine.connect() as conn:
    record = snapshots.read(conn, chosen, identity.scope, strict=False)
if not record.verified:
    st.error(t("snapshots.failed", id=_name(chosen)), icon=":material/gpp_bad:")
    st.stop()
st.success(t("snapshot.verified", sha=record.sha256))
st.caption(
    f"{plain(_name(chosen))} · {plain(record.created_by)} · {t('snapshots.batches', n=len(record.batches))}"
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
