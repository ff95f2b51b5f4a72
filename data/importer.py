"""Importing a folder of contract files as one atomic, idempotent batch.

1. Find the contract files (CSV, or XLSX sheets) and read + validate each one as a stream, chunk
   by chunk, the good rows spilled to a Parquet file (no database yet, so DuckDB's single-writer
   lock is held only for the database phase). Memory holds a chunk, never a whole file.
2. In one transaction: stage the good rows as text, reject a key seen again later in the same
   file (naming the first line: found in the staging table, since a file's keys need not fit in
   memory), reject rows whose `staff_id` / `client_id` / `org_id` is neither in the batch nor
   stored (and a wrong referrer or report's plan:
   `data.life_cycle_references`), count inserted / updated / unchanged against the
   stored rows by the contract's keys, upsert, and record the batch in `import_history`.
3. Write every rejected row to a quarantine CSV (file, line, column, reason, original values).

A crash anywhere before the commit leaves the database as it was (one transaction); a second
import while one runs is refused with "import in progress".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import os
import stat
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    MetaData,
    String,
    and_,
    cast,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy import (
    Table as SATable,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import Label

from data import audit, limits
from data.contract import BY_NAME, TABLES, Table, header_map
from data.engine import PROJECT_ROOT, is_duckdb
from data.lake import after_commit
from data.life_cycle_references import reject_life_cycle_references
from data.limits import listed
from data.locks import ImportInProgress, import_lock
from data.readers import (
    FileRefused,
    NotUtf8,
    Problem,
    Stream,
    check_size,
    csv_stream,
    detect_encoding,
    link_leaving,
    open_regular,
    read_regular,
    xlsx_sheets,
    xlsx_stream,
)
from data.schema import ImportBatch
from data.validate import check

QUARANTINE_ROOT = PROJECT_ROOT / "var" / "quarantine"
DUCKDB_IMPORT_MEMORY = os.environ.get("WEALTH_IMPORT_MEMORY", "1GB")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
log = logging.getLogger("wealth.importer")


class ImportRefused(Exception):
    """The batch as a whole is refused (exit status 2)."""


@dataclass
class Source:
    table: Table
    path: Path
    sheet: str | None = None
    data: bytes | None = None  # an uploaded file's content, when there is no path
    refused: str | None = None  # why the file is not opened at all (a FIFO, a link elsewhere)

    @property
    def label(self) -> str:
        return f"{self.path.name}[{self.sheet}]" if self.sheet else self.path.name


@dataclass
class FileReport:
    file: str
    table: str
    sha256: str = ""
    encoding: str = ""
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refused: str | None = None
    quarantine: str | None = None
    # Columns the file has: an absent optional column keeps the stored value on update.
    present: tuple[str, ...] = ()

    @property
    def rejected(self) -> int:
        return len({p.line for p in self.problems})

    def counts(self) -> dict[str, object]:
        return {
            "file": self.file,
            "table": self.table,
            "sha256": self.sha256,
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "refused": self.refused,
        }


@dataclass
class BatchReport:
    batch_id: str
    as_of: dt.date
    files: list[FileReport]
    committed: bool = False
    quarantine_dir: Path | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    @property
    def refused_files(self) -> list[FileReport]:
        return [f for f in self.files if f.refused]

    @property
    def changed(self) -> int:
        return sum(f.inserted + f.updated for f in self.files)

    @property
    def accepted(self) -> int:
        """Rows that passed validation: written, or already stored as they are."""
        return self.changed + sum(f.unchanged for f in self.files)

    @property
    def exit_code(self) -> int:
        if not self.committed:
            return 2
        return 1 if self.rejected or self.refused_files else 0

    def summary(self) -> str:
        if not self.committed:
            return "batch refused: nothing was written"
        if not self.changed and not self.accepted:
            return "nothing changed: no row was accepted"
        if not self.changed:
            return "nothing changed: every row was already stored"
        return f"committed batch {self.batch_id}"


# --- finding the files -----------------------------------------------------------------------


def find_sources(directory: Path) -> tuple[list[Source], list[str]]:
    if not directory.is_dir():
        raise ImportRefused(f"{directory} is not a folder")
    sources: list[Source] = []
    warnings: list[str] = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith("."):
            continue
        # Only regular files inside the folder are opened: a FIFO, a device or a link leading
        # elsewhere is refused before anything reads it (listing a workbook's sheets reads it).
        why = link_leaving(path, directory) or _not_regular(path)
        if why is None and path.is_dir():
            continue
        if why is not None:
            table = _contract_table(path)
            if table is not None:
                sources.append(Source(table, path, refused=why))
            else:
                warnings.append(f"{path.name}: {why}; ignored")
            continue
        found, note = sources_in_file(path)
        sources.extend(found)
        warnings.extend(note)
    return _one_per_table(sources), warnings


def _not_regular(path: Path) -> str | None:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}"
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    return "not a regular file (a pipe, a device or a socket)"


def _contract_table(path: Path) -> Table | None:
    stem, suffix = path.stem.lower(), path.suffix.lower()
    return BY_NAME.get(stem) if suffix in (".csv", ".xlsx") else None


def sources_in_file(path: Path, data: bytes | None = None) -> tuple[list[Source], list[str]]:
    """The contract tables in one file (on disk, or an upload's bytes, which are read from
    memory: nothing of an upload is written to disk, so nothing is left behind)."""
    stem, suffix = path.stem.lower(), path.suffix.lower()
    if suffix == ".csv" and stem in BY_NAME:
        return [Source(BY_NAME[stem], path, None, data)], []
    if suffix == ".xlsx":
        try:
            if data is not None:
                check_size(size=len(data))
            sheets = xlsx_sheets(io.BytesIO(data) if data is not None else path)
        except FileRefused as exc:
            if stem in BY_NAME:
                # Named like a contract file: report it as that file's failure.
                return [Source(BY_NAME[stem], path, None, data)], []
            return [], [f"{path.name}: {exc}; ignored"]
        if stem in BY_NAME:
            sheet = stem if stem in sheets else sheets[0]
            notes = []
            if len(sheets) > 1:
                notes.append(f"{path.name}: several sheets; read {sheet!r}, ignored the others")
            return [Source(BY_NAME[stem], path, sheet, data)], notes
        found = [Source(BY_NAME[s.lower()], path, s, data) for s in sheets if s.lower() in BY_NAME]
        ignored = [s for s in sheets if s.lower() not in BY_NAME]
        notes = (
            [f"{path.name}: sheets {listed(ignored)} are not contract tables; ignored"]
            if ignored
            else []
        )
        return found, notes
    return [], [f"{path.name}: not a contract file; ignored"]


def _one_per_table(sources: list[Source]) -> list[Source]:
    seen: dict[str, Source] = {}
    for source in sources:
        other = seen.get(source.table.name)
        if other is not None:
            raise ImportRefused(
                f"two sources for table {source.table.name}: {other.label} and {source.label}"
            )
        seen[source.table.name] = source
    return [seen[t.name] for t in TABLES if t.name in seen]


# --- reading and validating one file ---------------------------------------------------------


def _map_header(header: list[str], table: Table, report: FileReport) -> dict[str, str]:
    accepted = header_map(table)
    columns: dict[str, str] = {}
    unknown = []
    for name_in_file in header:
        name = accepted.get(name_in_file.lower())
        if name is None:
            unknown.append(name_in_file)
        elif name in columns:
            raise FileRefused(
                f"column {name} appears twice ({columns[name]!r} and {name_in_file!r})"
            )
        else:
            columns[name] = name_in_file
    if unknown:
        report.warnings.append(f"unknown columns ignored: {listed(unknown)}")
    missing = [c.name for c in table.columns if c.required and c.name not in columns]
    if missing:
        raise FileRefused(f"missing required column(s): {', '.join(missing)}")
    return columns


def _spill_schema(table: Table) -> pa.Schema:
    return pa.schema(
        [pa.field(c.name, pa.string()) for c in table.columns] + [pa.field("_line", pa.int64())]
    )


def _check_stream(
    stream: Stream, source: Source, as_of: dt.date, report: FileReport, spill: Path
) -> None:
    """Validate `stream` chunk by chunk; its good rows go to the Parquet file `spill`."""
    report.encoding = stream.encoding
    report.read, report.problems, report.warnings = 0, [], []
    columns = _map_header(stream.header, source.table, report)
    report.present = tuple(columns)
    schema = _spill_schema(source.table)
    with pq.ParquetWriter(spill, schema, compression="lz4") as writer:
        for chunk in stream.chunks:
            report.read += chunk.num_rows + len({p.line for p in chunk.problems})
            checked = check(chunk, source.table, columns, as_of, xlsx=stream.encoding == "xlsx")
            report.problems.extend(checked.problems)
            writer.write_table(checked.table.select(schema.names).cast(schema))


def _read_csv(source: Source, as_of: dt.date, report: FileReport, spill: Path) -> None:
    with io.BytesIO(source.data) if source.data is not None else open_regular(source.path) as file:
        if source.data is not None:
            check_size(size=len(source.data))
        try:
            stream = csv_stream(file)
            _check_stream(stream, source, as_of, report, spill)
        except NotUtf8:
            # Not UTF-8 after all (GBK, or a damaged character): read again, decoded as found.
            stream = csv_stream(file, detect_encoding(file))
            _check_stream(stream, source, as_of, report, spill)
        assert stream.counted is not None
        report.sha256 = stream.counted.sha.hexdigest()


def _read_xlsx(source: Source, as_of: dt.date, report: FileReport, spill: Path) -> None:
    if source.data is not None:
        check_size(size=len(source.data))
        data = source.data
    else:
        # A workbook larger than it may unpack to is refused before it is read into memory.
        data = read_regular(source.path, limits.MAX_XLSX_UNPACKED_BYTES + limits.MIB)
    report.sha256 = hashlib.sha256(data).hexdigest()
    if source.sheet is None:
        xlsx_sheets(io.BytesIO(data))  # raises the precise "not a workbook" reason
    _check_stream(xlsx_stream(io.BytesIO(data), source.sheet or ""), source, as_of, report, spill)


def read_and_check(source: Source, as_of: dt.date, spill: Path) -> FileReport:
    """Read and validate one source; its good rows are in the Parquet file `spill` unless the
    report says the file was refused."""
    report = FileReport(source.label, source.table.name)
    try:
        if source.refused is not None:
            raise FileRefused(source.refused)
        if source.sheet is not None or source.path.suffix.lower() == ".xlsx":
            _read_xlsx(source, as_of, report, spill)
        else:
            _read_csv(source, as_of, report, spill)
    except (FileRefused, OSError) as exc:
        if isinstance(exc, FileRefused):
            report.refused = str(exc)
        else:
            report.refused = f"cannot read the file: {exc.strerror or exc}"
        # A file refused part-way (it grew while being read) has no rows and no row problems.
        report.read, report.problems = 0, []
        spill.unlink(missing_ok=True)
    return report


# --- the database phase ----------------------------------------------------------------------


def _staging_table(table: Table, meta: MetaData) -> SATable:
    cols = [Column(c.name, String) for c in table.columns] + [Column("_line", BigInteger)]
    return SATable(f"stg_{table.name}", meta, *cols, prefixes=["TEMPORARY"])


def _stage(conn: Connection, table: Table, parquet: Path, meta: MetaData) -> SATable:
    stg = _staging_table(table, meta)
    stg.create(conn)
    if is_duckdb(conn.engine):
        conn.execute(
            text(f'INSERT INTO "{stg.name}" SELECT * FROM read_parquet(:path)'),
            {"path": str(parquet)},
        )
        return stg
    names = ", ".join(f'"{c.name}"' for c in stg.columns)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f'COPY "{stg.name}" ({names}) FROM STDIN WITH (FORMAT csv)') as copy:
        for batch in pq.ParquetFile(parquet).iter_batches(batch_size=200_000):
            buffer = io.BytesIO()
            pacsv.write_csv(batch, buffer, pacsv.WriteOptions(include_header=False))
            copy.write(buffer.getvalue())
    return stg


def _reject_duplicate_keys(
    conn: Connection, table: Table, stg: SATable, report: FileReport
) -> None:
    """A key seen again later in the same file: the later rows are rejected, naming the first.
    Checked among the file's valid rows (those staged), before any reference, as one query: a
    file's keys are not held in memory. Two empty optional key cells are the same key."""
    keys = [stg.c[k] for k in table.key]
    required = {c.name for c in table.columns if c.required}
    first = (
        select(*keys, func.min(stg.c._line).label("first_line"))
        .group_by(*keys)
        .having(func.count() > 1)
        .subquery("first_seen")
    )
    rows = conn.execute(
        select(stg.c._line, first.c.first_line, *[stg.c[c.name] for c in table.columns])
        .join(
            first,
            and_(
                *[
                    stg.c[k] == first.c[k]
                    if k in required
                    else stg.c[k].is_not_distinct_from(first.c[k])
                    for k in table.key
                ]
            ),
        )
        .where(stg.c._line > first.c.first_line)
        .order_by(stg.c._line)
    ).all()
    if not rows:
        return
    position = {c.name: 2 + i for i, c in enumerate(table.columns)}
    found = []
    for row in rows:
        shown = ", ".join(row[position[k]] or "" for k in table.key)
        reason = f"duplicate key ({', '.join(table.key)}) = ({shown}), first on line {row[1]}"
        # The file's own cells are gone (streamed): the quarantine shows the values as read.
        values = {name: row[position[name]] or "" for name in report.present}
        found.append(Problem(row[0], table.key[-1], reason, values))
    # In line order among the file's other problems, as when the file was checked whole.
    report.problems = sorted(report.problems + found, key=lambda p: (p.line, p.column))
    conn.execute(delete(stg).where(stg.c._line.in_([r[0] for r in rows])))


