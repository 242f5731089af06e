"""Tickets as arrivals in places (工单到达): what burst detection and network feedback read —
when, where (region, cell) and in which category tickets were opened, and linked tickets' rows.
Read-only and set-based; other domains read tickets through these, never the model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.tickets.models import Ticket


@dataclass(frozen=True)
class Arrival:
    """One ticket as a point in time and space."""

    id: int
    created_at: datetime
    region: str | None
    cell_id: str | None
    category: str


@dataclass(frozen=True)
class PlaceCount:
    """How many tickets of a category were opened in a place (cell may be None)."""

    region: str | None
    cell_id: str | None
    category: str
    count: int


@dataclass(frozen=True)
class TicketRow:
    """A linked ticket as a problem's page lists it."""

    id: int
    number: str
    status: str
    customer_id: int
    category: str
    region: str | None
    cell_id: str | None
    created_at: datetime
    held_by: str | None


_LIVE = Ticket.deleted_at.is_(None)


def arrivals(session: Session, since: datetime, until: datetime) -> list[Arrival]:
    """Every ticket opened in [since, until), oldest first."""
    rows = session.execute(
        select(Ticket.id, Ticket.created_at, Ticket.region, Ticket.cell_id, Ticket.category)
        .where(Ticket.created_at >= since, Ticket.created_at < until, _LIVE)
        .order_by(Ticket.created_at, Ticket.id)
    )
    return [Arrival(*row) for row in rows]


def counts_by_place(session: Session, since: datetime, until: datetime) -> list[PlaceCount]:
    """Tickets opened in [since, until) by region, cell and category (one GROUP BY)."""
    rows = session.execute(
        select(Ticket.region, Ticket.cell_id, Ticket.category, func.count())
        .where(Ticket.created_at >= since, Ticket.created_at < until, _LIVE)
        .group_by(Ticket.region, Ticket.cell_id, Ticket.category)
    )
    return [PlaceCount(*row) for row in rows]


def opening_times(session: Session, since: datetime, until: datetime, limit: int) -> list[datetime]:
    """When the latest `limit` tickets of [since, until) were opened (a sample for the daily
    profile of arrivals)."""
    return list(
        session.scalars(
            select(Ticket.created_at)
            .where(Ticket.created_at >= since, Ticket.created_at < until, _LIVE)
            .order_by(Ticket.created_at.desc())
            .limit(limit)
        )
    )


def ticket_rows(session: Session, ticket_ids: list[int]) -> list[TicketRow]:
    """These tickets as rows, in id order (one query)."""
    if not ticket_ids:
        return []
    rows = session.execute(
        select(
            Ticket.id, Ticket.number, Ticket.status, Ticket.customer_id, Ticket.category,
            Ticket.region, Ticket.cell_id, Ticket.created_at, Ticket.held_by,
        )
        .where(Ticket.id.in_(ticket_ids), _LIVE)
        .order_by(Ticket.id)
    )  # fmt: skip
    return [TicketRow(*row) for row in rows]
