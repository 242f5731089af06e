"""Burst detection (突增检测) as a pure function over counts: a Poisson scan statistic.

Shared by the problem domain (tickets per place, `problems.detection`) and the opinion domain
(negative posts per category and region, `opinion.bursts`), which may not import each other.

A place (a cell, then a region) has its own usual rate of tickets of a top-level category,
learnt from its history and shaped by the hour of day (most complaints come in business
hours, few at night): `expected_series` turns that rate into the tickets expected in each
time bin. `scan` then looks at every window of 1…`max_window` consecutive bins and asks how
surprising its count is under Poisson(expected): a window whose upper-tail probability is
below `alpha`, with at least `min_count` tickets and `min_ratio` times the expectation, is a
burst. A quiet cell's 12 tickets in half an hour are one; a busy city's normal afternoon is
not, because its expectation is just as high.

Nothing here reads a database or a clock.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

HOURS = 24


@dataclass(frozen=True)
class Burst:
    """A window of bins [start, end) whose count is far above what the place usually sees."""

    start: int
    end: int
    observed: int
    expected: float
    p_value: float

    @property
    def ratio(self) -> float:
        """Observed over expected."""
        return self.observed / self.expected if self.expected > 0 else math.inf


@dataclass(frozen=True)
class Thresholds:
    """When a window is a burst: its Poisson tail below `alpha`, at least `min_count`
    tickets, at least `min_ratio` times the expectation; windows of up to `max_window` bins."""

    alpha: float = 1e-6
    min_count: int = 5
    min_ratio: float = 3.0
    max_window: int = 6


def poisson_tail(k: int, mu: float) -> float:
    """P(X ≥ k) for X ~ Poisson(mu), accurate far into the tail (summed from k upwards)."""
    if k <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    if k <= mu:
        # not in the upper tail: 1 - P(X < k), summed from below (never a burst anyway)
        term = total = math.exp(-mu)
        for i in range(1, k):
            term *= mu / i
            total += term
        return max(0.0, 1.0 - total)
    log_term = -mu + k * math.log(mu) - math.lgamma(k + 1)
    total, i, term = 0.0, k, math.exp(log_term)
    while term > total * 1e-15 and i < k + 10_000:
        total += term
        i += 1
        term *= mu / i
    return min(1.0, total)


def scan(
    observed: Sequence[int], expected: Sequence[float], limits: Thresholds = Thresholds()
) -> Burst | None:
    """The most surprising window of consecutive bins (lowest tail probability; the latest on a
    tie) if it is a burst under `limits`, else None. `observed` and `expected` are per bin."""
    if len(observed) != len(expected):
        raise ValueError("observed and expected need one value per bin each")
    best: Burst | None = None
    n = len(observed)
    for end in range(1, n + 1):
        count, mean = 0, 0.0
        for start in range(end - 1, max(-1, end - 1 - limits.max_window), -1):
            count += observed[start]
            mean += expected[start]
            if count < limits.min_count or count < limits.min_ratio * mean:
                continue
            p = poisson_tail(count, mean)
            if p < limits.alpha and (best is None or p <= best.p_value):
                best = Burst(start, end, count, mean, p)
    return best


def hour_profile(hours: Sequence[int], smoothing: float = 1.0) -> tuple[float, ...]:
    """Each hour of the day's share of a day's tickets (24 shares adding up to 1), from the
    local hours of a sample of arrivals; `smoothing` tickets added to every hour."""
    counts = [smoothing] * HOURS
    for hour in hours:
        counts[hour % HOURS] += 1
    total = sum(counts)
    return tuple(c / total for c in counts)


def daily_rate(count: int, days: float, prior: float = 0.5) -> float:
    """A place's usual tickets a day from `count` in `days` of history; `prior` tickets keep a
    place never heard of from an expectation of zero (where one ticket would be infinitely
    surprising)."""
    if days <= 0:
        raise ValueError("days of history must be positive")
    return (count + prior) / days


def expected_series(
    rate_per_day: float, profile: Sequence[float], bin_hours: Sequence[int], bin_minutes: int
) -> list[float]:
    """Tickets expected in each bin: the day's rate, the hour's share, the bin's part of it."""
    part = bin_minutes / 60
    return [rate_per_day * profile[h % HOURS] * part for h in bin_hours]


def fixed_threshold(observed: Sequence[int], threshold: int, window: int) -> Burst | None:
    """The naive baseline: a burst whenever `window` consecutive bins hold `threshold` tickets
    or more, whatever the place usually sees (the latest such window)."""
    for end in range(len(observed), 0, -1):
        start = max(0, end - window)
        count = sum(observed[start:end])
        if count >= threshold:
            return Burst(start, end, count, math.nan, math.nan)
    return None
