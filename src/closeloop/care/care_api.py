"""Care endpoints: value-added subscriptions, outages and cut-overs, the care rules."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from closeloop.auth import audit
from closeloop.auth.deps import require
from closeloop.care import outages, subscriptions
from closeloop.care.choices import OutageKind
from closeloop.care.models import CareRule, Outage, Subscription
from closeloop.care.rules import DEFAULT_RULES, load_rules, validate_params
from closeloop.customers.service import get_customer
from closeloop.http.deps import AppClock, AppSettings, DbSession
from closeloop.kit.actor import Actor
from closeloop.kit.errors import InvalidInput, NotFound
from closeloop.kit.ids import parse_id

router = APIRouter(prefix="/api/v1", tags=["care"])

SubReader = Annotated[Actor, Depends(require("subscriptions.read"))]
SubWriter = Annotated[Actor, Depends(require("subscriptions.write"))]
OutageReader = Annotated[Actor, Depends(require("care.outages.read"))]
OutageWriter = Annotated[Actor, Depends(require("care.outages"))]
RuleEditor = Annotated[Actor, Depends(require("care.rules"))]


class SubscribeIn(BaseModel):
    """Subscribe a customer to a value-added service."""

    service: str = Field(min_length=1, max_length=32)
    trial: bool = False


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
    start: datetime
    expected_end: datetime
    description: str = Field(min_length=1, max_length=200)


class RulePatch(BaseModel):
    """Switch a rule on or off and change its parameters."""

    enabled: bool | None = None
    params: dict[str, Any] | None = None


def subscription_out(s: Subscription) -> dict[str, Any]:
    """A subscription as the API shows it."""
    return {
        "id": str(s.id),
        "customer_id": str(s.customer_id),
        "service": s.service_code,
        "name": s.service_name,
        "monthly_fee": f"{s.monthly_fee:.2f}",
        "status": s.status,
        "trial_ends_at": s.trial_ends_at.isoformat() if s.trial_ends_at else None,
        "renewed": s.renewed,
        "subscribed_at": s.subscribed_at.isoformat(),
        "cancelled_at": s.cancelled_at.isoformat() if s.cancelled_at else None,
        "cancel_reason": s.cancel_reason,
    }


@router.get("/care/services")
def list_services(_actor: SubReader) -> list[dict[str, Any]]:
    """The value-added services on offer."""
    return [
        {"code": s.code, "name": s.name, "monthly_fee": f"{s.monthly_fee:.2f}",
         "trial_days": s.trial_days}
        for s in subscriptions.CATALOGUE.values()
    ]  # fmt: skip


@router.get("/customers/{customer_id}/subscriptions")
def customer_subscriptions(
    customer_id: str, session: DbSession, actor: SubReader
) -> dict[str, Any]:
    """A customer's subscriptions, newest first."""
    customer = get_customer(session, actor, customer_id)
    items = subscriptions.list_subscriptions(session, customer.id)
    return {"items": [subscription_out(s) for s in items], "next_cursor": None}


@router.post("/customers/{customer_id}/subscriptions", status_code=201)
def subscribe(
    customer_id: str, body: SubscribeIn, session: DbSession, actor: SubWriter, clock: AppClock
) -> dict[str, Any]:
    """Subscribe; the customer gets a confirmation with the fee and how to cancel."""
    customer = get_customer(session, actor, customer_id)
    created = subscriptions.subscribe(
        session, actor, customer, body.service, trial=body.trial, clock=clock
    )
    return subscription_out(created)


def _subscription(session: DbSession, actor: Actor, customer_id: str, sid: str) -> Any:
    customer = get_customer(session, actor, customer_id)
    number = parse_id(sid)
    if number is None:
        raise NotFound("no such subscription")
    return customer, subscriptions.get_subscription(session, customer, number)


@router.post("/customers/{customer_id}/subscriptions/{subscription_id}/cancel")
def cancel_subscription(
    customer_id: str,
    subscription_id: str,
    session: DbSession,
    actor: SubWriter,
    clock: AppClock,
    body: CancelIn | None = None,
) -> dict[str, Any]:
    """Cancel; the customer gets a confirmation."""
    customer, found = _subscription(session, actor, customer_id, subscription_id)
    reason = body.reason if body else "customer request"
    return subscription_out(
        subscriptions.cancel(session, actor, customer, found, reason=reason, clock=clock)
    )


