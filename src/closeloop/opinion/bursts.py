"""Negative-volume bursts (负面聚集), pure: the problem domain's Poisson scan (`kit.poisson_scan`)
over days.

For one category in one region, the usual negative posts a day are learnt from the
`HISTORY_DAYS` before the last `WINDOW_DAYS` (never below `FLOOR`, so a quiet history does not
make every post a burst); the scan then looks at the windows of the last days, and the day is a
burst when the most surprising window ends on it, with its Poisson tail below `ALPHA`, at least
`MIN_COUNT` posts and `MIN_RATIO` times the expectation. A slow two-day build-up counts as well
as a one-day jump.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from closeloop.kit.poisson_scan import Thresholds, daily_rate, scan

WINDOW_DAYS = 3
FLOOR = 0.5
LIMITS = Thresholds(alpha=0.001, min_count=5, min_ratio=3.0, max_window=WINDOW_DAYS)


@dataclass(frozen=True)
class Burst:
    """The burst's posts (over `days` days ending on the day looked at) and what was usual."""

    count: int
    expected: float
    p_value: float
    days: int = 1


def burst(
    recent: Sequence[int], history: Sequence[int], limits: Thresholds = LIMITS
) -> Burst | None:
    """A burst ending on the last day of `recent` (daily counts, oldest first) when those days
    are improbably above the daily counts in `history` (the days before them), else None."""
    if not recent:
        return None
    rate = max(FLOOR, daily_rate(sum(history), len(history), prior=0.0)) if history else FLOOR
    found = scan(list(recent), [rate] * len(recent), limits)
    if found is None or found.end != len(recent):
        return None
    return Burst(found.observed, found.expected, found.p_value, found.end - found.start)
