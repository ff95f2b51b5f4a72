"""Shared by the page tests: a DuckDB file with the `tiny` demo data and a director account, and
an AppTest of app.py signed in through the real form.

The database is built once per test session (about 2 s) and copied for each test module, so a
page test can write (an import, a setting) without disturbing another."""

from __future__ import annotations

import shutil
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
DIRECTOR = "director"
PASSWORD = "correct-horse-battery"
HEAD = "head1"
PLANNER = "planner1"
TIMEOUT = 60


def build_tiny_db(folder: Path) -> Path:
    """A migrated DuckDB file holding the tiny demo data and three accounts."""
    from data import accounts
    from data.db import upgrade
    from data.demo import DEMO_AS_OF, generate
    from data.engine import make_engine
    from data.importer import load_dir

    csv_dir = folder / "tiny"
    generate("tiny", csv_dir)
    path = folder / "tiny.duckdb"
    engine = make_engine(f"duckdb:///{path}")
    upgrade(engine)
    load_dir(engine, csv_dir, as_of=DEMO_AS_OF, quarantine_root=folder / "quarantine")
    with engine.begin() as conn:
        accounts.create_user(
            conn, DIRECTOR, "director", password=PASSWORD, display_name="周主任", may_unmask=False
        )
        accounts.create_user(conn, HEAD, "head", org_id="B01S01", password=PASSWORD)
        accounts.create_user(conn, PLANNER, "planner", staff_id="029504", password=PASSWORD)
    engine.dispose()
    return path


def copy_db(template: Path, folder: Path) -> str:
    path = folder / "app.duckdb"
    shutil.copyfile(template, path)
    return f"duckdb:///{path}"


def signed_in(username: str = DIRECTOR, lang: str = "en", **choices: str) -> AppTest:
    """app.py after signing in through the form (WEALTH_DB_URL must point at the database).

    `choices` preset the sidebar (period_kind, period, scope_org) the way its widgets remember
    them; AppTest reruns a page without the entry point, so the sidebar is chosen up front."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["_keep_lang"] = lang
    for key, value in choices.items():
        at.session_state[f"_keep_{key}"] = value
    at.run()
    assert not at.exception, at.exception
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "_context" in at.session_state, f"{username} could not sign in"  # past the form
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def errors(at: AppTest) -> list[str]:
    """Error boxes and exceptions on the page (a page must never show either)."""
    return [e.value for e in at.exception] + [e.value for e in at.error]


def frame(at: AppTest, column: str) -> object:
    """The first table on the page with `column` (display-only tables carry no key in AppTest)."""
    for element in at.dataframe:
        value = element.value
        if column in getattr(value, "columns", []):
            return value
    raise AssertionError(f"no table with a {column!r} column")
