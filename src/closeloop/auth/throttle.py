"""Sign-in throttling: too many failures a minute for one user or one address → 429."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from closeloop.auth.models import LoginFailure
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import TooManyRequests

WINDOW = timedelta(minutes=1)


def _subjects(username: str, address: str | None) -> list[str]:
    subjects = [f"user:{username.lower()}"]
    if address:
        subjects.append(f"addr:{address}")
    return subjects


def check_allowed(
    session: Session,
    username: str,
    address: str | None,
    limit: int,
    *,
    clock: Clock = system_clock,
) -> None:
    """Raise 429 with Retry-After when the user or the address failed `limit` times a minute."""
    now = clock.now()
    for subject in _subjects(username, address):
        count, oldest = session.execute(
            select(func.count(), func.min(LoginFailure.at)).where(
                LoginFailure.subject == subject, LoginFailure.at > now - WINDOW
            )
        ).one()
        if count >= limit:
            retry = math.ceil((oldest + WINDOW - now).total_seconds())
            raise TooManyRequests(
                f"too many failed sign-ins for this {subject.split(':')[0]}; try again later",
                retry_after=retry,
            )


def record_failure(
    session: Session, username: str, address: str | None, *, clock: Clock = system_clock
) -> None:
    """Count a failed sign-in against the user and the address; forget old failures."""
    now = clock.now()
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - 10 * WINDOW))
    session.add_all(LoginFailure(subject=s, at=now) for s in _subjects(username, address))


def clear_user(session: Session, username: str) -> None:
    """Forget a user's failures after a successful sign-in."""
    session.execute(delete(LoginFailure).where(LoginFailure.subject == f"user:{username.lower()}"))
