"""Value-added service subscriptions (增值业务订购, seed 002 §12): confirmations and trials.

Subscribing and cancelling each send a confirmation stating the fee and how to cancel; a
free trial that reaches its end without being renewed is cancelled by a daily job, with a
notice. Every change is audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.care.catalogue import CATALOGUE
from closeloop.care.models import Subscription
from closeloop.care.outbox import Notice, notify_customer
from closeloop.care.rules import SUBSCRIPTION
from closeloop.care.templates import render
from closeloop.customers.models import Customer
from closeloop.kit.actor import SYSTEM, Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import Conflict, InvalidInput, NotFound
from closeloop.kit.ids import parse_id
from closeloop.runtime.work import Work


def list_subscriptions(session: Session, customer_id: int) -> list[Subscription]:
    """A customer's subscriptions, newest first."""
    return list(
        session.scalars(
            select(Subscription)
            .where(Subscription.customer_id == customer_id)
            .order_by(Subscription.id.desc())
        )
    )


def _fee(value: Decimal) -> str:
    return f"{value:.2f}"


def subscribe(
    session: Session,
    actor: Actor,
    customer: Customer,
    service_code: str,
    *,
    trial: bool = False,
    clock: Clock = system_clock,
) -> Subscription:
    """Subscribe the customer (409 if already active), with a confirmation notice."""
    service = CATALOGUE.get(service_code)
    if service is None:
        raise InvalidInput.field("service", f"unknown service; one of {', '.join(CATALOGUE)}")
    if trial and service.trial_days == 0:
        raise InvalidInput.field("trial", f"{service.name} has no free trial")
    active = session.scalar(
        select(Subscription).where(
            Subscription.customer_id == customer.id,
            Subscription.service_code == service.code,
            Subscription.status == "active",
        )
    )
    if active is not None:
        raise Conflict(f"{service.name} is already subscribed")
    now = clock.now()
    ends = now + timedelta(days=service.trial_days) if trial else None
    subscription = Subscription(
        customer_id=customer.id,
        service_code=service.code,
        service_name=service.name,
        monthly_fee=service.monthly_fee,
        status="active",
        trial_ends_at=ends,
        renewed=False,
        subscribed_at=now,
        subscribed_by=actor.username,
    )
    session.add(subscription)
    session.flush()
    trial_text = f"，前{service.trial_days}天免费体验，到期不续订将自动退订" if trial else ""
    text = render(
        "subscribed", service=service.name, fee=_fee(service.monthly_fee), trial=trial_text,
        code=service.code,
    )  # fmt: skip
    notify_customer(
        session, customer, Notice(SUBSCRIPTION, text, now, dedup_key=f"sub:{subscription.id}:on")
    )
    audit.record(
        session, actor, "subscription.create", "subscription", subscription.id,
        f"{service.code} for customer {customer.id}{' (trial)' if trial else ''}", clock=clock,
    )  # fmt: skip
    return subscription


def get_subscription(session: Session, customer: Customer, subscription_id: str) -> Subscription:
    """One of the customer's subscriptions by its id as a URL spells it, or 404."""
    number = parse_id(subscription_id)
    subscription = session.get(Subscription, number) if number is not None else None
    if subscription is None or subscription.customer_id != customer.id:
        raise NotFound("no such subscription")
    return subscription


def cancel(
    session: Session,
    actor: Actor,
    customer: Customer,
    subscription: Subscription,
    *,
    reason: str = "customer request",
    clock: Clock = system_clock,
    text: str | None = None,
) -> Subscription:
    """Cancel an active subscription (409 otherwise), with a confirmation notice."""
    if subscription.status != "active":
        raise Conflict("the subscription is not active")
    now = clock.now()
    subscription.status, subscription.cancelled_at = "cancelled", now
    subscription.cancel_reason = reason[:200]
    notice = text or render("cancelled", service=subscription.service_name)
    notify_customer(
        session,
        customer,
        Notice(SUBSCRIPTION, notice, now, dedup_key=f"sub:{subscription.id}:off"),
    )
    audit.record(
        session, actor, "subscription.cancel", "subscription", subscription.id,
        f"{subscription.service_code}: {reason}"[:500], clock=clock,
    )  # fmt: skip
    return subscription


def renew(
    session: Session, actor: Actor, subscription: Subscription, *, clock: Clock = system_clock
) -> Subscription:
    """The customer keeps a trial service after the trial (it will not be auto-cancelled)."""
    if subscription.status != "active" or subscription.trial_ends_at is None:
        raise Conflict("only an active trial can be renewed")
    subscription.renewed = True
    audit.record(
        session, actor, "subscription.renew", "subscription", subscription.id,
        subscription.service_code, clock=clock,
    )  # fmt: skip
    return subscription


def end_trials(session: Session, clock: Clock, when: datetime | None = None) -> int:
    """Cancel every trial that ended without renewal, each with a notice; how many."""
    now = when or clock.now()
    from closeloop.care.templates import local_text

    tz = Work.of(session).tz
    due = list(
        session.scalars(
            select(Subscription)
            .where(
                Subscription.status == "active",
                Subscription.renewed.is_(False),
                Subscription.trial_ends_at.is_not(None),
                Subscription.trial_ends_at <= now,
            )
            .order_by(Subscription.id)
        )
    )
    for subscription in due:
        customer = session.get(Customer, subscription.customer_id)
        if customer is None:
            continue
        assert subscription.trial_ends_at is not None
        text = render(
            "trial_ended",
            service=subscription.service_name,
            date=local_text(subscription.trial_ends_at, tz).split(" ")[0],
        )
        cancel(
            session, SYSTEM, customer, subscription, reason="free trial ended without renewal",
            clock=clock, text=text,
        )  # fmt: skip
    return len(due)
