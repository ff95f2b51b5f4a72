"""`python -m metrics ...`: every figure of the dashboard without a browser (spec/cli.md).

Output tables go to stdout: `entity_id`, then the metric ids of the command in catalogue order,
then the descriptive columns (`name`, `org_id`, `role`). Formatting, decided once in
`metrics.exports.values` (and formula-safe text, in `metrics.exports.text_formats`):

- money (unit `yuan`): exactly two decimals, `1234567.80`;
- counts and days: integers, no `.0`;
- ratios, scores, minutes, hours: the shortest text that reads back as the same float (Python's
  `repr`, e.g. `0.5714285714285714`), so a check can compare figures without rounding loss;
- points: the exact decimal without trailing zeros (`7`, `-2.5`);
- null: an empty cell in CSV, `null` in JSON (an array of objects, one per row).

A refused command (bad arguments, bad period, unreachable database, calendar out of range,
unknown `--as` user) exits 2 with a one-line reason on stderr and no traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from metrics.core.catalogue import BY_ID, Kind, ids_of, markdown_table, readme_table
from metrics.core.periods import Period, PeriodError
from metrics.core.scope import Scope
from metrics.exports.text_formats import text_of, text_rows, write_csv, write_json

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from metrics.measures.layer import Columns

# Start-up (docs/startup.md): a table command imports neither pandas nor the ORM nor Alembic
# (unless a migration is due); the modules a command needs are imported in the command.

DESCRIPTIVE = ("name", "org_id", "role")
EXIT_REFUSED = 2

# Which levels each table command accepts (health is per sub-branch and branch only).
LEVELS: dict[str, tuple[str, ...]] = {
    "scorecard": ("staff", "sub_branch", "branch"),
    "supervision": ("staff", "sub_branch", "branch"),
    "health": ("sub_branch", "branch"),
    "compliance": ("staff", "sub_branch", "branch"),
}
KINDS: dict[str, Kind] = {
    "scorecard": "appraisal",
    "supervision": "supervision",
    "health": "health",
    "compliance": "compliance",
}


class Refused(Exception):
    """A command the CLI refuses: exit 2 with this one-line message."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m metrics", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for command, levels in LEVELS.items():
        p = sub.add_parser(command, help=f"the {KINDS[command]} metrics table")
        p.add_argument("--period", required=True, help="2026-09, 2026Q3 or 2026")
        p.add_argument("--level", choices=levels, default=levels[0])
        p.add_argument("--db", help="SQLAlchemy URL (else $WEALTH_DB_URL, else the default file)")
        p.add_argument("--format", choices=("csv", "json"), default="csv")
        p.add_argument(
            "--as", dest="as_user", metavar="USERNAME", help="run with this user's scope"
        )
    p = sub.add_parser("exceptions", help="the life-cycle exceptions register (lifecycle.md)")
    p.add_argument("--period", required=True, help="2026-09, 2026Q3 or 2026")
    p.add_argument("--rule", help="only the rows of this rule id")
    p.add_argument("--db", help="SQLAlchemy URL (else $WEALTH_DB_URL, else the default file)")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--as", dest="as_user", metavar="USERNAME", help="run with this user's scope")
    cat = sub.add_parser("catalogue", help="the KPI catalogue")
    cat.add_argument("--markdown", action="store_true", help="the docs/metrics.md table")
    cat.add_argument("--readme", action="store_true", help="the README's compact metric table")
    _add_scheme_commands(sub)
    from metrics.cli.delivery import add_commands

    add_commands(sub)
    from metrics.cli.results import add_results_commands

    add_results_commands(sub)
    return parser


