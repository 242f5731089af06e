"""Tickets held by a problem (问题单挂靠): one network fault is fixed once, so its tickets skip
station dispatch while the problem holds them and are replied when it is resolved.

The problem domain calls these; tickets imports nothing of it. `held_by` is the problem's
number: dispatch refuses a held ticket (409), and the hold is written to the ticket's audit.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock
from closeloop.tickets.actions import REPLIABLE_ON_BEHALF, reply_on_behalf
from closeloop.tickets.models import Ticket
from closeloop.tickets.schemas import ReplyBody
from closeloop.tickets.workflow import OPEN_STATUSES


def hold(
    session: Session, actor: Actor, ticket_ids: list[int], reference: str, *, clock: Clock
) -> list[int]:
    """Mark open tickets as held by the problem `reference`; the ids held (closed ones are not)."""
    if not ticket_ids:
        return []
    held = list(
        session.scalars(
            update(Ticket)
            .where(Ticket.id.in_(ticket_ids), Ticket.status.in_(OPEN_STATUSES))
            .values(held_by=reference)
            .returning(Ticket.id),
        )
    )
    for ticket_id in held:
        audit.record(session, actor, "ticket.held", "ticket", ticket_id, reference, clock=clock)
    return sorted(held)


def release(session: Session, actor: Actor, reference: str, *, clock: Clock) -> int:
    """Release every ticket the problem `reference` holds; how many."""
    released = list(
        session.scalars(
            update(Ticket)
            .where(Ticket.held_by == reference)
            .values(held_by=None)
            .returning(Ticket.id)
        )
    )
    for ticket_id in released:
        audit.record(session, actor, "ticket.released", "ticket", ticket_id, reference, clock=clock)
    return len(released)


def reply_all(
    session: Session, actor: Actor, ticket_ids: list[int], body: ReplyBody, *, clock: Clock
) -> list[int]:
    """Reply every one of these tickets still open before `replied` with the cause and
    resolution (their callbacks follow as usual); the ids replied, in id order."""
    if not ticket_ids:
        return []
    tickets = session.scalars(
        select(Ticket)
        .where(Ticket.id.in_(ticket_ids), Ticket.status.in_(REPLIABLE_ON_BEHALF))
        .order_by(Ticket.id)
        .with_for_update()
    ).all()
    return [reply_on_behalf(session, actor, t, body, clock=clock).id for t in tickets]


def held_tickets(session: Session, reference: str) -> list[int]:
    """Ids of the tickets the problem `reference` holds."""
    return list(session.scalars(select(Ticket.id).where(Ticket.held_by == reference)))
