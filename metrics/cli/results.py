"""`python -m metrics results publish | status` (issue 15.2-15.3): the appraisal cycle's
publication and its per-person statuses from the command line, acting as the account of `--as`
(required: publishing and reading statuses are a head's or the director's acts, and the account
decides which results they may touch). Refusals are the cycle's own messages (exit 2)."""

from __future__ import annotations

import argparse
from typing import Any

from metrics.cli.main import Refused, _open_database
from metrics.exports.text_formats import text_rows, write_csv, write_json

COLUMNS = ["staff_id", "name", "total", "rank", "grade", "status"]


def add_results_commands(sub: Any) -> None:
    results = sub.add_parser("results", help="publish appraisal results; their statuses")
    steps = results.add_subparsers(dest="step", required=True)
    for name, help_text in (
        ("publish", "publish a period's results of a published scheme version"),
        ("status", "each covered person's status (published, acknowledged, inquiry open, ...)"),
    ):
        p = steps.add_parser(name, help=help_text)
        p.add_argument("--scheme", required=True, help="scheme_id or scheme_id@version")
        p.add_argument("--period", required=True, help="2026-09, 2026Q3 or 2026")
        p.add_argument("--as", dest="as_user", metavar="USERNAME", help="the acting account")
        p.add_argument("--db", help="SQLAlchemy URL (else $WEALTH_DB_URL, else the default file)")
        if name == "status":
            p.add_argument("--format", choices=("csv", "json"), default="csv")


def _actor(conn: Any, username: str | None) -> Any:
    from data.accounts import find_account
    from metrics.appraisal.cycle import Account

    if not username:
        raise Refused("results commands act as an account: give --as USERNAME")
    account = find_account(conn, username)
    if account is None or not account.active:
        raise Refused(f"unknown user {username!r}")
    return Account(account.username, account.role, account.org_id, account.staff_id)


def run_results_command(args: argparse.Namespace, out: Any) -> None:
    from metrics.appraisal import cycle
    from metrics.appraisal.schemes import get_ref
    from metrics.cli.schemes import _period

    period = _period(args.period)
    engine = _open_database(args.db)
    try:
        with engine.begin() as conn:
            actor = _actor(conn, args.as_user)
            try:
                scheme = get_ref(conn, args.scheme)
            except LookupError as exc:
                raise Refused(str(exc)) from None
            try:
                if args.step == "publish":
                    done = cycle.publish_results(conn, actor, scheme, period)
                    out.write(
                        f"{done.publication_id}\t{done.snapshot_id}\t{done.population} staff\n"
                    )
                    return
                publication = cycle.find_publication(conn, scheme.scheme_id or "", period.label())
                frame = cycle.status_of(conn, actor, publication.publication_id)
            except cycle.CycleRefused as exc:
                raise Refused(str(exc)) from None
    finally:
        engine.dispose()
    rows = text_rows(frame, COLUMNS)
    if args.format == "json":
        write_json(COLUMNS, rows, out, numeric={"total", "rank"})
    else:
        write_csv(COLUMNS, rows, out)
