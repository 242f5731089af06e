"""The opinion domain's periodic job: today's negative-volume bursts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from closeloop.kit.clock import Clock
from closeloop.opinion.detect import detect_today
from closeloop.runtime.work import Work


def bursts(session: Session, clock: Clock) -> int:
    """Look for today's bursts (each recorded and told once)."""
    return detect_today(Work.of(session))
