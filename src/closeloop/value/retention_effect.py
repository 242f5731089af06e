"""The effect of a retention call (挽留效果), learnt from past outcomes — uplift, not risk.

Without a control group, the counterfactual is the churn model: of the customers called, the
model expected Σ risk to leave; `left` counts those who did. The relative reduction
1 − left / Σ risk is the calls' effect, shrunk toward a prior effect until enough calls
have outcomes (PRIOR_WEIGHT pseudo-calls).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.value.models import RetentionTask

PRIOR_EFFECT = 0.3  # before any outcome: a call prevents 30 % of expected leaving
PRIOR_WEIGHT = 20.0


@dataclass(frozen=True)
class Effect:
    """The estimated effect and what it rests on."""

    effect: float
    calls: int
    expected_leavers: float
    left: int


def estimate(calls: int, expected_leavers: float, left: int) -> Effect:
    """Shrunk relative reduction of leaving among called customers (pure)."""
    if calls == 0 or expected_leavers <= 0:
        return Effect(PRIOR_EFFECT, calls, expected_leavers, left)
    observed = max(0.0, min(1.0, 1.0 - left / expected_leavers))
    weight = expected_leavers / (expected_leavers + PRIOR_WEIGHT * PRIOR_EFFECT)
    effect = weight * observed + (1 - weight) * PRIOR_EFFECT
    return Effect(round(effect, 4), calls, expected_leavers, left)


def retention_effect(session: Session) -> Effect:
    """The effect estimated from every retention task with an outcome."""
    done = RetentionTask.outcome.is_not(None)
    calls, expected, left = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(RetentionTask.churn_risk), 0.0),
            func.coalesce(
                func.sum(func.cast(RetentionTask.outcome == "left", RetentionTask.id.type)), 0
            ),
        ).where(done)
    ).one()
    return estimate(int(calls), float(expected), int(left))
