"""lifecycle.md's references whose target depends on the row, as the importer checks them on
DuckDB and PostgreSQL: a client's referrer (a staff member for a staff referral, a client for a
client referral) and a quarterly report's plan (a `plan` of the same client). A broken one
rejects its row with file, line, column and reason, in this batch or against the stored rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, select

from data.importer import BatchReport, load_dir, quarantine_csv
from data.schema import Client, Plan

AS_OF = dt.date(2026, 10, 31)

ORGS = "org_id,name,kind,parent_id\nB01,杭州分行,branch,\nB01S01,上城支行,sub_branch,B01\n"
STAFF = (
    "staff_id,name,role,org_id\n"
    "000123,张伟,planner,B01S01\n"
    "000124,李娜,advisor,B01S01\n"
    "000900,周敏,other,B01S01\n"
)
CLIENTS_HEADER = "client_id,name,opened_on,source,referred_by\n"


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    return folder


def load(engine: Engine, folder: Path) -> BatchReport:
    return load_dir(engine, folder, as_of=AS_OF, quarantine_root=folder.parent / "quarantine")


def problems(report: BatchReport, table: str) -> list[tuple[str, int, str, str]]:
    found = next(f for f in report.files if f.table == table)
    return [(found.file, p.line, p.column, p.reason) for p in found.problems]


def stored(engine: Engine, column: object) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*column).order_by(*column[:1]))]  # type: ignore[misc]


def test_referrers_must_exist_and_be_of_the_source_kind(engine: Engine, tmp_path: Path) -> None:
    clients = CLIENTS_HEADER + (
        "0000001,王芳,2019-01-01,own_development,\n"  # line 2
        "0000002,刘洋,2020-01-01,staff_referral,000900\n"  # a lobby manager refers: fine
        "0000003,陈静,2020-02-01,client_referral,0000001\n"  # an earlier client: fine
        "0000004,杨帆,2020-03-01,client_referral,0000006\n"  # a client further down: fine
        "0000005,赵磊,2020-04-01,staff_referral,0000001\n"  # a client, not a staff member
        "0000006,黄丽,2020-05-01,client_referral,\n"  # no referrer named: allowed
        "0000007,周杰,2020-06-01,client_referral,000123\n"  # a staff member, not a client
        "0000008,吴迪,2020-07-01,staff_referral,000777\n"  # nobody
    )
    folder = write(
        tmp_path / "batch", {"org_units.csv": ORGS, "staff.csv": STAFF, "clients.csv": clients}
    )
    report = load(engine, folder)
    assert report.committed and report.exit_code == 1
    assert problems(report, "clients") == [
        (
            "clients.csv",
            6,
            "referred_by",
            "unknown referrer '0000001': a staff_referral names an existing staff member "
            "(not in this batch nor stored)",
        ),
        (
            "clients.csv",
            8,
            "referred_by",
            "unknown referrer '000123': a client_referral names an existing client "
            "(not in this batch nor stored)",
        ),
        (
            "clients.csv",
            9,
            "referred_by",
            "unknown referrer '000777': a staff_referral names an existing staff member "
            "(not in this batch nor stored)",
        ),
    ]
    assert stored(engine, (Client.client_id, Client.source, Client.referred_by)) == [
        ("0000001", "own_development", None),
        ("0000002", "staff_referral", "000900"),
        ("0000003", "client_referral", "0000001"),
        ("0000004", "client_referral", "0000006"),
        ("0000006", "client_referral", None),
    ]
    # The quarantine file carries file, line, column and reason with the row's values.
    rejected = quarantine_csv(next(f for f in report.files if f.table == "clients"))
    lines = rejected.decode("utf-8-sig").splitlines()
    # (as for the contract's plain references, the staged row: every contract column)
    assert lines[0] == (
        "file,line,column,reason,client_id,name,gender,birth_date,phone,opened_on,closed_on,"
        "contact_cycle,risk_level,source,referred_by"
    )
    assert lines[1].startswith("clients.csv,6,referred_by,")
    assert lines[1].endswith(",0000005,赵磊,,,,2020-04-01,,quarterly,,staff_referral,0000001")


def test_referrers_stored_earlier_count_and_a_rejected_referrer_rejects_its_referrals(
    engine: Engine, tmp_path: Path
) -> None:
    first = write(tmp_path / "first", {"org_units.csv": ORGS, "staff.csv": STAFF})
    assert load(engine, first).exit_code == 0
    clients = CLIENTS_HEADER + (
        "0000010,王芳,2019-13-01,own_development,\n"  # line 2: an impossible date
        "0000011,刘洋,2020-01-01,client_referral,0000010\n"  # its referrer was rejected
        "0000012,陈静,2020-02-01,client_referral,0000011\n"  # and so, in turn, was this one's
        "0000013,杨帆,2020-03-01,staff_referral,000124\n"  # staff stored by the first batch
    )
    report = load(engine, write(tmp_path / "second", {"clients.csv": clients}))
    assert [(line, column) for _f, line, column, _r in problems(report, "clients")] == [
        (2, "opened_on"),
        (3, "referred_by"),
        (4, "referred_by"),
    ]
    assert stored(engine, (Client.client_id, Client.referred_by)) == [("0000013", "000124")]


PLANS_HEADER = "plan_id,client_id,staff_id,at,kind,plan_ref\n"


def test_a_report_is_on_a_plan_of_its_own_client(engine: Engine, tmp_path: Path) -> None:
    clients = CLIENTS_HEADER + "0000001,王芳,2019-01-01,,\n0000002,刘洋,2019-02-01,,\n"
    first_plans = PLANS_HEADER + "PL1,0000001,000123,2026-01-05 10:00,plan,\n"
    files = {"org_units.csv": ORGS, "staff.csv": STAFF, "clients.csv": clients}
    first = write(tmp_path / "first", {**files, "plans.csv": first_plans})
    assert load(engine, first).exit_code == 0
    plans = PLANS_HEADER + (
        "PL2,0000002,000124,2026-02-01 10:00,plan,\n"  # line 2
        "QR1,0000001,000124,2026-04-02 10:00,quarterly_report,PL1\n"  # stored plan: fine
        "QR2,0000002,000124,2026-04-03 10:00,quarterly_report,PL2\n"  # plan of this batch: fine
        "QR3,0000002,000124,2026-04-04 10:00,quarterly_report,PL1\n"  # another client's plan
        "QR4,0000001,000124,2026-04-05 10:00,quarterly_report,QR1\n"  # a report, not a plan
        "QR5,0000001,000124,2026-04-06 10:00,quarterly_report,PL9\n"  # no such plan
        "QR6,0000001,000124,2026-04-07 10:00,quarterly_report,\n"  # none named: allowed
        "PL3,0000001,000124,2026-04-08 10:00,plan,PL1\n"  # a plan names no plan (validate)
    )
    report = load(engine, write(tmp_path / "second", {"plans.csv": plans}))
    assert report.committed and report.exit_code == 1
    # The row rules' reasons come first, then the references' (as for staff_id and client_id).
    assert problems(report, "plans") == [
        (
            "plans.csv",
            9,
            "plan_ref",
            "plan_ref is only for a quarterly_report (the plan it reports on)",
        ),
        (
            "plans.csv",
            5,
            "plan_ref",
            "plan_ref 'PL1' is a plan of another client (0000001), not of 0000002: "
            "a quarterly report is on its own client's plan",
        ),
        ("plans.csv", 6, "plan_ref", "plan_ref 'QR1' is a quarterly_report, not a plan"),
        ("plans.csv", 7, "plan_ref", "unknown plan_ref 'PL9' (not in this batch nor stored)"),
    ]
    assert stored(engine, (Plan.plan_id, Plan.client_id, Plan.kind, Plan.plan_ref)) == [
        ("PL1", "0000001", "plan", None),
        ("PL2", "0000002", "plan", None),
        ("QR1", "0000001", "quarterly_report", "PL1"),
        ("QR2", "0000002", "quarterly_report", "PL2"),
        ("QR6", "0000001", "quarterly_report", None),
    ]


def test_the_batch_version_of_a_plan_is_the_one_judged(engine: Engine, tmp_path: Path) -> None:
    """A stored plan re-sent in the batch for another client: a report on it for the stored
    client is rejected (the batch's row replaces the stored one), and nothing of a refused
    all-or-nothing batch is written."""
    clients = CLIENTS_HEADER + "0000001,王芳,2019-01-01,,\n0000002,刘洋,2019-02-01,,\n"
    files = {"org_units.csv": ORGS, "staff.csv": STAFF, "clients.csv": clients}
    plans = PLANS_HEADER + "PL1,0000001,000123,2026-01-05 10:00,plan,\n"
    assert load(engine, write(tmp_path / "first", {**files, "plans.csv": plans})).exit_code == 0
    moved = PLANS_HEADER + (
        "PL1,0000002,000123,2026-01-05 10:00,plan,\n"
        "QR1,0000001,000124,2026-04-02 10:00,quarterly_report,PL1\n"
    )
    folder = write(tmp_path / "second", {"plans.csv": moved})
    refused = load_dir(
        engine,
        folder,
        as_of=AS_OF,
        all_or_nothing=True,
        quarantine_root=tmp_path / "quarantine",
    )
    assert not refused.committed and refused.exit_code == 2
    assert problems(refused, "plans") == [
        (
            "plans.csv",
            3,
            "plan_ref",
            "plan_ref 'PL1' is a plan of another client (0000002), not of 0000001: "
            "a quarterly report is on its own client's plan",
        )
    ]
    assert stored(engine, (Plan.plan_id, Plan.client_id, Plan.kind, Plan.plan_ref)) == [
        ("PL1", "0000001", "plan", None)
    ]
