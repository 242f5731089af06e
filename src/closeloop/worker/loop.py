"""The worker loop: claim a due job with a compare-and-set update, run it, schedule the next."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from closeloop.config import Settings, get_settings
from closeloop.db.engine import Database
from closeloop.kit.clock import Clock
from closeloop.runtime.jobs import Job
from closeloop.runtime.work import Work
from closeloop.worker.jobs import REGISTRY
from closeloop.worker.models import JobSchedule

log = logging.getLogger("closeloop.worker")


def worker_name() -> str:
    """host:pid:thread — who claimed a job."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


def _ensure_scheduled(database: Database, job: Job, now: datetime) -> None:
    with database.unit_of_work() as session:
        if session.get(JobSchedule, job.name) is None:
            session.add(JobSchedule(name=job.name, next_run_at=now))
    # a concurrent worker inserting the same row is fine


def claim(database: Database, job: Job, now: datetime, me: str) -> bool:
    """Take the job if it is due; exactly one of several racing workers wins."""
    with contextlib.suppress(IntegrityError):  # a racing worker scheduled it first
        _ensure_scheduled(database, job, now)
    with database.unit_of_work() as session:
        due_at = session.scalar(select(JobSchedule.next_run_at).where(JobSchedule.name == job.name))
        if due_at is None or due_at > now:
            return False
        claimed = session.execute(
            update(JobSchedule)
            .where(JobSchedule.name == job.name, JobSchedule.next_run_at == due_at)
            .values(next_run_at=now + job.every, claimed_by=me, last_started_at=now)
        )
        return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def run_due_jobs(
    database: Database, clock: Clock, me: str | None = None, settings: Settings | None = None
) -> list[str]:
    """Run every job that is due now and that this worker wins; their names."""
    me = me or worker_name()
    settings = settings or get_settings()
    ran = []
    for job in list(REGISTRY.values()):
        if not claim(database, job, clock.now(), me):
            continue
        error = None
        try:
            if job.standalone is not None:
                job.standalone(database, clock)
            else:
                with database.unit_of_work() as session:
                    Work(session, settings, clock).bind()
                    job.run(session, clock)
            ran.append(job.name)
        except Exception as exc:  # one failing job must not stop the others
            log.exception("job %s failed", job.name)
            error = f"{type(exc).__name__}: {exc}"[:2000]
        with database.unit_of_work() as session:
            session.execute(
                update(JobSchedule)
                .where(JobSchedule.name == job.name)
                .values(last_finished_at=clock.now(), last_error=error)
            )
    return ran


class WorkerThread(threading.Thread):
    """The embedded worker inside `closeloop serve`: polls for due jobs until stopped."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        settings: Settings | None = None,
        poll_seconds: float = 5.0,
    ) -> None:
        super().__init__(name="closeloop-worker", daemon=True)
        self.database = database
        self.clock = clock
        self.settings = settings or get_settings()
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                run_due_jobs(self.database, self.clock, settings=self.settings)
            except Exception:
                log.exception("worker iteration failed")
            self.stopping.wait(self.poll_seconds)

    def stop(self) -> None:
        """Ask the loop to finish and wait for it."""
        self.stopping.set()
        self.join(timeout=30)
