"""The SLA scan (超时扫描): record each newly missed deadline once, even with several workers.

Only tickets whose `sla_next_at` has come are read (an indexed column), in batches. On
PostgreSQL a batch is claimed with FOR UPDATE SKIP LOCKED, so concurrent scanners take
different tickets; on SQLite the scan holds the write lock. The unique key on breaches is the
last guard: a breach is never recorded twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.db.engine import Database
from closeloop.tickets.deadlines import record_missed, refresh
from closeloop.tickets.models import Ticket

BATCH = 500


@dataclass
class ScanReport:
    """What a scan did."""

    at: datetime
    examined: int = 0
    breaches: Counter[str] = field(default_factory=Counter)
    prewarnings: int = 0

    def as_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "at": self.at.isoformat(),
            "examined": self.examined,
            "breaches": sum(self.breaches.values()),
            "by_stage": dict(sorted(self.breaches.items())),
            "prewarnings": self.prewarnings,
        }


def scan_batch(
    session: Session, at: datetime, tz: ZoneInfo, report: ScanReport, limit: int = BATCH
) -> int:
    """Evaluate up to `limit` tickets whose next deadline has come; how many were examined."""
    query = (
        select(Ticket)
        .where(Ticket.sla_next_at.is_not(None), Ticket.sla_next_at <= at)
        .order_by(Ticket.sla_next_at, Ticket.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    tickets = list(session.scalars(query))
    for ticket in tickets:
        for stage in record_missed(session, ticket, at):
            if stage == "prewarn":
                report.prewarnings += 1
            else:
                report.breaches[stage] += 1
        refresh(ticket, at)
    report.examined += len(tickets)
    return len(tickets)


def scan(database: Database, at: datetime, tz: ZoneInfo) -> ScanReport:
    """Evaluate every ticket with a deadline due by `at`; record what was newly missed."""
    report = ScanReport(at=at)
    while True:
        with database.unit_of_work() as session:
            examined = scan_batch(session, at, tz, report)
        if examined < BATCH:
            return report
