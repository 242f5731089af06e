"""Listeners told of every ticket change in its transaction (e.g. TM Forum hub events)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from closeloop.tickets.models import Ticket

# (session, ticket after the change, action, status before or None on create, when)
TicketListener = Callable[[Session, Ticket, str, str | None, datetime], None]

_listeners: list[TicketListener] = []


def on_ticket_change(listener: TicketListener) -> TicketListener:
    """Register a listener (once per function)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def announce(
    session: Session, ticket: Ticket, action: str, from_status: str | None, at: datetime
) -> None:
    """Tell every listener about a change, inside the change's transaction."""
    for listener in _listeners:
        listener(session, ticket, action, from_status, at)
