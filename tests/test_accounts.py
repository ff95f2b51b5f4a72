"""Accounts: Argon2id hashes, throttling and lockout, first director, `python -m data users`."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data import accounts, audit
from data.accounts import (
    BAD_CREDENTIALS,
    LOCKOUT_FAILURES,
    AccountError,
    authenticate,
    create_user,
    ensure_first_director,
)
from data.schema import AuditEvent, SigninAttempt, User
from tests.golden_data import insert_golden

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"
T0 = dt.datetime(2026, 3, 2, 9, 0, 0)


@pytest.fixture
def golden(engine: Engine) -> Engine:
    with engine.begin() as conn:
        insert_golden(conn)
        create_user(conn, "boss", "director", password=PASSWORD)
    return engine


def attempt(engine: Engine, username: str, password: str, now: dt.datetime) -> accounts.AuthResult:
    with engine.begin() as conn:
        return authenticate(conn, username, password, now=now)


def test_hash_is_argon2id_with_owasp_parameters_or_stronger(golden: Engine) -> None:
    with golden.connect() as conn:
        stored = conn.execute(select(User.password_hash).where(User.username == "boss")).scalar()
    assert stored is not None and PASSWORD not in stored
    match = re.fullmatch(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[^$]+\$[^$]+", stored)
    assert match, stored
    memory, time_cost, parallelism = map(int, match.groups())
    assert memory >= 19456 and time_cost >= 2 and parallelism >= 1
    # Two hashes of one password differ (a random salt each).
    assert accounts.hash_password(PASSWORD) != accounts.hash_password(PASSWORD)


def test_200_wrong_passwords_lock_at_attempt_10_with_growing_delays(golden: Engine) -> None:
    now = T0
    results = []
    with golden.connect() as conn:  # one connection: opening a DuckDB file 200 times is slow
        for _ in range(200):
            with conn.begin():
                result = authenticate(conn, "boss", "wrong password!", now=now)
            results.append(result)
            # The next try comes as soon as the delay allows (a patient attacker).
            now += dt.timedelta(seconds=max(result.delay, 1.0))
    assert not any(r.ok for r in results)
    first_lock = next(i for i, r in enumerate(results) if r.locked) + 1
    assert first_lock == LOCKOUT_FAILURES == 10
    assert all(r.locked for r in results[9:])
    assert all(r.message == BAD_CREDENTIALS for r in results[:9])
    delays = [r.delay for r in results[:9]]
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0, 30.0]
    assert all(a <= b for a, b in zip(delays, delays[1:], strict=False))
    # Everything above happened within the 15-minute window.
    assert now - T0 < accounts.LOCKOUT_WINDOW

    # Locked: even the right password is refused, without being checked.
    assert attempt(golden, "boss", PASSWORD, now).locked
    with golden.connect() as conn:
        failures = conn.execute(
            select(func.count()).select_from(SigninAttempt).where(~SigninAttempt.success)
        ).scalar()
        audited = audit.search(conn, username="boss")
    assert failures == 10  # refused-while-locked attempts do not extend the lock
    assert (audited["action"] == audit.SIGNIN_FAILED).sum() == 10
    assert (audited["action"] == audit.SIGNIN_LOCKED).sum() == 191

    # The lock ends when the first of the 10 failures leaves the 15-minute window.
    just_before = T0 + accounts.LOCKOUT_WINDOW - dt.timedelta(seconds=1)
    assert attempt(golden, "boss", PASSWORD, just_before).locked
    after = T0 + accounts.LOCKOUT_WINDOW + dt.timedelta(seconds=1)
    result = attempt(golden, "boss", PASSWORD, after)
    assert result.ok and result.account is not None and result.account.role == "director"


def test_unknown_user_and_wrong_password_answer_alike(golden: Engine) -> None:
    wrong = attempt(golden, "boss", "not the password", T0)
    unknown = attempt(golden, "nobody", "not the password", T0)
    assert (wrong.ok, wrong.message, wrong.delay) == (unknown.ok, unknown.message, unknown.delay)
    assert wrong.message == BAD_CREDENTIALS
    # An unknown username locks too, so the lock does not reveal which names exist.
    now = T0 + dt.timedelta(seconds=1)
    for _ in range(LOCKOUT_FAILURES - 1):
        result = attempt(golden, "nobody", "x", now)
        now += dt.timedelta(seconds=max(result.delay, 1.0))
    assert result.locked
    with golden.connect() as conn:
        assert audit.search(conn, action=audit.SIGNIN_FAILED, username="nobody").shape[0] == 10


def test_a_disabled_account_cannot_sign_in(golden: Engine) -> None:
    with golden.begin() as conn:
        create_user(conn, "p1", "planner", staff_id="P1", password=PASSWORD)
        accounts.set_active(conn, "p1", False, by="boss")
    result = attempt(golden, "p1", PASSWORD, T0)
    assert not result.ok and result.message == BAD_CREDENTIALS


def test_an_early_retry_is_refused_and_a_success_resets_the_count(golden: Engine) -> None:
    assert attempt(golden, "boss", "wrong one", T0).delay == 1.0
    early = attempt(golden, "boss", PASSWORD, T0 + dt.timedelta(milliseconds=500))
    assert not early.ok and "wait" in early.message and 0 < early.delay <= 0.5
    assert attempt(golden, "boss", PASSWORD, T0 + dt.timedelta(seconds=1)).ok
    # After a success the count starts again: the next failure waits 1 s, not 2 s.
    assert attempt(golden, "boss", "wrong", T0 + dt.timedelta(seconds=2)).delay == 1.0


def test_first_director_password_printed_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(accounts.ADMIN_PASSWORD_ENV, raising=False)
    password = ensure_first_director(engine)
    assert password and len(password) >= 16
    printed = capsys.readouterr().err
    assert printed.count(password) == 1 and "director" in printed
    assert ensure_first_director(engine) is None
    assert capsys.readouterr().err == ""
    assert attempt(engine, "director", password, T0).ok
    with engine.connect() as conn:
        stored = conn.execute(select(User.password_hash)).scalar()
        details = " ".join(str(d) for d in conn.execute(select(AuditEvent.detail)).scalars())
    assert stored is not None and password not in stored and password not in details


def test_first_director_password_from_the_environment(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(accounts.ADMIN_PASSWORD_ENV, "from the environment 42")
    assert ensure_first_director(engine) is None
    assert "from the environment 42" not in capsys.readouterr().err
    assert attempt(engine, "director", "from the environment 42", T0).ok


def test_never_a_default_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from data.db import upgrade
    from data.engine import make_engine

    monkeypatch.delenv(accounts.ADMIN_PASSWORD_ENV, raising=False)
    passwords = set()
    for name in ("a", "b"):
        eng = make_engine(f"duckdb:///{tmp_path / name}.duckdb")
        upgrade(eng)
        passwords.add(ensure_first_director(eng, out=io.StringIO()))
        eng.dispose()
    assert len(passwords) == 2 and None not in passwords


@pytest.mark.parametrize(
    ("username", "role", "org", "staff", "words"),
    [
        ("h", "head", "NOPE", None, "unknown org unit"),
        ("h", "head", None, None, "needs --org"),
        ("p", "planner", None, "A1", "is a advisor"),
        ("p", "advisor", None, "ZZ", "unknown staff id"),
        ("d", "director", "SB1", None, "no --org"),
        ("x", "auditor", None, None, "unknown role"),
        ("boss", "director", None, None, "already exists"),
        (" padded", "director", None, None, "space"),
    ],
)
def test_refused_accounts(
    golden: Engine, username: str, role: str, org: str | None, staff: str | None, words: str
) -> None:
    with golden.begin() as conn, pytest.raises(AccountError, match=words):
        create_user(conn, username, role, org_id=org, staff_id=staff, password=PASSWORD)


def test_roles_and_the_last_director(golden: Engine) -> None:
    with golden.begin() as conn:
        create_user(conn, "h1", "head", org_id="SB1", password=PASSWORD)
        create_user(conn, "brh", "head", org_id="BR", password=PASSWORD)  # a branch head
        with pytest.raises(AccountError, match="at least"):
            create_user(conn, "short", "director", password="short")
        with pytest.raises(AccountError, match="last active director"):
            accounts.set_active(conn, "boss", False, by="h1")
        with pytest.raises(AccountError, match="last active director"):
            accounts.set_role(conn, "boss", "head", org_id="SB1")
        accounts.set_role(conn, "h1", "planner", staff_id="P1", by="boss")
        moved = accounts.find_account(conn, "h1")
        assert moved is not None and (moved.role, moved.org_id, moved.staff_id) == (
            "planner",
            None,
            "P1",
        )
        listed = accounts.list_accounts(conn)
    assert "password_hash" not in listed.columns
    assert list(listed["username"]) == ["boss", "brh", "h1"]


def run_users(
    *args: str, stdin: str = "", capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """`python -m data users ...` in this process (a subprocess costs a second each)."""
    from data.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        code = main(["users", *args])
    except SystemExit as exc:  # argparse's refusals
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_users_command_line(
    golden: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = golden.url.render_as_string(hide_password=False)

    def run(*args: str, stdin: str = PASSWORD + "\n") -> tuple[int, str, str]:
        return run_users(*args, "--db", url, stdin=stdin, capsys=capsys, monkeypatch=monkeypatch)

    code, _, err = run(
        "add", "--username", "head1", "--role", "head", "--org", "SB1", "--password-stdin"
    )
    assert code == 0, err
    assert attempt(golden, "head1", PASSWORD, T0).ok
    for args, words in [
        (("add", "--username", "x", "--role", "head", "--org", "NOPE", "--password-stdin"), "unknown org unit"),
        (("add", "--username", "x", "--role", "planner", "--staff", "H1", "--password-stdin"), "not a planner"),
        (("add", "--username", "x", "--role", "boss", "--password-stdin"), "invalid choice"),
        (("add", "--username", "x", "--role", "director"), "--password-stdin"),
        (("disable", "nobody"), "unknown user"),
    ]:  # fmt: skip
        code, out, err = run(*args)
        assert code == 2, (args, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and words in lines[0] and "Traceback" not in err, err
    assert run("disable", "head1")[0] == 0
    assert not attempt(golden, "head1", PASSWORD, T0 + dt.timedelta(minutes=1)).ok
    code, out, _ = run("list")
    assert code == 0 and "argon2" not in out
    # username, role, org_id, staff_id (none: empty, never "nan"), active, may_unmask, email (none)
    assert "head1\thead\tSB1\t\tFalse\tFalse\t" in out.splitlines(), out
    assert "nan" not in out.split(), out
    assert run("set-password", "boss", "--password-stdin", stdin="new pw 1234567\n")[0] == 0
    assert attempt(golden, "boss", "new pw 1234567", T0 + dt.timedelta(minutes=2)).ok


def test_users_add_in_a_subprocess(tmp_path: Path) -> None:
    """The real entry point: the password comes on stdin, the refusal is one line."""
    url = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    command = [sys.executable, "-m", "data", "users", "add", "--username", "boss", "--role"]
    ok = subprocess.run(
        [*command, "director", "--password-stdin", "--db", url],
        cwd=ROOT, input=PASSWORD + "\n", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ok.returncode == 0 and PASSWORD not in ok.stdout + ok.stderr, ok.stderr
    refused = subprocess.run(
        [*command, "head", "--org", "SB9", "--password-stdin", "--db", url],
        cwd=ROOT, input=PASSWORD + "\n", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "unknown org unit" in refused.stderr
