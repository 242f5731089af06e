"""FastAPI dependencies of the signed-in user: the request's work acting as them, the acting
user, and the permission checks.

A handler takes one `CurrentWork` (or a `work_requiring(permission)` alias) instead of the
session, actor, clock and settings one by one: the work carries all four.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from closeloop.auth.tokens import actor_for_token
from closeloop.http.deps import RequestWork
from closeloop.kit.actor import Actor
from closeloop.kit.errors import Unauthenticated
from closeloop.runtime.work import Work


def bearer_token(request: Request) -> str:
    """The bearer token of the request, or 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("a bearer token is required")
    return token.strip()


# Declares the bearer scheme in the OpenAPI description; the token itself is checked below
# (a missing or malformed header is our 401 problem, not FastAPI's own error).
_BEARER = HTTPBearer(
    bearerFormat="opaque",
    description="A token from POST /api/v1/auth/token",
    auto_error=False,
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]


def current_work(request: Request, work: RequestWork, _credentials: Credentials) -> Work:
    """The request's work, acting as the signed-in user (401 without a valid token)."""
    actor = actor_for_token(work.session, bearer_token(request), clock=work.clock)
    request.state.actor = actor
    return work.acting_as(actor)


CurrentWork = Annotated[Work, Depends(current_work)]


async def current_actor(work: CurrentWork) -> Actor:
    """The signed-in user acting in this request (401 without a valid token)."""
    return work.actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def work_requiring(permission: str) -> Callable[[Work], Awaitable[Work]]:
    """A dependency that returns the request's work when its user holds `permission`, else 403.

    Use it through an alias: `Reader = Annotated[Work, Depends(work_requiring("x.read"))]`.
    """

    async def dependency(work: CurrentWork) -> Work:
        work.actor.require(permission)
        return work

    dependency.__name__ = f"work_requiring_{permission.replace('.', '_')}"
    return dependency


def require(permission: str) -> Callable[[Work], Awaitable[Actor]]:
    """A dependency that returns the actor when they hold `permission`, else 403."""

    async def dependency(work: CurrentWork) -> Actor:
        work.actor.require(permission)
        return work.actor

    dependency.__name__ = f"require_{permission.replace('.', '_')}"
    return dependency
