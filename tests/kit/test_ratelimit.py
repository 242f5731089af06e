"""The sliding-window rate limiter, over hits kept in memory and a clock that stands still."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from closeloop.kit.clock import FixedClock
from closeloop.kit.ratelimit import Blocked, MemoryHitLog, SlidingWindowLimiter

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def limiter(limit: int = 3, **kwargs: timedelta) -> tuple[SlidingWindowLimiter, FixedClock]:
    clock = FixedClock(START)
    return SlidingWindowLimiter(MemoryHitLog(), limit, clock=clock, **kwargs), clock


def test_the_hit_after_the_limit_is_refused_until_the_oldest_leaves_the_window() -> None:
    limit, clock = limiter(3)
    for _ in range(3):
        assert limit.take("chat:a") is None
        clock.advance(timedelta(seconds=10))
    # three hits at :00, :10 and :20; now :30 — the first leaves the window at 1:00
    assert limit.take("chat:a") == Blocked("chat:a", 30)
    clock.advance(timedelta(seconds=29, microseconds=500_000))
    assert limit.take("chat:a") == Blocked("chat:a", 1)  # whole seconds, rounded up
    clock.advance(timedelta(seconds=1))
    assert limit.take("chat:a") is None


def test_refused_hits_are_not_counted() -> None:
    limit, clock = limiter(2)
    assert limit.take("x") is None and limit.take("x") is None
    for _ in range(5):
        clock.advance(timedelta(seconds=5))
        assert limit.take("x") is not None
    clock.advance(timedelta(seconds=35))  # a minute after the two counted hits
    assert limit.take("x") is None


def test_a_hit_exactly_one_window_old_no_longer_counts() -> None:
    limit, clock = limiter(1)
    assert limit.take("x") is None
    clock.advance(timedelta(minutes=1))
    assert limit.take("x") is None


def test_subjects_are_counted_apart_and_the_first_blocked_one_is_named() -> None:
    limit, _clock = limiter(2)
    limit.record("user:alice", "addr:203.0.113.9")
    limit.record("user:bob", "addr:203.0.113.9")
    assert limit.blocked("user:alice", "addr:203.0.113.9") == Blocked("addr:203.0.113.9", 60)
    assert limit.blocked("user:alice") is None
    limit.record("user:alice")
    assert limit.blocked("user:alice", "addr:203.0.113.9") == Blocked("user:alice", 60)


def test_checking_does_not_count_and_forgetting_clears() -> None:
    limit, _clock = limiter(1)
    assert limit.blocked("user:alice") is None
    assert limit.blocked("user:alice") is None
    limit.record("user:alice")
    assert limit.blocked("user:alice") is not None
    limit.forget("user:alice")
    assert limit.blocked("user:alice") is None


def test_old_hits_are_pruned_when_new_ones_are_recorded() -> None:
    log, clock = MemoryHitLog(), FixedClock(START)
    limit = SlidingWindowLimiter(log, 5, keep=timedelta(minutes=5), clock=clock)
    limit.record("a")
    clock.advance(timedelta(minutes=4))
    limit.record("b")
    assert log.count_since("a", START - timedelta(hours=1)) == (1, START)
    clock.advance(timedelta(minutes=2))
    limit.record("b")
    assert log.count_since("a", START - timedelta(hours=1)) == (0, None)
    assert log.count_since("b", START - timedelta(hours=1))[0] == 2


def test_the_rules_make_sense() -> None:
    with pytest.raises(ValueError):
        SlidingWindowLimiter(MemoryHitLog(), 0)
    with pytest.raises(ValueError):
        SlidingWindowLimiter(MemoryHitLog(), 1, window=timedelta(0))
    # hits are kept at least one window, whatever `keep` says
    short = SlidingWindowLimiter(MemoryHitLog(), 1, keep=timedelta(seconds=1))
    assert short.keep == short.window


def test_threads_sharing_a_limiter_never_get_more_than_the_limit() -> None:
    limit, _clock = limiter(50)
    allowed: list[bool] = []
    lock = threading.Lock()

    def hit() -> None:
        for _ in range(40):
            ok = limit.take("shared") is None
            with lock:
                allowed.append(ok)

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(allowed) == 320 and sum(allowed) == 50