def _reject_unknown_references(
    conn: Connection, table: Table, stg: SATable, staged: dict[str, SATable], report: FileReport
) -> None:
    for column, ref_table, ref_column in table.references:
        stored = table.model.metadata.tables[ref_table].c[ref_column]
        while True:
            conditions = [
                stg.c[column].is_not(None),
                ~exists(select(stored).where(stored == stg.c[column])),
            ]
            if ref_table in staged:
                other = staged[ref_table].alias("known")  # an alias: org_units refers to itself
                conditions.append(
                    ~exists(select(other.c[ref_column]).where(other.c[ref_column] == stg.c[column]))
                )
            bad = conn.execute(
                select(stg.c._line, stg.c[column], *[stg.c[c.name] for c in table.columns]).where(
                    *conditions
                )
            ).all()
            if not bad:
                break
            for row in bad:
                values = {c.name: row[2 + i] or "" for i, c in enumerate(table.columns)}
                report.problems.append(
                    Problem(
                        row[0],
                        column,
                        f"unknown {ref_column} {row[1]!r} (not in this batch nor stored)",
                        values,
                    )
                )
            conn.execute(delete(stg).where(stg.c._line.in_([r[0] for r in bad])))
            if ref_table != table.name:
                break  # a self-reference (org parent) may cascade: check again


