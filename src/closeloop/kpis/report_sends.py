"""The record of reports mailed (报告发送记录) and when the schedule is due.

The schedule sends last month's report on the 1st of a month (the operator's time zone) and, on
the first day of a quarter, the last quarter's too — or within CATCH_UP_DAYS after, should no
worker have run that day. A scheduled send first claims its period (a unique row), so a restart
or a second worker never sends it twice; the claim is released when the mail fails, and taken
over when it is older than STALE without a send (a worker died mid-way)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock
from closeloop.kpis.models import ReportSend
from closeloop.kpis.named_periods import NamedPeriod, month_of, quarter_of

CATCH_UP_DAYS = 3
STALE = timedelta(hours=1)
SCHEDULE = Actor(
    username="report-schedule", roles=("system",), permissions=frozenset({"kpis.read"})
)


def due(today: date) -> list[NamedPeriod]:
    """The periods the schedule sends on a day: last month, and last quarter on a quarter's
    first days; none after the first CATCH_UP_DAYS of a month."""
    if today.day > CATCH_UP_DAYS:
        return []
    periods = [month_of(today).previous()]
    if today.month in (1, 4, 7, 10):
        periods.append(quarter_of(today).previous())
    return periods


def claim(session: Session, period: NamedPeriod, now: datetime) -> int | None:
    """Claim a scheduled period for this worker: the claim's id, or None when it was sent or
    another worker holds it."""
    row = session.scalar(select(ReportSend).where(ReportSend.schedule_key == period.name))
    if row is not None:
        if row.sent_at is not None or now - row.claimed_at < STALE:
            return None
        row.claimed_at = now  # a worker died after claiming: take it over
        session.flush()
        return row.id
    row = ReportSend(period=period.name, schedule_key=period.name, recipients=[],
                     sent_by=SCHEDULE.username, claimed_at=now)  # fmt: skip
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None  # another worker claimed it first
    return row.id


def release(session: Session, claim_id: int) -> None:
    """Give a claim back after the mail failed: the next run tries again."""
    row = session.get(ReportSend, claim_id)
    if row is not None and row.sent_at is None:
        session.delete(row)
        session.flush()


def sent(
    session: Session, claim_id: int | None, period: NamedPeriod, recipients: list[str],
    actor: Actor, clock: Clock,
) -> int:  # fmt: skip
    """Record a report mailed (a claim, or a send by hand when `claim_id` is None), audited."""
    row = session.get(ReportSend, claim_id) if claim_id is not None else None
    if row is None:
        row = ReportSend(period=period.name, schedule_key=None, sent_by=actor.username,
                         claimed_at=clock.now())  # fmt: skip
        session.add(row)
    row.recipients, row.sent_at = list(recipients), clock.now()
    session.flush()
    audit.record(session, actor, "kpi.report_sent", "kpi_report", period.name,
                 f"{period.name} → {', '.join(recipients)}", clock=clock)  # fmt: skip
    return row.id


def sends_of(session: Session, period: str) -> list[ReportSend]:
    """Every send of a period, oldest first."""
    query = select(ReportSend).where(ReportSend.period == period).order_by(ReportSend.id)
    return list(session.scalars(query))