@router.post("/customers/{customer_id}/subscriptions/{subscription_id}/renew")
def renew_subscription(
    customer_id: str, subscription_id: str, session: DbSession, actor: SubWriter, clock: AppClock
) -> dict[str, Any]:
    """Keep a trial service after the trial."""
    _customer, found = _subscription(session, actor, customer_id, subscription_id)
    return subscription_out(subscriptions.renew(session, actor, found, clock=clock))


def outage_out(session: DbSession, o: Outage) -> dict[str, Any]:
    """An outage as the API shows it."""
    return {
        "id": str(o.id),
        "kind": o.kind,
        "regions": json.loads(o.regions),
        "cell_ids": json.loads(o.cell_ids),
        "start": o.starts_at.isoformat(),
        "expected_end": o.expected_end_at.isoformat(),
        "description": o.description,
        "status": o.status,
        "created_by": o.created_by,
        "created_at": o.created_at.isoformat(),
        "closed_at": o.closed_at.isoformat() if o.closed_at else None,
        "notified": o.notified,
        "notified_closed": o.notified_closed,
        "ticket_ids": [str(t) for t in outages.linked_tickets(session, o.id)],
    }


@router.post("/care/outages", status_code=201)
def open_outage(
    body: OutageIn, session: DbSession, actor: OutageWriter, clock: AppClock, settings: AppSettings
) -> dict[str, Any]:
    """Declare an outage or cut-over: its customers are told once, its open tickets linked."""
    if body.start.tzinfo is None or body.expected_end.tzinfo is None:
        raise InvalidInput.field("start", "timestamps need an offset")
    outage = outages.open_outage(
        session, actor, settings, kind=body.kind, regions=body.regions, cell_ids=body.cell_ids,
        starts_at=body.start, expected_end_at=body.expected_end, description=body.description,
        clock=clock,
    )  # fmt: skip
    return outage_out(session, outage)


@router.get("/care/outages")
def list_outages(
    session: DbSession, _actor: OutageReader, status: str | None = None
) -> dict[str, Any]:
    """Outages and cut-overs, newest first."""
    rows = outages.list_outages(session, status)
    return {"items": [outage_out(session, o) for o in rows], "next_cursor": None}


def _outage(session: DbSession, outage_id: str) -> Outage:
    number = parse_id(outage_id)
    if number is None:
        raise NotFound("no such outage")
    return outages.get_outage(session, number)


@router.get("/care/outages/{outage_id}")
def get_outage(outage_id: str, session: DbSession, _actor: OutageReader) -> dict[str, Any]:
    """One outage with its linked tickets."""
    return outage_out(session, _outage(session, outage_id))


@router.post("/care/outages/{outage_id}/close")
def close_outage(
    outage_id: str, session: DbSession, actor: OutageWriter, clock: AppClock, settings: AppSettings
) -> dict[str, Any]:
    """Service is back: close the outage and tell its customers."""
    outage = outages.close_outage(
        session, actor, settings, _outage(session, outage_id), clock=clock
    )
    return outage_out(session, outage)


@router.get("/care/rules")
def list_rules(session: DbSession, _actor: RuleEditor) -> list[dict[str, Any]]:
    """The care rules in force."""
    return [asdict(r) for r in load_rules(session).values()]


@router.patch("/care/rules/{rule}")
def patch_rule(
    rule: str, body: RulePatch, session: DbSession, actor: RuleEditor, clock: AppClock
) -> dict[str, Any]:
    """Switch a rule on or off or change its thresholds / roaming step."""
    if rule not in DEFAULT_RULES:
        raise NotFound(f"no rule {rule!r}")
    current = load_rules(session)[rule]
    row = session.get(CareRule, rule)
    stored = json.loads(row.params) if row else {}
    if body.params is not None:
        problem = validate_params(rule, body.params)
        if problem:
            raise InvalidInput.field(["body", "params"], problem)
        stored.update(body.params)
    enabled = current.enabled if body.enabled is None else body.enabled
    if row is None:
        row = CareRule(rule=rule)
        session.add(row)
    row.enabled, row.params = enabled, json.dumps(stored)
    row.updated_at, row.updated_by = clock.now(), actor.username
    audit.record(
        session, actor, "care.rule", "care_rule", rule,
        f"enabled={enabled} params={json.dumps(stored)}", clock=clock,
    )  # fmt: skip
    session.flush()
    return asdict(load_rules(session)[rule])
