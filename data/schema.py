"""The database schema: one model per table of the data contract, plus the product's own tables.

Column names are exactly the contract's `snake_case` names so that a contract file, the table and
the KPI queries all speak the same words. Money is `Numeric(18, 2)` (exact to the fen); IDs are
strings (leading zeros matter); `aum_monthly.month` is stored as the first day of the month so
that "the month that contains day d" is a plain date comparison on every engine.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID = String(64)
MONEY = Numeric(18, 2)
SCORE = Numeric(7, 2)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "pk": "pk_%(table_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        }
    )


metadata = Base.metadata


def _staff_fk() -> ForeignKey:
    return ForeignKey("staff.staff_id")


def _client_fk() -> ForeignKey:
    return ForeignKey("clients.client_id")


# --- contract tables -------------------------------------------------------------------------


class OrgUnit(Base):
    __tablename__ = "org_units"
    org_id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    # No database-level FK on the self-reference: a parent may arrive later in the same file, and
    # the importer checks the reference against the whole batch instead.
    parent_id: Mapped[str | None] = mapped_column(ID)


class Staff(Base):
    __tablename__ = "staff"
    staff_id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    org_id: Mapped[str] = mapped_column(ID, ForeignKey("org_units.org_id"), index=True)
    hired_on: Mapped[dt.date | None] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)


class Client(Base):
    __tablename__ = "clients"
    client_id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    gender: Mapped[str | None] = mapped_column(String(16))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(32))
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    contact_cycle: Mapped[str] = mapped_column(String(16), default="quarterly")
    risk_level: Mapped[str | None] = mapped_column(String(4))
    # Where the client came from (lifecycle.md); `referred_by` is a staff_id for a staff referral,
    # a client_id for a client referral (checked by the importer, not a foreign key: it is either).
    source: Mapped[str | None] = mapped_column(String(24))
    referred_by: Mapped[str | None] = mapped_column(ID)


class Assignment(Base):
    __tablename__ = "assignments"
    client_id: Mapped[str] = mapped_column(ID, _client_fk(), primary_key=True)
    staff_id: Mapped[str] = mapped_column(ID, _staff_fk(), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    start_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    end_on: Mapped[dt.date | None] = mapped_column(Date)
    __table_args__ = (Index(None, "staff_id", "role", "start_on"),)


class AumMonthly(Base):
    __tablename__ = "aum_monthly"
    client_id: Mapped[str] = mapped_column(ID, _client_fk(), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    avg_daily_aum: Mapped[Decimal] = mapped_column(MONEY)
    __table_args__ = (Index(None, "month"),)


class Contact(Base):
    __tablename__ = "contacts"
    contact_id: Mapped[str] = mapped_column(ID, primary_key=True)
    client_id: Mapped[str] = mapped_column(ID, _client_fk())
    staff_id: Mapped[str] = mapped_column(ID, _staff_fk())
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    channel: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str | None] = mapped_column(String(16))
    __table_args__ = (Index(None, "staff_id", "at"), Index(None, "client_id", "at"))


class Request(Base):
    __tablename__ = "requests"
    request_id: Mapped[str] = mapped_column(ID, primary_key=True)
    client_id: Mapped[str] = mapped_column(ID, _client_fk())
    staff_id: Mapped[str] = mapped_column(ID, _staff_fk())
    received_at: Mapped[dt.datetime] = mapped_column(DateTime)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    summary: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index(None, "staff_id", "received_at"),)


class Need(Base):
    __tablename__ = "needs"
    need_id: Mapped[str] = mapped_column(ID, primary_key=True)
    client_id: Mapped[str] = mapped_column(ID, _client_fk())
    staff_id: Mapped[str] = mapped_column(ID, _staff_fk())
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(16))
    __table_args__ = (Index(None, "staff_id", "at"),)


class Plan(Base):
    __tablename__ = "plans"
    plan_id: Mapped[str] = mapped_column(ID, primary_key=True)
    client_id: Mapped[str] = mapped_column(ID, _client_fk())
    staff_id: Mapped[str] = mapped_column(ID, _staff_fk())
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(24))
    # On a quarterly report: the plan it reports on (a plan of the same client).
    plan_ref: Mapped[str | None] = mapped_column(ID)
    __table_args__ = (Index(None, "staff_id", "at"), Index(None, "client_id", "at"))


class Archive(Base):
    __tablename__ = "archives"
    client_id: Mapped[str] = mapped_column(ID, _client_fk(), primary_key=True)
    created_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    created_by: Mapped[str] = mapped_column(ID, _staff_fk())
    sealed_on: Mapped[dt.date | None] = mapped_column(Date)


class Survey(Base):
    __tablename__ = "surveys"
    client_id: Mapped[str] = mapped_column(ID, _client_fk(), primary_key=True)
    staff_id: Mapped[str] = mapped_column(ID, _staff_fk(), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, primary_key=True)
    score: Mapped[Decimal] = mapped_column(SCORE)
    __table_args__ = (Index(None, "staff_id", "at"),)


class Training(Base):
    __tablename__ = "trainings"
    staff_id: Mapped[str] = mapped_column(ID, _staff_fk(), primary_key=True)
    course: Mapped[str] = mapped_column(String(200), primary_key=True)
    period_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    hours_required: Mapped[Decimal] = mapped_column(Numeric(9, 2))
    hours_done: Mapped[Decimal] = mapped_column(Numeric(9, 2))
    score: Mapped[Decimal | None] = mapped_column(SCORE)


class Certificate(Base):
    __tablename__ = "certificates"
    staff_id: Mapped[str] = mapped_column(ID, _staff_fk(), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    obtained_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)


class Reward(Base):
    __tablename__ = "rewards"
    staff_id: Mapped[str] = mapped_column(ID, _staff_fk(), primary_key=True)
    on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    reason: Mapped[str] = mapped_column(String(500), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    points: Mapped[Decimal] = mapped_column(Numeric(9, 2))


class Login(Base):
    __tablename__ = "logins"
    staff_id: Mapped[str] = mapped_column(ID, _staff_fk(), primary_key=True)
    login_at: Mapped[dt.datetime] = mapped_column(DateTime, primary_key=True)
    logout_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    source: Mapped[str | None] = mapped_column(String(16))


class InfoUpdate(Base):
    __tablename__ = "info_updates"
    staff_id: Mapped[str] = mapped_column(ID, _staff_fk(), primary_key=True)
    client_id: Mapped[str] = mapped_column(ID, _client_fk(), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, primary_key=True)
    field_group: Mapped[str] = mapped_column(String(16))


class WorkItem(Base):
    __tablename__ = "work_items"
    item_id: Mapped[str] = mapped_column(ID, primary_key=True)
    staff_id: Mapped[str] = mapped_column(ID, _staff_fk())
    client_id: Mapped[str | None] = mapped_column(ID, _client_fk())
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal | None] = mapped_column(MONEY)
    __table_args__ = (Index(None, "staff_id", "created_at"),)


class AccountEvent(Base):
    __tablename__ = "account_events"
    client_id: Mapped[str] = mapped_column(ID, _client_fk(), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    amount: Mapped[Decimal | None] = mapped_column(MONEY)


class AccountOpening(Base):
    """A wealth-account opening (lifecycle.md, 财富开户)."""

    __tablename__ = "account_openings"
    opening_id: Mapped[str] = mapped_column(ID, primary_key=True)
    client_id: Mapped[str] = mapped_column(ID, _client_fk(), index=True)
    staff_id: Mapped[str] = mapped_column(ID, _staff_fk())
    org_id: Mapped[str] = mapped_column(ID, ForeignKey("org_units.org_id"))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime)
    assets_at_opening: Mapped[Decimal] = mapped_column(MONEY)
    approval_ref: Mapped[str | None] = mapped_column(String(64))
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    kyc_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    risk_assessed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    __table_args__ = (Index(None, "staff_id", "opened_at"), Index(None, "opened_at"))


class RiskAssessment(Base):
    """A client's risk assessment (风险评估); valid `kyc.valid_days` days."""

    __tablename__ = "risk_assessments"
    client_id: Mapped[str] = mapped_column(ID, _client_fk(), primary_key=True)
    assessed_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    risk_level: Mapped[str] = mapped_column(String(4))
    staff_id: Mapped[str | None] = mapped_column(ID, _staff_fk())


