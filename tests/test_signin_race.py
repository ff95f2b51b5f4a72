"""Parallel sign-ins cannot bypass the throttle: the gate row serializes them in the database.

Before the gate, 30 simultaneous wrong passwords each read "no failures yet" and had their
password checked (15-19 of them in the probe of issue 14), past the 10-failure lockout."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, func, insert, select

from data import accounts
from data.schema import SigninAttempt
from tests import reliability
from tests.golden_data import insert_golden

PASSWORD = "correct horse battery staple"
T0 = dt.datetime(2026, 3, 2, 9, 0, 0)
ATTEMPTS = 30


@pytest.fixture
def golden(engine: Engine) -> Engine:
    with engine.begin() as conn:
        insert_golden(conn)
        accounts.create_user(conn, "boss", "director", password=PASSWORD)
    return engine


class CountingVerify:
    """Counts the passwords actually checked (Argon2 verifications) across threads."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self._lock = threading.Lock()
        self._real = accounts._verify
        monkeypatch.setattr(accounts, "_verify", self)

    def __call__(self, stored: str | None, password: str) -> bool:
        with self._lock:
            self.calls += 1
        return self._real(stored, password)


def _storm(engine: Engine, now: dt.datetime, password: str = "wrong password!") -> list:
    """ATTEMPTS sign-ins released at once (a barrier, not a sleep), all at the instant `now`."""
    start = threading.Barrier(ATTEMPTS)

    def one(_i: int) -> accounts.AuthResult:
        start.wait(timeout=60)
        return accounts.sign_in(engine, "boss", password, now=now)

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        return list(pool.map(one, range(ATTEMPTS)))


def _checked(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(SigninAttempt)
                .where(SigninAttempt.username == "boss")
            ).scalar()
            or 0
        )


def test_thirty_parallel_wrong_passwords_get_one_checked(
    golden: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    verify = CountingVerify(monkeypatch)
    results = _storm(golden, T0)
    # The first failure makes the next attempt wait a second; all 30 came in the same instant.
    assert verify.calls == 1
    assert _checked(golden) == 1
    assert sum(r.message == accounts.BAD_CREDENTIALS for r in results) == 1
    assert not any(r.ok for r in results)
    refused = [r for r in results if r.message != accounts.BAD_CREDENTIALS]
    assert len(refused) == ATTEMPTS - 1
    assert all(r.message.startswith("Too many failed sign-ins: wait") for r in refused)
    reliability.record_case(
        "5", "30 simultaneous wrong passwords: one checked", golden.dialect.name,
        tried=ATTEMPTS, refused=len(refused), test="test_signin_race.py",
    )  # fmt: skip


def test_parallel_attempts_never_pass_the_ten_failure_lockout(
    golden: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nine failures already, the last one long enough ago that the next attempt is allowed.
    with golden.begin() as conn:
        for i in range(9):
            conn.execute(
                insert(SigninAttempt).values(
                    attempt_id=f"old-{i}",
                    username="boss",
                    at=T0 + dt.timedelta(seconds=i),
                    success=False,
                )
            )
    verify = CountingVerify(monkeypatch)
    later = T0 + dt.timedelta(minutes=5)
    results = _storm(golden, later)
    assert verify.calls == 1
    assert _checked(golden) == 10
    assert sum(r.locked for r in results) >= 1  # the tenth failure locks
    # Locked now, even for the right password, which is not even checked.
    after = accounts.sign_in(golden, "boss", PASSWORD, now=later + dt.timedelta(minutes=1))
    assert after.locked and not after.ok
    assert verify.calls == 1
    reliability.record_case(
        "5", "30 simultaneous attempts after 9 failures: never past 10", golden.dialect.name,
        tried=ATTEMPTS + 1, refused=sum(not r.ok for r in results) + 1,
        test="test_signin_race.py",
    )  # fmt: skip


def test_the_right_password_in_a_storm_still_signs_in_once_alone(
    golden: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gate does not lock out the owner: alone, the right password signs in."""
    verify = CountingVerify(monkeypatch)
    result = accounts.sign_in(golden, "boss", PASSWORD, now=T0)
    assert result.ok and result.account is not None and result.account.username == "boss"
    assert verify.calls == 1
