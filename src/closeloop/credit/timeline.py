"""Credit entries of the customer's timeline: grades, ladder steps, line changes, disputes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.credit.models import CreditEvent
from closeloop.customers.models import Customer
from closeloop.customers.schemas import TimelineEntry
from closeloop.customers.timeline import newest_first


def credit_source(
    session: Session, customer: Customer, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    """The customer's credit events."""
    query = select(CreditEvent).where(CreditEvent.customer_id == customer.id)
    query = newest_first(query, CreditEvent.at, CreditEvent.id, before=before, limit=limit)
    return [
        TimelineEntry(kind="credit", id=str(e.id), at=e.at, title=e.title, detail={"event": e.kind})
        for e in session.scalars(query)
    ]
