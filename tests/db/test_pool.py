"""Pooled PostgreSQL connections: one killed while idle in the pool is replaced before use."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DisconnectionError

from closeloop.db import engine as engine_module
from closeloop.db.engine import IDLE_BEFORE_PING, Database, _ping_if_idle


def _kill_other_backends(url: str, database_name: str) -> int:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            killed = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": database_name},
            ).scalar_one()
    finally:
        admin.dispose()
    return int(killed)


def test_a_connection_killed_while_idle_is_replaced(
    database: Database, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if database.dialect != "postgresql":
        pytest.skip("PostgreSQL only")
    with database.unit_of_work() as session:
        first = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    assert _kill_other_backends(db_url, database.engine.url.database or "") >= 1
    monkeypatch.setattr(engine_module, "IDLE_BEFORE_PING", 0.0)
    with database.unit_of_work() as session:
        second = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    assert second != first


class _Connection:
    """Stands in for a DBAPI connection: counts the statements it is asked to run."""

    broken = False

    def __init__(self) -> None:
        self.statements = 0

    def cursor(self) -> _Connection:
        return self

    def execute(self, _statement: str) -> None:
        self.statements += 1

    def close(self) -> None:
        pass


class _Record:
    def __init__(self, idle_since: float | None) -> None:
        self.info = {} if idle_since is None else {"idle_since": idle_since}


def test_only_a_connection_idle_for_a_while_is_pinged() -> None:
    now = time.monotonic()
    for idle_since, pings in ((None, 0), (now, 0), (now - 2 * IDLE_BEFORE_PING, 1)):
        connection = _Connection()
        _ping_if_idle(connection, _Record(idle_since), None)
        assert connection.statements == pings


def test_a_broken_connection_is_never_handed_out() -> None:
    connection = _Connection()
    connection.broken = True
    with pytest.raises(DisconnectionError):
        _ping_if_idle(connection, _Record(time.monotonic()), None)
