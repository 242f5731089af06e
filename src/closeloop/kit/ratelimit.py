"""Rate limiting (限流): at most `limit` hits per subject within any sliding window.

A subject is whatever is counted ("user:alice", "addr:203.0.113.9", "chat:203.0.113.9"). The
hits are kept in a `HitLog`: `MemoryHitLog` within one process, or a database table
(`closeloop.db.hits.TableHitLog`) so that every server process counts the same hits, inside
the transaction of the request that makes them. The limiter only says who is blocked and for
how long; the caller decides what a blocked subject means (a 429 with Retry-After, usually).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from closeloop.kit.clock import Clock, system_clock


class HitLog(Protocol):
    """Where the hits are kept."""

    def count_since(self, subject: str, since: datetime) -> tuple[int, datetime | None]:
        """How many hits of the subject came strictly after `since`, and the earliest of them."""
        ...

    def add(self, subject: str, at: datetime) -> None:
        """Keep one hit of the subject."""
        ...

    def prune(self, before: datetime) -> None:
        """Forget every subject's hits strictly before `before`."""
        ...

    def forget(self, subject: str) -> None:
        """Forget all of one subject's hits."""
        ...


class MemoryHitLog:
    """Hits kept in this process's memory (thread-safe)."""

    def __init__(self) -> None:
        self._hits: dict[str, list[datetime]] = {}
        self._lock = threading.Lock()

    def count_since(self, subject: str, since: datetime) -> tuple[int, datetime | None]:
        with self._lock:
            recent = [at for at in self._hits.get(subject, ()) if at > since]
        return len(recent), min(recent, default=None)

    def add(self, subject: str, at: datetime) -> None:
        with self._lock:
            self._hits.setdefault(subject, []).append(at)

    def prune(self, before: datetime) -> None:
        with self._lock:
            for subject, hits in list(self._hits.items()):
                kept = [at for at in hits if at >= before]
                if kept:
                    self._hits[subject] = kept
                else:
                    del self._hits[subject]

    def forget(self, subject: str) -> None:
        with self._lock:
            self._hits.pop(subject, None)


@dataclass(frozen=True)
class Blocked:
    """A subject that used up its window, and the whole seconds until it may go on."""

    subject: str
    retry_after: int


class SlidingWindowLimiter:
    """At most `limit` hits per subject in any `window`; hits older than `keep` are pruned
    whenever new ones are recorded (`keep` is at least the window)."""

    def __init__(
        self,
        log: HitLog,
        limit: int,
        *,
        window: timedelta = timedelta(minutes=1),
        keep: timedelta | None = None,
        clock: Clock = system_clock,
    ) -> None:
        if limit < 1:
            raise ValueError("a rate limit allows at least one hit")
        if window <= timedelta(0):
            raise ValueError("a rate limit's window is longer than nothing")
        self.log, self.limit, self.window, self.clock = log, limit, window, clock
        self.keep = max(window, keep or window)
        self._lock = threading.Lock()

    def blocked(self, *subjects: str) -> Blocked | None:
        """The first of the subjects that has `limit` hits within the window, if any."""
        with self._lock:
            return self._first_blocked(subjects, self.clock.now())

    def record(self, *subjects: str) -> None:
        """Count a hit against each subject now (after pruning old hits)."""
        with self._lock:
            self._record(subjects, self.clock.now())

    def take(self, subject: str) -> Blocked | None:
        """Count a hit against the subject unless it is blocked (then say for how long);
        checking and counting are one step for everyone sharing this limiter."""
        with self._lock:
            now = self.clock.now()
            found = self._first_blocked([subject], now)
            if found is None:
                self._record([subject], now)
            return found

    def forget(self, subject: str) -> None:
        """Forget a subject's hits (a success that clears earlier failures)."""
        with self._lock:
            self.log.forget(subject)

    def _first_blocked(self, subjects: Iterable[str], now: datetime) -> Blocked | None:
        for subject in subjects:
            count, oldest = self.log.count_since(subject, now - self.window)
            if count >= self.limit:
                # free again when the oldest hit in the window leaves it
                frees_at = (oldest or now) + self.window
                return Blocked(subject, math.ceil((frees_at - now).total_seconds()))
        return None

    def _record(self, subjects: Iterable[str], now: datetime) -> None:
        self.log.prune(now - self.keep)
        for subject in subjects:
            self.log.add(subject, now)
