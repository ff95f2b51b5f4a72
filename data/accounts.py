"""Sign-in accounts: Argon2id password hashes, throttling and lockout, account management.

No Streamlit here: the sign-in page (`ui/auth.py`), the command line (`python -m data users`) and
the tests all go through these functions.

Throttling is per username (whether or not the account exists, so the answers do not tell an
attacker which usernames are real):

- after n failures in the window, the next attempt is accepted only `delay_after(n)` seconds after
  the last failure (1, 2, 4, 8, 16, 30, 30 ... s); `authenticate` returns that delay for the UI to
  wait, instead of sleeping itself, so a test needs no sleep and a parallel attacker gains nothing;
- 10 failures within 15 minutes lock the username until the oldest of those 10 leaves the window.

The check and the count are one step in the database: a sign-in first updates the username's row
in `signin_gate`, in the same transaction that reads the failures and records the attempt. On
PostgreSQL a parallel attempt waits on that row lock and then sees the failure just recorded; on
DuckDB it is refused with a write conflict and answered "wait", its password never checked. So 30
simultaneous guesses get one password checked, not one each (`sign_in`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import sys
import uuid
from dataclasses import dataclass
from typing import TextIO

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.exc import DBAPIError, IntegrityError

from data import audit, sessions
from data.schema import OrgUnit, SigninAttempt, SigninGate, Staff, User
from data.stores import facts_of  # the org units and staff are facts (WEALTH_FACTS_URL)

ROLES = ("director", "head", "planner", "advisor")
HEAD_ORG_KINDS = ("sub_branch", "branch")
LOCKOUT_FAILURES = 10
LOCKOUT_WINDOW = dt.timedelta(minutes=15)
MAX_DELAY_SECONDS = 30.0
MIN_PASSWORD_LENGTH = 10
# Argon2 cost grows with the input; a megabyte "password" must not tie up a worker.
MAX_PASSWORD_LENGTH = 1024
ADMIN_PASSWORD_ENV = "WEALTH_ADMIN_PASSWORD"
FIRST_DIRECTOR = "director"

# The same words whether the username is unknown or the password wrong (no user enumeration).
BAD_CREDENTIALS = "Wrong username or password."
LOCKED = "Too many failed sign-ins: this account is locked for {minutes} more minute(s)."
THROTTLED = "Too many failed sign-ins: wait {seconds} second(s) and try again."

# argon2-cffi's defaults are RFC 9106's low-memory profile (Argon2id, t=3, m=64 MiB, p=4), which
# is stronger than OWASP's minimum (t=2, m=19 MiB, p=1). Spelled out so a library upgrade that
# changed its defaults could not silently weaken them.
HASHER = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4, hash_len=32, salt_len=16)
# Verified against when the username is unknown, so both answers take the same time.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))

_USERNAME_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")


class AccountError(ValueError):
    """A refused account operation (bad role, unknown org unit, weak password ...)."""


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    org_id: str | None
    staff_id: str | None
    display_name: str
    email: str | None
    active: bool
    may_unmask: bool
    has_password: bool


@dataclass(frozen=True)
class AuthResult:
    ok: bool
    message: str
    # Seconds the UI should wait before answering (and before the next attempt is accepted).
    delay: float = 0.0
    locked: bool = False
    account: Account | None = None


# --- passwords -------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    check_password(password)
    return HASHER.hash(password)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"a password may have at most {MAX_PASSWORD_LENGTH} characters")


def _verify(stored: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _now() -> dt.datetime:
    # Local wall-clock time without zone, like every timestamp of the contract. A function so a
    # test can move the clock instead of sleeping.
    return dt.datetime.now()


def delay_after(failures: int) -> float:
    """Seconds to wait after the n-th failure in the window: 1, 2, 4, ... capped at 30."""
    if failures <= 0:
        return 0.0
    return min(float(2 ** (failures - 1)), MAX_DELAY_SECONDS)


# --- reading accounts ------------------------------------------------------------------------


def _account(row: object) -> Account:
    m = row._mapping  # type: ignore[attr-defined]
    return Account(
        username=m["username"],
        role=m["role"],
        org_id=m["org_id"],
        staff_id=m["staff_id"],
        display_name=m["display_name"] or m["username"],
        email=m["email"],
        active=bool(m["active"]),
        may_unmask=bool(m["may_unmask"]),
        has_password=m["password_hash"] is not None,
    )


_USER_COLUMNS = (
    "username",
    "role",
    "org_id",
    "staff_id",
    "display_name",
    "email",
    "password_hash",
    "active",
    "may_unmask",
)


def _select_users():  # type: ignore[no-untyped-def]
    return select(*(getattr(User, c) for c in _USER_COLUMNS))


def find_account(conn: Connection, username: str) -> Account | None:
    row = conn.execute(_select_users().where(User.username == username)).first()
    return None if row is None else _account(row)


def find_account_by_email(conn: Connection, email: str) -> Account | None:
    """The active account whose email is `email` (case-insensitive), for single sign-on."""
    if not email:
        return None
    rows = conn.execute(
        _select_users().where(func.lower(User.email) == email.strip().lower(), User.active)
    ).all()
    # Two accounts sharing an email would make the mapping ambiguous: refuse rather than guess.
    return _account(rows[0]) if len(rows) == 1 else None


def list_accounts(conn: Connection) -> pd.DataFrame:
    """Every account, without password hashes."""
    rows = conn.execute(
        select(
            User.username,
            User.role,
            User.org_id,
            User.staff_id,
            User.display_name,
            User.email,
            User.active,
            User.may_unmask,
            User.created_at,
            User.updated_at,
        ).order_by(User.username)
    ).all()
    columns = [
        "username",
        "role",
        "org_id",
        "staff_id",
        "display_name",
        "email",
        "active",
        "may_unmask",
        "created_at",
        "updated_at",
    ]
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def assignable_orgs(conn: Connection) -> list[tuple[str, str]]:
    """(org_id, name) of the units a head may be given."""
    rows = (
        facts_of(conn)
        .execute(
            select(OrgUnit.org_id, OrgUnit.name)
            .where(OrgUnit.kind.in_(HEAD_ORG_KINDS))
            .order_by(OrgUnit.org_id)
        )
        .all()
    )
    return [(r[0], r[1]) for r in rows]


def assignable_staff(conn: Connection, role: str) -> list[tuple[str, str]]:
    """(staff_id, name) of the staff a planner or advisor account may be given."""
    rows = (
        facts_of(conn)
        .execute(
            select(Staff.staff_id, Staff.name)
            .where(Staff.role == role, Staff.left_on.is_(None))
            .order_by(Staff.staff_id)
        )
        .all()
    )
    return [(r[0], r[1]) for r in rows]


def count_accounts(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(User)).scalar() or 0)


# --- managing accounts -----------------------------------------------------------------------


def check_username(username: str) -> None:
    # Any printable text is allowed (names like O'Donnell must work; every query binds it as a
    # parameter), but not control characters, edge spaces or more than the column holds.
    if not username or username != username.strip():
        raise AccountError("a username may not be empty or start or end with a space")
    if len(username) > 64:
        raise AccountError("a username may have at most 64 characters")
    if _USERNAME_FORBIDDEN.search(username):
        raise AccountError("a username may not contain control characters")


def check_role(
    conn: Connection, role: str, org_id: str | None, staff_id: str | None
) -> tuple[str | None, str | None]:
    """The (org_id, staff_id) this role keeps, after checking them against the org and staff."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    if role == "director":
        if org_id or staff_id:
            raise AccountError("a director sees everything: give no --org or --staff")
        return None, None
    if role == "head":
        if not org_id or staff_id:
            raise AccountError("a head needs --org (their sub-branch) and no --staff")
        kind = facts_of(conn).execute(select(OrgUnit.kind).where(OrgUnit.org_id == org_id)).scalar()
        if kind is None:
            raise AccountError(f"unknown org unit {org_id!r}")
        if kind not in HEAD_ORG_KINDS:
            raise AccountError(f"org unit {org_id!r} is a {kind}, not a sub-branch or branch")
        return org_id, None
    if not staff_id or org_id:
        raise AccountError(f"a {role} needs --staff (their staff id) and no --org")
    staff_role = (
        facts_of(conn).execute(select(Staff.role).where(Staff.staff_id == staff_id)).scalar()
    )
    if staff_role is None:
        raise AccountError(f"unknown staff id {staff_id!r}")
    if staff_role != role:
        raise AccountError(f"staff {staff_id!r} is a {staff_role}, not a {role}")
    return None, staff_id


