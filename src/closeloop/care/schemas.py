"""API shapes of proactive care (CONTRACT §4 notifications): request bodies and answers.

Timestamps in answers are the stored UTC instants as ISO 8601 text with their offset
(`2026-11-23T02:00:00+00:00`), exactly as `datetime.isoformat` writes them.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictBool

from closeloop.care.catalogue import CATALOGUE, Service
from closeloop.care.choices import OutageKind
from closeloop.care.code_masking import readable_text
from closeloop.care.models import Notification, Outage, Subscription
from closeloop.care.rules import RuleSettings
from closeloop.kit.timefmt import IsoInstant

# --- request bodies ------------------------------------------------------------------------


# The catalogue's codes, as the body declares and checks them.
if TYPE_CHECKING:
    ServiceCode = str
else:
    ServiceCode = Literal[tuple(CATALOGUE)]


class SubscribeIn(BaseModel):
    """Subscribe a customer to a value-added service (one of the catalogue's codes)."""

    service: ServiceCode
    trial: StrictBool = False


class CancelIn(BaseModel):
    """Why a subscription is cancelled."""

    reason: str = Field(default="customer request", max_length=200)


class OutageIn(BaseModel):
    """An outage or cut-over: where, when and what."""

    kind: OutageKind = "outage"
    regions: list[Annotated[str, Field(min_length=1, max_length=32)]] = Field(
        default_factory=list, max_length=200
    )
    cell_ids: list[Annotated[str, Field(min_length=1, max_length=32)]] = Field(
        default_factory=list, max_length=2000
    )
    start: IsoInstant
    expected_end: IsoInstant
    description: str = Field(min_length=1, max_length=200)


class RulePatch(BaseModel):
    """Switch a rule on or off and change its parameters."""

    enabled: StrictBool | None = None
    params: dict[str, Any] | None = None


# --- answers -------------------------------------------------------------------------------


def _when(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


class NotificationOut(BaseModel):
    """An outbox entry (the number as the reader may see it)."""

    id: str
    msisdn: str | None
    rule: str
    period: str | None
    threshold: int | None
    country: str | None
    text: str
    status: str
    created_at: str
    recipient: str
    channel: str
    ticket_id: str | None
    send_after: str
    attempts: int
    sent_at: str | None
    hold_reason: str | None
    last_error: str | None
    external_id: str | None
    delivered_at: str | None

    @classmethod
    def of(cls, n: Notification, msisdn: str | None) -> NotificationOut:
        """An outbox entry showing `msisdn` (masked or not: the service decides)."""
        return cls(
            id=str(n.id), msisdn=msisdn, rule=n.rule, period=n.period, threshold=n.threshold,
            country=n.country, text=readable_text(n.rule, n.text), status=n.status,
            created_at=n.created_at.isoformat(),
            recipient=n.recipient, channel=n.channel,
            ticket_id=str(n.ticket_id) if n.ticket_id else None,
            send_after=n.send_after.isoformat(), attempts=n.attempts, sent_at=_when(n.sent_at),
            hold_reason=n.hold_reason, last_error=n.last_error, external_id=n.external_id,
            delivered_at=_when(n.delivered_at),
        )  # fmt: skip


class NotificationPage(BaseModel):
    """A page of outbox entries, newest first."""

    items: list[NotificationOut]
    next_cursor: str | None


class OptOutsOut(BaseModel):
    """The notice rules a customer declined."""

    customer_id: str
    rules: list[str]


class ServiceOut(BaseModel):
    """A value-added service on offer."""

    code: str
    name: str
    monthly_fee: str
    trial_days: int

    @classmethod
    def of(cls, s: Service) -> ServiceOut:
        """A catalogue entry as the API shows it."""
        return cls(code=s.code, name=s.name, monthly_fee=f"{s.monthly_fee:.2f}",
                   trial_days=s.trial_days)  # fmt: skip


class SubscriptionOut(BaseModel):
    """A customer's subscription to a value-added service."""

    id: str
    customer_id: str
    service: str
    name: str
    monthly_fee: str
    status: str
    trial_ends_at: str | None
    renewed: bool
    subscribed_at: str
    cancelled_at: str | None
    cancel_reason: str | None

    @classmethod
    def of(cls, s: Subscription) -> SubscriptionOut:
        """A subscription as the API shows it."""
        return cls(
            id=str(s.id), customer_id=str(s.customer_id), service=s.service_code,
            name=s.service_name, monthly_fee=f"{s.monthly_fee:.2f}", status=s.status,
            trial_ends_at=_when(s.trial_ends_at), renewed=s.renewed,
            subscribed_at=s.subscribed_at.isoformat(), cancelled_at=_when(s.cancelled_at),
            cancel_reason=s.cancel_reason,
        )  # fmt: skip


class SubscriptionPage(BaseModel):
    """A customer's subscriptions, newest first (one page: `next_cursor` is always null)."""

    items: list[SubscriptionOut]
    next_cursor: None = None


class OutageOut(BaseModel):
    """An outage or cut-over with the tickets linked to it."""

    id: str
    kind: str
    regions: list[str]
    cell_ids: list[str]
    start: str
    expected_end: str
    description: str
    status: str
    created_by: str
    created_at: str
    closed_at: str | None
    notified: int
    notified_closed: int
    ticket_ids: list[str]

    @classmethod
    def of(cls, o: Outage, ticket_ids: list[int]) -> OutageOut:
        """An outage and the ids of its linked tickets as the API shows them."""
        return cls(
            id=str(o.id), kind=o.kind, regions=json.loads(o.regions),
            cell_ids=json.loads(o.cell_ids), start=o.starts_at.isoformat(),
            expected_end=o.expected_end_at.isoformat(), description=o.description,
            status=o.status, created_by=o.created_by, created_at=o.created_at.isoformat(),
            closed_at=_when(o.closed_at), notified=o.notified, notified_closed=o.notified_closed,
            ticket_ids=[str(t) for t in ticket_ids],
        )  # fmt: skip


class OutagePage(BaseModel):
    """Outages and cut-overs, newest first (one page: `next_cursor` is always null)."""

    items: list[OutageOut]
    next_cursor: None = None


class RuleOut(BaseModel):
    """A care rule in force: on or off, how its notices go out, its parameters."""

    rule: str
    enabled: bool
    channel: str
    quiet_hours: bool
    capped: bool
    opt_out: bool
    priority: int
    params: dict[str, Any]

    @classmethod
    def of(cls, settings: RuleSettings) -> RuleOut:
        """A rule's settings as the API shows them."""
        return cls(**asdict(settings))
