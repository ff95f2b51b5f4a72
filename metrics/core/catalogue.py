"""The KPI catalogue: every figure the dashboard shows, defined once (DESIGN.md rule 3).

Each record names a metric (the id is the column name in every table, CLI output and scheme), says
what it means in words, in English and Chinese — including every choice made where the spec is
silent —, which family it belongs to, its unit, which direction is better, and **how it is
computed**: its row source, aggregation and filter (`metrics.core.spec`). The measure layer
(`metrics.measures.layer`) generates the SQL, the frame's columns and types, the drill-through and
the re-aggregation from these records; pages, exports, schemes, the docs and the command line read
them. Adding a KPI that counts or sums rows of an existing row source is one record here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from data.contract import BY_NAME
from metrics.core.spec import (
    Change,
    Compute,
    DaysBefore,
    Detail,
    Exceeds,
    Ratio,
    Value,
    count,
    distinct,
    earliest,
    mean,
    split,
    total,
)

Family = Literal["financial", "client", "process", "growth", "supervision", "health", "compliance"]
Unit = Literal["yuan", "count", "ratio", "score", "points", "days", "minutes", "hours"]
Better = Literal["higher", "lower"] | None
Rollup = Literal["sum", "ratio", "mean", "stock", "max", "distinct"]
Kind = Literal["appraisal", "supervision", "health", "compliance"]
Level = Literal["staff", "sub_branch", "branch"]

APPRAISAL_FAMILIES: tuple[Family, ...] = ("financial", "client", "process", "growth")
KINDS: tuple[Kind, ...] = ("appraisal", "supervision", "health", "compliance")
ALL_LEVELS: tuple[Level, ...] = ("staff", "sub_branch", "branch")
UNIT_LEVELS: tuple[Level, ...] = ("sub_branch", "branch")
CHANNELS = BY_NAME["contacts"].column("channel").enum
WORK_KINDS = BY_NAME["work_items"].column("kind").enum
# Row sources with one row per client of the entity's (union) book: a count or sum over them is a
# stock, each client once however many members serve it.
BOOK_SOURCES = ("stock", "book", "new_clients")


@dataclass(frozen=True)
class Metric:
    id: str
    name_en: str
    name_zh: str
    family: Family
    unit: Unit
    better: Better
    kind: Kind
    description: str
    description_zh: str
    compute: Compute
    # Columns shown beside the figure: splits, data-quality counts, flags.
    details: tuple[Detail, ...] = ()
    levels: tuple[Level, ...] = ALL_LEVELS

    @property
    def has_parts(self) -> bool:
        """Ratios and means carry numerator / denominator columns (`<id>__num`, `<id>__den`)."""
        return isinstance(self.compute, Ratio)

    @property
    def rollup(self) -> Rollup:
        """How an org unit's figure is made from the same base rows as a staff member's:
        'stock' = over the unit's union book (each client once); 'sum' = over the unit's rows
        (each row once); 'ratio' = sum of numerators / sum of denominators; 'mean' = over the
        underlying rows; 'max' = the largest member value; 'distinct' = distinct things counted
        over the unit's rows."""
        compute = self.compute
        if isinstance(compute, Ratio):
            is_mean = compute.den.fn == "count" and compute.den.column is not None
            return "mean" if is_mean else "ratio"
        if isinstance(compute, DaysBefore):
            return "max"
        if isinstance(compute, Change):
            return "stock"
        if compute.agg.fn == "distinct":
            return "distinct"
        return "stock" if compute.agg.source in BOOK_SOURCES else "sum"


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
    Metric(
        id="aum_stock",
        name_en="AUM stock",
        name_zh="金融资产存量",
        family="financial",
        unit="yuan",
        better="higher",
        kind="appraisal",
        description=(
            "Sum of AUM(c, e) over book(x, e), in yuan to the fen (0 for an empty book; a client "
            "with no AUM row for the month of e counts 0 and is a data-quality gap). "
        )
        + _BOOK
        + " "
        + _STAFF_ROWS,
        description_zh=(
            "期末管户客户（主管户理财经理 / "
            "副管户理财师，不含代理及已销户客户）期末所在月日均金融资产之和；缺少当月数据的客户按0计并记为数据缺口。机构按成员管户并集计，每位客户只计一次。"
        ),
        compute=Value(total("stock", "aum", cast="money")),
        details=(Detail("aum_gaps", Value(count("stock", "aum_missing"))),),
    ),
    Metric(
        id="aum_increment",
        name_en="AUM increment",
        name_zh="金融资产增量",
        family="financial",
        unit="yuan",
        better="higher",
        kind="appraisal",
        description=(
            "aum_stock(P) - aum_stock(P-1), each stock on its own period's book (a client moved "
            "between colleagues leaves one increment and enters the other). Never null: an empty "
            "book is a stock of 0."
        ),
        description_zh="本期金融资产存量减上期存量，各期按各自期末的管户计算；客户在同事间移交时，一方减少、一方增加。",
        compute=Change(total("stock", "aum", cast="money")),
    ),
    Metric(
        id="top_clients",
        name_en="Top clients",
        name_zh="顶端客户数",
        family="client",
        unit="count",
        better="higher",
        kind="appraisal",
        description=(
            "Number of clients of book(x, e) whose AUM(c, e) >= tier.black_gold (black-gold, "
            "threshold inclusive). An org unit counts each client once even when two members serve "
            "it."
        ),
        description_zh="期末管户中日均金融资产达到黑金门槛（tier.black_gold，含）的客户数；机构内两名成员共同服务的客户只计一次。",
        compute=Value(count("stock", "is_top")),
    ),
    Metric(
        id="top_clients_increment",
        name_en="Top clients increment",
        name_zh="顶端客户增量",
        family="client",
        unit="count",
        better="higher",
        kind="appraisal",
        description="top_clients(P) - top_clients(P-1), each on its own period's book.",
        description_zh="本期顶端客户数减上期顶端客户数，各期按各自期末的管户计算。",
        compute=Change(count("stock", "is_top")),
    ),
    Metric(
        id="retention_rate",
        name_en="High-end client retention",
        name_zh="高端客户留存率",
        family="client",
        unit="ratio",
        better="higher",
        kind="appraisal",
        description=(
            "Base = clients of book(x, e(P-1)) with AUM(c, e(P-1)) >= tier.platinum; retained = "
            "base clients not closed on or before e (closed_on empty or after e) with AUM(c, e) >= "
            "tier.platinum, whoever manages them at e (a client moved to a colleague stays with the "
            "bank). retained / base; null when the base is empty. Numerator and denominator are "
            "distinct clients of the unit's union book at e(P-1)."
        ),
        description_zh="基数 = 上期末管户中金融资产达到白金门槛的客户；留存 = 其中本期末未销户且金融资产仍达到白金门槛的客户（不论由谁管户）。留存数 / 基数，基数为空时不计算。",
        compute=Ratio(count("retention", "retained"), count("retention")),
    ),
    Metric(
        id="satisfaction",
        name_en="Client satisfaction",
        name_zh="客户满意度",
        family="client",
        unit="score",
        better="higher",
        kind="appraisal",
        description=(
            "Mean score (0-100) of the surveys in P whose staff_id is x; null when there are none. "
            "An org unit's figure is the mean over all its members' surveys (not a mean of means). "
        )
        + _IN_P,
        description_zh="本期内员工为x的满意度调查平均分（0–100）；无调查时不计算。机构为全部成员调查的平均分（非平均的平均）。",
        compute=mean("surveys", "score"),
    ),
    Metric(
        id="archive_rate",
        name_en="Top-client archive rate",
        name_zh="顶端客户私密档案建档率",
        family="process",
        unit="ratio",
        better="higher",
        kind="appraisal",
        description=(
            "Top clients of book(x, e) (AUM(c, e) >= tier.black_gold) having at least one archive "
            "created on or before e and not sealed on or before e (sealed_on empty or after e), "
            "whoever created it, over the top clients of book(x, e); null when there are none."
        ),
        description_zh="期末顶端客户中已建立且未封存私密档案的客户数 / 期末顶端客户数（不论档案由谁建立）；无顶端客户时不计算。",
        compute=Ratio(count("archive", "archived"), count("archive")),
    ),
    Metric(
        id="needs_collected",
        name_en="Needs and suggestions collected",
        name_zh="需求与建议收集数",
        family="process",
        unit="count",
        better="higher",
        kind="appraisal",
        description="Number of needs rows (kind need or suggestion) in P with staff_id x. " + _IN_P,
        description_zh="本期内员工x收集的需求与建议条数。",
        compute=Value(count("needs")),
    ),
    Metric(
        id="plans_produced",
        name_en="Plans produced",
        name_zh="理财方案数",
        family="process",
        unit="count",
        better="higher",
        kind="appraisal",
        description="Number of plans rows (kind plan or quarterly_report) in P with staff_id x. "
        + _IN_P,
        description_zh="本期内员工x出具的理财方案与季度报告份数。",
        compute=Value(count("plans")),
    ),
    Metric(
        id="training_completion",
        name_en="Training completion",
        name_zh="培训完成率",
        family="growth",
        unit="ratio",
        better="higher",
        kind="appraisal",
        description=(
            "Over the trainings of x with period_start in P: sum of min(hours_done, hours_required) "
            "/ sum of hours_required (each row capped at 1.0, so over-completing one course cannot "
            "make up for another); null when there are none."
        ),
        description_zh="本期开始的培训中，Σ min(已完成学时, 应完成学时) / Σ 应完成学时（每门课最多计100%）；无培训时不计算。",
        compute=Ratio(
            total("trainings", "hours_credited", cast="decimal"),
            total("trainings", "hours_required", cast="decimal"),
        ),
    ),
    Metric(
        id="training_score",
        name_en="Training score",
        name_zh="培训成绩",
        family="growth",
        unit="score",
        better="higher",
        kind="appraisal",
        description=(
            "Mean score (0-100) of the trainings of x with period_start in P, over the rows that "
            "have a score (a training without a score yet is left out of the mean); null when none "
            "has one."
        ),
        description_zh="本期开始且已有成绩的培训的平均成绩（0–100）；均无成绩时不计算。",
        compute=mean("trainings", "score"),
    ),
    Metric(
        id="certificates",
        name_en="Valid certificates",
        name_zh="有效资格证书数",
        family="growth",
        unit="count",
        better="higher",
        kind="appraisal",
        description=(
            "Number of certificate rows of x with obtained_on <= e and (expires_on empty or after "
            "e); a certificate expiring on e no longer counts (a renewal held twice counts twice)."
        ),
        description_zh="期末有效的资格证书数：取得日不晚于期末，且无到期日或到期日晚于期末。",
        compute=Value(count("certificates")),
    ),
    Metric(
        id="reward_points",
        name_en="Reward points",
        name_zh="奖惩积分",
        family="growth",
        unit="points",
        better="higher",
        kind="appraisal",
        description=(
            "Sum of points of reward rows minus sum of points of penalty rows of x dated in P (s <= "
            "on <= e); 0 when there are none."
        ),
        description_zh="本期内奖励积分之和减去处罚积分之和；无记录时为0。",
        compute=Value(total("rewards", "signed_points", cast="money")),
    ),
    Metric(
        id="login_days",
        name_en="Login days",
        name_zh="登录天数",
        family="supervision",
        unit="days",
        better="higher",
        kind="supervision",
        description=(
            "Distinct working days in P (mainland-China calendar: make-up working weekends "
            "included, weekends and public holidays excluded) with at least one login of x. A "
            "login on a day off counts in logins, not here, so login_day_rate never exceeds 100%. "
            "An org unit's figure is the sum of its members' login days."
        ),
        description_zh=(
            "本期内有登录的不同工作日数（中国大陆工作日历：含调休上班日，不含周末及法定节假日）；"
            "非工作日的登录计入登录次数，不计入此项，故登录率不超过100%。机构为成员登录天数之和。"
        ),
        compute=Value(count("login_days")),
    ),
    Metric(
        id="login_day_rate",
        name_en="Login-day rate",
        name_zh="登录率",
        family="supervision",
        unit="ratio",
        better="higher",
        kind="supervision",
        description=(
            "login_days / working days in P (mainland-China working-day calendar, make-up working "
            "weekends included, public holidays excluded). An org unit: sum of members' login days "
            "/ (members x working days)."
        ),
        description_zh="登录天数 / 本期工作日数（中国大陆工作日历，含调休上班日，不含法定节假日）；机构为成员登录天数之和 / （人数 × 工作日数）。",
        compute=Ratio(total("member_logins", "login_days"), total("member_logins", "working_days")),
    ),
    Metric(
        id="logins",
        name_en="Logins",
        name_zh="登录次数",
        family="supervision",
        unit="count",
        better="higher",
        kind="supervision",
        description="Number of logins of x with login_at in P.",
        description_zh="本期内登录次数。",
        compute=Value(count("logins")),
    ),
    Metric(
        id="avg_session_minutes",
        name_en="Average session length",
        name_zh="平均在线时长",
        family="supervision",
        unit="minutes",
        better="higher",
        kind="supervision",
        description=(
            "Mean of logout_at - login_at in minutes over the logins in P that have a logout (a "
            "login without logout is left out); null when none. Org units: mean over all members' "
            "sessions."
        ),
        description_zh="本期内有登出记录的登录的平均在线时长（分钟）；机构为全部成员会话的平均值。",
        compute=mean("logins", "session_seconds", divide_by=60),
    ),
    Metric(
        id="idle_days",
        name_en="Idle days",
        name_zh="未登录天数",
        family="supervision",
        unit="days",
        better="lower",
        kind="supervision",
        description=(
            "Calendar days from the date of x's last login on or before e to e (0 when x logged in "
            "on e); null when x never logged in. An org unit: the largest among its members who "
            "have logged in at least once."
        ),
        description_zh="期末距最近一次登录（不晚于期末）的天数；从未登录时不计算。机构取登录过的成员中的最大值。",
        compute=DaysBefore(earliest("member_logins", "last_login_on")),
    ),
    Metric(
        id="info_updates",
        name_en="Client-info updates",
        name_zh="客户信息维护次数",
        family="supervision",
        unit="count",
        better="higher",
        kind="supervision",
        description="Number of info_updates rows in P by x.",
        description_zh="本期内员工x的客户信息维护次数。",
        compute=Value(count("info_updates")),
    ),
    Metric(
        id="info_updated_clients",
        name_en="Clients with info updated",
        name_zh="信息维护客户数",
        family="supervision",
        unit="count",
        better="higher",
        kind="supervision",
        description=(
            "Number of distinct clients with an info_updates row in P by x (an org unit counts each "
            "client once)."
        ),
        description_zh="本期内员工x维护过信息的不同客户数。",
        compute=Value(distinct("info_updates", "client_id")),
    ),
    Metric(
        id="contacts",
        name_en="Contacts",
        name_zh="客户联络次数",
        family="supervision",
        unit="count",
        better="higher",
        kind="supervision",
        description=(
            "Number of contacts rows in P by x (all channels; the split by channel is shown beside "
            "it)."
        ),
        description_zh="本期内员工x的客户联络次数，可按渠道细分。",
        compute=Value(count("contacts")),
        details=split("contacts", count("contacts"), "channel", CHANNELS),
    ),
    Metric(
        id="contact_coverage",
        name_en="Contact coverage",
        name_zh="客户联络覆盖率",
        family="supervision",
        unit="ratio",
        better="higher",
        kind="supervision",
        description=(
            "Clients of book(x, e) with a contact by x in P / size of book(x, e); null for an empty "
            "book. An org unit: clients of its union book contacted by any member in P / union "
            "book."
        ),
        description_zh="期末管户中本期内被x联络过的客户数 / 期末管户客户数。",
        compute=Ratio(count("book", "contacted"), count("book")),
    ),
    Metric(
        id="cadence_compliance",
        name_en="Contact-cycle compliance",
        name_zh="联络周期达标率",
        family="supervision",
        unit="ratio",
        better="higher",
        kind="supervision",
        description=(
            "Clients of book(x, e) whose latest contact (by anyone) on or before e is dated at most "
            "cycle.days[contact_cycle] calendar days before e / size of book(x, e); null for an "
            "empty book."
        ),
        description_zh="期末管户中，最近一次联络（任何人）距期末不超过其联络周期天数的客户数 / 期末管户客户数；未设联络周期的客户按季度计。",
        compute=Ratio(count("book", "compliant"), count("book")),
    ),
    Metric(
        id="work_items_created",
        name_en="Work items created",
        name_zh="工作事项新建数",
        family="supervision",
        unit="count",
        better="higher",
        kind="supervision",
        description="Work items of x created in P, cancelled items left out (per kind and in total).",
        description_zh="本期新建的工作事项数（不含已取消事项），可按活动、事件、问题、商机、短信分类。",
        compute=Value(count("work_items", "created")),
        details=split("work_items_created", count("work_items", "created"), "kind", WORK_KINDS),
    ),
    Metric(
        id="work_items_done",
        name_en="Work items done",
        name_zh="工作事项完成数",
        family="supervision",
        unit="count",
        better="higher",
        kind="supervision",
        description="Of the work items created in P (cancelled left out), those with done_at <= e.",
        description_zh="本期新建且在期末前完成的工作事项数。",
        compute=Value(count("work_items", "done")),
        details=(
            *split("work_items_done", count("work_items", "done"), "kind", WORK_KINDS),
            Detail("work_items_done_on_time", Value(count("work_items", "done_on_time"))),
        ),
    ),
    Metric(
        id="work_items_completion_rate",
        name_en="Work-item completion rate",
        name_zh="工作事项完成率",
        family="supervision",
        unit="ratio",
        better="higher",
        kind="supervision",
        description="work_items_done / work_items_created; null when none was created.",
        description_zh="完成数 / 新建数。",
        compute=Ratio(count("work_items", "done"), count("work_items", "created")),
    ),
    Metric(
        id="work_items_overdue",
        name_en="Overdue work items",
        name_zh="逾期工作事项数",
        family="supervision",
        unit="count",
        better="lower",
        kind="supervision",
        description=(
            "Work items of x created on or before e, not cancelled, not done by e (done_at empty or "
            "after e), with date(due_at) < e."
        ),
        description_zh="期末前新建、期末仍未完成且到期日早于期末的工作事项数。",
        compute=Value(count("work_items", "overdue")),
        details=split("work_items_overdue", count("work_items", "overdue"), "kind", WORK_KINDS),
    ),
    Metric(
        id="requests_due",
        name_en="Requests due",
        name_zh="到期客户诉求数",
        family="supervision",
        unit="count",
        better=None,
        kind="supervision",
        description=(
            "Requests received in P by x from black-gold or platinum clients (tier at the received "
            "month) whose SLA deadline's date is on or before e. Mass clients have no SLA."
        ),
        description_zh="本期受理、来自黑金或白金客户（按受理月份层级）且时限不晚于期末的客户诉求数；大众客户无时限要求。",
        compute=Value(count("requests", "due")),
    ),
    Metric(
        id="request_sla",
        name_en="Request SLA compliance",
        name_zh="客户诉求时效达标率",
        family="supervision",
        unit="ratio",
        better="higher",
        kind="supervision",
        description=(
            "Share of requests_due that met the SLA. Black-gold: resolved_at <= received_at + "
            "sla.black_gold_hours. Platinum: acknowledged_at <= received_at + "
            "sla.platinum_ack_hours and resolved_at on or before 23:59:59 of the "
            "sla.platinum_working_days-th working day strictly after the received date. Unresolved "
            "after the deadline = breach; limits inclusive. Null when nothing is due."
        ),
        description_zh=(
            "到期诉求中达标的比例。黑金：受理后 sla.black_gold_hours 小时内办结；白金：sla.platinum_ack_hours 小时内响应，且在受理日之后第 "
            "sla.platinum_working_days 个工作日23:59:59前办结。超过时限仍未办结即为超时。"
        ),
        compute=Ratio(count("requests", "met"), count("requests", "due")),
        details=(Detail("requests_met", Value(count("requests", "met"))),),
    ),
    Metric(
        id="load",
        name_en="Client load",
        name_zh="管户数",
        family="supervision",
        unit="count",
        better="lower",
        kind="supervision",
        description=(
            "Size of book(x, e) (primary clients for a planner, secondary for an advisor); flagged "
            "above load.max_clients. An org unit: its union book, each client once."
        ),
        description_zh="期末管户客户数（理财经理按主管户、理财师按副管户计）；超过 load.max_clients 即标记为超负荷。",
        compute=Value(count("book")),
        details=(Detail("load_flag", Exceeds("load", "load.max_clients"), levels=("staff",)),),
    ),
    Metric(
        id="opportunity_value",
        name_en="Opportunity value",
        name_zh="商机金额",
        family="supervision",
        unit="yuan",
        better="higher",
        kind="supervision",
        description=(
            "Sum of the amount (CNY) of the opportunity work items of x created in P, cancelled "
            "items left out; an opportunity without an amount adds 0. " + _IN_P
        ),
        description_zh="本期内员工x新建的商机类工作事项（不含已取消事项）金额之和；未填金额的商机按0计。",
        compute=Value(
            total("work_items", "amount", "created", ("kind", "opportunity"), cast="money")
        ),
    ),
    Metric(
        id="coverage",
        name_en="Primary-manager coverage",
        name_zh="财富客户主管户覆盖率",
        family="health",
        unit="ratio",
        better="higher",
        kind="health",
        description=(
            "Clients with AUM(c, e) >= tier.wealth that have a primary manager at e / all such "
            "clients of the unit (target 100%); null when there are none."
        ),
        description_zh="期末金融资产达到财富客户门槛（tier.wealth）且有主管户经理的客户数 / 全部此类客户数（目标100%）。",
        compute=Ratio(
            count("wealth_clients", "is_wealth", "has_primary"),
            count("wealth_clients", "is_wealth"),
        ),
        levels=UNIT_LEVELS,
    ),
    Metric(
        id="dual_manager",
        name_en="Dual-manager top clients",
        name_zh="顶端客户双经理覆盖率",
        family="health",
        unit="ratio",
        better="higher",
        kind="health",
        description=(
            "Top clients (AUM(c, e) >= tier.black_gold) with both a primary and a secondary manager "
            "at e / top clients; null when there are none."
        ),
        description_zh="期末同时有主管户经理与副管户理财师的顶端客户数 / 顶端客户数。",
        compute=Ratio(
            count("wealth_clients", "is_top", "has_primary", "has_secondary"),
            count("wealth_clients", "is_top"),
        ),
        levels=UNIT_LEVELS,
    ),
    Metric(
        id="overloaded_planners",
        name_en="Overloaded planners",
        name_zh="超负荷理财经理数",
        family="health",
        unit="count",
        better="lower",
        kind="health",
        description="Planners of the unit whose load (primary book at e) exceeds load.max_clients.",
        description_zh="机构内期末主管户客户数超过 load.max_clients 的理财经理人数。",
        compute=Value(count("planner_load", "overloaded")),
        levels=UNIT_LEVELS,
    ),
    Metric(
        id="retention_alerts",
        name_en="Retention alerts",
        name_zh="客户流失预警数",
        family="health",
        unit="count",
        better="lower",
        kind="health",
        description=(
            "Per month m of P and client c in a member's book on the alert day: one alert when AUM "
            "fell by at least alert.aum_drop from m-1 to m (AUM(m-1) > 0) or the tier fell (alert "
            "day = last day of m, at most one per client and month); plus one alert per account "
            "event (large_outflow, closure; alert day = its date, book taken the day before for a "
            "closure)."
        ),
        description_zh="本期各月：客户月日均金融资产较上月下降达到 alert.aum_drop 或层级下降时预警一次（预警日为月末，每客户每月最多一次）；另每笔大额转出、销户事件各预警一次。",
        compute=Value(count("alerts")),
        levels=UNIT_LEVELS,
    ),
    Metric(
        id="followup_rate",
        name_en="Alert follow-up rate",
        name_zh="预警跟进率",
        family="health",
        unit="ratio",
        better="higher",
        kind="health",
        description=(
            "Alerts followed by a contact with the client by its primary manager on the alert day, "
            "dated from the alert day to alert day + alert.followup_days inclusive (calendar dates) "
            "/ retention_alerts; null when there are none."
        ),
        description_zh="预警日至预警日后 alert.followup_days 天（含）内，由客户主管户经理联络过的预警数 / 预警总数。",
        compute=Ratio(count("alerts", "followed_up"), count("alerts")),
        details=(Detail("alerts_followed", Value(count("alerts", "followed_up"))),),
        levels=UNIT_LEVELS,
    ),
)