def create_user(
    conn: Connection,
    username: str,
    role: str,
    org_id: str | None = None,
    staff_id: str | None = None,
    *,
    password: str | None,
    display_name: str | None = None,
    email: str | None = None,
    may_unmask: bool = False,
    by: str | None = None,
) -> Account:
    """A new active account. `password=None` makes a single-sign-on-only account (needs an
    email); there is never a default password."""
    check_username(username)
    org_id, staff_id = check_role(conn, role, org_id, staff_id)
    if password is None and not email:
        raise AccountError("an account needs a password, or an email for single sign-on")
    if find_account(conn, username) is not None:
        raise AccountError(f"user {username!r} already exists")
    now = dt.datetime.now()
    conn.execute(
        insert(User).values(
            username=username,
            role=role,
            org_id=org_id,
            staff_id=staff_id,
            display_name=display_name or None,
            email=(email or "").strip() or None,
            password_hash=None if password is None else hash_password(password),
            active=True,
            may_unmask=bool(may_unmask),
            created_at=now,
            updated_at=None,
        )
    )
    audit.record(
        conn,
        by,
        audit.USER_ADD,
        username,
        {"role": role, "org_id": org_id, "staff_id": staff_id, "may_unmask": bool(may_unmask)},
    )
    account = find_account(conn, username)
    assert account is not None
    return account


