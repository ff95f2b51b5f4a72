"""A realistic, deterministic demo data set that follows the data contract.

`generate(scale, out, seed)` writes one CSV per contract table (`shared/spec/data-contract.md`)
into a folder that `python -m data load` imports like a real OCRM extract. The same scale and seed
always give byte-identical files.

The data are built to make every KPI of `kpis.md` meaningful: a heavy-tailed AUM distribution
(black-gold, platinum and mass clients), growth, sharp drops and churn (retention alerts and their
follow-up contacts), transfers, leave cover by proxies, wealth clients left without a manager,
overloaded and idle planners, requests that miss their SLA, overdue work items, expired
certificates and so on.

How it works: everything is generated as numpy arrays of integer codes (client and staff row
numbers, day numbers, seconds, money in fen) and only turned into text at the end, in chunks, by
pyarrow's CSV writer. There is no Python loop per row, so `branch` (~8 million rows) takes seconds.
Row numbers of clients and staff are in the order of their ids, so sorting by row number sorts by
id. Each stage draws from its own random stream, spawned from the seed in a fixed order.
"""

from __future__ import annotations

import datetime as dt
import pathlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import chinese_calendar
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from numpy.typing import NDArray

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
Bool = NDArray[np.bool_]
Rng = np.random.Generator

DEMO_AS_OF = dt.date(2026, 10, 31)
"""Every event date of the demo data is on or before this day (due_at/end_on/expires_on aside)."""


@dataclass(frozen=True)
class ScaleSpec:
    """The size of a generated data set. Counts are per branch; `branches` repeats the structure."""

    branches: int
    sub_branches: int
    planners: int
    advisors: int
    clients: int
    months: int  # months of AUM, the last one being the as-of month
    overloaded: int  # planners pushed above load.max_clients (200 primary clients)
    leavers: int  # planners who leave during the window; their clients are transferred
    idle: int  # planners with no login in the last weeks


SCALES: dict[str, ScaleSpec] = {
    "tiny": ScaleSpec(1, 2, 4, 2, 40, 24, overloaded=0, leavers=0, idle=1),
    "demo": ScaleSpec(1, 6, 40, 4, 6_000, 24, overloaded=1, leavers=1, idle=1),
    "branch": ScaleSpec(1, 40, 400, 20, 80_000, 36, overloaded=2, leavers=8, idle=2),
    "headoffice": ScaleSpec(10, 40, 400, 20, 80_000, 36, overloaded=2, leavers=8, idle=2),
}

# --- constants -----------------------------------------------------------------------------------

EPOCH = dt.date(1970, 1, 1)
AS_OF_DAY = (DEMO_AS_OF - EPOCH).days
DAY = 86_400
AS_OF_END = AS_OF_DAY * DAY + DAY - 1  # 23:59:59 on the as-of day: the last valid event second
NA = np.iinfo(np.int64).min  # null in integer columns (days, seconds, fen)
NEVER = np.iinfo(np.int64).max  # an "until" that never comes
DAY_KEY = 1 << 20  # > any day number; packs (staff, day) into one sortable integer

# Contract defaults (settings.py): the generator aims its distributions at these thresholds.
BLACK_GOLD = 3_000_000.0
PLATINUM = 500_000.0
WEALTH = 1_000_000.0
MASS, PLAT, TOP = 0, 1, 2  # tier codes, in order so that "tier fell" is a plain comparison

PLANNER, ADVISOR, HEAD, DIRECTOR = 0, 1, 2, 3
ROLES = ["planner", "advisor", "head", "director"]

FILES = (
    "org_units.csv",
    "staff.csv",
    "clients.csv",
    "assignments.csv",
    "aum_monthly.csv",
    "contacts.csv",
    "requests.csv",
    "needs.csv",
    "plans.csv",
    "archives.csv",
    "surveys.csv",
    "trainings.csv",
    "certificates.csv",
    "rewards.csv",
    "logins.csv",
    "info_updates.csv",
    "work_items.csv",
    "account_events.csv",
)

# One random stream per stage: adding draws to one stage leaves every other stage's data as it was.
STAGES = (
    "orgs",
    "staff",
    "clients",
    "aum",
    "book",
    "leaves",
    "account_events",
    "contacts",
    "requests",
    "needs",
    "plans",
    "archives",
    "surveys",
    "trainings",
    "certificates",
    "rewards",
    "logins",
    "info_updates",
    "work_items",
)

# --- vocabulary ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    name: str
    districts: tuple[str, ...]
    roads: tuple[str, ...]


CITIES = (
    City(
        "杭州",
        ("上城", "拱墅", "西湖", "滨江", "萧山", "余杭", "临平", "钱塘", "富阳", "临安"),
        ("延安路", "解放路", "庆春路", "文三路", "凤起路", "莫干山路"),
    ),
    City(
        "宁波",
        ("海曙", "江北", "北仑", "镇海", "鄞州", "奉化", "余姚", "慈溪", "宁海", "象山"),
        ("中山路", "江东北路", "百丈路", "天童路", "四明路", "三江路"),
    ),
    City(
        "上海",
        ("黄浦", "徐汇", "长宁", "静安", "普陀", "虹口", "杨浦", "闵行", "宝山", "浦东"),
        ("南京路", "淮海路", "四川北路", "世纪大道", "漕溪北路", "陆家嘴环路"),
    ),
    City(
        "北京",
        ("东城", "西城", "朝阳", "海淀", "丰台", "石景山", "通州", "顺义", "昌平", "大兴"),
        ("长安街", "金融街", "建国路", "中关村大街", "王府井大街", "望京街"),
    ),
    City(
        "深圳",
        ("福田", "罗湖", "南山", "宝安", "龙岗", "盐田", "龙华", "坪山", "光明", "大鹏"),
        ("深南大道", "滨海大道", "红荔路", "华强北路", "科苑路", "新安路"),
    ),
    City(
        "广州",
        ("越秀", "海珠", "荔湾", "天河", "白云", "黄埔", "番禺", "花都", "南沙", "增城"),
        ("天河路", "环市东路", "中山五路", "珠江东路", "江南大道", "北京路"),
    ),
    City(
        "南京",
        ("玄武", "秦淮", "建邺", "鼓楼", "浦口", "栖霞", "雨花台", "江宁", "六合", "溧水"),
        ("中山路", "汉中路", "中央路", "龙蟠路", "珠江路", "江东中路"),
    ),
    City(
        "苏州",
        ("姑苏", "虎丘", "吴中", "相城", "吴江", "工业园区", "常熟", "张家港", "昆山", "太仓"),
        ("人民路", "干将路", "石路", "苏州大道", "观前街", "金鸡湖大道"),
    ),
    City(
        "成都",
        ("锦江", "青羊", "金牛", "武侯", "成华", "龙泉驿", "青白江", "新都", "温江", "双流"),
        ("人民南路", "春熙路", "天府大道", "蜀都大道", "红星路", "建设路"),
    ),
    City(
        "武汉",
        ("江岸", "江汉", "硚口", "汉阳", "武昌", "青山", "洪山", "东西湖", "江夏", "黄陂"),
        ("解放大道", "中山大道", "中南路", "武珞路", "光谷大道", "建设大道"),
    ),
)

# The most common surnames, most frequent first (weights fall off like the real distribution).
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
    "武戴莫孔向汤"
) + ["欧阳", "司马", "上官", "诸葛"]
MALE_CHARS = list(
    "伟强磊军洋勇杰涛明超辉刚平鹏华飞斌宇浩凯健俊帆鑫峰建国志文博晨阳子轩睿然宏海亮波东林成"
)
FEMALE_CHARS = list(
    "芳娜敏静丽艳娟霞秀燕玲桂英红梅琳雪婷慧颖佳欣怡萱倩洁晶璐瑶悦琪思雨薇月丹蓉嘉蕾莉"
)

CHANNELS = ["visit", "phone", "sms", "email", "wechat", "event"]
PURPOSES = ["care", "feedback", "reminder", "notice", "marketing", "advice"]
CYCLES = ["monthly", "bimonthly", "quarterly"]
RISK_LEVELS = ["C1", "C2", "C3", "C4", "C5"]
NEED_KINDS = ["need", "suggestion"]
PLAN_KINDS = ["plan", "quarterly_report"]
FIELD_GROUPS = ["basic", "comprehensive", "private"]
WORK_KINDS = ["activity", "event", "problem", "opportunity", "sms"]
WORK_STATUS = ["open", "done", "cancelled"]
EVENT_KINDS = ["large_outflow", "closure"]
REWARD_KINDS = ["reward", "penalty"]
SOURCES = ["web", "mobile"]
CERTIFICATES = ["AFP", "CFP", "CHFP", "基金从业", "银行从业", "证券从业"]

# Every text is free of ASCII commas and quotes: the CSV is written without quoting.
REQUEST_SUMMARIES = [
    "咨询理财产品到期兑付时间",
    "反映手机银行转账限额过低",
    "对基金净值下跌提出异议",
    "要求重新进行风险承受能力评估",
    "咨询大额存单利率及额度",
    "反映网点排队等候时间过长",
    "申请变更预留手机号码",
    "咨询基金赎回资金到账时间",
    "对保险产品退保流程有疑问",
    "反映产品推荐时风险揭示不充分",
    "咨询私人银行服务权益",
    "要求开具个人资产证明",
    "反映信用卡分期手续费计算有误",
    "咨询家族信托设立流程",
    "反映贵宾厅预约不便",
    "咨询个人购汇额度",
    "对账户管理费扣收提出异议",
    "要求调整基金定投扣款日期",
    "咨询养老金融产品",
    "反映营销短信过于频繁",
]
COURSES = [
    "反洗钱与合规管理",
    "理财产品销售适当性管理",
    "资产配置实务",
    "保险规划与家庭保障",
    "个人税务筹划",
    "金融消费者权益保护",
    "家族信托与财富传承",
    "基金投资分析",
    "宏观经济与市场展望",
    "客户关系管理与沟通技巧",
    "养老金融业务",
    "私人银行服务标准",
]
REWARD_REASONS = [
    "季度金融资产增量突出",
    "客户书面表扬",
    "理财产品营销竞赛获奖",
    "优秀营销案例分享",
    "新增高端客户突出",
    "客户满意度排名第一",
    "成功挽留流失客户",
    "合规检查零差错",
]
PENALTY_REASONS = [
    "客户信息维护不及时",
    "双录流程不规范",
    "客户投诉经核实属实",
    "考勤违规",
    "产品风险揭示不到位",
    "工作事项逾期未办结",
]
PHONE_PREFIXES = [130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 156, 157]
PHONE_PREFIXES += [158, 159, 166, 176, 177, 180, 181, 182, 183, 186, 187, 188, 189, 191, 199]

# Relative weight of each hour of the day for office work (08:00-21:59).
OFFICE_HOURS: F64 = np.zeros(24)
OFFICE_HOURS[8:22] = [2, 10, 12, 10, 3, 6, 11, 12, 10, 6, 3, 2, 2, 1]


# --- small helpers -------------------------------------------------------------------------------


def day_of(d: dt.date) -> int:
    return (d - EPOCH).days


