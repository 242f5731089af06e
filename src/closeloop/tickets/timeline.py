"""Tickets and their history on the customer's timeline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.customers.models import Customer
from closeloop.customers.schemas import TimelineEntry
from closeloop.customers.timeline import newest_first
from closeloop.tickets.models import Ticket, TicketEvent


def ticket_events_source(
    session: Session, customer: Customer, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    """Every step of the customer's tickets."""
    query = (
        select(TicketEvent, Ticket.number, Ticket.title)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(Ticket.customer_id == customer.id)
    )
    query = newest_first(query, TicketEvent.at, TicketEvent.id, before=before, limit=limit)
    return [
        TimelineEntry(
            kind="ticket",
            id=str(event.id),
            at=event.at,
            title=f"{number} {title}"[:80],
            detail={
                "ticket_id": str(event.ticket_id),
                "number": number,
                "action": event.action,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "station": event.station,
                "actor": event.actor,
                "note": event.note,
            },
        )
        for event, number, title in session.execute(query)
    ]