def _add_scheme_commands(sub: Any) -> None:
    """`appraise`, `snapshot`, `export` (cli.md); their work is in `metrics.scheme_cli`."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="SQLAlchemy URL (else $WEALTH_DB_URL, else the default file)")
    common.add_argument(
        "--as", dest="as_user", metavar="USERNAME", help="run with this user's scope"
    )
    p = sub.add_parser("appraise", parents=[common], help="score a scheme for a period")
    p.add_argument(
        "--scheme", required=True, help="a scheme file (YAML / JSON) or scheme_id[@version]"
    )
    p.add_argument("--period", required=True, help="2026-09, 2026Q3 or 2026")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--targets", help="per-person targets: a CSV of staff_id, kpi, target")
    p = sub.add_parser("snapshot", parents=[common], help="freeze results; prints id and checksum")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--scheme", help="a scheme file (YAML / JSON) or scheme_id[@version]")
    what.add_argument("--table", choices=("scorecard", "supervision", "health"))
    p.add_argument("--level", choices=("staff", "sub_branch", "branch"), default="staff")
    p.add_argument("--period", required=True, help="2026-09, 2026Q3 or 2026")
    p.add_argument("--targets", help="per-person targets: a CSV of staff_id, kpi, target")
    p = sub.add_parser("export", parents=[common], help="write a meeting pack of a snapshot")
    p.add_argument("--snapshot", required=True, help="the snapshot id")
    p.add_argument("--format", choices=("xlsx", "pdf", "csv"), required=True)
    p.add_argument("--out", required=True, help="the file to write")


# --- formatting ------------------------------------------------------------------------------


def output_columns(names: Sequence[str], kind: Kind) -> list[str]:
    missing = [c for c in ids_of(kind) if c not in names]
    if missing:
        raise Refused(f"the {kind} table lacks columns: {', '.join(missing)}")
    return ["entity_id", *ids_of(kind), *(c for c in DESCRIPTIVE if c in names)]


# --- commands --------------------------------------------------------------------------------


def _engine(url: str | None) -> Engine:
    from data.engine import make_engine

    try:
        # No `keep_open`: a keeping engine is the dashboard's, which stands aside for an import;
        # a command waits for it instead (WEALTH_DB_LOCK_WAIT).
        return make_engine(url)
    except Exception as exc:  # noqa: BLE001 - any bad URL is a refused command, said in one line
        raise Refused(f"cannot use database {url!r}: {_one_line(exc)}") from None


def _open_database(url: str | None) -> Engine:
    from data.db import upgrade
    from data.engine import db_label

    engine = _engine(url)
    try:
        upgrade(engine)
    except Exception as exc:  # noqa: BLE001 - unreachable / unusable database, same
        raise Refused(f"cannot open database {db_label(engine)}: {_one_line(exc)}") from None
    return engine


def _connect_current(engine: Engine) -> Connection:
    """One connection for a read-only command (`data.db.connect_current`), refused as above."""
    from data.db import connect_current
    from data.engine import db_label

    try:
        return connect_current(engine)
    except Exception as exc:  # noqa: BLE001 - unreachable / unusable database, same
        raise Refused(f"cannot open database {db_label(engine)}: {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _scope(conn: Connection, username: str | None) -> Scope:
    if username is None:
        return Scope.everything()
    from metrics.core.access import UnknownUserError, scope_for_username

    try:
        return scope_for_username(conn, username)
    except UnknownUserError as exc:
        raise Refused(str(exc)) from None


def run_table(args: argparse.Namespace, out: Any) -> None:
    from data.calendar import CalendarRangeError, check_covered
    from data.settings import load_settings

    try:
        period = Period.parse(args.period)
    except PeriodError as exc:
        raise Refused(str(exc)) from None
    if args.command in ("supervision", "compliance", "exceptions"):
        try:
            # Working-day counts and deadlines need the calendar over P.
            check_covered(period.start, period.end)
        except CalendarRangeError as exc:
            raise Refused(str(exc)) from None
    from data.engine import execute_without_pandas

    engine = _engine(args.db)
    execute_without_pandas(engine)  # a table needs no pandas: spare its import (docs/startup.md)
    try:
        with _connect_current(engine) as conn:
            scope = _scope(conn, args.as_user)
            if args.command == "scorecard":
                from metrics.core.completeness import IncompletePeriodError, require_complete

                try:
                    require_complete(conn, period)  # a scorecard ranks; never on partial data
                except IncompletePeriodError as exc:
                    raise Refused(str(exc)) from None
            settings = load_settings(conn)
            try:
                if args.command == "exceptions":
                    from metrics.measures.compliance import exceptions

                    try:
                        frame = exceptions(conn, period, scope, settings, args.rule)
                    except ValueError as exc:
                        raise Refused(str(exc)) from None
                else:
                    from data.engine import facts_connection
                    from metrics.measures.tables import table_columns

                    kind = KINDS[args.command]
                    with facts_connection(engine, conn) as facts:  # KPIs: the facts store
                        table = table_columns(facts, kind, period, args.level, scope, settings)
            except CalendarRangeError as exc:
                raise Refused(str(exc)) from None
    finally:
        engine.dispose()
    if args.command == "exceptions":
        # The register: no entity column; its order is the register's (rule, day, client).
        columns = list(frame.columns)
        rows = text_rows(frame, columns)
        if args.format == "json":
            write_json(columns, rows, out, numeric=[])
        else:
            write_csv(columns, rows, out)
        return
    _write_table(table, kind, args.format, out)


def _write_table(table: Columns, kind: Kind, fmt: str, out: Any) -> None:
    """A metric table, sorted by entity_id (`table_columns` sorts it), as CSV or JSON."""
    columns = output_columns(table.names, kind)
    rows = text_of(table.rows(columns), columns)
    if fmt == "json":
        write_json(columns, rows, out, numeric=[c for c in columns if c in BY_ID])
    else:
        write_csv(columns, rows, out)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = sys.stdout
    if hasattr(out, "reconfigure"):
        out.reconfigure(encoding="utf-8")
    try:
        if args.command == "catalogue":
            if args.markdown:
                out.write(markdown_table())
            elif args.readme:
                out.write(readme_table())
            else:
                for metric in BY_ID.values():
                    out.write(f"{metric.id}\t{metric.family}\t{metric.unit}\t{metric.name_en}\n")
            return 0
        if args.command in ("subscribe", "subscriptions", "unsubscribe", "deliver"):
            from metrics.cli.delivery import run as run_delivery

            return run_delivery(args, out)
        if args.command in ("appraise", "snapshot", "export"):
            from metrics.cli.schemes import run_scheme_command

            run_scheme_command(args, out)
        elif args.command == "results":
            from metrics.cli.results import run_results_command

            run_results_command(args, out)
        else:
            run_table(args, out)
    except Refused as exc:
        return refuse(str(exc))
    return 0


def refuse(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_REFUSED


def exit_with(code: int) -> NoReturn:
    sys.stdout.flush()
    sys.stderr.flush()
    raise SystemExit(code)
