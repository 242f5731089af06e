"""What the value domain keeps: each customer's value picture, the churn models, retention work."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from closeloop.db.base import Base, UTCDateTime


class CustomerValue(Base):
    """A customer's value picture (客户价值), recomputed nightly: tier, groups, RFM, CLV,
    lifecycle stage and churn risk with its reasons."""

    __tablename__ = "customer_values"
    __table_args__ = (
        Index("ix_customer_values_segment", "segment"),
        Index("ix_customer_values_retention", "expected_value"),
    )

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    segment: Mapped[str] = mapped_column(String(16))
    groups: Mapped[str] = mapped_column(String(120), default="")
    r: Mapped[int] = mapped_column(Integer)
    f: Mapped[int] = mapped_column(Integer)
    m: Mapped[int] = mapped_column(Integer)
    monthly_spend: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    clv: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    lifecycle_stage: Mapped[str] = mapped_column(String(16))
    churn_risk: Mapped[float] = mapped_column(Float)
    churn_factors: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    expected_value: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StageMonth(Base):
    """A customer's lifecycle stage in one month (for month-to-month flows)."""

    __tablename__ = "customer_stage_months"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    stage: Mapped[str] = mapped_column(String(16))


class ChurnModelRun(Base):
    """One training of the operator's churn model, with its held-out evaluation."""

    __tablename__ = "churn_models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rows: Mapped[int] = mapped_column(Integer)
    auc: Mapped[float | None] = mapped_column(Float, nullable=True)
    brier: Mapped[float | None] = mapped_column(Float, nullable=True)
    base_rate: Mapped[float] = mapped_column(Float)
    description: Mapped[str] = mapped_column(String(120))
    # the fitted model, pickled by the application itself (never loaded from outside)
    model: Mapped[bytes] = mapped_column(LargeBinary)


class RetentionTask(Base):
    """A retention call (挽留任务) for a callback agent, and what came of it."""

    __tablename__ = "retention_tasks"
    __table_args__ = (Index("ix_retention_tasks_status", "status", "expected_value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    churn_risk: Mapped[float] = mapped_column(Float)
    clv: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    expected_value: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    script: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    outcome_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
