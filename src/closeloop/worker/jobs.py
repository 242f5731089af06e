"""The job registry the worker loop runs: filled from the module manifest (closeloop.modules);
the decorators register ad-hoc jobs (tests, scripts)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from closeloop.runtime.jobs import Job, JobFn, StandaloneFn, every_standalone

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
        REGISTRY[name] = every_standalone(every, name, fn)
        return fn

    return register
