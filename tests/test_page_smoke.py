"""Every page of every role, in both languages: no exception, no error box, a title, and every
table renders a missing value as "—" (the captions promise it; Streamlit's default is "None")."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from tests.ui_support import DIRECTOR, HEAD, PLANNER, errors, signed_in
from ui.tables import NULL_TEXT

ROOT = Path(__file__).resolve().parent.parent

PAGES = {
    DIRECTOR: [
        "overview",
        "scorecards",
        "planner",
        "supervision",
        "health",
        "compliance",
        "metrics",
        "schemes",
        "snapshots",
        "my_appraisal",
        "results",
        "subscriptions",
        "data",
        "settings",
        "audit",
        "users",
    ],
    HEAD: [
        "overview",
        "scorecards",
        "planner",
        "supervision",
        "health",
        "compliance",
        "metrics",
        "schemes",
        "snapshots",
        "my_appraisal",
        "results",
        "subscriptions",
    ],
    PLANNER: [
        "scorecards",
        "planner",
        "compliance",
        "metrics",
        "schemes",
        "my_appraisal",
        "subscriptions",
    ],
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("user", [DIRECTOR, HEAD, PLANNER])
def test_every_page(app_db: str, user: str, lang: str) -> None:
    at = signed_in(user, lang=lang, period_kind="quarter")
    for page in PAGES[user]:
        at.switch_page(f"pages/{page}.py").run()
        assert not errors(at), (page, errors(at))
        assert at.title, page
        for table in at.dataframe:
            assert table.proto.placeholder == NULL_TEXT, (page, table.key)


def test_no_page_relies_on_magic() -> None:
    """`.streamlit/config.toml` turns Streamlit's magic off (it costs a cold server time on every
    page's first open): a bare expression in a page would silently show nothing."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["magicEnabled"] is False
    bare = []
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        owners = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        docstrings = {
            id(node.body[0])
            for node in ast.walk(tree)
            if isinstance(node, owners) and ast.get_docstring(node, clean=False) is not None
        }
        bare += [
            f"{path.name}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Expr)
            and not isinstance(node.value, ast.Call | ast.Await | ast.Yield | ast.YieldFrom)
            and id(node) not in docstrings
        ]
    assert bare == []