# --- the client life cycle and account-opening compliance (lifecycle.md) -------------------------

SOURCES = BY_NAME["clients"].column("source").enum
# (rule id, English name, 中文名, what an exception is) in lifecycle.md's order.
RULES: tuple[tuple[str, str, str, str], ...] = (
    (
        "opening_below_threshold",
        "Opening below the threshold",
        "低于准入标准开户",
        "An opening in P with assets_at_opening below tier.wealth and no approval_ref (a "
        "below-threshold opening needs the tier-1 branch's approval). Charged to the opener; day = "
        "the opening day, ref = the opening_id.",
    ),
    (
        "opening_not_wealth_manager",
        "Opened by an unqualified person",
        "开户人员资质不符",
        "An opening in P whose opener is not a planner or advisor, or had left (left_on on or "
        "before the opening day). Charged to the opener.",
    ),
    (
        "opening_kyc_missing",
        "Know-your-client missing",
        "未先了解客户",
        "An opening in P without kyc_at, or with kyc_at after opened_at (timestamps compared).",
    ),
    (
        "opening_risk_missing",
        "Risk assessment missing",
        "未先完成风险评估",
        "An opening in P without risk_assessed_at, with it after opened_at, or before kyc_at (the "
        "steps may not be skipped or reordered).",
    ),
    (
        "opening_not_archived",
        "Information not archived in time",
        "开户后未及时录入档案",
        "An opening in P without a comprehensive info update of the client (by anyone) from the "
        "opening day to the end of the opening.archive_working_days-th working day after it; "
        "judged once that deadline is on or before e.",
    ),
    (
        "opening_no_followup",
        "No follow-up after opening",
        "开户后未跟进",
        "An opening in P without a contact with the client by a staff member who is its primary "
        "manager on the contact's day, from the opening day to the end of the "
        "opening.followup_working_days-th working day after it; judged once that deadline is on or "
        "before e.",
    ),
    (
        "client_unmaintained",
        "Client not maintained",
        "客户无人维护",
        "A client open at e with AUM(c, e) >= tier.wealth or an opening on or before e, without a "
        "primary assignment active at e held by staff who have not left. Charged to the org unit "
        "alone (staff empty): the leaver's, else the latest earlier primary manager's, else the "
        "branch of the client's opening unit, else the bank's only branch.",
    ),
    (
        "client_two_primaries",
        "Two primary managers",
        "多个主客户经理",
        "A client open at e with two or more primary assignments active at e: one row per such "
        "assignment, charged to its staff member; ref = its start_on.",
    ),
    (
        "risk_assessment_due",
        "Risk assessment due",
        "风险评估过期或缺失",
        "A client open at e with AUM(c, e) >= tier.wealth and a primary manager at e whose latest "
        "risk assessment on or before e is missing or more than kyc.valid_days days before e "
        "(exactly kyc.valid_days is still valid); ref = its assessed_on. Charged to the primary "
        "manager (with two, the one whose assignment started last).",
    ),
    (
        "upgrade_no_secondary",
        "Upgraded without a secondary manager",
        "升级未配副客户经理",
        "A client open at e, black-gold at the month-ends of m(e) and of the "
        "lifecycle.grace_months months before it, without a secondary assignment active at e. "
        "Charged to the primary manager at e.",
    ),
    (
        "downgrade_secondary_kept",
        "Downgraded, secondary manager kept",
        "降级未取消副客户经理",
        "A client open at e, below black-gold at the month-ends of m(e) and of the "
        "lifecycle.grace_months months before it (a missing month is 0), with a secondary "
        "assignment active at e. Charged to the primary manager at e.",
    ),
    (
        "downgrade_archive_open",
        "Downgraded, archive not sealed",
        "降级未封存档案",
        "The same clients as downgrade_secondary_kept, for each archive created by an advisor on "
        "or before e and not sealed on or before e: one row per archive, ref = its created_on.",
    ),
    (
        "loss_managers_kept",
        "Lost client still assigned",
        "销户后未解除管户",
        "A client closed more than lifecycle.grace_days days before e with a primary or secondary "
        "assignment still active at e. Charged to the primary manager on the day before the "
        "closure.",
    ),
    (
        "loss_archive_open",
        "Lost client's archive not sealed",
        "销户后档案未封存",
        "A client closed more than lifecycle.grace_days days before e with an archive not sealed "
        "on or before e: one row per archive, ref = its created_on.",
    ),
    (
        "intro_no_first_contact",
        "No first contact with a new client",
        "新分配客户未首次联系",
        "A primary or secondary assignment starting in P without a contact with the client by "
        "its staff member from start_on to the end of the intro.first_contact_working_days-th "
        "working day after it; judged once that deadline is on or before e. day = start_on, "
        "ref = the role.",
    ),
    (
        "care_missed",
        "Care date missed",
        "关怀日未关怀",
        "A care date of care_dates (this year's month_day; 02-29 falls on 02-28 in other years) "
        "in P, on or before e, of a client in a planner's primary book that day, without a "
        "contact of purpose care by that planner from care.lead_days days before to the day "
        "itself. Charged to that planner; ref = the care date's kind.",
    ),
    (
        "plan_no_quarterly_report",
        "Plan without its quarterly report",
        "理财方案未按季出具报告",
        "For each quarter Q wholly in P (never for a month) and each client open at Q's end whose "
        "latest plan on or before Q's end is dated before Q: no quarterly_report of the client "
        "dated in Q naming that plan in plan_ref (or naming no plan). Charged to the plan's "
        "author; day = Q's last day, ref = the plan_id.",
    ),
)


