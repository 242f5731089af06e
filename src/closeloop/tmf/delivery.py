"""Delivering hub events: at least once, in order per resource, signed, with backoff.

A failed delivery is retried after 30 s, 60 s, 120 s … (at most an hour) and given up
(`dead`) after MAX_ATTEMPTS; later events of the same resource to the same subscriber wait
until the earlier one is delivered or dead. Every attempt is logged.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select

from closeloop.db.engine import Database
from closeloop.kit.clock import Clock
from closeloop.tmf.models import TmfDelivery, TmfDeliveryAttempt, TmfEvent, TmfSubscription

SIGNATURE_HEADER = "X-CloseLoop-Signature"
MAX_ATTEMPTS = 8
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
BATCH = 200


def sign(secret: str, body: bytes) -> str:
    """The signature header value: sha256=HMAC-SHA256(secret, body) in hex."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt (doubling, capped)."""
    wait: timedelta = FIRST_BACKOFF * (2 ** max(0, attempts - 1))
    return min(wait, MAX_BACKOFF)


def _post(client: httpx.Client, sub: TmfSubscription, event: TmfEvent) -> tuple[int | None, str]:
    body = event.payload.encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(sub.secret, body),
        "X-CloseLoop-Event-Id": str(event.id),
    }
    try:
        reply = client.post(sub.callback, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    return reply.status_code, "" if reply.is_success else f"HTTP {reply.status_code}"


def deliver_events(database: Database, clock: Clock, *, timeout: float = 10.0) -> int:
    """One pass: send every due delivery whose earlier ones for the resource are done."""
    sent = 0
    with database.unit_of_work(write=False) as session:
        rows = session.execute(
            select(TmfDelivery.id, TmfDelivery.subscription_id, TmfEvent.api, TmfEvent.resource_id)
            .join(TmfEvent, TmfEvent.id == TmfDelivery.event_id)
            .where(TmfDelivery.status == "pending")
            .order_by(TmfDelivery.id)
            .limit(BATCH)
        ).all()
    blocked: set[tuple[int, str, str]] = set()
    with httpx.Client(timeout=timeout) as client:
        for delivery_id, sub_id, api, resource_id in rows:
            key = (sub_id, api, resource_id)
            if key in blocked:
                continue
            now = clock.now()
            with database.unit_of_work(write=False) as session:  # no lock held while posting
                delivery = session.get(TmfDelivery, delivery_id)
                if delivery is None or delivery.status != "pending":
                    continue
                if delivery.next_attempt_at > now:
                    blocked.add(key)
                    continue
                sub = session.get(TmfSubscription, sub_id)
                event = session.get(TmfEvent, delivery.event_id)
                assert sub is not None and event is not None
            code, error = _post(client, sub, event)
            if _record(database, delivery_id, code, error, now):
                sent += 1
            else:
                blocked.add(key)
    return sent


def _record(
    database: Database, delivery_id: int, code: int | None, error: str, now: datetime
) -> bool:
    """Log an attempt and settle the delivery; whether it was delivered."""
    with database.unit_of_work() as session:
        delivery = session.get(TmfDelivery, delivery_id)
        if delivery is None or delivery.status != "pending":
            return not error  # another worker settled it meanwhile
        delivery.attempts += 1
        session.add(
            TmfDeliveryAttempt(
                delivery_id=delivery.id, at=now, status_code=code, error=error or None
            )
        )
        if not error:
            delivery.status, delivery.delivered_at, delivery.last_error = "delivered", now, None
            return True
        delivery.last_error = error
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = "dead"
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        return False
