"""Appraisal scoring, worked out by hand (kpis.md, "Appraisal schemes"), and scheme versions.

The rule cases score small frames of actuals directly (`score_actuals`), so each figure below is
checked against arithmetic on paper; the database cases run on DuckDB and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from data.schema import AuditEvent
from metrics.appraisal.schemes import (
    Item,
    Scheme,
    SchemeError,
    copy_to_next_cycle,
    from_dict,
    get,
    load_file,
    publish,
    save_draft,
    versions,
)
from metrics.appraisal.scoring import (
    AppraisalError,
    appraise,
    assign_grades,
    grade_counts,
    score_actuals,
    shown,
    what_if,
)
from metrics.core.periods import Period
from metrics.core.scope import Scope
from tests.golden_data import insert_golden

D = Decimal


def close(actual: Decimal, expected: Fraction) -> bool:
    """An unrounded score against the exact fraction worked out by hand."""
    return abs(Fraction(actual) - expected) < Fraction(1, 10**20)


def scheme(*items: Item, grades: tuple[tuple[str, Decimal], ...] = ()) -> Scheme:
    return Scheme("test", "BR", "planner", "month", tuple(items), grades)


def scores(s: Scheme, kpi: str, values: list[object], better: str = "higher") -> list[Decimal]:
    ids = [f"S{i}" for i in range(len(values))]
    frame = score_actuals(
        s, pd.DataFrame({"entity_id": ids, kpi: values}), better={kpi: better}
    ).set_index("entity_id")
    return [frame.at[i, f"score_{kpi}"] for i in ids]


def test_linear_clamps_to_zero_and_the_cap() -> None:
    default_cap = scheme(Item("aum_increment", D(100), D(5000000)))
    # 100 x 2.5M/5M = 50; 100 x min(8M/5M, 1.2) = 120; a fall scores 0, never negative.
    assert scores(default_cap, "aum_increment", [D(2500000), D(8000000), D(-100)]) == [
        D("50.00"), D("120.00"), D("0.00"),
    ]  # fmt: skip
    wider = scheme(Item("aum_increment", D(100), D(5000000), cap=D("1.5")))
    assert scores(wider, "aum_increment", [D(10000000)]) == [D("150.00")]
    # 2/3 of 100: not rounded (cli.md), the explanation shows 66.67.
    third = scheme(Item("needs_collected", D(100), D(3)))
    assert close(scores(third, "needs_collected", [2])[0], Fraction(200, 3))


def test_linear_lower_is_better_uses_target_over_actual() -> None:
    s = scheme(Item("needs_collected", D(100), D(10)))
    # 10/20 = 0.5 -> 50; 10/5 = 2 -> capped at 1.2 -> 120; 0 is the best possible -> cap.
    assert scores(s, "needs_collected", [20, 5, 0], better="lower") == [
        D("50.00"), D("120.00"), D("120.00"),
    ]  # fmt: skip


def test_threshold_both_directions() -> None:
    s = scheme(Item("retention_rate", D(100), D("0.95"), rule="threshold"))
    assert scores(s, "retention_rate", [0.95, 0.9499, 1.0]) == [D(100), D(0), D(100)]
    assert scores(s, "retention_rate", [0.95, 0.96, 0.5], better="lower") == [D(100), D(0), D(100)]


def test_rank_rule_with_ties_and_nulls() -> None:
    s = scheme(Item("needs_collected", D(100), None, rule="rank"))
    frame = score_actuals(
        s,
        pd.DataFrame({"entity_id": ["S1", "S2", "S3", "S4"], "needs_collected": [5, 5, 3, None]}),
    ).set_index("entity_id")
    # Competition ranks 1, 1, 3 among n = 4: 100, 100, 100 x (1 - 2/3) = 33.3...; null: 0, flagged.
    got = list(frame["score_needs_collected"].loc[["S1", "S2", "S3", "S4"]])
    assert got[:2] == [D(100), D(100)] and got[3] == 0
    assert (
        close(got[2], Fraction(100, 3))
        and "= 33.33 points" in frame.at["S3", "explain_needs_collected"]
    )
    assert frame.at["S4", "flags"] == "null actual: needs_collected"
    assert "rank 3 of 4" in frame.at["S3", "explain_needs_collected"]
    # Lower is better: the smallest actual is rank 1.
    assert scores(s, "needs_collected", [1, 2, 3], better="lower") == [
        D("100.00"), D("50.00"), D("0.00"),
    ]  # fmt: skip
    # n = 1: full weight.
    assert scores(s, "needs_collected", [0]) == [D("100.00")]


def test_gate_and_max_score() -> None:
    gated = scheme(Item("archive_rate", D(100), D(1), gate=D("0.5")))
    frame = score_actuals(
        gated, pd.DataFrame({"entity_id": ["S1", "S2"], "archive_rate": [0.49, 0.5]})
    ).set_index("entity_id")
    assert list(frame["score_archive_rate"].loc[["S1", "S2"]]) == [D("0.00"), D("50.00")]
    assert frame.at["S1", "flags"] == "gate not met: archive_rate"
    assert "below the gate 0.5" in frame.at["S1", "explain_archive_rate"]
    # Lower is better: above the gate fails.
    assert scores(gated, "archive_rate", [0.6], better="lower") == [D("0.00")]
    # 9 points on a weight of 6: 6 x min(2, 2) = 12 -> capped at 9.
    capped = scheme(Item("certificates", D(100), D(1), cap=D(2), max_score=D(9)))
    assert scores(capped, "certificates", [3, 1]) == [D("9.00"), D("9.00")]
    rank_capped = scheme(Item("certificates", D(100), None, rule="rank", max_score=D(80)))
    assert scores(rank_capped, "certificates", [3, 2, 1]) == [D("80.00"), D("50.00"), D("0.00")]


def test_null_actual_scores_zero_and_is_flagged() -> None:
    s = scheme(Item("satisfaction", D(100), D(90)))
    frame = score_actuals(s, pd.DataFrame({"entity_id": ["S1"], "satisfaction": [float("nan")]}))
    assert frame.at[0, "score_satisfaction"] == D("0.00")
    assert frame.at[0, "flags"] == "null actual: satisfaction"
    assert "actual null" in frame.at[0, "explain_satisfaction"]


def test_total_rank_ties_and_explanations() -> None:
    s = scheme(
        Item("needs_collected", D(60), D(10)),
        Item("plans_produced", D(40), D(4), rule="threshold"),
    )
    actuals = pd.DataFrame(
        {
            "entity_id": ["S1", "S2", "S3", "S4"],
            "needs_collected": [10, 10, 5, 12],
            "plans_produced": [4, 4, 4, 1],
            "name": ["一", "二", "三", "四"],
        }
    )
    frame = score_actuals(s, actuals).set_index("entity_id")
    # S1, S2: 60 + 40; S3: 30 + 40; S4: 60 x 1.2 = 72 + 0.
    assert frame.loc[["S1", "S2", "S3", "S4"], "total"].tolist() == [
        D("100.00"), D("100.00"), D("70.00"), D("72.00"),
    ]  # fmt: skip
    assert frame.loc[["S1", "S2", "S4", "S3"], "rank"].tolist() == [1, 1, 3, 4]
    line = frame.at["S3", "explain_needs_collected"]
    assert line.startswith("needs_collected: actual 5, target 10, linear")
    assert line.endswith("= 30.00 points")


def test_grade_counts_by_largest_remainder() -> None:
    abc = (("A", D("0.2")), ("B", D("0.7")), ("C", D("0.1")))
    assert grade_counts(abc, 10) == [2, 7, 1]
    # 7 staff: quotas 1.4, 4.9, 0.7 -> floors 1, 4, 0; the 2 left go to B (.9) and C (.7).
    assert grade_counts(abc, 7) == [1, 5, 1]
    # 4 staff: 0.8, 2.8, 0.4 -> 0, 2, 0; the 2 left go to A and B (.8 each, better first).
    assert grade_counts(abc, 4) == [1, 3, 0]
    # Equal remainders: the better grade first.
    assert grade_counts((("A", D("0.5")), ("B", D("0.5"))), 3) == [2, 1]
    assert sum(grade_counts(abc, 0)) == 0


def test_grades_never_split_a_tie() -> None:
    bands = (("A", D("0.2")), ("B", D("0.6")), ("C", D("0.2")))
    # 5 staff -> 1 A, 3 B, 1 C; the two tied at 90 both get A, and B has one place less.
    totals = [D(90), D(90), D(80), D(70), D(60)]
    assert assign_grades(bands, totals) == ["A", "A", "B", "B", "C"]
    assert assign_grades(bands, [D(60), D(90), D(70), D(80), D(50)]) == ["B", "A", "B", "B", "C"]
    assert assign_grades((), [D(1)]) == [None]


def test_weights_must_add_up_to_100() -> None:
    with pytest.raises(SchemeError) as refused:
        from_dict(
            {
                "name": "x", "org_id": "SB1", "role": "planner", "cycle": "month",
                "items": [
                    {"kpi": "aum_increment", "weight": 55, "target": 1, "rule": "linear"},
                    {"kpi": "retention_rate", "weight": 40, "target": 0.9, "rule": "threshold"},
                ],
            }
        )  # fmt: skip
    assert "weights add up to 95, not 100" in refused.value.messages


def test_validation_messages() -> None:
    with pytest.raises(SchemeError) as refused:
        from_dict(
            {
                "name": "", "role": "head", "cycle": "week",
                "items": [
                    {"kpi": "login_days", "weight": 50, "target": 1},
                    {"kpi": "aum_stock", "weight": 50, "rule": "linear"},
                    {"kpi": "aum_stock", "weight": 0, "target": 1, "rule": "best"},
                ],
                "grades": {"A": 0.5, "B": 0.4},
            }
        )  # fmt: skip
    messages = refused.value.messages
    assert "the scheme needs a name" in messages
    assert "role must be planner or advisor, not 'head'" in messages
    assert "cycle must be month, quarter or year, not 'week'" in messages
    assert any("'login_days' is not an appraisal KPI of the catalogue" in m for m in messages)
    assert "item 2 (aum_stock): a linear item needs a target" in messages
    assert "item 3 (aum_stock): aum_stock appears twice" in messages
    assert "item 3 (aum_stock): rule must be linear, threshold or rank, not 'best'" in messages
    assert "grade shares add up to 0.9, not 1" in messages


SCHEME_YAML = """\
name: 2025 Q3 planner appraisal
org_id: BR
role: planner
cycle: quarter
period: 2025Q3
items:
  - {kpi: aum_increment, weight: 40, target: 5000000, rule: linear, cap: 1.2}
  - {kpi: retention_rate, weight: 20, target: 0.95, rule: threshold}
  - {kpi: archive_rate, weight: 20, target: 1.0, rule: linear, gate: 0.5}
  - {kpi: training_completion, weight: 20, target: 1.0, rule: rank, max_score: 18}
