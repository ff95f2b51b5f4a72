"""The organisation: branches (one per city) and their sub-branches."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.demo.arrays import F64, I64, Rng
from data.demo.spec import ScaleSpec
from data.demo.vocabulary import CITIES, City


@dataclass(frozen=True)
class Orgs:
    ids: list[str]
    names: list[str]
    kinds: list[str]
    parents: list[str | None]
    branch_row: I64  # org row of each branch
    sb_row: I64  # org row of each sub-branch (sub-branches numbered across branches)
    sb_branch: I64  # branch of each sub-branch
    sb_weight: F64  # relative size of each sub-branch (clients and planners follow it)


def sub_branch_names(city: City, n: int) -> list[str]:
    """District names; when there are more sub-branches than districts, district + road."""
    nd, nr = len(city.districts), len(city.roads)
    if n <= nd:
        return [f"{d}支行" for d in city.districts[:n]]
    if n > nd * nr:
        raise ValueError(f"{city.name}: at most {nd * nr} sub-branch names")
    return [f"{city.districts[i % nd]}{city.roads[(i % nd + i // nd) % nr]}支行" for i in range(n)]


def build_orgs(rng: Rng, spec: ScaleSpec) -> Orgs:
    if spec.branches > len(CITIES):
        raise ValueError(f"at most {len(CITIES)} branches")
    ids: list[str] = []
    names: list[str] = []
    kinds: list[str] = []
    parents: list[str | None] = []
    branch_row, sb_row, sb_branch = [], [], []
    for b in range(spec.branches):
        city = CITIES[b]
        branch_id = f"B{b + 1:02d}"
        branch_row.append(len(ids))
        ids.append(branch_id)
        names.append(f"{city.name}分行")
        kinds.append("branch")
        parents.append(None)
        for s, name in enumerate(sub_branch_names(city, spec.sub_branches)):
            sb_row.append(len(ids))
            sb_branch.append(b)
            ids.append(f"{branch_id}S{s + 1:02d}")
            names.append(name)
            kinds.append("sub_branch")
            parents.append(branch_id)
    return Orgs(
        ids=ids,
        names=names,
        kinds=kinds,
        parents=parents,
        branch_row=np.array(branch_row, np.int64),
        sb_row=np.array(sb_row, np.int64),
        sb_branch=np.array(sb_branch, np.int64),
        sb_weight=rng.uniform(0.6, 1.4, len(sb_row)),
    )
