"""Sign-in, sign-out, the current user and the audit log (user and role admin: admin_api)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from closeloop.auth import audit, users
from closeloop.auth.deps import CurrentWork, bearer_token, work_requiring
from closeloop.auth.models import AuditEntry, User
from closeloop.auth.schemas import (
    AuditOut,
    AuditPage,
    MeOut,
    MeUpdate,
    TokenOut,
    TokenRequest,
)
from closeloop.auth.service import sign_in, sign_in_limits
from closeloop.auth.tokens import revoke_token
from closeloop.http.deps import RequestWork
from closeloop.http.params import Cursor
from closeloop.kit.actor import Actor
from closeloop.kit.errors import Unauthenticated
from closeloop.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_id_cursor, id_page
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post(
    "/auth/token",
    response_model=TokenOut,
    responses={
        401: {"description": "Wrong username or password"},
        429: {"description": "Too many failed sign-ins; see Retry-After"},
    },
)
def issue_token(body: TokenRequest, request: Request, work: RequestWork) -> TokenOut:
    """Exchange a username and password for a bearer token."""
    address = request.client.host if request.client else None
    settings = work.settings
    result = sign_in(
        work.session,
        body.username,
        body.password,
        address,
        limits=sign_in_limits(settings),
        ttl=timedelta(minutes=settings.token_ttl_minutes),
        clock=work.clock,
    )
    if result.token is None:
        work.session.commit()  # the failure must count even though this request fails
        raise Unauthenticated("wrong username or password")
    return TokenOut(access_token=result.token, expires_in=result.expires_in)


@router.post("/auth/logout", status_code=204)
def logout(request: Request, work: CurrentWork) -> Response:
    """Revoke the token this request was made with."""
    revoke_token(work.session, work.actor, bearer_token(request), clock=work.clock)
    return Response(status_code=204)


def _me(actor: Actor, user: User) -> MeOut:
    return MeOut(
        username=actor.username,
        display_name=user.display_name,
        roles=list(actor.roles),
        station=actor.station,
        permissions=sorted(actor.permissions),
        language=user.language,
    )


@router.get("/me", response_model=MeOut)
def me(work: CurrentWork) -> MeOut:
    """Who the caller is."""
    return _me(work.actor, users.get_by_username(work.session, work.actor.username))


@router.patch("/me", response_model=MeOut)
def update_me(body: MeUpdate, work: CurrentWork) -> MeOut:
    """Change the caller's own settings: the console language (null = the site's default)."""
    user = users.set_language(work.session, work.actor, body.language, clock=work.clock)
    return _me(work.actor, user)


def _audit_out(entry: AuditEntry) -> AuditOut:
    return AuditOut(
        id=str(entry.id),
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        entity_type=entry.entity_type,
        entity_id=entry.entity_id,
        summary=entry.summary,
        request_id=entry.request_id,
        client_address=entry.client_address,
    )


@router.get("/audit", response_model=AuditPage)
def list_audit(
    work: Annotated[Work, Depends(work_requiring("audit.read"))],
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> AuditPage:
    """The audit log, newest first (admins)."""
    before = decode_id_cursor(cursor)
    rows = audit.list_entries(
        work.session,
        entity_type=entity_type,
        entity_id=entity_id,
        actor=actor,
        before_id=before,
        limit=limit + 1,
    )
    page, next_cursor = id_page(rows, limit)
    return AuditPage(
        items=[_audit_out(e) for e in page],
        next_cursor=next_cursor,
    )
