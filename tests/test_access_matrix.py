"""The access matrix: a director, the head of SB1 and planner P1 against every metrics entry point.

Each user's rows must be exactly the rows of their scope: none outside it (a leak) and none
missing (rows lost), with the same figures the director sees for those rows. Entity ids passed in
by hand (as a forged query parameter would be) must return nothing outside the scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest
from sqlalchemy import Connection, Engine

from data.accounts import create_user
from data.settings import load_settings
from metrics.core.access import scope_for_username
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.measures.tables import drill, health, scorecard, supervision
from tests.golden_data import insert_golden
from tests.reliability import cheap_hashing

PERIOD = Period.parse("2025Q3")
PASSWORD = "a long enough password"
ALL_STAFF = ("A1", "A2", "P1", "P2", "P3", "P4")
ALL_UNITS = {"staff": set(ALL_STAFF), "sub_branch": {"SB1", "SB2", "SB3"}, "branch": {"BR"}}
VISIBLE: dict[str, dict[str, set[str]]] = {
    "boss": ALL_UNITS,
    "head1": {"staff": {"A2", "P1", "P2"}, "sub_branch": {"SB1"}, "branch": set()},
    "p1": {"staff": {"P1"}, "sub_branch": set(), "branch": set()},
}
USERS = tuple(VISIBLE)
# Entity ids nobody but the director may name, plus ids no one has: a forged parameter.
FORGED = ("SB2", "BR", "P3", "H1", "D1", "' OR 1=1 --", "%", "P_", "*", "")
DRILLED = (
    "aum_stock",
    "aum_increment",
    "retention_rate",
    "satisfaction",
    "reward_points",
    "logins",
    "contacts",
    "request_sla",
)
Table = Callable[..., pd.DataFrame]
TABLES: dict[str, tuple[Table, tuple[str, ...]]] = {
    "scorecard": (scorecard, ("staff", "sub_branch", "branch")),
    "supervision": (supervision, ("staff", "sub_branch", "branch")),
    "health": (health, ("sub_branch", "branch")),
}


@pytest.fixture
def matrix(engine: Engine) -> Engine:
    # Nobody signs in here (the accounts only name a scope): hashing their passwords at the
    # production cost would be most of each test's time; that cost is tested in test_accounts.py.
    with cheap_hashing(), engine.begin() as conn:
        insert_golden(conn)
        create_user(conn, "boss", "director", password=PASSWORD)
        create_user(conn, "head1", "head", org_id="SB1", password=PASSWORD)
        create_user(conn, "p1", "planner", staff_id="P1", password=PASSWORD)
    return engine


def scope_of(conn: Connection, user: str) -> Scope:
    return scope_for_username(conn, user)


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("entity_id").reset_index(drop=True).astype(str)


def test_tables_hold_exactly_the_scope(matrix: Engine) -> None:
    with matrix.connect() as conn:
        settings = load_settings(conn)
        for name, (table, levels) in TABLES.items():
            for level in levels:
                full = table(conn, PERIOD, level, Scope.everything(), settings)
                for user in USERS:
                    seen = table(conn, PERIOD, level, scope_of(conn, user), settings)
                    where = f"{name} {level} as {user}"
                    assert set(seen["entity_id"]) == VISIBLE[user][level], where
                    # Same figures as the director's view of those rows: nothing recomputed
                    # differently, nothing lost.
                    expected = full[full["entity_id"].isin(VISIBLE[user][level])]
                    pd.testing.assert_frame_equal(comparable(seen), comparable(expected))


def test_drill_returns_nothing_outside_the_scope(matrix: Engine) -> None:
    with matrix.connect() as conn:
        settings = load_settings(conn)
        for user in USERS:
            scope = scope_of(conn, user)
            for metric in DRILLED:
                for entity in (*ALL_STAFF, *FORGED):
                    rows = drill(conn, metric, "staff", entity, PERIOD, scope, settings)
                    if entity in VISIBLE[user]["staff"]:
                        full = drill(
                            conn, metric, "staff", entity, PERIOD, Scope.everything(), settings
                        )
                        pd.testing.assert_frame_equal(rows, full)
                    else:
                        assert rows.empty, (user, metric, entity)
            for level in ("sub_branch", "branch"):
                for metric in ("aum_stock", "contacts", "coverage"):
                    for entity in (*ALL_UNITS[level], *FORGED):
                        rows = drill(conn, metric, level, entity, PERIOD, scope, settings)
                        if entity not in VISIBLE[user][level]:
                            assert rows.empty, (user, level, metric, entity)


def test_browse_views_refuse_entities_outside_the_scope(matrix: Engine) -> None:
    """The planner-page and supervision views of `metrics.browse`, with ids typed in by hand."""
    from metrics.measures import browse

    day = dt.date(2025, 9, 30)
    with matrix.connect() as conn:
        settings = load_settings(conn)
        for user in USERS:
            scope = scope_of(conn, user)
            listed = set(browse.staff_list(conn, scope)["staff_id"])
            assert listed == VISIBLE[user]["staff"]
            units = set(browse.org_units(conn, scope)["org_id"])
            assert units <= VISIBLE[user]["sub_branch"] | VISIBLE[user]["branch"]
            for entity in (*ALL_STAFF, *FORGED):
                if entity in VISIBLE[user]["staff"]:
                    continue
                assert browse.narrow(conn, scope, "staff", entity) is None
                assert browse.client_book(conn, entity, day, scope, settings).empty
                assert browse.recent_activity(conn, entity, scope, day).empty
                assert browse.login_calendar(conn, PERIOD, "staff", entity, scope).empty
                trend = browse.aum_trend(conn, "staff", entity, scope, day, settings, months=3)
                assert trend.empty or not trend["clients"].any(), (user, entity)


def test_every_metrics_command_takes_as() -> None:
    """A command added later (appraise, snapshot, export ...) must run with a user's scope too."""
    import argparse

    from metrics.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands = list(sub.choices.items())
    while commands:
        name, command = commands.pop()
        if name == "catalogue":  # the KPI definitions: no figures, nothing to scope
            continue
        nested = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)]
        if nested:  # e.g. `results publish|status`: each of its commands
            commands += [(f"{name} {n}", c) for n, c in nested[0].choices.items()]
            continue
        flags = {flag for action in command._actions for flag in action.option_strings}
        assert "--as" in flags, f"`python -m metrics {name}` has no --as"


@pytest.mark.parametrize("user", USERS)
def test_command_line_as_user(
    matrix: Engine, user: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from metrics.cli.main import main

    url = matrix.url.render_as_string(hide_password=False)
    for command, level in (
        ("scorecard", "staff"),
        ("supervision", "sub_branch"),
        ("health", "sub_branch"),
        ("scorecard", "branch"),
    ):
        args = [command, "--period", "2025Q3", "--level", level, "--db", url, "--as", user]
        assert main(args) == 0, capsys.readouterr().err
        lines = capsys.readouterr().out.splitlines()
        assert {line.split(",")[0] for line in lines[1:]} == VISIBLE[user][level], (command, level)


def test_command_line_refuses_a_forged_user(
    matrix: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    from metrics.cli.main import main

    url = matrix.url.render_as_string(hide_password=False)
    for forged in ("' OR 1=1 --", "boss'--", "BOSS", "%", "head1 ", "P1"):
        assert main(["scorecard", "--period", "2025-09", "--db", url, "--as", forged]) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and "unknown user" in captured.err
