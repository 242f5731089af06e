"""Burst detection as a job of the embedded worker (every five minutes)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from closeloop.kit.clock import Clock
from closeloop.problems.detection import detect as run_detection
from closeloop.runtime.work import Work


def detect(session: Session, clock: Clock) -> object:
    """Open or extend problems from complaint bursts and open alarms (`problems detect`)."""
    work = replace(Work.of(session), clock=clock).bind()
    return run_detection(work, clock.now()).as_dict()
