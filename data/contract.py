"""The data contract (spec/data-contract.md) as data: files, columns, types, aliases, enums, keys.

The importer, the demo generator's tests and the documentation all read these records, so a rule
is written down once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Table as SqlTable

from data import tables

# Column kinds. `timestamp` also accepts a bare date (read as midnight) and an ISO `T` separator:
# CRM exports of event dates without a time are common, and midnight is what a person means.
KINDS = ("id", "text", "date", "timestamp", "month", "money", "number", "enum")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    enum: tuple[str, ...] = ()
    # Bounds for numbers and money: (min, min inclusive, max) — None where unbounded.
    minimum: float | None = None
    min_inclusive: bool = True
    maximum: float | None = None
    # An event date that may not lie after the import's as-of date.
    event: bool = False
    # Enum labels accepted besides the canonical value (Chinese CRM labels), mapped to it.
    enum_aliases: dict[str, str] = field(default_factory=dict)
    default: str | None = None


@dataclass(frozen=True)
class Table:
    name: str  # file stem and table name
    model: SqlTable  # its Core table (`data.tables`)
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    # (column, referenced table, referenced column): checked against the batch and the store.
    references: tuple[tuple[str, str, str], ...] = ()
    # (earlier column, later column): the later one may not precede the earlier one.
    order_rules: tuple[tuple[str, str], ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _id(name: str, *aliases: str, required: bool = True) -> Column:
    return Column(name, "id", required, aliases)


STAFF_REF = ("staff_id", "staff", "staff_id")
CLIENT_REF = ("client_id", "clients", "client_id")

ROLE_LABELS = {
    "理财经理": "planner",
    "理财师": "advisor",
    "支行主管": "head",
    "财富中心主任": "director",
    "其他员工": "other",
}
ASSIGNMENT_LABELS = {"主客户经理": "primary", "副客户经理": "secondary", "代理客户经理": "proxy"}
SOURCE_LABELS = {
    "行内推荐": "staff_referral",
    "客户转介": "client_referral",
    "分行分配": "branch_allocation",
    "自行拓展": "own_development",
}
CARE_KIND_LABELS = {
    "客户生日": "birthday",
    "亲属生日": "relative_birthday",
    "纪念日": "anniversary",
}

TABLES: tuple[Table, ...] = (
    Table(
        "org_units",
        tables.org_units,
        ("org_id",),
        (
            _id("org_id", "机构号"),
            Column("name", "text", True, ("机构名称",)),
            Column(
                "kind",
                "enum",
                True,
                ("层级",),
                ("branch", "sub_branch"),
                enum_aliases={"分行": "branch", "支行": "sub_branch"},
            ),
            _id("parent_id", "上级机构号", required=False),
        ),
        references=(("parent_id", "org_units", "org_id"),),
    ),
    Table(
        "staff",
        tables.staff,
        ("staff_id",),
        (
            _id("staff_id", "员工号"),
            Column("name", "text", True, ("姓名",)),
            Column(
                "role",
                "enum",
                True,
                ("岗位",),
                # `other`: lobby managers, tellers, loan officers: they may refer clients and are
                # never appraised.
                ("planner", "advisor", "head", "director", "other"),
                enum_aliases=ROLE_LABELS,
            ),
            _id("org_id", "机构号"),
            Column("hired_on", "date", False, ("入职日期",), event=True),
            Column("left_on", "date", False, ("离职日期",), event=True),
        ),
        references=(("org_id", "org_units", "org_id"),),
    ),
    Table(
        "clients",
        tables.clients,
        ("client_id",),
        (
            _id("client_id", "客户号"),
            Column("name", "text", True, ("客户姓名",)),
            Column("gender", "text", False, ("性别",)),
            Column("birth_date", "date", False, ("出生日期",)),
            Column("phone", "text", False, ("手机号",)),
            Column("opened_on", "date", True, ("建立关系日期",), event=True),
            Column("closed_on", "date", False, ("销户日期",), event=True),
            Column(
                "contact_cycle",
                "enum",
                False,
                ("联络周期",),
                ("monthly", "bimonthly", "quarterly"),
                default="quarterly",
                enum_aliases={"月度": "monthly", "双月": "bimonthly", "季度": "quarterly"},
            ),
            Column("risk_level", "enum", False, ("风险等级",), ("C1", "C2", "C3", "C4", "C5")),
            Column(
                "source",
                "enum",
                False,
                ("客户来源",),
                ("staff_referral", "client_referral", "branch_allocation", "own_development"),
                enum_aliases=SOURCE_LABELS,
            ),
            # A staff_id or a client_id, by `source` (data.life_cycle_references checks which).
            _id("referred_by", "推荐人", required=False),
        ),
    ),
    Table(
        "assignments",
        tables.assignments,
        ("client_id", "staff_id", "role", "start_on"),
        (
            _id("client_id", "客户号"),
            _id("staff_id", "员工号"),
            Column(
                "role",
                "enum",
                True,
                ("角色",),
                ("primary", "secondary", "proxy"),
                enum_aliases=ASSIGNMENT_LABELS,
            ),
            Column("start_on", "date", True, ("开始日期",), event=True),
            Column("end_on", "date", False, ("结束日期",)),
        ),
        references=(CLIENT_REF, STAFF_REF),
        order_rules=(("start_on", "end_on"),),
    ),
    Table(
        "aum_monthly",
        tables.aum_monthly,
        ("client_id", "month"),
        (
            _id("client_id", "客户号"),
            Column("month", "month", True, ("月份",), event=True),
            Column("avg_daily_aum", "money", True, ("月日均金融资产",), minimum=0),
        ),
        references=(CLIENT_REF,),
    ),
    Table(
        "contacts",
        tables.contacts,
        ("contact_id",),
        (
            _id("contact_id", "联络编号"),
            _id("client_id", "客户号"),
            _id("staff_id", "员工号"),
            Column("at", "timestamp", True, ("联络时间",), event=True),
            Column(
                "channel",
                "enum",
                True,
                ("方式",),
                ("visit", "phone", "sms", "email", "wechat", "event", "letter"),
            ),
            Column(
                "purpose",
                "enum",
                False,
                ("目的",),
                ("care", "feedback", "reminder", "notice", "marketing", "advice"),
            ),
        ),
        references=(CLIENT_REF, STAFF_REF),
    ),
    Table(
        "requests",
        tables.requests,
        ("request_id",),
        (
            _id("request_id", "诉求编号"),
            _id("client_id", "客户号"),
            _id("staff_id", "员工号"),
            Column("received_at", "timestamp", True, ("受理时间",), event=True),
            Column("acknowledged_at", "timestamp", False, ("首次回应时间",), event=True),
            Column("resolved_at", "timestamp", False, ("结果反馈时间",), event=True),
            Column("summary", "text", False, ("内容",)),
        ),
        references=(CLIENT_REF, STAFF_REF),
        order_rules=(("received_at", "acknowledged_at"), ("received_at", "resolved_at")),
    ),
    Table(
        "needs",
        tables.needs,
        ("need_id",),
        (
            _id("need_id", "需求编号"),
            _id("client_id", "客户号"),
            _id("staff_id", "员工号"),
            Column("at", "timestamp", True, ("时间",), event=True),
            Column(
                "kind",
                "enum",
                True,
                ("类型",),
                ("need", "suggestion"),
                enum_aliases={"需求": "need", "建议": "suggestion"},
            ),
        ),
        references=(CLIENT_REF, STAFF_REF),
    ),
    Table(
        "plans",
        tables.plans,
        ("plan_id",),
        (
            _id("plan_id", "方案编号"),
            _id("client_id", "客户号"),
            _id("staff_id", "员工号"),
            Column("at", "timestamp", True, ("时间",), event=True),
            Column("kind", "enum", True, ("类型",), ("plan", "quarterly_report")),
            # On a quarterly report: the plan it reports on (data.life_cycle_references checks it).
            _id("plan_ref", "所属方案", required=False),
        ),
        references=(CLIENT_REF, STAFF_REF),
    ),
    Table(
        "archives",
        tables.archives,
        ("client_id", "created_on"),
        (
            _id("client_id", "客户号"),
            _id("created_by", "建档人"),
            Column("created_on", "date", True, ("建档日期",), event=True),
            Column("sealed_on", "date", False, ("封存日期",), event=True),
        ),
        references=(CLIENT_REF, ("created_by", "staff", "staff_id")),
    ),
    Table(
        "surveys",
        tables.surveys,
        ("client_id", "staff_id", "at"),
        (
            _id("client_id", "客户号"),
            _id("staff_id", "员工号"),
            Column("at", "timestamp", True, ("时间",), event=True),
            Column("score", "number", True, ("评分",), minimum=0, maximum=100),
        ),
        references=(CLIENT_REF, STAFF_REF),
    ),
    Table(
        "trainings",
        tables.trainings,
        ("staff_id", "course", "period_start"),
        (
            _id("staff_id", "员工号"),
            Column("course", "text", True, ("课程",)),
            Column("period_start", "date", True, ("考核起始日",)),
            Column("hours_required", "number", True, ("要求学时",), minimum=0, min_inclusive=False),
            Column("hours_done", "number", True, ("完成学时",), minimum=0),
            Column("score", "number", False, ("成绩",), minimum=0, maximum=100),
        ),
        references=(STAFF_REF,),
    ),
    Table(
        "certificates",
        tables.certificates,
        ("staff_id", "name", "obtained_on"),
        (
            _id("staff_id", "员工号"),
            Column("name", "text", True, ("证书名称",)),
            Column("obtained_on", "date", True, ("取得日期",), event=True),
            Column("expires_on", "date", False, ("到期日期",)),
        ),
        references=(STAFF_REF,),
    ),
    Table(
        "rewards",
        tables.rewards,
        ("staff_id", "on", "reason"),
        (
            _id("staff_id", "员工号"),
            Column("on", "date", True, ("日期",), event=True),
            Column(
                "kind",
                "enum",
                True,
                ("类型",),
                ("reward", "penalty"),
                enum_aliases={"奖励": "reward", "惩罚": "penalty"},
            ),
            Column("points", "number", True, ("分值",), minimum=0, min_inclusive=False),
            Column("reason", "text", True, ("事由",)),
        ),
        references=(STAFF_REF,),
    ),
    Table(
        "logins",
        tables.logins,
        ("staff_id", "login_at"),
        (
            _id("staff_id", "员工号"),
            Column("login_at", "timestamp", True, ("登录时间",), event=True),
            Column("logout_at", "timestamp", False, ("登出时间",), event=True),
            Column("source", "enum", False, ("来源",), ("web", "mobile")),
        ),
        references=(STAFF_REF,),
        order_rules=(("login_at", "logout_at"),),
    ),
    Table(
        "info_updates",
        tables.info_updates,
        ("staff_id", "client_id", "at"),
        (
            _id("staff_id", "员工号"),
            _id("client_id", "客户号"),
            Column("at", "timestamp", True, ("维护时间",), event=True),
            Column(
                "field_group", "enum", True, ("信息类别",), ("basic", "comprehensive", "private")
            ),
        ),
        references=(STAFF_REF, CLIENT_REF),
    ),
    Table(
        "work_items",
        tables.work_items,
        ("item_id",),
        (
            _id("item_id", "编号"),
            _id("staff_id", "员工号"),
            _id("client_id", "客户号", required=False),
            Column(
                "kind",
                "enum",
                True,
                ("类型",),
                ("activity", "event", "problem", "opportunity", "sms"),
            ),
            Column("created_at", "timestamp", True, ("创建时间",), event=True),
            Column("due_at", "timestamp", False, ("到期时间",)),
            Column("done_at", "timestamp", False, ("完成时间",), event=True),
            Column("status", "enum", True, ("状态",), ("open", "done", "cancelled")),
            Column("amount", "money", False, ("金额",), minimum=0),
        ),
        references=(STAFF_REF, CLIENT_REF),
        order_rules=(("created_at", "done_at"),),
    ),
    Table(
        "account_events",
        tables.account_events,
        ("client_id", "at", "kind"),
        (
            _id("client_id", "客户号"),
            Column("at", "timestamp", True, ("异动时间",), event=True),
            Column("kind", "enum", True, ("异动类型",), ("large_outflow", "closure")),
            Column("amount", "money", False, ("金额",), minimum=0),
        ),
        references=(CLIENT_REF,),
    ),
    # --- the client life cycle (lifecycle.md) ---
    Table(
        "account_openings",
        tables.account_openings,
        ("opening_id",),
        (
            _id("opening_id", "开户编号"),
            _id("client_id", "客户号"),
            _id("staff_id", "开户人员"),
            _id("org_id", "开户机构"),
            Column("opened_at", "timestamp", True, ("开户时间",), event=True),
            Column("assets_at_opening", "money", True, ("开户时金融资产",), minimum=0),
            Column("approval_ref", "text", False, ("审批编号",)),
            Column("approved_on", "date", False, ("审批日期",), event=True),
            # After opened_at is an exception of the register, not a rejected row; after the
            # as-of date is rejected like any event.
            Column("kyc_at", "timestamp", False, ("了解客户完成时间",), event=True),
            Column("risk_assessed_at", "timestamp", False, ("风险评估完成时间",), event=True),
        ),
        references=(CLIENT_REF, STAFF_REF, ("org_id", "org_units", "org_id")),
    ),
    Table(
        "risk_assessments",
        tables.risk_assessments,
        ("client_id", "assessed_on"),
        (
            _id("client_id", "客户号"),
            Column("assessed_on", "date", True, ("评估日期",), event=True),
            Column("risk_level", "enum", True, ("风险等级",), ("C1", "C2", "C3", "C4", "C5")),
            _id("staff_id", "评估人员", required=False),
        ),
        references=(CLIENT_REF, STAFF_REF),
    ),
    Table(
        "care_dates",
        tables.care_dates,
        ("client_id", "kind", "month_day", "label"),
        (
            _id("client_id", "客户号"),
            Column(
                "kind",
                "enum",
                True,
                ("类型",),
                ("birthday", "relative_birthday", "anniversary"),
                enum_aliases=CARE_KIND_LABELS,
            ),
            # `MM-DD` (validate.month_days checks it; 02-29 is a valid care date).
            Column("month_day", "text", True, ("日期",)),
            Column("label", "text", False, ("说明",), default=""),
        ),
        references=(CLIENT_REF,),
    ),
)

BY_NAME = {t.name: t for t in TABLES}


def header_map(table: Table) -> dict[str, str]:
    """Accepted header (canonical name or Chinese alias, case-insensitive) -> column name."""
    mapping: dict[str, str] = {}
    for col in table.columns:
        mapping[col.name.lower()] = col.name
        for alias in col.aliases:
            mapping[alias.lower()] = col.name
    return mapping