class CareDate(Base):
    """A client's care date (关怀日): a birthday, a relative's birthday or an anniversary."""

    __tablename__ = "care_dates"
    client_id: Mapped[str] = mapped_column(ID, _client_fk(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    month_day: Mapped[str] = mapped_column(String(5), primary_key=True)
    # Part of the key, so it cannot be NULL: an empty label is stored as "".
    label: Mapped[str] = mapped_column(String(100), primary_key=True, default="")


# --- the product's own tables ----------------------------------------------------------------


class Setting(Base):
    """A director-editable setting; defaults are declared once in `data.settings`."""

    __tablename__ = "settings"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(String(64))


class CalendarDay(Base):
    """The mainland-China working-day calendar, materialised from `chinese_calendar` so that SLA
    deadlines and working-day counts are computed inside the database."""

    __tablename__ = "calendar_days"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    # Working days on or before `day` since the calendar's first day: the N-th working day after
    # d is the working day whose `workday_seq` is `workday_seq(d) + N`.
    workday_seq: Mapped[int] = mapped_column(Integer, index=True)


class ImportBatch(Base):
    __tablename__ = "import_history"
    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    as_of: Mapped[dt.date] = mapped_column(Date)
    username: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    # JSON text: per file {file, table, sha256, read, inserted, updated, unchanged, rejected}.
    files: Mapped[str] = mapped_column(Text)
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)


class User(Base):
    """A sign-in account. Scope comes from role + org_id / staff_id, never from the UI."""

    __tablename__ = "users"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))  # director | head | planner | advisor
    org_id: Mapped[str | None] = mapped_column(ID)  # a head's sub-branch
    staff_id: Mapped[str | None] = mapped_column(ID)  # a planner's or advisor's own id
    display_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # Argon2id; None: SSO only
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    may_unmask: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class SigninAttempt(Base):
    """Every sign-in attempt, for throttling and lockout (failures in a sliding window)."""

    __tablename__ = "signin_attempts"
    attempt_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    success: Mapped[bool] = mapped_column(Boolean)
    __table_args__ = (Index(None, "username", "at"),)


