"""Plans, customers and their contacts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from closeloop.db.base import Base, UTCDateTime


class Plan(Base):
    """A tariff plan (套餐) with its monthly allowances."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    monthly_fee: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    data_mb: Mapped[int] = mapped_column(Integer)
    voice_min: Mapped[int] = mapped_column(Integer)
    sms: Mapped[int] = mapped_column(Integer)


class Customer(Base):
    """A subscriber (客户) identified by a mainland mobile number."""

    __tablename__ = "customers"
    __table_args__ = (
        Index("ix_customers_region", "region"),
        Index("ix_customers_sales_channel", "sales_channel"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    msisdn: Mapped[str] = mapped_column(String(11), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(32))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    join_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    id_number: Mapped[str | None] = mapped_column(String(18), nullable=True)
    segment: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # the address mail from the customer comes from (lower case), for inbound e-mail
    email: Mapped[str | None] = mapped_column(String(254), nullable=True, index=True)
    # the value tier (价值等级: diamond, gold, silver, regular) the nightly recompute gives;
    # tickets read it for the segment's service promise and queue priority
    value_tier: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # 押金 — taken at sign-up (堵: deposits by credit); scored in the credit grade
    deposit: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), nullable=True)
    # 销售渠道 — where the line was sold (营业厅, 代理商, 网上营业厅 …): arrears rate per channel
    sales_channel: Mapped[str | None] = mapped_column(String(32), nullable=True)

    plan: Mapped[Plan] = relationship(lazy="joined")


class Contact(Base):
    """One contact (接触) of a customer on any channel, shown on the customer's timeline.

    `at` is when it began; `ended_at` and `duration_seconds` (handling time, 处理时长) are set
    when it ends — at once for a call recorded afterwards, later for one ended through the API.
    """

    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_customer_at", "customer_id", "at"),
        Index("ix_contacts_channel_answered", "channel", "answered_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    channel: Mapped[str] = mapped_column(String(16))
    agent: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text, default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    duration_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # the ticket opened from this contact (受理), and when an agent answered it (已回复)
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    answered_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class VerificationCode(Base):
    """A one-time code sent by SMS to prove a caller holds a number (短信验证码): kept as a
    keyed hash, good for a few minutes and a few tries, used once."""

    __tablename__ = "verification_codes"
    __table_args__ = (Index("ix_verification_codes_msisdn_purpose", "msisdn", "purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    msisdn: Mapped[str] = mapped_column(String(11))
    purpose: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TierChange(Base):
    """A change of a customer's value tier (价值等级变化), shown on the customer's timeline."""

    __tablename__ = "customer_tier_changes"
    __table_args__ = (Index("ix_customer_tier_changes_customer_at", "customer_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    from_tier: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_tier: Mapped[str] = mapped_column(String(16))
    by: Mapped[str] = mapped_column(String(64))
