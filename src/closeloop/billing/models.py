"""Bills (账单) per customer and month, with what has been paid on them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from closeloop.db.base import Base


class Bill(Base):
    """One customer's bill for one month (`period` YYYY-MM) and the payments on it (缴费)."""

    __tablename__ = "bills"
    __table_args__ = (
        UniqueConstraint("customer_id", "period", name="uq_bills_customer_period"),
        Index("ix_bills_due_date", "due_date"),
        Index("ix_bills_period", "period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    amount_due: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    amount_paid: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    due_date: Mapped[date] = mapped_column(Date)
    paid_date: Mapped[date | None] = mapped_column(Date, nullable=True)