def _require(conn: Connection, username: str) -> Account:
    account = find_account(conn, username)
    if account is None:
        raise AccountError(f"unknown user {username!r}")
    return account


def set_active(conn: Connection, username: str, active: bool, *, by: str | None = None) -> None:
    """Disable (or re-enable) an account; a signed-in user is signed out at their next rerun."""
    _require(conn, username)
    if not active and by == username:
        raise AccountError("you cannot disable your own account")
    if not active:
        _refuse_removing_last_director(conn, username)
    conn.execute(
        update(User)
        .where(User.username == username)
        .values(active=bool(active), updated_at=dt.datetime.now())
    )
    if not active:  # signed out everywhere at once, and no cookie of theirs resumes
        sessions.end_all(conn, username, sessions.DISABLED)
    audit.record(conn, by, audit.USER_ENABLE if active else audit.USER_DISABLE, username)


def set_role(
    conn: Connection,
    username: str,
    role: str,
    org_id: str | None = None,
    staff_id: str | None = None,
    *,
    by: str | None = None,
) -> None:
    before = _require(conn, username)
    org_id, staff_id = check_role(conn, role, org_id, staff_id)
    if before.role == "director" and role != "director":
        _refuse_removing_last_director(conn, username)
    conn.execute(
        update(User)
        .where(User.username == username)
        .values(role=role, org_id=org_id, staff_id=staff_id, updated_at=dt.datetime.now())
    )
    audit.record(
        conn,
        by,
        audit.USER_ROLE,
        username,
        {"from": before.role, "role": role, "org_id": org_id, "staff_id": staff_id},
    )


def set_may_unmask(
    conn: Connection, username: str, may_unmask: bool, *, by: str | None = None
) -> None:
    _require(conn, username)
    conn.execute(
        update(User)
        .where(User.username == username)
        .values(may_unmask=bool(may_unmask), updated_at=dt.datetime.now())
    )
    audit.record(conn, by, audit.USER_ROLE, username, {"may_unmask": bool(may_unmask)})


