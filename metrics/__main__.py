"""`python -m metrics`: see metrics/cli.py and spec/cli.md."""

from metrics.cli import exit_with, main

if __name__ == "__main__":
    exit_with(main())
