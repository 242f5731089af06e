"""Engine and session factory for SQLite (WAL, foreign keys) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

# Set while a unit of work that will write opens its transaction: SQLite then takes the write
# lock at BEGIN (BEGIN IMMEDIATE), so read-then-write work never fails on a stale snapshot.
_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # transactions are begun by _sqlite_begin
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: bulk upserts keep the indexes cached
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def _configure_sqlite(engine: Engine) -> None:
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)


# A pooled PostgreSQL connection idle for longer than this is checked before use.
IDLE_BEFORE_PING = 10.0
# Seconds a new PostgreSQL connection may take: while the server is down or unreachable a
# request fails fast (503, http/db_outage.py) instead of holding a worker.
CONNECT_TIMEOUT = 3


def _note_idle(_dbapi_connection: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Check a connection that sat idle in the pool (the server may have restarted or a
    firewall dropped it); a dead one is replaced before the caller sees it. Connections in
    steady use skip the round trip that `pool_pre_ping` would spend on every checkout."""
    idle_since = record.info.get("idle_since")
    if dbapi_connection.broken:
        raise DisconnectionError("connection is broken")
    if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_PING:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
    except Exception as exc:  # any failure means: use another connection
        raise DisconnectionError(str(exc)) from exc


def pooled_postgres_engine(url: str | URL, *, echo: bool = False, **pool: Any) -> Engine:
    """A PostgreSQL engine whose pool replaces dead connections before use and whose new
    connections give up after CONNECT_TIMEOUT."""
    connect_args = {"connect_timeout": CONNECT_TIMEOUT, **pool.pop("connect_args", {})}
    engine = create_engine(url, echo=echo, connect_args=connect_args, **pool)
    event.listen(engine, "checkin", _note_idle)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine with the settings CloseLoop relies on for either database."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return pooled_postgres_engine(url, echo=echo, pool_size=10, max_overflow=20)


def make_null_pool_engine(url: str) -> Engine:
    """An engine that holds no connections between uses (migrations, short CLI runs)."""
    engine = create_engine(url, poolclass=NullPool)
    if url.startswith("sqlite"):
        _configure_sqlite(engine)
    return engine


class Database:
    """One engine and its session factory; the unit of work commits, services never do."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False, info={"database": self})
        self._side: Engine | None = None
        self._side_lock = threading.Lock()
        # SQLite has one writer at a time: threads of this process queue here instead of
        # polling the file lock with SQLite's sleeping busy handler.
        self._writer = threading.Lock() if self.engine.dialect.name == "sqlite" else None

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @property
    def begins_on_first_statement(self) -> bool:
        """Whether a unit of work needs nothing before its first statement: no write lock to
        take and no BEGIN mode to choose (PostgreSQL), so it can open without any I/O."""
        return self._writer is None

    def finish(self, session: Session, *, commit: bool) -> None:
        """End a session opened with `sessions()` as unit_of_work would: commit or roll back,
        then close."""
        try:
            if commit:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()

    @contextmanager
    def unit_of_work(self, *, write: bool = True) -> Iterator[Session]:
        """A session that commits when the block succeeds and rolls back when it raises.

        `write=False` marks read-only work (SQLite readers then never wait for the write lock).
        """
        lock = self._writer if write else None
        if lock is not None and not lock.acquire(timeout=60):
            raise TimeoutError("the database stayed busy for 60 s")
        session = self.sessions()
        try:
            token = _write_intent.set(write)
            try:
                session.connection()  # begin now, with the lock this work needs
            finally:
                _write_intent.reset(token)
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
            if lock is not None:
                lock.release()

    @contextmanager
    def own_transaction(self) -> Iterator[Connection]:
        """A short transaction of its own beside the caller's, committed at the end of the
        block (e.g. taking a number, like a sequence). Its connections come from a small pool
        of their own: work holding a connection of the main pool never waits for a second
        one from it, which could deadlock a full pool."""
        with self._side_lock:
            if self._side is None:
                self._side = pooled_postgres_engine(
                    self.engine.url,
                    pool_size=2,
                    max_overflow=6,
                )
            side = self._side
        with side.begin() as connection:
            yield connection

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        with self._side_lock:
            if self._side is not None:
                self._side.dispose()
                self._side = None