# What each rule checks, in Chinese (the fourth item of RULES in English).
RULE_DESCRIPTIONS_ZH: dict[str, str] = {
    "opening_below_threshold": (
        "本期开户时金融资产低于财富客户标准（tier.wealth）且无一级分行审批编号的开户。记在开户人员名下；"
        "日期为开户日，关联记录为开户编号。"
    ),
    "opening_not_wealth_manager": (
        "本期开户的开户人员不是理财经理或理财师，或开户日已离职。记在开户人员名下。"
    ),
    "opening_kyc_missing": "本期开户无了解客户完成时间，或了解客户晚于开户时间（按时间戳比较）。",
    "opening_risk_missing": (
        "本期开户无风险评估完成时间，或风险评估晚于开户时间，或早于了解客户（步骤不得省略或颠倒）。"
    ),
    "opening_not_archived": (
        "开户日起至其后第opening.archive_working_days个工作日止，无任何人员对该客户的综合信息维护记录；"
        "期限不晚于期末时才判定。"
    ),
    "opening_no_followup": (
        "开户日起至其后第opening.followup_working_days个工作日止，无当日为其主客户经理的人员与客户的联络；"
        "期限不晚于期末时才判定。"
    ),
    "client_unmaintained": (
        "期末未销户、期末金融资产不低于tier.wealth或期末前已开户的客户，期末无在职人员担任的主客户经理。"
        "记在机构（不记人员）：离职人员的机构，否则最近一任主客户经理的机构，否则开户机构所属分行，否则全行唯一分行。"
    ),
    "client_two_primaries": (
        "期末未销户的客户在期末有两个及以上有效的主客户经理关系：每个关系一行，记在该人员名下；关联记录为其开始日期。"
    ),
    "risk_assessment_due": (
        "期末金融资产不低于tier.wealth且有主客户经理的客户，期末前无风险评估，或最近一次评估早于期末kyc.valid_days天以上"
        "（恰好kyc.valid_days天仍有效）；关联记录为最近评估日期。记在主客户经理名下（两个时取开始较晚者）。"
    ),
    "upgrade_no_secondary": (
        "客户在本月末及此前lifecycle.grace_months个月末均为黑金客户，期末无有效的副客户经理。记在期末主客户经理名下。"
    ),
    "downgrade_secondary_kept": (
        "客户在本月末及此前lifecycle.grace_months个月末均低于黑金标准（缺月按0计），期末仍有有效的副客户经理。"
        "记在期末主客户经理名下。"
    ),
    "downgrade_archive_open": (
        "与“降级未取消副客户经理”相同的客户，理财师在期末前建立的档案期末前未封存：每份档案一行，关联记录为建档日期。"
    ),
    "loss_managers_kept": (
        "销户日早于期末lifecycle.grace_days天以上，期末仍有有效的主或副客户经理关系。记在销户前一日的主客户经理名下。"
    ),
    "loss_archive_open": (
        "销户日早于期末lifecycle.grace_days天以上，档案期末前未封存：每份档案一行，关联记录为建档日期。"
    ),
    "intro_no_first_contact": (
        "本期开始的主或副客户经理关系，自开始日至其后第intro.first_contact_working_days个工作日止，该人员与客户无联络；"
        "期限不晚于期末时才判定。日期为开始日，关联记录为管户角色。"
    ),
    "care_missed": (
        "关怀日（今年的月-日；02-29在平年为02-28）落在本期且不晚于期末，当日客户在某理财经理的主管户中，"
        "该理财经理在关怀日前care.lead_days天至当日无“关怀”目的的联络。记在该理财经理名下；关联记录为关怀日类型。"
    ),
    "plan_no_quarterly_report": (
        "对完整落在本期内的每个季度（月度从不判定），季末未销户、最近一份方案早于该季度的客户，该季度内无针对该方案"
        "（或未注明所属方案）的季度报告。记在方案作者名下；日期为季末，关联记录为方案编号。"
    ),
}


