"""`./run.sh` installs the requirements only when requirements.txt changed since the last install
(issue 13, item 13): run in a copy of the project whose `.venv/bin/python` records what it is
asked to do instead of doing it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.ui_support import ROOT

FAKE_PYTHON = """#!/bin/sh
echo "$*" >> "$(dirname "$0")/../../calls.log"
"""


def run(folder: Path) -> list[str]:
    log = folder / "calls.log"
    log.write_text("", encoding="utf-8")
    done = subprocess.run(
        ["bash", str(folder / "run.sh"), "--server.port", "1"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHON": "false"},  # a venv is never made: the fake one exists
    )
    assert done.returncode == 0, done.stderr
    return [line for line in log.read_text(encoding="utf-8").splitlines() if line]


def installs(calls: list[str]) -> int:
    return sum(1 for c in calls if c.startswith("-m pip install"))


def test_requirements_installed_only_when_changed(tmp_path: Path) -> None:
    shutil.copy(ROOT / "run.sh", tmp_path / "run.sh")
    shutil.copy(ROOT / "requirements.txt", tmp_path / "requirements.txt")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON, encoding="utf-8")
    python.chmod(0o755)

    first = run(tmp_path)
    assert installs(first) == 1, first  # no stamp yet: install
    assert first[-2:] == [
        "-m data first-start",
        "-m ui.serve --server.headless true --server.port 1",
    ]
    again = run(tmp_path)
    assert installs(again) == 0, again  # unchanged: a restart goes straight to the server
    assert again[-1].startswith("-m ui.serve")

    with (tmp_path / "requirements.txt").open("a", encoding="utf-8") as f:
        f.write("# a new pin\n")
    changed = run(tmp_path)
    assert installs(changed) == 1, changed
    assert installs(run(tmp_path)) == 0
