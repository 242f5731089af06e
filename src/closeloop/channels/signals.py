"""Waking the live streams (实时推送) of every server process through the database.

A change to a chat is committed first; then PostgreSQL's NOTIFY (sent at commit, to every
process LISTENing) wakes the streams at once. SQLite has no notifications: its streams look at
the database again every `POLL` seconds. Either way the data a stream sends is read from the
database, so any number of workers and servers see the same conversation.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.orm import Session

CHANNEL = "closeloop_chat"
POLL = 0.5  # seconds between looks at the database without notifications


def notify(session: Session, session_id: str) -> None:
    """Tell every listening process that this chat changed (delivered at commit on PostgreSQL;
    nothing to do on SQLite, whose streams poll)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_notify(:channel, :sid)"), {"channel": CHANNEL, "sid": session_id}
        )


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextlib.asynccontextmanager
async def waiter(database_url: str) -> AsyncIterator[Waiter]:
    """A way to wait for the next change: LISTEN on PostgreSQL, a short sleep on SQLite."""
    if not database_url.startswith("postgresql"):
        yield Waiter(None)
        return
    import psycopg

    conn = await psycopg.AsyncConnection.connect(_psycopg_url(database_url), autocommit=True)
    try:
        await conn.execute(f"LISTEN {CHANNEL}")
        yield Waiter(conn)
    finally:
        await conn.close()


class Waiter:
    """Waits until a chat changes or `timeout` passes."""

    def __init__(self, conn: object | None) -> None:
        self._conn = conn

    async def wait(self, session_id: str, timeout: float) -> None:
        """Return when this chat may have changed (or after `timeout` seconds)."""
        if self._conn is None:
            await asyncio.sleep(min(POLL, timeout))
            return
        import psycopg

        assert isinstance(self._conn, psycopg.AsyncConnection)
        async for note in self._conn.notifies(timeout=timeout):
            if note.payload == session_id:
                return
