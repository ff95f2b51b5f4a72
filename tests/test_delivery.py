"""Scheduled packs and alerts (issue 15): each recipient gets what that recipient may see, once per
due period, through a real SMTP server on loopback (aiosmtpd) or a folder; failures are retried."""

from __future__ import annotations

import csv
import datetime as dt
import email
import io
import socket
import subprocess
import sys
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, select

from data.accounts import create_user
from data.schema import AuditEvent, Delivery
from metrics.core.access import scope_for_username
from metrics.core.values import is_null
from metrics.delivery import subscriptions as subs
from metrics.delivery.content import latest
from metrics.delivery.run import deliver_due
from metrics.delivery.transport import Folder, Smtp
from metrics.measures import tables
from tests.golden_data import STAFF, insert_golden

BOOK_ROLES = ("planner", "advisor")

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2025, 10, 6)  # a Monday


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def golden(engine: Engine) -> Engine:
    with engine.begin() as conn:
        insert_golden(conn)
        create_user(conn, "dir", "director", password=None, email="dir@bank.cn")
        create_user(conn, "h1", "head", org_id="SB1", password=None, email="h1@bank.cn")
        create_user(conn, "p3", "planner", staff_id="P3", password=None, email="p3@bank.cn")
    return engine


def attachment_rows(message: Message) -> list[dict[str, str]]:
    for part in message.walk():
        if part.get_filename():
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"))))
    raise AssertionError("no attachment")


def subscribe_all_to_scorecards(engine: Engine) -> None:
    with engine.begin() as conn:
        for user in ("dir", "h1", "p3"):
            # The director subscribes everyone: each still gets only what they may see.
            subs.add(conn, actor="dir", actor_role="director", recipient=user, kind="pack",
                     target={"pack": "scorecard", "level": "staff"}, frequency="weekly",
                     fmt="csv")  # fmt: skip


