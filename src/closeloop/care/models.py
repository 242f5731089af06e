"""The notification outbox and customers' opt-outs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from closeloop.db.base import Base, UTCDateTime


class Notification(Base):
    """A message waiting in (or sent from) the outbox — to a customer, a station or a role.

    Written in the same transaction as the change it tells about; the worker sends it.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_msisdn_rule", "msisdn", "rule"),
        Index("ix_notifications_status_send_after", "status", "send_after"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), nullable=True
    )
    msisdn: Mapped[str | None] = mapped_column(String(11), nullable=True)
    recipient: Mapped[str] = mapped_column(String(64), default="customer")
    channel: Mapped[str] = mapped_column(String(16), default="sms")
    rule: Mapped[str] = mapped_column(String(32))
    period: Mapped[str | None] = mapped_column(String(7), nullable=True)
    threshold: Mapped[int | None] = mapped_column(Integer, nullable=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), nullable=True, index=True
    )
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class OptOut(Base):
    """A customer's choice not to receive notices of one rule (退订)."""

    __tablename__ = "notification_optouts"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    rule: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
