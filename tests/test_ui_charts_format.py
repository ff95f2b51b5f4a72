"""Chart builders through `to_dict()`, and the number formats of both languages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from ui import charts
from ui.format import delta, metric_value, money, percent, period_label
from ui.tables import quartile_band


def test_money_formats() -> None:
    # Millions and billions in English, 万元 / 亿元 in Chinese (issue 13, item 10: 505,358,192).
    assert money(Decimal("12345678.9"), "en") == "¥12.35 M"
    assert money(505_358_192, "en") == "¥505.36 M"
    assert money(2_191_554_321, "en") == "¥2.19 bn"
    assert money(999_999, "en") == "¥999,999"
    assert money(Decimal("12345678.9"), "zh") == "1,234.57万元"
    assert money(250_000_000, "zh") == "2.50亿元"
    assert money(950, "zh") == "950元"
    assert money(-1500, "en") == "-¥1,500"
    assert money(-67_781_622, "en", signed=True) == "-¥67.78 M"
    assert money(-67_781_622, "zh", signed=True) == "-6,778.16万元"
    assert money(None, "en") == "—"
    assert percent(0.8567) == "85.7%"
    assert metric_value("retention_rate", float("nan"), "en") == "—"
    assert delta("retention_rate", 0.9, 0.8, "zh") == "+10.0个百分点"
    assert delta("aum_stock", 30000, 10000, "zh") == "+2.00万元"
    assert delta("aum_stock", 3_000_000, 1_000_000, "en") == "+¥2.00 M"
    assert delta("top_clients", 3, None, "en") is None
    assert period_label("2026Q3", "zh") == "2026年第3季度"
    assert period_label("2026-09", "zh") == "2026年9月"


def test_aum_trend_chart() -> None:
    frame = pd.DataFrame(
        {"month": [dt.date(2026, 9, 1), dt.date(2026, 10, 1)], "aum": [Decimal(1e6), Decimal(2e6)]}
    )
    spec = charts.aum_trend(frame, "zh", title="金融资产存量").to_dict()
    values = next(iter(spec["datasets"].values()))
    assert [v["value"] for v in values] == [100.0, 200.0]  # 万元
    assert spec["layer"][0]["mark"]["type"] == "line"


def test_spread_heatmap_migration_work_load() -> None:
    card = pd.DataFrame(
        {
            "aum_stock": [Decimal("100"), Decimal("300"), Decimal("200"), None, Decimal("400")],
            "retention_rate": [0.5, 1.0, 0.75, 0.25, None],
            "top_clients": [3, 3, 3, 3, None],
        }
    )
    names = {"aum_stock": "AUM", "retention_rate": "Retention", "top_clients": "Top"}
    summary, flat = charts.spread_summary(card, list(names), names, "en")
    assert flat == ["Top"]  # everybody the same: nothing to draw
    # Quartiles by linear interpolation over the figures present (missing ones left out).
    expected = {
        "AUM": (100.0, 175.0, 250.0, 325.0, 400.0),
        "Retention": (0.25, 0.4375, 0.625, 0.8125, 1.0),
    }
    assert {
        r["metric"]: tuple(r[p] for p in charts.SPREAD_POINTS) for _, r in summary.iterrows()
    } == expected
    assert list(summary["low_text"]) == ["¥100", "25.0%"]
    spec = charts.kpi_spread(summary, {p: p for p in charts.SPREAD_POINTS}).to_dict()
    rows = spec["datasets"][spec["data"]["name"]]
    assert [(r["metric"], r["low_at"], r["q1_at"], r["median_at"], r["high_at"]) for r in rows] == [
        ("AUM", 0.0, 0.25, 0.5, 1.0),
        ("Retention", 0.0, 0.25, 0.5, 1.0),
    ]
    assert [layer["mark"]["type"] for layer in spec["layer"]] == [
        "rule",
        "bar",
        "tick",
        "text",
        "text",
    ]
    calendar = pd.DataFrame(
        {
            "name": ["x", "x"],
            "day": [dt.date(2026, 10, 1), dt.date(2026, 10, 9)],
            "logins": [0, 3],
            "is_workday": [False, True],
        }
    )
    spec = charts.login_heatmap(calendar, logins_title="Logins", workday_title="W").to_dict()
    assert spec["mark"]["type"] == "rect"
    assert spec["encoding"]["color"]["condition"]["field"] == "logins"  # days off: grey
    migration = pd.DataFrame({"from": ["a", "a"], "to": ["a", "b"], "clients": [2, 0]})
    spec = charts.tier_migration(migration, from_title="f", to_title="t").to_dict()
    assert spec["layer"]
    # Each tier column wide enough for its label ("black-gold" is about 60 px at 11 px).
    assert spec["width"] == {"step": charts.MIGRATION_STEP} and charts.MIGRATION_STEP >= 90
    axis = spec["layer"][0]["encoding"]["x"]["axis"]
    assert axis["labelOverlap"] is False and axis["labelLimit"] == charts.MIGRATION_STEP
    work = pd.DataFrame({"kind": ["sms", "sms"], "measure": ["created", "done"], "items": [3, 2]})
    work_spec = charts.work_items(work, measure_title="").to_dict()
    assert work_spec["mark"]["type"] == "bar"
    # Counts: whole-number ticks only (a sub-branch's few items drew 0.5, 1.5, ... 6.5).
    assert work_spec["encoding"]["x"]["axis"] == {"format": "d", "tickMinStep": 1}
    load = pd.DataFrame({"name": ["x", "y"], "load": [250, 100]})
    spec = charts.load_vs_limit(load, 200, load_title="Load").to_dict()
    assert spec["layer"][1]["mark"]["type"] == "rule"
    # Every planner named: no label hidden for overlapping, a step per planner.
    x_axis = spec["layer"][0]["encoding"]["x"]["axis"]
    assert x_axis["labelOverlap"] is False and x_axis["labelAngle"] == -60
    assert spec["width"] == {"step": charts.LOAD_STEP}
    trend = pd.DataFrame({"period": ["2026Q2", "2026Q3"], "value": [0.5, None]})
    assert charts.kpi_trend(trend, "Rate", percent=True).to_dict()["layer"]


def test_quartile_bands_follow_the_better_direction() -> None:
    values = pd.Series([1, 2, 3, 4, 5, 6, 7, 8])
    higher = quartile_band(values, "higher")
    lower = quartile_band(values, "lower")
    assert higher.iloc[-1] == "good" and higher.iloc[0] == "bad"
    assert lower.iloc[0] == "good" and lower.iloc[-1] == "bad"
    assert (quartile_band(pd.Series([1, 1, 1, 1]), "higher") == "").all()


def test_money_compact_for_tiles() -> None:
    from decimal import Decimal

    from ui.format import money_compact

    assert money_compact(Decimal("2191554321.50"), "en") == "¥2.19 bn"
    assert money_compact(12_345_678, "en") == "¥12.35 M"
    assert money_compact(-3_500_000, "en") == "-¥3.50 M"
    assert money_compact(999_999, "en") == "¥999,999"
    assert money_compact(Decimal("2191554321.50"), "zh") == "21.92亿元"
    # A planner's 21,725,300 fitted a tile as "2,172.5…" (万元 lost): fewer digits from 1,000万.
    assert money_compact(21_725_300, "zh") == "2,173万元"
    assert money_compact(-21_725_300, "zh") == "-2,173万元"
    assert money_compact(3_413_300, "zh") == "341.33万元"
    assert metric_value("aum_stock", 12_345_678, "en", compact=True) == "¥12.35 M"
