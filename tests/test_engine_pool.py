"""The PostgreSQL engine lets one dashboard process hold as many connections at once as 20 users'
pages ask for (each page prefetches its frames on several threads): SQLAlchemy's default pool
(5 + 10) made the 16th concurrent checkout wait 30 s and fail (issue 14, item 9's bench)."""

from __future__ import annotations

from contextlib import ExitStack

from sqlalchemy import text

from data.engine import make_engine

AT_ONCE = 40  # 20 users' pages, two frames computing each


def test_forty_connections_at_once_without_waiting(pg_database: str) -> None:
    engine = make_engine(pg_database)
    engine.pool._timeout = 1  # a checkout that would have to wait fails at once, not after 30 s
    try:
        with ExitStack() as held:
            conns = [held.enter_context(engine.connect()) for _ in range(AT_ONCE)]
            pids = {c.execute(text("SELECT pg_backend_pid()")).scalar_one() for c in conns}
        assert len(pids) == AT_ONCE  # each its own server connection, all open together
    finally:
        engine.dispose()
