"""Revocable bearer tokens with expiry; only a digest is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.auth.actor import Actor
from closeloop.auth.models import AccessToken, User
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
    if access.revoked_at is not None:
        raise Unauthenticated("token has been revoked")
    if access.expires_at <= clock.now():
        raise Unauthenticated("token has expired")
    if not user.active:
        raise Unauthenticated("user is disabled")
    return user


def revoke_token(
    session: Session, actor: Actor, token: str, *, clock: Clock = system_clock
) -> None:
    """Revoke a token (logout); revoking twice is harmless."""
    access = session.scalar(select(AccessToken).where(AccessToken.digest == _digest(token)))
    if access is not None and access.revoked_at is None:
        access.revoked_at = clock.now()
        audit.record(session, actor, "token.revoke", "token", access.id, "logout", clock=clock)