def test_each_recipient_gets_exactly_their_rows_once(
    golden: Engine, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    subscribe_all_to_scorecards(golden)
    transport = Smtp(f"smtp://127.0.0.1:{port}", "dashboard@bank.cn")
    outcomes = deliver_due(golden, transport, TODAY)
    assert [o.status for o in outcomes] == ["sent"] * 3
    by_to = {m["To"]: m for m in inbox.messages}
    assert set(by_to) == {"dir@bank.cn", "h1@bank.cn", "p3@bank.cn"}
    with golden.connect() as conn:
        period = latest(conn, "month")
        for user, address in (("dir", "dir@bank.cn"), ("h1", "h1@bank.cn"), ("p3", "p3@bank.cn")):
            expected = tables.scorecard(conn, period, "staff", scope_for_username(conn, user))
            rows = attachment_rows(by_to[address])
            assert [r["entity_id"] for r in rows] == list(expected["entity_id"]), user
    assert [r["entity_id"] for r in attachment_rows(by_to["p3@bank.cn"])] == ["P3"]
    # Independently of the metrics: the head of SB1 gets the planners and advisors of SB1.
    sb1 = {s["staff_id"] for s in STAFF if s["org_id"] == "SB1" and s["role"] in BOOK_ROLES}
    assert {r["entity_id"] for r in attachment_rows(by_to["h1@bank.cn"])} == sb1
    # A second run in the same week sends nothing new; the next week sends again.
    again = deliver_due(golden, transport, TODAY + dt.timedelta(days=3))
    assert [o.status for o in again] == ["skipped"] * 3 and len(inbox.messages) == 3
    deliver_due(golden, transport, TODAY + dt.timedelta(days=7))
    assert len(inbox.messages) == 6
    with golden.connect() as conn:
        actions = conn.execute(select(AuditEvent.action)).scalars().all()
    assert actions.count("deliver") == 6 and actions.count("subscribe") == 3


def test_a_failing_server_is_retried_at_the_next_run(
    golden: Engine, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    subscribe_all_to_scorecards(golden)
    down = Smtp(f"smtp://127.0.0.1:{free_port()}", "dashboard@bank.cn")  # nobody listens
    failed = deliver_due(golden, down, TODAY)
    assert [o.status for o in failed] == ["failed"] * 3
    assert all("SMTP 127.0.0.1" in o.detail for o in failed)
    up = Smtp(f"smtp://127.0.0.1:{port}", "dashboard@bank.cn")
    assert [o.status for o in deliver_due(golden, up, TODAY)] == ["sent"] * 3
    assert len(inbox.messages) == 3
    with golden.connect() as conn:
        statuses = sorted(conn.execute(select(Delivery.status)).scalars())
    assert statuses == ["failed"] * 3 + ["sent"] * 3


def test_an_alert_is_sent_when_its_condition_becomes_true_not_at_every_run(
    golden: Engine, tmp_path: Path
) -> None:
    with golden.begin() as conn:
        # Every planner of the branch has a login-day rate below 2 (100%): true for each.
        subs.add(conn, actor="h1", actor_role="head", recipient="h1", kind="alert",
                 target={"alert": "threshold", "metric": "login_day_rate", "op": "<",
                         "value": "2", "level": "staff"}, frequency="daily")  # fmt: skip
        period = latest(conn, "month")
        expected = tables.supervision(
            conn, period, "staff", scope_for_username(conn, "h1"), metrics=["login_day_rate"]
        )
    figures = zip(expected["entity_id"], expected["login_day_rate"], strict=True)
    expected_ids = sorted(e for e, v in figures if not is_null(v) and v < 2)
    folder = Folder(str(tmp_path))
    first = deliver_due(golden, folder, TODAY)
    assert first[0].status == "sent" and first[0].detail.startswith(f"{len(expected_ids)} new")
    text = next((tmp_path / "h1").glob("*.txt")).read_text(encoding="utf-8")
    assert [line.split(":")[0] for line in text.splitlines()[2:]] == expected_ids
    # The next day the same conditions hold: nothing new is sent.
    second = deliver_due(golden, folder, TODAY + dt.timedelta(days=1))
    assert second[0].status == "nothing"


def test_who_may_subscribe_whom(golden: Engine) -> None:
    with golden.begin() as conn:
        with pytest.raises(subs.SubscriptionError, match="only a director"):
            subs.add(conn, actor="p3", actor_role="planner", recipient="h1", kind="pack",
                     target={"pack": "scorecard"}, frequency="daily", fmt="csv")  # fmt: skip
        with pytest.raises(subs.SubscriptionError, match="unknown metric"):
            subs.add(conn, actor="p3", actor_role="planner", recipient="p3", kind="alert",
                     target={"alert": "threshold", "metric": "nope", "op": "<", "value": 1},
                     frequency="daily")  # fmt: skip
        mine = subs.add(conn, actor="p3", actor_role="planner", recipient="p3", kind="pack",
                        target={"pack": "scorecard"}, frequency="monthly", fmt="xlsx")  # fmt: skip
        with pytest.raises(subs.SubscriptionError, match="only the recipient or a director"):
            subs.cancel(conn, mine.subscription_id, actor="h1", actor_role="head")
        subs.cancel(conn, mine.subscription_id, actor="p3", actor_role="planner")
        assert subs.active(conn, "p3") == []


def test_command_line_subscribe_and_deliver_to_a_folder(tmp_path: Path) -> None:
    from data.db import upgrade
    from data.engine import make_engine

    url = f"duckdb:///{tmp_path / 'd.duckdb'}"
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        insert_golden(conn)
        create_user(conn, "p3", "planner", staff_id="P3", password=None, email="p3@bank.cn")
    engine.dispose()

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        import os

        return subprocess.run(
            [sys.executable, "-m", "metrics", *args, "--db", url], cwd=ROOT, text=True,
            capture_output=True, env={**os.environ, **(env or {})},
        )  # fmt: skip

    made = run("subscribe", "--as", "p3", "--to", "p3", "--pack", "register", "--format", "csv",
               "--every", "daily")  # fmt: skip
    assert made.returncode == 0, made.stderr
    refused = run("subscribe", "--as", "p3", "--to", "dir", "--pack", "scorecard",
                  "--format", "csv", "--every", "daily")  # fmt: skip
    assert refused.returncode == 2 and "only a director" in refused.stderr
    out = tmp_path / "out"
    env = {"WEALTH_DELIVERY_DIR": str(out)}
    first = run("deliver", "--due", "--today", "2025-10-06", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("sent\tp3\tcompliance register")
    assert sorted(p.suffix for p in (out / "p3").iterdir()) == [".csv", ".txt"]
    second = run("deliver", "--due", "--today", "2025-10-06", env=env)
    assert second.stdout.startswith("skipped\tp3")
    nowhere = run("deliver", "--due", env={"WEALTH_DELIVERY_DIR": "", "WEALTH_SMTP_URL": ""})
    assert nowhere.returncode == 2 and "WEALTH_SMTP_URL" in nowhere.stderr
