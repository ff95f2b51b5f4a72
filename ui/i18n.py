"""Every string the dashboard shows, in English and Simplified Chinese.

Metric names and definitions, in both languages, come from the catalogue
(`metrics.core.catalogue`), never from here, so a KPI is named and defined once.
"""

from __future__ import annotations

import re

import streamlit as st

from metrics.core.catalogue import BY_ID

LANGS = ("en", "zh")
LANG_LABELS = {"en": "English", "zh": "简体中文"}
DEFAULT_LANG = "en"

# key -> (English, 中文). Placeholders use str.format names.
STRINGS: dict[str, tuple[str, str]] = {
    # app and sidebar
    "app.title": ("Wealth centre dashboard", "财富中心考核与督导看板"),
    "sidebar.language": ("Language", "语言"),
    "sidebar.period_kind": ("Period type", "周期类型"),
    "sidebar.period": ("Period", "期间"),
    "sidebar.scope": ("Org unit", "机构"),
    "sidebar.signed_in": ("Signed in as **{name}** ({role})", "当前用户：**{name}**（{role}）"),
    "sidebar.no_periods": ("No complete period in the data yet.", "数据中尚无完整的考核期间。"),
    "kind.month": ("Month", "月度"),
    "kind.quarter": ("Quarter", "季度"),
    "kind.year": ("Year", "年度"),
    "role.director": ("director", "财富中心主任"),
    "role.head": ("sub-branch head", "支行主管"),
    "role.planner": ("planner", "理财经理"),
    "role.advisor": ("advisor", "理财师"),
    "role.branch": ("branch", "分行"),
    "role.sub_branch": ("sub-branch", "支行"),
    "level.branch": ("Branch", "分行"),
    "level.sub_branch": ("Sub-branch", "支行"),
    "level.staff": ("Staff", "员工"),
    "section.dashboard": ("Dashboard", "看板"),
    "section.appraisal": ("Appraisal", "考核"),
    "section.admin": ("Administration", "管理"),
    # page titles
    "page.overview": ("Overview", "总览"),
    "page.scorecards": ("Scorecards", "考核记分卡"),
    "page.planner": ("Planner", "理财经理"),
    "page.supervision": ("Supervision", "履职督导"),
    "page.health": ("Portfolio health", "客户健康度"),
    "page.compliance": ("Compliance", "合规检查"),
    "page.metrics": ("Metrics", "指标目录"),
    "page.data": ("Data", "数据导入"),
    "page.settings": ("Settings", "参数设置"),
    "page.schemes": ("Appraisal schemes", "考核方案"),
    "page.snapshots": ("Snapshots", "会议快照"),
    "page.audit": ("Audit log", "审计日志"),
    "page.users": ("Users", "用户管理"),
    # empty and error states
    "empty.no_data": (
        "The database holds no data yet. A director can upload the CRM extract on the **Data** "
        "page (or run `python -m data first-start` to load the demo data).",
        "数据库中尚无数据。主任可在**数据导入**页面上传CRM导出文件（或运行 "
        "`python -m data first-start` 载入演示数据）。",
    ),
    "empty.no_period": (
        "No period is selected: the data do not yet cover a complete month.",
        "未选择期间：数据尚未覆盖一个完整的月份。",
    ),
    "empty.no_rows": ("Nothing to show for this period and org unit.", "该期间与机构下没有数据。"),
    "empty.no_staff": (
        "No planner or advisor belongs to this org unit.",
        "该机构下没有理财经理或理财师。",
    ),
    "empty.no_clients": (
        "This planner has no clients in their book at the end of the period.",
        "期末该理财经理名下没有管户客户。",
    ),
    "empty.no_activity": ("No recorded activity.", "暂无活动记录。"),
    "empty.null_metric": (
        "— means the figure has no base in this period (for example no surveys, no top clients "
        "or nothing due), not zero.",
        "“—”表示该指标在本期没有计算基数（例如没有满意度调查、没有顶端客户或没有到期事项），并非零。",
    ),
    "error.busy": (
        "The database is busy (an import is probably running). Try again in a minute.",
        "数据库正忙（可能正在导入数据），请稍后再试。",
    ),
    "error.generic": (
        "Something went wrong while preparing this page. The error was logged; please tell the "
        "administrator. ({kind})",
        "页面生成时出错，错误已记录，请联系管理员。（{kind}）",
    ),
    "error.calendar": (
        "The working-day calendar does not cover this period: {detail}",
        "工作日历未覆盖该期间：{detail}",
    ),
    "error.not_allowed": (
        "This page is for the wealth-centre director only.",
        "此页面仅限财富中心主任使用。",
    ),
    # overview
    "overview.heading": ("{unit} · {period}", "{unit} · {period}"),
    "overview.vs_prev": ("vs {period}", "较上期"),
    "overview.trend": ("AUM stock, last 12 months", "近12个月金融资产存量"),
    "overview.league": ("Sub-branch league table", "支行排名"),
    "overview.league_hint": (
        "Select a row to focus on that sub-branch.",
        "选中一行即可查看该支行。",
    ),
    "overview.staff": ("Planners and advisors", "理财经理与理财师"),
    "overview.staff_hint": ("Select a row to open the planner.", "选中一行即可打开该理财经理。"),
    "overview.show_all": ("Show all {n}", "显示全部 {n} 人"),
    "overview.spread": ("Spread of planners on each KPI", "各项指标的人员分布"),
    "spread.low": ("Lowest", "最低"),
    "spread.q1": ("Lower quartile", "下四分位"),
    "spread.median": ("Median", "中位数"),
    "spread.q3": ("Upper quartile", "上四分位"),
    "spread.high": ("Highest", "最高"),
    "overview.flags": ("Needs action", "待处理事项"),
    "overview.flat": (
        "Same figure for everybody (or no figure) on: {metrics}",
        "所有人数值相同（或无数值）的指标：{metrics}",
    ),
    "overview.no_flags": ("Nothing needs action in this period.", "本期没有需要处理的事项。"),
    "flag.overloaded": (
        "{n} planner(s) above the load limit of {limit} clients",
        "{n}名理财经理管户数超过上限{limit}户",
    ),
    "flag.coverage": (
        "Primary-manager coverage below 100% in {n} unit(s)",
        "{n}个机构的财富客户主管户覆盖率低于100%",
    ),
    "flag.sla": (
        "{n} request(s) missed their SLA ({staff} staff)",
        "{n}笔客户诉求超时未达标（涉及{staff}人）",
    ),
    "flag.idle": (
        "{n} staff without a login for more than {days} days",
        "{n}名员工超过{days}天未登录",
    ),
    "flag.aum_gaps": (
        "{n} client(s) in the book have no AUM row for {month}: counted as 0 (a data-quality gap)",
        "{n}名客户缺少{month}的月日均金融资产数据：按0计算（数据质量缺口）",
    ),
    "flag.alerts": (
        "{n} retention alert(s) not followed up",
        "{n}条客户流失预警未跟进",
    ),
    "flag.who": ("Concerned: select a row to open it", "涉及对象：选中一行即可打开"),
    "flag.figure": ("Figure", "数值"),
    "col.name": ("Name", "姓名"),
    "col.unit": ("Org unit", "机构"),
    "col.role": ("Role", "岗位"),
    "col.staff_id": ("Staff id", "员工号"),
    "col.entity": ("Id", "编号"),
    # scorecards
    "scorecards.filter_unit": ("Sub-branch", "支行"),
    "scorecards.filter_role": ("Role", "岗位"),
    "scorecards.all": ("All", "全部"),
    "scorecards.hint": (
        "Colours compare each figure with the quartiles of the staff shown: green = top quarter, "
        "red = bottom quarter. Hover a column header for its definition; select a row to open "
        "the planner.",
        "颜色按所列人员的四分位数着色：绿色为前25%，红色为后25%。将鼠标悬停在列标题上可查看指标定义；"
        "选中一行即可打开该理财经理。",
    ),
    "scorecards.download": ("Download CSV", "下载CSV"),
    "scorecards.legend": ("Colour", "颜色说明"),
    # planner
    "planner.pick": ("Planner or advisor", "理财经理/理财师"),
    "planner.none": (
        "Choose a planner on the Scorecards or Overview page, or pick one here.",
        "请在记分卡或总览页面选择理财经理，或在此处选择。",
    ),
    "planner.kpis": ("Indicators", "指标"),
    "planner.trend": ("Trend over the last 12 periods", "近12期趋势"),
    "planner.trend_metric": ("Indicator", "指标"),
    "planner.book": ("Book of clients at {day}", "{day}管户客户"),
    "planner.masked": (
        "Client names and phone numbers are masked.",
        "客户姓名与电话已脱敏显示。",
    ),
    "planner.migration": ("Tier migration {prev} → {period}", "客户层级迁移 {prev} → {period}"),
    "planner.activity": ("Recent activity", "近期活动"),
    "planner.drill": ("Rows behind an indicator", "指标明细"),
    "planner.drill_metric": ("Indicator to explain", "要查看明细的指标"),
    "planner.drill_count": (
        "{n} row(s) make up {metric} = {value}",
        "{metric} = {value}，共{n}行明细",
    ),
    "planner.left": ("Left the bank on {day}", "已于{day}离职"),
    # supervision
    "supervision.calendar": ("Login calendar", "登录日历"),
    "supervision.calendar_hint": (
        "Each cell is one day; darker = more logins. Grey days are weekends and holidays.",
        "每格代表一天，颜色越深登录越多；灰色为周末与节假日。",
    ),
    "supervision.table": ("Diligence per staff member", "人员履职情况"),
    "supervision.idle": ("Idle staff", "未登录人员"),
    "supervision.no_idle": ("Everyone logged in recently.", "所有人员近期均有登录。"),
    "supervision.work": ("Work items by kind", "按类型统计的工作事项"),
    "supervision.requests": ("Client requests: deadlines and breaches", "客户诉求：时限与超时"),
    "supervision.no_requests": ("No request fell due in this period.", "本期没有到期的客户诉求。"),
    "supervision.rows": ("Raw rows", "原始记录"),
    "supervision.rows_hint": (
        "Select a staff member above, then choose an indicator to see its raw log rows.",
        "在上表中选中一名人员，再选择指标即可查看原始记录。",
    ),
    "supervision.proxies": ("Proxy assignments (stand-ins)", "代理管户"),
    "supervision.no_proxies": ("No proxy assignment is active.", "当前没有代理管户。"),
    "work.created": ("created", "新建"),
    "work.done": ("done", "完成"),
    "work.overdue": ("overdue", "逾期"),
    "work_kind.activity": ("activity", "活动"),
    "work_kind.event": ("event", "事件"),
    "work_kind.problem": ("problem", "问题"),
    "work_kind.opportunity": ("opportunity", "商机"),
    "work_kind.sms": ("SMS", "短信"),
    "channel.visit": ("visits", "面访"),
    "channel.phone": ("phone", "电话"),
    "channel.sms": ("SMS", "短信"),
    "channel.email": ("email", "邮件"),
    "channel.wechat": ("WeChat", "微信"),
    "channel.event": ("events", "活动"),
    # health
    "health.table": ("Portfolio health per unit", "各机构客户健康度"),
    "health.load": ("Load against the limit ({limit} clients)", "管户数与上限（{limit}户）"),
    "health.alerts": ("Retention alerts and follow-up", "客户流失预警与跟进"),
    "health.no_alerts": ("No retention alert in this period.", "本期没有客户流失预警。"),
    "health.care": ("Birthdays in the next 14 days (from {day})", "未来14天生日客户（自{day}起）"),
    "health.no_care": ("No client birthday in the next 14 days.", "未来14天没有客户生日。"),
    "health.followed": ("followed up", "已跟进"),
    "health.not_followed": ("not followed up", "未跟进"),
    # metrics catalogue
    "metrics.intro": (
        "Every figure of the dashboard is defined once, here. Ratios roll up from their "
        "numerators and denominators, never as a mean of ratios.",
        "看板上的每个数字都在此统一定义。比率指标按分子、分母汇总，而不是对比率取平均。",
    ),
    "metrics.family": ("Family", "类别"),
    "metrics.unit": ("Unit", "单位"),
    "metrics.better": ("Better", "方向"),
    "metrics.rollup": ("Roll-up", "汇总方式"),
    "metrics.definition": ("Definition", "定义"),
    "metrics.search": ("Search", "搜索"),
    "better.higher": ("higher is better", "越高越好"),
    "better.lower": ("lower is better", "越低越好"),
    "better.none": ("—", "—"),
    "family.financial": ("Financial", "财务"),
    "family.client": ("Client", "客户"),
    "family.process": ("Process", "流程"),
    "family.growth": ("Growth", "成长"),
    "family.supervision": ("Supervision", "督导"),
    "family.health": ("Portfolio health", "健康度"),
    "family.compliance": ("Compliance", "合规"),
    "unit.yuan": ("yuan", "元"),
    "unit.count": ("count", "个数"),
    "unit.ratio": ("ratio", "比率"),
    "unit.score": ("score", "分数"),
    "unit.points": ("points", "积分"),
    "unit.days": ("days", "天"),
    "unit.minutes": ("minutes", "分钟"),
    "unit.hours": ("hours", "小时"),
    # data page
    "data.upload": ("CRM extract files (CSV or XLSX)", "CRM导出文件（CSV或XLSX）"),
    "data.upload_help": (
        "Name each file after its contract table (clients.csv, staff.xlsx, ...) or use one "
        "workbook with one sheet per table.",
        "文件按数据规范表名命名（如 clients.csv、staff.xlsx），或使用每表一个工作表的单个工作簿。",
    ),
    "data.as_of": ("Extract date (as of)", "数据截止日期"),
    "data.import": ("Import", "开始导入"),
    "data.progress": ("Importing…", "正在导入…"),
    "data.warming": ("Preparing the Overview's figures…", "正在预先计算总览指标…"),
    "data.committed": (
        "Imported batch {batch}: {rows} row(s) inserted or updated.",
        "导入批次 {batch} 已提交：新增或更新 {rows} 行。",
    ),
    "data.nothing_changed": (
        "Nothing changed: every valid row was already stored.",
        "没有变化：所有有效行均已存在。",
    ),
    "data.not_committed": (
        "The batch was refused: nothing was written.",
        "批次被拒绝：未写入任何数据。",
    ),
    "data.some_rejected": (
        "{n} row(s) were rejected; they are listed below and kept in the quarantine.",
        "{n} 行被拒绝，详见下表，并已保存到隔离区。",
    ),
    "data.refused": ("Import refused: {reason}", "导入被拒绝：{reason}"),
    "data.busy": (
        "Another import is in progress; wait until it finishes.",
        "另一项导入正在进行，请等待其完成。",
    ),
    "data.report": ("Validation report", "校验报告"),
    "data.file": ("File", "文件"),
    "data.table": ("Table", "数据表"),
    "data.read": ("Read", "读取"),
    "data.inserted": ("Inserted", "新增"),
    "data.updated": ("Updated", "更新"),
    "data.unchanged": ("Unchanged", "未变"),
    "data.rejected": ("Rejected", "拒绝"),
    "data.file_refused": ("File refused: {reason}", "文件被拒绝：{reason}"),
    "data.rejected_rows": ("Rejected rows of {file}", "{file} 被拒绝的行"),
    "data.line": ("Line", "行号"),
    "data.column": ("Column", "列"),
    "data.reason": ("Reason", "原因（导入程序原文）"),
    "data.raw": ("Original values", "原始值"),
    "data.quarantine": ("Download the rejected rows (CSV)", "下载被拒绝的行（CSV）"),
    "data.warnings": ("Warnings", "提示"),
    "data.history": ("Import history", "导入历史"),
    "data.no_history": ("No import yet.", "尚无导入记录。"),
    "data.only_director": (
        "Only the wealth-centre director can import data.",
        "仅财富中心主任可以导入数据。",
    ),
    "hist.started_at": ("Started", "开始时间"),
    "hist.finished_at": ("Finished", "结束时间"),
    "hist.as_of": ("As of", "截止日期"),
    "hist.username": ("By", "操作人"),
    "hist.status": ("Status", "状态"),
    "hist.rows_read": ("Rows read", "读取行数"),
    "hist.rows_rejected": ("Rows rejected", "拒绝行数"),
    "hist.tables": ("Tables", "数据表"),
    "hist.source": ("Source", "来源"),
    # settings
    "settings.intro": (
        "Thresholds and SLA parameters used by every figure. A change applies to all pages at once.",
        "所有指标共用的阈值与时效参数，修改后立即对所有页面生效。",
    ),
    "settings.save": ("Save", "保存"),
    "settings.saved": ("Saved {name} = {value}.", "已保存 {name} = {value}。"),
    "settings.invalid": ("{name}: {reason}", "{name}：{reason}"),
    "settings.default": ("default {value}", "默认值 {value}"),
    "settings.unchanged": ("Nothing changed.", "没有修改。"),
    # common columns of raw rows
    "tier.black_gold": ("black-gold", "黑金"),
    "tier.platinum": ("platinum", "白金"),
    "tier.mass": ("mass", "大众"),
    "tier.new": ("new", "新增"),
    "tier.lost": ("lost", "流失"),
    "col.client_id": ("Client id", "客户号"),
    "col.client_name": ("Client", "客户"),
    "col.tier": ("Tier", "层级"),
    "col.aum": ("AUM", "金融资产"),
    "col.contact_cycle": ("Contact cycle", "联络周期"),
    "col.risk_level": ("Risk level", "风险等级"),
    "col.opened_on": ("Opened", "开户日"),
    "col.last_contact_on": ("Last contact", "最近联络"),
    "col.at": ("When", "时间"),
    "col.kind": ("Kind", "类型"),
    "col.detail": ("Detail", "内容"),
    "col.month": ("Month", "月份"),
    "col.period": ("Period", "期间"),
    "col.value": ("Value", "数值"),
    "col.birthday": ("Birthday", "生日"),
    "col.age": ("Age", "年龄"),
    "col.days_until": ("In days", "剩余天数"),
    "col.phone": ("Phone", "电话"),
    "col.birth_date": ("Born", "出生日期"),
    "col.reason": ("Reason", "原因"),
    "col.alert_day": ("Alert day", "预警日"),
    "col.followed_up": ("Followed up", "已跟进"),
    "col.followup_day": ("Follow-up day", "跟进日"),
    "col.primary_staff_id": ("Primary manager", "主管户经理"),
    "col.received_at": ("Received", "受理时间"),
    "col.deadline": ("Deadline", "时限"),
    "col.resolved_at": ("Resolved", "办结时间"),
    "col.acknowledged_at": ("Acknowledged", "响应时间"),
    "col.met": ("Met SLA", "达标"),
    "col.due": ("Due", "已到期"),
    "col.breach": ("Breach", "超时"),
    "col.summary": ("Summary", "诉求摘要"),
    "col.load_limit": ("Limit", "上限"),
    "col.proxy_name": ("Stand-in", "代理人"),
    "col.primary_name": ("For", "被代理人"),
    "col.until": ("Until", "截止"),
    "col.start_on": ("From", "开始"),
    "col.from": ("From tier", "期初层级"),
    "col.migration_to": ("To tier", "期末层级"),
    "col.clients": ("Clients", "客户数"),
    "col.logins": ("Logins", "登录次数"),
    "col.day": ("Day", "日期"),
    "col.workday": ("Working day", "工作日"),
    "activity.contact": ("contact", "联络"),
    "activity.need": ("need", "需求"),
    "activity.plan": ("plan", "方案"),
    "activity.work_item": ("work item", "工作事项"),
    "activity.info_update": ("info update", "信息维护"),
    "activity.request": ("request", "客户诉求"),
    "cycle.monthly": ("monthly", "每月"),
    "cycle.bimonthly": ("every two months", "每两月"),
    "cycle.quarterly": ("quarterly", "每季"),
    "col.need_id": ("Need id", "需求编号"),
    "col.plan_id": ("Plan id", "方案编号"),
    "col.request_id": ("Request id", "诉求编号"),
    "col.item_id": ("Item id", "事项编号"),
    "col.contact_id": ("Contact id", "联络编号"),
    "col.login_at": ("Login", "登录时间"),
    "col.logout_at": ("Logout", "登出时间"),
    "col.login_on": ("Login day", "登录日期"),
    "col.session_seconds": ("Session (s)", "在线时长(秒)"),
    "col.source": ("Source", "来源"),
    "col.channel": ("Channel", "渠道"),
    "col.purpose": ("Purpose", "目的"),
    "col.score": ("Score", "分数"),
    "col.course": ("Course", "课程"),
    "col.points": ("Points", "积分"),
    "col.signed_points": ("Signed points", "计分"),
    "col.hours_required": ("Hours required", "应修学时"),
    "col.hours_done": ("Hours done", "已修学时"),
    "col.hours_credited": ("Hours credited", "计入学时"),
    "col.period_start": ("Starts", "开始日期"),
    "col.obtained_on": ("Obtained", "取得日期"),
    "col.expires_on": ("Expires", "到期日期"),
    "col.on": ("Date", "日期"),
    "col.aum_missing": ("AUM missing", "资产缺失"),
    "col.is_top": ("Top client", "顶端客户"),
    "col.retained": ("Retained", "留存"),
    "col.archived": ("Archived", "已建档"),
    "col.archive_created_on": ("Archive created", "建档日期"),
    "col.aum_prev": ("AUM at e(P-1)", "上期末资产"),
    "col.aum_now": ("AUM at e", "期末资产"),
    "col.closed_on": ("Closed", "销户日"),
    "col.contacted": ("Contacted", "已联络"),
    "col.compliant": ("Within cycle", "周期达标"),
    "col.cycle_days": ("Cycle (days)", "周期天数"),
    "col.created_at": ("Created", "创建时间"),
    "col.due_at": ("Due", "到期时间"),
    "col.done_at": ("Done", "完成时间"),
    "col.status": ("Status", "状态"),
    "col.field_group": ("Fields", "信息类别"),
    "col.event_at": ("Event time", "事件时间"),
    "col.has_primary": ("Has primary", "有主管户"),
    "col.has_secondary": ("Has secondary", "有副管户"),
    "col.is_wealth": ("Wealth client", "财富客户"),
    "col.home_org_id": ("Home unit", "归属机构"),
    "col.overloaded": ("Overloaded", "超负荷"),
    "col.working_days": ("Working days", "工作日数"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    # appraisal schemes, snapshots, audit, users, sign-out
    "auth.sign_out": ("Sign out", "退出登录"),
    "auth.signed_out": ("You are signed out.", "您已退出登录。"),
    "schemes.none_for_you": (
        "No published scheme covers you yet.",
        "还没有适用于您的已发布考核方案。",
    ),
    "schemes.scheme": ("Scheme", "方案"),
    "schemes.period": ("Period", "期间"),
    "schemes.period_help": ("2026-09, 2026Q3 or 2026", "例如 2026-09、2026Q3 或 2026"),
    "schemes.not_covered": (
        "You are not covered by this scheme in that period.",
        "该期间您不在本方案范围内。",
    ),
    "schemes.total": ("Total", "总分"),
    "schemes.rank": ("Rank", "名次"),
    "schemes.grade": ("Grade", "等级"),
    "schemes.col_kpi": ("KPI", "指标"),
    "schemes.col_weight": ("Weight", "权重"),
    "schemes.col_rule": ("Rule", "规则"),
    "schemes.col_target": ("Target", "目标"),
    "schemes.col_actual": ("Actual", "实际"),
    "schemes.col_points": ("Points", "得分"),
    "schemes.col_how": ("How", "说明"),
    "schemes.col_cap": ("Cap", "封顶系数"),
    "schemes.cap_help": ("linear only; default 1.2", "仅线性规则；默认 1.2"),
    "schemes.col_gate": ("Gate", "门槛"),
    "schemes.col_max": ("Max score", "最高分"),
    "schemes.col_grade": ("Grade (best first)", "等级（由高到低）"),
    "schemes.col_share": ("Share", "比例"),
    "schemes.version": ("Scheme version", "方案版本"),
    "schemes.new": ("New scheme", "新方案"),
    "schemes.frozen": (
        "{label}: {status}; it never changes — saving makes a new draft version.",
        "{label}：{status}，不可修改；保存即生成新版本草稿。",
    ),
    "schemes.status.published": ("published", "已发布"),
    "schemes.status.archived": ("archived", "已归档"),
    "schemes.name": ("Name", "名称"),
    "schemes.org": ("Org unit", "机构"),
    "schemes.org_any": ("Org unit (empty: whole bank)", "机构（留空：全行）"),
    "schemes.role": ("Role", "岗位"),
    "schemes.cycle": ("Cycle", "周期"),
    "schemes.first_period": ("First period (optional)", "起始期间（可选）"),
    "schemes.weights_ok": ("Weights add up to 100", "权重合计 100"),
    "schemes.weights_bad": ("Weights add up to {total}, not 100", "权重合计 {total}，应为 100"),
    "schemes.save": ("Save draft", "保存草稿"),
    "schemes.publish": ("Publish", "发布"),
    "schemes.archive": ("Archive", "归档"),
    "schemes.copy": ("Copy to next cycle", "复制到下一周期"),
    "schemes.saved": ("Saved {label}", "已保存 {label}"),
    "schemes.published": ("Published {label}", "已发布 {label}"),
    "schemes.archived": ("Archived {label}", "已归档 {label}"),
    "schemes.copied": ("Copied as {label}", "已复制为 {label}"),
    "schemes.whatif": ("What-if preview", "模拟测算"),
    "schemes.past_period": ("Past period", "过往期间"),
    "schemes.vs": ("Draft vs published: {label}", "草稿对比已发布版本：{label}"),
    "schemes.vs_none": ("(none)", "（无）"),
    "schemes.snapshot": (
        "Snapshot the published version for this period",
        "为已发布版本拍摄本期快照",
    ),
    "schemes.snapshot_taken": ("Snapshot {id} · SHA-256 {sha}", "快照 {id} · SHA-256 {sha}"),
    "snapshots.none": (
        "No snapshots yet: take one from the scheme page or `python -m metrics snapshot`.",
        "暂无快照：可在考核方案页或用 `python -m metrics snapshot` 拍摄。",
    ),
    "snapshots.some_failed": (
        "⚠ {n} snapshot(s) FAILED their checksum (changed after they were taken): {ids}",
        "⚠ {n} 个快照校验失败，内容在拍摄后被改动：{ids}",
    ),
    "snapshots.snapshot": ("Snapshot", "快照"),
    "snapshots.failed": (
        "Snapshot {id} FAILED its checksum: it was changed after it was taken and must not be used at a meeting.",
        "快照 {id} 校验失败：内容在拍摄后被改动，不得作为会议材料使用。",
    ),
    "snapshots.verified": ("Checksum verified · SHA-256 {sha}", "校验通过 · SHA-256 {sha}"),
    "snapshots.batches": ("{n} import batch(es)", "{n} 个导入批次"),
    "snapshots.compare_title": ("Compare with today", "与今日数据比较"),
    "snapshots.compare": ("Compare", "比较"),
    "snapshots.unchanged": ("Nothing changed since the snapshot.", "快照之后没有变化。"),
    "snapshots.pack": ("Meeting pack", "会议材料"),
    "snapshots.format": ("Format", "格式"),
    "snapshots.prepare": ("Prepare", "生成"),
    "snapshots.download": ("Download .{fmt}", "下载 .{fmt}"),
    "audit.user": ("User", "用户"),
    "audit.action": ("Action", "操作"),
    "audit.all": ("(all)", "（全部）"),
    "audit.since": ("From", "起"),
    "audit.until": ("To", "止"),
    "audit.count": ("{n:,} event(s), newest first", "共 {n:,} 条，最新在前"),
    "users.add": ("Add an account", "新增用户"),
    # Strings of the compliance page work (kept together).
    "users.role": ("Role", "角色"),
    "users.username": ("Username", "用户名"),
    # Strings of the life-cycle demo and import work (kept together).
    "users.org": ("Org unit", "机构"),
    "users.staff": ("Staff", "员工"),
    # Strings of the import robustness work (kept together).
    "users.display_name": ("Display name", "显示名"),
    "users.email": ("Email (single sign-on)", "邮箱（单点登录）"),
    # Strings of the security work (kept together).
    "users.may_unmask": ("May see personal data unmasked", "可查看明文个人信息"),
    "users.password": ("Password", "密码"),
    # Strings of the scheme editor and periods work (kept together).
    "users.add_button": ("Add", "新增"),
    "users.added": ("Added {username}", "已新增 {username}"),
    # Strings of the screens, packs and layout work (kept together).
    "scheme_label.unsaved": ("{name} (not saved yet)", "{name}（尚未保存）"),
    "scheme_label.saved": (
        "{name} · version {version} · {status} · {date}",
        "{name} · 第{version}版 · {status} · {date}",
    ),
    "snapshot_label": ("{title} · {period} · taken {when}", "{title} · {period} · 拍摄于 {when}"),
    "col.flags": ("Flags", "提示"),
    "attain.scheme": ("Read against the targets of", "对照考核方案目标"),
    "attain.off": ("(no targets)", "（不对照目标）"),
    "attain.none": (
        "No published scheme covers these staff yet: no targets to compare with.",
        "尚无覆盖这些人员的已发布考核方案，无目标可对照。",
    ),
    "snapshot.take_table": ("Snapshot this table for a meeting", "将此表拍摄为会议快照"),
    "rows.filter": ("Filter rows (any text)", "筛选（任意文字）"),
    "rows.only": ("Only rows where", "仅显示"),
    "rows.all": ("all rows", "全部行"),
    "rows.only_yes": ("{column}: yes", "{column}：是"),
    "rows.only_no": ("{column}: no", "{column}：否"),
    "rows.count": ("{n} of {total} rows", "共 {total} 行，显示 {n} 行"),
    "col.ack_deadline": ("Acknowledge by", "响应时限"),
    "col.ack_met": ("Acknowledged in time", "按时响应"),
    "col.result_met": ("Resolved in time", "按时办结"),
    "col.breach_leg": ("What failed", "超时环节"),
    "col.explain_of": ("{metric} · how scored", "{metric} · 计分说明"),
    "snapshot.taken": ("Snapshot taken: {label}", "已拍摄快照：{label}"),
    "snapshot.verified": (
        "Checksum verified (SHA-256 `{sha}`)",
        "校验通过（SHA-256 `{sha}`）",
    ),
    "snapshot.failed_titles": (
        "⚠ {n} snapshot(s) FAILED their checksum (changed after they were taken): {titles}",
        "⚠ {n} 个快照校验失败（拍摄后被改动）：{titles}",
    ),
    "setting_msg.whole": ("must be a whole number, not {value}", "须为整数，而不是 {value}"),
    "setting_msg.negative": ("must not be negative, not {value}", "不能为负数，而不是 {value}"),
    "setting_msg.number": ("must be a number, not {value}", "须为数字，而不是 {value}"),
    "snapshot.untrusted_title": ("(title not shown: checksum failed)", "（校验失败，不显示标题）"),
    "scheme_label.version": ("version {v}", "第{v}版"),
    # -- column headers of raw rows, logs and lists that had none
    "col.username": ("User", "用户名"),
    "col.action": ("Action", "操作"),
    "col.target": ("Target", "对象"),
    "col.display_name": ("Display name", "显示名"),
    "col.email": ("Email", "邮箱"),
    "col.may_unmask": ("May unmask", "可查看明文"),
    "col.org_id": ("Org unit", "机构"),
    "col.active": ("Active", "启用"),
    "col.updated_at": ("Updated", "更新时间"),
    "col.last_login_on": ("Last login", "最近登录日"),
    "col.login_days": ("Login days", "登录天数"),
    "col.idle_days": ("Days without login", "未登录天数"),
    "col.proxy_staff_id": ("Stand-in staff id", "代理人员工号"),
    "col.done_on_time": ("Done on time", "按时完成"),
    "col.snapshot_id": ("Snapshot", "快照编号"),
    "col.title": ("Title", "标题"),
    "col.level": ("Level", "层级"),
    "col.scheme": ("Scheme", "考核方案"),
    "col.rows": ("Rows", "行数"),
    "col.created_by": ("Taken by", "创建人"),
    "col.sha256": ("Checksum (SHA-256)", "校验值（SHA-256）"),
    "col.verified": ("Checksum verified", "校验通过"),
    "col.entity_id": ("Id", "编号"),
    "col.column": ("Column", "字段"),
    "col.before": ("In the snapshot", "快照时"),
    "col.after": ("Today", "今日"),
    "col.total": ("Total score", "总分"),
    "col.total_draft": ("Total (draft)", "总分（草稿）"),
    "col.total_change": ("Total change", "总分变化"),
    "col.rank_change": ("Rank change", "排名变化"),
    "col.movement": ("Movement", "变动"),
    "col.score_of": ("{metric} · score", "{metric} · 得分"),
    "col.actual_of": ("{metric} · actual", "{metric} · 实际值"),
    "col.target_of": ("{metric} · target", "{metric} · 目标值"),
    "col.attainment_of": ("{metric} · attainment", "{metric} · 达成率"),
    "col.suffix_draft": ("{name} (draft)", "{name}（草稿）"),
    "col.suffix_published": ("{name} (published)", "{name}（已发布）"),
    "col.suffix_change": ("{name} · change", "{name} · 变化"),
    "val.movement.up": ("up", "上升"),
    "val.movement.down": ("down", "下降"),
    "val.movement.same": ("same", "不变"),
    "val.movement.new": ("new", "新增"),
    "val.movement.gone": ("gone", "移出"),
    "val.level.staff": ("staff", "员工"),
    "val.level.sub_branch": ("sub-branch", "支行"),
    "val.level.branch": ("branch", "分行"),
    "col.total_published": ("Total (published)", "总分（已发布）"),
    "col.rank": ("Rank", "排名"),
    "col.rank_draft": ("Rank (draft)", "排名（草稿）"),
    "col.rank_published": ("Rank (published)", "排名（已发布）"),
    "col.grade": ("Grade", "等级"),
    "col.grade_draft": ("Grade (draft)", "等级（草稿）"),
    "col.grade_published": ("Grade (published)", "等级（已发布）"),
    "col.move": ("Change", "变化"),
    "col.batch_id": ("Batch", "批次"),
    "col.started_at": ("Started", "开始时间"),
    "col.finished_at": ("Finished", "结束时间"),
    "col.as_of": ("As of", "数据截止日"),
    "col.rows_read": ("Rows read", "读取行数"),
    "col.rows_rejected": ("Rows rejected", "拒绝行数"),
    "col.tables": ("Tables", "数据表"),
    "col.amount": ("Amount", "金额"),
    "col.avg_daily_aum": ("Avg daily AUM", "月日均金融资产"),
    "col.client_count": ("Clients", "客户数"),
    "col.line": ("Line", "行号"),
    "col.raw": ("Row as read", "原始内容"),
    "col.file": ("File", "文件"),
    "col.weight": ("Weight", "权重"),
    "col.target_value": ("Target", "目标值"),
    "col.rule": ("Rule", "计分规则"),
    "col.cap": ("Cap", "封顶"),
    "col.gate": ("Gate", "门槛"),
    "col.max_score": ("Maximum score", "最高分"),
    "col.kpi": ("KPI", "KPI"),
    "col.share": ("Share", "比例"),
    "col.care_kind": ("Care date", "关怀日类型"),
    "col.care_on": ("Care day", "关怀日"),
    # -- enum values, translated wherever a table shows them (ui/tables.py `VALUE_KEYS`)
    "val.period.P": ("this period", "本期"),
    "val.period.P-1": ("previous period", "上期"),
    "val.need_kind.need": ("need", "需求"),
    "val.need_kind.suggestion": ("suggestion", "建议"),
    "val.plan_kind.plan": ("plan", "方案"),
    "val.plan_kind.quarterly_report": ("quarterly report", "季度报告"),
    "val.field_group.basic": ("basic", "基本信息"),
    "val.field_group.comprehensive": ("comprehensive", "综合信息"),
    "val.field_group.private": ("private", "私密信息"),
    "val.status.open": ("open", "未完成"),
    "val.status.done": ("done", "已完成"),
    "val.status.cancelled": ("cancelled", "已取消"),
    "val.status.committed": ("committed", "已提交"),
    "val.status.committed_with_rejections": (
        "committed with rejected rows",
        "已提交（部分行被拒）",
    ),
    "val.status.refused": ("refused", "已拒绝"),
    "val.status.unchanged": ("nothing changed", "无变化"),
    "val.status.draft": ("draft", "草稿"),
    "val.status.published": ("published", "已发布"),
    "val.status.archived": ("archived", "已归档"),
    "val.reason.aum_drop": ("AUM fell", "资产下降"),
    "val.reason.tier_drop": ("tier fell", "层级下降"),
    "val.reason.large_outflow": ("large outflow", "大额转出"),
    "val.reason.closure": ("account closed", "销户"),
    "val.source.web": ("web", "网页端"),
    "val.source.mobile": ("mobile", "移动端"),
    "val.source.cli": ("command line", "命令行"),
    "val.source.upload": ("upload", "页面上传"),
    "val.source.upload_of": ("upload: {file}", "页面上传：{file}"),
    "val.source.first-start": ("first start", "首次启动"),
    "val.kind.reward": ("reward", "奖励"),
    "val.kind.penalty": ("penalty", "惩罚"),
    "val.kind.appraisal": ("appraisal", "考核结果"),
    "val.kind.scorecard": ("scorecard", "记分卡"),
    "val.kind.supervision": ("supervision", "履职督导"),
    "val.kind.health": ("portfolio health", "客户健康度"),
    "val.kind.overview": ("overview", "总览"),
    "val.assignment.primary": ("primary", "主管户"),
    "val.assignment.secondary": ("secondary", "副管户"),
    "val.rule.linear": ("linear", "线性"),
    "val.rule.threshold": ("threshold", "达标制"),
    "val.rule.rank": ("rank", "排名制"),
    "val.leg.ack": ("acknowledgement late", "响应超时"),
    "val.leg.result": ("result late", "办结超时"),
    "val.leg.both": ("acknowledgement and result late", "响应与办结均超时"),
    "val.leg.open": ("not resolved", "未办结"),
    "val.yes": ("yes", "是"),
    "val.no": ("no", "否"),
    "val.action.signin": ("sign-in", "登录"),
    "val.action.signin_failed": ("failed sign-in", "登录失败"),
    "val.action.signin_locked": ("sign-in locked", "登录锁定"),
    "val.action.signout": ("sign-out", "退出"),
    "val.action.import": ("import", "数据导入"),
    "val.action.export": ("export", "导出"),
    "val.action.scheme_edit": ("scheme edit", "方案编辑"),
    "val.action.scheme_publish": ("scheme publication", "方案发布"),
    "val.action.snapshot": ("snapshot", "快照"),
    "val.action.settings": ("settings change", "参数修改"),
    "val.action.unmask": ("unmasked view", "查看明文"),
    "val.action.user_add": ("user added", "新增用户"),
    "val.action.user_disable": ("user disabled", "停用用户"),
    "val.action.user_enable": ("user enabled", "启用用户"),
    "val.action.user_role": ("role changed", "角色变更"),
    "val.action.user_password": ("password changed", "密码变更"),
    # -- roll-ups on the Metrics page
    "rollup.sum": ("sum", "求和"),
    "rollup.stock": ("stock at period end", "期末存量"),
    "rollup.distinct": ("distinct count", "去重计数"),
    "rollup.mean": ("mean", "平均"),
    "rollup.max": ("maximum", "最大值"),
    "rollup.min": ("minimum", "最小值"),
    "rollup.ratio": ("ratio of sums", "比率（分子分母分别汇总）"),
    "rollup.count": ("count", "计数"),
    # -- Settings: a name and a help text per setting, in both languages
    "setting.tier.black_gold": ("Black-gold threshold (yuan)", "黑金客户门槛（元）"),
    "setting.tier.platinum": ("Platinum threshold (yuan)", "白金客户门槛（元）"),
    "setting.tier.wealth": ("Wealth-client threshold (yuan)", "财富客户门槛（元）"),
    "setting.load.max_clients": ("Most clients per planner", "单人管户上限"),
    "setting.supervision.idle_days": ("Idle after days without login", "未登录视为闲置的天数"),
    "setting.alert.aum_drop": ("AUM fall that raises an alert", "触发预警的资产降幅"),
    "setting.alert.followup_days": ("Alert follow-up window (days)", "预警跟进时限（天）"),
    "setting.sla.black_gold_hours": (
        "Black-gold request: result within (hours)",
        "黑金诉求办结时限（小时）",
    ),
    "setting.sla.platinum_ack_hours": (
        "Platinum request: acknowledged within (hours)",
        "白金诉求响应时限（小时）",
    ),
    "setting.sla.platinum_working_days": (
        "Platinum request: result within (working days)",
        "白金诉求办结时限（工作日）",
    ),
    "setting.cycle.days.monthly": ("Monthly contact cycle (days)", "每月联络周期（天）"),
    "setting.cycle.days.bimonthly": ("Two-monthly contact cycle (days)", "每两月联络周期（天）"),
    "setting.cycle.days.quarterly": ("Quarterly contact cycle (days)", "每季联络周期（天）"),
    "setting.opening.followup_working_days": (
        "New client: first contact within (working days)",
        "新开户首次联络时限（工作日）",
    ),
    "setting.opening.archive_working_days": (
        "New client: information within (working days)",
        "新开户建档时限（工作日）",
    ),
    "setting.kyc.valid_days": ("Risk assessment valid for (days)", "风险评估有效期（天）"),
    "setting.intro.first_contact_working_days": (
        "New assignment: first contact within (working days)",
        "新分配客户首次联络时限（工作日）",
    ),
    "setting.care.lead_days": ("Care reminder lead (days)", "关怀提前天数"),
    "setting.lifecycle.grace_months": (
        "Grace after a tier change (month-ends)",
        "层级变化宽限（月末数）",
    ),
    "setting.lifecycle.grace_days": ("Grace after a closure (days)", "销户后宽限（天）"),
    "setting_help.tier.black_gold": (
        "Avg daily AUM at or above which a client is black-gold (top client).",
        "月日均金融资产达到该值（含）的客户为黑金客户（顶端客户）。",
    ),
    "setting_help.tier.platinum": (
        "Avg daily AUM at or above which (below black-gold) a client is platinum.",
        "月日均金融资产达到该值（含）且低于黑金门槛的客户为白金客户（高端客户）。",
    ),
    "setting_help.tier.wealth": (
        "Avg daily AUM at or above which a client must have a primary manager (coverage).",
        "月日均金融资产达到该值（含）的客户必须有主管户经理（覆盖率）。",
    ),
    "setting_help.load.max_clients": (
        "Most clients one planner may maintain as primary manager.",
        "一名理财经理作为主管户最多维护的客户数。",
    ),
    "setting_help.supervision.idle_days": (
        "A planner or advisor with no login for more than this many days is flagged idle.",
        "理财经理或理财师超过该天数未登录即标记为闲置。",
    ),
    "setting_help.alert.aum_drop": (
        "A month-on-month AUM fall of at least this share raises a retention alert.",
        "客户资产环比降幅达到该比例即触发流失预警。",
    ),
    "setting_help.alert.followup_days": (
        "A contact within this many days after an alert counts as follow-up.",
        "预警后该天数内的联络计为已跟进。",
    ),
    "setting_help.sla.black_gold_hours": (
        "Black-gold request: result fed back within this many hours.",
        "黑金客户诉求须在该小时数内反馈结果。",
    ),
    "setting_help.sla.platinum_ack_hours": (
        "Platinum request: acknowledged within this many hours.",
        "白金客户诉求须在该小时数内响应。",
    ),
    "setting_help.sla.platinum_working_days": (
        "Platinum request: result within this many working days.",
        "白金客户诉求须在该工作日数内办结。",
    ),
    "setting_help.cycle.days.monthly": (
        "Contact cycle length in days for monthly clients.",
        "每月联络客户的周期天数。",
    ),
    "setting_help.cycle.days.bimonthly": (
        "Contact cycle length in days for two-monthly clients.",
        "每两月联络客户的周期天数。",
    ),
    "setting_help.cycle.days.quarterly": (
        "Contact cycle length in days for quarterly clients.",
        "每季联络客户的周期天数。",
    ),
    "setting_help.opening.followup_working_days": (
        "A newly opened wealth client gets a contact from its primary manager within this many working days after the opening day.",
        "新开户财富客户须在开户日后该工作日数内由主管户经理联络。",
    ),
    "setting_help.opening.archive_working_days": (
        "A newly opened wealth client's comprehensive information is due within this many working days after the opening day.",
        "新开户财富客户的综合信息须在开户日后该工作日数内完成维护。",
    ),
    "setting_help.kyc.valid_days": (
        "A risk assessment is valid this many days; a wealth client whose latest one is older is due for reassessment.",
        "风险评估有效天数；最近一次评估已超期的财富客户须重新评估。",
    ),
    "setting_help.intro.first_contact_working_days": (
        "A client newly assigned to a manager gets a first contact from that manager within this many working days.",
        "新分配给客户经理的客户须在分配后该工作日数内首次联络。",
    ),
    "setting_help.care.lead_days": (
        "A care date (birthday, relative's birthday, anniversary) is reminded this many days before; a care contact from then to the day itself counts as done.",
        "关怀日（生日、亲属生日、纪念日）提前该天数提醒；自提醒日至当日的关怀联络计为已完成。",
    ),
    "setting_help.lifecycle.grace_months": (
        "Month-ends a tier change must have lasted before the housekeeping it requires is an exception.",
        "层级变化持续超过该月末数后，未完成相应维护（增减副管户、封存档案）即为异常。",
    ),
    "setting_help.lifecycle.grace_days": (
        "Days after a closure before the housekeeping it requires (managers removed, archives sealed) is an exception.",
        "销户后超过该天数未完成相应维护（解除管户、封存档案）即为异常。",
    ),
    # -- scheme validation messages (ui/messages.py matches the English and fills these in)
    "scheme_msg.name": ("the scheme needs a name", "方案需要名称"),
    "scheme_msg.role": (
        "role must be planner or advisor, not {value}",
        "岗位须为理财经理或理财师，而不是 {value}",
    ),
    "scheme_msg.cycle": (
        "cycle must be month, quarter or year, not {value}",
        "周期须为月度、季度或年度，而不是 {value}",
    ),
    "scheme_msg.period_kind": (
        "period {period} is a {kind}, but the cycle is {cycle}",
        "期间 {period} 是{kind}，但方案周期是{cycle}",
    ),
    "scheme_msg.no_items": ("the scheme needs at least one item", "方案至少需要一个考核项"),
    "scheme_msg.not_kpi": (
        "{where}: {kpi} is not an appraisal KPI of the catalogue",
        "{where}：{kpi} 不是指标目录中的考核指标",
    ),
    "scheme_msg.twice": ("{where}: {kpi} appears twice", "{where}：{kpi} 重复出现"),
    "scheme_msg.weight": ("{where}: the weight must be more than 0", "{where}：权重必须大于0"),
    "scheme_msg.rule": (
        "{where}: rule must be linear, threshold or rank, not {value}",
        "{where}：计分规则须为线性、达标制或排名制，而不是 {value}",
    ),
    "scheme_msg.needs_target": (
        "{where}: a {rule} item needs a target",
        "{where}：{rule}考核项需要目标值",
    ),
    "scheme_msg.linear_target": (
        "{where}: a linear item needs a target above 0",
        "{where}：线性考核项的目标值必须大于0",
    ),
    "scheme_msg.cap": ("{where}: the cap must be more than 0", "{where}：封顶必须大于0"),
    "scheme_msg.max_score": (
        "{where}: the maximum score must be more than 0",
        "{where}：最高分必须大于0",
    ),
    "scheme_msg.weights": ("weights add up to {total}, not 100", "权重合计为 {total}，不是100"),
    "scheme_msg.grade_name": ("every grade needs a name", "每个等级都需要名称"),
    "scheme_msg.grade_unique": ("grade names must differ", "等级名称不能重复"),
    "scheme_msg.grade_negative": ("grade shares cannot be negative", "等级比例不能为负数"),
    "scheme_msg.grade_shares": (
        "grade shares add up to {total}, not 1",
        "等级比例合计为 {total}，不是1",
    ),
    "scheme_msg.number": (
        "{what} must be a number, not {value}",
        "{what} 必须是数字，而不是 {value}",
    ),
    "scheme_msg.finite": ("{what} must be a finite number", "{what} 必须是有限数字"),
    "scheme_msg.item": ("item {n}", "第{n}项"),
    "scheme_msg.item_kpi": ("item {n} ({kpi})", "第{n}项（{kpi}）"),
    "users.toggle": ("Disable or re-enable", "停用 / 启用"),
    "users.account": ("Account", "用户"),
    "users.disable": ("Disable", "停用"),
    "users.enable": ("Enable", "启用"),
}


_SETTING_KEY = re.compile(
    "|".join(
        re.escape(k[len("setting.") :])
        for k in sorted(STRINGS, key=len, reverse=True)
        if k.startswith("setting.")
    )
)


def lang() -> str:
    # The remembered choice first: the widget's own key is gone on a run without the sidebar.
    value = st.session_state.get("_keep_lang", st.session_state.get("lang", DEFAULT_LANG))
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, **kwargs: object) -> str:
    """The string `key` in the session's language, with `kwargs` filled in."""
    en, zh = STRINGS[key]
    text = zh if lang() == "zh" else en
    return text.format(**kwargs) if kwargs else text