class AuditEvent(Base):
    """Append-only audit log: sign-ins, imports, exports, scheme edits, snapshots, settings,
    unmasking. The application only ever inserts into it."""

    __tablename__ = "audit_log"
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)  # JSON
    # The hash chain (data/audit_chain.py): position, the previous row's hash, this row's hash;
    # NULL until the row is sealed, moments after its transaction commits.
    seq: Mapped[int | None] = mapped_column(BigInteger)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))


class AuditHead(Base):
    """The last link of the audit chain, so a deletion of the newest rows is noticed too."""

    __tablename__ = "audit_head"
    chain: Mapped[str] = mapped_column(String(16), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    row_hash: Mapped[str] = mapped_column(String(64))


class SigninGate(Base):
    """One row per username tried: a sign-in updates it first, so the database serializes
    parallel attempts for one name before any password is checked (data/accounts.py)."""

    __tablename__ = "signin_gate"
    username: Mapped[str] = mapped_column(String(200), primary_key=True)
    touched_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class WebSession(Base):
    """A signed-in browser session (ui/auth.py): what the HTTP-only session cookie names.

    The cookie carries the session id, signed; the table keeps only its SHA-256, so a copy of
    the database cannot be replayed as cookies. A row ended (sign-out, idle time-out, password
    change, account disabled) never comes back to life, whatever cookie is replayed."""

    __tablename__ = "web_sessions"
    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # The one-time token that lets the browser fetch the cookie once, right after sign-in.
    claim_hash: Mapped[str | None] = mapped_column(String(64))
    claim_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ended_why: Mapped[str | None] = mapped_column(String(16))  # signout | idle | password ...


class ServerSecret(Base):
    """Keys the server generates once and keeps (the session cookie's signing key): in the
    database, so every dashboard process on it signs alike and nothing secret is in the repo."""

    __tablename__ = "server_secrets"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class StoredResult(Base):
    """A computed metric frame kept for its data version (metrics/results.py): a fresh dashboard
    process or another user with the same scope reads it instead of computing it again."""

    __tablename__ = "stored_results"
    # SHA-256 of the request (kind, period, level, scope, metrics, entity) and the code version.
    result_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data_version: Mapped[str] = mapped_column(String(200))  # metrics.browse.data_version
    payload: Mapped[bytes] = mapped_column(LargeBinary)  # the frame in Arrow's IPC format
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    seconds: Mapped[Decimal | None] = mapped_column(Numeric(9, 3))  # what the computation took


class Scheme(Base):
    """One version of an appraisal scheme (考核方案). A published version is immutable: an edit
    makes a new version with the same scheme_id."""

    __tablename__ = "schemes"
    scheme_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[str | None] = mapped_column(ID)
    role: Mapped[str] = mapped_column(String(16))
    cycle: Mapped[str] = mapped_column(String(16))
    # The first period the scheme applies to (optional); "copy to the next cycle" shifts it.
    period: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # draft | published | archived
    items: Mapped[str] = mapped_column(Text)  # JSON list of items
    grades: Mapped[str | None] = mapped_column(Text)  # JSON {grade: share}
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Snapshot(Base):
    """Frozen results (会议快照): rows, scheme version, settings, source batches, who, when, and a
    SHA-256 of the content, verified whenever it is read."""

    __tablename__ = "snapshots"
    snapshot_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # appraisal | scorecard | supervision | health
    scheme_id: Mapped[str | None] = mapped_column(String(36))
    scheme_version: Mapped[int | None] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(Text)  # the scope's cache key
    settings: Mapped[str] = mapped_column(Text)  # JSON
    batches: Mapped[str] = mapped_column(Text)  # JSON list of import batch ids
    content: Mapped[str] = mapped_column(Text)  # JSON: columns and rows
    sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Subscription(Base):
    """A pack or an alert rule delivered to one account (the recipient), on a schedule.

    The recipient's own scope and masking apply to what is sent, never the subscriber's."""

    __tablename__ = "subscriptions"
    subscription_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)  # the recipient
    created_by: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # pack | alert
    target: Mapped[str] = mapped_column(Text)  # JSON: what the pack holds / the alert's rule
    format: Mapped[str | None] = mapped_column(String(8))  # xlsx | pdf | csv (packs)
    frequency: Mapped[str] = mapped_column(String(16))  # daily | weekly | monthly
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # JSON list of the alert's conditions true at its last delivered evaluation.
    alert_state: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Delivery(Base):
    """One attempt to deliver a subscription for one due period (its `due_key`): the log of what
    went to whom and when; a `sent` (or `nothing`) row makes later runs skip that due period."""

    __tablename__ = "deliveries"
    delivery_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    subscription_id: Mapped[str] = mapped_column(String(36), index=True)
    due_key: Mapped[str] = mapped_column(String(32))
    username: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # sent | nothing | failed
    channel: Mapped[str | None] = mapped_column(String(16))  # smtp | folder
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime)


