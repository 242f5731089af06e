"""Keeping a ticket's deadlines: station terms, missed deadlines recorded once, next SLA check."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.db.upsert import insert_ignore
from closeloop.organisation.calendar import WorkCalendar
from closeloop.organisation.models import Station
from closeloop.organisation.service import load_calendar
from closeloop.runtime.work import Work
from closeloop.tickets import compensation, sla
from closeloop.tickets.events import DeadlineMissed, DeadlineNearing
from closeloop.tickets.models import Breach, Ticket

NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)
_CALENDAR_TTL = 300.0
_calendars: dict[str, tuple[float, WorkCalendar]] = {}
_lock = threading.Lock()


def station_calendar(session: Session, code: str) -> WorkCalendar:
    """A business calendar, cached for a few minutes (holidays rarely change)."""
    with _lock:
        cached = _calendars.get(code)
    if cached and time.monotonic() - cached[0] < _CALENDAR_TTL:
        return cached[1]
    calendar = load_calendar(session, code)
    with _lock:
        _calendars[code] = (time.monotonic(), calendar)
    return calendar


def forget_calendars() -> None:
    """Drop cached calendars (after they change)."""
    with _lock:
        _calendars.clear()


def station_terms(session: Session, station: Station, severity: str) -> sla.StationTerms:
    """A station's accept time, time limit for the severity, and calendar."""
    return sla.StationTerms(
        accept_minutes=station.accept_minutes,
        limit_minutes=station.limit_minutes(severity),
        calendar=station_calendar(session, station.calendar_code),
    )


def deadlines_of(ticket: Ticket) -> sla.Deadlines:
    """The deadlines that run for the ticket in its current status."""
    return sla.Deadlines(
        status=ticket.status,
        accept_due_at=ticket.accept_due_at,
        work_due_at=ticket.work_due_at,
        prewarn_at=ticket.prewarn_at,
        callback_due_at=ticket.callback_due_at,
        resolution_due_at=ticket.resolution_due_at,
        prewarned=ticket.prewarned,
    )


def refresh(ticket: Ticket, at: datetime) -> None:
    """Set the queue deadline and the next time the SLA scan must look at the ticket."""
    deadlines = deadlines_of(ticket)
    ticket.due_at = deadlines.current_due()
    ticket.sort_due_at = sla.queue_key(ticket.due_at, ticket.priority or 0, NO_DEADLINE)
    ticket.sla_next_at = deadlines.next_after(at)


def _charged_station(ticket: Ticket, stage: str) -> str | None:
    if stage in ("accept", "work"):
        return ticket.station
    if stage == "resolution" and ticket.status in ("dispatched", "in_progress", "pending"):
        return ticket.station
    return None


def record_missed(session: Session, ticket: Ticket, at: datetime) -> list[str]:
    """Record every deadline missed by `at` (once, whoever looks first); the stages recorded.

    A pre-warning and each breach are raised as events (care tells the station and the
    supervisors); a missed resolution promise proposes a compensation.
    """
    recorded: list[str] = []
    missed = deadlines_of(ticket).missed(at)
    if not missed:
        return recorded
    work = Work.of(session)
    for stage, due in missed:
        if stage == "prewarn":
            ticket.prewarned = True
            work.publish(DeadlineNearing(at=at, ticket=ticket, due=ticket.work_due_at or due))
            recorded.append(stage)
            continue
        if stage == "work" and _work_missed_already(session, ticket):
            continue
        charged = _charged_station(ticket, stage)
        inserted = insert_ignore(
            session,
            Breach,
            {
                "ticket_id": ticket.id,
                "stage": stage,
                "station": charged,
                "due_at": due,
                "detected_at": at,
            },
        )
        if not inserted:
            continue
        ticket.breach_count += 1
        recorded.append(stage)
        work.publish(DeadlineMissed(at=at, ticket=ticket, stage=stage, due=due, charged_to=charged))
        if stage == "resolution":
            compensation.propose(
                session, ticket.id, ticket.customer_id, ticket.type, ticket.severity, due, at
            )
    return recorded


def _work_missed_already(session: Session, ticket: Ticket) -> bool:
    """Whether the station already missed its time limit for this dispatch: a late ticket
    that is held and resumed restarts with no time left, and is not charged a second time."""
    if ticket.dispatched_at is None:
        return False
    found = session.scalar(
        select(Breach.id)
        .where(
            Breach.ticket_id == ticket.id,
            Breach.stage == "work",
            Breach.due_at > ticket.dispatched_at,
        )
        .limit(1)
    )
    return found is not None
