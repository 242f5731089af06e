"""The value domain's periodic jobs: the nightly recompute and the monthly retraining."""

from __future__ import annotations

from sqlalchemy.orm import Session

from closeloop.kit.clock import Clock
from closeloop.kit.errors import Conflict
from closeloop.runtime.work import Work
from closeloop.value.scoring import recompute
from closeloop.value.training import train


def nightly_recompute(session: Session, clock: Clock) -> int:
    """Recompute every customer's value picture; how many customers."""
    del clock  # the unit of work's clock is the job's
    return recompute(session, Work.of(session)).customers


def monthly_retrain(session: Session, clock: Clock) -> int:
    """Retrain the churn model when there is enough to learn from; the training rows."""
    del clock
    try:
        return train(session, Work.of(session)).rows
    except Conflict:
        return 0
