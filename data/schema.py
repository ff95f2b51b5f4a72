"""ORM classes mapped onto the Core tables of `data.tables` (the schema's one definition).

Each class takes its columns from its table (`__table__`); the annotations only give type
checkers the attributes (`User.username`), and `tests/test_schema_tables.py` holds them to the
table's columns and nullability. Code that only reads (the metric queries, the command line) uses
`data.tables` and never imports the ORM; this module is for code that writes `User.username`
or `insert(AuditEvent)`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import DeclarativeBase, Mapped

from data import tables


class Base(DeclarativeBase):
    metadata = tables.metadata


metadata = Base.metadata


class OrgUnit(Base):
    __tablename__ = "org_units"
    __table__ = tables.org_units
    org_id: Mapped[str]
    name: Mapped[str]
    kind: Mapped[str]
    parent_id: Mapped[str | None]


class Staff(Base):
    __tablename__ = "staff"
    __table__ = tables.staff
    staff_id: Mapped[str]
    name: Mapped[str]
    role: Mapped[str]
    org_id: Mapped[str]
    hired_on: Mapped[dt.date | None]
    left_on: Mapped[dt.date | None]


class Client(Base):
    __tablename__ = "clients"
    __table__ = tables.clients
    client_id: Mapped[str]
    name: Mapped[str]
    gender: Mapped[str | None]
    birth_date: Mapped[dt.date | None]
    phone: Mapped[str | None]
    opened_on: Mapped[dt.date]
    closed_on: Mapped[dt.date | None]
    contact_cycle: Mapped[str]
    risk_level: Mapped[str | None]
    source: Mapped[str | None]
    referred_by: Mapped[str | None]


class Assignment(Base):
    __tablename__ = "assignments"
    __table__ = tables.assignments
    client_id: Mapped[str]
    staff_id: Mapped[str]
    role: Mapped[str]
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date | None]


class AumMonthly(Base):
    __tablename__ = "aum_monthly"
    __table__ = tables.aum_monthly
    client_id: Mapped[str]
    month: Mapped[dt.date]
    avg_daily_aum: Mapped[Decimal]


class Contact(Base):
    __tablename__ = "contacts"
    __table__ = tables.contacts
    contact_id: Mapped[str]
    client_id: Mapped[str]
    staff_id: Mapped[str]
    at: Mapped[dt.datetime]
    channel: Mapped[str]
    purpose: Mapped[str | None]


class Request(Base):
    __tablename__ = "requests"
    __table__ = tables.requests
    request_id: Mapped[str]
    client_id: Mapped[str]
    staff_id: Mapped[str]
    received_at: Mapped[dt.datetime]
    acknowledged_at: Mapped[dt.datetime | None]
    resolved_at: Mapped[dt.datetime | None]
    summary: Mapped[str | None]


class Need(Base):
    __tablename__ = "needs"
    __table__ = tables.needs
    need_id: Mapped[str]
    client_id: Mapped[str]
    staff_id: Mapped[str]
    at: Mapped[dt.datetime]
    kind: Mapped[str]


class Plan(Base):
    __tablename__ = "plans"
    __table__ = tables.plans
    plan_id: Mapped[str]
    client_id: Mapped[str]
    staff_id: Mapped[str]
    at: Mapped[dt.datetime]
    kind: Mapped[str]
    plan_ref: Mapped[str | None]


class Archive(Base):
    __tablename__ = "archives"
    __table__ = tables.archives
    client_id: Mapped[str]
    created_on: Mapped[dt.date]
    created_by: Mapped[str]
    sealed_on: Mapped[dt.date | None]


class Survey(Base):
    __tablename__ = "surveys"
    __table__ = tables.surveys
    client_id: Mapped[str]
    staff_id: Mapped[str]
    at: Mapped[dt.datetime]
    score: Mapped[Decimal]


class Training(Base):
    __tablename__ = "trainings"
    __table__ = tables.trainings
    staff_id: Mapped[str]
    course: Mapped[str]
    period_start: Mapped[dt.date]
    hours_required: Mapped[Decimal]
    hours_done: Mapped[Decimal]
    score: Mapped[Decimal | None]


class Certificate(Base):
    __tablename__ = "certificates"
    __table__ = tables.certificates
    staff_id: Mapped[str]
    name: Mapped[str]
    obtained_on: Mapped[dt.date]
    expires_on: Mapped[dt.date | None]


class Reward(Base):
    __tablename__ = "rewards"
    __table__ = tables.rewards
    staff_id: Mapped[str]
    on: Mapped[dt.date]
    reason: Mapped[str]
    kind: Mapped[str]
    points: Mapped[Decimal]


class Login(Base):
    __tablename__ = "logins"
    __table__ = tables.logins
    staff_id: Mapped[str]
    login_at: Mapped[dt.datetime]
    logout_at: Mapped[dt.datetime | None]
    source: Mapped[str | None]


class InfoUpdate(Base):
    __tablename__ = "info_updates"
    __table__ = tables.info_updates
    staff_id: Mapped[str]
    client_id: Mapped[str]
    at: Mapped[dt.datetime]
    field_group: Mapped[str]


class WorkItem(Base):
    __tablename__ = "work_items"
    __table__ = tables.work_items
    item_id: Mapped[str]
    staff_id: Mapped[str]
    client_id: Mapped[str | None]
    kind: Mapped[str]
    created_at: Mapped[dt.datetime]
    due_at: Mapped[dt.datetime | None]
    done_at: Mapped[dt.datetime | None]
    status: Mapped[str]
    amount: Mapped[Decimal | None]


class AccountEvent(Base):
    __tablename__ = "account_events"
    __table__ = tables.account_events
    client_id: Mapped[str]
    at: Mapped[dt.datetime]
    kind: Mapped[str]
    amount: Mapped[Decimal | None]


class AccountOpening(Base):
    __tablename__ = "account_openings"
    __table__ = tables.account_openings
    opening_id: Mapped[str]
    client_id: Mapped[str]
    staff_id: Mapped[str]
    org_id: Mapped[str]
    opened_at: Mapped[dt.datetime]
    assets_at_opening: Mapped[Decimal]
    approval_ref: Mapped[str | None]
    approved_on: Mapped[dt.date | None]
    kyc_at: Mapped[dt.datetime | None]
    risk_assessed_at: Mapped[dt.datetime | None]


class RiskAssessment(Base):
    __tablename__ = "risk_assessments"
    __table__ = tables.risk_assessments
    client_id: Mapped[str]
    assessed_on: Mapped[dt.date]
    risk_level: Mapped[str]
    staff_id: Mapped[str | None]


class CareDate(Base):
    __tablename__ = "care_dates"
    __table__ = tables.care_dates
    client_id: Mapped[str]
    kind: Mapped[str]
    month_day: Mapped[str]
    label: Mapped[str]


class Setting(Base):
    __tablename__ = "settings"
    __table__ = tables.settings
    name: Mapped[str]
    value: Mapped[str]
    updated_at: Mapped[dt.datetime | None]
    updated_by: Mapped[str | None]


class CalendarDay(Base):
    __tablename__ = "calendar_days"
    __table__ = tables.calendar_days
    day: Mapped[dt.date]
    is_workday: Mapped[bool]
    workday_seq: Mapped[int]


class ImportBatch(Base):
    __tablename__ = "import_history"
    __table__ = tables.import_history
    batch_id: Mapped[str]
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    as_of: Mapped[dt.date]
    username: Mapped[str | None]
    source: Mapped[str | None]
    status: Mapped[str]
    files: Mapped[str]
    rows_read: Mapped[int]
    rows_rejected: Mapped[int]


class User(Base):
    __tablename__ = "users"
    __table__ = tables.users
    username: Mapped[str]
    role: Mapped[str]
    org_id: Mapped[str | None]
    staff_id: Mapped[str | None]
    display_name: Mapped[str | None]
    email: Mapped[str | None]
    password_hash: Mapped[str | None]
    active: Mapped[bool]
    may_unmask: Mapped[bool]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime | None]


class SigninAttempt(Base):
    __tablename__ = "signin_attempts"
    __table__ = tables.signin_attempts
    attempt_id: Mapped[str]
    username: Mapped[str]
    at: Mapped[dt.datetime]
    success: Mapped[bool]


class AuditEvent(Base):
    __tablename__ = "audit_log"
    __table__ = tables.audit_log
    event_id: Mapped[str]
    at: Mapped[dt.datetime]
    username: Mapped[str | None]
    action: Mapped[str]
    target: Mapped[str | None]
    detail: Mapped[str | None]
    seq: Mapped[int | None]
    prev_hash: Mapped[str | None]
    row_hash: Mapped[str | None]


class AuditHead(Base):
    __tablename__ = "audit_head"
    __table__ = tables.audit_head
    chain: Mapped[str]
    seq: Mapped[int]
    row_hash: Mapped[str]


class SigninGate(Base):
    __tablename__ = "signin_gate"
    __table__ = tables.signin_gate
    username: Mapped[str]
    touched_at: Mapped[dt.datetime | None]


class WebSession(Base):
    __tablename__ = "web_sessions"
    __table__ = tables.web_sessions
    session_hash: Mapped[str]
    username: Mapped[str]
    created_at: Mapped[dt.datetime]
    last_seen: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    claim_hash: Mapped[str | None]
    claim_until: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    ended_why: Mapped[str | None]


class ServerSecret(Base):
    __tablename__ = "server_secrets"
    __table__ = tables.server_secrets
    name: Mapped[str]
    value: Mapped[str]
    created_at: Mapped[dt.datetime]


class StoredResult(Base):
    __tablename__ = "stored_results"
    __table__ = tables.stored_results
    result_key: Mapped[str]
    data_version: Mapped[str]
    payload: Mapped[bytes]
    computed_at: Mapped[dt.datetime]
    seconds: Mapped[Decimal | None]


class Scheme(Base):
    __tablename__ = "schemes"
    __table__ = tables.schemes
    scheme_id: Mapped[str]
    version: Mapped[int]
    name: Mapped[str]
    org_id: Mapped[str | None]
    role: Mapped[str]
    cycle: Mapped[str]
    period: Mapped[str | None]
    status: Mapped[str]
    items: Mapped[str]
    grades: Mapped[str | None]
    created_by: Mapped[str | None]
    created_at: Mapped[dt.datetime]
    published_at: Mapped[dt.datetime | None]


class Snapshot(Base):
    __tablename__ = "snapshots"
    __table__ = tables.snapshots
    snapshot_id: Mapped[str]
    kind: Mapped[str]
    scheme_id: Mapped[str | None]
    scheme_version: Mapped[int | None]
    period: Mapped[str]
    level: Mapped[str]
    scope: Mapped[str]
    settings: Mapped[str]
    batches: Mapped[str]
    content: Mapped[str]
    sha256: Mapped[str]
    created_by: Mapped[str | None]
    created_at: Mapped[dt.datetime]


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table__ = tables.subscriptions
    subscription_id: Mapped[str]
    username: Mapped[str]
    created_by: Mapped[str]
    kind: Mapped[str]
    target: Mapped[str]
    format: Mapped[str | None]
    frequency: Mapped[str]
    active: Mapped[bool]
    alert_state: Mapped[str | None]
    created_at: Mapped[dt.datetime]


class Delivery(Base):
    __tablename__ = "deliveries"
    __table__ = tables.deliveries
    delivery_id: Mapped[str]
    subscription_id: Mapped[str]
    due_key: Mapped[str]
    username: Mapped[str]
    status: Mapped[str]
    channel: Mapped[str | None]
    detail: Mapped[str | None]
    at: Mapped[dt.datetime]


class ResultPublication(Base):
    __tablename__ = "result_publications"
    __table__ = tables.result_publications
    publication_id: Mapped[str]
    scheme_id: Mapped[str]
    scheme_version: Mapped[int]
    period: Mapped[str]
    org_id: Mapped[str | None]
    role: Mapped[str]
    state: Mapped[str]
    published_by: Mapped[str | None]
    published_at: Mapped[dt.datetime]
    signed_off_by: Mapped[str | None]
    signed_off_at: Mapped[dt.datetime | None]


class ResultVersion(Base):
    __tablename__ = "result_versions"
    __table__ = tables.result_versions
    publication_id: Mapped[str]
    version: Mapped[int]
    scheme_version: Mapped[int]
    snapshot_id: Mapped[str]
    previous_snapshot_id: Mapped[str | None]
    population: Mapped[int]
    reason: Mapped[str | None]
    changed: Mapped[str | None]
    seq: Mapped[int]
    created_by: Mapped[str | None]
    created_at: Mapped[dt.datetime]


class ResultResponse(Base):
    __tablename__ = "result_responses"
    __table__ = tables.result_responses
    response_id: Mapped[str]
    publication_id: Mapped[str]
    staff_id: Mapped[str]
    kind: Mapped[str]
    kpi: Mapped[str | None]
    message: Mapped[str | None]
    result_version: Mapped[int]
    seq: Mapped[int]
    created_by: Mapped[str | None]
    created_at: Mapped[dt.datetime]
    answer: Mapped[str | None]
    outcome: Mapped[str | None]
    answered_by: Mapped[str | None]
    answered_at: Mapped[dt.datetime | None]
    answered_seq: Mapped[int | None]


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