def _target(table: Table) -> SATable:
    return table.model.metadata.tables[table.name]


def _typed(stg: SATable, table: Table) -> list[Label[object]]:
    target = _target(table)
    return [cast(stg.c[c.name], target.c[c.name].type).label(c.name) for c in table.columns]


def _upsert(conn: Connection, table: Table, stg: SATable, report: FileReport) -> None:
    target = _target(table)
    typed = select(*_typed(stg, table)).subquery("incoming")
    key_match = and_(*[target.c[k] == typed.c[k] for k in table.key])
    others = [c.name for c in table.columns if c.name not in table.key and c.name in report.present]
    differs = or_(*[target.c[c].is_distinct_from(typed.c[c]) for c in others]) if others else None
    total = conn.execute(select(func.count()).select_from(stg)).scalar_one()
    new = conn.execute(
        select(func.count())
        .select_from(typed)
        .where(~exists(select(1).select_from(target).where(key_match)))
    ).scalar_one()
    changed = 0
    if differs is not None:
        changed = conn.execute(
            select(func.count()).select_from(typed.join(target, key_match)).where(differs)
        ).scalar_one()
        if changed:
            conn.execute(
                update(target).where(key_match, differs).values({c: typed.c[c] for c in others})
            )
    if new:
        columns = [c.name for c in table.columns]
        conn.execute(
            insert(target).from_select(
                columns,
                select(*[typed.c[c] for c in columns]).where(
                    ~exists(select(1).select_from(target).where(key_match))
                ),
            )
        )
    report.inserted, report.updated = new, changed
    report.unchanged = total - new - changed


