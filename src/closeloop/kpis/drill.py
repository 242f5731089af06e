"""From a number to the tickets behind it (指标下钻): the tickets whose events a KPI counted
in a period, for one group, and whether they count in the numerator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from closeloop.kpis import facts
from closeloop.kpis.periods import TIME_GROUPINGS, Period, buckets
from closeloop.tickets.models import Ticket


@dataclass(frozen=True)
class Behind:
    """A ticket a KPI counted: how many of its events, and how much it added to the numerator."""

    ticket_id: int
    number: str
    status: str
    title: str
    last_at: datetime
    events: int
    numerator: float


def tickets_behind(
    session: Session,
    code: str,
    period: Period,
    by: str | None = None,
    group: str | None = None,
    *,
    limit: int = 200,
) -> list[Behind]:
    """The tickets behind a KPI's value for the period (and one group of a grouping)."""
    if code not in facts.FACTS:
        return []
    start, end = period.start, period.end
    if by in TIME_GROUPINGS and group:
        chosen = [b for b in buckets(period, by) if b.label == group]
        if chosen:
            start, end = chosen[0].start, chosen[0].end
    dialect = session.get_bind().dialect.name
    rows = facts.FACTS[code](facts.Scope(start, end, dialect=dialect)).subquery()
    where: list[ColumnElement[bool]] = [rows.c.ticket.is_not(None)]
    if by is not None and by not in TIME_GROUPINGS:
        where.append(rows.c[by] == group if group else rows.c[by].is_(None))
    per_ticket = (
        select(
            rows.c.ticket,
            func.max(rows.c.at).label("last_at"),
            func.count().label("events"),
            func.sum(rows.c.num).label("num"),
        )
        .where(*where)
        .group_by(rows.c.ticket)
        .subquery()
    )
    query = (
        select(Ticket.id, Ticket.number, Ticket.status, Ticket.title, per_ticket.c.last_at,
               per_ticket.c.events, per_ticket.c.num)
        .join(per_ticket, per_ticket.c.ticket == Ticket.id)
        .order_by(per_ticket.c.last_at.desc(), Ticket.id.desc())
        .limit(limit)
    )  # fmt: skip
    return [
        Behind(ticket_id, number, status, title, last_at, int(events), float(num or 0))
        for ticket_id, number, status, title, last_at, events, num in session.execute(query)
    ]
