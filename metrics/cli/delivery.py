"""`python -m metrics subscribe | subscriptions | unsubscribe | deliver` (issue 15).

The acting account is `--as USERNAME` (without it, the command line acts as the director): an
account may subscribe itself, a director any account. `deliver --due` is for cron; it prints one
line per subscription and exits 1 when some delivery failed (it is tried again at the next run)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from metrics.cli.main import Refused, _open_database

CLI_ACTOR = "cli"


def add_commands(sub: Any) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="SQLAlchemy URL (else $WEALTH_DB_URL, else the default file)")
    common.add_argument("--as", dest="as_user", metavar="USERNAME", help="the acting account")
    p = sub.add_parser(
        "subscribe", parents=[common], help="subscribe an account to a pack or alert"
    )
    p.add_argument("--to", required=True, metavar="USERNAME", help="the recipient")
    p.add_argument("--every", required=True, choices=("daily", "weekly", "monthly"))
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--pack", choices=("scorecard", "supervision", "health", "compliance", "scheme", "register")
    )
    what.add_argument("--alert", choices=("threshold", "exception", "idle"))
    p.add_argument("--format", choices=("xlsx", "pdf", "csv"), help="a pack's format")
    p.add_argument("--level", choices=("staff", "sub_branch", "branch"))
    p.add_argument("--scheme", help="a scheme pack's scheme_id[@version]")
    p.add_argument("--metric", help="a threshold alert's metric id")
    p.add_argument("--op", choices=("<", ">"), help="a threshold alert's comparison")
    p.add_argument("--value", help="a threshold alert's threshold")
    p.add_argument("--rule", help="an exception alert's rule id (default: any rule)")
    p = sub.add_parser("subscriptions", parents=[common], help="list the active subscriptions")
    p = sub.add_parser("unsubscribe", parents=[common], help="cancel a subscription")
    p.add_argument("subscription_id")
    p = sub.add_parser("deliver", parents=[common], help="send what is due (for cron)")
    p.add_argument("--due", action="store_true", required=True, help="every due subscription")
    p.add_argument("--today", type=dt.date.fromisoformat, help="the day to deliver for (tests)")


def _actor(conn: Any, username: str | None) -> tuple[str, str]:
    if username is None:
        return CLI_ACTOR, "director"
    from data.accounts import find_account

    account = find_account(conn, username)
    if account is None or not account.active:
        raise Refused(f"unknown user {username!r}")
    return account.username, account.role


def run(args: argparse.Namespace, out: Any) -> int:
    from metrics.delivery import subscriptions as subs

    engine = _open_database(args.db)
    try:
        if args.command == "deliver":
            return _deliver(engine, args, out)
        with engine.begin() as conn:
            actor, role = _actor(conn, args.as_user)
            try:
                if args.command == "subscribe":
                    kind = "pack" if args.pack else "alert"
                    target: dict[str, Any] = (
                        {"pack": args.pack, "level": args.level, "scheme": args.scheme}
                        if args.pack
                        else {"alert": args.alert, "metric": args.metric, "op": args.op,
                              "value": args.value, "level": args.level, "rule": args.rule}
                    )  # fmt: skip
                    made = subs.add(
                        conn, actor=actor, actor_role=role, recipient=args.to, kind=kind,
                        target=target, frequency=args.every, fmt=args.format,
                    )  # fmt: skip
                    out.write(f"{made.subscription_id}\t{made.username}\t{made.what}\n")
                elif args.command == "unsubscribe":
                    subs.cancel(conn, args.subscription_id, actor=actor, actor_role=role)
                else:
                    for s in subs.active(conn, None if role == "director" else actor):
                        out.write(
                            f"{s.subscription_id}\t{s.username}\t{s.kind}\t{s.what}\t"
                            f"{s.format or ''}\t{s.frequency}\n"
                        )
            except subs.SubscriptionError as exc:
                raise Refused(str(exc)) from None
    finally:
        engine.dispose()
    return 0


def _deliver(engine: Any, args: argparse.Namespace, out: Any) -> int:
    from metrics.delivery.run import deliver_due
    from metrics.delivery.transport import TransportError, from_environment

    if args.as_user is not None:
        raise Refused("deliver runs for every recipient as that recipient; --as does not apply")
    try:
        transport = from_environment()
    except TransportError as exc:
        raise Refused(str(exc)) from None
    outcomes = deliver_due(engine, transport, args.today)
    for o in outcomes:
        out.write(f"{o.status}\t{o.username}\t{o.what}\t{o.detail}\n")
    return 1 if any(o.status == "failed" for o in outcomes) else 0
