"""`python -m data demo|load|upgrade|users`: the data layer's command line (spec/cli.md).

Exit status: 0 success; 1 an import committed but rejected some rows; 2 a refused command, with a
one-line reason on stderr and no traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import NoReturn

from sqlalchemy import Engine

from data.engine import DatabaseBusyError, db_label, make_engine

EXIT_OK, EXIT_REJECTED, EXIT_REFUSED = 0, 1, 2


class Refused(Exception):
    pass


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a refused command says one line on stderr (cli.md), not the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_REFUSED, f"error: {self.prog}: {message} (see --help)\n")


def parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="python -m data", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    demo = sub.add_parser("demo", help="write a realistic, deterministic demo data set")
    demo.add_argument("--scale", choices=["tiny", "demo", "branch", "headoffice"], default="demo")
    demo.add_argument("--out", type=Path, required=True)
    demo.add_argument("--seed", type=int, default=None)

    load = sub.add_parser("load", help="import every contract file found in DIR as one batch")
    load.add_argument("dir", type=Path)
    load.add_argument(
        "--db", default=None, help="SQLAlchemy URL (default: WEALTH_DB_URL, else the embedded file)"
    )
    load.add_argument(
        "--as-of",
        type=_date,
        default=None,
        help="no event may be dated after this day (default: today)",
    )
    load.add_argument(
        "--all-or-nothing",
        action="store_true",
        help="refuse the whole batch if any row is rejected",
    )
    load.add_argument("--quarantine", type=Path, default=None, help="folder for rejected rows")
    load.add_argument("--user", default=None, help="recorded in the import history")

    up = sub.add_parser("upgrade", help="create or upgrade the database schema")
    up.add_argument("--db", default=None)

    first = sub.add_parser("first-start", help="load the demo data set when the database is empty")
    first.add_argument("--db", default=None)
    first.add_argument("--scale", choices=["tiny", "demo"], default="demo")
    add_users_parser(sub)
    add_operations_parser(sub)
    return p


def add_operations_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    audit = sub.add_parser("audit", help="check the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser(
        "verify", help="walk the audit log's hash chain: exit 0 intact, 1 the first broken row"
    )
    verify.add_argument("--db", default=None)
    backup = sub.add_parser("backup", help="write every table to a new folder (Parquet + manifest)")
    backup.add_argument("--out", type=Path, required=True)
    backup.add_argument("--db", default=None)
    restore = sub.add_parser("restore", help="replace the database by a backup")
    restore.add_argument("dir", type=Path)
    restore.add_argument("--db", default=None)
    restore.add_argument(
        "--force", action="store_true", help="replace a database that already holds data"
    )


def add_users_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    users = sub.add_parser("users", help="manage sign-in accounts")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="create a sign-in account")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=["director", "head", "planner", "advisor"])
    add.add_argument("--org", default=None, help="a head's sub-branch (or branch) org_id")
    add.add_argument("--staff", default=None, help="a planner's or advisor's staff_id")
    add.add_argument("--display-name", default=None)
    add.add_argument("--email", default=None, help="for single sign-on")
    add.add_argument("--may-unmask", action="store_true", help="may see personal data unmasked")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin (never from the command line)",
    )
    add.add_argument("--db", default=None)
    listing = users_sub.add_parser("list", help="list the accounts (no password hashes)")
    listing.add_argument("--db", default=None)
    for name, text in (("disable", "disable an account"), ("enable", "re-enable an account")):
        p = users_sub.add_parser(name, help=text)
        p.add_argument("username")
        p.add_argument("--db", default=None)
    pw = users_sub.add_parser("set-password", help="set an account's password")
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true", required=True)
    pw.add_argument("--db", default=None)


def cmd_demo(args: argparse.Namespace) -> int:
    from data.demo import generate

    started = time.perf_counter()
    kwargs = {} if args.seed is None else {"seed": args.seed}
    counts = generate(args.scale, args.out, **kwargs)
    for name, rows in counts.items():
        print(f"{name:22} {rows:>12,}")
    print(
        f"{'total':22} {sum(counts.values()):>12,}  in {time.perf_counter() - started:.1f} s -> {args.out}"
    )
    return EXIT_OK


def print_report(report: object) -> None:
    from data.importer import BatchReport

    assert isinstance(report, BatchReport)
    for warning in report.warnings:
        print(f"warning: {warning}")
    header = f"{'file':28} {'read':>10} {'inserted':>10} {'updated':>10} {'unchanged':>10} {'rejected':>10}"
    print(header)
    for f in report.files:
        if f.refused:
            print(f"{f.file:28} refused: {f.refused}")
            continue
        print(
            f"{f.file:28} {f.read:>10,} {f.inserted:>10,} {f.updated:>10,} {f.unchanged:>10,} {f.rejected:>10,}"
        )
        for w in f.warnings:
            print(f"  warning: {w}")
        for p in f.problems[:5]:
            print(f"  line {p.line}, {p.column or '(row)'}: {p.reason}")
        if len(f.problems) > 5:
            print(f"  ... {len(f.problems) - 5} more")
    if report.quarantine_dir:
        print(f"rejected rows written to {report.quarantine_dir}")
    print(report.summary())


def warm_landing(engine: Engine) -> None:
    """Store the landing Overview's figures for the new data (metrics/landing.py): the import
    is the batch, so the first director of the day does not wait for the computation."""
    from metrics.store.landing import warm

    frames, seconds = warm(engine)
    if frames:
        print(f"prepared the Overview's figures: {frames} frames in {seconds:.1f} s")


def cmd_load(args: argparse.Namespace) -> int:
    from data.db import upgrade
    from data.importer import DUCKDB_IMPORT_MEMORY, find_sources, import_sources
    from data.locks import import_lock

    # The whole command within WEALTH_IMPORT_MEMORY: the batch's transaction, and the figures
    # warmed after the commit, which scan every fact table (issue 16, docs/scale.md).
    engine = make_engine(args.db, memory_limit=DUCKDB_IMPORT_MEMORY)
    sources, warnings = find_sources(args.dir)
    with import_lock(engine):  # before the first connection: a second import is told at once
        upgrade(engine)
        report = import_sources(
            engine,
            sources,
            as_of=args.as_of,
            all_or_nothing=args.all_or_nothing,
            user=args.user,
            source_label=str(args.dir),
            quarantine_root=args.quarantine,
            warnings=warnings,
        )
        print(f"database: {db_label(engine)}  as of {report.as_of}  batch {report.batch_id}")
        print_report(report)
        if report.committed and report.changed:
            # Still under the import's lock: the dashboard stands aside until the new figures
            # are prepared, so this batch's own queries are not kept waiting by users' clicks.
            warm_landing(engine)
    if not report.committed:
        print(
            f"refused: {report.rejected} row(s) rejected and --all-or-nothing given; nothing written",
            file=sys.stderr,
        )
    return report.exit_code


def cmd_upgrade(args: argparse.Namespace) -> int:
    from data.db import upgrade

    engine = make_engine(args.db)
    upgrade(engine)
    print(f"database {db_label(engine)} is at the current schema")
    return EXIT_OK


def cmd_first_start(args: argparse.Namespace) -> int:
    """A new user sees a working dashboard: an empty database gets the demo data set, and a
    database without accounts gets its first director (password printed once, or from the
    environment)."""
    import tempfile

    from data.accounts import ensure_first_director
    from data.db import is_empty, upgrade
    from data.demo import DEMO_AS_OF, generate
    from data.importer import load_dir

    engine = make_engine(args.db)
    upgrade(engine)
    ensure_first_director(engine, out=sys.stdout)
    if not is_empty(engine):
        return EXIT_OK
    print(f"The database {db_label(engine)} is empty: loading the '{args.scale}' demo data set...")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        generate(args.scale, Path(folder))
        report = load_dir(engine, Path(folder), as_of=DEMO_AS_OF, user="demo")
    rows = sum(f.inserted for f in report.files)
    print(
        f"Loaded {rows:,} demo rows in {time.perf_counter() - started:.1f} s (as of {DEMO_AS_OF})."
    )
    warm_landing(engine)
    return EXIT_OK if report.committed else EXIT_REFUSED


def _read_password() -> str:
    # One line from stdin, so a script can pipe it in without it showing in `ps` or the history.
    line = sys.stdin.readline()
    password = line[:-1] if line.endswith("\n") else line
    password = password[:-1] if password.endswith("\r") else password
    if not password:
        raise Refused("no password on stdin")
    return password


def cmd_users(args: argparse.Namespace) -> int:
    from data import accounts
    from data.db import upgrade

    engine = make_engine(args.db)
    upgrade(engine)
    by = "(command line)"
    try:
        if args.users_command == "list":
            with engine.connect() as conn:
                frame = accounts.list_accounts(conn)
            import pandas as pd  # only this command needs it; the CLI starts without it

            columns = ["username", "role", "org_id", "staff_id", "active", "may_unmask", "email"]
            print("\t".join(columns))
            for row in frame[columns].itertuples(index=False, name=None):
                # An empty field prints empty (pandas gives NaN / NA for a missing value, not None).
                print("\t".join("" if v is None or pd.isna(v) else str(v) for v in row))
            return EXIT_OK
        if args.users_command == "add":
            if not args.password_stdin and not args.email:
                raise Refused("give --password-stdin (or --email for a single-sign-on account)")
            password = _read_password() if args.password_stdin else None
            with engine.begin() as conn:
                account = accounts.create_user(
                    conn,
                    args.username,
                    args.role,
                    org_id=args.org,
                    staff_id=args.staff,
                    password=password,
                    display_name=args.display_name,
                    email=args.email,
                    may_unmask=args.may_unmask,
                    by=by,
                )
            print(f"created {account.role} {account.username!r}")
        elif args.users_command in ("disable", "enable"):
            with engine.begin() as conn:
                accounts.set_active(conn, args.username, args.users_command == "enable", by=by)
            print(f"{args.users_command}d {args.username!r}")
        elif args.users_command == "set-password":
            password = _read_password()
            with engine.begin() as conn:
                accounts.set_password(conn, args.username, password, by=by)
            print(f"password of {args.username!r} changed")
    except accounts.AccountError as exc:
        raise Refused(str(exc)) from None
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    from data.audit_chain import seal_and_verify
    from data.db import upgrade

    engine = make_engine(args.db)
    upgrade(engine)
    verdict = seal_and_verify(engine)
    if verdict.ok:
        print(f"audit log {verdict.message}")
        return EXIT_OK
    print(f"audit log BROKEN at {verdict.message}", file=sys.stderr)
    return EXIT_REJECTED


def cmd_backup(args: argparse.Namespace) -> int:
    from data.backup import backup

    engine = make_engine(args.db)
    started = time.perf_counter()
    summaries = backup(engine, args.out)
    rows = sum(s.rows for s in summaries.values())
    print(
        f"backed up {db_label(engine)}: {len(summaries)} tables, {rows:,} rows "
        f"in {time.perf_counter() - started:.1f} s -> {args.out}"
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from data.backup import restore

    engine = make_engine(args.db)
    started = time.perf_counter()
    summaries = restore(engine, args.dir, force=args.force)
    rows = sum(s.rows for s in summaries.values())
    print(
        f"restored {args.dir} into {db_label(engine)}: {len(summaries)} tables, {rows:,} rows, "
        f"every table's content hash as backed up, in {time.perf_counter() - started:.1f} s"
    )
    return EXIT_OK


COMMANDS = {
    "backup": cmd_backup,
    "restore": cmd_restore,
    "audit": cmd_audit,
    "users": cmd_users,
    "demo": cmd_demo,
    "load": cmd_load,
    "upgrade": cmd_upgrade,
    "first-start": cmd_first_start,
}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from data.importer import ImportRefused
    from data.locks import ImportInProgress

    try:
        return COMMANDS[args.command](args)
    except (
        Refused,
        ImportRefused,
        ImportInProgress,
        DatabaseBusyError,
        ValueError,
        OSError,
    ) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:  # noqa: BLE001 - a refused command never shows a traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"error: {type(exc).__name__}: {first}", file=sys.stderr)
        return EXIT_REFUSED
