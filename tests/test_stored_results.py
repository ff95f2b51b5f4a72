"""Stored results (metrics/results.py): a stored frame equals a fresh computation, is only served
for its own request, scope, code and data version, and a failure to store never fails a page;
the landing warm-up stores exactly what the Overview reads. Both backends."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Connection, Engine, func, select, update

from data.schema import StoredResult
from data.settings import load_settings, save_setting
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.measures import browse
from metrics.store import landing, results
from metrics.store.results import Request
from tests import supervision_data

PERIOD = Period.parse("2025-09")


@pytest.fixture
def db(engine: Engine) -> Engine:
    with engine.begin() as conn:
        supervision_data.insert_data(conn)
    return engine


def requests_of(scope: Scope) -> list[Request]:
    """Every kind of stored frame, at every level, with and without a metric subset."""
    wanted: list[Request] = []
    for level in ("staff", "sub_branch", "branch"):
        wanted.append(Request("scorecard", PERIOD.label(), level, scope))
        wanted.append(Request("supervision", PERIOD.label(), level, scope))
        wanted.append(Request("supervision", "2025Q3", level, scope, ("login_day_rate",)))
    for level in ("sub_branch", "branch"):
        wanted.append(Request("health", PERIOD.label(), level, scope))
        wanted.append(Request("health", PERIOD.prev().label(), level, scope, ("coverage",)))
    return wanted


def computed(engine: Engine, request: Request) -> pd.DataFrame:
    with engine.connect() as conn:
        return request.compute(conn, load_settings(conn))


def stored_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(StoredResult)).scalar_one())


def test_stored_frames_equal_fresh_computations(db: Engine) -> None:
    wanted = requests_of(Scope.everything())
    with db.connect() as conn:
        unit = str(browse.org_units(conn, Scope.everything()).iloc[0]["org_id"])
    wanted.append(Request.trend("branch", unit, Scope.everything(), PERIOD))
    for request in wanted:
        expected = computed(db, request)
        first = results.fetch(db, request)  # computed and stored
        second = results.fetch(db, request)  # read back from the store
        pd.testing.assert_frame_equal(first, expected, check_exact=True)
        pd.testing.assert_frame_equal(second, expected, check_exact=True)
        # Element types too: money stays Decimal, days stay dates (the pages format by type).
        for column in expected.columns:
            assert [type(v) for v in second[column]] == [type(v) for v in expected[column]], column
    assert stored_count(db) == len({r.key() for r in wanted})


def test_a_stored_frame_is_served_only_for_its_version(db: Engine) -> None:
    request = Request("scorecard", PERIOD.label(), "staff", Scope.everything())
    true_frame = results.fetch(db, request)
    # Replace the stored payload by another frame: the next read returns it, which shows the
    # figures come from the store and not from a new computation.
    marker = pd.DataFrame({"entity_id": ["stored"]})
    with db.begin() as conn:
        conn.execute(update(StoredResult).values(payload=results.encode(marker)))
    pd.testing.assert_frame_equal(results.fetch(db, request), marker)
    with db.connect() as conn:
        old_version = browse.data_version(conn)
    # A saved setting is a new data version: the frame is computed again, and the frames of the
    # old version are dropped when the new one is stored.
    with db.begin() as conn:
        save_setting(conn, "tier.black_gold", "2500000", user="test")
    fresh = results.fetch(db, request)
    pd.testing.assert_frame_equal(fresh, computed(db, request), check_exact=True)
    with db.connect() as conn:
        versions = {v for (v,) in conn.execute(select(StoredResult.data_version))}
    assert old_version not in versions and len(versions) == 1
    # The caller's version is only a hint: an old one finds nothing and the current one rules.
    pd.testing.assert_frame_equal(results.fetch(db, request, old_version), fresh)
    assert not true_frame.equals(marker)


def test_scopes_never_share_a_stored_frame(db: Engine) -> None:
    with db.connect() as conn:
        units = browse.org_units(conn, Scope.everything())
    sub_branch = str(units.loc[units["kind"] == "sub_branch", "org_id"].iloc[0])
    everything = Request("scorecard", PERIOD.label(), "staff", Scope.everything())
    narrow = Request("scorecard", PERIOD.label(), "staff", Scope.org(sub_branch))
    planner = Request("scorecard", PERIOD.label(), "staff", Scope.staff("P1"))
    assert len({everything.key(), narrow.key(), planner.key()}) == 3
    whole = results.fetch(db, everything)
    for request in (narrow, planner):
        part = results.fetch(db, request)
        pd.testing.assert_frame_equal(part, computed(db, request), check_exact=True)
        assert len(part) < len(whole)


def test_the_key_covers_request_and_code_version(monkeypatch: pytest.MonkeyPatch) -> None:
    base = Request("supervision", "2025-09", "staff", Scope.everything())
    variants = [
        Request("health", "2025-09", "staff", Scope.everything()),
        Request("supervision", "2025-08", "staff", Scope.everything()),
        Request("supervision", "2025-09", "sub_branch", Scope.everything()),
        Request("supervision", "2025-09", "staff", Scope.everything(), ("login_day_rate",)),
        Request("supervision", "2025-09", "staff", Scope.org("B1")),
    ]
    assert len({base.key(), *(v.key() for v in variants)}) == 1 + len(variants)
    before = base.key()
    monkeypatch.setattr(results, "CODE_VERSION", "another release")
    assert base.key() != before
    # A quarter and its last month draw the same AUM trend.
    quarter = Request.trend("branch", "B1", Scope.everything(), Period.parse("2025Q3"))
    month = Request.trend("branch", "B1", Scope.everything(), Period.parse("2025-09"))
    assert quarter.key() == month.key()


def test_the_code_version_follows_the_metrics_and_data_sources(tmp_path: Path) -> None:
    # The real checkout's sources, not an empty list of files.
    assert results.CODE_VERSION == results._code_version()
    assert results.CODE_VERSION != hashlib.sha256().hexdigest()[:16]
    for folder in ("metrics", "data", "ui"):
        (tmp_path / folder).mkdir()
    (tmp_path / "metrics" / "kpi.py").write_text("RATE = 1\n")
    (tmp_path / "data" / "load.py").write_text("ROWS = 1\n")
    before = results._code_version(tmp_path)
    (tmp_path / "ui" / "page.py").write_text("TITLE = 'x'\n")  # not a frame's source
    assert results._code_version(tmp_path) == before
    (tmp_path / "metrics" / "kpi.py").write_text("RATE = 2\n")  # a changed definition
    changed = results._code_version(tmp_path)
    assert changed != before
    (tmp_path / "data" / "new.py").write_text("")  # a new module
    assert results._code_version(tmp_path) != changed
    with pytest.raises(RuntimeError):
        results._code_version(tmp_path / "ui")


def test_a_failed_store_loses_nothing(db: Engine) -> None:
    request = Request("health", PERIOD.label(), "sub_branch", Scope.everything())
    frame = results.fetch(db, request)
    # A store that fails (here: no version) rolls back whole: the stored frames stay readable.
    assert results.store(db, "k", None, pd.DataFrame({"a": [1]}), 0.1) is False  # type: ignore[arg-type]
    assert stored_count(db) == 1
    pd.testing.assert_frame_equal(results.fetch(db, request), frame, check_exact=True)


def test_an_unreadable_stored_frame_is_computed_again(db: Engine) -> None:
    request = Request("supervision", PERIOD.label(), "sub_branch", Scope.everything())
    results.fetch(db, request)
    with db.begin() as conn:
        conn.execute(update(StoredResult).values(payload=b"not a frame"))
    pd.testing.assert_frame_equal(
        results.fetch(db, request), computed(db, request), check_exact=True
    )


def test_warm_stores_the_landing_overview_then_the_first_pages(db: Engine) -> None:
    landing_wanted = landing.landing_requests(db)
    with db.connect() as conn:
        top = browse.org_units(conn, Scope.everything()).iloc[0]
        months = browse.complete_periods(conn, "month")
        first = str(browse.staff_list(conn, Scope.org(str(top["org_id"])))["staff_id"].iloc[0])
    month = months[0]
    assert landing_wanted == landing.overview_requests(
        "branch", str(top["org_id"]), Scope.org(str(top["org_id"])), month
    )
    wanted = landing.monday_requests(db)
    # The Overview first, then Scorecards' comparison, then the first planner's page.
    assert wanted[: len(landing_wanted)] == landing_wanted
    compared = landing.compared_with(month, months)
    assert compared is not None and compared != month
    assert Request("scorecard", compared.label(), "branch", Scope.org(str(top["org_id"]))) in wanted
    planner = [r for r in wanted if r.scope == Scope.staff(first)]
    assert {r.kind for r in planner} == {"scorecard", "supervision"}
    assert len(wanted) == len(set(wanted))
    frames, _seconds = landing.warm(db)
    assert frames == len(wanted)
    with db.connect() as conn:
        keys = {k for (k,) in conn.execute(select(StoredResult.result_key))}
        assert results.count(conn) == len(keys)
    assert keys == {r.key() for r in wanted}


def test_warm_stops_after_the_landing_overview_when_its_budget_is_spent(db: Engine) -> None:
    frames, _seconds = landing.warm(db, budget=0.0)
    landing_wanted = landing.landing_requests(db)
    # The landing Overview is always prepared in full; with no time left, one more frame at most.
    assert len(landing_wanted) <= frames <= len(landing_wanted) + 1
    with db.connect() as conn:
        keys = {k for (k,) in conn.execute(select(StoredResult.result_key))}
    assert {r.key() for r in landing_wanted} <= keys


def test_warm_on_an_empty_database_does_nothing(engine: Engine) -> None:
    assert landing.landing_requests(engine) == []
    assert landing.warm(engine)[0] == 0


def test_stored_at_is_recorded(db: Engine) -> None:
    results.fetch(db, Request("scorecard", PERIOD.label(), "branch", Scope.everything()))
    with db.connect() as conn:
        at, seconds = conn.execute(select(StoredResult.computed_at, StoredResult.seconds)).one()
    assert abs(at - dt.datetime.now()) < dt.timedelta(minutes=5) and seconds >= 0


def counted_compute(
    monkeypatch: pytest.MonkeyPatch, fail_first: bool = False
) -> tuple[list[int], threading.Event, threading.Event]:
    """Count the computations of every request: (calls, started, release). The first one sets
    `started` and waits for `release` (then fails, with `fail_first`), so that other callers can
    queue behind it."""
    calls: list[int] = []
    started = threading.Event()
    release = threading.Event()
    lock = threading.Lock()
    original = Request.compute

    def compute(self: Request, conn: Connection, settings: dict[str, Decimal]) -> pd.DataFrame:
        with lock:
            calls.append(len(calls) + 1)
            first = len(calls) == 1
        if first:
            started.set()
            assert release.wait(30), "the test never released the first computation"
            if fail_first:
                raise RuntimeError("the first computation fails")
        return original(self, conn, settings)

    monkeypatch.setattr(Request, "compute", compute)
    return calls, started, release


def test_callers_asking_at_once_share_one_computation(
    db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = Request("scorecard", PERIOD.label(), "staff", Scope.everything())
    expected = computed(db, request)
    calls, _started, release = counted_compute(monkeypatch)
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(results.fetch, db, request) for _ in range(8)]
        # The first caller computes (held here); the seven others queue behind it.
        assert results.waiting_for(db, request, None, 7)
        release.set()
        frames = [f.result(timeout=60) for f in futures]
    assert len(calls) == 1
    for frame in frames:
        pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    # Each caller has a frame of its own: one caller's change is not another's.
    frames[1].loc[0, "name"] = "changed"
    assert frames[2].loc[0, "name"] == expected.loc[0, "name"]
    assert stored_count(db) == 1


def test_a_failed_computation_is_not_handed_to_the_waiting_callers(
    db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = Request("supervision", PERIOD.label(), "staff", Scope.everything())
    expected = computed(db, request)
    calls, _started, release = counted_compute(monkeypatch, fail_first=True)
    with ThreadPoolExecutor(max_workers=5) as pool:
        futures = [pool.submit(results.fetch, db, request) for _ in range(5)]
        assert results.waiting_for(db, request, None, 4)
        release.set()
        outcomes = [f.exception(timeout=60) or f.result() for f in futures]
    failed = [o for o in outcomes if isinstance(o, Exception)]
    assert [str(e) for e in failed] == ["the first computation fails"]
    served = [o for o in outcomes if isinstance(o, pd.DataFrame)]
    assert len(served) == 4
    for frame in served:
        pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    # The failed one, then one more for all four waiting callers.
    assert len(calls) == 2


def test_different_requests_do_not_wait_for_each_other(
    db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = Request("scorecard", PERIOD.label(), "staff", Scope.everything())
    other = Request("scorecard", PERIOD.label(), "branch", Scope.everything())
    calls, started, release = counted_compute(monkeypatch)
    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(results.fetch, db, held)
        assert started.wait(30)
        # While the first computation is held, another request is computed and returned.
        second = results.fetch(db, other)
        assert not first.done()
        release.set()
        first.result(timeout=60)
    assert len(second) and len(calls) == 2
