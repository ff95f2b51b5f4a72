"""The importer on real databases: every contract rule with a bad row, hostile files, idempotence,
row conservation, atomicity. Each case states the file, the line and the reason it expects."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, func, select, text

from data import readers
from data.contract import TABLES
from data.importer import BatchReport, ImportRefused, find_sources, import_sources, load_dir
from data.schema import AumMonthly, Client, ImportBatch, OrgUnit, Staff, metadata
from data.settings import SETTINGS

AS_OF = dt.date(2026, 10, 31)

BASE = {
    "org_units.csv": "org_id,name,kind,parent_id\nB01,杭州分行,branch,\nB01S01,上城支行,sub_branch,B01\n",
    "staff.csv": "staff_id,name,role,org_id,hired_on,left_on\n"
    "000123,张伟,planner,B01S01,2020-01-01,\n000124,李娜,advisor,B01S01,2021-03-01,\n",
    "clients.csv": "client_id,name,gender,birth_date,phone,opened_on,closed_on,contact_cycle,risk_level\n"
    "0000001,王芳,F,1970-05-06,13800001234,2019-01-01,,monthly,C3\n"
    "0000002,刘洋,M,,,2019-02-01,,,\n",
}


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def load(engine: Engine, folder: Path, **kwargs: object) -> BatchReport:
    kwargs.setdefault("as_of", AS_OF)
    kwargs.setdefault("quarantine_root", folder.parent / "quarantine")
    return load_dir(engine, folder, **kwargs)  # type: ignore[arg-type]


def file_report(report: BatchReport, table: str):  # noqa: ANN201
    return next(f for f in report.files if f.table == table)


def problems(report: BatchReport, table: str) -> list[tuple[int, str, str]]:
    return [(p.line, p.column, p.reason) for p in file_report(report, table).problems]


def count(engine: Engine, model: object) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()  # type: ignore[arg-type]


def content_hash(engine: Engine) -> str:
    """A hash of every contract table's content, in key order."""
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for spec in TABLES:
            table = metadata.tables[spec.name]
            order = [table.c[k] for k in spec.key]
            for row in conn.execute(select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def base_loaded(engine: Engine, tmp_path: Path) -> None:
    report = load(engine, write(tmp_path / "base", BASE))
    assert report.exit_code == 0, [(f.file, f.problems, f.refused) for f in report.files]


# --- happy path, idempotence, conservation ---------------------------------------------------


def test_load_then_reload_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", BASE)
    first = load(engine, folder)
    assert first.exit_code == 0 and first.committed
    assert [
        (f.table, f.read, f.inserted, f.updated, f.unchanged, f.rejected) for f in first.files
    ] == [
        ("org_units", 2, 2, 0, 0, 0),
        ("staff", 2, 2, 0, 0, 0),
        ("clients", 2, 2, 0, 0, 0),
    ]
    before = content_hash(engine)
    again = load(engine, folder)
    assert again.exit_code == 0
    assert again.summary() == "nothing changed: every row was already stored"
    assert [(f.inserted, f.updated, f.unchanged) for f in again.files] == [(0, 0, 2)] * 3
    assert content_hash(engine) == before
    with engine.connect() as conn:
        batches = conn.execute(select(ImportBatch.batch_id, ImportBatch.rows_read)).all()
    assert len(batches) == 2 and all(r.rows_read == 6 for r in batches)


def test_update_by_key_and_leading_zeros(engine: Engine, tmp_path: Path) -> None:
    base_loaded(engine, tmp_path)
    changed = {
        "clients.csv": "client_id,name,opened_on,closed_on\n"
        "0000001,王芳,2019-01-01,2026-09-30\n"  # closed: an update
        "1,新客户,2026-01-01,\n"  # `1` is not `0000001`: a new client
        "0000002,刘洋,2019-02-01,\n"  # unchanged: absent optional columns keep stored values
    }
    report = load(engine, write(tmp_path / "upd", changed))
    f = file_report(report, "clients")
    assert (f.read, f.inserted, f.updated, f.unchanged, f.rejected) == (3, 1, 1, 1, 0)
    with engine.connect() as conn:
        rows = {
            r[0]: tuple(r[1:])
            for r in conn.execute(
                select(Client.client_id, Client.closed_on, Client.gender, Client.contact_cycle)
            )
        }
    assert rows == {
        "0000001": (dt.date(2026, 9, 30), "F", "monthly"),
        "0000002": (None, "M", "quarterly"),
        "1": (None, None, "quarterly"),  # the contract's default cycle
    }


def test_row_conservation_on_mixed_batch(engine: Engine, tmp_path: Path) -> None:
    files = dict(BASE)
    files["aum_monthly.csv"] = (
        "client_id,month,avg_daily_aum\n"
        "0000001,2026-08,3000000.00\n"
        '0000001,2026-09,"1,234.50"\n'
        "0000002,2026-09,-5\n"
        "0000003,2026-09,100\n"
        "0000002,2026-13,100\n"
    )
    report = load(engine, write(tmp_path / "in", files))
    for f in report.files:
        assert f.read == f.inserted + f.updated + f.unchanged + f.rejected, f.file
    assert report.exit_code == 1
    with engine.connect() as conn:
        stored = dict(conn.execute(select(AumMonthly.month, AumMonthly.avg_daily_aum)).all())
    assert stored == {
        dt.date(2026, 8, 1): Decimal("3000000.00"),
        dt.date(2026, 9, 1): Decimal("1234.50"),
    }


# --- every contract rule with a bad row ------------------------------------------------------

# (file, header, bad row, good row, (line, column, reason fragment)): the bad row on line 2, a
# good row after it on line 3 that must be kept.
RULE_CASES = [
    (
        "staff.csv",
        "staff_id,name,role,org_id",
        "000200,,planner,B01S01",
        "000201,钱,planner,B01S01",
        "name",
        "required value is empty",
    ),
    (
        "staff.csv",
        "staff_id,name,role,org_id",
        "000200,赵,planer,B01S01",
        "000201,钱,理财经理,B01S01",
        "role",
        "unknown value 'planer'; allowed: planner, advisor, head, director",
    ),
    (
        "staff.csv",
        "staff_id,name,role,org_id",
        "000200,赵,planner,B09",
        "000201,钱,planner,B01S01",
        "org_id",
        "unknown org_id 'B09'",
    ),
    (
        "org_units.csv",
        "org_id,name,kind,parent_id",
        "B02,x,region,",
        "B03,y,sub_branch,B01",
        "kind",
        "unknown value 'region'",
    ),
    (
        "org_units.csv",
        "org_id,name,kind,parent_id",
        "B02,x,sub_branch,B77",
        "B03,y,sub_branch,B01",
        "parent_id",
        "unknown org_id 'B77'",
    ),
    (
        "clients.csv",
        "client_id,name,opened_on",
        "0009,x,2025-02-30",
        "0010,ok,2025-01-01",
        "opened_on",
        "not a real calendar date",
    ),
    (
        "clients.csv",
        "client_id,name,opened_on",
        "0009,x,2027-01-01",
        "0010,ok,2025-01-01",
        "opened_on",
        "after the as-of date 2026-10-31",
    ),
    (
        "clients.csv",
        "client_id,name,opened_on",
        "0009,x,45123",
        "0010,ok,2025-01-01",
        "opened_on",
        "looks like an Excel serial date (2023-07-16)",
    ),
    (
        "clients.csv",
        "client_id,name,opened_on",
        "0009,x,2025/01/01",
        "0010,ok,2025-01-01",
        "opened_on",
        "is not a date in the form YYYY-MM-DD",
    ),
    (
        "clients.csv",
        "client_id,name,opened_on,contact_cycle",
        "0009,x,2025-01-01,weekly",
        "0010,ok,2025-01-01,",
        "contact_cycle",
        "allowed: monthly, bimonthly, quarterly",
    ),
    (
        "clients.csv",
        "client_id,name,opened_on,risk_level",
        "0009,x,2025-01-01,C6",
        "0010,ok,2025-01-01,C5",
        "risk_level",
        "allowed: C1, C2, C3, C4, C5",
    ),
    (
        "assignments.csv",
        "client_id,staff_id,role,start_on,end_on",
        "0000001,000123,primary,2025-05-01,2025-04-30",
        "0000002,000123,primary,2025-05-01,2027-01-01",
        "end_on",
        "end_on is before start_on",
    ),
    (
        "assignments.csv",
        "client_id,staff_id,role,start_on",
        "0000001,000999,primary,2025-05-01",
        "0000002,000123,primary,2025-05-01",
        "staff_id",
        "unknown staff_id '000999'",
    ),
    (
        "assignments.csv",
        "client_id,staff_id,role,start_on",
        "0000001,000123,main,2025-05-01",
        "0000002,000123,主客户经理,2025-05-01",
        "role",
        "allowed: primary, secondary, proxy",
    ),
    (
        "aum_monthly.csv",
        "client_id,month,avg_daily_aum",
        "0000001,2026-09,1.2万",
        "0000002,2026-09,100.00",
        "avg_daily_aum",
        "万/亿 are not accepted",
    ),
    (
        "aum_monthly.csv",
        "client_id,month,avg_daily_aum",
        "0000001,2026-09,¥100",
        '0000002,2026-09,"1,234.50"',
        "avg_daily_aum",
        "without a currency sign",
    ),
    (
        "aum_monthly.csv",
        "client_id,month,avg_daily_aum",
        "0000001,2026-09,-1",
        "0000002,2026-09,0",
        "avg_daily_aum",
        "negative",
    ),
    (
        "aum_monthly.csv",
        "client_id,month,avg_daily_aum",
        "0000001,2026-09,1.005",
        "0000002,2026-09,1.5",
        "avg_daily_aum",
        "more than 2 decimals",
    ),
    (
        "aum_monthly.csv",
        "client_id,month,avg_daily_aum",
        "0000001,2026-11,1",
        "0000002,2026-10,1",
        "month",
        "after the as-of date",
    ),
    (
        "aum_monthly.csv",
        "client_id,month,avg_daily_aum",
        "0000001,2026-9,1",
        "0000002,2026-09,1",
        "month",
        "form YYYY-MM",
    ),
    (
        "aum_monthly.csv",
        "client_id,month,avg_daily_aum",
        "0000001,2026-09,",
        "0000002,2026-09,1",
        "avg_daily_aum",
        "required value is empty",
    ),
    (
        "contacts.csv",
        "contact_id,client_id,staff_id,at,channel",
        "C1,0000001,000123,2026-01-01 10:00,fax",
        "C2,0000001,000123,2026-01-01 11:00,visit",
        "channel",
        "allowed: visit, phone, sms, email, wechat, event",
    ),
    (
        "contacts.csv",
        "contact_id,client_id,staff_id,at,channel",
        "C1,0000404,000123,2026-01-01 10:00,visit",
        "C2,0000001,000123,2026-01-01 11:00,visit",
        "client_id",
        "unknown client_id '0000404'",
    ),
    (
        "contacts.csv",
        "contact_id,client_id,staff_id,at,channel,purpose",
        "C1,0000001,000123,2026-01-01 10:00,visit,gossip",
        "C2,0000001,000123,2026-01-01 11:00,visit,care",
        "purpose",
        "allowed: care, feedback, reminder, notice, marketing, advice",
    ),
    (
        "requests.csv",
        "request_id,client_id,staff_id,received_at,acknowledged_at",
        "R1,0000001,000123,2026-01-02 10:00,2026-01-02 09:00",
        "R2,0000001,000123,2026-01-02 10:00,",
        "acknowledged_at",
        "acknowledged_at is before received_at",
    ),
    (
        "requests.csv",
        "request_id,client_id,staff_id,received_at,resolved_at",
        "R1,0000001,000123,2026-01-02 10:00,2026-01-01 10:00",
        "R2,0000001,000123,2026-01-02 10:00,2026-01-03 10:00",
        "resolved_at",
        "resolved_at is before received_at",
    ),
    (
        "needs.csv",
        "need_id,client_id,staff_id,at,kind",
        "N1,0000001,000123,2026-01-01 10:00,wish",
        "N2,0000001,000123,2026-01-01 10:00,need",
        "kind",
        "allowed: need, suggestion",
    ),
    (
        "plans.csv",
        "plan_id,client_id,staff_id,at,kind",
        "P1,0000001,000123,2026-01-01 25:00,plan",
        "P2,0000001,000123,2026-01-01 10:00,quarterly_report",
        "at",
        "not a real calendar date or time",
    ),
    (
        "archives.csv",
        "client_id,created_by,created_on",
        "0000001,000999,2026-01-01",
        "0000002,000123,2026-01-01",
        "created_by",
        "unknown staff_id '000999'",
    ),
    (
        "surveys.csv",
        "client_id,staff_id,at,score",
        "0000001,000123,2026-01-01 10:00,101",
        "0000002,000123,2026-01-01 10:00,99.5",
        "score",
        "outside 0..100",
    ),
    (
        "trainings.csv",
        "staff_id,course,period_start,hours_required,hours_done",
        "000123,合规,2026-01-01,0,1",
        "000124,合规,2026-01-01,8,9",
        "hours_required",
        "must be greater than 0",
    ),
    (
        "trainings.csv",
        "staff_id,course,period_start,hours_required,hours_done,score",
        "000123,合规,2026-01-01,8,1,-3",
        "000124,合规,2026-01-01,8,9,",
        "score",
        "negative",
    ),
    (
        "trainings.csv",
        "staff_id,course,period_start,hours_required,hours_done",
        "000123,合规,2026-01-01,8,-1",
        "000124,合规,2026-01-01,8,0",
        "hours_done",
        "negative",
    ),
    (
        "certificates.csv",
        "staff_id,name,obtained_on,expires_on",
        "000123,AFP,2027-01-01,",
        "000124,CFP,2026-01-01,2030-01-01",
        "obtained_on",
        "after the as-of date",
    ),
    (
        "rewards.csv",
        "staff_id,on,kind,points,reason",
        "000123,2026-01-01,bonus,1,x",
        "000124,2026-01-01,penalty,2,late",
        "kind",
        "allowed: reward, penalty",
    ),
    (
        "rewards.csv",
        "staff_id,on,kind,points,reason",
        "000123,2026-01-01,reward,0,x",
        "000124,2026-01-01,奖励,2,good",
        "points",
        "must be greater than 0",
    ),
    (
        "logins.csv",
        "staff_id,login_at,logout_at",
        "000123,2026-01-01 10:00,2026-01-01 09:00",
        "000124,2026-01-01 10:00,",
        "logout_at",
        "logout_at is before login_at",
    ),
    (
        "logins.csv",
        "staff_id,login_at,source",
        "000123,2026-01-01 10:00,pager",
        "000124,2026-01-01 10:00,web",
        "source",
        "allowed: web, mobile",
    ),
    (
        "info_updates.csv",
        "staff_id,client_id,at,field_group",
        "000123,0000001,2026-01-01 10:00,misc",
        "000124,0000001,2026-01-01 10:00,basic",
        "field_group",
        "allowed: basic, comprehensive, private",
    ),
    (
        "work_items.csv",
        "item_id,staff_id,kind,created_at,status",
        "W1,000123,activity,2026-01-01 10:00,done",
        "W2,000123,sms,2026-01-01 10:00,cancelled",
        "done_at",
        "status is done but done_at is empty",
    ),
    (
        "work_items.csv",
        "item_id,staff_id,kind,created_at,done_at,status",
        "W1,000123,activity,2026-01-02 10:00,2026-01-01 10:00,done",
        "W2,000123,sms,2026-01-01 10:00,2026-01-01 10:00,done",
        "done_at",
        "done_at is before created_at",
    ),
    (
        "work_items.csv",
        "item_id,staff_id,kind,created_at,status",
        "W1,000123,meeting,2026-01-01 10:00,open",
        "W2,000123,problem,2026-01-01 10:00,open",
        "kind",
        "allowed: activity, event, problem, opportunity, sms",
    ),
    (
        "work_items.csv",
        "item_id,staff_id,kind,created_at,status,amount",
        "W1,000123,opportunity,2026-01-01 10:00,open,-100",
        'W2,000123,opportunity,2026-01-01 10:00,open,"1,000,000.00"',
        "amount",
        "negative",
    ),
    (
        "work_items.csv",
        "item_id,staff_id,kind,created_at,due_at,status",
        "W1,000123,event,2026-11-01 00:00,2027-01-01,open",
        "W2,000123,event,2026-01-01 10:00,2027-01-01 09:00,open",
        "created_at",
        "after the as-of date",
    ),
    (
        "account_events.csv",
        "client_id,at,kind,amount",
        "0000001,2026-01-01 10:00,large_outflow,",
        "0000002,2026-01-01 10:00,large_outflow,500000",
        "amount",
        "large_outflow needs an amount greater than 0",
    ),
    (
        "account_events.csv",
        "client_id,at,kind",
        "0000001,2026-01-01 10:00,freeze",
        "0000002,2026-01-01,closure",
        "kind",
        "allowed: large_outflow, closure",
    ),
]


@pytest.mark.parametrize(
    ("name", "header", "bad", "good", "column", "fragment"),
    RULE_CASES,
    ids=[f"{c[0].removesuffix('.csv')}-{c[4]}-{i}" for i, c in enumerate(RULE_CASES)],
)
def test_contract_rule_rejects_row(
    engine: Engine,
    tmp_path: Path,
    name: str,
    header: str,
    bad: str,
    good: str,
    column: str,
    fragment: str,
) -> None:
    base_loaded(engine, tmp_path)
    report = load(engine, write(tmp_path / "bad", {name: f"{header}\n{bad}\n{good}\n"}))
    table = name.removesuffix(".csv")
    found = problems(report, table)
    assert [(p[0], p[1]) for p in found] == [(2, column)], found
    assert fragment in found[0][2], found
    f = file_report(report, table)
    # The good row after the bad one is kept: good rows of a batch are never lost.
    assert (f.read, f.rejected, f.inserted) == (2, 1, 1)
    assert report.exit_code == 1
    quarantine = Path(f.quarantine or "")
    assert quarantine.read_bytes().startswith(b"\xef\xbb\xbf")
    assert f"{name},2,{column}," in quarantine.read_text("utf-8-sig")


# --- hostile files ---------------------------------------------------------------------------


def _staff_rows(*rows: str, header: str = "staff_id,name,role,org_id") -> str:
    return header + "\n" + "".join(r + "\n" for r in rows)


def test_gbk_file_with_chinese_headers(engine: Engine, tmp_path: Path) -> None:
    base_loaded(engine, tmp_path)
    content = _staff_rows(
        "000300,周杰,理财经理,B01S01", "000301,吴敏,理财师,B01S01", header="员工号,姓名,岗位,机构号"
    )
    report = load(engine, write(tmp_path / "gbk", {"staff.csv": content.encode("gbk")}))
    f = file_report(report, "staff")
    assert (f.encoding, f.inserted, f.rejected) == ("gb18030", 2, 0)
    with engine.connect() as conn:
        names = dict(
            conn.execute(
                select(Staff.staff_id, Staff.name).where(Staff.staff_id.in_(["000300", "000301"]))
            ).all()
        )
        roles = set(
            conn.execute(
                select(Staff.role).where(Staff.staff_id.in_(["000300", "000301"]))
            ).scalars()
        )
    assert names == {"000300": "周杰", "000301": "吴敏"} and roles == {"planner", "advisor"}


def test_utf8_bom_and_crlf(engine: Engine, tmp_path: Path) -> None:
    base_loaded(engine, tmp_path)
    content = "\ufeffstaff_id,name,role,org_id\r\n000300,周杰,planner,B01S01\r\n"
    report = load(engine, write(tmp_path / "bom", {"staff.csv": content}))
    f = file_report(report, "staff")
    assert (f.encoding, f.inserted, f.rejected) == ("utf-8-sig", 1, 0)


def test_nul_byte_rejects_only_its_row(engine: Engine, tmp_path: Path) -> None:
    base_loaded(engine, tmp_path)
    content = _staff_rows("000300,周\x00杰,planner,B01S01", "000301,吴敏,planner,B01S01")
    report = load(engine, write(tmp_path / "nul", {"staff.csv": content}))
    assert problems(report, "staff") == [(2, "name", "contains a NUL byte")]
    assert file_report(report, "staff").inserted == 1


def test_truncated_multibyte_character(engine: Engine, tmp_path: Path) -> None:
    base_loaded(engine, tmp_path)
    good = _staff_rows(
        "000300,周杰,planner,B01S01", "000301,吴敏,planner,B01S01", "000302,郑爽,planner,B01S01"
    )
    data = good.encode("utf-8")
    cut = data.index("吴".encode()) + 1  # keep only the first byte of a 3-byte character
    data = data[:cut] + data[cut + 2 :]
    report = load(engine, write(tmp_path / "cut", {"staff.csv": data}))
    found = problems(report, "staff")
    assert [(line, reason) for line, _c, reason in found] == [
        (3, "invalid UTF-8 byte sequence (a truncated character?)")
    ]
    assert file_report(report, "staff").inserted == 2


def test_header_only_and_empty_files(engine: Engine, tmp_path: Path) -> None:
    base_loaded(engine, tmp_path)
    report = load(
        engine,
        write(tmp_path / "empty", {"staff.csv": "staff_id,name,role,org_id\n", "clients.csv": ""}),
    )
    staff = file_report(report, "staff")
    assert (staff.read, staff.inserted, staff.refused) == (0, 0, None)
    clients = file_report(report, "clients")
    assert clients.refused == "no header row: the file is empty"
    assert report.exit_code == 1


def test_ragged_rows(engine: Engine, tmp_path: Path) -> None:
    base_loaded(engine, tmp_path)
    content = _staff_rows(
        "000300,周杰,planner", "000301,吴敏,planner,B01S01,extra", "000302,郑爽,planner,B01S01"
    )
    report = load(engine, write(tmp_path / "ragged", {"staff.csv": content}))
    found = problems(report, "staff")
    assert [(p[0], p[2]) for p in found] == [
        (2, "3 fields where the header has 4"),
        (3, "5 fields where the header has 4"),
    ]
    assert file_report(report, "staff").inserted == 1


def test_newline_inside_quotes_reports_physical_lines(engine: Engine, tmp_path: Path) -> None:
    base_loaded(engine, tmp_path)
    content = 'staff_id,name,role,org_id\n000300,"周\n杰",planner,B01S01\n000301,吴敏,boss,B01S01\n'
    report = load(engine, write(tmp_path / "nl", {"staff.csv": content}))
    # The first record spans lines 2-3, so the bad record starts on physical line 4.
    assert [(p[0], p[1]) for p in problems(report, "staff")] == [(4, "role")]
    with engine.connect() as conn:
        assert (
            conn.execute(select(Staff.name).where(Staff.staff_id == "000300")).scalar() == "周\n杰"
        )


def test_unbalanced_quote(engine: Engine, tmp_path: Path) -> None:
    base_loaded(engine, tmp_path)
    content = 'staff_id,name,role,org_id\n000300,周杰,planner,B01S01\n000301,"吴敏,planner,B01S01\n000302,郑爽,planner,B01S01\n'
    report = load(engine, write(tmp_path / "quote", {"staff.csv": content}))
    found = problems(report, "staff")
    assert len(found) == 1 and found[0][0] == 3
    assert "unbalanced quote" in found[0][2] or "stray quote" in found[0][2]
    f = file_report(report, "staff")
    # The unclosed quote's line is rejected and the line after it is read as a row again
    # (it used to be swallowed): rows read = rows in the file = inserted + rejected.
    assert (f.read, f.inserted, f.rejected, report.exit_code) == (3, 2, 1, 1)


def test_duplicate_keys_within_file_and_against_database(engine: Engine, tmp_path: Path) -> None:
    base_loaded(engine, tmp_path)
    content = _staff_rows(
        "000123,张伟,planner,B01S01", "000300,周杰,planner,B01S01", "000300,周杰杰,advisor,B01S01"
    )
    report = load(engine, write(tmp_path / "dup", {"staff.csv": content}))
    assert problems(report, "staff") == [
        (4, "staff_id", "duplicate key (staff_id) = (000300), first on line 3")
    ]
    f = file_report(report, "staff")
    # 000123 is stored already with the same values: unchanged, not a duplicate.
    assert (f.inserted, f.updated, f.unchanged, f.rejected) == (1, 0, 1, 1)


def test_xlsx_with_several_sheets_and_serial_dates(engine: Engine, tmp_path: Path) -> None:
    base_loaded(engine, tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "clients"
    sheet.append(["客户号", "客户姓名", "建立关系日期", "出生日期"])
    sheet.append(["0000100", "孙丽", dt.date(2024, 3, 1), 25569])  # 25569 = 1970-01-01
    sheet.append(["0000101", "马超", "2024-03-02", None])
    notes = book.create_sheet("说明")
    notes.append(["这是说明页"])
    folder = tmp_path / "xlsx"
    folder.mkdir()
    book.save(folder / "clients.xlsx")
    report = load(engine, folder)
    f = file_report(report, "clients")
    assert (f.inserted, f.rejected) == (2, 0)
    assert any("several sheets" in w for w in report.warnings)
    with engine.connect() as conn:
        rows = dict(
            conn.execute(
                select(Client.client_id, Client.birth_date).where(
                    Client.client_id.in_(["0000100", "0000101"])
                )
            ).all()
        )
    assert rows == {"0000100": dt.date(1970, 1, 1), "0000101": None}


def test_workbook_of_several_tables(engine: Engine, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    orgs = book.active
    orgs.title = "org_units"
    for row in (
        "org_id,name,kind,parent_id",
        "B01,杭州分行,branch,",
        "B01S01,上城支行,sub_branch,B01",
    ):
        orgs.append(row.split(","))
    staff = book.create_sheet("staff")
    for row in ("staff_id,name,role,org_id", "000123,张伟,planner,B01S01"):
        staff.append(row.split(","))
    folder = tmp_path / "book"
    folder.mkdir()
    book.save(folder / "crm_export.xlsx")
    report = load(engine, folder)
    assert [(f.table, f.inserted) for f in report.files] == [("org_units", 2), ("staff", 1)]
    assert report.files[1].file == "crm_export.xlsx[staff]"


def test_fake_xlsx_is_refused_with_reason(engine: Engine, tmp_path: Path) -> None:
    report = load(
        engine, write(tmp_path / "fake", {**BASE, "aum_monthly.xlsx": "client_id,month\n"})
    )
    f = file_report(report, "aum_monthly")
    assert f.refused is not None and "not a readable .xlsx workbook" in f.refused
    assert report.exit_code == 1 and file_report(report, "clients").inserted == 2


def test_file_over_size_limit(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 100)
    report = load(engine, write(tmp_path / "big", BASE))
    f = file_report(report, "clients")
    assert f.refused is not None and "over the 100-byte limit" in f.refused
    assert file_report(report, "org_units").inserted == 2


def test_missing_required_column_rejects_file_and_unknown_column_warns(
    engine: Engine, tmp_path: Path
) -> None:
    base_loaded(engine, tmp_path)
    files = {
        "staff.csv": "staff_id,name,org_id\n000300,周杰,B01S01\n",
        "clients.csv": "client_id,name,opened_on,wechat\n0000100,孙丽,2024-03-01,sl\n",
    }
    report = load(engine, write(tmp_path / "cols", files))
    assert file_report(report, "staff").refused == "missing required column(s): role"
    clients = file_report(report, "clients")
    assert clients.inserted == 1 and clients.warnings == ["unknown columns ignored: wechat"]


def test_all_or_nothing_rolls_back_everything(engine: Engine, tmp_path: Path) -> None:
    files = dict(BASE)
    files["aum_monthly.csv"] = (
        "client_id,month,avg_daily_aum\n0000001,2026-09,100\n0000002,2026-09,1.2万\n"
    )
    report = load(engine, write(tmp_path / "aon", files), all_or_nothing=True)
    assert not report.committed and report.exit_code == 2
    assert count(engine, OrgUnit) == 0 and count(engine, ImportBatch) == 0
    assert file_report(report, "aum_monthly").quarantine is not None


def test_rows_may_reference_rows_of_the_same_batch_in_any_file_order(
    engine: Engine, tmp_path: Path
) -> None:
    # Parent org listed after its child: the self-reference is checked against the whole batch.
    files = {
        "org_units.csv": "org_id,name,kind,parent_id\nB01S01,上城支行,sub_branch,B01\nB01,杭州分行,branch,\n"
    }
    report = load(engine, write(tmp_path / "order", files))
    assert report.exit_code == 0 and count(engine, OrgUnit) == 2


def test_no_contract_files_is_refused(engine: Engine, tmp_path: Path) -> None:
    folder = write(tmp_path / "none", {"readme.txt": "hello"})
    with pytest.raises(ImportRefused, match="no contract files found"):
        load(engine, folder)


def test_two_sources_for_one_table_is_refused(tmp_path: Path) -> None:
    folder = write(tmp_path / "two", {"staff.csv": BASE["staff.csv"]})
    book = openpyxl.Workbook()
    book.active.title = "staff"
    book.save(folder / "staff.xlsx")
    with pytest.raises(ImportRefused, match="two sources for table staff"):
        find_sources(folder)


def test_import_sources_from_upload_bytes(engine: Engine, tmp_path: Path) -> None:
    from data.importer import sources_in_file

    found: list = []
    for name, content in BASE.items():
        sources, _ = sources_in_file(Path(name), content.encode())
        found.extend(sources)
    order = {t.name: i for i, t in enumerate(TABLES)}
    found.sort(key=lambda s: order[s.table.name])
    report = import_sources(engine, found, as_of=AS_OF, quarantine_root=tmp_path / "q")
    assert report.exit_code == 0 and count(engine, Client) == 2


def test_database_untouched_by_refused_file_encoding(engine: Engine, tmp_path: Path) -> None:
    base_loaded(engine, tmp_path)
    before = content_hash(engine)
    data = b"staff_id,name,role,org_id\n000300,\xff\xfe\xfa,planner,B01S01\n"
    report = load(engine, write(tmp_path / "enc", {"staff.csv": data}))
    f = file_report(report, "staff")
    assert f.refused == "encoding not recognised: the file is neither UTF-8 nor GB18030/GBK"
    assert content_hash(engine) == before


def test_settings_and_calendar_survive(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM settings")).scalar() == len(SETTINGS)
        assert (
            conn.execute(
                text(
                    "SELECT count(*) FROM calendar_days WHERE day = DATE '2025-10-01' AND NOT is_workday"
                )
            ).scalar()
            == 1
        )


def test_a_batch_whose_every_row_is_rejected_says_none_was_accepted(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, write(tmp_path / "in", BASE))
    bad = "staff_id,name,role,org_id,hired_on,left_on\n000999,赵六,janitor,B01S01,2020-01-01,\n"
    report = load(engine, write(tmp_path / "bad", {"staff.csv": bad}))
    assert (report.changed, report.accepted, report.rejected) == (0, 0, 1)
    assert report.summary() == "nothing changed: no row was accepted"
