"""Signing in: throttling, password check, token issue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth import audit, throttle
from closeloop.auth.models import User
from closeloop.auth.passwords import dummy_hash, verify_password
from closeloop.auth.tokens import issue_token
from closeloop.auth.users import actor_for
from closeloop.config import Settings
from closeloop.kit.clock import Clock, system_clock


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: a user and a token, or neither."""

    user: User | None
    token: str | None = None
    expires_in: int = 0


def sign_in_limits(settings: Settings) -> throttle.Limits:
    """The failed sign-ins a minute allowed per user and per address, as configured."""
    return throttle.Limits(
        per_user=settings.login_failures_per_minute,
        per_address=settings.login_failures_per_address_per_minute,
    )


def authenticate(
    session: Session,
    username: str,
    password: str,
    address: str | None,
    *,
    limits: throttle.Limits,
    clock: Clock = system_clock,
) -> User | None:
    """The active user with these credentials, or None (the failure is counted).

    A known user's last sign-in, or failures since it, are recorded on the user.

    Raises 429 before checking anything when the user or address is throttled.
    """
    throttle.check_allowed(session, username, address, limits, clock=clock)
    user = session.scalar(select(User).where(User.username == username))
    ok = verify_password(password, user.password_hash if user else dummy_hash())
    if user is None or not ok or not user.active:
        throttle.record_failure(session, username, address, clock=clock)
        if user is not None:
            # counted in SQL, so two failures at once both count
            user.failed_sign_ins = User.failed_sign_ins + 1
            user.last_failed_sign_in_at = clock.now()
        return None
    throttle.clear_user(session, username)
    user.last_sign_in_at = clock.now()
    user.failed_sign_ins = 0
    return user


def sign_in(
    session: Session,
    username: str,
    password: str,
    address: str | None,
    *,
    limits: throttle.Limits,
    ttl: timedelta,
    clock: Clock = system_clock,
) -> SignIn:
    """Authenticate and issue a bearer token; an empty SignIn when the credentials are wrong."""
    user = authenticate(session, username, password, address, limits=limits, clock=clock)
    if user is None:
        return SignIn(user=None)
    token, row = issue_token(session, user, ttl, clock=clock)
    audit.record(session, actor_for(session, user), "token.issue", "token", row.id, "", clock=clock)
    return SignIn(user=user, token=token, expires_in=int(ttl.total_seconds()))
