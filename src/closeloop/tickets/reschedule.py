"""Running deadlines follow their calendar (时限重算): when a station's business calendar changes
(next year's holidays imported, opening hours edited) or a station moves to another calendar,
the accept and work deadlines of its dispatched and in-progress tickets are laid out again on
the new calendar; each move audited. (A changed time limit moves nothing: a ticket keeps the
terms it was dispatched with.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, select

from closeloop.auth import audit
from closeloop.organisation.calendar import WorkCalendar
from closeloop.organisation.events import CalendarChanged, StationCalendarChanged
from closeloop.organisation.models import Station
from closeloop.runtime.work import Work
from closeloop.tickets import sla
from closeloop.tickets.deadlines import forget_calendars, refresh
from closeloop.tickets.models import Ticket

RUNNING = ("dispatched", "in_progress")


def move_running_deadlines(work: Work, event: CalendarChanged) -> None:
    """Re-lay the running deadlines of every ticket at a station that uses the calendar."""
    forget_calendars()
    stations = select(Station.code).where(Station.calendar_code == event.calendar)
    at_stations = Ticket.station.in_(stations)
    _relay(work, at_stations, event.before, event.after, event.at, f"calendar {event.calendar}")


def follow_station_calendar(work: Work, event: StationCalendarChanged) -> None:
    """Re-lay the running deadlines of the station's tickets on its new calendar."""
    at_station = Ticket.station == event.station
    _relay(work, at_station, event.before, event.after, event.at, f"station {event.station}")


def _relay(
    work: Work,
    at_stations: ColumnElement[bool],
    before: WorkCalendar,
    after: WorkCalendar,
    now: datetime,
    what: str,
) -> None:
    tickets = work.session.scalars(select(Ticket).where(at_stations, Ticket.status.in_(RUNNING)))
    for ticket in tickets:
        moves = _move(ticket, before, after, now)
        if not moves:
            continue
        refresh(ticket, now)
        audit.record(
            work.session, work.actor, "ticket.deadlines_moved", "ticket", ticket.id,
            f"{ticket.number} {what} changed: " + "; ".join(moves),
            clock=work.clock,
        )  # fmt: skip


def _move(ticket: Ticket, before: WorkCalendar, after: WorkCalendar, now: datetime) -> list[str]:
    """Move the ticket's deadlines that still run; a line 'stage: old → new' for each move."""
    moves: list[str] = []
    for stage in ("accept_due_at", "work_due_at", "prewarn_at"):
        due = getattr(ticket, stage)
        if due is None or (stage == "accept_due_at" and ticket.status != "dispatched"):
            continue
        if stage == "prewarn_at" and ticket.prewarned:
            continue
        moved = sla.relaid(due, now, before, after)
        if moved != due:
            setattr(ticket, stage, moved)
            moves.append(f"{stage.removesuffix('_at')}: {due.isoformat()} → {moved.isoformat()}")
    return moves
