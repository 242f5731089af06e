"""Taking a call at the front line (受理): the contact, the ticket, and the agent's next step.

What the console's intake does as one unit: the call is recorded as a contact on the
customer's timeline, the ticket is opened, and — when the agent says so — resolved on this
contact (first-contact resolution) or escalated to the expert seat. Either all of it happens
or none of it: a refused follow-up leaves no ticket and no contact behind. The same form sent
twice (same Idempotency-Key) opens, records and follows up once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from closeloop.customers.models import Customer
from closeloop.customers.schemas import MAX_CONTACT_SECONDS, ContactIn
from closeloop.customers.service import record_contact
from closeloop.runtime.work import Work
from closeloop.tickets.actions import perform
from closeloop.tickets.models import IdempotencyKey, Ticket
from closeloop.tickets.schemas import TicketIn
from closeloop.tickets.service import create_ticket

FOLLOW_UPS = ("resolve", "escalate")


def take_call(
    work: Work,
    data: TicketIn,
    *,
    follow_up: str | None = None,
    follow_up_body: BaseModel | None = None,
    idempotency_key: str | None = None,
    opened_at: datetime | None = None,
) -> Ticket:
    """The work's actor records the call, opens its ticket and takes the follow-up action,
    all or nothing. `opened_at`, when the intake form was opened, starts the contact: its
    handling time runs from then to now (an instant out of [now − 1 day, now] is ignored)."""
    session, actor, tz, clock = work.session, work.actor, work.tz, work.clock
    if follow_up is not None and (follow_up not in FOLLOW_UPS or follow_up_body is None):
        raise ValueError(f"follow-up must be one of {FOLLOW_UPS} with its body")
    seen_before = bool(idempotency_key) and (
        session.get(IdempotencyKey, (actor.username, idempotency_key)) is not None
    )
    with session.begin_nested():
        ticket, _duplicate = create_ticket(
            session, actor, data, tz=tz, idempotency_key=idempotency_key, clock=clock
        )
        if seen_before:
            return ticket
        if actor.can("contacts.write"):
            customer = session.get(Customer, ticket.customer_id)
            assert customer is not None
            call = ContactIn(
                channel=data.channel,
                summary=f"{ticket.number} {data.title}",
                started_at=_plausible(opened_at, clock.now()),
                ended_at=clock.now(),
            )
            record_contact(session, actor, customer, call, clock=clock)
        if follow_up is not None and follow_up_body is not None:
            perform(
                session,
                actor,
                str(ticket.id),
                follow_up,
                follow_up_body,
                if_match=None,
                tz=tz,
                clock=clock,
            )
    return ticket


def _plausible(opened_at: datetime | None, now: datetime) -> datetime:
    """When the call began: the form's opening time if it is believable, else now."""
    if opened_at is None or opened_at.tzinfo is None:
        return now
    if now - timedelta(seconds=MAX_CONTACT_SECONDS) <= opened_at <= now:
        return opened_at
    return now
