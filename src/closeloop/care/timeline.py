"""Notifications on the customer's timeline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.care.code_masking import readable_text
from closeloop.care.models import Notification
from closeloop.customers.models import Customer
from closeloop.customers.schemas import TimelineEntry
from closeloop.customers.timeline import newest_first


def notifications_source(
    session: Session, customer: Customer, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    """Notices sent (or waiting) to the customer."""
    query = select(Notification).where(Notification.customer_id == customer.id)
    query = newest_first(
        query, Notification.created_at, Notification.id, before=before, limit=limit
    )
    return [
        TimelineEntry(
            kind="notification",
            id=str(n.id),
            at=n.created_at,
            title=readable_text(n.rule, n.text)[:80],
            detail={"rule": n.rule, "status": n.status, "text": readable_text(n.rule, n.text)},
        )
        for n in session.scalars(query)
    ]
