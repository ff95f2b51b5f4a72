"""The appraisal cycle (issue 15.2-15.4) on DuckDB and PostgreSQL: publish -> acknowledge /
inquire -> answer -> correct -> sign off -> reopen, with every refusal, on the golden data set.

Expected figures are the hand-computed ones of tests/test_appraisal.py's golden scheme, applied to
one sub-branch: SB1 covers P1 and P2 (n = 2), SB2 covers P3 and P4.
  P2: AUM 8,700,000.00 / 5,000,000 = 1.74, capped at 1.2 x 40 = 48; retention 1.0 >= 0.95: 20;
      archive 1/3 below the gate 0.5: 0; training rank 1 of 2: 20, capped at 18 -> total 86, A.
  P1: AUM -9,000,000.01: 0; retention 4/7 < 0.95: 0; archive 1.0 / 1 x 20 = 20; training rank 2
      of 2: 0 -> total 20, B.
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine, func, select

from data.schema import AuditEvent, ResultPublication, ResultResponse, ResultVersion, Snapshot
from metrics.appraisal import cycle
from metrics.appraisal.cycle import Account, CycleRefused
from metrics.appraisal.schemes import Scheme, publish, save_draft
from metrics.appraisal.scoring import shown
from metrics.appraisal.snapshots import read
from metrics.core.periods import Period
from metrics.core.scope import Scope
from tests.golden_data import insert_golden
from tests.test_appraisal import golden_scheme
from tests.test_snapshots import reimport_corrected_aum

Q3 = Period.parse("2025Q3")
DIRECTOR = Account("zhou", "director")
H1 = Account("head1", "head", org_id="SB1")
H2 = Account("head2", "head", org_id="SB2")
P1 = Account("p1", "planner", staff_id="P1")
P2 = Account("p2", "planner", staff_id="P2")
P3 = Account("p3", "planner", staff_id="P3")


def sub_branch_scheme(conn, org_id: str, by: str) -> Scheme:  # noqa: ANN001
    stored = save_draft(conn, replace(golden_scheme(), name=f"{org_id} 2025Q3", org_id=org_id), by)
    assert stored.scheme_id is not None
    return publish(conn, stored.scheme_id, 1, by)


def refused(code: str, step, *args, **kwargs) -> CycleRefused:  # noqa: ANN001
    with pytest.raises(CycleRefused) as caught:
        step(*args, **kwargs)
    assert caught.value.code == code, (caught.value.code, str(caught.value))
    return caught.value


def counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (ResultPublication, ResultVersion, ResultResponse, Snapshot, AuditEvent)
        )


def statuses(engine: Engine, actor: Account, publication_id: str) -> list[tuple]:
    with engine.connect() as conn:
        frame = cycle.status_of(conn, actor, publication_id)
    return [
        (r.staff_id, shown(D(str(r.total))), r.rank, r.grade, r.status) for r in frame.itertuples()
    ]


@pytest.fixture
def golden(engine: Engine) -> Engine:
    with engine.begin() as conn:
        insert_golden(conn)
    return engine


def test_publication_is_refused_to_whoever_may_not_publish(golden: Engine) -> None:
    engine = golden
    with engine.begin() as conn:
        sb1 = sub_branch_scheme(conn, "SB1", "head1")
        draft = save_draft(conn, replace(golden_scheme(), org_id="SB1"), "head1")
        nobody = sub_branch_scheme(conn, "SB3", "zhou")
    before = counts(engine)
    with engine.begin() as conn:
        refused("other", cycle.publish_results, conn, H2, sb1, Q3)  # another sub-branch's head
        refused("publisher", cycle.publish_results, conn, P1, sb1, Q3)
        refused("scheme_not_published", cycle.publish_results, conn, H1, draft, Q3)
        error = refused("other", cycle.publish_results, conn, H1, sb1, Period.parse("2025-09"))
        assert "cycle is quarter" in str(error)
    # A refusal after the snapshot was taken (SB3 has no staff) rolls the whole step back.
    with pytest.raises(CycleRefused, match="covers nobody in 2025Q3"):
        with engine.begin() as conn:
            cycle.publish_results(conn, DIRECTOR, nobody, Q3)
    assert counts(engine) == before
    with engine.begin() as conn:
        first = cycle.publish_results(conn, H1, sb1, Q3)
    with engine.begin() as conn:
        refused("already_published", cycle.publish_results, conn, DIRECTOR, sb1, Q3)
    assert (first.version, first.state, first.population) == (1, "published", 2)


def test_the_whole_cycle_with_every_refusal(golden: Engine) -> None:
    engine = golden
    with engine.begin() as conn:
        sb1 = sub_branch_scheme(conn, "SB1", "head1")
        sb2 = sub_branch_scheme(conn, "SB2", "head2")
        pub = cycle.publish_results(conn, H1, sb1, Q3)
        other = cycle.publish_results(conn, H2, sb2, Q3)
    pid = pub.publication_id
    assert statuses(engine, H1, pid) == [
        ("P2", D("86.00"), 1, "A", "published"),
        ("P1", D("20.00"), 2, "B", "published"),
    ]
    # A planner's status table holds their own row only; another head may not read it at all.
    assert statuses(engine, P1, pid) == [("P1", D("20.00"), 2, "B", "published")]
    with engine.connect() as conn:
        refused("other_unit", cycle.status_of, conn, H2, pid)
        assert [p.publication_id for p in cycle.publications_for(conn, P1)] == [pid]
        assert [p.publication_id for p in cycle.publications_for(conn, H2)] == [
            other.publication_id
        ]

    # --- acknowledge / inquire -------------------------------------------------------------
    with engine.begin() as conn:
        cycle.acknowledge(conn, P2, pid)
        refused("not_own", cycle.inquire, conn, P1, pid, "aum_increment", "wrong", staff_id="P2")
        refused("not_own", cycle.acknowledge, conn, P1, pid, staff_id="P2")
        refused("not_covered", cycle.inquire, conn, P3, pid, "aum_increment", "not mine")
        refused("not_appraised", cycle.inquire, conn, H1, pid, "aum_increment", "x", "P1")
        refused("not_item", cycle.inquire, conn, P1, pid, "logins", "not in the scheme")
        refused("no_message", cycle.inquire, conn, P1, pid, "aum_increment", "  ")
        first_inquiry = cycle.inquire(
            conn, P1, pid, "aum_increment", "September's transfer was booked to the wrong client"
        )
        refused("already_open", cycle.inquire, conn, P1, pid, "archive_rate", "again")
        refused("inquiry_open", cycle.acknowledge, conn, P1, pid)
    assert [s[-1] for s in statuses(engine, H1, pid)] == ["acknowledged", "inquiry_open"]

    # --- the queue: the head of SB1 sees it, the head of SB2 neither sees nor answers it ------
    with engine.connect() as conn:
        queue = cycle.open_inquiries(conn, H1)
        assert cycle.open_inquiries(conn, H2).empty
        assert list(cycle.open_inquiries(conn, DIRECTOR)["inquiry_id"]) == [first_inquiry]
        refused("not_manager", cycle.open_inquiries, conn, P1)
    assert queue[["staff_id", "name", "kpi", "message", "period"]].values.tolist() == [
        ["P1", "经理一", "aum_increment", "September's transfer was booked to the wrong client",
         "2025Q3"],
    ]  # fmt: skip
    with engine.begin() as conn:
        refused("other_unit", cycle.answer, conn, H2, first_inquiry, "no")
        refused("other_unit", cycle.correct, conn, H2, first_inquiry, "no")
        refused("other_unit", cycle.answer, conn, P1, first_inquiry, "I agree with myself")
        refused("no_answer", cycle.answer, conn, H1, first_inquiry, " ")
        refused("director_only", cycle.sign_off, conn, H1, pid)
        refused("open_inquiries", cycle.sign_off, conn, DIRECTOR, pid)

    # --- answered, upheld: the planner sees the answer -------------------------------------
    with engine.begin() as conn:
        cycle.answer(conn, H1, first_inquiry, "The transfer left in September: the figure stands.")
        refused("answered", cycle.answer, conn, H1, first_inquiry, "twice")
    assert [s[-1] for s in statuses(engine, H1, pid)] == ["acknowledged", "answered"]
    with engine.connect() as conn:
        mine = cycle.responses_of(conn, P1, pid, "P1")
        refused("not_own", cycle.responses_of, conn, P1, pid, "P2")
    assert mine[["kind", "kpi", "answer", "outcome", "answered_by"]].values.tolist() == [
        ["inquiry", "aum_increment", "The transfer left in September: the figure stands.",
         "upheld", "head1"],
    ]  # fmt: skip

    # --- corrected: the extract is fixed and re-imported, the head corrects -------------------
    with engine.begin() as conn:
        second = cycle.inquire(conn, P1, pid, "aum_increment", "The bank has fixed C01's AUM")
    reimport_corrected_aum(engine)  # C01's September AUM becomes 13,000,000.00 (P1's book)
    with engine.begin() as conn:
        refused("no_reason", cycle.correct, conn, H1, second, "")
        corrected = cycle.correct(conn, H1, second, "C01's September AUM corrected in the CRM")
    assert (corrected.version, corrected.state) == (2, "published")
    assert corrected.snapshot_id != pub.snapshot_id
    with engine.connect() as conn:
        versions = cycle.versions_of(conn, pid)
        old = read(conn, pub.snapshot_id, Scope.everything())
        new = read(conn, corrected.snapshot_id, Scope.everything())
        changed = json.loads(
            conn.execute(
                select(ResultVersion.changed).where(
                    ResultVersion.publication_id == pid, ResultVersion.version == 2
                )
            ).scalar_one()
        )
    # The first version is untouched (its checksum verified by `read`), the second links to it.
    assert versions[["version", "snapshot_id", "previous_snapshot_id", "reason"]].values.tolist() == [
        [1, pub.snapshot_id, None, None],
        [2, corrected.snapshot_id, pub.snapshot_id, "C01's September AUM corrected in the CRM"],
    ]  # fmt: skip
    old_p1 = old.frame.set_index("entity_id").loc["P1"]
    new_p1 = new.frame.set_index("entity_id").loc["P1"]
    assert old_p1["actual_aum_increment"] == D("-9000000.01")
    assert new_p1["actual_aum_increment"] != old_p1["actual_aum_increment"]
    assert changed == ["P1"]  # only P1's row moved; P2 keeps rank 1 and their acknowledgement
    assert [s[-1] for s in statuses(engine, H1, pid)] == ["acknowledged", "corrected"]
    with engine.connect() as conn:
        answers = cycle.responses_of(conn, P1, pid, "P1")
    assert answers[["outcome", "answer"]].values.tolist()[-1] == [
        "corrected",
        "C01's September AUM corrected in the CRM",
    ]
    with engine.begin() as conn:
        cycle.acknowledge(conn, P1, pid)
    assert [s[-1] for s in statuses(engine, H1, pid)] == ["acknowledged", "acknowledged"]

    # --- sign-off, and what it forbids until an audited reopening ---------------------------
    with engine.begin() as conn:
        signed = cycle.sign_off(conn, DIRECTOR, pid)
        assert (signed.state, signed.signed_off_by) == ("signed_off", "zhou")
        refused("already_signed_off", cycle.sign_off, conn, DIRECTOR, pid)
        refused("signed_off_inquiry", cycle.inquire, conn, P1, pid, "aum_increment", "more")
        refused("signed_off_correction", cycle.correct, conn, H1, second, "again")
        refused("director_only", cycle.reopen, conn, H1, pid, "a head may not")
        refused("no_reason", cycle.reopen, conn, DIRECTOR, pid, "")
    with engine.begin() as conn:
        reopened = cycle.reopen(conn, DIRECTOR, pid, "P2's certificate was missed")
        refused("not_signed_off", cycle.reopen, conn, DIRECTOR, pid, "twice")
    assert (reopened.state, reopened.signed_off_by, reopened.version) == ("published", None, 2)
    with engine.begin() as conn:
        third = cycle.inquire(conn, P2, pid, "training_completion", "I finished every course")
        cycle.answer(conn, H1, third, "Rank 1 of 2 already: 18 is the item's maximum.")
        cycle.sign_off(conn, DIRECTOR, pid)

    with engine.connect() as conn:
        events = conn.execute(
            select(AuditEvent.username, AuditEvent.action, AuditEvent.target)
            .where(AuditEvent.action.like("results_%"))
            .order_by(AuditEvent.at, AuditEvent.event_id)
        ).all()
    mine_events = [(u, a) for u, a, target in events if other.publication_id not in (target or "")]
    assert sorted(mine_events) == sorted(
        [
            ("head1", "results_publish"),
            ("p2", "results_acknowledge"),
            ("p1", "results_inquire"),
            ("head1", "results_answer"),
            ("p1", "results_inquire"),
            ("head1", "results_correct"),
            ("p1", "results_acknowledge"),
            ("zhou", "results_sign_off"),
            ("zhou", "results_reopen"),
            ("p2", "results_inquire"),
            ("head1", "results_answer"),
            ("zhou", "results_sign_off"),
        ]
    )
    with engine.connect() as conn:
        detail = conn.execute(
            select(AuditEvent.detail).where(AuditEvent.action == "results_reopen")
        ).scalar_one()
    assert json.loads(detail)["reason"] == "P2's certificate was missed"


def test_my_result_explains_every_item_and_shows_nobody_else(golden: Engine) -> None:
    engine = golden
    with engine.begin() as conn:
        pid = cycle.publish_results(conn, H1, sub_branch_scheme(conn, "SB1", "head1"), Q3)
        pid_id = pid.publication_id
    with engine.connect() as conn:
        p2 = cycle.my_result(conn, P2, pid_id)
        refused("not_own", cycle.my_result, conn, P1, pid_id, "P2")
        refused("not_own", cycle.my_result, conn, H2, pid_id, "P2")
        assert cycle.my_result(conn, H1, pid_id, "P2").total == p2.total
        assert cycle.my_result(conn, DIRECTOR, pid_id, "P2").total == p2.total
    assert (shown(p2.total), p2.rank, p2.n, p2.grade, p2.status) == (D("86.00"), 1, 2, "A",
                                                                       "published")  # fmt: skip
    lines = {line.kpi: line for line in p2.items}
    aum = lines["aum_increment"]
    assert (aum.how, aum.actual, aum.target, aum.ratio, aum.counted, aum.weight, aum.score) == (
        "linear", D("8700000.00"), D(5000000), D("1.74"), D("1.2"), D(40), D(48),
    )  # fmt: skip
    retention = lines["retention_rate"]
    assert (retention.how, retention.target, retention.score) == ("threshold_met", D("0.95"), 20)
    archive = lines["archive_rate"]
    assert (archive.how, archive.gate, archive.score) == ("gate_below", D("0.5"), 0)
    training = lines["training_completion"]
    assert (training.how, training.rank, training.n, training.max_score, training.score) == (
        "rank", 1, 2, D(18), 18,
    )  # fmt: skip
    with engine.connect() as conn:
        p1 = cycle.my_result(conn, P1, pid_id)
    assert [(i.kpi, i.how, i.score) for i in p1.items] == [
        ("aum_increment", "linear", 0),  # -1.80 counted as 0
        ("retention_rate", "threshold_missed", 0),
        ("archive_rate", "linear", 20),
        ("training_completion", "rank", 0),
    ]
    assert p1.items[0].counted == 0 and (p1.rank, p1.n) == (2, 2)


def test_trend_lists_the_persons_own_published_periods(golden: Engine) -> None:
    engine = golden
    q2 = Period.parse("2025Q2")
    with engine.begin() as conn:
        sb1 = sub_branch_scheme(conn, "SB1", "head1")
        cycle.publish_results(conn, H1, sb1, Q3)
        cycle.publish_results(conn, H1, sb1, q2)
        from metrics.appraisal.scoring import appraise

        expected = [
            (period.label(), shown(r["total"]), int(r["rank"]), len(frame), r["grade"])
            for period in (q2, Q3)
            for frame in [appraise(conn, sb1, period, Scope.everything())]
            for r in frame.to_dict("records")
            if r["entity_id"] == "P1"
        ]
    with engine.connect() as conn:
        got = cycle.trend(conn, P1, "P1", "quarter")
        refused("not_own", cycle.trend, conn, P1, "P2", "quarter")
        assert cycle.trend(conn, P1, "P1", "month").empty
    assert [(r.period, shown(r.total), r.rank, r.n, r.grade) for r in got.itertuples()] == expected
    assert len(expected) == 2


def test_a_head_sees_their_people_in_the_directors_results_but_does_not_answer(
    golden: Engine,
) -> None:
    engine = golden
    with engine.begin() as conn:
        bank_wide = sub_branch_scheme(conn, "BR", "zhou")  # the director's, over SB1 and SB2
        pid = cycle.publish_results(conn, DIRECTOR, bank_wide, Q3).publication_id
        inquiry = cycle.inquire(conn, P1, pid, "aum_increment", "Why 0?")
    with engine.connect() as conn:
        assert [p.publication_id for p in cycle.publications_for(conn, H1)] == [pid]
        assert cycle.publications_for(conn, H1, managed=True) == []
        assert cycle.open_inquiries(conn, H1).empty
        assert list(cycle.open_inquiries(conn, DIRECTOR)["inquiry_id"]) == [inquiry]
        # Ranks are among all four planners; the head of SB1 sees only P1 and P2's rows.
        seen = cycle.status_of(conn, H1, pid)
        assert seen[["staff_id", "rank", "status"]].values.tolist() == [
            ["P2", 1, "published"],
            ["P1", 3, "inquiry_open"],
        ]
        assert cycle.my_result(conn, H1, pid, "P1").n == 4
        refused("not_own", cycle.my_result, conn, H1, pid, "P3")
    with engine.begin() as conn:
        refused("other_unit", cycle.answer, conn, H1, inquiry, "not mine to answer")
        cycle.answer(conn, DIRECTOR, inquiry, "The AUM fell in September.")
