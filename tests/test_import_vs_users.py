"""A scheduled import gets the DuckDB file while people use the dashboard (issue 14, 7).

The simulated user is another process with the dashboard's kind of engine (it keeps the file
open a few idle seconds) that opens a "page" of queries every 0.3 s, faster than its keeping
time, as a director clicking through pages does. Before, its engine reopened the file on every
click and the import gave up after its wait; now the import's lock announces it, the user's
engine frees the file and says "import in progress", and answers again, with the new figures,
once the import has ended."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests import reliability
from tests.test_import_process import ROOT, run_cli, wait_for
from tests.test_importer import BASE, write

USER = """
import sys, time
from pathlib import Path
from sqlalchemy import text
from data.engine import ImportRunning, make_engine

url, stop = sys.argv[1], Path(sys.argv[2])
engine = make_engine(url, keep_open=3)
while not stop.exists():
    try:
        counts = set()
        for _ in range(5):  # a page's several queries
            with engine.connect() as conn:
                counts.add(conn.execute(text("SELECT count(*) FROM staff")).scalar())
        print("ok", *sorted(counts), flush=True)
    except ImportRunning as exc:
        print("aside", exc, flush=True)
    except Exception as exc:
        print("error", type(exc).__name__, str(exc).splitlines()[0], flush=True)
    time.sleep(0.3)  # the user's pace between clicks (what is simulated, not a synchronisation)
"""


def _read_until(user: subprocess.Popen[str], prefix: str, seen: list[str]) -> str:
    """The user's lines up to the first that starts with `prefix` (each line is a page visit,
    printed every 0.3 s, so this returns or the user process died)."""
    assert user.stdout is not None
    while True:
        line = user.stdout.readline()
        if not line:
            raise AssertionError(
                f"the user stopped: {seen[-5:]} {user.stderr.read() if user.stderr else ''}"
            )
        seen.append(line.strip())
        if line.startswith(prefix):
            return line.strip()


def _release(hold: Path) -> None:
    """Let a held importer go on; without a reader on the FIFO (the importer died before its
    hold point) there is nothing to release, and opening it must not block the test."""
    try:
        fd = os.open(hold, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return
    with os.fdopen(fd, "w") as fifo:
        fifo.write("go")


def test_an_import_gets_the_file_while_a_user_clicks(tmp_path: Path) -> None:
    db = f"duckdb:///{tmp_path / 'shared.duckdb'}"
    assert run_cli("load", str(write(tmp_path / "base", BASE)), "--db", db,
                   "--as-of", "2026-10-31").returncode == 0  # fmt: skip
    stop = tmp_path / "stop"
    user = subprocess.Popen(
        [sys.executable, "-c", USER, db, str(stop)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    seen: list[str] = []
    hold = tmp_path / "hold"
    os.mkfifo(hold)
    extra = BASE["staff.csv"] + "000125,赵敏,planner,B01S01,2022-01-01,\n"
    importer = None
    try:
        assert _read_until(user, "ok", seen) == "ok 2"
        importer = subprocess.Popen(
            [sys.executable, "-m", "data", "load", str(write(tmp_path / "next", {"staff.csv": extra})),
             "--db", db, "--as-of", "2026-10-31"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "WEALTH_IMPORT_HOLD": str(hold), "WEALTH_DB_LOCK_WAIT": "15"},
        )  # fmt: skip
        # The import reaches its hold point (just before its commit) only with the file in hand.
        wait_for(Path(str(hold) + ".ready"), importer)
        aside = _read_until(user, "aside", seen)
        assert aside.startswith("aside an import into ") and aside.endswith(
            "is in progress; figures refresh when it ends"
        )
    except BaseException:
        user.kill()
        if importer is not None:
            importer.kill()
        raise
    finally:
        _release(hold)
    assert importer is not None
    out, err = importer.communicate(timeout=120)
    assert importer.returncode == 0, err
    assert "committed batch" in out
    # Once the import has ended, the same user gets the new figures.
    assert _read_until(user, "ok 3", seen) == "ok 3"
    stop.touch()
    user.communicate(timeout=60)
    assert not [line for line in seen if line.startswith("error")], seen
    assert all(len(line.split()) == 2 for line in seen if line.startswith("ok")), seen
    # In order: the old figures, then standing aside, then the new ones; never a mix.
    kinds = [
        line.split()[0] + (" " + line.split()[1] if line.startswith("ok") else "") for line in seen
    ]
    first_aside, last_aside = kinds.index("aside"), len(kinds) - 1 - kinds[::-1].index("aside")
    assert set(kinds[:first_aside]) == {"ok 2"}
    assert set(kinds[first_aside : last_aside + 1]) <= {"aside", "ok 2"}
    assert set(kinds[last_aside + 1 :]) <= {"ok 2", "ok 3"} and kinds[-1] == "ok 3"
    reliability.record_case(
        "7", "a scheduled import while a simulated user opens a page every 0.3 s", "DuckDB",
        tried=len(seen), refused=kinds.count("aside"),
        test="test_import_vs_users.py (user: pages visited; refused: told an import runs)",
    )  # fmt: skip


HOLDER = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)  # what `python -m data load` holds for its whole batch
print("held", flush=True)
sys.stdin.readline()
"""


def test_the_dashboard_says_an_import_is_in_progress(app_db: str) -> None:
    """While another process imports, a signed-in director's next visit shows the sentence (in
    the language chosen), no error and no traceback; after the import, the page is back.
    The visit is a fresh run of app.py with the signed-in session (AppTest's own reruns skip the
    entry point, and the entry point re-reads the account from the database on every visit)."""
    from streamlit.testing.v1 import AppTest

    from tests.ui_support import APP, DIRECTOR, TIMEOUT, errors, signed_in

    session = signed_in(DIRECTOR, lang="zh", period_kind="quarter").session_state

    def visit() -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        for key in ("_wealth_session", "_keep_lang", "_keep_period_kind"):
            at.session_state[key] = session[key]
        return at.run()

    lock = app_db.removeprefix("duckdb:///") + ".import.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, lock], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        during = visit()
        assert errors(during) == []
        assert [i.value for i in during.info] == [
            "正在导入数据：导入结束后数据会自动刷新，请稍后再试。"
        ]
    finally:
        holder.communicate("done\n", timeout=60)
    after = visit()
    assert errors(after) == [] and not [i for i in after.info if "导入" in str(i.value)]
    assert "_context" in after.session_state  # past the sign-in, the page ran