def _record(
    conn: Connection, report: BatchReport, started: dt.datetime, user: str | None, source: str
) -> None:
    conn.execute(
        insert(ImportBatch).values(
            batch_id=report.batch_id,
            started_at=started,
            finished_at=dt.datetime.now(),
            as_of=report.as_of,
            username=user,
            source=source,
            status="committed" if not report.rejected else "committed_with_rejections",
            files=json.dumps([f.counts() for f in report.files], ensure_ascii=False),
            rows_read=sum(f.read for f in report.files),
            rows_rejected=report.rejected,
        )
    )


def _hold_point() -> None:
    """Tests of crash safety and of the import lock stop an import here, just before the commit:
    with WEALTH_IMPORT_HOLD=path (a FIFO the test made), announce `path.ready` and wait on it."""
    hold = os.environ.get("WEALTH_IMPORT_HOLD")
    if hold:
        Path(hold + ".ready").write_text(str(os.getpid()))
        with open(hold) as fifo:
            fifo.read()


# --- the batch -------------------------------------------------------------------------------


Progress = Callable[[float, str], None]


def import_sources(
    engine: Engine,
    sources: list[Source],
    *,
    as_of: dt.date | None = None,
    all_or_nothing: bool = False,
    user: str | None = None,
    source_label: str = "",
    quarantine_root: Path | None = None,
    progress: Progress | None = None,
    warnings: list[str] | None = None,
) -> BatchReport:
    as_of = as_of or dt.date.today()
    started = dt.datetime.now()
    report = BatchReport(uuid.uuid4().hex[:12], as_of, [], warnings=list(warnings or []))
    if not sources:
        raise ImportRefused("no contract files found (expected e.g. clients.csv or staff.xlsx)")
    step = progress or (lambda _f, _m: None)
    with tempfile.TemporaryDirectory(prefix="wealth-import-") as spill, import_lock(engine):
        # Validated rows wait in Parquet files rather than memory: a branch's extract is
        # millions of rows, and the database phase reads them back at full speed.
        checked: list[tuple[Source, FileReport, Path | None]] = []
        for i, source in enumerate(sources):
            step(i / (len(sources) + 1), f"reading {source.label}")
            parquet = Path(spill) / f"{source.table.name}.parquet"
            file_report = read_and_check(source, as_of, parquet)
            report.files.append(file_report)
            checked.append((source, file_report, None if file_report.refused else parquet))
            # pyarrow's allocator keeps freed chunks for reuse: give them back before DuckDB's
            # buffers grow in the database phase.
            pa.default_memory_pool().release_unused()
        _database_phase(
            engine,
            report,
            checked,
            all_or_nothing,
            user,
            source_label,
            quarantine_root,
            started,
            step,
            len(sources),
        )
        if report.committed:
            # After the commit, still under the import lock: the one place for what follows a
            # committed batch (the quarantine files; publishing the batch elsewhere).
            _write_quarantine(report, quarantine_root)
            # Under the lock too: the lake copy is read from the file the batch just committed.
            report.warnings += after_commit(engine, report.changed)  # the lake (data/lake.py)
    if report.committed:
        step(1.0, report.summary())
    return report


