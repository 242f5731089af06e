"""Closed tickets as quality inspection samples them (质检抽样来源): who handled each at the front
line, and what makes it risky — an unsatisfied callback, reopens, a complaint, long handling.

A read service for other domains (they never read the ticket tables themselves).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.tickets.models import Ticket, TicketEvent

# The front line's own steps: taking the call, or resolving/escalating a bot hand-over.
FRONT_LINE_ACTIONS = ("create", "resolve", "escalate")


@dataclass(frozen=True)
class HandledTicket:
    """A closed ticket with the people of its front-line steps, in order, and its risk signs."""

    ticket_id: int
    number: str
    type: str
    channel: str
    handlers: tuple[str, ...]
    satisfaction: str | None
    unsatisfied_callbacks: int
    reopen_count: int
    handling_minutes: float
    closed_at: datetime


def closed_between(session: Session, start: datetime, end: datetime) -> list[HandledTicket]:
    """Tickets closed in [start, end), oldest first, with their front-line handlers."""
    tickets = list(
        session.scalars(
            select(Ticket)
            .where(
                Ticket.status == "closed",
                Ticket.closed_at >= start,
                Ticket.closed_at < end,
                Ticket.deleted_at.is_(None),
            )
            .order_by(Ticket.closed_at, Ticket.id)
        )
    )
    handlers: dict[int, list[str]] = {t.id: [] for t in tickets}
    unsatisfied: dict[int, int] = dict.fromkeys(handlers, 0)
    ids = list(handlers)
    for start_at in range(0, len(ids), 1000):
        part = ids[start_at : start_at + 1000]
        events = session.execute(
            select(
                TicketEvent.ticket_id, TicketEvent.actor, TicketEvent.action, TicketEvent.to_status
            )
            .where(TicketEvent.ticket_id.in_(part))
            .order_by(TicketEvent.ticket_id, TicketEvent.id)
        )
        for ticket_id, actor, action, to_status in events:
            if action in FRONT_LINE_ACTIONS and actor not in handlers[ticket_id]:
                handlers[ticket_id].append(actor)
            if action == "callback" and to_status == "expert":
                unsatisfied[ticket_id] += 1
    return [
        HandledTicket(
            t.id,
            t.number,
            t.type,
            t.channel,
            tuple(handlers[t.id]),
            t.satisfaction,
            unsatisfied[t.id],
            t.reopen_count,
            ((t.closed_at or t.created_at) - t.created_at).total_seconds() / 60,
            t.closed_at or t.created_at,
        )
        for t in tickets
    ]
