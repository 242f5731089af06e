"""Remarks on a ticket's timeline (工单备注) from another channel: a mail the customer sent on
the ticket, an answer mailed to them, an attachment refused. The status does not change."""

from __future__ import annotations

from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import NotFound
from closeloop.tickets import history
from closeloop.tickets.models import Ticket

REMARKS = ("mail_in", "mail_out", "note")


def add_remark(
    session: Session,
    actor: Actor,
    ticket_id: int,
    action: str,
    note: str,
    *,
    clock: Clock = system_clock,
) -> None:
    """Write a remark (`mail_in`, `mail_out` or `note`) on the ticket's timeline, audited."""
    if action not in REMARKS:
        raise ValueError(f"not a remark: {action}")
    ticket = session.get(Ticket, ticket_id)
    if ticket is None or ticket.deleted_at is not None:
        raise NotFound(f"no ticket {ticket_id}")
    now = clock.now()
    history.append(
        session,
        history.Entry(ticket.id, now, actor.username, action, ticket.status, ticket.status,
                      station=ticket.station, note=note),
    )  # fmt: skip
    audit.record(session, actor, f"ticket.{action}", "ticket", ticket.id, note[:200], clock=clock)


def ticket_customer(session: Session, ticket_id: int) -> int | None:
    """The customer of a ticket that can still take remarks (None when it is gone)."""
    ticket = session.get(Ticket, ticket_id)
    return None if ticket is None or ticket.deleted_at is not None else ticket.customer_id
