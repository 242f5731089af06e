"""The customers domain's events (客户事件), raised inside the transaction that recorded them.

The KPI domain keeps its handling-time (AHT) day rollups from `ContactEnded`; care sends the SMS
of `VerificationCodeIssued`; `customers` imports none of their listeners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from closeloop.runtime.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class ContactEnded(DomainEvent):
    """A contact with a customer ended (接触结束: hang-up, intake form closed, a call reported
    after it ended); `at` is when it ended, `duration_seconds` its handling time."""

    contact_id: int
    customer_id: int
    channel: str
    agent: str
    duration_seconds: int
    started_at: datetime


@dataclass(frozen=True, kw_only=True)
class VerificationCodeIssued(DomainEvent):
    """A one-time code is due by SMS to `msisdn` (the care domain sends it at once)."""

    customer_id: int
    msisdn: str
    purpose: str
    code: str
    expires_at: datetime
