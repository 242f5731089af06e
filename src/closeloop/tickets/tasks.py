"""The SLA scan as a job of the embedded worker, every minute."""

from __future__ import annotations

from sqlalchemy.orm import Session

from closeloop.kit.clock import Clock
from closeloop.runtime.work import Work
from closeloop.tickets.scan import ScanReport, scan_batch


def sla_scan(session: Session, clock: Clock) -> object:
    """Record newly missed deadlines (the work of `closeloop sla scan`, up to 5,000 a minute)."""
    report = ScanReport(at=clock.now())
    scan_batch(session, report.at, Work.of(session).tz, report, limit=5000)
    return report.as_dict()