def _exception_metric(rule: str, name_en: str, name_zh: str, description: str) -> Metric:
    return Metric(
        id=f"exc_{rule}",
        name_en=name_en,
        name_zh=name_zh,
        family="compliance",
        unit="count",
        better="lower",
        kind="compliance",
        description=description + " " + _REGISTER,
        description_zh=f"{name_zh}：" + RULE_DESCRIPTIONS_ZH[rule] + _REGISTER_ZH,
        compute=Value(count("exceptions", ("rule", rule))),
    )


_REGISTER = (
    "A staff member counts the rows charged to them; an org unit the rows charged to any staff "
    "member of the unit or below, whatever their role, or to the unit or a unit below, each row "
    "once."
)
_REGISTER_ZH = "员工按记在其名下的例外计；机构按本机构及下级机构全体员工（不论岗位）名下及记在机构本身的例外计，每条只计一次。"

CATALOGUE += (
    Metric(
        id="openings",
        name_en="Wealth-account openings",
        name_zh="财富开户数",
        family="compliance",
        unit="count",
        better=None,
        kind="compliance",
        description=(
            "Openings (account_openings) with date(opened_at) in P by x. An org unit counts the "
            "openings of every staff member of the unit or below, whatever their role (an opening "
            "by a head counts for the head's unit)."
        ),
        description_zh="本期内开户（以开户时间日期计）数；机构计本机构及下级机构全体员工（不论岗位）的开户。",
        compute=Value(count("openings")),
    ),
    Metric(
        id="opening_compliance",
        name_en="Opening compliance",
        name_zh="开户合规率",
        family="compliance",
        unit="ratio",
        better="higher",
        kind="compliance",
        description=(
            "Judged openings in P with none of the six opening exceptions / judged openings, an "
            "opening being judged once both its archive and its follow-up deadlines are on or "
            "before e (until then it counts in neither part, though its other exceptions are in "
            "the register); null when none is judged."
        ),
        description_zh="已到判定期限（档案与跟进期限均不晚于期末）且无任何开户例外的开户数 / 已判定开户数；无已判定开户时不计算。",
        compute=Ratio(count("openings", "judged", "compliant"), count("openings", "judged")),
    ),
    Metric(
        id="opener_kept",
        name_en="Opener keeps the client",
        name_zh="开户人维护率",
        family="compliance",
        unit="ratio",
        better="higher",
        kind="compliance",
        description=(
            "Openings in P whose opener is the client's primary manager at e / openings in P "
            "(开户人员优先维护: a preference, not an exception); null when none."
        ),
        description_zh="期末由开户人员担任主客户经理的开户数 / 本期开户数（优先维护，不计为例外）。",
        compute=Ratio(count("openings", "kept"), count("openings")),
    ),
    Metric(
        id="new_relationships",
        name_en="New relationships",
        name_zh="新建管户关系数",
        family="compliance",
        unit="count",
        better=None,
        kind="compliance",
        description=(
            "Primary or secondary assignments of x with start_on in P (an org unit: of its "
            "planners and advisors, kpis.md's members, each assignment once)."
        ),
        description_zh="本期开始的主、副客户经理管户关系数（机构每条只计一次）。",
        compute=Value(count("relationships")),
    ),
    Metric(
        id="intro_on_time",
        name_en="First contact on time",
        name_zh="首次联系及时率",
        family="compliance",
        unit="ratio",
        better="higher",
        kind="compliance",
        description=(
            "Judged new relationships with a first contact in time / judged new relationships "
            "(see intro_no_first_contact); null when none is judged."
        ),
        description_zh="已到期限的新建管户关系中按时首次联系的比例；无已判定关系时不计算。",
        compute=Ratio(
            count("relationships", "judged", "on_time"), count("relationships", "judged")
        ),
    ),
    Metric(
        id="care_dates",
        name_en="Care dates",
        name_zh="关怀日数",
        family="compliance",
        unit="count",
        better=None,
        kind="compliance",
        description=(
            "The care dates care_missed looks at for x as a planner: each care date in P (on or "
            "before e) of a client in x's primary book on that date; an org unit counts each care "
            "date of its member planners once (done when any of them made the care contact)."
        ),
        description_zh="本期（不晚于期末）落在其主管户客户上的关怀日数。",
        compute=Value(count("care")),
    ),
    Metric(
        id="care_done",
        name_en="Care done",
        name_zh="关怀完成率",
        family="compliance",
        unit="ratio",
        better="higher",
        kind="compliance",
        description=(
            "care_dates with a contact of purpose care by the planner from care.lead_days days "
            "before to the day itself / care_dates; null when none."
        ),
        description_zh="关怀日前care.lead_days天至当日有关怀联络的关怀日 / 关怀日数。",
        compute=Ratio(count("care", "done"), count("care")),
    ),
    Metric(
        id="plan_report_rate",
        name_en="Quarterly reports on plans",
        name_zh="方案季报出具率",
        family="compliance",
        unit="ratio",
        better="higher",
        kind="compliance",
        description=(
            "The plan-quarters plan_no_quarterly_report looks at for x as the plan's author with "
            "a quarterly report / those plan-quarters; null when none (always for a month)."
        ),
        description_zh="应出具季度报告的方案季度中已出具的比例（按方案作者计）；月度不计算。",
        compute=Ratio(count("plan_quarters", "reported"), count("plan_quarters")),
    ),
    Metric(
        id="new_clients",
        name_en="New clients",
        name_zh="新增客户数",
        family="compliance",
        unit="count",
        better="higher",
        kind="compliance",
        description=(
            "Clients whose first primary or secondary assignment to anyone starts in P and who "
            "are in book(x, e) (an org unit: its union book, each client once); split by source."
        ),
        description_zh="首次主、副管户关系始于本期且期末在其管户中的客户数（机构按管户并集，每位客户只计一次），可按来源细分。",
        compute=Value(count("new_clients")),
        details=split("new_clients", count("new_clients"), "source", SOURCES),
    ),
    Metric(
        id="referral_share",
        name_en="Referral share",
        name_zh="转介客户占比",
        family="compliance",
        unit="ratio",
        better="higher",
        kind="compliance",
        description=(
            "new_clients with source staff_referral or client_referral / new_clients; null when "
            "there are none."
        ),
        description_zh="新增客户中来源为行内推荐或客户转介的比例。",
        compute=Ratio(count("new_clients", "referral"), count("new_clients")),
    ),
    Metric(
        id="referrals_made",
        name_en="Referrals made",
        name_zh="推荐客户数",
        family="compliance",
        unit="count",
        better="higher",
        kind="compliance",
        description=(
            "Clients with source staff_referral referred by x whose opened_on is in P, credited "
            "whatever x's role (a head's or a lobby manager's referrals count for their unit); an "
            "org unit counts the distinct clients referred by any of its staff."
        ),
        description_zh="本期建立关系、来源为行内推荐且推荐人为x的客户数（不论推荐人岗位；机构按不同客户计）。",
        compute=Value(count("referrals")),
    ),
    Metric(
        id="exceptions",
        name_en="Exceptions",
        name_zh="例外总数",
        family="compliance",
        unit="count",
        better="lower",
        kind="compliance",
        description="The sum of the exc_<rule> counts: every row of the register. " + _REGISTER,
        description_zh="各规则例外数之和，即例外清单的全部行。" + _REGISTER_ZH,
        compute=Value(count("exceptions")),
    ),
    *(_exception_metric(*rule) for rule in RULES),
)

BY_ID: dict[str, Metric] = {m.id: m for m in CATALOGUE}


def kind_ids(kind: str) -> list[str]:
    """The metric ids of a kind in catalogue order (kpis.md / cli.md column order)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of metrics {kind!r}")
    return [m.id for m in CATALOGUE if m.kind == kind]


def appraisal_ids() -> list[str]:
    """The appraisal KPIs in kpis.md order (the scorecard's column order)."""
    return kind_ids("appraisal")


def supervision_ids() -> list[str]:
    return kind_ids("supervision")


def health_ids() -> list[str]:
    return kind_ids("health")


ids_of = kind_ids


def markdown_table() -> str:
    """The metric table of the documentation (docs/metrics.md), generated from the catalogue."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "# Metrics",
        "",
        "Generated by `python -m metrics catalogue --markdown` from `metrics/core/catalogue.py`; "
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
