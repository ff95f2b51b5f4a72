"""The database schema as SQLAlchemy Core tables: one table per file of the data contract, plus
the product's own tables. This module is the schema's one definition.

Why Core and not the ORM's declarative classes: every query of the product is a Core statement,
and a read-only command (`python -m metrics scorecard ...`) should not pay for importing the ORM
and building ~40 mapped classes (about a fifth of its start-up). `data.schema` maps ORM classes
onto these same tables for the code that likes `User.username`; Alembic reads this metadata.

Column names are exactly the contract's `snake_case` names so that a contract file, the table and
the KPI queries all speak the same words. Money is `Numeric(18, 2)` (exact to the fen); IDs are
strings (leading zeros matter); `aum_monthly.month` is stored as the first day of the month so
that "the month that contains day d" is a plain date comparison on every engine.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)

ID = String(64)
MONEY = Numeric(18, 2)
SCORE = Numeric(7, 2)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    }
)


# --- contract tables -------------------------------------------------------------------------


org_units = Table(
    "org_units",
    metadata,
    Column("org_id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    # No database-level FK on the self-reference: a parent may arrive later in the same file, and
    # the importer checks the reference against the whole batch instead.
    Column("parent_id", ID),
)


staff = Table(
    "staff",
    metadata,
    Column("staff_id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("org_id", ID, ForeignKey("org_units.org_id"), nullable=False, index=True),
    Column("hired_on", Date),
    Column("left_on", Date),
)


clients = Table(
    "clients",
    metadata,
    Column("client_id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("gender", String(16)),
    Column("birth_date", Date),
    Column("phone", String(32)),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date),
    Column("contact_cycle", String(16), nullable=False, default="quarterly"),
    Column("risk_level", String(4)),
    # Where the client came from (lifecycle.md); `referred_by` is a staff_id for a staff referral,
    # a client_id for a client referral (checked by the importer, not a foreign key: it is either).
    Column("source", String(24)),
    Column("referred_by", ID),
)


assignments = Table(
    "assignments",
    metadata,
    Column("client_id", ID, ForeignKey("clients.client_id"), primary_key=True),
    Column("staff_id", ID, ForeignKey("staff.staff_id"), primary_key=True),
    Column("role", String(16), primary_key=True),
    Column("start_on", Date, primary_key=True),
    Column("end_on", Date),
    Index(None, "staff_id", "role", "start_on"),
)


aum_monthly = Table(
    "aum_monthly",
    metadata,
    Column("client_id", ID, ForeignKey("clients.client_id"), primary_key=True),
    Column("month", Date, primary_key=True),
    Column("avg_daily_aum", MONEY, nullable=False),
    Index(None, "month"),
)


contacts = Table(
    "contacts",
    metadata,
    Column("contact_id", ID, primary_key=True),
    Column("client_id", ID, ForeignKey("clients.client_id"), nullable=False),
    Column("staff_id", ID, ForeignKey("staff.staff_id"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("purpose", String(16)),
    Index(None, "client_id", "at"),
    Index(None, "staff_id", "at"),
)


requests = Table(
    "requests",
    metadata,
    Column("request_id", ID, primary_key=True),
    Column("client_id", ID, ForeignKey("clients.client_id"), nullable=False),
    Column("staff_id", ID, ForeignKey("staff.staff_id"), nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("acknowledged_at", DateTime),
    Column("resolved_at", DateTime),
    Column("summary", Text),
    Index(None, "staff_id", "received_at"),
)


needs = Table(
    "needs",
    metadata,
    Column("need_id", ID, primary_key=True),
    Column("client_id", ID, ForeignKey("clients.client_id"), nullable=False),
    Column("staff_id", ID, ForeignKey("staff.staff_id"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("kind", String(16), nullable=False),
    Index(None, "staff_id", "at"),
)


plans = Table(
    "plans",
    metadata,
    Column("plan_id", ID, primary_key=True),
    Column("client_id", ID, ForeignKey("clients.client_id"), nullable=False),
    Column("staff_id", ID, ForeignKey("staff.staff_id"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("kind", String(24), nullable=False),
    # On a quarterly report: the plan it reports on (a plan of the same client).
    Column("plan_ref", ID),
    Index(None, "client_id", "at"),
    Index(None, "staff_id", "at"),
)


archives = Table(
    "archives",
    metadata,
    Column("client_id", ID, ForeignKey("clients.client_id"), primary_key=True),
    Column("created_on", Date, primary_key=True),
    Column("created_by", ID, ForeignKey("staff.staff_id"), nullable=False),
    Column("sealed_on", Date),
)


surveys = Table(
    "surveys",
    metadata,
    Column("client_id", ID, ForeignKey("clients.client_id"), primary_key=True),
    Column("staff_id", ID, ForeignKey("staff.staff_id"), primary_key=True),
    Column("at", DateTime, primary_key=True),
    Column("score", SCORE, nullable=False),
    Index(None, "staff_id", "at"),
)


trainings = Table(
    "trainings",
    metadata,
    Column("staff_id", ID, ForeignKey("staff.staff_id"), primary_key=True),
    Column("course", String(200), primary_key=True),
    Column("period_start", Date, primary_key=True),
    Column("hours_required", Numeric(9, 2), nullable=False),
    Column("hours_done", Numeric(9, 2), nullable=False),
    Column("score", SCORE),
)


certificates = Table(
    "certificates",
    metadata,
    Column("staff_id", ID, ForeignKey("staff.staff_id"), primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("obtained_on", Date, primary_key=True),
    Column("expires_on", Date),
)


rewards = Table(
    "rewards",
    metadata,
    Column("staff_id", ID, ForeignKey("staff.staff_id"), primary_key=True),
    Column("on", Date, primary_key=True),
    Column("reason", String(500), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("points", Numeric(9, 2), nullable=False),
)


logins = Table(
    "logins",
    metadata,
    Column("staff_id", ID, ForeignKey("staff.staff_id"), primary_key=True),
    Column("login_at", DateTime, primary_key=True),
    Column("logout_at", DateTime),
    Column("source", String(16)),
)


info_updates = Table(
    "info_updates",
    metadata,
    Column("staff_id", ID, ForeignKey("staff.staff_id"), primary_key=True),
    Column("client_id", ID, ForeignKey("clients.client_id"), primary_key=True),
    Column("at", DateTime, primary_key=True),
    Column("field_group", String(16), nullable=False),
)


work_items = Table(
    "work_items",
    metadata,
    Column("item_id", ID, primary_key=True),
    Column("staff_id", ID, ForeignKey("staff.staff_id"), nullable=False),
    Column("client_id", ID, ForeignKey("clients.client_id")),
    Column("kind", String(16), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("due_at", DateTime),
    Column("done_at", DateTime),
    Column("status", String(16), nullable=False),
    Column("amount", MONEY),
    Index(None, "staff_id", "created_at"),
)


account_events = Table(
    "account_events",
    metadata,
    Column("client_id", ID, ForeignKey("clients.client_id"), primary_key=True),
    Column("at", DateTime, primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("amount", MONEY),
)


# A wealth-account opening (lifecycle.md, 财富开户).
account_openings = Table(
    "account_openings",
    metadata,
    Column("opening_id", ID, primary_key=True),
    Column("client_id", ID, ForeignKey("clients.client_id"), nullable=False, index=True),
    Column("staff_id", ID, ForeignKey("staff.staff_id"), nullable=False),
    Column("org_id", ID, ForeignKey("org_units.org_id"), nullable=False),
    Column("opened_at", DateTime, nullable=False),
    Column("assets_at_opening", MONEY, nullable=False),
    Column("approval_ref", ID),
    Column("approved_on", Date),
    Column("kyc_at", DateTime),
    Column("risk_assessed_at", DateTime),
    Index(None, "opened_at"),
    Index(None, "staff_id", "opened_at"),
)


# A client's risk assessment (风险评估); valid `kyc.valid_days` days.
risk_assessments = Table(
    "risk_assessments",
    metadata,
    Column("client_id", ID, ForeignKey("clients.client_id"), primary_key=True),
    Column("assessed_on", Date, primary_key=True),
    Column("risk_level", String(4), nullable=False),
    Column("staff_id", ID, ForeignKey("staff.staff_id")),
)


# A client's care date (关怀日): a birthday, a relative's birthday or an anniversary.
care_dates = Table(
    "care_dates",
    metadata,
    Column("client_id", ID, ForeignKey("clients.client_id"), primary_key=True),
    Column("kind", String(24), primary_key=True),
    Column("month_day", String(5), primary_key=True),
    # Part of the key, so it cannot be NULL: an empty label is stored as "".
    Column("label", String(100), primary_key=True, default=""),
)


# --- the product's own tables ----------------------------------------------------------------


# A director-editable setting; defaults are declared once in `data.settings`.
settings = Table(
    "settings",
    metadata,
    Column("name", ID, primary_key=True),
    Column("value", ID, nullable=False),
    Column("updated_at", DateTime),
    Column("updated_by", ID),
)


# The mainland-China working-day calendar, materialised from `chinese_calendar` so that SLA
# deadlines and working-day counts are computed inside the database.
calendar_days = Table(
    "calendar_days",
    metadata,
    Column("day", Date, primary_key=True),
    Column("is_workday", Boolean, nullable=False),
    # Working days on or before `day` since the calendar's first day: the N-th working day after
    # d is the working day whose `workday_seq` is `workday_seq(d) + N`.
    Column("workday_seq", Integer, nullable=False, index=True),
)


import_history = Table(
    "import_history",
    metadata,
    Column("batch_id", String(36), primary_key=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("as_of", Date, nullable=False),
    Column("username", ID),
    Column("source", Text),
    Column("status", String(32), nullable=False),
    # JSON text: per file {file, table, sha256, read, inserted, updated, unchanged, rejected}.
    Column("files", Text, nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
)


# A sign-in account. Scope comes from role + org_id / staff_id, never from the UI.
users = Table(
    "users",
    metadata,
    Column("username", ID, primary_key=True),
    Column("role", String(16), nullable=False),  # director | head | planner | advisor
    Column("org_id", ID),  # a head's sub-branch
    Column("staff_id", ID),  # a planner's or advisor's own id
    Column("display_name", String(200)),
    Column("email", String(200), index=True),
    Column("password_hash", String(255)),  # Argon2id; None: SSO only
    Column("active", Boolean, nullable=False, default=True),
    Column("may_unmask", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime),
)


# Every sign-in attempt, for throttling and lockout (failures in a sliding window).
signin_attempts = Table(
    "signin_attempts",
    metadata,
    Column("attempt_id", String(36), primary_key=True),
    Column("username", String(200), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("success", Boolean, nullable=False),
    Index(None, "username", "at"),
)


# Append-only audit log: sign-ins, imports, exports, scheme edits, snapshots, settings,
# unmasking. The application only ever inserts into it.
audit_log = Table(
    "audit_log",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("username", ID),
    Column("action", String(32), nullable=False),
    Column("target", String(200)),
    Column("detail", Text),  # JSON
    # The hash chain (data/audit_chain.py): position, the previous row's hash, this row's hash;
    # NULL until the row is sealed, moments after its transaction commits.
    Column("seq", BigInteger),
    Column("prev_hash", ID),
    Column("row_hash", ID),
)


# The last link of the audit chain, so a deletion of the newest rows is noticed too.
audit_head = Table(
    "audit_head",
    metadata,
    Column("chain", String(16), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("row_hash", ID, nullable=False),
)


# One row per username tried: a sign-in updates it first, so the database serializes
# parallel attempts for one name before any password is checked (data/accounts.py).
signin_gate = Table(
    "signin_gate",
    metadata,
    Column("username", String(200), primary_key=True),
    Column("touched_at", DateTime),
)


# A signed-in browser session (ui/auth.py): what the HTTP-only session cookie names. The cookie
# carries the session id, signed; the table keeps only its SHA-256, so a copy of the database
# cannot be replayed as cookies. A row ended (sign-out, idle time-out, password change, account
# disabled) never comes back to life, whatever cookie is replayed.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    # The one-time token that lets the browser fetch the cookie once, right after sign-in.
    Column("claim_hash", String(64)),
    Column("claim_until", DateTime),
    Column("ended_at", DateTime),
    Column("ended_why", String(16)),  # signout | idle | password ...
)


# Keys the server generates once and keeps (the session cookie's signing key): in the database,
# so every dashboard process on it signs alike and nothing secret is in the repo.
server_secrets = Table(
    "server_secrets",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
    Column("created_at", DateTime, nullable=False),
)


# A computed metric frame kept for its data version (metrics/results.py): a fresh dashboard
# process or another user with the same scope reads it instead of computing it again.
stored_results = Table(
    "stored_results",
    metadata,
    # SHA-256 of the request (kind, period, level, scope, metrics, entity) and the code version.
    Column("result_key", ID, primary_key=True),
    Column("data_version", String(200), nullable=False),  # metrics.browse.data_version
    Column("payload", LargeBinary, nullable=False),  # the frame in Arrow's IPC format
    Column("computed_at", DateTime, nullable=False),
    Column("seconds", Numeric(9, 3)),  # what the computation took
)


# One version of an appraisal scheme (考核方案). A published version is immutable: an edit
# makes a new version with the same scheme_id.
schemes = Table(
    "schemes",
    metadata,
    Column("scheme_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("org_id", ID),
    Column("role", String(16), nullable=False),
    Column("cycle", String(16), nullable=False),
    # The first period the scheme applies to (optional); "copy to the next cycle" shifts it.
    Column("period", String(16)),
    Column("status", String(16), nullable=False),  # draft | published | archived
    Column("items", Text, nullable=False),  # JSON list of items
    Column("grades", Text),  # JSON {grade: share}
    Column("created_by", ID),
    Column("created_at", DateTime, nullable=False),
    Column("published_at", DateTime),
)


# Frozen results (会议快照): rows, scheme version, settings, source batches, who, when, and a
# SHA-256 of the content, verified whenever it is read.
snapshots = Table(
    "snapshots",
    metadata,
    Column("snapshot_id", String(36), primary_key=True),
    Column("kind", String(16), nullable=False),  # appraisal | scorecard | supervision | health
    Column("scheme_id", String(36)),
    Column("scheme_version", Integer),
    Column("period", String(16), nullable=False),
    Column("level", String(16), nullable=False),
    Column("scope", Text, nullable=False),  # the scope's cache key
    Column("settings", Text, nullable=False),  # JSON
    Column("batches", Text, nullable=False),  # JSON list of import batch ids
    Column("content", Text, nullable=False),  # JSON: columns and rows
    Column("sha256", ID, nullable=False),
    Column("created_by", ID),
    Column("created_at", DateTime, nullable=False),
)


# A pack or an alert rule delivered to one account (the recipient), on a schedule.
#
# The recipient's own scope and masking apply to what is sent, never the subscriber's.
subscriptions = Table(
    "subscriptions",
    metadata,
    Column("subscription_id", String(36), primary_key=True),
    Column("username", ID, nullable=False, index=True),  # the recipient
    Column("created_by", ID, nullable=False),
    Column("kind", String(16), nullable=False),  # pack | alert
    Column("target", Text, nullable=False),  # JSON: what the pack holds / the alert's rule
    Column("format", String(8)),  # xlsx | pdf | csv (packs)
    Column("frequency", String(16), nullable=False),  # daily | weekly | monthly
    Column("active", Boolean, nullable=False, default=True),
    # JSON list of the alert's conditions true at its last delivered evaluation.
    Column("alert_state", Text),
    Column("created_at", DateTime, nullable=False),
)


# One attempt to deliver a subscription for one due period (its `due_key`): the log of what
# went to whom and when; a `sent` (or `nothing`) row makes later runs skip that due period.
deliveries = Table(
    "deliveries",
    metadata,
    Column("delivery_id", String(36), primary_key=True),
    Column("subscription_id", String(36), nullable=False, index=True),
    Column("due_key", String(32), nullable=False),
    Column("username", ID, nullable=False),
    Column("status", String(16), nullable=False),  # sent | nothing | failed
    Column("channel", String(16)),  # smtp | folder
    Column("detail", Text),
    Column("at", DateTime, nullable=False),
)


# Published appraisal results (考核结果公布): one scheme's results for one period, made
# visible to the staff it covers; `state` is published or signed_off (审批确认).
result_publications = Table(
    "result_publications",
    metadata,
    Column("publication_id", String(36), primary_key=True),
    Column("scheme_id", String(36), nullable=False),
    Column("scheme_version", Integer, nullable=False),  # the version first published
    Column("period", String(16), nullable=False),
    Column("org_id", ID),  # the scheme's org unit (None: bank-wide)
    Column("role", String(16), nullable=False),
    Column("state", String(16), nullable=False),  # published | signed_off
    Column("published_by", ID),
    Column("published_at", DateTime, nullable=False),
    Column("signed_off_by", ID),
    Column("signed_off_at", DateTime),
    Index(None, "scheme_id", "period", unique=True),
)


# One version of published results: a snapshot, never edited; a correction is version N+1
# linked to the snapshot it replaces, with its reason.
result_versions = Table(
    "result_versions",
    metadata,
    Column("publication_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("scheme_version", Integer, nullable=False),
    Column("snapshot_id", String(36), nullable=False),
    Column("previous_snapshot_id", String(36)),
    Column("population", Integer, nullable=False),  # staff covered: ranks are "of n"
    Column("reason", Text),
    Column("changed", Text),  # JSON: staff ids whose rows changed
    Column("seq", Integer, nullable=False),  # order of events within the publication
    Column("created_by", ID),
    Column("created_at", DateTime, nullable=False),
)


# A covered person's response to published results: an acknowledgement (确认) or an inquiry
# (申诉) on one item, which the head answers once (upheld or corrected).
result_responses = Table(
    "result_responses",
    metadata,
    Column("response_id", String(36), primary_key=True),
    Column("publication_id", String(36), nullable=False),
    Column("staff_id", ID, nullable=False),
    Column("kind", String(16), nullable=False),  # acknowledge | inquiry
    Column("kpi", ID),
    Column("message", Text),
    Column("result_version", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("created_by", ID),
    Column("created_at", DateTime, nullable=False),
    Column("answer", Text),
    Column("outcome", String(16)),  # upheld | corrected
    Column("answered_by", ID),
    Column("answered_at", DateTime),
    Column("answered_seq", Integer),
    Index(None, "publication_id", "staff_id"),
)