def set_password(conn: Connection, username: str, password: str, *, by: str | None = None) -> None:
    _require(conn, username)
    conn.execute(
        update(User)
        .where(User.username == username)
        .values(password_hash=hash_password(password), updated_at=dt.datetime.now())
    )
    # Whoever knew the old password is signed out, and their session cookies are dead.
    sessions.end_all(conn, username, sessions.PASSWORD)
    audit.record(conn, by, audit.USER_PASSWORD, username)


def _refuse_removing_last_director(conn: Connection, username: str) -> None:
    others = conn.execute(
        select(func.count())
        .select_from(User)
        .where(User.role == "director", User.active, User.username != username)
    ).scalar()
    account = find_account(conn, username)
    if account is not None and account.role == "director" and account.active and not others:
        raise AccountError("this is the last active director: add another one first")


# --- signing in ------------------------------------------------------------------------------


def _recent_failures(conn: Connection, username: str, now: dt.datetime) -> list[dt.datetime]:
    """Failure times in the window after the last success, newest first."""
    since = now - LOCKOUT_WINDOW
    last_success = conn.execute(
        select(func.max(SigninAttempt.at)).where(
            SigninAttempt.username == username,
            SigninAttempt.success,
            SigninAttempt.at >= since,
        )
    ).scalar()
    start = max(since, last_success) if last_success is not None else since
    rows = conn.execute(
        select(SigninAttempt.at)
        .where(
            SigninAttempt.username == username,
            ~SigninAttempt.success,
            SigninAttempt.at >= start,
            SigninAttempt.at <= now,
        )
        .order_by(SigninAttempt.at.desc())
        .limit(LOCKOUT_FAILURES)
    ).all()
    return [r[0] for r in rows]


def _note_attempt(conn: Connection, username: str, now: dt.datetime, success: bool) -> None:
    conn.execute(
        insert(SigninAttempt).values(
            attempt_id=str(uuid.uuid4()), username=username[:200], at=now, success=success
        )
    )


def _gate_row(username: str):  # type: ignore[no-untyped-def]
    # PostgreSQL's INSERT .. ON CONFLICT DO NOTHING, which DuckDB speaks too.
    return upsert(SigninGate).values(username=username, touched_at=None).on_conflict_do_nothing()


def _is_write_conflict(exc: DBAPIError) -> bool:
    # DuckDB: "Conflict on update", or a duplicate gate row from a parallel first attempt.
    text = str(exc.orig).lower()
    return "conflict" in text or "duplicate key" in text or "primary key" in text


def _enter_gate(conn: Connection, username: str) -> None:
    """Take the username's gate row for this transaction (see the module docstring)."""
    known = conn.execute(select(SigninGate.username).where(SigninGate.username == username)).first()
    if known is None:
        # First attempt for this name (`sign_in` creates the row beforehand; a direct caller of
        # `authenticate` may not have).
        conn.execute(_gate_row(username))
    conn.execute(
        update(SigninGate).where(SigninGate.username == username).values(touched_at=_now())
    )


def sign_in(
    engine: Engine, username: str, password: str, now: dt.datetime | None = None
) -> AuthResult:
    """`authenticate` in its own transaction, for the sign-in form: a parallel attempt for the
    same username that DuckDB refuses with a write conflict is answered "wait" (never checked)."""
    name = username.strip()[:200]
    try:
        # The gate row exists before the attempt's transaction starts, so two first attempts
        # cannot each create (and hold) a row of their own.
        with engine.begin() as conn:
            conn.execute(_gate_row(name))
    except DBAPIError as exc:
        if not _is_write_conflict(exc):
            raise
    try:
        with engine.begin() as conn:
            return authenticate(conn, username, password, now)
    except DBAPIError as exc:
        if not _is_write_conflict(exc):
            raise
        return AuthResult(False, THROTTLED.format(seconds=1), 1.0)


