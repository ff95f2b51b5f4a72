"""Every read of the facts goes to the facts store (issue 16): packs, snapshots, deliveries, the
sidebar's lists and the account checks show WEALTH_FACTS_URL's data, whatever the state store
holds.

Two DuckDB files: the facts file holds the golden data; the state file holds an older copy of the
same facts that differs where a person would see it (every org unit and staff name marked
"（旧）", every AUM doubled), as a state store that still holds the imported facts while Spark
reads the lake would after a correction. Each feature is run three ways: with the two stores,
on the facts file alone (one store, the reference) and on the state file alone (what the feature
showed before its reads were routed): the first must equal the second, and the second must differ
from the third, or the case proves nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pytest
from sqlalchemy import Engine, func, insert, select, text, update

from data import tables
from data.accounts import AccountError, assignable_staff, create_user
from data.db import upgrade
from data.engine import FACTS_ENV_VAR, facts_engine, make_engine
from data.settings import load_settings
from data.stores import MixedStoresError
from metrics.appraisal.schemes import publish, save_draft
from metrics.appraisal.snapshots import compare, read, take_appraisal, take_table
from metrics.core import sql
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.delivery import subscriptions as subs
from metrics.delivery.run import deliver_due
from metrics.delivery.transport import Folder
from metrics.exports.formats import export_snapshot
from metrics.measures import browse
from metrics.measures import tables as kpi_tables
from tests.golden_data import insert_golden
from tests.test_appraisal import golden_scheme

EVERYTHING = Scope.everything()
SEPTEMBER = Period.parse("2025-09")
OLD = "（旧）"
T = TypeVar("T")


@dataclass
class Stores:
    state: Engine
    facts: Engine
    monkeypatch: pytest.MonkeyPatch

    def three_ways(self, feature: Callable[[Engine], T]) -> tuple[T, T, T]:
        """(with two stores, the facts file alone, the state file alone)."""
        both = feature(self.state)
        alone = feature(self.facts)  # its own URL is the facts URL: one store
        with self.monkeypatch.context() as m:
            m.delenv(FACTS_ENV_VAR)
            before = feature(self.state)
        return both, alone, before


@pytest.fixture
def stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stores]:
    facts_url = f"duckdb:///{tmp_path / 'facts.duckdb'}"
    state = make_engine(f"duckdb:///{tmp_path / 'state.duckdb'}")
    facts = make_engine(facts_url)
    for engine in (state, facts):
        upgrade(engine)
        with engine.begin() as conn:
            insert_golden(conn)
    with state.begin() as conn:
        conn.execute(update(tables.org_units).values(name=tables.org_units.c.name + OLD))
        conn.execute(update(tables.staff).values(name=tables.staff.c.name + OLD))
        aum = tables.aum_monthly
        conn.execute(update(aum).values(avg_daily_aum=aum.c.avg_daily_aum * 2))
    with facts.begin() as conn:  # a planner the state's copy does not know yet
        conn.execute(
            insert(tables.staff).values(staff_id="P9", name="新人", role="planner", org_id="SB1")
        )
    monkeypatch.setenv(FACTS_ENV_VAR, facts_url)
    yield Stores(state, facts, monkeypatch)
    facts_engine(state).dispose()
    facts.dispose()
    state.dispose()


def test_the_sidebar_lists_and_a_book_are_the_facts(stores: Stores) -> None:
    def lists(engine: Engine) -> list[Any]:
        with engine.connect() as conn:
            return [
                browse.data_end(conn),
                browse.org_units(conn, EVERYTHING),
                browse.staff_list(conn, EVERYTHING),
                [p.label() for p in browse.complete_periods(conn, "quarter")],
                browse.client_book(conn, "P1", SEPTEMBER.end, EVERYTHING, load_settings(conn)),
            ]

    both, alone, before = stores.three_ways(lists)
    for shown, expected, old in zip(both, alone, before, strict=True):
        if isinstance(expected, pd.DataFrame):
            assert shown.equals(expected)
            assert not expected.equals(old)
        else:
            assert shown == expected
    units = both[1]
    assert "第一支行" in set(units["name"]) and not any(OLD in n for n in units["name"])
    assert "P9" in set(both[2]["staff_id"])


def test_a_snapshot_freezes_the_facts_and_is_kept_with_the_state(stores: Stores) -> None:
    def freeze(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        with engine.begin() as conn:
            record = take_table(conn, "scorecard", SEPTEMBER, "staff", EVERYTHING, "director")
        with engine.connect() as conn:
            head = read(conn, record.snapshot_id, Scope.org("SB1"))  # rows the head may see
            changes = compare(conn, record.snapshot_id, EVERYTHING)
        return record.frame, head.frame, changes

    (frame, head, changes), (expected, expected_head, _), (old, _, _) = stores.three_ways(freeze)
    assert frame.equals(expected) and not expected.equals(old)
    assert head.equals(expected_head) and "P9" in set(head["entity_id"])
    assert changes.empty  # today's figures are the facts too
    with stores.state.connect() as conn:  # the snapshots live with the state
        assert conn.execute(select(func.count()).select_from(tables.snapshots)).scalar_one() == 2
    with stores.facts.connect() as conn:  # the reference run's own one
        assert conn.execute(select(func.count()).select_from(tables.snapshots)).scalar_one() == 1


def test_a_pack_shows_the_facts(stores: Stores) -> None:
    def pack(engine: Engine) -> bytes:
        with engine.begin() as conn:
            record = take_table(conn, "scorecard", SEPTEMBER, "staff", EVERYTHING, "director")
            return export_snapshot(conn, record.snapshot_id, "csv", "director", EVERYTHING)

    both, alone, before = stores.three_ways(pack)
    assert both == alone and alone != before
    text_ = both.decode("utf-8-sig")
    # The units by name, and the trend's earlier periods computed now: from the facts.
    assert "第一支行" in text_ and OLD not in text_
    assert "trend_" in text_.splitlines()[0]


def test_an_appraisal_pack_shows_the_facts(stores: Stores) -> None:
    def pack(engine: Engine) -> bytes:
        with engine.begin() as conn:
            scheme = publish(conn, save_draft(conn, golden_scheme(), "d").scheme_id, 1, "d")
            record = take_appraisal(conn, scheme, Period.parse("2025Q3"), EVERYTHING, "director")
            return export_snapshot(conn, record.snapshot_id, "csv", "director", EVERYTHING)

    both, alone, before = stores.three_ways(pack)
    assert both == alone and alone != before
    assert b"P9" in both  # scored among the planners the facts know


def test_a_delivery_sends_the_facts(stores: Stores, tmp_path: Path) -> None:
    runs = iter(range(3))

    def deliver(engine: Engine) -> dict[str, bytes]:
        run = next(runs)
        head = f"h1-{run}"  # the state file holds the earlier runs' accounts too
        with engine.begin() as conn:
            create_user(conn, head, "head", org_id="SB1", password=None, email=f"{head}@bank.cn")
            subs.add(conn, actor=head, actor_role="head", recipient=head, kind="pack",
                     target={"pack": "scorecard", "level": "staff"}, frequency="weekly",
                     fmt="csv")  # fmt: skip
        folder = tmp_path / f"out{run}"
        outcomes = deliver_due(engine, Folder(str(folder)), dt.date(2025, 10, 6))
        # (The state file's earlier subscription is skipped: sent this week already.)
        assert [o.status for o in outcomes if o.username == head] == ["sent"], outcomes
        return {p.name: p.read_bytes() for p in folder.rglob("*.csv")}

    both, alone, before = stores.three_ways(deliver)
    assert both == alone and alone != before and len(both) == 1
    (sent,) = both.values()
    assert b"P9" in sent  # SB1's planners as the facts know them
    with stores.state.connect() as conn:  # the delivery log lives with the state
        assert conn.execute(select(func.count()).select_from(tables.deliveries)).scalar_one() == 2
    with stores.facts.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tables.deliveries)).scalar_one() == 1


def test_an_account_is_checked_against_the_facts(stores: Stores) -> None:
    with stores.state.begin() as conn:
        assert ("P9", "新人") in assignable_staff(conn, "planner")
        create_user(conn, "p9", "planner", staff_id="P9", password=None, email="p9@bank.cn")
    with stores.monkeypatch.context() as m, stores.state.begin() as conn:
        m.delenv(FACTS_ENV_VAR)
        with pytest.raises(AccountError, match="unknown staff id 'P9'"):
            create_user(conn, "p9b", "planner", staff_id="P9", password=None, email="p9b@bank.cn")


def test_a_kpi_table_asked_on_the_state_connection_is_the_facts(stores: Stores) -> None:
    def staff_table(engine: Engine) -> pd.DataFrame:
        with engine.connect() as conn:
            return kpi_tables.scorecard(conn, SEPTEMBER, "staff", EVERYTHING)

    both, alone, before = stores.three_ways(staff_table)
    assert both.equals(alone) and not alone.equals(before)


def test_one_statement_on_both_stores_is_refused_plainly(stores: Stores) -> None:
    mixed = select(tables.staff.c.staff_id).join(
        tables.users, tables.users.c.staff_id == tables.staff.c.staff_id
    )
    with stores.state.connect() as conn:
        with pytest.raises(MixedStoresError, match="staff.*users"):
            sql.rows(conn, mixed)
        assert sql.scalar(conn, text("SELECT 1")) == 1  # text: the state's
    with stores.monkeypatch.context() as m, stores.state.connect() as conn:
        m.delenv(FACTS_ENV_VAR)
        assert sql.rows(conn, mixed) == []  # one store: it runs


def test_the_dashboard_shows_the_facts_store(
    app_db: str, tiny_db_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a director meets it: the sidebar's units and the overview's staff are the facts
    store's, while the sign-in and the data version come from the state store."""
    from tests.ui_support import copy_db, errors, signed_in

    (tmp_path / "facts").mkdir()
    facts_url = copy_db(tiny_db_template, tmp_path / "facts")
    state = make_engine(app_db)
    with state.begin() as conn:
        conn.execute(update(tables.org_units).values(name=tables.org_units.c.name + OLD))
        conn.execute(update(tables.staff).values(name=tables.staff.c.name + OLD))
    monkeypatch.setenv(FACTS_ENV_VAR, facts_url)
    try:
        at = signed_in()  # lands on the overview
        assert not errors(at)
        units = at.selectbox(key="scope_org").options
        staff = set(at.dataframe(key="overview_staff").value["name"])
        assert units and staff
        assert not [n for n in [*units, *staff] if OLD in n]
    finally:
        facts_engine(state).dispose()
        state.dispose()
