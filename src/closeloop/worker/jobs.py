"""The job registry: each domain registers its periodic jobs here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from closeloop.kit.clock import Clock

JobFn = Callable[[Session, Clock], object]


@dataclass(frozen=True)
class Job:
    """A periodic job: a name, how often it runs, and what it does in one transaction."""

    name: str
    every: timedelta
    run: JobFn


REGISTRY: dict[str, Job] = {}


def job(name: str, every: timedelta) -> Callable[[JobFn], JobFn]:
    """Register a function as a periodic job."""

    def register(fn: JobFn) -> JobFn:
        REGISTRY[name] = Job(name=name, every=every, run=fn)
        return fn

    return register
