"""The one way out of the product for figures and rows: a registry of export formats, used by
the command line, the snapshot packs and every download of the dashboard.

`export(document, fmt, viewer, scope)` applies the viewer's scope first — client personal data
masked unless the scope may unmask (`metrics.core.masking`) — then writes the format. Every format
is formula-safe: text cells never become spreadsheet formulas (see `values.neutralise` and
`workbook`). Registering a format is one `Format` record here (and its writer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from sqlalchemy import select

from data.schema import OrgUnit
from metrics.core import sql
from metrics.core.masking import protect
from metrics.core.scope import Scope, scoped
from metrics.exports.documents import (
    Document,
    ExportError,
    csv_columns,
    from_snapshot,
    with_targets,
    with_trend,
)
from metrics.exports.text_formats import csv_bytes, text_rows


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    # (document, the rows as the viewer may see them, viewer, time) -> the file's bytes
    write: Callable[[Document, pd.DataFrame, str, dt.datetime], bytes]


def _csv(document: Document, frame: pd.DataFrame, viewer: str, now: dt.datetime) -> bytes:
    columns = csv_columns(document, frame)
    return csv_bytes(columns, text_rows(frame, columns))


def _xlsx(document: Document, frame: pd.DataFrame, viewer: str, now: dt.datetime) -> bytes:
    from metrics.exports.workbook import to_xlsx

    return to_xlsx(document, frame, viewer, now)


def _pdf(document: Document, frame: pd.DataFrame, viewer: str, now: dt.datetime) -> bytes:
    from metrics.exports.pdf import to_pdf

    return to_pdf(document, frame, viewer, now)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            _xlsx,
        ),
        Format("pdf", "application/pdf", "pdf", _pdf),
        Format("csv", "text/csv", "csv", _csv),
    )
}


@scoped
def visible(document: Document, scope: Scope) -> pd.DataFrame:
    """The document's rows as `scope` may see them (client personal data masked unless it may
    unmask)."""
    return protect(document.frame, scope, name_is_client=document.name_is_client)


@scoped
def export(
    document: Document, fmt: str, viewer: str, scope: Scope, now: dt.datetime | None = None
) -> bytes:
    """`document` in format `fmt` for `viewer`, as `scope` may see it."""
    found = FORMATS.get(fmt)
    if found is None:
        raise ExportError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    frame = with_trend(document, with_targets(document, visible(document, scope)))
    document = replace(document, extra={**document.extra, "shown": frame})
    return found.write(document, frame, viewer, now or dt.datetime.now())


@scoped
def export_snapshot(conn: Any, snapshot_id: str, fmt: str, viewer: str, scope: Scope) -> bytes:
    """A pack of a snapshot as `viewer` may see it (their scope, their right to unmask); the
    export is audited on `conn`."""
    from data.audit import record as audit
    from metrics.appraisal.snapshots import read, require_visible

    record = require_visible(read(conn, snapshot_id, scope), scope)
    document = from_snapshot(record)
    # Org units by name on the cover and in the ranking (names are not personal data).
    org = OrgUnit.__table__
    names = {r[0]: r[1] for r in sql.run(conn, select(org.c.org_id, org.c.name), "org names")}
    # The trend over the last periods, frozen where a snapshot of them exists (`exports.trend`);
    # `export` keeps only the rows the viewer may see.
    from metrics.exports.trend import gather

    document = replace(
        document, extra={**document.extra, "unit_names": names, "trend": gather(conn, record)}
    )
    data = export(document, fmt, viewer, scope)
    audit(
        conn,
        viewer,
        "export",
        snapshot_id,
        {
            "format": fmt,
            "sha256": record.sha256,
            "unmasked": scope.unmask,
            "rows": len(record.frame),
        },
    )
    return data