def authenticate(
    conn: Connection, username: str, password: str, now: dt.datetime | None = None
) -> AuthResult:
    """Check a sign-in. Records the attempt and its audit event in `conn`'s transaction, which
    this starts by taking the username's gate row (parallel attempts wait or are refused)."""
    username = username.strip()[:200]
    _enter_gate(conn, username)
    # Read the clock once the gate is ours: a PostgreSQL attempt that waited must see the failure
    # recorded while it waited as already past.
    now = now or _now()
    password = password[:MAX_PASSWORD_LENGTH]
    failures = _recent_failures(conn, username, now)
    if len(failures) >= LOCKOUT_FAILURES:
        # Locked attempts are not counted as failures, so the lock ends when the window passes
        # even if someone keeps hammering; the password is not even checked.
        until = failures[LOCKOUT_FAILURES - 1] + LOCKOUT_WINDOW
        minutes = max(1, -(-int((until - now).total_seconds()) // 60))
        audit.record(conn, username, audit.SIGNIN_LOCKED, username, now=now)
        return AuthResult(False, LOCKED.format(minutes=minutes), 0.0, locked=True)
    if failures:
        ready = failures[0] + dt.timedelta(seconds=delay_after(len(failures)))
        if now < ready:
            wait = (ready - now).total_seconds()
            return AuthResult(False, THROTTLED.format(seconds=max(1, round(wait))), wait)

    account = find_account(conn, username) if username else None
    stored = None
    if account is not None and account.active:
        stored = conn.execute(select(User.password_hash).where(User.username == username)).scalar()
    ok = _verify(stored, password)
    _note_attempt(conn, username, now, ok)
    if ok and account is not None:
        assert stored is not None
        if HASHER.check_needs_rehash(stored):
            conn.execute(
                update(User)
                .where(User.username == username)
                .values(password_hash=HASHER.hash(password))
            )
        audit.record(conn, username, audit.SIGNIN, username, now=now)
        return AuthResult(True, "", 0.0, account=account)

    count = len(failures) + 1
    audit.record(conn, username, audit.SIGNIN_FAILED, username, {"failures": count}, now=now)
    if count >= LOCKOUT_FAILURES:
        minutes = int(LOCKOUT_WINDOW.total_seconds() // 60)
        return AuthResult(False, LOCKED.format(minutes=minutes), 0.0, locked=True)
    return AuthResult(False, BAD_CREDENTIALS, delay_after(count))


# --- first start -----------------------------------------------------------------------------


def ensure_first_director(engine: Engine, *, out: TextIO | None = None) -> str | None:
    """On a database without accounts, create `director`.

    The password is `$WEALTH_ADMIN_PASSWORD` when set, else a random one printed once on the
    console (and never stored in clear anywhere). Returns the printed password, or None when
    nothing was printed (accounts exist, or the password came from the environment).
    """
    with engine.connect() as conn:
        if count_accounts(conn):
            return None
    from_env = os.environ.get(ADMIN_PASSWORD_ENV) or None
    password = from_env or secrets.token_urlsafe(15)
    try:
        with engine.begin() as conn:
            if count_accounts(conn):
                return None
            create_user(
                conn,
                FIRST_DIRECTOR,
                "director",
                password=password,
                display_name="Director",
                may_unmask=True,
                by="(first start)",
            )
    except IntegrityError:
        # Another process (the dashboard and the command line starting together) won the race.
        return None
    if from_env:
        return None
    stream = out or sys.stderr
    print(
        "\n".join(
            (
                "=" * 64,
                f"First start: created the account {FIRST_DIRECTOR!r} with the password",
                f"    {password}",
                "It is shown only this once. Sign in and change it, or run",
                f"    python -m data users set-password {FIRST_DIRECTOR} --password-stdin",
                "=" * 64,
            )
        ),
        file=stream,
        flush=True,
    )
    return password
