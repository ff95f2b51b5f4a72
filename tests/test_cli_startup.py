"""A read-only command starts fast (issue 11, item 7; docs/startup.md): `python -m metrics
scorecard|supervision|health|compliance` computes its table without pandas, the ORM or Alembic,
and writes exactly what the frame the dashboard uses would give."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from data.db import connect_current, upgrade
from data.engine import execute_without_pandas, make_engine
from data.settings import load_settings
from metrics.cli.main import DESCRIPTIVE, KINDS
from metrics.core.catalogue import BY_ID, ids_of
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.exports.text_formats import text_rows, write_csv, write_json
from metrics.measures import tables
from tests.golden_data import insert_golden

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "numpy", "pyarrow", "sqlalchemy.orm", "alembic", "openpyxl")
CASES = [
    (command, level, fmt)
    for command in ("scorecard", "supervision", "health", "compliance")
    for level in ("staff", "sub_branch", "branch")
    if not (command == "health" and level == "staff")
    for fmt in ("csv", "json")
]


@pytest.fixture(scope="module")
def golden_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"duckdb:///{tmp_path_factory.mktemp('startup') / 'golden.duckdb'}"
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        insert_golden(conn)
    engine.dispose()
    return url


def run_in_fresh_process(args: list[str]) -> tuple[str, list[str]]:
    """The command's stdout, and which heavy modules its process imported."""
    probe = (
        "import sys\n"
        "from metrics.cli.main import main\n"
        f"code = main({args!r})\n"
        f"print(code, *[m for m in {HEAVY!r} if m in sys.modules], file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=120,
    )
    code, *imported = out.stderr.strip().splitlines()[-1].split()
    assert code == "0", out.stderr
    return out.stdout, imported


def through_the_frame(url: str, command: str, level: str, period: str, fmt: str) -> str:
    """The table as the dashboard's frame gives it, written by the frame writer."""
    engine = make_engine(url)
    with engine.connect() as conn:
        compute = getattr(tables, command)
        frame = compute(conn, Period.parse(period), level, Scope.everything(), load_settings(conn))
    engine.dispose()
    kind = KINDS[command]
    columns = ["entity_id", *ids_of(kind), *(c for c in DESCRIPTIVE if c in frame.columns)]
    rows = text_rows(frame.sort_values("entity_id", kind="stable"), columns)
    out = io.StringIO()
    if fmt == "json":
        write_json(columns, rows, out, numeric=[c for c in columns if c in BY_ID])
    else:
        write_csv(columns, rows, out)
    return out.getvalue()


@pytest.mark.parametrize(("command", "level", "fmt"), CASES)
def test_a_table_command_writes_the_frames_figures_without_heavy_imports(
    golden_url: str, command: str, level: str, fmt: str
) -> None:
    period = "2025Q3" if level != "staff" else "2025-09"
    args = [command, "--period", period, "--level", level, "--format", fmt, "--db", golden_url]
    written, imported = run_in_fresh_process(args)
    assert imported == []
    assert written == through_the_frame(golden_url, command, level, period, fmt)
    assert len(written.splitlines()) > 1  # not only a header: the golden data have entities


def test_pandas_hidden_only_while_duckdb_binds(tmp_path: Path) -> None:
    """After a statement, pandas imports as usual, and DuckDB then sees pandas' NA again."""
    code = (
        "import sys, datetime\n"
        "from sqlalchemy import text\n"
        "from data.engine import execute_without_pandas, make_engine\n"
        f"engine = make_engine({'duckdb:///' + str(tmp_path / 'x.duckdb')!r})\n"
        "execute_without_pandas(engine)\n"
        "with engine.connect() as conn:\n"
        "    day = conn.execute(text('SELECT :d'), {'d': datetime.date(2025, 9, 30)}).scalar()\n"
        "    print(day, 'pandas' in sys.modules)\n"
        "    import pandas as pd\n"
        "    print(conn.execute(text('SELECT :v IS NULL'), {'v': pd.NA}).scalar())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["2025-09-30", "False", "True"]


def test_connect_current_migrates_an_old_database_first(tmp_path: Path) -> None:
    from alembic import command

    from data.db import alembic_config, head_revision

    engine = make_engine(f"duckdb:///{tmp_path / 'old.duckdb'}")
    execute_without_pandas(engine)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with connect_current(engine) as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert revision == head_revision()
        assert load_settings(conn)  # the settings table exists, with its defaults
    engine.dispose()
