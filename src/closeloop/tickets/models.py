"""Tickets (工单), their history, station visits, breaches, numbering, idempotency keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from closeloop.db.base import Base, UTCDateTime


class Ticket(Base):
    """A work order moving through the front line, the expert seat and back-end stations."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_queue", "status", "sort_due_at", "id"),
        Index("ix_tickets_station_queue", "station", "status", "sort_due_at", "id"),
        # a station's queue over several statuses walks this in deadline order and stops early
        Index("ix_tickets_station_due", "station", "sort_due_at", "id"),
        Index("ix_tickets_customer", "customer_id", "category", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    channel: Mapped[str] = mapped_column(String(16))
    type: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(ForeignKey("categories.code"), index=True)
    severity: Mapped[str] = mapped_column(String(8))
    # the customer's segment priority at intake (0 = none; VIPs higher): it moves the ticket
    # ahead in queues by a lead per level (tickets.sla.QUEUE_LEAD_PER_PRIORITY)
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    cell_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    address: Mapped[str | None] = mapped_column(String(200), nullable=True)
    station: Mapped[str | None] = mapped_column(ForeignKey("stations.code"), nullable=True)
    assignee: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_by: Mapped[str] = mapped_column(String(64))
    dispatched_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    accept_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    work_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    prewarn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    prewarned: Mapped[bool] = mapped_column(Boolean, default=False)
    work_remaining_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    callback_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolution_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sort_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sla_next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    cause_code: Mapped[str | None] = mapped_column(ForeignKey("causes.code"), nullable=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)
    satisfaction: Mapped[str | None] = mapped_column(String(24), nullable=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    # rows in ticket_breaches: a ticket never late is shown without reading them
    breach_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_contact_resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # soft delete (TMF621 DELETE): kept for audit, hidden from every list and read
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # the problem (问题单) holding this ticket: fixed once for all its tickets, so no station
    # dispatch while set; its resolution replies the ticket (tickets.holds)
    held_by: Mapped[str | None] = mapped_column(String(24), nullable=True)
    # the technician's visit window (上门预约) the station set on accept or later
    appointment_start: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    appointment_end: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    history: Mapped[list[TicketEvent]] = relationship(
        order_by="TicketEvent.id", lazy="raise", cascade="all, delete-orphan"
    )
    breaches: Mapped[list[Breach]] = relationship(
        order_by="Breach.id", lazy="raise", cascade="all, delete-orphan"
    )


class TicketEvent(Base):
    """One successful action on a ticket: who, what, from and to which status, where, why."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        Index("ix_ticket_events_ticket", "ticket_id", "id"),
        # the KPI facts' "latest dispatch before this entry" reads the index alone
        Index("ix_ticket_events_ticket_action", "ticket_id", "action", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str] = mapped_column(String(16))
    station: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    charged_to: Mapped[str | None] = mapped_column(String(64), nullable=True)


class TicketStationVisit(Base):
    """A station a ticket was ever dispatched to (station staff see exactly these tickets)."""

    __tablename__ = "ticket_station_visits"
    __table_args__ = (Index("ix_ticket_station_visits_station", "station", "ticket_id"),)

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    station: Mapped[str] = mapped_column(ForeignKey("stations.code"), primary_key=True)


class Breach(Base):
    """A missed deadline (超时), recorded once, charged to a station where one was responsible."""

    __tablename__ = "ticket_breaches"
    __table_args__ = (UniqueConstraint("ticket_id", "stage", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(16))
    station: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class TicketSequence(Base):
    """The last ticket number handed out on a local day (TT + YYYYMMDD + 6 digits)."""

    __tablename__ = "ticket_sequences"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class IdempotencyKey(Base):
    """An Idempotency-Key a user sent with a create, and what it created."""

    __tablename__ = "idempotency_keys"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    body_hash: Mapped[str] = mapped_column(String(64))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
