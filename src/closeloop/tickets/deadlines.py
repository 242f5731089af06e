"""Keeping a ticket's deadlines: station terms, missed deadlines recorded once, next SLA check."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.care.outbox import notify_staff
from closeloop.db.upsert import insert_ignore
from closeloop.organisation.calendar import WorkCalendar
from closeloop.organisation.models import Station
from closeloop.organisation.service import load_calendar
from closeloop.tickets import compensation, sla
from closeloop.tickets.models import Breach, Ticket
from closeloop.tickets.notices import breach_text, prewarn_text

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
    ticket.sort_due_at = ticket.due_at or NO_DEADLINE
    ticket.sla_next_at = deadlines.next_after(at)


def _charged_station(ticket: Ticket, stage: str) -> str | None:
    if stage in ("accept", "work"):
        return ticket.station
    if stage == "resolution" and ticket.status in ("dispatched", "in_progress", "pending"):
        return ticket.station
    return None


def record_missed(session: Session, ticket: Ticket, at: datetime, tz: ZoneInfo) -> list[str]:
    """Record every deadline missed by `at` (once, whoever looks first); the stages recorded.

    A pre-warning and each breach notify the station and the supervisors through the outbox;
    a missed resolution promise proposes a compensation.
    """
    recorded: list[str] = []
    missed = deadlines_of(ticket).missed(at)
    if not missed:
        return recorded
    station = session.get(Station, ticket.station) if ticket.station else None
    station_name = station.name if station else None
    for stage, due in missed:
        if stage == "prewarn":
            ticket.prewarned = True
            text = prewarn_text(ticket.number, station_name or "", ticket.work_due_at or due, tz)
            _notify(session, ticket, text, "sla_prewarning", at)
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
        _notify(
            session,
            ticket,
            breach_text(ticket.number, stage, station_name if charged else None, due, tz),
            "sla_breach",
            at,
        )
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


def _notify(session: Session, ticket: Ticket, text: str, rule: str, at: datetime) -> None:
    if ticket.station and ticket.status in ("dispatched", "in_progress", "pending"):
        notify_staff(session, f"station:{ticket.station}", rule, text, at, ticket_id=ticket.id)
    notify_staff(session, "role:supervisor", rule, text, at, ticket_id=ticket.id)
