"""The job registry: each domain registers its periodic jobs here."""

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


REGISTRY: dict[str, Job] = {}


def job(name: str, every: timedelta) -> Callable[[JobFn], JobFn]:
    """Register a function as a periodic job."""

    def register(fn: JobFn) -> JobFn:
        REGISTRY[name] = Job(name=name, every=every, run=fn)
        return fn

    return register


def standalone_job(name: str, every: timedelta) -> Callable[[StandaloneFn], StandaloneFn]:
    """Register a periodic job that manages its own transactions (given the database)."""

    def register(fn: StandaloneFn) -> StandaloneFn:
        REGISTRY[name] = Job(name=name, every=every, run=_no_session_work, standalone=fn)
        return fn

    return register


def _no_session_work(_session: Session, _clock: Clock) -> None:
    """The session step of a standalone job: nothing."""
