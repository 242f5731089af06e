"""Sign-in throttling: too many failures a minute for one user or one address → 429."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from closeloop.auth.models import LoginFailure
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import TooManyRequests

WINDOW = timedelta(minutes=1)
# Failures are kept this long; an admin sees how many a user had in it ("recent").
KEPT = 10 * WINDOW


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
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - KEPT))
    session.add_all(LoginFailure(subject=s, at=now) for s in _subjects(username, address))


def clear_user(session: Session, username: str) -> None:
    """Forget a user's failures after a successful sign-in."""
    session.execute(delete(LoginFailure).where(LoginFailure.subject == f"user:{username.lower()}"))


def recent_failures(
    session: Session, usernames: Iterable[str], *, clock: Clock = system_clock
) -> dict[str, int]:
    """How many sign-ins failed for each user in the last ten minutes (none since a success)."""
    subjects = {f"user:{name.lower()}": name for name in usernames}
    if not subjects:
        return {}
    rows = session.execute(
        select(LoginFailure.subject, func.count())
        .where(LoginFailure.subject.in_(list(subjects)), LoginFailure.at > clock.now() - KEPT)
        .group_by(LoginFailure.subject)
    )
    counts = {subjects[subject]: int(count) for subject, count in rows}
    return {name: counts.get(name, 0) for name in subjects.values()}
