"""`supervision(..., metrics=...)` and `health(..., metrics=...)` compute only the row sources
those ids need (the Overview's previous-period tiles); their figures must be the whole table's,
both backends."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine

from metrics.core.catalogue import BY_ID, health_ids, supervision_ids
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.measures import layer
from metrics.measures.tables import health, supervision
from tests import supervision_data

EVERYTHING = Scope.everything()


@pytest.fixture
def db(engine: Engine) -> Engine:
    with engine.begin() as conn:
        supervision_data.insert_data(conn)
    return engine


@pytest.mark.parametrize("period", ["2025-09", "2025Q3"])
def test_subsets_are_columns_of_the_whole_table(db: Engine, period: str) -> None:
    p = Period.parse(period)
    with db.connect() as conn:
        for table, ids, levels in (
            (supervision, supervision_ids(), ("staff", "sub_branch", "branch")),
            (health, health_ids(), ("sub_branch", "branch")),
        ):
            for level in levels:
                whole = table(conn, p, level, EVERYTHING)
                for metric_id in ids:
                    part = table(conn, p, level, EVERYTHING, metrics=[metric_id])
                    assert list(part.columns) == layer.columns([BY_ID[metric_id]], level)
                    pd.testing.assert_frame_equal(part, whole[part.columns], check_exact=True)


def test_unknown_metric_is_refused(db: Engine) -> None:
    p = Period.parse("2025-09")
    with db.connect() as conn, pytest.raises(ValueError, match="aum_stock"):
        supervision(conn, p, "staff", EVERYTHING, metrics=["aum_stock"])
    with db.connect() as conn, pytest.raises(ValueError, match="load"):
        health(conn, p, "branch", EVERYTHING, metrics=["load"])