def _database_phase(
    engine: Engine,
    report: BatchReport,
    checked: list[tuple[Source, FileReport, Path | None]],
    all_or_nothing: bool,
    user: str | None,
    source_label: str,
    quarantine_root: Path | None,
    started: dt.datetime,
    step: Progress,
    n_sources: int,
) -> None:
    step(n_sources / (n_sources + 1), "writing to the database")
    stage = "opening the database"
    with engine.connect() as conn:
        trans = conn.begin()
        try:
            if is_duckdb(engine):
                # DuckDB would take most of the machine's memory for its buffers; bounded, it
                # spills to disk instead, and the import stays within a small server's memory.
                conn.exec_driver_sql(f"SET memory_limit = '{DUCKDB_IMPORT_MEMORY}'")
            meta = MetaData()
            staged: dict[str, SATable] = {}
            for source, file_report, parquet in checked:
                if parquet is None:
                    continue
                stage = f"staging {source.label}"
                stg = _stage(conn, source.table, parquet, meta)
                staged[source.table.name] = stg
                _reject_duplicate_keys(conn, source.table, stg, file_report)
                _reject_unknown_references(conn, source.table, stg, staged, file_report)
                reject_life_cycle_references(conn, source.table, stg, staged, file_report.problems)
            if all_or_nothing and (report.rejected or report.refused_files):
                trans.rollback()
                _write_quarantine(report, quarantine_root)
                with engine.begin() as audit_conn:
                    _audit(audit_conn, report, user)
                return
            for source, file_report, _rows in checked:
                if source.table.name in staged:
                    stage = f"writing {source.label}"
                    _upsert(conn, source.table, staged[source.table.name], file_report)
            stage = "recording the batch"
            _record(conn, report, started, user, source_label)
            report.committed = True  # as recorded in the audit row; reset if the commit fails
            _audit(conn, report, user)
            for stg in staged.values():
                conn.execute(text(f'DROP TABLE "{stg.name}"'))
            _hold_point()
            stage = "committing"
            trans.commit()
        except DBAPIError as exc:
            # The importer checks every rule and reference before writing, so this is a
            # constraint it does not know of (or a database fault). A user gets a plain sentence,
            # the log gets the database's own words; nothing was written.
            report.committed = False
            trans.rollback()
            log.warning(
                "import %s refused by the database while %s: %s", report.batch_id, stage, exc
            )
            try:
                with engine.begin() as audit_conn:
                    _audit(audit_conn, report, user)
            except DBAPIError:  # the database is unusable: the refusal itself is what matters
                log.warning("could not audit the refused import %s", report.batch_id)
            raise ImportRefused(
                f"the database refused the batch while {stage} ({_kind_of(exc)}); "
                "nothing was written"
            ) from None
        except BaseException:
            report.committed = False
            trans.rollback()
            raise


