"""The notification outbox, receipts, opt-outs, rules as data, and the usage state of care."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from closeloop.db.base import Base, UTCDateTime


class Notification(Base):
    """A message waiting in (or sent from) the outbox — to a customer, a station or a role.

    Written in the same transaction as the change it tells about; the worker sends it.
    Statuses: pending (due at `send_after`; quiet hours push it to 08:00), held (kept back by
    the daily cap, never sent), sending, sent, delivered, undelivered (a negative receipt),
    failed (an attempt failed, retried at `send_after`), dead (gave up after N attempts).
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_msisdn_rule", "msisdn", "rule"),
        Index("ix_notifications_status_send_after", "status", "send_after"),
        Index("ix_notifications_customer_created", "customer_id", "created_at"),
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
    # What makes a care notice unique: (msisdn, rule, period, threshold), an arrival, an
    # outage phase. NULL for notices that may repeat (ticket progress, staff notices).
    dedup_key: Mapped[str | None] = mapped_column(String(160), nullable=True, unique=True)
    hold_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(96), nullable=True, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # an e-mail's own headers (Subject, Message-ID, In-Reply-To, References) for a reply that
    # must keep the customer's thread; NULL for every other notice
    mail_headers: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)


class DeliveryReceipt(Base):
    """What a channel said about a message: accepted, delivered, undelivered (回执)."""

    __tablename__ = "notification_receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(96), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OptOut(Base):
    """A customer's choice not to receive notices of one rule (退订)."""

    __tablename__ = "notification_optouts"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    rule: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CareRule(Base):
    """A care rule's settings as data, overriding the defaults of care/rules.py."""

    __tablename__ = "care_rules"

    rule: Mapped[str] = mapped_column(String(32), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(64))


class UsageRecordSeen(Base):
    """A usage record_id already counted: re-sent records and restarted files are skipped."""

    __tablename__ = "care_usage_records"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012

    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class UsageMonth(Base):
    """A customer's usage in one calendar month, and the latest event of that month.

    Amounts are integers in thousandths (MB, minutes) so sums are exact in any order.
    The customer's latest known event (for roaming arrivals) is the one of the latest month.
    """

    __tablename__ = "care_usage_months"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    home_data_milli: Mapped[int] = mapped_column(BigInteger, default=0)
    roaming_data_milli: Mapped[int] = mapped_column(BigInteger, default=0)
    voice_milli: Mapped[int] = mapped_column(BigInteger, default=0)
    sms_count: Mapped[int] = mapped_column(BigInteger, default=0)
    records: Mapped[int] = mapped_column(BigInteger, default=0)
    last_event_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_country: Mapped[str] = mapped_column(String(2), default="")


class Subscription(Base):
    """A value-added service a customer subscribed to (增值业务订购), maybe a free trial."""

    __tablename__ = "care_subscriptions"
    __table_args__ = (Index("ix_care_subscriptions_trial", "status", "trial_ends_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    service_code: Mapped[str] = mapped_column(String(32))
    service_name: Mapped[str] = mapped_column(String(64))
    monthly_fee: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    status: Mapped[str] = mapped_column(String(16))  # active | cancelled
    trial_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    renewed: Mapped[bool] = mapped_column(Boolean, default=False)
    subscribed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    subscribed_by: Mapped[str] = mapped_column(String(64))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Outage(Base):
    """A network outage or planned cut-over (故障/割接) and the area it touches."""

    __tablename__ = "care_outages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # outage | cutover
    regions: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    cell_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expected_end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)  # open | closed
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    notified: Mapped[int] = mapped_column(Integer, default=0)
    notified_closed: Mapped[int] = mapped_column(Integer, default=0)


class OutageTicket(Base):
    """An open ticket of the outage's area, linked to the outage."""

    __tablename__ = "care_outage_tickets"

    outage_id: Mapped[int] = mapped_column(
        ForeignKey("care_outages.id", ondelete="CASCADE"), primary_key=True
    )
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
