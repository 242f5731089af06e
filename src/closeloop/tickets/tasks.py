"""The SLA scan as a job of the embedded worker, every minute."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from closeloop.config import get_settings
from closeloop.kit.clock import Clock
from closeloop.tickets.scan import ScanReport, scan_batch
from closeloop.worker.jobs import job


@job("tickets.sla_scan", every=timedelta(minutes=1))
def sla_scan(session: Session, clock: Clock) -> object:
    """Record newly missed deadlines (the work of `closeloop sla scan`, up to 5,000 a minute)."""
    report = ScanReport(at=clock.now())
    scan_batch(session, report.at, get_settings().tz, report, limit=5000)
    return report.as_dict()