def date_of(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def uniform_days(rng: Rng, lo: I64 | int, hi: I64 | int, size: int | None = None) -> I64:
    """A uniform day in [lo, hi] (inclusive), element-wise."""
    lo_a = np.asarray(lo, dtype=np.int64)
    hi_a = np.asarray(hi, dtype=np.int64)
    n = size if size is not None else int(np.broadcast(lo_a, hi_a).size)
    span = np.maximum(hi_a - lo_a + 1, 1)
    return (lo_a + np.floor(rng.random(n) * span).astype(np.int64)).astype(np.int64)


def chance(rng: Rng, n: int, p: float | F64, at_least: int = 0, among: Bool | None = None) -> Bool:
    """Bernoulli(p) per row, restricted to `among`, with at least `at_least` hits when possible.

    The minimum makes the rare edge cases (a closure, a sealed archive...) exist even in `tiny`.
    """
    hit = rng.random(n) < p
    if among is not None:
        hit &= among
    missing = at_least - int(hit.sum())
    if missing > 0:
        pool = np.flatnonzero((among if among is not None else np.ones(n, bool)) & ~hit)
        if pool.size:
            hit[rng.choice(pool, size=min(missing, pool.size), replace=False)] = True
    return hit


def categorical(rng: Rng, probs: F64, group: I64 | None, n: int) -> I64:
    """One code per row from the probability row of its group (`probs` is groups x codes)."""
    cum = np.cumsum(np.atleast_2d(probs), axis=1)
    cum /= cum[:, -1:]
    u = rng.random(n)
    groups = np.zeros(n, np.int64) if group is None else group
    out = np.zeros(n, np.int64)
    for g in range(cum.shape[0]):
        sel = groups == g
        out[sel] = np.searchsorted(cum[g], u[sel], side="right")
    return np.minimum(out, cum.shape[1] - 1)


def office_seconds(rng: Rng, n: int) -> I64:
    """Seconds into the day, mostly in office hours."""
    hour = categorical(rng, OFFICE_HOURS, None, n)
    return hour * 3600 + rng.integers(0, 3600, n)


def in_office_hours(rng: Rng, t: I64) -> I64:
    """Moves a time that falls in the night (21:00-08:00) forward to the next morning: answers
    and completions are recorded when people are at work. Never moves a time backwards."""
    sec = t % DAY
    day = t // DAY + (sec >= 21 * 3600)
    morning = day * DAY + 8 * 3600 + rng.integers(0, 5400, t.size)
    return np.where((sec >= 21 * 3600) | (sec < 8 * 3600), morning, t).astype(np.int64)


def unique_rows(*keys: NDArray[Any]) -> Bool:
    """Mask keeping the first row of every distinct key (a contract key must be unique)."""
    n = keys[0].size
    if n == 0:
        return np.ones(0, bool)
    order = np.lexsort(keys[::-1])
    same = np.ones(n - 1, bool)
    for k in keys:
        ks = k[order]
        same &= ks[1:] == ks[:-1]
    keep = np.ones(n, bool)
    keep[order[1:][same]] = False
    return keep


def pick_in_groups(rng: Rng, members: I64, offsets: I64, group: I64, exclude: I64 | None) -> I64:
    """A random member of each row's group (groups are slices of `members`), avoiding `exclude`.

    Every group that is asked must have at least two members when `exclude` is given.
    """
    count = offsets[group + 1] - offsets[group]
    r = np.floor(rng.random(group.size) * count).astype(np.int64)
    pick = members[offsets[group] + r]
    if exclude is not None:
        again = pick == exclude
        pick[again] = members[offsets[group[again]] + (r[again] + 1) % count[again]]
    return pick


def group_slices(keys: I64, n_groups: int) -> tuple[I64, I64]:
    """Row indices sorted by key, and offsets such that group g is members[off[g]:off[g+1]]."""
    members = np.argsort(keys, kind="stable").astype(np.int64)
    offsets = np.zeros(n_groups + 1, np.int64)
    offsets[1:] = np.cumsum(np.bincount(keys, minlength=n_groups))
    return members, offsets


def add_years(days: I64, years: int) -> I64:
    """The same calendar day `years` later (29 Feb becomes 28 Feb), element-wise."""
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    dom = (d - month).astype(np.int64)
    target = month + np.timedelta64(12 * years, "M")
    month_len = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - target).astype(
        np.int64
    )
    out = target.astype("datetime64[D]") + np.minimum(dom, month_len - 1)
    return out.astype(np.int64)


def chinese_names(rng: Rng, female: Bool) -> pa.Array:
    """Surname + one or two given-name characters chosen by gender."""
    n = female.size
    weights = (1.0 / (np.arange(len(SURNAMES)) + 4.0)).astype(np.float64)
    weights[-4:] = 0.002  # compound surnames are rare
    surname = pa.array(SURNAMES).take(pa.array(categorical(rng, weights, None, n)))
    pool_m = np.array(MALE_CHARS)
    pool_f = np.array(FEMALE_CHARS)
    # Two different characters: the second is drawn from the pool without the first.
    first_m = rng.integers(0, pool_m.size, n)
    first_f = rng.integers(0, pool_f.size, n)
    second_m = (first_m + rng.integers(1, pool_m.size, n)) % pool_m.size
    second_f = (first_f + rng.integers(1, pool_f.size, n)) % pool_f.size
    first = np.where(female, pool_f[first_f], pool_m[first_m])
    second = np.where(female, pool_f[second_f], pool_m[second_m])
    second = np.where(rng.random(n) < 0.25, "", second)  # a quarter have a one-character name
    return pc.binary_join_element_wise(surname, pa.array(first), pa.array(second), "")


