"""Credit profiles, the ladder steps taken, disputes, policy versions and the credit timeline."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from closeloop.db.base import Base, UTCDateTime


class CreditProfile(Base):
    """A customer's credit (信用档案): grade, score, limit, ladder step and line status."""

    __tablename__ = "credit_profiles"
    __table_args__ = (Index("ix_credit_profiles_step", "step"),)

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    grade: Mapped[str] = mapped_column(String(8))
    score: Mapped[int] = mapped_column(Integer)
    credit_limit: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    rewarded: Mapped[bool] = mapped_column(Boolean, default=False)
    step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    step_period: Mapped[str | None] = mapped_column(String(7), nullable=True)
    line_status: Mapped[str] = mapped_column(String(16), default="active")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CreditAction(Base):
    """A ladder step taken for one unpaid bill (欠费处置): each (bill, step) once."""

    __tablename__ = "credit_actions"
    __table_args__ = (
        UniqueConstraint("customer_id", "period", "step", name="uq_credit_actions_bill_step"),
        Index("ix_credit_actions_taken_at", "taken_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    step: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime())
    arrears: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recovered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class CreditDispute(Base):
    """A customer disputes a bill (欠费争议): the ladder pauses for it while the ticket is open."""

    __tablename__ = "credit_disputes"
    __table_args__ = (Index("ix_credit_disputes_customer", "customer_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    ticket_id: Mapped[int] = mapped_column(Integer, index=True)
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class CreditPolicyVersion(Base):
    """One version of the credit policy (ladder, grades, scoring, rewards); the newest rules."""

    __tablename__ = "credit_policy_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(64))


class CreditEvent(Base):
    """A change of a customer's credit with its reason, shown on the customer's timeline."""

    __tablename__ = "credit_events"
    __table_args__ = (Index("ix_credit_events_customer_at", "customer_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