class ResultPublication(Base):
    """Published appraisal results (考核结果公布): one scheme's results for one period, made
    visible to the staff it covers; `state` is published or signed_off (审批确认)."""

    __tablename__ = "result_publications"
    __table_args__ = (Index(None, "scheme_id", "period", unique=True),)
    publication_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    scheme_id: Mapped[str] = mapped_column(String(36))
    scheme_version: Mapped[int] = mapped_column(Integer)  # the version first published
    period: Mapped[str] = mapped_column(String(16))
    org_id: Mapped[str | None] = mapped_column(ID)  # the scheme's org unit (None: bank-wide)
    role: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))  # published | signed_off
    published_by: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime)
    signed_off_by: Mapped[str | None] = mapped_column(String(64))
    signed_off_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ResultVersion(Base):
    """One version of published results: a snapshot, never edited; a correction is version N+1
    linked to the snapshot it replaces, with its reason."""

    __tablename__ = "result_versions"
    publication_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme_version: Mapped[int] = mapped_column(Integer)
    snapshot_id: Mapped[str] = mapped_column(String(36))
    previous_snapshot_id: Mapped[str | None] = mapped_column(String(36))
    population: Mapped[int] = mapped_column(Integer)  # staff covered: ranks are "of n"
    reason: Mapped[str | None] = mapped_column(Text)
    changed: Mapped[str | None] = mapped_column(Text)  # JSON: staff ids whose rows changed
    seq: Mapped[int] = mapped_column(Integer)  # order of events within the publication
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ResultResponse(Base):
    """A covered person's response to published results: an acknowledgement (确认) or an inquiry
    (申诉) on one item, which the head answers once (upheld or corrected)."""

    __tablename__ = "result_responses"
    __table_args__ = (Index(None, "publication_id", "staff_id"),)
    response_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    publication_id: Mapped[str] = mapped_column(String(36))
    staff_id: Mapped[str] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(String(16))  # acknowledge | inquiry
    kpi: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    result_version: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))  # upheld | corrected
    answered_by: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    answered_seq: Mapped[int | None] = mapped_column(Integer)


# The contract's tables in load order (parents before children), with their keys.
CONTRACT_TABLES: tuple[type[Base], ...] = (
    OrgUnit,
    Staff,
    Client,
    Assignment,
    AumMonthly,
    Contact,
    Request,
    Need,
    Plan,
    Archive,
    Survey,
    Training,
    Certificate,
    Reward,
    Login,
    InfoUpdate,
    WorkItem,
    AccountEvent,
)
