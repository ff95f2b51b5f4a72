"""Life-cycle compliance (lifecycle.md) against an independent plain-Python implementation
(tests/lifecycle_reference.py), whole tables: the register and every figure at every level, for a
month, a quarter and October (deadlines across National Day), both backends."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine

from data.settings import load_settings
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.core.values import is_null
from metrics.measures.compliance import exceptions
from metrics.measures.sources.lifecycle import RULES as RULE_IDS
from metrics.measures.tables import compliance
from tests import lifecycle_data
from tests.lifecycle_reference import ref_compliance, ref_exceptions

PERIODS = ("2025-09", "2025Q3", "2025-10")
LEVELS = ("staff", "sub_branch", "branch")
EVERYTHING = Scope.everything()


@pytest.fixture
def db(engine: Engine) -> Engine:
    with engine.begin() as conn:
        lifecycle_data.insert_data(conn)
    return engine


def plain(value: Any) -> Any:
    if is_null(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def test_the_register_matches_the_reference(db: Engine) -> None:
    with db.connect() as conn:
        settings = load_settings(conn)
        for text in PERIODS:
            got = exceptions(conn, Period.parse(text), EVERYTHING, settings)
            actual = [tuple(plain(v) for v in row) for row in got.itertuples(index=False)]
            expected = [
                tuple(r[k] for k in ("rule", "client_id", "staff_id", "org_id", "day", "ref"))
                for r in ref_exceptions(lifecycle_data.TABLES, text, settings)
            ]
            missing = sorted(set(expected) - set(actual), key=str)
            extra = sorted(set(actual) - set(expected), key=str)
            assert not missing and not extra, f"{text}: missing {missing}, extra {extra}"
            assert actual == expected, text  # the order too


def test_figures_match_the_reference(db: Engine) -> None:
    with db.connect() as conn:
        settings = load_settings(conn)
        for text in PERIODS:
            for level in LEVELS:
                table = compliance(conn, Period.parse(text), level, EVERYTHING, settings)
                expected = ref_compliance(lifecycle_data.TABLES, text, level, settings)
                assert list(table["entity_id"]) == [r["entity_id"] for r in expected], (text, level)
                problems = []
                for i, row in enumerate(expected):
                    for column, want in row.items():
                        got = plain(table.at[i, column])
                        if want is None or got is None:
                            same = want is None and got is None
                        elif isinstance(want, float) or isinstance(got, float):
                            same = abs(float(got) - float(want)) <= 1e-12
                        else:
                            same = got == want
                        if not same:
                            problems.append(
                                f"{text} {level} {row['entity_id']}.{column}: {got!r} != {want!r}"
                            )
                assert not problems, "\n".join(problems)


def with_edges() -> dict[str, list[dict[str, Any]]]:
    """The golden data plus the cases where readings of lifecycle.md part (the reference takes
    the literal one): a care date two member planners of different units look at (one date for
    the branch, done because one of them made the care contact); a head's new assignment
    (an exception of the head's unit, but not a member's relationship); a wealth client whose
    two primaries have ended, the one started last ended first (charged to the unit of the one
    that ended last)."""
    tables = {name: [dict(r) for r in rows] for name, rows in lifecycle_data.TABLES.items()}
    d = dt.date
    tables["care_dates"].append(
        {"client_id": "C18", "kind": "birthday", "month_day": "09-25", "label": None}
    )
    tables["contacts"].append(
        {
            "contact_id": "EDGE1",
            "client_id": "C18",
            "staff_id": "P3",
            "at": dt.datetime(2025, 9, 24, 10),
            "channel": "letter",
            "purpose": "care",
        }
    )
    tables["clients"] += [
        {**lifecycle_data.clients[0], "client_id": "E1", "name": "Edge one", "source": None,
         "referred_by": None, "closed_on": None},
        {**lifecycle_data.clients[0], "client_id": "E2", "name": "Edge two", "source": None,
         "referred_by": None, "closed_on": None},
    ]  # fmt: skip
    tables["assignments"] += [
        {"client_id": "E1", "staff_id": "H1", "role": "secondary", "start_on": d(2025, 9, 3),
         "end_on": None},
        {"client_id": "E2", "staff_id": "P1", "role": "primary", "start_on": d(2024, 1, 1),
         "end_on": d(2025, 8, 1)},
        {"client_id": "E2", "staff_id": "P3", "role": "primary", "start_on": d(2024, 6, 1),
         "end_on": d(2025, 7, 1)},
    ]  # fmt: skip
    tables["aum_monthly"] += [
        {
            "client_id": "E2",
            "month": d(2025, m, 1),
            "avg_daily_aum": lifecycle_data.Decimal(2_000_000),
        }
        for m in range(1, 13)
    ]
    return tables


def test_edges_where_readings_part(engine: Engine) -> None:
    tables = with_edges()
    original = lifecycle_data.TABLES
    lifecycle_data.TABLES = tables  # insert_data reads the module's tables
    try:
        with engine.begin() as conn:
            lifecycle_data.insert_data(conn)
    finally:
        lifecycle_data.TABLES = original
    september = Period.parse("2025-09")
    with engine.connect() as conn:
        settings = load_settings(conn)
        got = exceptions(conn, september, EVERYTHING, settings)
        branch = compliance(conn, september, "branch", EVERYTHING, settings)
        units = compliance(conn, september, "sub_branch", EVERYTHING, settings)
    actual = [tuple(plain(v) for v in row) for row in got.itertuples(index=False)]
    expected = [
        tuple(r[k] for k in ("rule", "client_id", "staff_id", "org_id", "day", "ref"))
        for r in ref_exceptions(tables, "2025-09", settings)
    ]
    assert actual == expected
    assert ("intro_no_first_contact", "E1", "H1", "SB1", dt.date(2025, 9, 3), "secondary") in actual
    assert ("client_unmaintained", "E2", None, "SB1", dt.date(2025, 9, 30), None) in actual
    for level, table in (("branch", branch), ("sub_branch", units)):
        for i, row in enumerate(ref_compliance(tables, "2025-09", level, settings)):
            for column, want in row.items():
                got_value = plain(table.at[i, column])
                if isinstance(want, float):
                    assert got_value is not None and abs(got_value - want) <= 1e-12, (level, column)
                else:
                    assert got_value == want, (level, row["entity_id"], column, got_value, want)


def test_a_head_and_a_planner_see_only_their_exceptions(db: Engine) -> None:
    quarter = Period.parse("2025Q3")
    with db.connect() as conn:
        settings = load_settings(conn)
        everything = exceptions(conn, quarter, EVERYTHING, settings)
        head = exceptions(conn, quarter, Scope.org("SB1"), settings)
        planner = exceptions(conn, quarter, Scope.staff("P1"), settings)
        staff_rows = compliance(conn, quarter, "staff", Scope.org("SB2"), settings)
    assert set(head["org_id"]) == {"SB1"} and len(head) == (everything["org_id"] == "SB1").sum()
    assert set(planner["staff_id"]) == {"P1"}
    assert len(planner) == (everything["staff_id"] == "P1").sum()
    assert set(staff_rows["entity_id"]) == {"P3", "P4"}  # SB2's planners only
    # The unit's rows charged to nobody in particular (client_unmaintained) reach its head too.
    assert (head["staff_id"].isna() & (head["rule"] == "client_unmaintained")).any()


def test_the_command_line_register_and_figures(db: Engine, tmp_path: Any) -> None:
    """`python -m metrics exceptions` / `compliance` print exactly what the functions return, with
    the columns lifecycle.md names, for the director and `--as` a head."""
    from data.accounts import create_user
    from tests.test_metrics_cli import run

    url = db.url.render_as_string(hide_password=False)
    with db.begin() as conn:
        create_user(conn, "head1", "head", org_id="SB1", password="a long enough password")
    result = run("exceptions", "--period", "2025-09", "--db", url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "rule,client_id,staff_id,org_id,day,ref"
    with db.connect() as conn:
        settings = load_settings(conn)
        register = exceptions(conn, Period.parse("2025-09"), EVERYTHING, settings)
    assert len(lines) == 1 + len(register)
    mine = run(
        "exceptions",
        "--period",
        "2025-09",
        "--db",
        url,
        "--as",
        "head1",
        "--rule",
        "client_unmaintained",
    )
    assert mine.returncode == 0, mine.stderr
    assert all(line.split(",")[3] == "SB1" for line in mine.stdout.splitlines()[1:])
    figures = run("compliance", "--period", "2025Q3", "--level", "sub_branch", "--db", url)
    assert figures.returncode == 0, figures.stderr
    header = figures.stdout.splitlines()[0].split(",")
    assert header[:13] == [
        "entity_id", "openings", "opening_compliance", "opener_kept", "new_relationships",
        "intro_on_time", "care_dates", "care_done", "plan_report_rate", "new_clients",
        "referral_share", "referrals_made", "exceptions",
    ]  # fmt: skip
    assert header[13:30] == [f"exc_{rule}" for rule in RULE_IDS]
    refused = run("exceptions", "--period", "2025-09", "--db", url, "--rule", "nonsense")
    assert refused.returncode == 2 and "unknown rule" in refused.stderr
