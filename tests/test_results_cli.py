"""`python -m metrics results publish | status` in a subprocess, on DuckDB and PostgreSQL: a head
publishes their sub-branch's results; statuses as the head (whole table) and as a planner (their
own row); every refusal is one line on stderr with exit 2 and nothing written."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Engine, func, select

from data.accounts import create_user
from data.schema import ResultPublication
from metrics.appraisal import cycle
from metrics.appraisal.cycle import Account
from metrics.appraisal.schemes import publish, save_draft
from tests.golden_data import insert_golden
from tests.test_appraisal import golden_scheme
from tests.test_metrics_cli import assert_refused, run


def publications(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(ResultPublication)).scalar_one()


def test_publish_and_status_as_the_account(engine: Engine, db_url: str) -> None:
    with engine.begin() as conn:
        insert_golden(conn)
        for name, role, org, staff in (("head1", "head", "SB1", None), ("head2", "head", "SB2", None),
                                       ("p1", "planner", None, "P1")):  # fmt: skip
            create_user(conn, name, role, org_id=org, staff_id=staff, password=None,
                        email=f"{name}@example.cn")  # fmt: skip
        stored = save_draft(conn, replace(golden_scheme(), org_id="SB1"), "head1")
        assert stored.scheme_id is not None
        scheme_id = publish(conn, stored.scheme_id, 1, "head1").scheme_id or ""
    base = ("--scheme", scheme_id, "--period", "2025Q3", "--db", db_url)

    assert_refused(run("results", "publish", *base), "give --as USERNAME")
    assert_refused(run("results", "publish", *base, "--as", "head2"), "own sub-branch")
    assert_refused(run("results", "publish", *base, "--as", "p1"), "only a sub-branch head")
    assert_refused(run("results", "status", *base, "--as", "head1"), "no published results")
    assert publications(engine) == 0

    done = run("results", "publish", *base, "--as", "head1")
    assert done.returncode == 0, done.stderr
    publication_id, snapshot_id, staff = done.stdout.strip().split("\t")
    assert staff == "2 staff"
    with engine.connect() as conn:
        stored_pub = cycle.find_publication(conn, scheme_id, "2025Q3")
    assert (stored_pub.publication_id, stored_pub.snapshot_id) == (publication_id, snapshot_id)
    assert_refused(run("results", "publish", *base, "--as", "head1"), "already published")
    assert publications(engine) == 1

    with engine.begin() as conn:
        cycle.acknowledge(conn, Account("p1", "planner", staff_id="P1"), publication_id)
    table = list(csv.reader(io.StringIO(run("results", "status", *base, "--as", "head1").stdout)))

    def rounded(total: str) -> str:
        return str(Decimal(total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    assert table[0] == ["staff_id", "name", "total", "rank", "grade", "status"]
    assert [(r[0], r[1], rounded(r[2]), r[3], r[4], r[5]) for r in table[1:]] == [
        ("P2", "经理二", "86.00", "1", "A", "published"),
        ("P1", "经理一", "20.00", "2", "B", "acknowledged"),
    ]
    own = run("results", "status", *base, "--as", "p1", "--format", "json")
    assert own.returncode == 0, own.stderr
    rows = json.loads(own.stdout)
    assert [(r["staff_id"], r["rank"], r["status"]) for r in rows] == [("P1", 2, "acknowledged")]
    assert_refused(run("results", "status", *base, "--as", "head2"), "own sub-branch")
