"""FastAPI dependencies: the request's unit of work, the clock, the acting user."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from closeloop.auth.actor import Actor
from closeloop.auth.tokens import user_for_token
from closeloop.auth.users import actor_for
from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.kit.clock import Clock
from closeloop.kit.errors import Unauthenticated


def get_database(request: Request) -> Database:
    """The application's database."""
    return request.app.state.database  # type: ignore[no-any-return]


def get_settings_dep(request: Request) -> Settings:
    """The application's settings."""
    return request.app.state.settings  # type: ignore[no-any-return]


def get_clock(request: Request) -> Clock:
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


def get_session(request: Request) -> Iterator[Session]:
    """One session per request, committed when the handler returns normally.

    Requests that write open their transaction with the write lock on SQLite, so a
    read-then-write never fails on a snapshot another request has changed.
    """
    database: Database = request.app.state.database
    with database.unit_of_work(write=_writes(request)) as session:
        yield session


# scope="function": commit before the response is sent, so a client never hears of a change
# that could still fail to commit, nor races its own next request to a change not yet visible.
DbSession = Annotated[Session, Depends(get_session, scope="function")]
AppClock = Annotated[Clock, Depends(get_clock)]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]


def bearer_token(request: Request) -> str:
    """The bearer token of the request, or 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("a bearer token is required")
    return token.strip()


def current_actor(request: Request, session: DbSession, clock: AppClock) -> Actor:
    """The signed-in user acting in this request (401 without a valid token)."""
    user = user_for_token(session, bearer_token(request), clock=clock)
    actor = actor_for(session, user)
    request.state.actor = actor
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def require(permission: str) -> Callable[[Actor], Actor]:
    """A dependency that returns the actor when they hold `permission`, else 403."""

    def dependency(actor: CurrentActor) -> Actor:
        actor.require(permission)
        return actor

    dependency.__name__ = f"require_{permission.replace('.', '_')}"
    return dependency
