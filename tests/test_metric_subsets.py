"""`supervision(..., metrics=...)` and `health(..., metrics=...)` run only the statements the ids
need (the Overview's previous-period tiles); their figures must be the whole table's, both
backends."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine

from metrics.core.periods import Period
from metrics.measures import health as health_mod
from metrics.measures import supervision as supervision_mod
from tests import supervision_data


@pytest.fixture
def db(engine: Engine) -> Engine:
    with engine.begin() as conn:
        supervision_data.insert_data(conn)
    return engine


@pytest.mark.parametrize("period", ["2025-09", "2025Q3"])
def test_subsets_are_columns_of_the_whole_table(db: Engine, period: str) -> None:
    p = Period.parse(period)
    with db.connect() as conn:
        for level in ("staff", "sub_branch", "branch"):
            whole = supervision_mod.supervision(conn, p, level)
            for family, columns in supervision_mod.FAMILIES.items():
                part = supervision_mod.supervision(conn, p, level, metrics=[columns[0]])
                assert set(part.columns) == {
                    "entity_id",
                    *supervision_mod.DESCRIPTIVE,
                    *columns,
                }, family
                pd.testing.assert_frame_equal(part, whole[part.columns], check_exact=True)
        for level in ("sub_branch", "branch"):
            whole = health_mod.health(conn, p, level)
            for family, columns in health_mod.FAMILIES.items():
                part = health_mod.health(conn, p, level, metrics=[columns[0]])
                assert set(part.columns) == {"entity_id", "name", "org_id", "role", *columns}, (
                    family
                )
                pd.testing.assert_frame_equal(part, whole[part.columns], check_exact=True)


def test_unknown_metric_is_refused(db: Engine) -> None:
    p = Period.parse("2025-09")
    with db.connect() as conn, pytest.raises(ValueError, match="aum_stock"):
        supervision_mod.supervision(conn, p, "staff", metrics=["aum_stock"])
    with db.connect() as conn, pytest.raises(ValueError, match="load"):
        health_mod.health(conn, p, "branch", metrics=["load"])
