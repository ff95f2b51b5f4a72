"""Every string the dashboard shows, in English and Simplified Chinese.

Metric names and definitions, in both languages, come from the catalogue
(`metrics.core.catalogue`), never from here, so a KPI is named and defined once.
"""

from __future__ import annotations

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
    "compare.title": ("Two periods side by side", "两期对比"),
    "compare.with": ("Compare with", "对比期间"),
    "compare.kpi": ("KPI", "指标"),
    "compare.change": ("Change", "变化"),
    "periods.to_date": ("{period} to date (through {end})", "{period}至今（截至{end}）"),
    "periods.incomplete": (
        "{period} is incomplete: month-end AUM has been imported up to {last}. It is not scored "
        "or ranked; the latest complete period is {latest}.",
        "{period}数据不完整：月末金融资产仅导入至{last}，不予评分或排名；最近的完整期间为{latest}。",
    ),
    "periods.vs_partial": (
        "vs {period} (partial: data from {first} only)",
        "较{period}（数据不完整：自{first}起）",
    ),
    "periods.to_date_caption": (
        "{period}: stocks at the last imported month end ({last}); compared with the same months "
        "a year earlier.",
        "{period}：存量取最近导入的月末（{last}）；与上年同期相同月份比较。",
    ),
    "schemes.whole_bank": ("Whole bank", "全行"),
    "schemes.rule.linear": ("linear", "线性"),
    "schemes.rule.threshold": ("threshold", "达标"),
    "schemes.rule.rank": ("rank", "排名"),
    "users.add_button": ("Add", "新增"),
    "users.added": ("Added {username}", "已新增 {username}"),
    # Strings of the screens, packs and layout work (kept together).
    "users.toggle": ("Disable or re-enable", "停用 / 启用"),
    "users.account": ("Account", "用户"),
    "users.disable": ("Disable", "停用"),
    "users.enable": ("Enable", "启用"),
}


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
    return metric.description_zh if lang() == "zh" else metric.description


def role_name(role: str | None) -> str:
    return t(f"role.{role}") if role and has(f"role.{role}") else (role or "")


def label(column: str) -> str:
    """A column header: a metric name, else a `col.` string, else the column id itself."""
    if column in BY_ID:
        return metric_name(column)
    if has(f"col.{column}"):
        return t(f"col.{column}")
    return column
