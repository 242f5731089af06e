"""The customers domain's events (客户事件), raised inside the transaction that recorded them.

The KPI domain keeps its handling-time (AHT) day rollups from `ContactEnded`; `customers`
imports none of its listeners."""

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
