"""Schema and migrations: a database made by an older version is upgraded on start, data kept;
every setting is declared once and documented."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from data.db import alembic_config, head_revision, upgrade
from data.engine import make_engine, resolve_url
from data.schema import metadata
from data.settings import SETTINGS, defaults, load_settings, save_setting


def test_old_database_is_upgraded_with_its_data(tmp_path: Path) -> None:
    engine = make_engine(f"duckdb:///{tmp_path / 'old.duckdb'}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")  # what the first release created
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO org_units VALUES ('B01', '杭州分行', 'branch', NULL)"))
    assert "users" not in inspect(engine).get_table_names()
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables
    with engine.connect() as conn:
        head = ScriptDirectory.from_config(cfg).get_current_head()
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
        assert conn.execute(text("SELECT name FROM org_units")).scalar() == "杭州分行"


def test_head_read_from_the_files_is_alembics_head() -> None:
    """The start-up check reads the head without Alembic; it must agree with Alembic's."""
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_current_database_starts_without_alembic(tmp_path: Path) -> None:
    """A read-only command on an up-to-date database does not import Alembic (0.1 s of start-up)."""
    import subprocess
    import sys

    url = f"duckdb:///{tmp_path / 'current.duckdb'}"
    upgrade(make_engine(url))
    probe = (
        "import sys; from data.db import upgrade; from data.engine import make_engine; "
        f"upgrade(make_engine({url!r})); print('alembic' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_upgrade_is_idempotent(engine) -> None:  # noqa: ANN001
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM settings")).scalar() == len(SETTINGS)


def test_settings_defaults_round_trip(engine) -> None:  # noqa: ANN001
    with engine.begin() as conn:
        assert load_settings(conn) == defaults()
        save_setting(conn, "alert.followup_days", "10", user="director")
        assert load_settings(conn)["alert.followup_days"] == 10


def test_every_setting_is_declared_and_documented() -> None:
    import re

    root = Path(__file__).resolve().parents[1]
    spec = root.parent / "shared" / "spec"
    contract = (spec / "data-contract.md").read_text()
    section = contract.split("## Settings", 1)[1].split("\n\n", 2)[1]
    in_contract = set(re.findall(r"^\| `([a-z_.]+)`", section, flags=re.M))
    # lifecycle.md adds its own settings to the table.
    life_cycle = (
        (spec / "lifecycle.md").read_text().split("Settings (added to the settings table)")[1]
    )
    in_contract |= set(re.findall(r"^\| `([a-z_.]+)`", life_cycle.split("## ")[0], flags=re.M))
    assert len(in_contract) >= 17
    declared = {s.name for s in SETTINGS}
    assert in_contract - {"cycle.days"} <= declared
    assert {"cycle.days.monthly", "cycle.days.bimonthly", "cycle.days.quarterly"} <= declared
    readme = (root / "README.md").read_text()
    for spec in SETTINGS:
        assert spec.help.strip(), spec.name
        if spec.name not in in_contract and not spec.name.startswith("cycle.days."):
            # A setting the product adds beyond the contract is explained in the README.
            assert f"`{spec.name}`" in readme, spec.name


def test_url_resolution(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("WEALTH_DB_URL", raising=False)
    assert resolve_url().startswith("duckdb:///") and resolve_url().endswith("var/wealth.duckdb")
    monkeypatch.setenv("WEALTH_DB_URL", "postgresql://x@h/db")
    assert resolve_url() == "postgresql://x@h/db"
    assert resolve_url("duckdb:///a.duckdb") == "duckdb:///a.duckdb"


def test_calendar_range_error_is_clear() -> None:
    import pytest

    from data.calendar import CalendarRangeError, check_covered

    with pytest.raises(CalendarRangeError, match="covers 2004-2026; 2027-01-04 lies outside"):
        check_covered(dt.date(2027, 1, 4))


def test_an_engine_with_a_memory_limit_opens_every_connection_with_it(tmp_path: Path) -> None:
    # What `python -m data load` relies on: the figures it prepares after its commit run on
    # new connections (no pool), which must not take DuckDB's default of 80% of the memory.
    url = f"duckdb:///{tmp_path / 'bounded.duckdb'}"
    bounded = make_engine(url, memory_limit="300MB")
    limit = "SELECT current_setting('memory_limit')"
    for _ in range(2):  # each connection opens the file anew
        with bounded.connect() as conn:
            assert conn.execute(text(limit)).scalar() == "286.1 MiB"  # 300 MB in DuckDB's words
    bounded.dispose()
    plain = make_engine(url)
    with plain.connect() as conn:
        assert conn.execute(text(limit)).scalar() != "286.1 MiB"
    plain.dispose()
