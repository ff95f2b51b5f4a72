"""The KPI catalogue: every figure the dashboard shows, defined once (DESIGN.md rule 3).

Each record names a metric (the id is the column name in every table, CLI output and scheme), says
what it means in words — including every choice made where `kpis.md` is silent — which family it
belongs to, its unit, which direction is better and how it rolls up from staff to org units.
Pages, exports, schemes and the command line read this catalogue; the queries that compute the
figures live next door (`metrics.scorecard`, `metrics.supervision`, `metrics.health`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Family = Literal["financial", "client", "process", "growth", "supervision", "health"]
Unit = Literal["yuan", "count", "ratio", "score", "points", "days", "minutes", "hours"]
Better = Literal["higher", "lower"] | None
Rollup = Literal["sum", "ratio", "mean", "stock", "max", "distinct"]
Kind = Literal["appraisal", "supervision", "health"]

APPRAISAL_FAMILIES: tuple[Family, ...] = ("financial", "client", "process", "growth")


@dataclass(frozen=True)
class Metric:
    id: str
    name_en: str
    name_zh: str
    family: Family
    unit: Unit
    better: Better
    description: str
    # How an org unit's figure is made from the same base rows as a staff member's:
    # 'stock' = a sum over the unit's union book (each client once); 'sum' = a sum over the unit's
    # rows (each row once); 'ratio' = sum of numerators / sum of denominators; 'mean' = mean over
    # the underlying rows; 'max' = the largest member value; 'distinct' = distinct things counted
    # over the unit's rows.
    rollup: Rollup
    kind: Kind

    @property
    def has_parts(self) -> bool:
        """Ratios and means carry numerator / denominator columns (`<id>__num`, `<id>__den`)."""
        return self.rollup in ("ratio", "mean")


_BOOK = (
    "book(x, d) = clients with an assignment active on d (start_on <= d < end_on, or no end_on), "
    "role primary for a planner and secondary for an advisor, not closed on d (closed_on empty or "
    "after d); proxy assignments never count. An org unit's book is the union of its members' "
    "books, each client once. AUM(c, d) = avg_daily_aum of the month containing d, a missing month "
    "counting as 0."
)
_IN_P = "A dated row is in P when s <= date(at) <= e."
_STAFF_ROWS = (
    "Staff-level tables list every planner and advisor of the scope, including those who have "
    "left (their figures simply fall to zero / null), so a period's history stays complete."
)

CATALOGUE: tuple[Metric, ...] = (
    # --- appraisal: financial ------------------------------------------------------------------
    Metric(
        "aum_stock",
        "AUM stock",
        "金融资产存量",
        "financial",
        "yuan",
        "higher",
        "Sum of AUM(c, e) over book(x, e), in yuan to the fen (0 for an empty book; a client with "
        "no AUM row for the month of e counts 0 and is a data-quality gap). "
        + _BOOK
        + " "
        + _STAFF_ROWS,
        "stock",
        "appraisal",
    ),
    Metric(
        "aum_increment",
        "AUM increment",
        "金融资产增量",
        "financial",
        "yuan",
        "higher",
        "aum_stock(P) - aum_stock(P-1), each stock on its own period's book (a client moved "
        "between colleagues leaves one increment and enters the other). Never null: an empty "
        "book is a stock of 0.",
        "stock",
        "appraisal",
    ),
    # --- appraisal: client ---------------------------------------------------------------------
    Metric(
        "top_clients",
        "Top clients",
        "顶端客户数",
        "client",
        "count",
        "higher",
        "Number of clients of book(x, e) whose AUM(c, e) >= tier.black_gold (black-gold, "
        "threshold inclusive). An org unit counts each client once even when two members serve it.",
        "stock",
        "appraisal",
    ),
    Metric(
        "top_clients_increment",
        "Top clients increment",
        "顶端客户增量",
        "client",
        "count",
        "higher",
        "top_clients(P) - top_clients(P-1), each on its own period's book.",
        "stock",
        "appraisal",
    ),
    Metric(
        "retention_rate",
        "High-end client retention",
        "高端客户留存率",
        "client",
        "ratio",
        "higher",
        "Base = clients of book(x, e(P-1)) with AUM(c, e(P-1)) >= tier.platinum; retained = base "
        "clients not closed on or before e (closed_on empty or after e) with AUM(c, e) >= "
        "tier.platinum, whoever manages them at e (a client moved to a colleague stays with the "
        "bank). retained / base; null when the base is empty. Numerator and denominator are "
        "distinct clients of the unit's union book at e(P-1).",
        "ratio",
        "appraisal",
    ),
    Metric(
        "satisfaction",
        "Client satisfaction",
        "客户满意度",
        "client",
        "score",
        "higher",
        "Mean score (0-100) of the surveys in P whose staff_id is x; null when there are none. An "
        "org unit's figure is the mean over all its members' surveys (not a mean of means). "
        + _IN_P,
        "mean",
        "appraisal",
    ),
    # --- appraisal: process --------------------------------------------------------------------
    Metric(
        "archive_rate",
        "Top-client archive rate",
        "顶端客户私密档案建档率",
        "process",
        "ratio",
        "higher",
        "Top clients of book(x, e) (AUM(c, e) >= tier.black_gold) having at least one archive "
        "created on or before e and not sealed on or before e (sealed_on empty or after e), "
        "whoever created it, over the top clients of book(x, e); null when there are none.",
        "ratio",
        "appraisal",
    ),
    Metric(
        "needs_collected",
        "Needs and suggestions collected",
        "需求与建议收集数",
        "process",
        "count",
        "higher",
        "Number of needs rows (kind need or suggestion) in P with staff_id x. " + _IN_P,
        "sum",
        "appraisal",
    ),
    Metric(
        "plans_produced",
        "Plans produced",
        "理财方案数",
        "process",
        "count",
        "higher",
        "Number of plans rows (kind plan or quarterly_report) in P with staff_id x. " + _IN_P,
        "sum",
        "appraisal",
    ),
    # --- appraisal: growth ---------------------------------------------------------------------
    Metric(
        "training_completion",
        "Training completion",
        "培训完成率",
        "growth",
        "ratio",
        "higher",
        "Over the trainings of x with period_start in P: sum of min(hours_done, hours_required) / "
        "sum of hours_required (each row capped at 1.0, so over-completing one course cannot make "
        "up for another); null when there are none.",
        "ratio",
        "appraisal",
    ),
    Metric(
        "training_score",
        "Training score",
        "培训成绩",
        "growth",
        "score",
        "higher",
        "Mean score (0-100) of the trainings of x with period_start in P, over the rows that have "
        "a score (a training without a score yet is left out of the mean); null when none has one.",
        "mean",
        "appraisal",
    ),
    Metric(
        "certificates",
        "Valid certificates",
        "有效资格证书数",
        "growth",
        "count",
        "higher",
        "Number of certificate rows of x with obtained_on <= e and (expires_on empty or after e); "
        "a certificate expiring on e no longer counts (a renewal held twice counts twice).",
        "sum",
        "appraisal",
    ),
    Metric(
        "reward_points",
        "Reward points",
        "奖惩积分",
        "growth",
        "points",
        "higher",
        "Sum of points of reward rows minus sum of points of penalty rows of x dated in P "
        "(s <= on <= e); 0 when there are none.",
        "sum",
        "appraisal",
    ),
    # --- supervision (computed by metrics.supervision) -----------------------------------------
    Metric(
        "login_days",
        "Login days",
        "登录天数",
        "supervision",
        "days",
        "higher",
        "Distinct dates in P with at least one login of x. An org unit's figure is the sum of its "
        "members' login days.",
        "sum",
        "supervision",
    ),
    Metric(
        "login_day_rate",
        "Login-day rate",
        "登录率",
        "supervision",
        "ratio",
        "higher",
        "login_days / working days in P (mainland-China working-day calendar, make-up working "
        "weekends included, public holidays excluded). An org unit: sum of members' login days / "
        "(members x working days).",
        "ratio",
        "supervision",
    ),
    Metric(
        "logins",
        "Logins",
        "登录次数",
        "supervision",
        "count",
        "higher",
        "Number of logins of x with login_at in P.",
        "sum",
        "supervision",
    ),
    Metric(
        "avg_session_minutes",
        "Average session length",
        "平均在线时长",
        "supervision",
        "minutes",
        "higher",
        "Mean of logout_at - login_at in minutes over the logins in P that have a logout (a login "
        "without logout is left out); null when none. Org units: mean over all members' sessions.",
        "mean",
        "supervision",
    ),
    Metric(
        "idle_days",
        "Idle days",
        "未登录天数",
        "supervision",
        "days",
        "lower",
        "Calendar days from the date of x's last login on or before e to e (0 when x logged in on "
        "e); null when x never logged in. An org unit: the largest among its members who have "
        "logged in at least once.",
        "max",
        "supervision",
    ),
    Metric(
        "info_updates",
        "Client-info updates",
        "客户信息维护次数",
        "supervision",
        "count",
        "higher",
        "Number of info_updates rows in P by x.",
        "sum",
        "supervision",
    ),
    Metric(
        "info_updated_clients",
        "Clients with info updated",
        "信息维护客户数",
        "supervision",
        "count",
        "higher",
        "Number of distinct clients with an info_updates row in P by x (an org unit counts each "
        "client once).",
        "distinct",
        "supervision",
    ),
    Metric(
        "contacts",
        "Contacts",
        "客户联络次数",
        "supervision",
        "count",
        "higher",
        "Number of contacts rows in P by x (all channels; the split by channel is shown beside it).",
        "sum",
        "supervision",
    ),
    Metric(
        "contact_coverage",
        "Contact coverage",
        "客户联络覆盖率",
        "supervision",
        "ratio",
        "higher",
        "Clients of book(x, e) with a contact by x in P / size of book(x, e); null for an empty "
        "book. An org unit: clients of its union book contacted by any member in P / union book.",
        "ratio",
        "supervision",
    ),
    Metric(
        "cadence_compliance",
        "Contact-cycle compliance",
        "联络周期达标率",
        "supervision",
        "ratio",
        "higher",
        "Clients of book(x, e) whose latest contact (by anyone) on or before e is dated at most "
        "cycle.days[contact_cycle] calendar days before e / size of book(x, e); null for an empty "
        "book.",
        "ratio",
        "supervision",
    ),
    Metric(
        "work_items_created",
        "Work items created",
        "工作事项新建数",
        "supervision",
        "count",
        "higher",
        "Work items of x created in P, cancelled items left out (per kind and in total).",
        "sum",
        "supervision",
    ),
    Metric(
        "work_items_done",
        "Work items done",
        "工作事项完成数",
        "supervision",
        "count",
        "higher",
        "Of the work items created in P (cancelled left out), those with done_at <= e.",
        "sum",
        "supervision",
    ),
    Metric(
        "work_items_completion_rate",
        "Work-item completion rate",
        "工作事项完成率",
        "supervision",
        "ratio",
        "higher",
        "work_items_done / work_items_created; null when none was created.",
        "ratio",
        "supervision",
    ),
    Metric(
        "work_items_overdue",
        "Overdue work items",
        "逾期工作事项数",
        "supervision",
        "count",
        "lower",
        "Work items of x created on or before e, not cancelled, not done by e (done_at empty or "
        "after e), with date(due_at) < e.",
        "sum",
        "supervision",
    ),
    Metric(
        "requests_due",
        "Requests due",
        "到期客户诉求数",
        "supervision",
        "count",
        None,
        "Requests received in P by x from black-gold or platinum clients (tier at the received "
        "month) whose SLA deadline's date is on or before e. Mass clients have no SLA.",
        "sum",
        "supervision",
    ),
    Metric(
        "request_sla",
        "Request SLA compliance",
        "客户诉求时效达标率",
        "supervision",
        "ratio",
        "higher",
        "Share of requests_due that met the SLA. Black-gold: resolved_at <= received_at + "
        "sla.black_gold_hours. Platinum: acknowledged_at <= received_at + sla.platinum_ack_hours "
        "and resolved_at on or before 23:59:59 of the sla.platinum_working_days-th working day "
        "strictly after the received date. Unresolved after the deadline = breach; limits "
        "inclusive. Null when nothing is due.",
        "ratio",
        "supervision",
    ),
    Metric(
        "load",
        "Client load",
        "管户数",
        "supervision",
        "count",
        "lower",
        "Size of book(x, e) (primary clients for a planner, secondary for an advisor); flagged "
        "above load.max_clients. An org unit: its union book, each client once.",
        "stock",
        "supervision",
    ),
    # --- portfolio health (computed by metrics.health) -----------------------------------------
    Metric(
        "coverage",
        "Primary-manager coverage",
        "财富客户主管户覆盖率",
        "health",
        "ratio",
        "higher",
        "Clients with AUM(c, e) >= tier.wealth that have a primary manager at e / all such "
        "clients of the unit (target 100%); null when there are none.",
        "ratio",
        "health",
    ),
    Metric(
        "dual_manager",
        "Dual-manager top clients",
        "顶端客户双经理覆盖率",
        "health",
        "ratio",
        "higher",
        "Top clients (AUM(c, e) >= tier.black_gold) with both a primary and a secondary manager "
        "at e / top clients; null when there are none.",
        "ratio",
        "health",
    ),
    Metric(
        "overloaded_planners",
        "Overloaded planners",
        "超负荷理财经理数",
        "health",
        "count",
        "lower",
        "Planners of the unit whose load (primary book at e) exceeds load.max_clients.",
        "sum",
        "health",
    ),
    Metric(
        "retention_alerts",
        "Retention alerts",
        "客户流失预警数",
        "health",
        "count",
        "lower",
        "Per month m of P and client c in a member's book on the alert day: one alert when AUM "
        "fell by at least alert.aum_drop from m-1 to m (AUM(m-1) > 0) or the tier fell (alert day "
        "= last day of m, at most one per client and month); plus one alert per account event "
        "(large_outflow, closure; alert day = its date, book taken the day before for a closure).",
        "sum",
        "health",
    ),
    Metric(
        "followup_rate",
        "Alert follow-up rate",
        "预警跟进率",
        "health",
        "ratio",
        "higher",
        "Alerts followed by a contact with the client by its primary manager on the alert day, "
        "dated from the alert day to alert day + alert.followup_days inclusive (calendar dates) / "
        "retention_alerts; null when there are none.",
        "ratio",
        "health",
    ),
)

BY_ID: dict[str, Metric] = {m.id: m for m in CATALOGUE}


def appraisal_ids() -> list[str]:
    """The 13 appraisal KPIs in kpis.md order (the scorecard's column order)."""
    return [m.id for m in CATALOGUE if m.kind == "appraisal"]


def supervision_ids() -> list[str]:
    """The supervision columns in cli.md order."""
    return [m.id for m in CATALOGUE if m.kind == "supervision"]


def health_ids() -> list[str]:
    """The portfolio-health columns in cli.md order."""
    return [m.id for m in CATALOGUE if m.kind == "health"]


def ids_of(kind: Kind) -> list[str]:
    return {"appraisal": appraisal_ids, "supervision": supervision_ids, "health": health_ids}[
        kind
    ]()


def markdown_table() -> str:
    """The metric table of the documentation (docs/metrics.md), generated from the catalogue."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "# Metrics",
        "",
        "Generated by `python -m metrics catalogue --markdown` from `metrics/catalogue.py`; "
        "do not edit by hand.",
        "",
        "| id | name | 名称 | family | unit | better | roll-up | definition |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for m in CATALOGUE:
        lines.append(
            f"| `{m.id}` | {cell(m.name_en)} | {cell(m.name_zh)} | {m.family} | {m.unit} | "
            f"{m.better or ''} | {m.rollup} | {cell(m.description)} |"
        )
    return "\n".join(lines) + "\n"


README_START = "<!-- metrics:start (generated by `python -m metrics catalogue --readme`) -->"
README_END = "<!-- metrics:end -->"


def readme_table() -> str:
    """The compact metric table of README.md (definitions are in docs/metrics.md)."""
    lines = [
        README_START,
        "| id | name | 名称 | family | unit | better | roll-up |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for m in CATALOGUE:
        lines.append(
            f"| `{m.id}` | {m.name_en} | {m.name_zh} | {m.family} | {m.unit} | "
            f"{m.better or ''} | {m.rollup} |"
        )
    lines.append(README_END)
    return "\n".join(lines) + "\n"
