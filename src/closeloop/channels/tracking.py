"""The customer's ticket tracking page (工单进度查询): what a signed link shows of one ticket —
number, stage in words, the promised time, the masked number — and the customer adding
information, which lands on the ticket's history and tells the station holding it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.care.outbox import notify_staff
from closeloop.customers.models import Customer
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock
from closeloop.kit.errors import Conflict, NotFound
from closeloop.kit.masking import mask_msisdn
from closeloop.organisation.models import Station
from closeloop.tickets.edits import Note, add_notes
from closeloop.tickets.service import history_of
from closeloop.tickets.tracking import ticket_of, tracked

CUSTOMER = Actor(username="customer", roles=("system",))
FINISHED = ("closed", "cancelled")
AT_STATION = ("dispatched", "in_progress", "pending")


@dataclass(frozen=True)
class Step:
    """A change of stage the customer sees."""

    at: datetime
    status: str


@dataclass(frozen=True)
class TrackedTicket:
    """What the tracking page shows of a ticket (nothing of the customer but the masked number)."""

    ticket_id: int
    number: str
    status: str
    title: str
    station_name: str | None
    promised_at: datetime | None
    masked_msisdn: str
    created_at: datetime
    steps: list[Step]
    # the technician's visit window (上门预约), while the ticket is open
    visit_start: datetime | None = None
    visit_end: datetime | None = None

    @property
    def open(self) -> bool:
        """Whether the customer may still add information."""
        return self.status not in FINISHED


def _ticket_id(token: str, secret: str) -> int:
    found = ticket_of(token, secret)
    if found is None:
        raise NotFound("no ticket for this link; check that it was copied whole")
    return found


def find(session: Session, token: str, secret: str) -> TrackedTicket:
    """The ticket a tracking link names (404 for a link we did not sign)."""
    return progress_of(session, _ticket_id(token, secret))


def progress_of(session: Session, ticket_id: int) -> TrackedTicket:
    """What the customer is shown of a ticket: its stages, station, promise and visit (404
    when there is no such ticket)."""
    ticket = tracked(session, ticket_id)
    if ticket is None:
        raise NotFound("no ticket for this link; check that it was copied whole")
    msisdn = session.scalar(select(Customer.msisdn).where(Customer.id == ticket.customer_id))
    station = (
        session.scalar(select(Station.name).where(Station.code == ticket.station))
        if ticket.station
        else None
    )
    steps = [
        Step(e.at, e.to_status)
        for e in history_of(session, [ticket.id]).get(ticket.id, [])
        if e.to_status and (e.from_status != e.to_status or e.action == "create")
    ]
    return TrackedTicket(
        ticket_id=ticket.id,
        number=ticket.number,
        status=ticket.status,
        title=ticket.title,
        station_name=station,
        promised_at=None if ticket.status in FINISHED else ticket.resolution_due_at,
        masked_msisdn=mask_msisdn(msisdn or ""),
        created_at=ticket.created_at,
        steps=steps,
        visit_start=None if ticket.status in FINISHED else ticket.appointment_start,
        visit_end=None if ticket.status in FINISHED else ticket.appointment_end,
    )


def add_information(
    session: Session, token: str, secret: str, text: str, clock: Clock
) -> TrackedTicket:
    """The customer adds information: a note on the ticket's history, a notice to the station
    holding it (else the supervisors); 409 once the ticket is finished."""
    found = find(session, token, secret)
    if not found.open:
        raise Conflict("this ticket is finished; call the hotline to open a new one")
    ticket = tracked(session, found.ticket_id)
    assert ticket is not None
    now = clock.now()
    add_notes(session, CUSTOMER, ticket, [Note("customer", f"客户补充：{text}")], now)
    recipient = (
        f"station:{ticket.station}"
        if ticket.station and ticket.status in AT_STATION
        else "role:supervisor"
    )
    message = f"【客户补充】工单{ticket.number}：{text[:200]}"
    notify_staff(session, recipient, "customer_information", message, now, ticket_id=ticket.id)
    audit.record(session, CUSTOMER, "ticket.customer_information", "ticket", ticket.id, clock=clock)
    return found