def _kind_of(exc: DBAPIError) -> str:
    """What kind of refusal, in words, without the database's message (which quotes values)."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    if isinstance(exc, IntegrityError):
        return "a constraint of the stored data"
    if isinstance(exc, OperationalError):
        return "the database could not complete the write"
    return "a database error"


def _audit(conn: Connection, report: BatchReport, user: str | None) -> None:
    """Every batch, from the Data page or the command line, committed or refused, is audited
    (the command line's user is whoever `--user` names, else "(command line)")."""
    audit.record(
        conn,
        user or "(command line)",
        audit.IMPORT,
        report.batch_id,
        {"files": [f.counts() for f in report.files], "committed": report.committed},
    )


def load_dir(engine: Engine, directory: Path, **kwargs: object) -> BatchReport:
    sources, warnings = find_sources(directory)
    return import_sources(
        engine,
        sources,
        source_label=str(directory),
        warnings=warnings,
        **kwargs,  # type: ignore[arg-type]
    )


def _safe_cell(value: object) -> str:
    """Quarantine files are opened in Excel: text that would run as a formula is kept as text."""
    text_value = "" if value is None else str(value)
    return "'" + text_value if text_value.startswith(FORMULA_START) else text_value


def quarantine_csv(file_report: FileReport) -> bytes:
    """The rejected rows of one file as CSV (UTF-8 with BOM, for Excel)."""
    import csv

    # A dict keeps first-seen order in linear time (a list's `in` made a wide row quadratic).
    seen: dict[str, None] = {}
    for problem in file_report.problems:
        seen.update(dict.fromkeys(problem.raw))
    names = list(seen)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["file", "line", "column", "reason", *names])
    for p in file_report.problems:
        writer.writerow(
            [file_report.file, p.line, p.column, _safe_cell(p.reason)]
            + [_safe_cell(p.raw.get(n, "")) for n in names]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _write_quarantine(report: BatchReport, root: Path | None) -> None:
    if not report.rejected:
        return
    folder = (root or QUARANTINE_ROOT) / report.batch_id
    folder.mkdir(parents=True, exist_ok=True)
    report.quarantine_dir = folder
    for file_report in report.files:
        if file_report.problems:
            path = folder / f"{file_report.table}.rejected.csv"
            path.write_bytes(quarantine_csv(file_report))
            file_report.quarantine = str(path)


__all__ = [
    "BatchReport",
    "FileReport",
    "ImportInProgress",
    "ImportRefused",
    "find_sources",
    "import_sources",
    "load_dir",
    "quarantine_csv",
    "sources_in_file",
]
