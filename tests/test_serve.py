"""The launcher (`python -m ui.serve`): what it loads before the first visitor."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from ui import serve


def test_imported_modules_reads_top_level_imports(tmp_path: Path) -> None:
    script = tmp_path / "page.py"
    script.write_text(
        textwrap.dedent(
            """
            from __future__ import annotations
            import pandas as pd
            from ui import charts, state
            from ui.i18n import t
            from . import sibling

            def later() -> None:
                import vl_convert  # inside a function: loaded when called, not preloaded
            """
        ),
        encoding="utf-8",
    )
    assert serve.imported_modules(script) == [
        "pandas",
        "ui",
        "ui.charts",
        "ui.state",
        "ui.i18n",
        "ui.i18n.t",
    ]


def test_preload_loads_what_the_pages_use() -> None:
    """In a fresh interpreter: after `preload()` the pages' heavy modules are loaded, and
    Streamlit's start-up warning about caches without a runtime is not printed."""
    code = (
        "import sys; from ui import serve; loaded = serve.preload();"
        "print(sorted({'pandas', 'altair', 'ui.charts', 'metrics.store.landing'} - set(sys.modules)));"
        "print('ui.i18n.t' in loaded, 'ui.charts' in loaded)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=serve.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.split("\n")[:2] == ["[]", "False True"]
    assert "No runtime found" not in done.stderr
