"""`python -m metrics appraise | snapshot | export` (spec/cli.md): schemes, snapshots and packs
from the command line. Parsing lives in `metrics.cli`; every refusal is a `Refused` (exit 2, one
line, no traceback), and a scheme file is refused with the editor's own messages.

`--scheme` takes a file (YAML or JSON) when such a file exists, else a stored scheme:
`scheme_id` (its published version, else its latest) or `scheme_id@version`. Without `--as` the
command runs with the director's full view, as user `cli`; packs are then masked, since no
account says this caller may unmask (with `--as`, the account's right to unmask decides).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from metrics.appraisal.schemes import Scheme, SchemeError, get_ref, load_file, with_targets
from metrics.cli.main import Refused, _one_line, _open_database, _scope
from metrics.core.completeness import IncompletePeriodError
from metrics.core.periods import Period, PeriodError
from metrics.core.scope import Scope
from metrics.exports.text_formats import text_rows, write_csv, write_json

CLI_USER = "cli"


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise Refused(str(exc)) from None


def _scheme(
    conn: Connection, ref: str, targets: str | None, scope: Scope, period: Period
) -> Scheme:
    """The scheme of `--scheme`, with the per-person targets of `--targets` when given.

    A target row is accepted only for someone the scheme covers in `period` (its role, on its
    unit's subtree, not left before the period, inside the caller's scope), as the editor's upload
    checks it: a mistyped staff id is refused by its line rather than kept as a target nobody is
    held to."""
    from metrics.appraisal.targets import covered_staff

    scheme = _scheme_of(conn, ref)
    if not targets:
        return scheme
    path = Path(targets)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise Refused(f"cannot read targets file {path.name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise Refused(f"targets file {path.name} is not UTF-8 text") from None
    staff = covered_staff(conn, scheme, scope, period.start)["staff_id"].tolist()
    try:
        return with_targets(scheme, text, path.name, staff)
    except SchemeError as exc:
        raise Refused(str(exc)) from None


def _scheme_of(conn: Connection, ref: str) -> Scheme:
    path = Path(ref)
    if path.suffix.lower() in (".yaml", ".yml", ".json") or path.is_file():
        try:
            return load_file(path)
        except SchemeError as exc:
            raise Refused(f"scheme {path.name}: {exc}") from None
    try:
        return get_ref(conn, ref)
    except LookupError as exc:
        raise Refused(f"{exc} (and no scheme file {ref!r})") from None


def appraise_columns(frame: pd.DataFrame) -> list[str]:
    scores = [c for c in frame.columns if c.startswith("score_")]
    described = [c for c in ("name", "org_id", "role") if c in frame.columns]
    return ["entity_id", "total", "rank", "grade", *scores, *described]


def write_appraisal(frame: pd.DataFrame, fmt: str, out: Any) -> None:
    columns = appraise_columns(frame)
    rows = text_rows(frame.sort_values("entity_id", kind="stable"), columns)
    if fmt == "csv":
        write_csv(columns, rows, out)
        return
    numeric = {"total", "rank", *(c for c in columns if c.startswith("score_"))}
    write_json(columns, rows, out, numeric)


def run_scheme_command(args: argparse.Namespace, out: Any) -> None:
    from metrics.appraisal import scoring as appraisal
    from metrics.appraisal import snapshots
    from metrics.exports import formats
    from metrics.exports.documents import ExportError

    period = _period(args.period) if getattr(args, "period", None) else None
    engine = _open_database(args.db)
    try:
        with engine.begin() as conn:
            scope = _scope(conn, args.as_user)
            user = args.as_user or CLI_USER
            if args.command == "appraise":
                assert period is not None
                scheme = _scheme(conn, args.scheme, args.targets, scope, period)
                try:
                    frame = appraisal.appraise(conn, scheme, period, scope)
                except (appraisal.AppraisalError, SchemeError) as exc:
                    raise Refused(str(exc)) from None
                write_appraisal(frame, args.format, out)
            elif args.command == "snapshot":
                assert period is not None
                try:
                    if args.table:
                        record = snapshots.take_table(
                            conn, args.table, period, args.level, scope, user
                        )
                    else:
                        scheme = _scheme(conn, args.scheme, args.targets, scope, period)
                        record = snapshots.take_appraisal(conn, scheme, period, scope, user)
                except (appraisal.AppraisalError, SchemeError, IncompletePeriodError) as exc:
                    raise Refused(str(exc)) from None
                out.write(f"{record.snapshot_id}\t{record.sha256}\n")
            else:
                try:
                    data = formats.export_snapshot(conn, args.snapshot, args.format, user, scope)
                except (snapshots.SnapshotError, snapshots.SnapshotTampered, ExportError) as exc:
                    raise Refused(str(exc)) from None
                try:
                    Path(args.out).write_bytes(data)
                except OSError as exc:
                    raise Refused(f"cannot write {args.out}: {_one_line(exc)}") from None
                out.write(f"{args.out}\n")
    finally:
        engine.dispose()
