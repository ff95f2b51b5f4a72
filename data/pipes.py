"""Command-line output into a closed pipe (`python -m metrics scorecard ... | head`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def run_quietly_on_broken_pipe(main: Callable[[], int]) -> int:
    """Run `main`; when the reader of stdout goes away, stop quietly (as `cat` does), no
    traceback: the status is 141 like a shell's SIGPIPE death, which scripts already expect."""
    try:
        code = main()
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit: point it at /dev/null.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
