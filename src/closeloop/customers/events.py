"""The customers kernel's events, raised inside the transaction that made the change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from closeloop.runtime.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class VerificationCodeIssued(DomainEvent):
    """A one-time code is due by SMS to `msisdn` (the care domain sends it at once)."""

    customer_id: int
    msisdn: str
    purpose: str
    code: str
    expires_at: datetime
