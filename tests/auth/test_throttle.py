"""Sign-in limits per user and per address (auth/throttle.py) with the default settings: a call
centre behind one NAT address at shift start, a password-spraying address, a guessed user.

These drive the throttle as `auth.service.authenticate` does — check, then count a failure or
clear the user — without hashing passwords, so a whole shift's 300 agents fit in a test.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from closeloop.auth import throttle
from closeloop.auth.service import sign_in_limits
from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.kit.errors import TooManyRequests

NAT = "203.0.113.7"


def _attempt(
    database: Database, clock: FixedClock, username: str, address: str, *, right: bool
) -> bool:
    """One sign-in attempt's throttling: True when it was let through to the password check."""
    limits = sign_in_limits(Settings())
    with database.unit_of_work() as session:
        try:
            throttle.check_allowed(session, username, address, limits, clock=clock)
        except TooManyRequests:
            return False
        if right:
            throttle.clear_user(session, username)
        else:
            throttle.record_failure(session, username, address, clock=clock)
    return True


def test_the_defaults_are_five_per_user_and_a_hundred_per_address() -> None:
    limits = sign_in_limits(Settings())
    assert (limits.per_user, limits.per_address) == (5, 100)


def test_three_hundred_agents_behind_one_nat_sign_in_at_shift_start(
    database: Database, clock: FixedClock
) -> None:
    refused = []
    typos = 0
    for n in range(300):  # 300 agents within three minutes, one in eight mistyping first
        agent = f"agent{n:03d}"
        for _ in range(1 + (n % 16 == 0)) if n % 8 == 0 else ():
            typos += 1
            assert _attempt(database, clock, agent, NAT, right=False)
        if not _attempt(database, clock, agent, NAT, right=True):
            refused.append(agent)
        clock.advance(timedelta(milliseconds=600))
    assert typos == 57
    assert refused == []


def test_an_address_spraying_one_password_over_many_users_is_stopped(
    database: Database, clock: FixedClock
) -> None:
    tried = [f"victim{n}" for n in range(150)]
    let_through = [name for name in tried if _attempt(database, clock, name, NAT, right=False)]
    assert len(let_through) == 100
    # an agent behind the same address waits too, until the minute has passed …
    assert not _attempt(database, clock, "agent", NAT, right=True)
    # … while the same agent from another address is not held up
    assert _attempt(database, clock, "agent", "198.51.100.20", right=True)
    clock.advance(timedelta(seconds=61))
    assert _attempt(database, clock, "agent", NAT, right=True)


@pytest.mark.parametrize("addresses", [1, 5], ids=["one address", "five addresses"])
def test_a_single_user_is_locked_after_five_failures(
    database: Database, clock: FixedClock, addresses: int
) -> None:
    for n in range(5):
        assert _attempt(database, clock, "agent", f"10.9.0.{n % addresses}", right=False)
    assert not _attempt(database, clock, "agent", "10.9.1.1", right=True)
    assert _attempt(database, clock, "agent2", "10.9.0.0", right=True)
