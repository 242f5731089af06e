"""Reading bills (for credit, customer value and reports): one customer's, or a range of months.

Other domains read bills only through these functions.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from closeloop.billing.models import Bill
from closeloop.billing.rules import period_problem
from closeloop.kit.errors import InvalidInput


@dataclass(frozen=True)
class BillView:
    """One bill as other domains see it."""

    customer_id: int
    period: str
    amount_due: Decimal
    amount_paid: Decimal
    due_date: date
    paid_date: date | None

    @property
    def outstanding(self) -> Decimal:
        """What is still owed on this bill (never below zero)."""
        return max(self.amount_due - self.amount_paid, Decimal("0.00"))

    @property
    def settled(self) -> bool:
        """Paid in full."""
        return self.amount_paid >= self.amount_due


def _view(bill: Bill) -> BillView:
    return BillView(
        bill.customer_id,
        bill.period,
        Decimal(bill.amount_due).quantize(Decimal("0.01")),
        Decimal(bill.amount_paid).quantize(Decimal("0.01")),
        bill.due_date,
        bill.paid_date,
    )


def _checked(name: str, period: str | None) -> None:
    if period is not None and period_problem(period):
        raise InvalidInput(f"{name}: {period_problem(period)}")


def bill_rows(first: str | None = None, last: str | None = None) -> Select[Bill]:
    """A query of the bills of the periods first…last (YYYY-MM, both included; None = open),
    for set-based analytics that join or aggregate it further."""
    _checked("first", first)
    _checked("last", last)
    query = select(Bill)
    if first is not None:
        query = query.where(Bill.period >= first)
    if last is not None:
        query = query.where(Bill.period <= last)
    return query


def bills_of_customer(
    session: Session, customer_id: int, *, first: str | None = None, last: str | None = None
) -> list[BillView]:
    """A customer's bills, oldest period first (optionally only periods first…last)."""
    query = bill_rows(first, last).where(Bill.customer_id == customer_id).order_by(Bill.period)
    return [_view(b) for b in session.scalars(query)]


def bills_in_periods(
    session: Session,
    first: str,
    last: str,
    *,
    customer_ids: Collection[int] | None = None,
) -> list[BillView]:
    """Every bill of the periods first…last (both included), by customer then period;
    only these customers' when `customer_ids` is given."""
    query = bill_rows(first, last)
    if customer_ids is not None:
        query = query.where(Bill.customer_id.in_(list(customer_ids)))
    return [_view(b) for b in session.scalars(query.order_by(Bill.customer_id, Bill.period))]
