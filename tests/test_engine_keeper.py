"""The dashboard's DuckDB engine keeps the file open a few idle seconds (data/engine.py `_Keeper`),
then frees it for another process (a scheduled import). Real files, a real second process."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, text

from data.engine import _Keeper, keeper_of, make_engine

# Opens the file in another process without waiting: exit 0 if it could, 3 if it is locked.
OPEN_ELSEWHERE = """
import sys, duckdb
try:
    duckdb.connect(sys.argv[1]).close()
except Exception as exc:
    sys.exit(3 if "lock" in str(exc).lower() else 1)
"""


def other_process_can_open(path: Path) -> bool:
    code = subprocess.run([sys.executable, "-c", OPEN_ELSEWHERE, str(path)], timeout=60).returncode
    assert code in (0, 3), code
    return code == 0


def queried(path: Path, keep_open: float) -> tuple[Engine, _Keeper]:
    """A keeping engine on `path` that has run one query (and returned its connection)."""
    engine = make_engine(f"duckdb:///{path}", keep_open=keep_open)
    keeper = keeper_of(engine)
    assert keeper is not None
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return engine, keeper


def test_the_file_stays_open_while_in_use_and_is_freed_after(tmp_path: Path) -> None:
    path = tmp_path / "kept.duckdb"
    engine = make_engine(f"duckdb:///{path}", keep_open=60)
    keeper = keeper_of(engine)
    assert keeper is not None
    with engine.connect() as conn:
        conn.execute(text("CREATE TABLE t AS SELECT 1 AS x"))
        conn.commit()
    # Every connection has been returned, yet the spare holds the database instance (and so the
    # file: DuckDB lets one process write it) until the idle time runs out.
    assert keeper.spare is not None and keeper.timer is not None
    assert not other_process_can_open(path)
    with engine.connect() as conn:  # joins the open instance; the idle clock starts again
        assert conn.execute(text("SELECT x FROM t")).scalar() == 1
    keeper.release()  # what the idle timer does
    assert keeper.spare is None
    assert other_process_can_open(path)
    engine.dispose()


def test_the_idle_timer_releases_the_file(tmp_path: Path) -> None:
    path = tmp_path / "idle.duckdb"
    _engine, keeper = queried(path, 0.05)
    timer = keeper.timer
    assert timer is not None
    timer.join(timeout=30)  # the timer thread ends once it has released the spare
    assert keeper.spare is None
    assert other_process_can_open(path)


def test_dispose_releases_at_once_and_plain_engines_keep_nothing(tmp_path: Path) -> None:
    path = tmp_path / "dispose.duckdb"
    engine, _keeper = queried(path, 60)
    engine.dispose()
    assert other_process_can_open(path)
    plain = make_engine(f"duckdb:///{path}")
    assert keeper_of(plain) is None
    with plain.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert other_process_can_open(path)


def test_queries_move_the_deadline_without_a_timer_each(tmp_path: Path) -> None:
    """A page makes dozens of queries: each moves the idle deadline, one timer serves them all,
    the spare is never closed under a query, and it is closed once the deadline has passed.
    The timer's firing is called directly (no waiting on the clock)."""
    path = tmp_path / "deadline.duckdb"
    engine, keeper = queried(path, 60)
    first = keeper.timer
    assert first is not None
    for _ in range(20):
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    assert keeper.timer is first and keeper.in_use == 0
    first.cancel()  # from here on, the test fires the timer itself
    with engine.connect() as conn:
        assert keeper.in_use == 1
        keeper._expire()  # the timer fires while a query runs: nothing is closed
        assert keeper.spare is not None and keeper.timer is None
        assert conn.execute(text("SELECT 2")).scalar() == 2
    rearmed = keeper.timer  # the return armed it again
    assert rearmed is not None and keeper.due > time.monotonic() + 50
    rearmed.cancel()
    keeper._expire()  # fired early (the deadline moved since it was set): waits for the rest
    assert keeper.spare is not None and keeper.timer is not None
    keeper.timer.cancel()
    keeper.due = time.monotonic() - 1
    keeper._expire()  # the deadline has passed
    assert keeper.spare is None and keeper.timer is None
    assert other_process_can_open(path)
    engine.dispose()


def test_kept_files_are_closed_when_the_process_ends(tmp_path: Path) -> None:
    """A process that ends while a keeper holds its spare (a test run, a command) closes it in
    the main thread at exit: the file is free and nothing is left to a daemon timer thread,
    which would abort the process mid-finalisation."""
    from data.engine import close_at_exit

    path = tmp_path / "exit.duckdb"
    engine, keeper = queried(path, keep_open=60)
    assert keeper.spare is not None and keeper.timer is not None
    close_at_exit()
    assert keeper.spare is None and keeper.timer is None
    assert other_process_can_open(path)
    # The same at the end of a real process, with the spare still open: exit status 0.
    script = (
        "import sys; from sqlalchemy import text; from data.engine import make_engine\n"
        "e = make_engine(f'duckdb:///{sys.argv[1]}', keep_open=60)\n"
        "with e.connect() as c: c.execute(text('SELECT 1'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "p.duckdb")], timeout=120)
    assert done.returncode == 0
    engine.dispose()
