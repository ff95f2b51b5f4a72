"""Access scope: which staff and org units a user may see.

A scope is derived from the signed-in identity only (never from widgets or query parameters) and
is applied inside every metric query. `Scope.everything()` is the director's full view.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    # Org units whose subtree (the unit and every unit below it) is visible; None = all units.
    org_ids: frozenset[str] | None = None
    # Individual staff visible in addition to the subtrees (a planner sees only themself).
    staff_ids: frozenset[str] = frozenset()

    @classmethod
    def everything(cls) -> Scope:
        return cls(None, frozenset())

    @classmethod
    def org(cls, org_id: str) -> Scope:
        return cls(frozenset({org_id}), frozenset())

    @classmethod
    def staff(cls, staff_id: str) -> Scope:
        return cls(frozenset(), frozenset({staff_id}))

    @property
    def is_everything(self) -> bool:
        return self.org_ids is None

    def cache_key(self) -> str:
        """A stable string for cache keys (the scope must be part of every cache key)."""
        orgs = "*" if self.org_ids is None else ",".join(sorted(self.org_ids))
        return f"orgs={orgs};staff={','.join(sorted(self.staff_ids))}"
