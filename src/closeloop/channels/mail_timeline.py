"""Mails on the customer's timeline (客户接触历史): each mail received or sent, by channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.channels.mail_models import Mail
from closeloop.customers.models import Customer
from closeloop.customers.schemas import TimelineEntry
from closeloop.customers.timeline import newest_first

EXCERPT = 500


def mails_source(
    session: Session, customer: Customer, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    """The customer's mails, both ways."""
    query = select(Mail).where(Mail.customer_id == customer.id)
    query = newest_first(query, Mail.at, Mail.id, before=before, limit=limit)
    return [
        TimelineEntry(
            kind="mail",
            id=str(m.id),
            at=m.at,
            title=f"{'来信' if m.direction == 'in' else '回信'}：{m.subject}"[:80],
            detail={
                "channel": "email",
                "direction": m.direction,
                "from": m.sender,
                "to": m.recipient,
                "subject": m.subject,
                "text": m.body[:EXCERPT],
                "ticket_id": str(m.ticket_id) if m.ticket_id else None,
                "author": m.author,
            },
        )
        for m in session.scalars(query)
    ]
