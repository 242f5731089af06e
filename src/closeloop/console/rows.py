"""What a queue row shows: one query per kind of name, never one per ticket."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.console.pickers import name_in, station_names
from closeloop.customers.models import Customer
from closeloop.kit.masking import mask_msisdn
from closeloop.organisation.models import Category
from closeloop.tickets.models import Ticket


@dataclass(frozen=True)
class QueueRow:
    """One ticket as a queue lists it."""

    id: int
    number: str
    customer: str  # masked number
    tier: str | None  # the customer's value tier (a VIP badge)
    category: str  # the category's name
    status: str
    station: str | None  # the station's name
    severity: str
    title: str
    due_at: datetime | None
    overdue: bool
    returned: bool
    reopened: bool


def category_names(
    session: Session, codes: Iterable[str], language: str = "zh-CN"
) -> dict[str, str]:
    """Names of categories by code, in the page's language."""
    wanted = set(codes)
    if not wanted:
        return {}
    rows = session.execute(
        select(Category.code, name_in(Category, language)).where(Category.code.in_(wanted))
    )
    return {code: name for code, name in rows}


def queue_rows(
    session: Session, tickets: list[Ticket], now: datetime, language: str = "zh-CN"
) -> list[QueueRow]:
    """The rows for a page of tickets."""
    customer_ids = {t.customer_id for t in tickets}
    numbers: dict[int, str] = {}
    tiers: dict[int, str | None] = {}
    if customer_ids:
        found = select(Customer.id, Customer.msisdn, Customer.value_tier).where(
            Customer.id.in_(customer_ids)
        )
        for customer_id, msisdn, tier in session.execute(found):
            numbers[customer_id], tiers[customer_id] = msisdn, tier
    categories = category_names(session, (t.category for t in tickets), language)
    stations = station_names(session, language)
    return [
        QueueRow(
            id=t.id,
            number=t.number,
            customer=mask_msisdn(numbers.get(t.customer_id, "")),
            tier=tiers.get(t.customer_id),
            category=categories.get(t.category, t.category),
            status=t.status,
            station=stations.get(t.station, t.station) if t.station else None,
            severity=t.severity,
            title=t.title,
            due_at=t.due_at,
            overdue=t.due_at is not None and t.due_at < now,
            returned=t.return_count > 0,
            reopened=t.reopen_count > 0,
        )
        for t in tickets
    ]
