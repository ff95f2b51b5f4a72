"""Scope fails closed: every public function of the metrics package that takes an access scope
has no default for it and refuses to run without one, before it touches anything."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import metrics
from metrics.core.scope import ScopeRequired


def public_functions() -> Iterator[tuple[str, Callable[..., Any]]]:
    for info in pkgutil.walk_packages(metrics.__path__, "metrics."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn):
                continue
            if getattr(fn, "__module__", None) != info.name:
                continue  # imported from elsewhere: checked where it is defined
            yield f"{info.name}.{name}", fn


def scoped_functions() -> list[tuple[str, Callable[..., Any]]]:
    return [
        (name, fn)
        for name, fn in public_functions()
        if "scope" in inspect.signature(inspect.unwrap(fn)).parameters
    ]


def test_there_are_many_scoped_functions() -> None:
    names = {name for name, _ in scoped_functions()}
    # The tables, drill-through, lists, lookups, appraisal, snapshots and exports, at least.
    for expected in (
        "metrics.measures.tables.scorecard",
        "metrics.measures.tables.drill",
        "metrics.measures.lists.care_due",
        "metrics.measures.browse.client_book",
        "metrics.appraisal.scoring.appraise",
        "metrics.appraisal.snapshots.read",
        "metrics.exports.formats.export",
    ):
        assert expected in names
    assert len(names) >= 25


@pytest.mark.parametrize(
    "name,fn", scoped_functions(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_no_default_scope_and_refused_without_one(name: str, fn: Callable[..., Any]) -> None:
    parameter = inspect.signature(inspect.unwrap(fn)).parameters["scope"]
    assert parameter.default is inspect.Parameter.empty, f"{name} has a default scope"
    # Every other argument None: the refusal must come first, whatever else is wrong.
    arguments = {
        p.name: None
        for p in inspect.signature(inspect.unwrap(fn)).parameters.values()
        if p.default is inspect.Parameter.empty
        and p.kind is not p.VAR_POSITIONAL
        and p.kind is not p.VAR_KEYWORD
    }
    with pytest.raises(ScopeRequired):
        fn(**arguments)
    arguments.pop("scope")
    with pytest.raises(ScopeRequired):
        fn(**arguments)
