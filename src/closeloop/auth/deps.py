"""FastAPI dependencies of the signed-in user: the acting user and the permission checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from closeloop.auth.tokens import actor_for_token
from closeloop.http.deps import AppClock, DbSession
from closeloop.kit.actor import Actor
from closeloop.kit.errors import Unauthenticated


def bearer_token(request: Request) -> str:
    """The bearer token of the request, or 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("a bearer token is required")
    return token.strip()


def current_actor(request: Request, session: DbSession, clock: AppClock) -> Actor:
    """The signed-in user acting in this request (401 without a valid token)."""
    actor = actor_for_token(session, bearer_token(request), clock=clock)
    request.state.actor = actor
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def require(permission: str) -> Callable[[Actor], Awaitable[Actor]]:
    """A dependency that returns the actor when they hold `permission`, else 403."""

    async def dependency(actor: CurrentActor) -> Actor:
        actor.require(permission)
        return actor

    dependency.__name__ = f"require_{permission.replace('.', '_')}"
    return dependency
