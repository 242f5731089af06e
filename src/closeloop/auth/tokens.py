"""Revocable bearer tokens with expiry; only a digest is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.auth.models import AccessToken, RolePermission, User, UserRole
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import Unauthenticated


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session, user: User, ttl: timedelta, *, clock: Clock = system_clock
) -> tuple[str, AccessToken]:
    """A new token for the user; the plain value is returned once and never stored."""
    token = "cl_" + secrets.token_urlsafe(32)
    now = clock.now()
    row = AccessToken(digest=_digest(token), user_id=user.id, created_at=now, expires_at=now + ttl)
    session.add(row)
    session.flush()
    return token, row


def user_for_token(session: Session, token: str, *, clock: Clock = system_clock) -> User:
    """The active user a live token belongs to, or 401."""
    row = session.execute(
        select(AccessToken, User)
        .join(User, User.id == AccessToken.user_id)
        .where(AccessToken.digest == _digest(token))
    ).first()
    if row is None:
        raise Unauthenticated("invalid token")
    access, user = row
    _check_live(access.revoked_at is not None, access.expires_at, user.active, clock.now())
    return user


def _check_live(revoked: bool, expires_at: datetime, active: bool, now: datetime) -> None:
    if revoked:
        raise Unauthenticated("token has been revoked")
    if expires_at <= now:
        raise Unauthenticated("token has expired")
    if not active:
        raise Unauthenticated("user is disabled")


def _codes(joined: str | None) -> list[str]:
    return joined.split(",") if joined else []


# Built once: the token, its user, and the user's roles and grants aggregated into one row.
_ROLES = (
    select(func.aggregate_strings(UserRole.role_code, ","))
    .where(UserRole.user_id == User.id)
    .scalar_subquery()
)
_GRANTS = (
    select(func.aggregate_strings(RolePermission.permission, ","))
    .join(UserRole, UserRole.role_code == RolePermission.role_code)
    .where(UserRole.user_id == User.id)
    .scalar_subquery()
)
_SIGNED_IN = (
    select(
        AccessToken.expires_at,
        AccessToken.revoked_at.is_not(None),
        User.id,
        User.username,
        User.station_code,
        User.language,
        User.active,
        _ROLES,
        _GRANTS,
    )
    .join(User, User.id == AccessToken.user_id)
    .where(AccessToken.digest == bindparam("digest"))
)


def actor_for_token(session: Session, token: str, *, clock: Clock = system_clock) -> Actor:
    """The actor a live token signs in, with roles and permissions read now, or 401.

    One query reads the token, its user, their roles and the roles' grants, so a change to
    role_permissions counts from the next request.
    """
    row = session.execute(_SIGNED_IN, {"digest": _digest(token)}).first()
    if row is None:
        raise Unauthenticated("invalid token")
    expires_at, revoked, user_id, username, station, language, active, roles, grants = row
    _check_live(revoked, expires_at, active, clock.now())
    return Actor(
        username=username,
        user_id=user_id,
        roles=tuple(sorted(_codes(roles))),
        station=station,
        permissions=frozenset(_codes(grants)),
        language=language,
    )


def revoke_token(
    session: Session, actor: Actor, token: str, *, clock: Clock = system_clock
) -> None:
    """Revoke a token (logout); revoking twice is harmless."""
    access = session.scalar(select(AccessToken).where(AccessToken.digest == _digest(token)))
    if access is not None and access.revoked_at is None:
        access.revoked_at = clock.now()
        audit.record(session, actor, "token.revoke", "token", access.id, "logout", clock=clock)


def revoke_all(session: Session, user_id: int, *, clock: Clock = system_clock) -> int:
    """Revoke every token of a user not revoked yet — API clients and console sessions alike
    (the console cookie holds one of these tokens); how many. The caller audits why."""
    now = clock.now()
    result = session.execute(
        update(AccessToken)
        .where(AccessToken.user_id == user_id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
