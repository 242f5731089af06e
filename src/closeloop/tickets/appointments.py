"""A technician's visit (上门预约): the station holding an accepted ticket sets the window on
accept or later; validated by `appointment_rules`, audited, on the ticket's history, and the
customer is told (care listens to `AppointmentSet`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock
from closeloop.kit.errors import Conflict, Forbidden, InvalidInput, PreconditionFailed
from closeloop.organisation.models import Station
from closeloop.runtime.work import Work
from closeloop.tickets import history
from closeloop.tickets.appointment_rules import window_problem, window_text
from closeloop.tickets.deadlines import station_calendar
from closeloop.tickets.events import AppointmentSet
from closeloop.tickets.models import Ticket
from closeloop.tickets.schemas import AppointmentIn
from closeloop.tickets.service import load_ticket
from closeloop.tickets.workflow import STATION_ROLE

# statuses in which the station has accepted the ticket and still works it
ACCEPTED = frozenset({"in_progress", "pending"})
SETTERS = frozenset({STATION_ROLE, "supervisor"})


def may_set(actor: Actor, status: str, station: str | None) -> bool:
    """Whether the actor may set the visit of a ticket in this status at this station now
    (the console shows the form then)."""
    if status not in ACCEPTED:
        return False
    if "supervisor" in actor.roles:
        return True
    return STATION_ROLE in actor.roles and actor.station == station


def place(session: Session, ticket: Ticket, window: AppointmentIn, now: datetime) -> str:
    """Check the window against the station's hours and put it on the ticket; its text."""
    station = session.get(Station, ticket.station) if ticket.station else None
    calendar = station_calendar(session, station.calendar_code) if station else None
    problem = window_problem(window.start, window.end, now, calendar)
    if problem is not None:
        raise InvalidInput.field(["appointment", problem[0]], problem[1])
    ticket.appointment_start, ticket.appointment_end = window.start, window.end
    tz = calendar.tz if calendar else None
    return window_text(window.start, window.end, tz) if tz else window.start.isoformat()


def set_appointment(
    work: Work, ticket_id: str, window: AppointmentIn, *, if_match: int | None, clock: Clock
) -> Ticket:
    """Set or move the visit window: 404 unseen ticket, 403 not its station, 412 stale version,
    409 not accepted, 422 a window in the past or outside business hours (naming the field)."""
    session, actor = work.session, work.actor
    ticket = load_ticket(session, actor, ticket_id, lock=True)
    if not set(actor.roles) & SETTERS:
        raise Forbidden("only the station holding the ticket sets the technician's visit")
    if if_match is not None and if_match != ticket.version:
        raise PreconditionFailed(
            f"ticket changed since version {if_match}; it is now version {ticket.version}",
            extra={"current_version": ticket.version, "current_status": ticket.status},
        )
    if ticket.status not in ACCEPTED:
        raise Conflict(f"a visit is set once the station accepted the ticket, not {ticket.status}")
    if not may_set(actor, ticket.status, ticket.station):
        raise Forbidden(f"only staff of station {ticket.station} set this ticket's visit")
    now = clock.now()
    text = place(session, ticket, window, now)
    ticket.version += 1
    ticket.updated_at = now
    note = f"上门预约：{text}"
    history.append(session, history.Entry(
        ticket.id, now, actor.username, "appointment", ticket.status, ticket.status,
        station=ticket.station, note=note,
    ))  # fmt: skip
    audit.record(
        session, actor, "ticket.appointment", "ticket", ticket.id, f"{ticket.number} {note}",
        clock=clock,
    )  # fmt: skip
    session.flush()
    work.publish(AppointmentSet(at=now, ticket=ticket))
    return ticket
