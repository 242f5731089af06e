"""FastAPI dependencies: the request's unit of work (its session and `Work`), clock, settings.

Dependencies that do no I/O are `async def`: FastAPI runs them on the event loop instead of
handing each to the thread pool (a thread switch per dependency per request).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Annotated, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from fastapi.concurrency import contextmanager_in_threadpool
from sqlalchemy.orm import Session

from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.kit.clock import Clock
from closeloop.runtime.work import Work


async def get_database(request: Request) -> Database:
    """The application's database."""
    return request.app.state.database  # type: ignore[no-any-return]


async def get_settings_dep(request: Request) -> Settings:
    """The application's settings."""
    return request.app.state.settings  # type: ignore[no-any-return]


async def get_clock(request: Request) -> Clock:
    """The application's clock."""
    return request.app.state.clock  # type: ignore[no-any-return]


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
F = TypeVar("F", bound=Callable[..., object])


def writes_on_read(endpoint: F) -> F:
    """Mark a GET endpoint that writes too (e.g. the audit entry of an unmasked read)."""
    endpoint.__closeloop_writes__ = True  # type: ignore[attr-defined]
    return endpoint


def _writes(request: Request) -> bool:
    if request.method not in READ_METHODS:
        return True
    endpoint = getattr(request.scope.get("route"), "endpoint", None)
    return bool(getattr(endpoint, "__closeloop_writes__", False))


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request, committed when the handler returns normally.

    Requests that write open their transaction with the write lock on SQLite, so a
    read-then-write never fails on a snapshot another request has changed. On PostgreSQL
    opening needs no I/O: the session opens on the event loop and only its end goes to a
    worker thread (a thread switch costs about as much CPU as a short query), unless the
    handler already committed in its own thread.
    """
    database: Database = request.app.state.database
    if not database.begins_on_first_statement:
        work = database.unit_of_work(write=_writes(request))
        async with contextmanager_in_threadpool(work) as session:
            _bind_work(request, session)
            yield session
        return
    session = database.sessions()
    _bind_work(request, session)
    try:
        yield session
    except BaseException:
        await _end_in_thread(database, session, commit=False)
        raise
    if session.in_transaction():
        await _end_in_thread(database, session, commit=True)
    else:  # the handler committed in its own thread: nothing left that does I/O
        session.close()


def _bind_work(request: Request, session: Session) -> None:
    """The request's unit-of-work context: its session with the app's settings and clock."""
    state = request.app.state
    Work(session, state.settings, state.clock).bind()


async def _end_in_thread(database: Database, session: Session, *, commit: bool) -> None:
    # As FastAPI ends a dependency: shielded from cancellation, not waiting for a free thread.
    with anyio.CancelScope(shield=True):
        end = partial(database.finish, session, commit=commit)
        await anyio.to_thread.run_sync(end, limiter=anyio.CapacityLimiter(1))


# scope="function": commit before the response is sent, so a client never hears of a change
# that could still fail to commit, nor races its own next request to a change not yet visible.
DbSession = Annotated[Session, Depends(get_session, scope="function")]
AppClock = Annotated[Clock, Depends(get_clock)]
AppDatabase = Annotated[Database, Depends(get_database)]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]


async def get_work(session: DbSession) -> Work:
    """The request's unit-of-work context: its session, the app's settings and clock (no
    signed-in actor yet: `closeloop.auth.deps.CurrentWork` adds one)."""
    return Work.of(session)


RequestWork = Annotated[Work, Depends(get_work)]
