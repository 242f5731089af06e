"""Periodic jobs as data: a name, how often, and what it does in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from closeloop.db.engine import Database
from closeloop.kit.clock import Clock

JobFn = Callable[[Session, Clock], object]
StandaloneFn = Callable[[Database, Clock], object]


@dataclass(frozen=True)
class Job:
    """A periodic job: a name, how often it runs, and what it does in one transaction."""

    name: str
    every: timedelta
    run: JobFn
    # a job that opens its own units of work (e.g. network I/O outside any transaction)
    standalone: StandaloneFn | None = None


def every(interval: timedelta, name: str, run: JobFn) -> Job:
    """A job that works in one transaction of its own each time it runs."""
    return Job(name=name, every=interval, run=run)


def every_standalone(interval: timedelta, name: str, run: StandaloneFn) -> Job:
    """A job that opens its own units of work (given the database), e.g. to talk to a network."""
    return Job(name=name, every=interval, run=_no_session_work, standalone=run)


def _no_session_work(_session: Session, _clock: Clock) -> None:
    """The session step of a standalone job: nothing."""
