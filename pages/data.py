"""Data (director only): upload the contract's files with a progress bar, then a validation report
per file — the rejected rows with their reasons and the quarantine as a download — and the
import history. The import itself is `data.importer`'s; this page only hands it the bytes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from data.importer import (
    BatchReport,
    ImportInProgress,
    ImportRefused,
    import_sources,
    quarantine_csv,
    sources_in_file,
)
from metrics.store import landing
from ui import messages, state, tables
from ui.i18n import t
from ui.plain import plain

ctx = state.context()
st.title(t("page.data"))

# --- upload ----------------------------------------------------------------------------------------
files = st.file_uploader(
    t("data.upload"),
    type=["csv", "xlsx"],
    accept_multiple_files=True,
    help=t("data.upload_help"),
    key="data_upload",
)
as_of = st.date_input(t("data.as_of"), value=dt.date.today(), key="data_as_of")
if st.button(t("data.import"), type="primary", disabled=not files, key="data_import"):
    sources, warnings = [], []
    for upload in files or []:
        found, notes = sources_in_file(Path(upload.name), upload.getvalue())
        sources.extend(found)
        warnings.extend(notes)
    bar = st.progress(0.0, text=t("data.progress"))

    def show_progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), message)

    try:
        made = import_sources(
            state.get_engine(),
            sources,
            as_of=as_of,
            user=ctx.identity.username,
            source_label="upload: " + ", ".join(u.name for u in files or []),
            progress=show_progress,
            warnings=warnings,
        )
    except ImportInProgress:
        st.session_state["data_report"] = None
        st.warning(t("data.busy"))
    except ImportRefused as exc:
        st.session_state["data_report"] = None
        st.error(t("data.refused", reason=plain(exc)))
    else:
        # The importer audits the batch itself (in its own transaction), as for the command line.
        st.session_state["data_report"] = made
        state.refresh()
        if made.committed and made.changed:
            # The new data version has no stored figures yet: compute the landing Overview now,
            # while the importer waits anyway, rather than on the next director's first visit.
            bar.progress(1.0, t("data.warming"))
            landing.warm(state.get_engine())
    bar.empty()

# --- the report of the last import (kept across reruns, e.g. a download click) ----------------------
report: BatchReport | None = st.session_state.get("data_report")
if report is not None:
    st.subheader(t("data.report"))
    if not report.committed:
        st.error(t("data.not_committed"))
    elif report.changed:
        st.success(t("data.committed", batch=report.batch_id, rows=report.changed))
    elif not report.accepted:  # every row rejected or every file refused: none was stored
        st.warning(t("data.nothing_accepted"))
    else:
        st.info(t("data.nothing_changed"))
    if report.rejected:
        st.warning(t("data.some_rejected", n=report.rejected))
    for warning in report.warnings:
        st.warning(plain(warning))
    counts = pd.DataFrame([f.counts() for f in report.files])
    counts["table"] = counts["table"].map(messages.table_names)
    columns = ["file", "table", "read", "inserted", "updated", "unchanged", "rejected"]
    tables.table(
        counts[columns],
        column_config={c: st.column_config.Column(t(f"data.{c}")) for c in columns},
        hide_index=True,
        key="data_counts",
    )
    for index, file_report in enumerate(report.files):
        if file_report.refused:
            st.error(
                plain(f"{file_report.file}: ")
                + t("data.file_refused", reason=plain(file_report.refused))
            )
        for warning in file_report.warnings:
            st.warning(plain(f"{file_report.file}: {warning}"))
        if not file_report.problems:
            continue
        st.markdown(f"**{t('data.rejected_rows', file=plain(file_report.file))}**")
        # The reasons are the importer's own sentences (English, with the offending value and the
        # contract's rule); they stay verbatim in both languages, as in the quarantine file and
        # the command line, so that a reason on screen can be searched for in either. The header
        # says so in Chinese.
        rejected = pd.DataFrame(
            [
                {
                    "line": p.line,
                    "column": p.column,
                    "reason": p.reason,
                    "raw": ", ".join(f"{k}={v}" for k, v in p.raw.items()),
                }
                for p in file_report.problems
            ]
        )
        tables.table(
            rejected,
            column_config={c: st.column_config.Column(t(f"data.{c}")) for c in rejected.columns},
            hide_index=True,
            key=f"data_rejected_{index}",
        )
        st.download_button(
            t("data.quarantine"),
            quarantine_csv(file_report),
            file_name=f"{file_report.table}.rejected.csv",
            mime="text/csv",
            key=f"data_quarantine_{index}",
            icon=":material/download:",
        )

# --- history -----------------------------------------------------------------------------------------
st.subheader(t("data.history"))
history = state.import_history(ctx.version)
if history.empty:
    st.info(t("data.no_history"))
else:
    columns = [
        "started_at",
        "finished_at",
        "as_of",
        "username",
        "status",
        "rows_read",
        "rows_rejected",
        "tables",
        "source",
    ]
    history = history.assign(tables=history["tables"].map(messages.table_names))
    tables.table(
        history[columns],
        column_config={c: st.column_config.Column(t(f"hist.{c}")) for c in columns},
        hide_index=True,
        key="data_history",
    )
