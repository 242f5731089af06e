"""Negative-volume bursts (负面聚集): a one-sided Poisson test, pure.

For one category in one region, the day's negative posts are compared with the mean of the
days before (a floor keeps a quiet history from making every post a burst): the day is a
burst when seeing at least that many is unlikely (p below `alpha`) and there are at least
`min_count` posts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

ALPHA = 0.001
MIN_COUNT = 5
FLOOR = 0.5


@dataclass(frozen=True)
class Burst:
    count: int
    expected: float
    p_value: float


def poisson_tail(count: int, mean: float) -> float:
    """P(X ≥ count) for X ~ Poisson(mean)."""
    if count <= 0:
        return 1.0
    term = math.exp(-mean)
    below = term
    for k in range(1, count):
        term *= mean / k
        below += term
    return max(0.0, 1.0 - below)


def burst(
    today: int,
    history: Sequence[int],
    *,
    alpha: float = ALPHA,
    min_count: int = MIN_COUNT,
) -> Burst | None:
    """A burst when `today` is improbably above the daily counts in `history`, else None."""
    expected = max(FLOOR, sum(history) / len(history)) if history else FLOOR
    if today < min_count:
        return None
    p = poisson_tail(today, expected)
    return Burst(today, expected, p) if p < alpha else None
