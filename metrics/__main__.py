"""`python -m metrics`: see metrics/cli.py and spec/cli.md."""

from data.pipes import run_quietly_on_broken_pipe
from metrics.cli.main import exit_with, main

if __name__ == "__main__":
    exit_with(run_quietly_on_broken_pipe(main))
