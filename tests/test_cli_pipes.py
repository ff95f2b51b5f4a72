"""A command whose reader goes away (`... | head -1`) stops quietly, without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A command that writes far more than a pipe buffer holds (64 KiB), as a head office's table does.
WRITER = (
    "import sys\n"
    "from data.pipes import run_quietly_on_broken_pipe\n"
    "def main():\n"
    "    for i in range(200_000):\n"
    "        sys.stdout.write(f'{i:06d},row,with,some,columns\\n')\n"
    "    return 0\n"
    "sys.exit(run_quietly_on_broken_pipe(main))\n"
)


def test_output_into_a_closed_pipe_stops_quietly() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline() == b"000000,row,with,some,columns\n"
    proc.stdout.close()  # the reader goes away, like `| head -1`
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert err == ""
