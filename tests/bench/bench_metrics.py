"""Benchmark (a command, not a test): the metrics layer at branch / head-office scale.

    python -m tests.bench.bench_metrics --db duckdb:///var/branch.duckdb --period 2026Q3
    python -m tests.bench.bench_metrics --scale branch      # generates + imports into a temp file

For one quarter it measures the full scorecard (staff, sub-branch, branch), supervision and health,
warm (best of N in one process) and cold (a fresh process, first call), and compares the staff
scorecard with

- (a) a naive pandas pipeline: read the tables from the same database, compute the same 13 KPIs in
  pandas (end to end, loading included) — its result is also checked against ours, figure by
  figure, a whole-table cross-check at scale;
- (b) a floor: one hand-written DuckDB SQL query per KPI family on the same data.

Targets (issue 3): scorecard <= 0.5 s warm on DuckDB at branch scale, <= 2x the floor, >= 5x faster
than the naive pipeline; head office <= 10x the branch time.

The compliance figures of lifecycle.md (staff, sub-branch, branch) and the exceptions register are
measured too, warm (best of 3 in one process) and cold (a fresh process, first call), with the
SQL gateway's trace of their statements; `--compliance` measures only them. Target (issue 12):
each <= 1 s warm at branch scale.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]


def best(fn: Any, repeat: int = 5) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


# --- (a) the naive pandas pipeline -------------------------------------------------------------


def naive_pandas_scorecard(url: str, period_text: str) -> pd.DataFrame:
    """What a quick notebook would do: load the tables, then merge and group in pandas."""
    from sqlalchemy import text

    from data.engine import make_engine
    from data.settings import defaults
    from metrics.core.periods import Period

    p = Period.parse(period_text)
    q = p.prev()
    s = defaults()
    bg, pt = float(s["tier.black_gold"]), float(s["tier.platinum"])
    engine = make_engine(url)
    with engine.connect() as conn:

        def read(sql: str) -> pd.DataFrame:
            return pd.read_sql(text(sql), conn)

        staff = read("SELECT staff_id, role FROM staff WHERE role IN ('planner', 'advisor')")
        clients = read("SELECT client_id, closed_on FROM clients")
        assign = read("SELECT client_id, staff_id, role, start_on, end_on FROM assignments")
        aum = read("SELECT client_id, month, avg_daily_aum FROM aum_monthly")
        archives = read("SELECT client_id, created_on, sealed_on FROM archives")
        needs = read('SELECT staff_id, "at" FROM needs')
        plans = read('SELECT staff_id, "at" FROM plans')
        surveys = read('SELECT staff_id, "at", score FROM surveys')
        trainings = read(
            "SELECT staff_id, period_start, hours_required, hours_done, score FROM trainings"
        )
        certs = read("SELECT staff_id, obtained_on, expires_on FROM certificates")
        rewards = read('SELECT staff_id, "on", kind, points FROM rewards')
    for frame in (clients, assign, archives, certs):
        for col in frame.columns:
            if col.endswith("_on"):
                frame[col] = pd.to_datetime(frame[col])
    aum["month"] = pd.to_datetime(aum["month"])
    aum["avg_daily_aum"] = aum["avg_daily_aum"].astype(float)

    def book(day: pd.Timestamp) -> pd.DataFrame:
        a = assign.merge(staff, on="staff_id", suffixes=("", "_staff"))
        a = a[
            ((a.role_staff == "planner") & (a.role == "primary"))
            | ((a.role_staff == "advisor") & (a.role == "secondary"))
        ]
        a = a[(a.start_on <= day) & (a.end_on.isna() | (a.end_on > day))]
        a = a.merge(clients, on="client_id")
        a = a[a.closed_on.isna() | (a.closed_on > day)]
        a = a[["staff_id", "client_id"]].drop_duplicates()
        m = aum[aum.month == day.replace(day=1)][["client_id", "avg_daily_aum"]]
        a = a.merge(m, on="client_id", how="left").fillna({"avg_daily_aum": 0.0})
        return a

    e, e_prev = pd.Timestamp(p.end), pd.Timestamp(q.end)
    now, prev = book(e), book(e_prev)
    out = staff[["staff_id"]].copy()
    g = now.groupby("staff_id")
    out["aum_stock"] = out.staff_id.map(g.avg_daily_aum.sum()).fillna(0)
    out["top_clients"] = out.staff_id.map(
        now[now.avg_daily_aum >= bg].groupby("staff_id").size()
    ).fillna(0)
    gp = prev.groupby("staff_id")
    out["aum_increment"] = out.aum_stock - out.staff_id.map(gp.avg_daily_aum.sum()).fillna(0)
    out["top_clients_increment"] = out.top_clients - out.staff_id.map(
        prev[prev.avg_daily_aum >= bg].groupby("staff_id").size()
    ).fillna(0)
    base = prev[prev.avg_daily_aum >= pt].merge(clients, on="client_id")
    m_now = aum[aum.month == e.replace(day=1)][["client_id", "avg_daily_aum"]].rename(
        columns={"avg_daily_aum": "aum_now"}
    )
    base = base.merge(m_now, on="client_id", how="left").fillna({"aum_now": 0.0})
    base["retained"] = (base.closed_on.isna() | (base.closed_on > e)) & (base.aum_now >= pt)
    r = base.groupby("staff_id").retained.agg(["sum", "count"])
    out["retention_rate"] = out.staff_id.map(r["sum"] / r["count"])
    tops = now[now.avg_daily_aum >= bg]
    live = archives[
        (archives.created_on <= e) & (archives.sealed_on.isna() | (archives.sealed_on > e))
    ]
    tops = tops.assign(archived=tops.client_id.isin(live.client_id))
    ar = tops.groupby("staff_id").archived.agg(["sum", "count"])
    out["archive_rate"] = out.staff_id.map(ar["sum"] / ar["count"])

    def in_p(frame: pd.DataFrame, col: str) -> pd.DataFrame:
        d = pd.to_datetime(frame[col]).dt.normalize()
        return frame[(d >= pd.Timestamp(p.start)) & (d <= e)]

    sv = in_p(surveys, "at")
    out["satisfaction"] = out.staff_id.map(
        sv.groupby("staff_id").score.apply(lambda x: x.astype(float).mean())
    )
    out["needs_collected"] = out.staff_id.map(in_p(needs, "at").groupby("staff_id").size()).fillna(
        0
    )
    out["plans_produced"] = out.staff_id.map(in_p(plans, "at").groupby("staff_id").size()).fillna(0)
    tr = in_p(trainings, "period_start").copy()
    tr["req"] = tr.hours_required.astype(float)
    tr["cred"] = np.minimum(tr.hours_done.astype(float), tr.req)
    gt = tr.groupby("staff_id")
    out["training_completion"] = out.staff_id.map(gt.cred.sum() / gt.req.sum())
    out["training_score"] = out.staff_id.map(
        gt.score.apply(lambda x: x.dropna().astype(float).mean())
    )
    valid = certs[(certs.obtained_on <= e) & (certs.expires_on.isna() | (certs.expires_on > e))]
    out["certificates"] = out.staff_id.map(valid.groupby("staff_id").size()).fillna(0)
    rw = in_p(rewards, "on").copy()
    rw["signed"] = np.where(rw.kind == "reward", 1, -1) * rw.points.astype(float)
    out["reward_points"] = out.staff_id.map(rw.groupby("staff_id").signed.sum()).fillna(0)
    return (
        out.rename(columns={"staff_id": "entity_id"})
        .sort_values("entity_id")
        .reset_index(drop=True)
    )


# --- (b) the floor: one hand-written DuckDB query per family ------------------------------------

FLOOR_SQL = {
    "financial": """
        WITH ap AS (SELECT s.staff_id, a.client_id, d.day FROM staff s JOIN assignments a ON a.staff_id = s.staff_id
             AND a.role = CASE s.role WHEN 'planner' THEN 'primary' WHEN 'advisor' THEN 'secondary' END
             JOIN (VALUES (DATE '{e}'), (DATE '{ep}')) d(day) ON a.start_on <= d.day AND (a.end_on IS NULL OR a.end_on > d.day)
             JOIN clients c ON c.client_id = a.client_id AND (c.closed_on IS NULL OR c.closed_on > d.day))
        SELECT staff_id, sum(CASE WHEN day = DATE '{e}' THEN v ELSE 0 END),
               sum(CASE WHEN day = DATE '{e}' THEN v ELSE -v END)
        FROM (SELECT DISTINCT ap.staff_id, ap.client_id, ap.day, coalesce(m.avg_daily_aum, 0) v FROM ap
              LEFT JOIN aum_monthly m ON m.client_id = ap.client_id AND m.month = date_trunc('month', ap.day))
        GROUP BY staff_id""",
    "client": """
        WITH bk AS (SELECT DISTINCT s.staff_id, a.client_id, d.day FROM staff s JOIN assignments a ON a.staff_id = s.staff_id
             AND a.role = CASE s.role WHEN 'planner' THEN 'primary' WHEN 'advisor' THEN 'secondary' END
             JOIN (VALUES (DATE '{e}'), (DATE '{ep}')) d(day) ON a.start_on <= d.day AND (a.end_on IS NULL OR a.end_on > d.day)
             JOIN clients c ON c.client_id = a.client_id AND (c.closed_on IS NULL OR c.closed_on > d.day)),
        v AS (SELECT bk.*, coalesce(m.avg_daily_aum, 0) aum FROM bk LEFT JOIN aum_monthly m
              ON m.client_id = bk.client_id AND m.month = date_trunc('month', bk.day)),
        ret AS (SELECT v.staff_id, count(*) base,
                  sum(CASE WHEN (c.closed_on IS NULL OR c.closed_on > DATE '{e}') AND coalesce(n.avg_daily_aum, 0) >= {pt} THEN 1 ELSE 0 END) kept
                FROM v JOIN clients c USING (client_id)
                LEFT JOIN aum_monthly n ON n.client_id = v.client_id AND n.month = DATE '{em}'
                WHERE v.day = DATE '{ep}' AND v.aum >= {pt} GROUP BY v.staff_id),
        srv AS (SELECT staff_id, avg(score) sat FROM surveys WHERE "at" >= TIMESTAMP '{s}' AND "at" < TIMESTAMP '{e1}' GROUP BY staff_id)
        SELECT v.staff_id, sum(CASE WHEN v.day = DATE '{e}' AND aum >= {bg} THEN 1 WHEN aum >= {bg} THEN -1 ELSE 0 END),
               any_value(ret.kept) / any_value(ret.base), any_value(srv.sat)
        FROM v LEFT JOIN ret USING (staff_id) LEFT JOIN srv USING (staff_id) GROUP BY v.staff_id""",
    "process": """
        WITH top AS (SELECT DISTINCT s.staff_id, a.client_id FROM staff s JOIN assignments a ON a.staff_id = s.staff_id
             AND a.role = CASE s.role WHEN 'planner' THEN 'primary' WHEN 'advisor' THEN 'secondary' END
             AND a.start_on <= DATE '{e}' AND (a.end_on IS NULL OR a.end_on > DATE '{e}')
             JOIN clients c ON c.client_id = a.client_id AND (c.closed_on IS NULL OR c.closed_on > DATE '{e}')
             JOIN aum_monthly m ON m.client_id = a.client_id AND m.month = DATE '{em}' AND m.avg_daily_aum >= {bg}),
        arc AS (SELECT top.staff_id, avg(CASE WHEN EXISTS (SELECT 1 FROM archives r WHERE r.client_id = top.client_id
                  AND r.created_on <= DATE '{e}' AND (r.sealed_on IS NULL OR r.sealed_on > DATE '{e}')) THEN 1 ELSE 0 END) rate
                FROM top GROUP BY top.staff_id),
        nd AS (SELECT staff_id, count(*) n FROM needs WHERE "at" >= TIMESTAMP '{s}' AND "at" < TIMESTAMP '{e1}' GROUP BY staff_id),
        pl AS (SELECT staff_id, count(*) n FROM plans WHERE "at" >= TIMESTAMP '{s}' AND "at" < TIMESTAMP '{e1}' GROUP BY staff_id)
        SELECT s.staff_id, arc.rate, nd.n, pl.n FROM staff s LEFT JOIN arc USING (staff_id)
        LEFT JOIN nd USING (staff_id) LEFT JOIN pl USING (staff_id)""",
    "growth": """
        WITH tr AS (SELECT staff_id, sum(least(hours_done, hours_required)) / sum(hours_required) c, avg(score) sc
                    FROM trainings WHERE period_start BETWEEN DATE '{s}' AND DATE '{e}' GROUP BY staff_id),
        ce AS (SELECT staff_id, count(*) n FROM certificates WHERE obtained_on <= DATE '{e}'
               AND (expires_on IS NULL OR expires_on > DATE '{e}') GROUP BY staff_id),
        rw AS (SELECT staff_id, sum(CASE kind WHEN 'reward' THEN points ELSE -points END) p FROM rewards
               WHERE "on" BETWEEN DATE '{s}' AND DATE '{e}' GROUP BY staff_id)
        SELECT s.staff_id, tr.c, tr.sc, ce.n, rw.p FROM staff s LEFT JOIN tr USING (staff_id)
        LEFT JOIN ce USING (staff_id) LEFT JOIN rw USING (staff_id)""",
}


def floor_queries(path: str, period_text: str) -> float:
    import duckdb

    from data.settings import defaults
    from metrics.core.periods import Period

    p = Period.parse(period_text)
    s = defaults()
    params = {
        "s": p.start,
        "e": p.end,
        "e1": p.end + dt.timedelta(days=1),
        "em": p.end.replace(day=1),
        "ep": p.prev().end,
        "bg": s["tier.black_gold"],
        "pt": s["tier.platinum"],
    }
    con = duckdb.connect(path, read_only=True)
    try:
        sql = [q.format(**params) for q in FLOOR_SQL.values()]
        for q in sql:  # warm
            con.execute(q).fetchall()
        t, _ = best(lambda: [con.execute(q).fetchall() for q in sql])
        return t
    finally:
        con.close()


# --- ours ------------------------------------------------------------------------------------


def ours(url: str, period_text: str) -> dict[str, float]:
    from data.engine import make_engine
    from metrics.core.periods import Period
    from metrics.core.scope import Scope
    from metrics.measures.tables import health, scorecard, supervision

    p = Period.parse(period_text)
    everything = Scope.everything()
    engine = make_engine(url)
    out: dict[str, float] = {}
    with engine.connect() as conn:
        started = time.perf_counter()
        scorecard(conn, p, "staff", everything)
        out["scorecard_first_call"] = time.perf_counter() - started
        for level in ("staff", "sub_branch", "branch"):
            out[f"scorecard_{level}"], _ = best(lambda lv=level: scorecard(conn, p, lv, everything))
        for level in ("staff", "sub_branch", "branch"):
            out[f"supervision_{level}"], _ = best(
                lambda lv=level: supervision(conn, p, lv, everything), 3
            )
        for level in ("sub_branch", "branch"):
            out[f"health_{level}"], _ = best(lambda lv=level: health(conn, p, lv, everything), 3)
    return out


COMPLIANCE_CALLS = ("compliance_staff", "compliance_sub_branch", "compliance_branch", "register")


def compliance_call(conn: Any, name: str, period_text: str) -> Any:
    """One of COMPLIANCE_CALLS, as the Compliance page and the CLI make it (director's view)."""
    from data.settings import load_settings
    from metrics.core.periods import Period
    from metrics.core.scope import Scope
    from metrics.measures.compliance import exceptions
    from metrics.measures.tables import compliance

    p, everything = Period.parse(period_text), Scope.everything()
    settings = load_settings(conn)
    if name == "register":
        return exceptions(conn, p, everything, settings)
    return compliance(conn, p, name.removeprefix("compliance_"), everything, settings)


def ours_compliance(url: str, period_text: str) -> dict[str, float]:
    """Warm: best of 3 after a first call, in one process and connection."""
    from data.engine import make_engine

    out: dict[str, float] = {}
    with make_engine(url).connect() as conn:
        for name in COMPLIANCE_CALLS:
            started = time.perf_counter()
            compliance_call(conn, name, period_text)
            out[f"{name}_first_call"] = time.perf_counter() - started
            out[f"{name}_warm"], _ = best(lambda n=name: compliance_call(conn, n, period_text), 3)
    return out


def cold_compliance(url: str, period_text: str, name: str) -> float:
    """A fresh process: import, connect, the first call of `name` (wall time of the call)."""
    code = (
        "import time; from data.engine import make_engine; "
        "from tests.bench.bench_metrics import compliance_call; "
        f"e = make_engine({url!r}); t = time.perf_counter(); c = e.connect(); "
        f"compliance_call(c, {name!r}, {period_text!r}); print(time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def traced_compliance(url: str, period_text: str) -> list[tuple[str, float, int]]:
    """Every statement of the staff-level compliance figures and of the register, warm."""
    from data.engine import make_engine
    from metrics.core import sql

    with make_engine(url).connect() as conn:
        for name in ("compliance_staff", "register"):
            compliance_call(conn, name, period_text)
        with sql.tracing() as trace:
            for name in ("compliance_staff", "register"):
                compliance_call(conn, name, period_text)
    return trace.queries


def report_compliance(url: str, period_text: str) -> dict[str, float]:
    cold_s = {f"{n}_cold": cold_compliance(url, period_text, n) for n in COMPLIANCE_CALLS}
    figures = {**cold_s, **ours_compliance(url, period_text)}
    print("  compliance (lifecycle.md; target <= 1 s warm at branch scale):")
    for name in COMPLIANCE_CALLS:
        print(
            f"    {name:24} warm {figures[f'{name}_warm']:.3f} s   "
            f"first call {figures[f'{name}_first_call']:.3f} s   "
            f"cold (fresh process) {figures[f'{name}_cold']:.3f} s"
        )
    print("  compliance statements (SQL gateway trace, warm; staff figures, then the register):")
    for label, seconds, rows in traced_compliance(url, period_text):
        print(f"    {seconds:7.3f} s  {rows:6d} rows  {label}")
    return figures


def traced(url: str, period_text: str) -> list[tuple[str, float, int]]:
    """Every statement of one staff scorecard, supervision and health (sub-branch) call, timed
    by the SQL gateway (`metrics.core.sql.tracing`), warm."""
    from data.engine import make_engine
    from metrics.core import sql
    from metrics.core.periods import Period
    from metrics.core.scope import Scope
    from metrics.measures.tables import health, scorecard, supervision

    p = Period.parse(period_text)
    everything = Scope.everything()
    with make_engine(url).connect() as conn:
        calls = (
            lambda: scorecard(conn, p, "staff", everything),
            lambda: supervision(conn, p, "staff", everything),
            lambda: health(conn, p, "sub_branch", everything),
        )
        for call in calls:  # warm
            call()
        with sql.tracing() as trace:
            for call in calls:
                call()
    return trace.queries


def whole_process(url: str, period_text: str, runs: int = 5) -> float:
    """Median wall time of the whole command `python -m metrics scorecard --period P --level
    staff --format csv` (interpreter start, imports, opening the database, the figures, the
    CSV), as a scheduled job pays it."""
    times = []
    command = [sys.executable, "-m", "metrics", "scorecard", "--period", period_text]
    command += ["--level", "staff", "--format", "csv", "--db", url]
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def cold(url: str, period_text: str) -> float:
    """A fresh process: import, connect, first scorecard (wall time of the call only)."""
    code = (
        "import time; from data.engine import make_engine; "
        "from metrics.measures.tables import scorecard; "
        "from metrics.core.periods import Period; from metrics.core.scope import Scope; "
        f"e = make_engine({url!r}); t = time.perf_counter(); c = e.connect(); "
        f"scorecard(c, Period.parse({period_text!r}), 'staff', Scope.everything()); "
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def cross_check(url: str, period_text: str, naive: pd.DataFrame) -> int:
    """Figure-by-figure comparison of the naive pipeline with the SQL scorecard; mismatches."""
    from data.engine import make_engine
    from metrics.core.periods import Period
    from metrics.core.scope import Scope
    from metrics.measures.tables import scorecard

    with make_engine(url).connect() as conn:
        sql = scorecard(conn, Period.parse(period_text), "staff", Scope.everything())
    merged = sql.merge(naive, on="entity_id", suffixes=("", "_pd"))
    bad = 0
    for col in naive.columns[1:]:
        a = merged[col].map(lambda v: float(v) if isinstance(v, Decimal) else v).astype(float)
        b = merged[f"{col}_pd"].astype(float)
        same = np.isclose(a.fillna(-1e18), b.fillna(-1e18), rtol=1e-9, atol=0.005)
        if not same.all():
            bad += int((~same).sum())
            print(f"  mismatch in {col}: {int((~same).sum())} rows")
    return bad


def prepare(scale: str, folder: Path) -> str:
    from data.db import upgrade
    from data.demo import DEMO_AS_OF, generate
    from data.engine import make_engine
    from data.importer import load_dir

    url = f"duckdb:///{folder / f'{scale}.duckdb'}"
    generate(scale, folder / "csv")
    engine = make_engine(url)
    upgrade(engine)
    load_dir(engine, folder / "csv", as_of=DEMO_AS_OF)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="an imported DuckDB database (else --scale)")
    parser.add_argument(
        "--scale", default="branch", choices=["tiny", "demo", "branch", "headoffice"]
    )
    parser.add_argument("--period", default="2026Q3")
    parser.add_argument(
        "--ours-only", action="store_true", help="only our figures (no floor, no naive pandas)"
    )
    parser.add_argument(
        "--compliance", action="store_true", help="only the compliance figures and register"
    )
    parser.add_argument("--keep", type=Path, help="build the database in this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            url = args.db
        else:
            folder = args.keep or Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            url = prepare(args.scale, folder)
            print(
                f"built {args.scale} (generate + import) in {time.perf_counter() - started:.0f} s"
            )
        path = url.split("duckdb:///", 1)[1]
        print(f"database {url}, period {args.period}")
        if args.compliance:
            print(json.dumps(report_compliance(url, args.period)))
            return
        cold_s = cold(url, args.period)
        process_s = whole_process(url, args.period)
        figures = ours(url, args.period)
        print(f"  scorecard cold (fresh process, first call): {cold_s:.3f} s")
        print(f"  `python -m metrics scorecard --level staff` whole process: {process_s:.3f} s")
        for key, value in figures.items():
            print(f"  {key:28} {value:.3f} s")
        print("  statements (SQL gateway trace, warm):")
        for label, seconds, rows in traced(url, args.period):
            print(f"    {seconds:7.3f} s  {rows:6d} rows  {label}")
        compliance_s = report_compliance(url, args.period)
        if args.ours_only:
            return
        floor_s = floor_queries(path, args.period)
        started = time.perf_counter()
        naive = naive_pandas_scorecard(url, args.period)
        naive_s = time.perf_counter() - started
        mismatches = cross_check(url, args.period, naive)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        warm = figures["scorecard_staff"]
        print(
            f"  floor (4 hand-written DuckDB queries):  {floor_s:.3f} s  -> ours / floor = {warm / floor_s:.2f}x"
        )
        print(
            f"  naive pandas pipeline (load + compute): {naive_s:.2f} s  -> {naive_s / warm:.0f}x slower than ours"
        )
        print(f"  pandas vs SQL cross-check: {mismatches} mismatching figures")
        print(f"  peak memory of this process: {peak:.0f} MiB")
        print(
            json.dumps(
                {
                    "cold": cold_s,
                    "whole_process": process_s,
                    **figures,
                    **compliance_s,
                    "floor": floor_s,
                    "naive": naive_s,
                    "mismatches": mismatches,
                }
            )
        )


if __name__ == "__main__":
    main()