grades: {A: 0.2, B: 0.7, C: 0.1}
"""


def test_scheme_files_yaml_and_json(tmp_path: Path) -> None:
    path = tmp_path / "q3.yaml"
    path.write_text(SCHEME_YAML, encoding="utf-8")
    loaded = load_file(path)
    assert [i.kpi for i in loaded.items][0] == "aum_increment"
    assert loaded.items[1].cap == D("1.2") and loaded.items[3].max_score == D(18)
    assert [g for g, _ in loaded.grades] == ["A", "B", "C"]
    as_json = tmp_path / "q3.json"
    as_json.write_text(
        '{"name": "j", "org_id": "SB1", "role": "planner", "cycle": "month", '
        '"items": [{"kpi": "aum_stock", "weight": 95, "target": 1}]}',
        encoding="utf-8",
    )
    with pytest.raises(SchemeError, match="weights add up to 95, not 100"):
        load_file(as_json)


def golden_scheme() -> Scheme:
    return from_dict(
        {
            "name": "2025Q3 planners", "org_id": "BR", "role": "planner", "cycle": "quarter",
            "period": "2025Q3",
            "items": [
                {"kpi": "aum_increment", "weight": 40, "target": 5000000, "rule": "linear"},
                {"kpi": "retention_rate", "weight": 20, "target": 0.95, "rule": "threshold"},
                {"kpi": "archive_rate", "weight": 20, "target": 1, "rule": "linear", "gate": 0.5},
                {"kpi": "training_completion", "weight": 20, "rule": "rank", "max_score": 18},
            ],
            "grades": {"A": 0.2, "B": 0.7, "C": 0.1},
        }
    )  # fmt: skip


def test_publish_is_immutable_and_edits_make_version_2(engine: Engine) -> None:
    with engine.begin() as conn:
        v1 = save_draft(conn, golden_scheme(), "head1")
        assert (v1.version, v1.status) == (1, "draft")
        v1 = save_draft(conn, replace(v1, name="2025Q3 planners (fixed)"), "head1")
        assert v1.version == 1  # a draft is saved over itself
        v1 = publish(conn, v1.scheme_id, 1, "head1")
        edited = replace(v1, items=(replace(v1.items[0], weight=D(30)), *v1.items[1:3],
                                    replace(v1.items[3], weight=D(30))))  # fmt: skip
        v2 = save_draft(conn, edited, "head1")
        assert (v2.scheme_id, v2.version, v2.status) == (v1.scheme_id, 2, "draft")
        stored_v1 = get(conn, v1.scheme_id, 1)
        assert stored_v1.status == "published" and stored_v1.items[0].weight == 40
        publish(conn, v1.scheme_id, 2, "head1")
        assert [s.status for s in versions(conn, v1.scheme_id)] == ["archived", "published"]
        with pytest.raises(SchemeError, match="only a draft can be published"):
            publish(conn, v1.scheme_id, 2, "head1")
        nxt = copy_to_next_cycle(conn, v1.scheme_id, 2, "head1")
        assert (nxt.period, nxt.name, nxt.version) == ("2025Q4", "2025Q4 planners (fixed)", 1)
        assert nxt.scheme_id != v1.scheme_id
        actions = conn.execute(select(AuditEvent.action)).scalars().all()
        assert "scheme_publish" in actions and "scheme_edit" in actions


def test_appraise_golden_names_the_version_and_keeps_true_ranks(engine: Engine) -> None:
    with engine.begin() as conn:
        insert_golden(conn)
        v1 = publish(conn, save_draft(conn, golden_scheme(), "d").scheme_id, 1, "d")
        q3 = Period.parse("2025Q3")
        frame = appraise(conn, v1, q3, Scope.everything())
        # P4 left on 2025-07-15, inside Q3, so is still appraised; advisors are not covered.
        assert list(frame["entity_id"]) == ["P2", "P3", "P1", "P4"]
        # Unrounded totals (cli.md); rounded to 2 decimals they are the hand-computed figures.
        assert [shown(t) for t in frame["total"]] == [
            D("86.00"),
            D("61.60"),
            D("33.33"),
            D("20.00"),
        ]
        assert all(
            t == sum(frame.loc[i, [c for c in frame.columns if c.startswith("score_")]])
            for i, t in frame["total"].items()
        )
        assert list(frame["grade"]) == ["A", "B", "B", "B"]
        assert frame.attrs["scheme_version"] == 1 and "v1" in frame.attrs["scheme"]
        # P1: 0 (AUM fell) + 0 (retention 4/7 < 0.95) + 20 (archive 1.0) + rank 2 of 4 -> 13.33.
        p1 = frame.set_index("entity_id").loc["P1"]
        assert close(p1["score_training_completion"], Fraction(40, 3))
        # A planner sees only themself, with their rank among the whole population.
        own = appraise(conn, v1, q3, Scope.staff("P1"))
        assert list(own["entity_id"]) == ["P1"] and own.at[0, "rank"] == 3
        with pytest.raises(AppraisalError, match="cycle is quarter"):
            appraise(conn, v1, Period.parse("2025-09"), Scope.everything())
        draft = replace(
            v1,
            items=(replace(v1.items[0], weight=D(20)), v1.items[1],
                   replace(v1.items[2], weight=D(40)), v1.items[3]),
            scheme_id=None, version=None, status="draft",
        )  # fmt: skip
        moves = what_if(conn, draft, v1, q3, Scope.everything()).set_index("entity_id")
        # Draft totals: P3 10.80 + 20 + 40 = 70.80, P2 24 + 20 + 0 (gate) + 18 = 62, P1 0 + 0 +
        # 40 + 13.33 = 53.33, P4 20: P3 moves up to 1, P2 down to 2, P1 and P4 stay.
        assert list(moves.index) == ["P3", "P2", "P1", "P4"]
        assert shown(moves.at["P3", "total_draft"]) == D("70.80")
        assert moves["movement"].to_dict() == {"P3": "up", "P2": "down", "P1": "same", "P4": "same"}
        assert moves.at["P3", "rank_change"] == 1 and moves.at["P2", "rank_change"] == -1
        assert moves.at["P3", "why"] == (
            "archive_rate +20.00 (weight 20 -> 40); aum_increment -10.80 (weight 40 -> 20)"
        )


# --- per-person targets (指标分解, issue 15) ---------------------------------------------------


def test_per_person_targets_score_each_person_against_their_own() -> None:
    item = Item("aum_increment", D(100), D(100), "linear", cap=D("1.2"),
                targets=(("S1", D(50)), ("S2", D(200))))  # fmt: skip
    gate = Item("retention_rate", D(0), D("0.9"), "threshold", targets=(("S0", D("0.7")),))
    s = Scheme("t", "BR", "planner", "month", (item, gate))
    frame = score_actuals(
        s,
        pd.DataFrame(
            {
                "entity_id": ["S0", "S1", "S2"],
                "aum_increment": [80, 80, 80],
                "retention_rate": [0.8, 0.8, 0.8],
            }
        ),  # fmt: skip
        better={"aum_increment": "higher", "retention_rate": "higher"},
    ).set_index("entity_id")
    # S0: 80 / 100 x 100 = 80; S1: 80 / 50 = 1.6, capped at 1.2 -> 120; S2: 80 / 200 x 100 = 40.
    assert [frame.at[i, "score_aum_increment"] for i in ("S0", "S1", "S2")] == [80, 120, 40]
    assert [frame.at[i, "target_aum_increment"] for i in ("S0", "S1", "S2")] == [100, 50, 200]
    # Only S0 is held to 0.7 (met); the others to the item's 0.9 (not met); weight 0 either way.
    assert [frame.at[i, "target_retention_rate"] for i in ("S0", "S1", "S2")] == [
        D("0.7"), D("0.9"), D("0.9")]  # fmt: skip
    assert "target met" in frame.at["S0", "explain_retention_rate"]
    assert "target not met" in frame.at["S1", "explain_retention_rate"]
    assert "target 50" in frame.at["S1", "explain_aum_increment"]


def test_per_person_targets_in_scheme_files(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text(
        "name: t\norg_id: BR\nrole: planner\ncycle: quarter\nitems:\n"
        '  - {kpi: aum_increment, weight: 100, target: 5000000, targets: {"00101": 6000000}}\n',
        encoding="utf-8",
    )
    loaded = load_file(path)
    assert loaded.items[0].targets == (("00101", D(6000000)),)
    assert loaded.items[0].target_for("00101") == 6000000
    assert loaded.items[0].target_for("00102") == 5000000
    assert from_dict(loaded.to_dict()) == loaded
    # Unquoted, YAML reads 00101 as a number and loses the zeros: refused, not misapplied.
    path.write_text(
        "name: t\norg_id: BR\nrole: planner\ncycle: quarter\nitems:\n"
        "  - {kpi: aum_increment, weight: 100, target: 5000000, targets: {00101: 6000000}}\n",
        encoding="utf-8",
    )
    with pytest.raises(SchemeError, match="must be quoted text"):
        load_file(path)
    with pytest.raises(SchemeError, match="target of P1 must be above 0"):
        from_dict({"name": "t", "org_id": "BR", "role": "planner", "cycle": "month",
                   "items": [{"kpi": "aum_stock", "weight": 100, "target": 1,
                              "targets": {"P1": 0}}]})  # fmt: skip
    with pytest.raises(SchemeError, match="a rank item has no targets"):
        from_dict({"name": "t", "org_id": "BR", "role": "planner", "cycle": "month",
                   "items": [{"kpi": "aum_stock", "weight": 100, "rule": "rank",
                              "targets": {"P1": 5}}]})  # fmt: skip


def test_per_person_targets_are_stored_and_used_by_appraise(engine: Engine) -> None:
    base = golden_scheme()
    item = replace(base.items[0], targets=(("P2", D(9000000)),))
    with engine.begin() as conn:
        insert_golden(conn)
        stored = save_draft(conn, replace(base, items=(item, *base.items[1:])), "d")
        v1 = publish(conn, stored.scheme_id, 1, "d")
        assert get(conn, v1.scheme_id, 1).items[0].targets == (("P2", D(9000000)),)
        frame = appraise(conn, v1, Period.parse("2025Q3"), Scope.everything())
        frame = frame.set_index("entity_id")
        plain = appraise(conn, golden_scheme(), Period.parse("2025Q3"), Scope.everything())
        plain = plain.set_index("entity_id")
    assert frame.at["P2", "target_aum_increment"] == 9000000
    assert frame.at["P3", "target_aum_increment"] == 5000000
    actual = Fraction(frame.at["P2", "actual_aum_increment"])
    expected = 40 * min(max(actual / 9000000, Fraction(0)), Fraction(12, 10))
    assert close(frame.at["P2", "score_aum_increment"], expected)
    assert frame.at["P2", "score_aum_increment"] < plain.at["P2", "score_aum_increment"]
    # Everyone else scores exactly as without per-person targets.
    for person in ("P1", "P3", "P4"):
        assert frame.at[person, "total"] == plain.at[person, "total"]
