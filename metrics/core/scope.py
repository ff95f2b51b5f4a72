"""Access scope: which staff and org units a user may see, and whether they see personal data.

A scope is derived from the signed-in identity only (`metrics.core.access`; never from widgets or
query parameters) and is applied inside every metric query. It fails closed: every public function
of the metrics package that returns figures or rows takes a scope with no default, and refuses
(`ScopeRequired`) to run without one (`@scoped`). `Scope.everything()` is the director's full view.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar


class ScopeRequired(TypeError):
    """A metrics function was called without an access scope."""


@dataclass(frozen=True)
class Scope:
    # Org units whose subtree (the unit and every unit below it) is visible; None = all units.
    org_ids: frozenset[str] | None = None
    # Individual staff visible in addition to the subtrees (a planner sees only themself).
    staff_ids: frozenset[str] = frozenset()
    # Client personal data (names, phones, birth dates) in clear; masked unless the account may
    # unmask (masking fails closed too).
    unmask: bool = False

    @classmethod
    def everything(cls, *, unmask: bool = False) -> Scope:
        return cls(None, frozenset(), unmask)

    @classmethod
    def org(cls, org_id: str, *, unmask: bool = False) -> Scope:
        return cls(frozenset({org_id}), frozenset(), unmask)

    @classmethod
    def staff(cls, staff_id: str, *, unmask: bool = False) -> Scope:
        return cls(frozenset(), frozenset({staff_id}), unmask)

    @property
    def is_everything(self) -> bool:
        return self.org_ids is None

    def narrowed(self, other: Scope) -> Scope:
        """`other`'s rows with this scope's right to personal data."""
        return replace(other, unmask=self.unmask)

    def cache_key(self) -> str:
        """A stable string for cache keys of anything the scope decides (the rows and whether
        personal data are masked); every cache key must contain it."""
        return self.rows_key() + (";unmask" if self.unmask else "")

    def rows_key(self) -> str:
        """Which rows the scope lets through, whatever it masks: the key of aggregate figures,
        which hold no personal data (stored results share them between a director who may
        unmask and the import's warm-up, which may not)."""
        orgs = "*" if self.org_ids is None else ",".join(sorted(self.org_ids))
        return f"orgs={orgs};staff={','.join(sorted(self.staff_ids))}"


F = TypeVar("F", bound=Callable[..., Any])


def scoped(fn: F) -> F:
    """Refuse a call whose `scope` argument is missing or not a `Scope` (fail closed), before
    anything else runs."""
    signature = inspect.signature(fn)
    parameter = signature.parameters["scope"]
    if parameter.default is not inspect.Parameter.empty:
        raise TypeError(f"{fn.__qualname__}: the scope must not have a default")

    @functools.wraps(fn)
    def check(*args: Any, **kwargs: Any) -> Any:
        try:
            bound = signature.bind_partial(*args, **kwargs)
        except TypeError as exc:
            raise ScopeRequired(f"{fn.__qualname__}: {exc}") from None
        scope = bound.arguments.get("scope")
        if not isinstance(scope, Scope):
            raise ScopeRequired(f"{fn.__qualname__} needs an access scope, got {scope!r}")
        return fn(*args, **kwargs)

    check.__scoped__ = True  # type: ignore[attr-defined]
    return check  # type: ignore[return-value]
