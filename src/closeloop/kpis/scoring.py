"""How a balanced scorecard scores (计分规则), as pure functions.

A KPI's achievement is its value against its target in the KPI's direction — value ÷ target
when higher is better, target ÷ value when lower is better — capped at `CAP` (120 %) so one
outstanding KPI cannot hide a failing one, and floored at 0. A unit's score is the weighted
mean of its KPIs' achievements × 100 over the KPIs that have data and a target; the weights of
KPIs without data are left out (never counted as 0) and the share of weight that had data is
the card's coverage. Units are ranked by score, best first; equal scores share a rank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CAP = 1.2


def achievement(direction: str, value: float | None, target: float | None) -> float | None:
    """Value against target as a ratio in [0, CAP]; None without a value or a target."""
    if value is None or target is None:
        return None
    if direction == "higher":
        if target <= 0:
            return CAP if value >= target else 0.0
        ratio = value / target
    elif value <= 0:
        ratio = CAP  # nothing at all of a lower-is-better figure: the best there is
    else:
        ratio = target / value
    return round(min(CAP, max(0.0, ratio)), 6)


@dataclass(frozen=True)
class Weighted:
    """One KPI of a card: its weight and its achievement (None: no data)."""

    weight: float
    achievement: float | None


@dataclass(frozen=True)
class Score:
    """A unit's score (0–120, None when no weighted KPI had data) and its coverage (0–1)."""

    score: float | None
    coverage: float


def score(parts: Sequence[Weighted]) -> Score:
    """The weighted mean achievement × 100 over the parts with data."""
    total = sum(p.weight for p in parts)
    counted = [p for p in parts if p.achievement is not None and p.weight > 0]
    weight = sum(p.weight for p in counted)
    if not weight:
        return Score(None, 0.0)
    mean = sum(p.weight * (p.achievement or 0.0) for p in counted) / weight
    return Score(round(100 * mean, 2), round(weight / total, 4) if total else 0.0)


def ranks(scores: dict[str, float | None]) -> dict[str, int | None]:
    """Competition ranks (1, 2, 2, 4), best score first; units without a score are unranked."""
    ordered = sorted((s for s in scores.values() if s is not None), reverse=True)
    return {unit: (ordered.index(s) + 1 if s is not None else None) for unit, s in scores.items()}


def rank_change(now: int | None, before: int | None) -> int | None:
    """Places moved up (positive) or down (negative) since the previous period."""
    if now is None or before is None:
        return None
    return before - now
