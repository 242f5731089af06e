"""Periodic jobs are claimed by one worker at a time and rescheduled."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.db.engine import Database
from closeloop.kit.clock import Clock, FixedClock
from closeloop.worker import jobs
from closeloop.worker.loop import run_due_jobs
from closeloop.worker.models import JobSchedule


def test_a_due_job_runs_once_among_racing_workers(
    database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[str] = []

    def count(_session: Session, _clock: Clock) -> None:
        runs.append("ran")

    monkeypatch.setattr(jobs, "REGISTRY", {})
    jobs.job("test.count", every=timedelta(minutes=1))(count)
    monkeypatch.setattr("closeloop.worker.loop.REGISTRY", jobs.REGISTRY)
    barrier = threading.Barrier(4)

    def worker(n: int) -> None:
        barrier.wait()
        run_due_jobs(database, clock, me=f"w{n}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert runs == ["ran"]
    assert run_due_jobs(database, clock) == []  # not due again yet
    clock.advance(timedelta(minutes=1))
    assert run_due_jobs(database, clock) == ["test.count"]
    with database.unit_of_work() as session:
        row = session.scalar(select(JobSchedule).where(JobSchedule.name == "test.count"))
    assert row is not None and row.next_run_at == clock.now() + timedelta(minutes=1)


def test_a_failing_job_records_its_error_and_others_still_run(
    database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_session: Session, _clock: Clock) -> None:
        raise RuntimeError("boom")

    def fine(_session: Session, _clock: Clock) -> None:
        return None

    monkeypatch.setattr(jobs, "REGISTRY", {})
    jobs.job("test.broken", every=timedelta(minutes=5))(broken)
    jobs.job("test.fine", every=timedelta(minutes=5))(fine)
    monkeypatch.setattr("closeloop.worker.loop.REGISTRY", jobs.REGISTRY)
    assert run_due_jobs(database, clock) == ["test.fine"]
    with database.unit_of_work() as session:
        row = session.get(JobSchedule, "test.broken")
    assert row is not None and row.last_error == "RuntimeError: boom"


def test_purge_job_forgets_expired_tokens(database: Database, clock: FixedClock) -> None:
    from closeloop.auth.models import AccessToken, User
    from closeloop.auth.tasks import purge_expired
    from closeloop.auth.tokens import issue_token

    with database.unit_of_work() as session:
        agent = session.scalar(select(User).where(User.username == "agent"))
        assert agent is not None
        issue_token(session, agent, timedelta(hours=1), clock=clock)
        issue_token(session, agent, timedelta(days=5), clock=clock)
    clock.advance(timedelta(days=2))
    with database.unit_of_work() as session:
        assert purge_expired(session, clock) == {"tokens": 1, "failures": 0}
    with database.unit_of_work() as session:
        left = list(session.scalars(select(AccessToken)))
    assert len(left) == 1 and left[0].expires_at > clock.now()
