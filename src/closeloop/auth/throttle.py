"""Sign-in throttling: too many failures a minute for one user or one address → 429.

The two limits differ: a user is locked after a few failures (someone guessing a password),
an address only after many, because a call centre's hundreds of agents reach CloseLoop from one
NAT address and their typos at shift start add up there; an address trying many users' passwords
(password spraying) is stopped all the same. Failures are counted by `kit.ratelimit` in the
`login_failures` table, so every server process and every server sees the same count; they are
kept ten minutes and a user's are forgotten on a good sign-in (an address's are not).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.auth.models import LoginFailure
from closeloop.db.hits import TableHitLog
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import TooManyRequests
from closeloop.kit.ratelimit import SlidingWindowLimiter

WINDOW = timedelta(minutes=1)
# Failures are kept this long; an admin sees how many a user had in it ("recent").
KEEP = 10 * WINDOW


@dataclass(frozen=True)
class Limits:
    """Failed sign-ins a minute before 429: per user, and per client address."""

    per_user: int
    per_address: int


def _user(username: str) -> str:
    return f"user:{username.lower()}"


def _subjects(username: str, address: str | None) -> list[str]:
    subjects = [_user(username)]
    if address:
        subjects.append(f"addr:{address}")
    return subjects


def _limiter(session: Session, limit: int, clock: Clock) -> SlidingWindowLimiter:
    log = TableHitLog(session, LoginFailure)
    return SlidingWindowLimiter(log, limit, window=WINDOW, keep=KEEP, clock=clock)


def check_allowed(
    session: Session,
    username: str,
    address: str | None,
    limits: Limits,
    *,
    clock: Clock = system_clock,
) -> None:
    """Raise 429 with Retry-After when the user or the address used up its limit a minute."""
    blocked = _limiter(session, limits.per_user, clock).blocked(_user(username))
    what = "user"
    if blocked is None and address:
        blocked = _limiter(session, limits.per_address, clock).blocked(f"addr:{address}")
        what = "address"
    if blocked is not None:
        raise TooManyRequests(
            f"too many failed sign-ins for this {what}; try again later",
            retry_after=blocked.retry_after,
        )


def record_failure(
    session: Session, username: str, address: str | None, *, clock: Clock = system_clock
) -> None:
    """Count a failed sign-in against the user and the address; forget old failures."""
    # recording never refuses, so the limit does not matter here
    _limiter(session, 1, clock).record(*_subjects(username, address))


def clear_user(session: Session, username: str) -> None:
    """Forget a user's failures after a successful sign-in."""
    TableHitLog(session, LoginFailure).forget(_user(username))


def recent_failures(
    session: Session, usernames: Iterable[str], *, clock: Clock = system_clock
) -> dict[str, int]:
    """How many sign-ins failed for each user in the last ten minutes (none since a success)."""
    subjects = {_user(name): name for name in usernames}
    if not subjects:
        return {}
    rows = session.execute(
        select(LoginFailure.subject, func.count())
        .where(LoginFailure.subject.in_(list(subjects)), LoginFailure.at > clock.now() - KEEP)
        .group_by(LoginFailure.subject)
    )
    counts = {subjects[subject]: int(count) for subject, count in rows}
    return {name: counts.get(name, 0) for name in subjects.values()}
