"""Per-person targets through the appraisal cycle (issue 15.1 with 15.2-15.3), on DuckDB and
PostgreSQL: results published from a scheme whose AUM item holds P2 to 10,000,000 (everyone else
to the item's 5,000,000) score P2 against their own target, My appraisal explains it with that
target, and a correction keeps it.

Hand-computed (tests/test_appraisal_cycle.py's golden figures, P2's AUM target changed):
  P2: AUM 8,700,000.00 / 10,000,000 = 0.87 x 40 = 34.8; retention 20; archive 0 (gate);
      training 18 (rank 1 of 2, capped) -> total 72.8, rank 1.
  P1: AUM -9,000,000.01 / 5,000,000 < 0 -> 0; archive 20 -> total 20, rank 2.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from sqlalchemy import Engine

from metrics.appraisal import cycle
from metrics.appraisal.schemes import publish, save_draft
from metrics.appraisal.snapshots import read
from metrics.core.scope import Scope
from tests.golden_data import insert_golden
from tests.test_appraisal import golden_scheme
from tests.test_appraisal_cycle import H1, P1, P2, Q3


def test_published_results_hold_each_person_to_their_own_target(engine: Engine) -> None:
    base = golden_scheme()
    aum = replace(base.items[0], targets=(("P2", D(10000000)),))
    assert (aum.kpi, aum.target, aum.weight) == ("aum_increment", D(5000000), D(40))
    with engine.begin() as conn:
        insert_golden(conn)
        draft = replace(base, name="SB1 targets", org_id="SB1", items=(aum, *base.items[1:]))
        stored = save_draft(conn, draft, "head1")
        scheme = publish(conn, stored.scheme_id or "", 1, "head1")
        publication = cycle.publish_results(conn, H1, scheme, Q3)
    pid = publication.publication_id
    with engine.connect() as conn:
        p2 = cycle.my_result(conn, P2, pid)
        p1 = cycle.my_result(conn, P1, pid)
        frozen = read(conn, publication.snapshot_id, Scope.everything()).frame
    line = p2.items[0]
    assert (line.kpi, line.target, line.ratio, line.counted, line.score) == (
        "aum_increment", D(10000000), D("0.87"), D("0.87"), D("34.8"),
    )  # fmt: skip
    assert (p2.total, p2.rank, p2.n) == (D("72.8"), 1, 2)
    assert (p1.items[0].target, p1.items[0].score, p1.total, p1.rank) == (D(5000000), 0, 20, 2)
    # The frozen results name the target each person was scored against.
    targets = dict(zip(frozen["entity_id"], frozen["target_aum_increment"], strict=True))
    assert {k: D(str(v)) for k, v in targets.items()} == {"P1": D(5000000), "P2": D(10000000)}

    # An inquiry corrected (same scheme, same data): P2 is still held to their own target.
    with engine.begin() as conn:
        inquiry = cycle.inquire(conn, P2, pid, "aum_increment", "Is my target right?")
        corrected = cycle.correct(conn, H1, inquiry, "recomputed with the same targets")
    assert corrected.version == 2
    with engine.connect() as conn:
        again = cycle.my_result(conn, P2, pid)
    assert (again.items[0].target, again.items[0].score, again.total) == (
        D(10000000), D("34.8"), D("72.8"),
    )  # fmt: skip
