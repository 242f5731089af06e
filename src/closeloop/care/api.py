"""The notification outbox and customers' opt-outs (CONTRACT §4 notifications)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from closeloop.auth import audit
from closeloop.auth.deps import require
from closeloop.care import outbox
from closeloop.care.models import Notification
from closeloop.customers.service import PERSONAL_DATA, get_customer
from closeloop.http.deps import AppClock, DbSession, writes_on_read
from closeloop.kit.actor import Actor
from closeloop.kit.masking import mask_msisdn
from closeloop.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_id_cursor, id_page

router = APIRouter(prefix="/api/v1", tags=["notifications"])

Reader = Annotated[Actor, Depends(require("notifications.read"))]


def notification_out(n: Notification, unmasked: bool) -> dict[str, Any]:
    """An outbox entry as the API shows it."""
    msisdn = n.msisdn if unmasked or n.msisdn is None else mask_msisdn(n.msisdn)
    return {
        "id": str(n.id),
        "msisdn": msisdn,
        "rule": n.rule,
        "period": n.period,
        "threshold": n.threshold,
        "country": n.country,
        "text": n.text,
        "status": n.status,
        "created_at": n.created_at.isoformat(),
        "recipient": n.recipient,
        "channel": n.channel,
        "ticket_id": str(n.ticket_id) if n.ticket_id else None,
        "send_after": n.send_after.isoformat(),
        "attempts": n.attempts,
        "sent_at": n.sent_at.isoformat() if n.sent_at else None,
        "hold_reason": n.hold_reason,
        "last_error": n.last_error,
        "external_id": n.external_id,
        "delivered_at": n.delivered_at.isoformat() if n.delivered_at else None,
    }


@router.get("/notifications")
@writes_on_read
def list_notifications(
    session: DbSession,
    actor: Reader,
    clock: AppClock,
    msisdn: str | None = None,
    rule: str | None = None,
    recipient: str | None = None,
    ticket_id: Annotated[int | None, Query(ge=1)] = None,
    status: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Outbox entries, newest first; numbers masked unless the role may read personal data."""
    rows = outbox.list_notifications(
        session,
        msisdn=msisdn,
        rule=rule,
        recipient=recipient,
        ticket_id=ticket_id,
        status=status,
        before_id=decode_id_cursor(cursor),
        limit=limit + 1,
    )
    page, next_cursor = id_page(rows, limit)
    unmasked = actor.can(PERSONAL_DATA)
    if unmasked and any(n.msisdn for n in page):
        audit.record(
            session,
            actor,
            "notification.read_personal",
            "notification",
            page[0].id,
            f"{len(page)} entries shown unmasked",
            clock=clock,
        )
    return {
        "items": [notification_out(n, unmasked) for n in page],
        "next_cursor": next_cursor,
    }


OptOutActor = Annotated[Actor, Depends(require("customers.opt_out"))]


@router.get("/customers/{customer_id}/opt-outs")
def list_opt_outs(customer_id: str, session: DbSession, actor: OptOutActor) -> dict[str, Any]:
    """The notice rules a customer declined."""
    customer = get_customer(session, actor, customer_id)
    return {"customer_id": str(customer.id), "rules": outbox.opt_outs(session, customer.id)}


@router.put("/customers/{customer_id}/opt-outs/{rule}", status_code=204)
def opt_out(
    customer_id: str, rule: str, session: DbSession, actor: OptOutActor, clock: AppClock
) -> Response:
    """The customer declines notices of this rule."""
    customer = get_customer(session, actor, customer_id)
    outbox.set_opt_out(session, actor, customer, rule, True, clock=clock)
    return Response(status_code=204)


@router.delete("/customers/{customer_id}/opt-outs/{rule}", status_code=204)
def opt_in(
    customer_id: str, rule: str, session: DbSession, actor: OptOutActor, clock: AppClock
) -> Response:
    """The customer wants notices of this rule again."""
    customer = get_customer(session, actor, customer_id)
    outbox.set_opt_out(session, actor, customer, rule, False, clock=clock)
    return Response(status_code=204)