def padded_ids(rng: Rng, n: int, width: int, start: int, limit: int) -> pa.Array:
    """`n` increasing ids below `limit`, zero-padded to `width` (leading zeros matter)."""
    step = max(1, (limit - start) // max(n, 1))
    ids = start + np.cumsum(rng.integers(1, step + 1, n))
    return pc.utf8_lpad(pa.array(ids).cast(pa.string()), width, "0")


# --- calendar ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Calendar:
    """The months of the AUM window and the mainland working days from its first day to as-of."""

    first_day: int
    month_start: I64
    month_end: I64
    month_labels: list[str]
    workday: Bool  # per day, first_day..AS_OF_DAY
    workday_cum: I64  # workday_cum[i]: working days among the first i days
    workdays: I64  # the working days' day numbers

    @property
    def months(self) -> int:
        return int(self.month_start.size)

    def month_of(self, day: I64) -> I64:
        """Month index of each day (clipped to the window)."""
        m = np.searchsorted(self.month_start, day, side="right") - 1
        return np.clip(m, 0, self.months - 1).astype(np.int64)

    def pick_days(self, rng: Rng, lo: I64, hi: I64, workday_share: float) -> I64:
        """A day in [lo, hi] per row: a working day with probability `workday_share` (when the
        interval has one), else any day. lo, hi must lie within the calendar."""
        n = lo.size
        u = rng.random(n)
        lo_i = lo - self.first_day
        hi_i = hi - self.first_day
        w_lo = self.workday_cum[lo_i]
        count = self.workday_cum[hi_i + 1] - w_lo
        any_day = lo + np.floor(u * (hi - lo + 1)).astype(np.int64)
        k = np.minimum(w_lo + np.floor(u * count).astype(np.int64), self.workdays.size - 1)
        use_workday = (count > 0) & (rng.random(n) < workday_share)
        return np.where(use_workday, self.workdays[k], any_day).astype(np.int64)


def make_calendar(months: int) -> Calendar:
    starts: list[dt.date] = []
    year, month = DEMO_AS_OF.year, DEMO_AS_OF.month
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    starts.reverse()
    nexts = starts[1:] + [dt.date(year + (month == 12), month % 12 + 1, 1)]
    nexts[-1] = DEMO_AS_OF + dt.timedelta(days=1)
    first = day_of(starts[0])
    workday = np.array(
        [chinese_calendar.is_workday(date_of(d)) for d in range(first, AS_OF_DAY + 1)], bool
    )
    cum = np.zeros(workday.size + 1, np.int64)
    cum[1:] = np.cumsum(workday)
    return Calendar(
        first_day=first,
        month_start=np.array([day_of(s) for s in starts], np.int64),
        month_end=np.array([day_of(s) - 1 for s in nexts], np.int64),
        month_labels=[f"{s.year:04d}-{s.month:02d}" for s in starts],
        workday=workday,
        workday_cum=cum,
        workdays=(np.flatnonzero(workday) + first).astype(np.int64),
    )


# --- organisation and staff ----------------------------------------------------------------------


@dataclass(frozen=True)
class Orgs:
    ids: list[str]
    names: list[str]
    kinds: list[str]
    parents: list[str | None]
    branch_row: I64  # org row of each branch
    sb_row: I64  # org row of each sub-branch (sub-branches numbered across branches)
    sb_branch: I64  # branch of each sub-branch
    sb_weight: F64  # relative size of each sub-branch (clients and planners follow it)


def sub_branch_names(city: City, n: int) -> list[str]:
    """District names; when there are more sub-branches than districts, district + road."""
    nd, nr = len(city.districts), len(city.roads)
    if n <= nd:
        return [f"{d}支行" for d in city.districts[:n]]
    if n > nd * nr:
        raise ValueError(f"{city.name}: at most {nd * nr} sub-branch names")
    return [f"{city.districts[i % nd]}{city.roads[(i % nd + i // nd) % nr]}支行" for i in range(n)]


def build_orgs(rng: Rng, spec: ScaleSpec) -> Orgs:
    if spec.branches > len(CITIES):
        raise ValueError(f"at most {len(CITIES)} branches")
    ids: list[str] = []
    names: list[str] = []
    kinds: list[str] = []
    parents: list[str | None] = []
    branch_row, sb_row, sb_branch = [], [], []
    for b in range(spec.branches):
        city = CITIES[b]
        branch_id = f"B{b + 1:02d}"
        branch_row.append(len(ids))
        ids.append(branch_id)
        names.append(f"{city.name}分行")
        kinds.append("branch")
        parents.append(None)
        for s, name in enumerate(sub_branch_names(city, spec.sub_branches)):
            sb_row.append(len(ids))
            sb_branch.append(b)
            ids.append(f"{branch_id}S{s + 1:02d}")
            names.append(name)
            kinds.append("sub_branch")
            parents.append(branch_id)
    return Orgs(
        ids=ids,
        names=names,
        kinds=kinds,
        parents=parents,
        branch_row=np.array(branch_row, np.int64),
        sb_row=np.array(sb_row, np.int64),
        sb_branch=np.array(sb_branch, np.int64),
        sb_weight=rng.uniform(0.6, 1.4, len(sb_row)),
    )


@dataclass(frozen=True)
class Staff:
    ids: pa.Array
    names: pa.Array
    role: I64
    org_row: I64
    sb: I64  # sub-branch, -1 for staff of a branch
    branch: I64
    hired: I64
    left: I64  # NA while employed (filled in by build_book)
    idle_from: I64  # no login nor activity from this day (NEVER for most; set by build_leaves)
    diligence: F64  # contact-rate multiplier of a planner or advisor
    skill: F64  # mean satisfaction score of the staff member

    @property
    def n(self) -> int:
        return int(self.role.size)

    def active_on(self, idx: I64, day: I64) -> Bool:
        left = self.left[idx]
        return (day >= self.hired[idx]) & ((left == NA) | (day < left))


def allocate(total: int, weights: F64, minimum: int) -> I64:
    """Split `total` in proportion to `weights` (largest remainder), each share >= minimum."""
    spare = total - minimum * weights.size
    if spare < 0:
        raise ValueError(f"cannot give {weights.size} units {minimum} each out of {total}")
    raw = spare * weights / weights.sum()
    share = np.floor(raw).astype(np.int64)
    rest = spare - int(share.sum())
    share[np.argsort(-(raw - share), kind="stable")[:rest]] += 1
    return share + minimum


def build_staff(rng: Rng, spec: ScaleSpec, orgs: Orgs, cal: Calendar) -> Staff:
    role: list[I64] = []
    sb: list[I64] = []
    n_sb = spec.sub_branches
    for b in range(spec.branches):
        sbs = np.arange(b * n_sb, (b + 1) * n_sb)
        per_sb = allocate(spec.planners, orgs.sb_weight[sbs], minimum=2)
        planner_sb = np.repeat(sbs, per_sb)
        # Advisors alternate between the branch's own team and the larger sub-branches' teams.
        adv_at_sb = np.arange(spec.advisors) % 2 == 1
        adv_sb = np.where(adv_at_sb, sbs[(np.arange(spec.advisors) // 2) % n_sb], -1)
        role += [np.array([DIRECTOR]), np.full(n_sb, HEAD), np.full(per_sb.sum(), PLANNER)]
        role += [np.full(spec.advisors, ADVISOR)]
        sb += [np.array([-1]), sbs, planner_sb, adv_sb]
    role_a = np.concatenate(role).astype(np.int64)
    sb_a = np.concatenate(sb).astype(np.int64)
    branch = np.where(sb_a >= 0, orgs.sb_branch[np.maximum(sb_a, 0)], 0)
    # Branch-level staff: the director and the branch's own advisors.
    b_index = np.cumsum(role_a == DIRECTOR) - 1
    branch = np.where(sb_a >= 0, branch, b_index).astype(np.int64)
    org_row = np.where(sb_a >= 0, orgs.sb_row[np.maximum(sb_a, 0)], orgs.branch_row[branch])
    n = role_a.size
    # Hire dates by role; everyone who manages clients joined at least a year before the window.
    latest = cal.first_day - 365
    hire_lo = np.array([day_of(dt.date(2010, 1, 1)), day_of(dt.date(2011, 1, 1))] * 2)
    hire_lo[HEAD], hire_lo[DIRECTOR] = day_of(dt.date(2008, 1, 1)), day_of(dt.date(2006, 1, 1))
    hire_hi = np.array(
        [latest, latest, day_of(dt.date(2017, 12, 31)), day_of(dt.date(2012, 12, 31))]
    )
    hired = uniform_days(rng, hire_lo[role_a], hire_hi[role_a])
    # Employee numbers follow hiring order, as an HR system hands them out.
    order = np.argsort(hired, kind="stable")
    role_a, sb_a, branch, org_row, hired = (
        a[order] for a in (role_a, sb_a, branch, org_row, hired)
    )
    female = rng.random(n) < 0.55
    return Staff(
        ids=padded_ids(rng, n, 6, 100, 90_000),
        names=chinese_names(rng, female),
        role=role_a,
        org_row=org_row.astype(np.int64),
        sb=sb_a,
        branch=branch,
        hired=hired,
        left=np.full(n, NA, np.int64),
        idle_from=np.full(n, NEVER, np.int64),
        diligence=np.exp(rng.normal(0.0, 0.25, n)),
        skill=rng.uniform(80.0, 94.0, n),
    )


# --- clients and AUM -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Clients:
    ids: pa.Array
    opened: I64
    closed: I64  # NA while open
    branch: I64
    sb: I64
    level: F64  # AUM at the as-of month (the last month before closure for closed clients)
    open_m: I64  # first month index with an AUM row
    close_m: I64  # last month index with an AUM row

    @property
    def n(self) -> int:
        return int(self.opened.size)


def tier_of(aum: F64) -> NDArray[np.int8]:
    return ((aum >= PLATINUM).astype(np.int8) + (aum >= BLACK_GOLD)).astype(np.int8)


def final_levels(rng: Rng, n: int) -> F64:
    """AUM levels with exact tier shares: ~2.5% black-gold (Pareto tail), ~15% platinum, the rest
    mass (lognormal around 60,000). Exact shares keep even `tiny` representative."""
    n_top = min(n, max(3, round(0.025 * n)))
    n_plat = min(n - n_top, max(6, round(0.15 * n)))
    n_mass = n - n_top - n_plat
    top = np.minimum(BLACK_GOLD * (1.0 + rng.pareto(1.6, n_top)), 3e8)
    # Truncated Pareto between the platinum and black-gold thresholds (inverse CDF).
    a, lo, hi = 1.1, PLATINUM, BLACK_GOLD
    u = rng.random(n_plat)
    plat = lo / (1.0 - u * (1.0 - (lo / hi) ** a)) ** (1.0 / a)
    plat = np.minimum(plat, hi - 1.0)
    mass = np.exp(rng.normal(np.log(60_000.0), 1.2, n_mass))
    for _ in range(50):  # redraw the few outside the mass band
        bad = (mass >= PLATINUM) | (mass < 500.0)
        if not bad.any():
            break
        mass[bad] = np.exp(rng.normal(np.log(60_000.0), 1.2, int(bad.sum())))
    mass = np.clip(mass, 500.0, PLATINUM - 1.0)
    return rng.permutation(np.concatenate([top, plat, mass]))


def build_clients(rng: Rng, spec: ScaleSpec, orgs: Orgs, cal: Calendar) -> Clients:
    n = spec.clients * spec.branches
    # About 5% new relationships a year; the rest opened since 2005.
    new = rng.random(n) < 0.05 * cal.months / 12
    old_open = uniform_days(rng, day_of(dt.date(2005, 1, 1)), cal.first_day - 1, n)
    new_open = uniform_days(rng, cal.first_day, AS_OF_DAY - 1, n)
    # Client numbers follow opening order, so sorting by row number sorts by id too.
    opened = np.sort(np.where(new, new_open, old_open))
    branch = rng.permutation(np.repeat(np.arange(spec.branches), spec.clients)).astype(np.int64)
    # Sub-branch within the branch, in proportion to the sub-branch's size.
    w = orgs.sb_weight.reshape(spec.branches, spec.sub_branches)
    cum = np.cumsum(w, axis=1) / w.sum(axis=1, keepdims=True) + np.arange(spec.branches)[:, None]
    local = np.searchsorted(cum.ravel(), branch + rng.random(n), side="right")
    sb = np.minimum(local, branch * spec.sub_branches + spec.sub_branches - 1).astype(np.int64)
    level = final_levels(rng, n)
    # Churn: ~2.5% a year, less among the richer clients.
    eligible = opened + 90 <= AS_OF_DAY
    p_close = 0.025 * cal.months / 12 * np.array([1.0, 0.6, 0.4])[tier_of(level)]
    closing = chance(rng, n, p_close, at_least=1, among=eligible)
    closed_day = uniform_days(rng, np.maximum(opened + 90, cal.first_day), AS_OF_DAY, n)
    closed = np.where(closing, closed_day, NA).astype(np.int64)
    open_m = np.where(opened < cal.first_day, 0, cal.month_of(opened)).astype(np.int64)
    close_m = np.where(closing, cal.month_of(closed), cal.months - 1).astype(np.int64)
    return Clients(
        ids=padded_ids(rng, n, 10, 10_000_000, 900_000_000),
        opened=opened,
        closed=closed,
        branch=branch,
        sb=sb,
        level=level,
        open_m=open_m,
        close_m=close_m,
    )


@dataclass(frozen=True)
class Aum:
    value: F64  # clients x months, yuan; meaningful inside the relationship
    present: Bool  # an AUM row exists (inside the relationship, not a data gap)
    in_rel: Bool  # the month lies between opening and closure
    tier: NDArray[np.int8]


def build_aum(rng: Rng, clients: Clients, cal: Calendar) -> Aum:
    """Monthly average daily AUM: a log random walk that ends at each client's level.

    Built backwards from the as-of level so that the tier shares hold at as-of. Growth with noise,
    occasional inflows, sharp drops (>= 30%, the retention alerts), new money ramping up after an
    opening, part months at opening and closure, and rare data gaps.
    """
    n, months = clients.n, cal.months
    m = np.arange(months)
    inc = rng.normal(0.004, 0.03, (n, months))
    inflow = rng.random((n, months)) < 0.012
    inc[inflow] += np.abs(rng.normal(0.3, 0.15, int(inflow.sum())))
    drop = rng.random((n, months)) < 0.0045
    inc[drop] = np.log(rng.uniform(0.3, 0.68, int(drop.sum())))
    # New money arrives over the first months of a new relationship.
    new = clients.opened >= cal.first_day
    for k, boost in ((1, 0.35), (2, 0.15)):
        ramp = new & (clients.open_m + k < months)
        inc[ramp, clients.open_m[ramp] + k] += boost
    inc[:, 0] = 0.0
    # log level[m] = log level[last] - sum of the increments after m.
    after = np.cumsum(inc[:, ::-1], axis=1)[:, ::-1]
    log_level = np.log(clients.level)[:, None] - (after - inc)
    del inc, after
    value = np.exp(log_level)
    del log_level
    rows = np.arange(n)
    # Part months: a new client holds money only from the opening day; a closing one runs down.
    ms, me = cal.month_start, cal.month_end
    length = (me - ms + 1).astype(np.float64)
    part = new
    om = clients.open_m[part]
    value[rows[part], om] *= (me[om] - clients.opened[part] + 1) / length[om]
    closing = clients.closed != NA
    cm = clients.close_m[closing]
    value[rows[closing], cm] *= (clients.closed[closing] - ms[cm]) / length[cm]
    run_down = closing & (clients.close_m > clients.open_m) & (rng.random(n) < 0.5)
    value[rows[run_down], clients.close_m[run_down] - 1] *= rng.uniform(0.3, 0.7, run_down.sum())
    in_rel = (m[None, :] >= clients.open_m[:, None]) & (m[None, :] <= clients.close_m[:, None])
    # Rare gaps inside a relationship (never its first or last month, never the as-of month).
    inner = (
        (m[None, :] > clients.open_m[:, None])
        & (m[None, :] < clients.close_m[:, None])
        & (m[None, :] < months - 1)
    )
    gap = chance(rng, n * months, 0.0008, at_least=1, among=inner.ravel()).reshape(n, months)
    present = in_rel & ~gap
    value = np.round(value, 2).astype(np.float64)
    return Aum(value=value, present=present, in_rel=in_rel, tier=tier_of(value))


# --- who manages whom ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Book:
    """Each client's managers: a primary planner p0 from start0, maybe transferred to p1 on td, the
    primary relationship ending on p_end (NA: still assigned); and maybe a secondary advisor."""

    assigned: Bool
    p0: I64
    start0: I64
    td: I64
    p1: I64
    p_end: I64
    adv: I64
    adv_start: I64
    adv_end: I64
    end_at_closure: Bool
    serve_lo: I64  # days on which the client's managers work with the client (inclusive)
    serve_hi: I64

    def primary_at(self, client: I64, day: I64) -> I64:
        """The primary manager of each client on each day, -1 when none."""
        td = self.td[client]
        staff = np.where((td != NA) & (day >= td), self.p1[client], self.p0[client])
        end = self.p_end[client]
        none = ~self.assigned[client] | (day < self.start0[client]) | ((end != NA) & (day >= end))
        return np.where(none, -1, staff).astype(np.int64)

    def advisor_at(self, client: I64, day: I64) -> I64:
        adv = self.adv[client]
        end = self.adv_end[client]
        on = (adv >= 0) & (day >= self.adv_start[client]) & ((end == NA) | (day < end))
        return np.where(on, adv, -1).astype(np.int64)


def planner_weights(
    rng: Rng, spec: ScaleSpec, staff: Staff, clients: Clients, assigned: Bool, n_sb: int
) -> tuple[F64, I64]:
    """Each planner's share of their sub-branch's clients; the `overloaded` planners get enough to
    end above 200 primary clients. Returns the weights and the overloaded planners."""
    weight = np.where(staff.role == PLANNER, rng.uniform(0.6, 1.4, staff.n), 0.0)
    per_sb = np.bincount(clients.sb[assigned], minlength=n_sb)
    target = 270.0  # ever assigned; closures and transfers leave ~230 at as-of
    overloaded: list[int] = []
    for b in range(spec.branches):
        sbs = np.arange(b * spec.sub_branches, (b + 1) * spec.sub_branches)
        for s in sbs[np.argsort(-per_sb[sbs], kind="stable")][: spec.overloaded]:
            if per_sb[s] < target * 1.6:
                continue
            members = np.flatnonzero((staff.sb == s) & (staff.role == PLANNER))
            star = int(members[0])
            others = weight[members].sum() - weight[star]
            weight[star] = target * others / (per_sb[s] - target)
            overloaded.append(star)
    return weight, np.array(overloaded, np.int64)


def pick_planners(rng: Rng, staff: Staff, weight: F64, sb: I64, n_sb: int) -> I64:
    """A planner of each client's sub-branch, in proportion to the planners' weights."""
    planners = np.flatnonzero(staff.role == PLANNER)
    planners = planners[np.lexsort((planners, staff.sb[planners]))]
    psb = staff.sb[planners]
    w = weight[planners]
    total = np.bincount(psb, weights=w, minlength=n_sb)
    # Cumulative weight where sub-branch s occupies the interval (s, s + 1].
    for_sb = np.cumsum(w) - np.concatenate([[0.0], np.cumsum(total)])[psb]
    cum = psb + for_sb / total[psb]
    idx = np.searchsorted(cum, sb + rng.random(sb.size), side="left")
    idx = np.clip(idx, 0, planners.size - 1)
    return planners[idx].astype(np.int64)


def choose_leavers(rng: Rng, spec: ScaleSpec, staff: Staff, overloaded: I64, cal: Calendar) -> I64:
    """At most one leaver per sub-branch, from sub-branches that keep two planners or more."""
    planners = staff.role == PLANNER
    count = np.bincount(staff.sb[planners], minlength=spec.branches * spec.sub_branches)
    leavers: list[int] = []
    for b in range(spec.branches):
        candidates = np.flatnonzero(
            planners & (staff.branch == b) & (count[np.maximum(staff.sb, 0)] >= 3)
        )
        candidates = np.setdiff1d(candidates, overloaded)
        if candidates.size == 0 or spec.leavers == 0:
            continue
        picked: list[int] = []
        for c in rng.permutation(candidates):
            if staff.sb[c] not in {staff.sb[p] for p in picked}:
                picked.append(int(c))
            if len(picked) == spec.leavers:
                break
        leavers += picked
    out = np.array(sorted(leavers), np.int64)
    staff.left[out] = uniform_days(rng, cal.first_day + 90, AS_OF_DAY - 30, out.size)
    return out


def build_book(
    rng: Rng, spec: ScaleSpec, staff: Staff, clients: Clients, aum: Aum, cal: Calendar
) -> Book:
    n = clients.n
    n_sb = spec.branches * spec.sub_branches
    max_aum = np.where(aum.in_rel, aum.value, 0.0).max(axis=1)
    # Every platinum-or-better client gets a primary planner; mass clients the more likely the
    # richer they are (a bank does not assign its smallest accounts).
    scale = np.clip(np.log10(np.maximum(max_aum, 1.0) / 1e4) / np.log10(50.0), 0.0, 1.0)
    p_assign = np.where(max_aum >= PLATINUM, 1.0, 0.25 + 0.5 * scale)
    assigned = rng.random(n) < p_assign
    weight, overloaded = planner_weights(rng, spec, staff, clients, assigned, n_sb)
    choose_leavers(rng, spec, staff, overloaded, cal)
    p0 = np.where(assigned, pick_planners(rng, staff, weight, clients.sb, n_sb), -1)
    p0_safe = np.maximum(p0, 0)
    # The relationship with the first planner starts at opening, or some time before the window.
    lo = np.maximum(clients.opened, staff.hired[p0_safe])
    start0 = np.where(
        clients.opened >= cal.first_day,
        clients.opened,
        uniform_days(rng, lo, np.maximum(lo, cal.first_day - 1), n),
    )
    # Colleagues who stay: the planners a client can be moved to.
    stays = (staff.role == PLANNER) & (staff.left == NA)
    stay_idx = np.flatnonzero(stays)
    members, offsets = group_slices(staff.sb[stay_idx], n_sb)
    members = stay_idx[members]
    colleague = pick_in_groups(rng, members, offsets, clients.sb, p0)
    td = np.full(n, NA, np.int64)
    p1 = np.full(n, -1, np.int64)
    # A leaver's clients: those who arrive after the departure go straight to a colleague, the
    # others are transferred on the leaving day (unless they closed before).
    left = np.where(assigned, staff.left[p0_safe], NA)
    leaving = left != NA
    late = leaving & (start0 >= left)
    p0 = np.where(late, colleague, p0)
    moved = leaving & ~late & ((clients.closed == NA) | (clients.closed > left))
    td[moved], p1[moved] = left[moved], colleague[moved]
    # Rebalancing transfers (~4% of the book) between planners who stay.
    last_day = np.where(clients.closed != NA, clients.closed, AS_OF_DAY)
    t_lo = np.maximum(start0, cal.first_day) + 30
    t_hi = last_day - 10
    can = assigned & ~leaving & (t_lo <= t_hi)
    rebalance = chance(rng, n, 0.04, at_least=1, among=can)
    td[rebalance] = uniform_days(rng, t_lo[rebalance], t_hi[rebalance])
    p1[rebalance] = colleague[rebalance]
    # A few wealth clients lose their manager without a successor (coverage < 100%).
    last_start = np.where(td != NA, td, start0)
    wealthy = aum.value[:, -1] >= WEALTH
    orphan_pool = assigned & (td == NA) & (clients.closed == NA) & wealthy
    orphan_pool &= last_start <= AS_OF_DAY - 200
    orphan = chance(rng, n, 0.006, at_least=1, among=orphan_pool)
    p_end = np.full(n, NA, np.int64)
    p_end[orphan] = uniform_days(rng, AS_OF_DAY - 180, AS_OF_DAY - 3, int(orphan.sum()))
    # Most closed clients' assignments end on the closing day; some are left open in the CRM.
    closing = assigned & (clients.closed != NA) & (clients.closed > last_start)
    end_at_closure = closing & (rng.random(n) < 0.7)
    p_end[end_at_closure] = clients.closed[end_at_closure]
    adv, adv_start = secondary_advisors(rng, spec, staff, clients, aum, assigned, start0, cal)
    adv_end = np.where(end_at_closure & (adv >= 0), clients.closed, NA).astype(np.int64)
    serve_hi = np.full(n, AS_OF_DAY, np.int64)
    serve_hi = np.where(clients.closed != NA, np.minimum(serve_hi, clients.closed), serve_hi)
    serve_hi = np.where(p_end != NA, np.minimum(serve_hi, p_end - 1), serve_hi)
    return Book(
        assigned=assigned,
        p0=p0.astype(np.int64),
        start0=start0.astype(np.int64),
        td=td,
        p1=p1,
        p_end=p_end,
        adv=adv,
        adv_start=adv_start,
        adv_end=adv_end,
        end_at_closure=end_at_closure,
        serve_lo=np.where(assigned, start0, NEVER).astype(np.int64),
        serve_hi=np.where(assigned, serve_hi, NA).astype(np.int64),
    )


def secondary_advisors(
    rng: Rng,
    spec: ScaleSpec,
    staff: Staff,
    clients: Clients,
    aum: Aum,
    assigned: Bool,
    start0: I64,
    cal: Calendar,
) -> tuple[I64, I64]:
    """~82% of clients who reach black-gold (and ~8% of platinum ones) get a secondary advisor,
    from the month they first reach that tier (dual-manager coverage ~80%)."""
    n = clients.n
    n_sb = spec.branches * spec.sub_branches
    tier = np.where(aum.in_rel, aum.tier, -1)
    best = tier.max(axis=1)
    wants = assigned & chance(
        rng, n, np.where(best == TOP, 0.82, np.where(best == PLAT, 0.08, 0.0))
    )
    first = np.argmax(tier >= np.maximum(best, PLAT)[:, None], axis=1)
    # Candidate advisors of a sub-branch: its own, else the branch's own advisors.
    advisors = np.flatnonzero(staff.role == ADVISOR)
    own = np.zeros(n_sb, np.int64)
    np.add.at(own, staff.sb[advisors][staff.sb[advisors] >= 0], 1)
    sb_all = np.arange(n_sb)
    group_of_adv = np.where(
        staff.sb[advisors] >= 0, staff.sb[advisors], n_sb + staff.branch[advisors]
    )
    members, offsets = group_slices(group_of_adv, n_sb + spec.branches)
    members = advisors[members]
    group_sb = np.where(own > 0, sb_all, n_sb + sb_all // spec.sub_branches)
    adv = pick_in_groups(rng, members, offsets, group_sb[clients.sb], None)
    before = (first == 0) & (start0 < cal.first_day)
    start = np.where(
        before,
        uniform_days(rng, start0, cal.first_day - 1, n),
        cal.month_start[first] + rng.integers(0, 46, n),
    )
    start = np.maximum(start, start0 + 1)
    ok = wants & (start <= AS_OF_DAY) & ((clients.closed == NA) | (start < clients.closed))
    return np.where(ok, adv, -1).astype(np.int64), np.where(ok, start, NA).astype(np.int64)


# --- leave, proxies and idle planners -------------------------------------------------------------


@dataclass(frozen=True)
class Leaves:
    """Planners' leave episodes [start, end) and the colleague standing in (sorted by staff)."""

    staff: I64
    start: I64
    end: I64
    proxy: I64

    def substitute(self, staff: I64, day: I64) -> I64:
        """The proxy stands in for work that falls in a leave."""
        if self.staff.size == 0:
            return staff
        key = self.staff * DAY_KEY + self.start
        i = np.searchsorted(key, staff * DAY_KEY + day, side="right") - 1
        ok = i >= 0
        i = np.maximum(i, 0)
        on_leave = ok & (self.staff[i] == staff) & (day < self.end[i])
        return np.where(on_leave, self.proxy[i], staff).astype(np.int64)


def build_leaves(rng: Rng, spec: ScaleSpec, staff: Staff, cal: Calendar) -> Leaves:
    """About one leave of 2-6 weeks per planner every ten years, at most one a year; one
    leave runs over the as-of day (its proxy ends in the future). Also picks the idle planners."""
    n_sb = spec.branches * spec.sub_branches
    stays = np.flatnonzero((staff.role == PLANNER) & (staff.left == NA))
    slots = (AS_OF_DAY - cal.first_day + 1 + 364) // 365
    cand = np.repeat(stays, slots)
    slot = np.tile(np.arange(slots), stays.size)
    take = rng.random(cand.size) < 0.1
    cand, slot = cand[take], slot[take]
    dur = rng.integers(14, 43, cand.size)
    s_lo = cal.first_day + 365 * slot
    s_hi = np.minimum(cal.first_day + 365 * (slot + 1), AS_OF_DAY - 60) - dur - 1
    fits = s_lo <= s_hi
    cand, dur, s_lo, s_hi = cand[fits], dur[fits], s_lo[fits], s_hi[fits]
    start = uniform_days(rng, s_lo, s_hi)
    end = start + dur
    # One leave still running on the as-of day.
    current = int(rng.choice(stays))
    cand = np.append(cand, current)
    start = np.append(start, AS_OF_DAY - 9)
    end = np.append(end, AS_OF_DAY + 19)
    members, offsets = group_slices(staff.sb[stays], n_sb)
    proxy = pick_in_groups(rng, stays[members], offsets, staff.sb[cand], cand)
    order = np.lexsort((start, cand))
    leaves = Leaves(staff=cand[order], start=start[order], end=end[order], proxy=proxy[order])
    # Idle planners: still employed and assigned, but no login for the last 5-11 weeks.
    pool = np.setdiff1d(stays, [current])
    for b in range(spec.branches):
        in_b = pool[staff.branch[pool] == b]
        idle = rng.choice(in_b, size=min(spec.idle, in_b.size), replace=False)
        staff.idle_from[idle] = AS_OF_DAY - rng.integers(35, 80, idle.size)
    return leaves


# --- the world: everything the tables are drawn from ---------------------------------------------


@dataclass(frozen=True)
class World:
    spec: ScaleSpec
    cal: Calendar
    orgs: Orgs
    staff: Staff
    clients: Clients
    aum: Aum
    book: Book
    leaves: Leaves
    cells: Cells


@dataclass(frozen=True)
class Cells:
    """Client-months in which a manager works with the client: the base of every client event.

    lo..hi are the days of the month within the service window; frac the share of the month."""

    client: I64
    month: I64
    lo: I64
    hi: I64
    frac: F64
    tier: NDArray[np.int8]
    value: F64


def build_cells(cal: Calendar, clients: Clients, aum: Aum, book: Book) -> Cells:
    lo = np.maximum(cal.month_start[None, :], book.serve_lo[:, None])
    hi = np.minimum(cal.month_end[None, :], book.serve_hi[:, None])
    ok = book.assigned[:, None] & aum.in_rel & (lo <= hi)
    client, month = np.nonzero(ok)
    lo_s, hi_s = lo[ok], hi[ok]
    length = cal.month_end[month] - cal.month_start[month] + 1
    return Cells(
        client=client.astype(np.int64),
        month=month.astype(np.int64),
        lo=lo_s.astype(np.int64),
        hi=hi_s.astype(np.int64),
        frac=(hi_s - lo_s + 1) / length,
        tier=aum.tier[ok],
        value=aum.value[ok],
    )


@dataclass(frozen=True)
class Draw:
    """Client events drawn from cells: one row per event."""

    cell: I64
    client: I64
    day: I64
    tier: NDArray[np.int8]

    def take(self, keep: Bool) -> Draw:
        return Draw(self.cell[keep], self.client[keep], self.day[keep], self.tier[keep])


def draw_events(
    rng: Rng,
    w: World,
    rates: Sequence[float],
    *,
    workday_share: float = 0.9,
    factor: F64 | None = None,
    cells: I64 | None = None,
    hi: I64 | None = None,
) -> Draw:
    """Poisson(rate of the cell's tier x share of the month served x factor) events per cell."""
    c = w.cells
    idx = np.arange(c.client.size) if cells is None else cells
    lam = np.asarray(rates, np.float64)[c.tier[idx]] * c.frac[idx]
    if factor is not None:
        lam = lam * factor[idx]
    k = rng.poisson(lam)
    row = np.repeat(idx, k)
    top = c.hi[row] if hi is None else np.minimum(c.hi[row], np.repeat(hi, k))
    day = w.cal.pick_days(rng, c.lo[row], top, workday_share)
    return Draw(cell=row, client=c.client[row], day=day, tier=c.tier[row])


def staff_for(rng: Rng, w: World, client: I64, day: I64, advisor_share: float) -> tuple[I64, Bool]:
    """Who did the work: the primary on that day, or the secondary advisor for a share of it; a
    proxy during the primary's leave. Rows of idle staff are dropped (the mask)."""
    staff = w.book.primary_at(client, day)
    adv = w.book.advisor_at(client, day)
    use_adv = (adv >= 0) & (rng.random(client.size) < advisor_share)
    staff = np.where(use_adv, adv, staff)
    staff = np.where(staff >= 0, w.leaves.substitute(staff, day), staff)
    ok = staff >= 0
    ok &= day < w.staff.idle_from[np.maximum(staff, 0)]
    return staff, ok


def planner_factor(w: World) -> F64:
    """Per cell: how diligent the cell's first planner is (drives coverage and cadence)."""
    p0 = w.book.p0[w.cells.client]
    return w.staff.diligence[np.maximum(p0, 0)]


# --- output --------------------------------------------------------------------------------------

Converter = Callable[[I64], pa.Array]


@dataclass(frozen=True)
class Table:
    file: str
    columns: list[tuple[str, Converter]]
    order: I64  # row numbers in output order


def ids_of(strings: pa.Array, idx: I64) -> Converter:
    def convert(sel: I64) -> pa.Array:
        i = idx[sel]
        return strings.take(pa.array(i, mask=i < 0))

    return convert


def labels_of(labels: Sequence[str], codes: I64) -> Converter:
    return ids_of(pa.array(list(labels), pa.string()), codes)


def timestamps(seconds: I64) -> Converter:
    def convert(sel: I64) -> pa.Array:
        v = seconds[sel]
        return pa.array(v, type=pa.timestamp("s"), mask=v == NA)

    return convert


def dates(days: I64) -> Converter:
    def convert(sel: I64) -> pa.Array:
        v = days[sel]
        return pa.array(np.where(v == NA, 0, v).astype(np.int32), type=pa.date32(), mask=v == NA)

    return convert


def money(fen: I64) -> Converter:
    """Exact yuan with two decimals: a decimal128 built from the integer number of fen."""

    def convert(sel: I64) -> pa.Array:
        v = fen[sel]
        null = v == NA
        words = np.zeros((v.size, 2), np.int64)
        words[:, 0] = np.where(null, 0, v)
        words[:, 1] = np.where(words[:, 0] < 0, -1, 0)
        validity = pa.py_buffer(np.packbits(~null, bitorder="little")) if null.any() else None
        return pa.Array.from_buffers(
            pa.decimal128(18, 2), v.size, [validity, pa.py_buffer(words)], null_count=-1
        )

    return convert


def numbers(values: NDArray[Any], null: Bool | None = None) -> Converter:
    def convert(sel: I64) -> pa.Array:
        return pa.array(values[sel], mask=None if null is None else null[sel])

    return convert


def sequence_ids(prefix: str, width: int, order: I64) -> Converter:
    """Ids numbered in output order (CT0000000001, ...)."""
    seq = np.empty(order.size, np.int64)
    seq[order] = np.arange(1, order.size + 1)

    def convert(sel: I64) -> pa.Array:
        digits = pc.utf8_lpad(pa.array(seq[sel]).cast(pa.string()), width, "0")
        return pc.binary_join_element_wise(prefix, digits, "")

    return convert


def write_table(out: pathlib.Path, table: Table, chunk: int = 500_000) -> int:
    """Header line, then the rows in `order`, converted and written chunk by chunk."""
    names = [name for name, _ in table.columns]
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    with open(out / table.file, "wb") as f:
        f.write((",".join(names) + "\n").encode("utf-8"))
        writer = None
        for start in range(0, table.order.size, chunk):
            sel = table.order[start : start + chunk]
            batch = pa.record_batch([conv(sel) for _, conv in table.columns], names=names)
            if writer is None:
                writer = pacsv.CSVWriter(f, batch.schema, write_options=options)
            writer.write_batch(batch)
        if writer is not None:
            writer.close()
    return int(table.order.size)


def time_order(*keys: NDArray[Any]) -> I64:
    """Row numbers sorted by the keys, the first key most significant."""
    if keys[0].size == 0:
        return np.zeros(0, np.int64)
    return np.lexsort(keys[::-1]).astype(np.int64)


# --- the tables ----------------------------------------------------------------------------------


def org_units_table(orgs: Orgs) -> Table:
    n = len(orgs.ids)
    parent = np.array([-1 if p is None else orgs.ids.index(p) for p in orgs.parents], np.int64)
    ids = pa.array(orgs.ids, pa.string())
    return Table(
        "org_units.csv",
        [
            ("org_id", ids_of(ids, np.arange(n))),
            ("name", ids_of(pa.array(orgs.names, pa.string()), np.arange(n))),
            (
                "kind",
                labels_of(["branch", "sub_branch"], (np.array(orgs.kinds) == "sub_branch") * 1),
            ),
            ("parent_id", ids_of(ids, parent)),
        ],
        np.arange(n, dtype=np.int64),
    )


def staff_table(w: World) -> Table:
    s = w.staff
    rows = np.arange(s.n)
    return Table(
        "staff.csv",
        [
            ("staff_id", ids_of(s.ids, rows)),
            ("name", ids_of(s.names, rows)),
            ("role", labels_of(ROLES, s.role)),
            ("org_id", ids_of(pa.array(w.orgs.ids, pa.string()), s.org_row)),
            ("hired_on", dates(s.hired)),
            ("left_on", dates(s.left)),
        ],
        rows.astype(np.int64),
    )


def clients_table(rng: Rng, w: World) -> Table:
    c = w.clients
    n = c.n
    tier = tier_of(c.level)
    female = rng.random(n) < 0.5
    names = chinese_names(rng, female)
    # Older clients hold more: top clients are mostly in their fifties and sixties.
    age = np.where(tier == TOP, rng.normal(56, 10, n), rng.normal(45, 14, n))
    age = np.clip(age, 20, 88)
    birth = AS_OF_DAY - np.round(age * 365.25).astype(np.int64)
    birth = np.where(rng.random(n) < 0.02, NA, birth)
    prefix = np.array(PHONE_PREFIXES, np.int64)[rng.integers(0, len(PHONE_PREFIXES), n)]
    phone = prefix * 100_000_000 + rng.integers(0, 100_000_000, n)
    phone_null = rng.random(n) < 0.03
    cycle_p = np.array([[0.0, 0.05, 0.95], [0.1, 0.7, 0.2], [0.9, 0.1, 0.0]])
    cycle = categorical(rng, cycle_p, tier.astype(np.int64), n)
    # Some mass clients have no cycle in the CRM: the contract's default (quarterly) applies.
    cycle = np.where((tier == MASS) & (rng.random(n) < 0.05), -1, cycle)
    risk_p = np.array([[0.12, 0.3, 0.35, 0.17, 0.06], [0.06, 0.24, 0.4, 0.22, 0.08]])
    risk = categorical(rng, risk_p, (tier > MASS).astype(np.int64), n)
    risk = np.where(rng.random(n) < 0.03, -1, risk)
    rows = np.arange(n)
    return Table(
        "clients.csv",
        [
            ("client_id", ids_of(c.ids, rows)),
            ("name", ids_of(names, rows)),
            ("gender", labels_of(["男", "女"], female.astype(np.int64))),
            ("birth_date", dates(birth)),
            ("phone", numbers(phone, phone_null)),
            ("opened_on", dates(c.opened)),
            ("closed_on", dates(c.closed)),
            ("contact_cycle", labels_of(CYCLES, cycle)),
            ("risk_level", labels_of(RISK_LEVELS, risk)),
        ],
        rows.astype(np.int64),
    )


def assignments_table(w: World) -> Table:
    b, c = w.book, w.clients
    rows: list[tuple[I64, I64, int, I64, I64]] = []  # client, staff, role, start, end
    first = np.flatnonzero(b.assigned)
    end0 = np.where(b.td[first] != NA, b.td[first], b.p_end[first])
    rows.append((first, b.p0[first], 0, b.start0[first], end0))
    moved = np.flatnonzero(b.td != NA)
    rows.append((moved, b.p1[moved], 0, b.td[moved], b.p_end[moved]))
    sec = np.flatnonzero(b.adv >= 0)
    rows.append((sec, b.adv[sec], 1, b.adv_start[sec], b.adv_end[sec]))
    # Proxy rows: every client in the absent planner's book when the leave starts.
    lv = w.leaves
    seg_client = np.concatenate([first, moved])
    seg_staff = np.concatenate([b.p0[first], b.p1[moved]])
    seg_start = np.concatenate([b.start0[first], b.td[moved]])
    seg_end = np.concatenate([end0, b.p_end[moved]])
    seg_end = np.where(seg_end == NA, NEVER, seg_end)
    by_staff, offsets = group_slices(seg_staff, w.staff.n)
    counts = offsets[lv.staff + 1] - offsets[lv.staff]
    ep = np.repeat(np.arange(lv.staff.size), counts)
    within = np.arange(ep.size) - np.repeat(np.cumsum(counts) - counts, counts)
    seg = by_staff[np.repeat(offsets[lv.staff], counts) + within]
    day = lv.start[ep]
    closed = c.closed[seg_client[seg]]
    live = (seg_start[seg] <= day) & (day < seg_end[seg]) & ((closed == NA) | (closed > day))
    ep, seg = ep[live], seg[live]
    rows.append((seg_client[seg], lv.proxy[ep], 2, lv.start[ep], lv.end[ep]))
    client = np.concatenate([r[0] for r in rows])
    staff = np.concatenate([r[1] for r in rows])
    role = np.concatenate([np.full(r[0].size, r[2], np.int64) for r in rows])
    start = np.concatenate([r[3] for r in rows])
    end = np.concatenate([r[4] for r in rows])
    keep = unique_rows(client, staff, role, start)
    client, staff, role, start, end = (a[keep] for a in (client, staff, role, start, end))
    return Table(
        "assignments.csv",
        [
            ("client_id", ids_of(c.ids, client)),
            ("staff_id", ids_of(w.staff.ids, staff)),
            ("role", labels_of(["primary", "secondary", "proxy"], role)),
            ("start_on", dates(start)),
            ("end_on", dates(end)),
        ],
        time_order(client, start, role, staff),
    )


def aum_table(w: World) -> Table:
    # Month-major: each month's rows sit together (good zone maps for per-period queries).
    month, client = np.nonzero(w.aum.present.T)
    fen = np.round(w.aum.value.T[month, client] * 100).astype(np.int64)
    return Table(
        "aum_monthly.csv",
        [
            ("client_id", ids_of(w.clients.ids, client.astype(np.int64))),
            ("month", labels_of(w.cal.month_labels, month.astype(np.int64))),
            ("avg_daily_aum", money(fen)),
        ],
        np.arange(month.size, dtype=np.int64),
    )


@dataclass(frozen=True)
class AccountEvents:
    client: I64
    at: I64
    kind: I64
    fen: I64


def account_events(rng: Rng, w: World) -> AccountEvents:
    """Closures on the closing day (after a final large outflow for most), large outflows in the
    months of sharp drops, and occasional outflows of richer clients without a drop."""
    c, a, cal = w.clients, w.aum, w.cal
    parts: list[tuple[I64, I64, int, I64]] = []
    closed = np.flatnonzero(c.closed != NA)
    close_at = c.closed[closed] * DAY + rng.integers(10 * 3600, 16 * 3600, closed.size)
    parts.append((closed, close_at, 1, np.full(closed.size, NA, np.int64)))
    before = np.maximum(c.close_m[closed] - 1, c.open_m[closed])
    last_value = a.value[closed, before]
    final = (last_value >= 50_000) & (rng.random(closed.size) < 0.6)
    fc = closed[final]
    f_day = np.maximum(
        c.closed[fc] - rng.integers(0, 6, fc.size), np.maximum(c.opened[fc], cal.first_day)
    )
    f_at = np.minimum(f_day * DAY + office_seconds(rng, fc.size), close_at[final] - 60)
    f_fen = np.round(last_value[final] * rng.uniform(0.8, 1.0, fc.size), -2) * 100
    parts.append((fc, f_at, 0, f_fen.astype(np.int64)))
    # Outflows in sharp-drop months, and random ones for platinum-or-better clients.
    both = a.present[:, 1:] & a.present[:, :-1]
    prev, cur = a.value[:, :-1], a.value[:, 1:]
    dropped = both & (prev > 0) & (cur <= 0.7 * prev) & (prev - cur >= 50_000)
    drop_c, drop_m = np.nonzero(dropped & (rng.random(dropped.shape) < 0.7))
    drop_m = drop_m + 1
    drop_amount = (a.value[drop_c, drop_m - 1] - a.value[drop_c, drop_m]) * rng.uniform(
        1.0, 1.8, drop_c.size
    )
    rich = a.present & (a.tier >= PLAT)
    rich[:, 1:] &= ~dropped
    rand_c, rand_m = np.nonzero(rich & (rng.random(rich.shape) < 0.012))
    rand_amount = a.value[rand_c, rand_m] * rng.uniform(0.1, 0.3, rand_c.size)
    oc = np.concatenate([drop_c, rand_c]).astype(np.int64)
    om = np.concatenate([drop_m, rand_m]).astype(np.int64)
    amount = np.concatenate([drop_amount, rand_amount])
    last = np.where(
        c.closed[oc] != NA, np.minimum(c.closed[oc] - 1, cal.month_end[om]), cal.month_end[om]
    )
    first = np.maximum(cal.month_start[om], c.opened[oc])
    ok = first <= last
    oc, om, amount, first, last = oc[ok], om[ok], amount[ok], first[ok], last[ok]
    day = cal.pick_days(rng, first, last, 0.95)
    o_fen = np.maximum(np.round(amount, -2), 100.0) * 100
    parts.append((oc, day * DAY + office_seconds(rng, oc.size), 0, o_fen.astype(np.int64)))
    client = np.concatenate([p[0] for p in parts])
    at = np.concatenate([p[1] for p in parts])
    kind = np.concatenate([np.full(p[0].size, p[2], np.int64) for p in parts])
    fen = np.concatenate([p[3] for p in parts])
    keep = unique_rows(client, at, kind)
    return AccountEvents(client[keep], at[keep], kind[keep], fen[keep])


def account_events_table(w: World, ev: AccountEvents) -> Table:
    return Table(
        "account_events.csv",
        [
            ("client_id", ids_of(w.clients.ids, ev.client)),
            ("at", timestamps(ev.at)),
            ("kind", labels_of(EVENT_KINDS, ev.kind)),
            ("amount", money(ev.fen)),
        ],
        time_order(ev.at, ev.client, ev.kind),
    )


def retention_alerts(w: World, ev: AccountEvents) -> tuple[I64, I64, I64]:
    """(client, alert day, day whose primary should follow up) of every retention alert: sharp
    drops and tier falls at month end, and account events on their day (closure: the day before)."""
    a, cal = w.aum, w.cal
    both = a.present[:, 1:] & a.present[:, :-1]
    prev, cur = a.value[:, :-1], a.value[:, 1:]
    fell = both & (((prev > 0) & (cur <= 0.7 * prev)) | (a.tier[:, 1:] < a.tier[:, :-1]))
    c_m, m = np.nonzero(fell)
    day_m = cal.month_end[m + 1]
    ev_day = ev.at // DAY
    ref = np.where(ev.kind == 1, ev_day - 1, ev_day)
    client = np.concatenate([c_m, ev.client]).astype(np.int64)
    day = np.concatenate([day_m, ev_day]).astype(np.int64)
    return client, day, np.concatenate([day_m, ref]).astype(np.int64)


def contacts_table(rng: Rng, w: World, ev: AccountEvents) -> Table:
    # Regular contacts: monthly-cycle top clients ~3 a month, mass clients one a quarter or so.
    d = draw_events(rng, w, (0.6, 1.9, 4.4), workday_share=0.88, factor=planner_factor(w))
    staff, ok = staff_for(rng, w, d.client, d.day, advisor_share=0.3)
    d, staff = d.take(ok), staff[ok]
    channel_p = np.array(
        [
            [0.04, 0.40, 0.22, 0.02, 0.30, 0.02],
            [0.12, 0.38, 0.10, 0.03, 0.32, 0.05],
            [0.22, 0.33, 0.05, 0.03, 0.30, 0.07],
        ]
    )
    channel = categorical(rng, channel_p, d.tier.astype(np.int64), d.client.size)
    purpose = categorical(rng, np.array([0.24, 0.1, 0.16, 0.14, 0.2, 0.16]), None, d.client.size)
    purpose = np.where(rng.random(d.client.size) < 0.04, -1, purpose)
    # Follow-ups: ~2 in 3 retention alerts get a call or visit by the primary within 7 days.
    a_client, a_day, a_ref = retention_alerts(w, ev)
    primary = w.book.primary_at(a_client, a_ref)
    follow = (primary >= 0) & (rng.random(a_client.size) < 0.68)
    f_client, f_staff = a_client[follow], primary[follow]
    f_day = a_day[follow] + rng.integers(0, 8, f_client.size)
    ok = (f_day <= AS_OF_DAY) & (f_day < w.staff.idle_from[f_staff])
    f_client, f_staff, f_day = f_client[ok], f_staff[ok], f_day[ok]
    f_channel = categorical(rng, np.array([0.3, 0.5, 0.0, 0.0, 0.2, 0.0]), None, f_client.size)
    f_purpose = categorical(rng, np.array([0.6, 0.2, 0.0, 0.0, 0.0, 0.2]), None, f_client.size)
    client = np.concatenate([d.client, f_client])
    staff = np.concatenate([staff, f_staff])
    day = np.concatenate([d.day, f_day])
    at = day * DAY + office_seconds(rng, day.size)
    channel = np.concatenate([channel, f_channel])
    purpose = np.concatenate([purpose, f_purpose])
    order = time_order(at, client, staff)
    return Table(
        "contacts.csv",
        [
            ("contact_id", sequence_ids("CT", 10, order)),
            ("client_id", ids_of(w.clients.ids, client)),
            ("staff_id", ids_of(w.staff.ids, staff)),
            ("at", timestamps(at)),
            ("channel", labels_of(CHANNELS, channel)),
            ("purpose", labels_of(PURPOSES, purpose)),
        ],
        order,
    )


def hours(rng: Rng, lo: float, hi: float, n: int) -> I64:
    return np.round(rng.uniform(lo, hi, n) * 3600).astype(np.int64)


def requests_table(rng: Rng, w: World) -> Table:
    """Requests with first response and result. Most meet the SLA (black-gold: result within 24 h;
    platinum: response within 24 h and result within 3 working days); ~10-15% miss it, and a few
    stay unresolved."""
    d = draw_events(rng, w, (0.006, 0.035, 0.09), workday_share=0.85)
    staff, ok = staff_for(rng, w, d.client, d.day, advisor_share=0.25)
    d, staff = d.take(ok), staff[ok]
    n = d.client.size
    received = d.day * DAY + office_seconds(rng, n)
    slow_ack = rng.random(n) < 0.06
    ack = np.where(
        slow_ack,
        hours(rng, 24.5, 72, n),
        np.round(np.clip(np.exp(rng.normal(np.log(1.5), 1.0, n)), 0.05, 20) * 3600).astype(
            np.int64
        ),
    )
    late = rng.random(n)
    top_delay = np.where(late < 0.9, hours(rng, 1.5, 23, n), hours(rng, 25, 120, n))
    other_delay = np.where(
        late < 0.75,
        hours(rng, 2, 40, n),
        np.where(late < 0.92, hours(rng, 40, 70, n), hours(rng, 70, 200, n)),
    )
    delay = np.where(d.tier == TOP, top_delay, other_delay)
    ack_at = in_office_hours(rng, received + ack)
    resolved = in_office_hours(rng, received + delay)
    # A result comes after the first response, if only by a little.
    resolved = np.where(resolved <= ack_at, ack_at + hours(rng, 0.2, 3.0, n), resolved)
    # A few are never resolved (still open long after their deadline).
    open_pool = received <= (AS_OF_DAY - 7) * DAY
    unresolved = chance(rng, n, 0.012, at_least=1, among=open_pool)
    resolved = np.where(unresolved, NA, resolved)
    ack_at = np.where(unresolved & (rng.random(n) < 0.4), NA, ack_at)
    # Nothing after the as-of moment: later answers are simply not there yet.
    resolved = np.where(resolved > AS_OF_END, NA, resolved)
    ack_at = np.where(ack_at > AS_OF_END, NA, ack_at)
    summary = rng.integers(0, len(REQUEST_SUMMARIES), n)
    order = time_order(received, d.client, staff)
    return Table(
        "requests.csv",
        [
            ("request_id", sequence_ids("RQ", 10, order)),
            ("client_id", ids_of(w.clients.ids, d.client)),
            ("staff_id", ids_of(w.staff.ids, staff)),
            ("received_at", timestamps(received)),
            ("acknowledged_at", timestamps(ack_at)),
            ("resolved_at", timestamps(resolved)),
            ("summary", labels_of(REQUEST_SUMMARIES, summary)),
        ],
        order,
    )


def needs_table(rng: Rng, w: World) -> Table:
    d = draw_events(rng, w, (0.015, 0.08, 0.2))
    staff, ok = staff_for(rng, w, d.client, d.day, advisor_share=0.4)
    d, staff = d.take(ok), staff[ok]
    kind = (rng.random(d.client.size) < 0.35).astype(np.int64)
    at = d.day * DAY + office_seconds(rng, d.day.size)
    order = time_order(at, d.client, staff)
    return Table(
        "needs.csv",
        [
            ("need_id", sequence_ids("ND", 10, order)),
            ("client_id", ids_of(w.clients.ids, d.client)),
            ("staff_id", ids_of(w.staff.ids, staff)),
            ("at", timestamps(at)),
            ("kind", labels_of(NEED_KINDS, kind)),
        ],
        order,
    )


def plans_table(rng: Rng, w: World) -> Table:
    """Ad-hoc financial plans, and quarterly reports for top and richer platinum clients in the
    first half of each quarter's first month (written by the advisor when there is one)."""
    d = draw_events(rng, w, (0.004, 0.03, 0.08))
    staff, ok = staff_for(rng, w, d.client, d.day, advisor_share=0.4)
    d, staff = d.take(ok), staff[ok]
    c = w.cells
    quarter_first = (np.array([int(lbl[5:]) for lbl in w.cal.month_labels]) % 3) == 1
    rich = (c.tier == TOP) | (c.value >= WEALTH)
    eligible = np.flatnonzero(quarter_first[c.month] & rich)
    p = np.where(c.tier[eligible] == TOP, 0.75, 0.25)
    take = eligible[rng.random(eligible.size) < p]
    hi = np.minimum(c.hi[take], w.cal.month_start[c.month[take]] + 14)
    take, hi = take[c.lo[take] <= hi], hi[c.lo[take] <= hi]
    r_client = c.client[take]
    r_day = w.cal.pick_days(rng, c.lo[take], hi, 0.97)
    r_staff, ok = staff_for(rng, w, r_client, r_day, advisor_share=1.0)
    client = np.concatenate([d.client, r_client[ok]])
    staff = np.concatenate([staff, r_staff[ok]])
    day = np.concatenate([d.day, r_day[ok]])
    kind = np.concatenate([np.zeros(d.client.size, np.int64), np.ones(int(ok.sum()), np.int64)])
    at = day * DAY + office_seconds(rng, day.size)
    order = time_order(at, client, staff)
    return Table(
        "plans.csv",
        [
            ("plan_id", sequence_ids("PL", 10, order)),
            ("client_id", ids_of(w.clients.ids, client)),
            ("staff_id", ids_of(w.staff.ids, staff)),
            ("at", timestamps(at)),
            ("kind", labels_of(PLAN_KINDS, kind)),
        ],
        order,
    )


def archives_table(rng: Rng, w: World) -> Table:
    """Private archives for most clients who reach black-gold (some of the richer platinum ones
    too), created within ~3 months of reaching the tier; sealed on closure and now and then
    otherwise, after which some get a new archive."""
    a, b, c, cal = w.aum, w.book, w.clients, w.cal
    tier = np.where(a.in_rel, a.tier, -1)
    best = tier.max(axis=1)
    p = np.where(best == TOP, 0.88, np.where(best == PLAT, 0.2, 0.0))
    has = b.assigned & (rng.random(c.n) < p)
    first = np.argmax(tier >= np.maximum(best, PLAT)[:, None], axis=1)
    early = (first == 0) & (b.start0 < cal.first_day)
    lo = np.maximum(b.start0, cal.first_day - 3 * 365)
    created = np.where(
        early,
        uniform_days(rng, lo, np.maximum(lo, cal.first_day - 1), c.n),
        cal.month_start[first] + rng.integers(0, 91, c.n),
    )
    created = np.maximum(created, b.start0)
    has &= created <= np.minimum(b.serve_hi, AS_OF_DAY)
    client = np.flatnonzero(has)
    created = created[client]
    by = staff_for(rng, w, client, created, advisor_share=0.3)[0]
    keep = by >= 0
    client, created, by = client[keep], created[keep], by[keep]
    closed = c.closed[client]
    sealed = np.where((closed != NA) & (closed >= created), closed, NA)
    can_seal = (sealed == NA) & (created <= AS_OF_DAY - 60)
    seal = chance(rng, client.size, 0.06, at_least=1, among=can_seal)
    sealed[seal] = uniform_days(rng, created[seal] + 60, AS_OF_DAY)
    # Half of the clients whose archive was sealed while they stay get a fresh one.
    renew = seal & (sealed + 45 <= AS_OF_DAY) & (rng.random(client.size) < 0.5)
    r_client = client[renew]
    r_created = sealed[renew] + rng.integers(1, 46, r_client.size)
    r_by = w.book.primary_at(r_client, r_created)
    ok = r_by >= 0
    client = np.concatenate([client, r_client[ok]])
    created = np.concatenate([created, r_created[ok]])
    by = np.concatenate([by, r_by[ok]])
    sealed = np.concatenate([sealed, np.full(int(ok.sum()), NA, np.int64)])
    keep = unique_rows(client, created)
    client, created, by, sealed = client[keep], created[keep], by[keep], sealed[keep]
    return Table(
        "archives.csv",
        [
            ("client_id", ids_of(c.ids, client)),
            ("created_by", ids_of(w.staff.ids, by)),
            ("created_on", dates(created)),
            ("sealed_on", dates(sealed)),
        ],
        time_order(created, client),
    )


def surveys_table(rng: Rng, w: World) -> Table:
    """Satisfaction scores around each manager's own mean (80-94), a few poor ones."""
    d = draw_events(rng, w, (0.008, 0.035, 0.06))
    staff, ok = staff_for(rng, w, d.client, d.day, advisor_share=0.3)
    d, staff = d.take(ok), staff[ok]
    n = d.client.size
    score = np.round(rng.normal(w.staff.skill[staff], 7.0))
    poor = rng.random(n) < 0.04
    score = np.where(poor, rng.integers(35, 70, n), score)
    score = np.clip(score, 0, 100).astype(np.int64)
    at = d.day * DAY + office_seconds(rng, n)
    keep = unique_rows(d.client, staff, at)
    client, staff, at, score = d.client[keep], staff[keep], at[keep], score[keep]
    return Table(
        "surveys.csv",
        [
            ("client_id", ids_of(w.clients.ids, client)),
            ("staff_id", ids_of(w.staff.ids, staff)),
            ("at", timestamps(at)),
            ("score", numbers(score)),
        ],
        time_order(at, client, staff),
    )


def managers(w: World) -> I64:
    return np.flatnonzero((w.staff.role == PLANNER) | (w.staff.role == ADVISOR)).astype(np.int64)


def trainings_table(rng: Rng, w: World) -> Table:
    """2-3 courses a quarter per planner and advisor: most completed, some over-completed, some
    partial or not started, the current quarter in progress; no score when there was no exam."""
    s, cal = w.staff, w.cal
    first = date_of(cal.first_day)
    q = dt.date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    quarters: list[int] = []
    while q <= DEMO_AS_OF:
        quarters.append(day_of(q))
        q = dt.date(q.year + (q.month == 10), (q.month + 2) % 12 + 1, 1)
    qs = np.array(quarters, np.int64)
    people = managers(w)
    staff = np.repeat(people, qs.size)
    start = np.tile(qs, people.size)
    active = s.active_on(staff, start + 30) & (s.hired[staff] <= start)
    staff, start = staff[active], start[active]
    k = rng.integers(2, 4, staff.size)
    course_rank = np.argsort(rng.random((staff.size, len(COURSES))), axis=1)
    row = np.repeat(np.arange(staff.size), k)
    slot = np.arange(row.size) - np.repeat(np.cumsum(k) - k, k)
    course = course_rank[row, slot].astype(np.int64)
    staff, start = staff[row], start[row]
    n = row.size
    required = np.array([4.0, 6.0, 8.0, 12.0, 16.0])[
        categorical(rng, np.array([1, 2, 3, 2, 1.0]), None, n)
    ]
    outcome = categorical(rng, np.array([0.55, 0.15, 0.22, 0.08]), None, n)
    over = chance(rng, n, 0.0, at_least=1, among=outcome == 0)  # at least one over-completed
    outcome = np.where(over, 1, outcome)
    factor = np.select(
        [outcome == 0, outcome == 1, outcome == 2],
        [np.ones(n), rng.uniform(1.1, 1.6, n), rng.uniform(0.2, 0.95, n)],
        np.zeros(n),
    )
    current = start == qs[-1]
    factor = np.where(current & (outcome != 1), factor * rng.uniform(0.0, 0.7, n), factor)
    done = np.round(required * factor * 2) / 2
    score = np.clip(np.round(rng.normal(85, 7, n)), 40, 100)
    no_score = (done == 0) | (rng.random(n) < 0.2)
    return Table(
        "trainings.csv",
        [
            ("staff_id", ids_of(s.ids, staff)),
            ("course", labels_of(COURSES, course)),
            ("period_start", dates(start)),
            ("hours_required", numbers(required)),
            ("hours_done", numbers(done)),
            ("score", numbers(score.astype(np.int64), no_score)),
        ],
        time_order(start, staff, course),
    )


def certificates_table(rng: Rng, w: World) -> Table:
    """Professional certificates. AFP/CFP (2 years) and CHFP (3 years) are renewed by continuing
    education, most of the time; the qualification exams (基金从业...) do not expire."""
    s = w.staff
    people = managers(w)
    share = np.array([0.5, 0.15, 0.1, 0.85, 0.6, 0.3])
    valid_years = np.array([2, 2, 3, 0, 0, 0])
    staff = np.repeat(people, len(CERTIFICATES))
    cert = np.tile(np.arange(len(CERTIFICATES)), people.size)
    holds = rng.random(staff.size) < share[cert]
    staff, cert = staff[holds], cert[holds]
    lo = np.maximum(s.hired[staff], day_of(dt.date(2008, 1, 1)))
    first = uniform_days(rng, lo, AS_OF_DAY - 1, staff.size)
    rows_staff, rows_cert, rows_on, rows_exp = [staff], [cert], [first], [np.full(staff.size, NA)]
    obtained = first.copy()
    renewing = np.ones(staff.size, bool)
    for years in (2, 3):
        has = valid_years[cert] == years
        rows_exp[0] = np.where(has, add_years(first, years), rows_exp[0])
    expires = rows_exp[0].copy()
    # Renewal chains: each renewal starts the day the previous one expires.
    for _ in range(12):
        renewing &= (
            (valid_years[cert] > 0) & (expires <= AS_OF_DAY) & (rng.random(staff.size) < 0.85)
        )
        if not renewing.any():
            break
        obtained = np.where(renewing, expires, obtained)
        new_exp = expires.copy()
        for years in (2, 3):
            sel = renewing & (valid_years[cert] == years)
            new_exp[sel] = add_years(expires[sel], years)
        rows_staff.append(staff[renewing])
        rows_cert.append(cert[renewing])
        rows_on.append(obtained[renewing])
        rows_exp.append(new_exp[renewing])
        expires = np.where(renewing, new_exp, expires)
    st = np.concatenate(rows_staff)
    ce = np.concatenate(rows_cert)
    on = np.concatenate(rows_on)
    ex = np.concatenate(rows_exp).astype(np.int64)
    return Table(
        "certificates.csv",
        [
            ("staff_id", ids_of(s.ids, st)),
            ("name", labels_of(CERTIFICATES, ce)),
            ("obtained_on", dates(on)),
            ("expires_on", dates(ex)),
        ],
        time_order(on, st, ce),
    )


def staff_months(w: World, people: I64) -> tuple[I64, I64, I64, I64]:
    """(staff, month, first day, last day) for each month a staff member was active."""
    cal, s = w.cal, w.staff
    staff = np.repeat(people, cal.months)
    month = np.tile(np.arange(cal.months), people.size)
    lo = np.maximum(cal.month_start[month], s.hired[staff])
    left = s.left[staff]
    hi = np.where(left != NA, np.minimum(cal.month_end[month], left - 1), cal.month_end[month])
    hi = np.minimum(hi, s.idle_from[staff] - 1)
    ok = lo <= hi
    return staff[ok], month[ok], lo[ok], hi[ok]


def rewards_table(rng: Rng, w: World) -> Table:
    staff, _, lo, hi = staff_months(w, managers(w))
    n = staff.size
    n_reward = rng.poisson(0.12, n)
    n_penalty = rng.poisson(0.035, n)
    kind = np.concatenate([np.zeros(n_reward.sum(), np.int64), np.ones(n_penalty.sum(), np.int64)])
    row = np.concatenate([np.repeat(np.arange(n), n_reward), np.repeat(np.arange(n), n_penalty)])
    if not (kind == 1).any() and n:  # at least one penalty
        kind = np.append(kind, 1)
        row = np.append(row, 0)
    day = w.cal.pick_days(rng, lo[row], hi[row], 1.0)
    points_r = np.array([1, 2, 3, 5, 8, 10])[
        categorical(rng, np.array([5, 5, 4, 3, 2, 1.0]), None, row.size)
    ]
    points_p = np.array([1, 2, 3, 5])[categorical(rng, np.array([4, 3, 2, 1.0]), None, row.size)]
    points = np.where(kind == 0, points_r, points_p)
    reason = np.where(
        kind == 0,
        rng.integers(0, len(REWARD_REASONS), row.size),
        len(REWARD_REASONS) + rng.integers(0, len(PENALTY_REASONS), row.size),
    )
    st = staff[row]
    keep = unique_rows(st, day, reason)
    st, day, kind, points, reason = st[keep], day[keep], kind[keep], points[keep], reason[keep]
    return Table(
        "rewards.csv",
        [
            ("staff_id", ids_of(w.staff.ids, st)),
            ("on", dates(day)),
            ("kind", labels_of(REWARD_KINDS, kind)),
            ("points", numbers(points.astype(np.int64))),
            ("reason", labels_of(REWARD_REASONS + PENALTY_REASONS, reason)),
        ],
        time_order(day, st, reason),
    )


def logins_table(rng: Rng, w: World) -> Table:
    """CRM logins: most working days, 1-4 sessions a day, rarely at weekends; none during leave,
    after leaving or for idle planners lately. Logout 10-240 minutes later, sometimes missing."""
    s, cal = w.staff, w.cal
    days = np.arange(cal.first_day, AS_OF_DAY + 1)
    n_days = days.size
    active = (days[None, :] >= s.hired[:, None]) & (days[None, :] < s.idle_from[:, None])
    left = np.where(s.left == NA, NEVER, s.left)
    active &= days[None, :] < left[:, None]
    # Leave episodes: +1 on the first day, -1 on the day back, summed along the days.
    lv = w.leaves
    mark = np.zeros((s.n, n_days + 1), np.int64)
    np.add.at(mark, (lv.staff, np.clip(lv.start - cal.first_day, 0, n_days)), 1)
    np.add.at(mark, (lv.staff, np.clip(lv.end - cal.first_day, 0, n_days)), -1)
    active &= np.cumsum(mark, axis=1)[:, :n_days] == 0
    del mark
    habit = np.where(s.role == DIRECTOR, 0.8, rng.uniform(0.72, 0.98, s.n))
    p = np.where(cal.workday[None, :], habit[:, None], 0.03)
    staff, day_i = np.nonzero(active & (rng.random((s.n, n_days)) < p))
    per_day = np.where(s.role == PLANNER, rng.uniform(1.2, 3.2, s.n), 1.0)
    k = np.minimum(1 + rng.poisson(per_day[staff]), 5)
    row = np.repeat(np.arange(staff.size), k)
    j = np.arange(row.size) - np.repeat(np.cumsum(k) - k, k)
    first = np.round(np.clip(rng.normal(8.9, 0.45, staff.size), 7.5, 10.5) * 3600).astype(np.int64)
    sec = first[row] + j * 7920 + rng.integers(-1800, 1800, row.size)
    staff = staff[row].astype(np.int64)
    login = days[day_i[row]] * DAY + sec
    n = login.size
    minutes = np.clip(np.exp(rng.normal(np.log(50.0), 0.7, n)), 10, 240)
    logout = login + np.round(minutes * 60).astype(np.int64)
    no_logout = chance(rng, n, 0.08, at_least=1)
    logout = np.where(no_logout | (logout > AS_OF_END), NA, logout)
    source = np.where(rng.random(n) < np.where(s.role[staff] == PLANNER, 0.35, 0.15), 1, 0)
    source = np.where(rng.random(n) < 0.02, -1, source)
    return Table(
        "logins.csv",
        [
            ("staff_id", ids_of(s.ids, staff)),
            ("login_at", timestamps(login)),
            ("logout_at", timestamps(logout)),
            ("source", labels_of(SOURCES, source)),
        ],
        time_order(login, staff),
    )


def info_updates_table(rng: Rng, w: World) -> Table:
    d = draw_events(rng, w, (0.22, 0.55, 0.9), factor=planner_factor(w))
    staff, ok = staff_for(rng, w, d.client, d.day, advisor_share=0.2)
    d, staff = d.take(ok), staff[ok]
    group_p = np.array([[0.7, 0.3, 0.0], [0.5, 0.35, 0.15], [0.45, 0.35, 0.2]])
    group = categorical(rng, group_p, d.tier.astype(np.int64), d.client.size)
    at = d.day * DAY + office_seconds(rng, d.day.size)
    keep = unique_rows(staff, d.client, at)
    staff, client, at, group = staff[keep], d.client[keep], at[keep], group[keep]
    return Table(
        "info_updates.csv",
        [
            ("staff_id", ids_of(w.staff.ids, staff)),
            ("client_id", ids_of(w.clients.ids, client)),
            ("at", timestamps(at)),
            ("field_group", labels_of(FIELD_GROUPS, group)),
        ],
        time_order(at, staff, client),
    )


def work_items_table(rng: Rng, w: World) -> Table:
    """Activities, events, problems, opportunities (with an amount) and SMS tasks; most done,
    some late, some open past their due time (overdue), a few cancelled."""
    rates = {
        0: (0.03, 0.08, 0.2),
        1: (0.08, 0.25, 0.5),
        2: (0.012, 0.035, 0.07),
        3: (0.04, 0.15, 0.3),
        4: (0.65, 1.1, 1.0),
    }
    clients, staff, days, kinds = [], [], [], []
    for code, r in rates.items():
        d = draw_events(rng, w, r)
        st, ok = staff_for(rng, w, d.client, d.day, advisor_share=0.25)
        clients.append(d.client[ok])
        staff.append(st[ok])
        days.append(d.day[ok])
        kinds.append(np.full(int(ok.sum()), code, np.int64))
    # Activities without a client (salons, team campaigns).
    s_staff, _, lo, hi = staff_months(w, managers(w))
    k = rng.poisson(1.2, s_staff.size)
    row = np.repeat(np.arange(s_staff.size), k)
    a_day = w.cal.pick_days(rng, lo[row], hi[row], 0.95)
    a_staff = s_staff[row]
    present = w.leaves.substitute(a_staff, a_day) == a_staff  # nobody organises one on leave
    clients.append(np.full(int(present.sum()), -1, np.int64))
    staff.append(a_staff[present])
    days.append(a_day[present])
    kinds.append(np.zeros(int(present.sum()), np.int64))
    client = np.concatenate(clients)
    st = np.concatenate(staff)
    kind = np.concatenate(kinds)
    created = np.concatenate(days) * DAY + office_seconds(rng, client.size)
    n = client.size
    span_lo = np.array([3, 1, 1, 14, 0])[kind]
    span_hi = np.array([30, 14, 10, 60, 1])[kind]
    span = span_lo + np.floor(rng.random(n) * (span_hi - span_lo + 1)).astype(np.int64)
    due = (created // DAY + span) * DAY + 18 * 3600
    due = np.where(due <= created, due + DAY, due)
    due = np.minimum(due, (AS_OF_DAY + 60) * DAY + 18 * 3600)
    no_due = (kind != 4) & (rng.random(n) < 0.05)
    due = np.where(no_due, NA, due)
    cancelled = chance(rng, n, np.array([0.04, 0.04, 0.04, 0.08, 0.02])[kind], at_least=1)
    done = ~cancelled & (rng.random(n) < np.where(kind == 4, 0.97, 0.86))
    allowed = np.where(no_due, 10 * DAY, due - created)
    on_time = rng.random(n) < 0.82
    delay = np.where(on_time, rng.uniform(0.05, 1.0, n), rng.uniform(1.05, 2.5, n)) * allowed
    done_at = in_office_hours(rng, created + np.maximum(np.round(delay).astype(np.int64), 60))
    done &= done_at <= AS_OF_END  # not finished by the as-of moment: still open
    # Most items left undone for three months are cleaned up (cancelled), so the overdue backlog
    # is mostly recent, as in a CRM that is looked after.
    stale = ~done & ~cancelled & (created < (AS_OF_DAY - 90) * DAY) & (rng.random(n) < 0.97)
    cancelled |= stale
    status = np.where(cancelled, 2, np.where(done, 1, 0))
    done_at = np.where(done, done_at, NA)
    amount = np.round(np.exp(rng.normal(np.log(300_000), 0.9, n)), -3) * 100
    fen = np.where(kind == 3, np.maximum(amount, 1000 * 100), NA).astype(np.int64)
    order = time_order(created, st, kind)
    return Table(
        "work_items.csv",
        [
            ("item_id", sequence_ids("WI", 10, order)),
            ("staff_id", ids_of(w.staff.ids, st)),
            ("client_id", ids_of(w.clients.ids, client)),
            ("kind", labels_of(WORK_KINDS, kind)),
            ("created_at", timestamps(created)),
            ("due_at", timestamps(due)),
            ("done_at", timestamps(done_at)),
            ("status", labels_of(WORK_STATUS, status)),
            ("amount", money(fen)),
        ],
        order,
    )


# --- entry point ---------------------------------------------------------------------------------


def build_world(spec: ScaleSpec, rngs: dict[str, Rng]) -> World:
    cal = make_calendar(spec.months)
    orgs = build_orgs(rngs["orgs"], spec)
    staff = build_staff(rngs["staff"], spec, orgs, cal)
    clients = build_clients(rngs["clients"], spec, orgs, cal)
    aum = build_aum(rngs["aum"], clients, cal)
    book = build_book(rngs["book"], spec, staff, clients, aum, cal)
    leaves = build_leaves(rngs["leaves"], spec, staff, cal)
    cells = build_cells(cal, clients, aum, book)
    return World(spec, cal, orgs, staff, clients, aum, book, leaves, cells)


def generate(scale: str, out: pathlib.Path, seed: int = 20261031) -> dict[str, int]:
    """Write one CSV per contract table into `out` (created if missing); return {file name: data
    rows}. The same scale and seed always give byte-identical files."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rngs = dict(zip(STAGES, np.random.default_rng(seed).spawn(len(STAGES)), strict=True))
    w = build_world(SCALES[scale], rngs)
    events = account_events(rngs["account_events"], w)
    # Each table is built, written and released before the next (peak memory = one table).
    makers: list[Callable[[], Table]] = [
        lambda: org_units_table(w.orgs),
        lambda: staff_table(w),
        lambda: clients_table(rngs["clients"], w),
        lambda: assignments_table(w),
        lambda: aum_table(w),
        lambda: contacts_table(rngs["contacts"], w, events),
        lambda: requests_table(rngs["requests"], w),
        lambda: needs_table(rngs["needs"], w),
        lambda: plans_table(rngs["plans"], w),
        lambda: archives_table(rngs["archives"], w),
        lambda: surveys_table(rngs["surveys"], w),
        lambda: trainings_table(rngs["trainings"], w),
        lambda: certificates_table(rngs["certificates"], w),
        lambda: rewards_table(rngs["rewards"], w),
        lambda: logins_table(rngs["logins"], w),
        lambda: info_updates_table(rngs["info_updates"], w),
        lambda: work_items_table(rngs["work_items"], w),
        lambda: account_events_table(w, events),
    ]
    counts: dict[str, int] = {}
    for make in makers:
        table = make()
        counts[table.file] = write_table(out, table)
        del table
    return counts
