"""Start the dashboard: `python -m ui.serve [streamlit run options]`, e.g. `--server.port 8502`.

The same as `streamlit run app.py`, except that every module app.py and the pages import is
loaded before the server takes its first request (as `gunicorn --preload` does). Streamlit
imports a script's modules during the first run of the first session, so without this the first
person to open a freshly started dashboard waited for pandas, altair, SQLAlchemy and our own
modules (about 2.5 s on a 2-core machine) before the sign-in form appeared.
"""

from __future__ import annotations

import ast
import gc
import importlib
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"


def imported_modules(*scripts: Path) -> list[str]:
    """The modules the scripts import at their top level, in order, without repeats."""
    names: list[str] = []
    for script in scripts:
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module != "__future__"
                and not node.level
            ):
                names.append(node.module)
                # `from ui import charts` names submodules; `from ui.i18n import t` does not.
                names += [f"{node.module}.{alias.name}" for alias in node.names]
    return list(dict.fromkeys(names))


def preload() -> list[str]:
    """Import what app.py and every page import; the names that were modules."""
    # Each `st.cache_data` decorator checks its parameters against the runtime's cache storage,
    # which starts later, and says so; the caches themselves are created on first use, in it.
    # (Streamlit sets its loggers' levels when it creates them: import it first.)
    import streamlit.runtime.caching.cache_data_api  # noqa: F401

    cache_log = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = cache_log.level
    cache_log.setLevel(logging.ERROR)
    loaded = []
    try:
        for name in imported_modules(APP, *sorted((ROOT / "pages").glob("*.py"))):
            try:
                importlib.import_module(name)
            except ImportError:
                continue  # `from pkg import attribute`: the attribute is not a module
            loaded.append(name)
    finally:
        cache_log.setLevel(level)
    return loaded


def main() -> None:
    sys.path.insert(0, str(ROOT))
    preload()
    # What is loaded now lives as long as the process: keep it out of every later collection
    # (Python's full collections walk all tracked objects; the preloaded modules are ~90 % of
    # them). Streamlit's own collection after each run is turned off in .streamlit/config.toml.
    gc.freeze()
    from streamlit.web import cli

    from ui import auth_cookie, headers

    auth_cookie.install()  # the session cookie's endpoints (ui/auth_cookie.py)
    headers.install()  # Content-Security-Policy and friends on every response, in front

    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
