"""Taking a call at the front line (受理): the contact, the ticket, and the agent's next step.

What the console's intake does as one unit: the call is recorded as a contact on the
customer's timeline, the ticket is opened, and — when the agent says so — resolved on this
contact (first-contact resolution) or escalated to the expert seat. Either all of it happens
or none of it: a refused follow-up leaves no ticket and no contact behind. The same form sent
twice (same Idempotency-Key) opens, records and follows up once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel

from closeloop.customers.choices import CHANNELS
from closeloop.customers.models import Contact, Customer
from closeloop.customers.schemas import MAX_CONTACT_SECONDS, ContactIn
from closeloop.customers.service import link_ticket, record_contact
from closeloop.kit.errors import InvalidInput, NotFound
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
    from_contact: int | None = None,
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
        if from_contact is not None:
            _link(work, ticket, from_contact)
        elif actor.can("contacts.write"):
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


def _link(work: Work, ticket: Ticket, contact_id: int) -> None:
    """The ticket was opened from an incoming contact of its customer: link them."""
    contact = work.session.get(Contact, contact_id)
    if contact is None or contact.customer_id != ticket.customer_id:
        raise InvalidInput.field("contact_id", "the contact is not this customer's")
    link_ticket(work.session, work.actor, contact, ticket.id, clock=work.clock)


@dataclass(frozen=True)
class StartingPoint:
    """What the intake form starts from when an incoming contact opens it (受理来源)."""

    contact_id: int
    msisdn: str
    channel: str
    title: str
    description: str


def starting_point(work: Work, contact_id: int) -> StartingPoint:
    """The customer, channel and text of an incoming contact, for the intake form (404 none)."""
    work.actor.require("contacts.write")
    contact = work.session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"no contact {contact_id}")
    customer = work.session.get(Customer, contact.customer_id)
    assert customer is not None
    text = (
        contact.summary.split("：", 1)[-1].strip()
        if "：" in contact.summary[:8]
        else (contact.summary.strip())
    )
    channel = contact.channel if contact.channel in CHANNELS.codes else "hotline"
    return StartingPoint(
        contact.id, customer.msisdn, channel, text.splitlines()[0][:60] if text else "", text
    )


def _plausible(opened_at: datetime | None, now: datetime) -> datetime:
    """When the call began: the form's opening time if it is believable, else now."""
    if opened_at is None or opened_at.tzinfo is None:
        return now
    if now - timedelta(seconds=MAX_CONTACT_SECONDS) <= opened_at <= now:
        return opened_at
    return now