def labels(options: list, text: object) -> object:
    """A format_func for a widget: the labels are made now, in this run's language.

    A lambda that called `t` later would read the language from the session when the widget is
    formatted outside the script run (AppTest does), and could get the wrong one."""
    table = {option: text(option) for option in options}  # type: ignore[operator]
    return table.get


def has(key: str) -> bool:
    return key in STRINGS


def metric_name(metric_id: str) -> str:
    """A metric's name from the catalogue; supervision sub-columns fall back to STRINGS."""
    metric = BY_ID.get(metric_id)
    if metric is not None:
        return metric.name_zh if lang() == "zh" else metric.name_en
    for prefix, group in (("contacts_", "channel"), ("work_items_", "work_kind")):
        if metric_id.startswith(prefix):
            rest = metric_id[len(prefix) :]
            if has(f"{group}.{rest}"):
                return f"{metric_name(prefix.rstrip('_'))} · {t(f'{group}.{rest}')}"
    return metric_id


def metric_description(metric_id: str) -> str:
    metric = BY_ID[metric_id]
    if lang() != "zh":
        return metric.description
    # The catalogue names settings by their keys (`tier.black_gold`); a Chinese reader gets the
    # name the Settings page shows.
    return _SETTING_KEY.sub(lambda m: f"「{t('setting.' + m.group(0))}」", metric.description_zh)


def role_name(role: str | None) -> str:
    return t(f"role.{role}") if role and has(f"role.{role}") else (role or "")


def label(column: str) -> str:
    """A column header: a metric name, else a `col.` string, else the column id itself."""
    if column in BY_ID:
        return metric_name(column)
    if has(f"col.{column}"):
        return t(f"col.{column}")
    return column
