"""The agents' SMS desk (短信回复台): inbound `sms` contacts waiting for an answer, oldest first,
and one customer's SMS thread — their texts and what we sent them — in order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.care.models import Notification
from closeloop.customers.models import Contact, Customer
from closeloop.kit.masking import mask_msisdn

INBOUND_PREFIX = "上行短信："


@dataclass(frozen=True)
class WaitingText:
    """An inbound SMS no agent has answered yet."""

    contact_id: int
    at: datetime
    customer_id: int
    customer_name: str
    masked_msisdn: str
    text: str


@dataclass(frozen=True)
class ThreadLine:
    """One SMS of a customer's thread: `from` customer (inbound) or us (outbound)."""

    at: datetime
    sender: str  # customer | us
    text: str
    status: str = ""  # an outbound SMS's delivery state


def _text(summary: str) -> str:
    return summary.removeprefix(INBOUND_PREFIX)


def waiting(session: Session, limit: int = 100) -> list[WaitingText]:
    """Inbound SMS contacts not yet answered nor turned into a ticket, oldest first."""
    rows = session.execute(
        select(Contact, Customer.name, Customer.msisdn)
        .join(Customer, Customer.id == Contact.customer_id)
        .where(
            Contact.channel == "sms",
            Contact.answered_at.is_(None),
            Contact.ticket_id.is_(None),
        )
        .order_by(Contact.at, Contact.id)
        .limit(limit)
    ).all()
    return [
        WaitingText(c.id, c.at, c.customer_id, name, mask_msisdn(msisdn), _text(c.summary))
        for c, name, msisdn in rows
    ]


def thread(session: Session, customer_id: int, limit: int = 50) -> list[ThreadLine]:
    """The customer's last SMS both ways, in time order."""
    inbound = session.execute(
        select(Contact.at, Contact.summary)
        .where(Contact.customer_id == customer_id, Contact.channel == "sms")
        .order_by(Contact.at.desc())
        .limit(limit)
    ).all()
    outbound = session.execute(
        select(Notification.created_at, Notification.text, Notification.status)
        .where(
            Notification.customer_id == customer_id,
            Notification.recipient == "customer",
            Notification.channel == "sms",
        )
        .order_by(Notification.created_at.desc())
        .limit(limit)
    ).all()
    lines = [ThreadLine(at, "customer", _text(summary)) for at, summary in inbound]
    lines += [ThreadLine(at, "us", text, status) for at, text, status in outbound]
    return sorted(lines, key=lambda line: line.at)[-limit:]


@dataclass(frozen=True)
class Who:
    """Whose thread it is: the name and the masked number."""

    name: str
    masked: str


def who(session: Session, customer_id: int) -> Who:
    """The customer a thread belongs to."""
    customer = session.get(Customer, customer_id)
    assert customer is not None
    return Who(customer.name, mask_msisdn(customer.msisdn))
