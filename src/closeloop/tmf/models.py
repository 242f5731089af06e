"""Tables of the TM Forum façade: ticket attributes TMF adds, clients, hub subscriptions,
the event outbox and its delivery log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from closeloop.db.base import Base, UTCDateTime


class TmfTicket(Base):
    """TMF621 attributes a native ticket has no column for (ticketType, externalId, name)."""

    __tablename__ = "tmf_tickets"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    ticket_type: Mapped[str] = mapped_column(String(64), index=True)
    external_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)


class TmfClient(Base):
    """A machine client (OSS/BSS system): a user with role `client` and its scopes."""

    __tablename__ = "tmf_clients"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    scopes: Mapped[str] = mapped_column(String(200))  # comma-separated
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TmfSubscription(Base):
    """A hub registration: events of one API are posted to `callback`, signed with `secret`."""

    __tablename__ = "tmf_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    api: Mapped[str] = mapped_column(String(32), index=True)
    callback: Mapped[str] = mapped_column(String(500))
    query: Mapped[str | None] = mapped_column(String(500), nullable=True)
    secret: Mapped[str] = mapped_column(String(128))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TmfEvent(Base):
    """An event written in the same transaction as the change; `sequence` orders a resource's."""

    __tablename__ = "tmf_events"
    __table_args__ = (Index("ix_tmf_events_resource", "api", "resource_id", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    api: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str] = mapped_column(String(64))
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)  # JSON
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TmfDelivery(Base):
    """One event owed to one subscriber: pending until delivered, dead after N attempts."""

    __tablename__ = "tmf_deliveries"
    __table_args__ = (Index("ix_tmf_deliveries_status", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("tmf_events.id", ondelete="CASCADE"))
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("tmf_subscriptions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class TmfDeliveryAttempt(Base):
    """The delivery log: every attempt, its HTTP status or error."""

    __tablename__ = "tmf_delivery_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("tmf_deliveries.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
