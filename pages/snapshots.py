"""Meeting snapshots (会议快照): the snapshots in the viewer's scope, each checksum verified when
shown (a mismatch is said loudly and its figures are not shown), what changed since, and the
meeting packs (Excel, PDF, CSV). Thin page: all of it is `metrics.snapshots` / `metrics.packs`."""

from __future__ import annotations

import streamlit as st

from metrics import packs, snapshots
from metrics.masking import mask_frame
from ui import state
from ui.auth import require_identity

engine = state.get_engine()
identity = require_identity(engine)
if identity.role not in ("director", "head"):
    st.error("This page is not available to your role.")
    st.stop()
st.title("会议快照 Snapshots")

with engine.connect() as conn:
    listed = snapshots.list_snapshots(conn, identity.scope)
if listed.empty:
    st.info(
        "暂无快照 No snapshots yet: take one from the scheme page or `python -m metrics snapshot`."
    )
    st.stop()
bad = listed[~listed["verified"]]
if not bad.empty:
    st.error(
        f"⚠ {len(bad)} 个快照校验失败，内容已被改动 — {len(bad)} snapshot(s) FAILED their "
        f"checksum (changed after they were taken): {', '.join(bad['snapshot_id'])}"
    )
st.dataframe(listed, hide_index=True)

chosen = st.selectbox(
    "快照 Snapshot",
    list(listed["snapshot_id"]),
    format_func=lambda i: f"{i[:8]} · " + str(listed.set_index("snapshot_id").at[i, "title"]),
)
with engine.connect() as conn:
    record = snapshots.read(conn, chosen, identity.scope, strict=False)
if not record.verified:
    st.error(
        f"快照 {chosen} 校验失败：内容在拍摄后被改动，不得作为会议材料使用。"
        f" Snapshot {chosen} FAILED its checksum: it was changed after it was taken."
    )
    st.stop()
st.success(f"校验通过 Checksum verified · SHA-256 {record.sha256}")
st.caption(
    f"{record.title} · {record.period} · {record.created_by} {record.created_at:%Y-%m-%d %H:%M}"
    f" · {len(record.batches)} import batch(es)"
)
frame = record.frame
st.dataframe(frame if identity.may_unmask else mask_frame(frame), hide_index=True)

st.subheader("与今日数据比较 Compare with today")
if st.button("比较 Compare"):
    with engine.connect() as conn:
        changes = snapshots.compare(conn, chosen, identity.scope)
    if changes.empty:
        st.info("没有变化 Nothing changed since the snapshot.")
    else:
        st.dataframe(changes if identity.may_unmask else mask_frame(changes), hide_index=True)

st.subheader("会议材料 Meeting pack")
fmt = st.radio("格式 Format", packs.FORMATS, horizontal=True)
if st.button("生成 Prepare"):
    try:
        with engine.begin() as conn:  # the export is audited in the same transaction
            st.session_state["pack"] = (
                chosen,
                fmt,
                packs.export_snapshot(
                    conn, chosen, fmt, identity.username, identity.scope, identity.may_unmask
                ),
            )
    except packs.PackError as exc:
        st.error(str(exc))
pack = st.session_state.get("pack")
if pack and pack[0] == chosen:
    st.download_button(
        f"下载 Download .{pack[1]}",
        pack[2],
        file_name=f"snapshot-{chosen[:8]}.{pack[1]}",
        mime=packs.MEDIA_TYPES[pack[1]],
    )
