"""TMF681 Communication v4 over the notification outbox: list, get, post an ad-hoc message to
a customer (receiver.phoneNumber or receiver.id), delete one not yet sent.

A message whose receivers name no known customer is kept `held` (hold_reason
`no_receiver`): stored and listed, never sent.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.care import choices
from closeloop.care.models import Notification
from closeloop.care.outbox import Notice, notify_customer
from closeloop.customers.models import Customer
from closeloop.http.deps import AppClock, DbSession
from closeloop.kit.actor import Actor
from closeloop.kit.errors import Conflict, NotFound
from closeloop.kit.ids import parse_id
from closeloop.kit.masking import mask_msisdn
from closeloop.tmf.common import (
    BAD_REQUEST,
    JSON_OBJECT_BODY,
    BadRequest,
    base_url,
    expect,
    json_object,
    list_response,
    paging,
    parse_fields,
    require_scope,
    select_fields,
)
from closeloop.tmf.events import emit, hub_router

PREFIX = "/tmf-api/communicationManagement/v4"
API = "CommunicationMessage"
RULE = "tmf_message"
UNSENT = choices.NOTIFICATION_STATUSES.tagged(choices.UNSENT)
router = APIRouter(prefix=PREFIX, tags=["tmf"], responses=BAD_REQUEST)
hub = hub_router(PREFIX, API, "communication")
Scoped = Depends(require_scope("communication"))
STATE = choices.NOTIFICATION_STATUSES.attribute("tmf")  # the CommunicationMessage state of a status


def to_tmf(n: Notification, actor: Actor, base: str) -> dict[str, Any]:
    """An outbox entry as a CommunicationMessage (the number masked by role)."""
    phone = (
        n.msisdn
        if n.msisdn is None or actor.can("customers.read_personal")
        else mask_msisdn(n.msisdn)
    )
    receiver: dict[str, Any] = {"id": str(n.customer_id) if n.customer_id else "unassigned"}
    if phone:
        receiver["phoneNumber"] = phone
    resource: dict[str, Any] = {
        "id": str(n.id),
        "href": f"{base}{PREFIX}/communicationMessage/{n.id}",
        "content": n.text,
        "messageType": n.channel.upper(),
        "subject": n.rule,
        "state": STATE.get(n.status, "completed"),
        "tryTimes": n.attempts,
        "scheduledSendTime": n.send_after.isoformat(),
        "receiver": [receiver],
        "sender": {"id": "closeloop", "name": "CloseLoop"},
        "@type": "CommunicationMessage",
    }
    if n.sent_at:
        resource["sendTime"] = n.sent_at.isoformat()
    return resource


def _load(session: Session, actor: Actor, message_id: str) -> Notification:
    actor.require("notifications.read")
    number = parse_id(message_id)
    found = session.get(Notification, number) if number is not None else None
    if found is None or found.recipient != "customer":
        raise NotFound(f"no communication message {message_id!r}")
    return found


@router.get("/communicationMessage")
def list_messages(request: Request, session: DbSession, actor: Actor = Scoped) -> JSONResponse:
    """Messages to customers, newest first: ?fields=, ?offset=, ?limit=, ?id=, ?content=,
    ?messageType=."""
    actor.require("notifications.read")
    q = request.query_params
    offset, limit = paging(
        int(q["offset"]) if q.get("offset", "").isdigit() else None,
        int(q["limit"]) if q.get("limit", "").isdigit() else None,
    )
    query = select(Notification).where(Notification.recipient == "customer")
    if "id" in q:
        query = query.where(
            Notification.id.in_([n for i in q["id"].split(",") if (n := parse_id(i)) is not None])
        )
    if "content" in q:
        query = query.where(Notification.text == q["content"])
    if "messageType" in q:
        query = query.where(Notification.channel == q["messageType"].lower())
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    page = session.scalars(query.order_by(Notification.id.desc()).offset(offset).limit(limit))
    fields = parse_fields(q.get("fields"))
    base = base_url(request)
    return list_response([select_fields(to_tmf(n, actor, base), fields) for n in page], total)


@router.get("/communicationMessage/{message_id}")
def get_message(
    message_id: str, request: Request, session: DbSession, actor: Actor = Scoped
) -> dict[str, Any]:
    """One message."""
    fields = parse_fields(request.query_params.get("fields"))
    return select_fields(
        to_tmf(_load(session, actor, message_id), actor, base_url(request)), fields
    )


def _receiver(session: Session, receivers: list[Any]) -> Customer | None:
    for r in receivers:
        if not isinstance(r, dict):
            raise BadRequest("each receiver must be an object")
        if r.get("phoneNumber"):
            found = session.scalar(select(Customer).where(Customer.msisdn == str(r["phoneNumber"])))
            if found is not None:
                return found
        if str(r.get("id", "")).isdigit():
            found = session.get(Customer, int(r["id"]))
            if found is not None:
                return found
    return None


@router.post("/communicationMessage", status_code=201, openapi_extra=JSON_OBJECT_BODY)
async def post_message(
    request: Request, session: DbSession, clock: AppClock, actor: Actor = Scoped
) -> JSONResponse:
    """Queue an ad-hoc message to a customer through the outbox."""
    actor.require("notifications.read")
    body = await json_object(request)
    content = expect(body, "content", str, required=True)
    message_type = expect(body, "messageType", str, required=True)
    receivers = expect(body, "receiver", list, required=True)
    expect(body, "sender", dict, required=True)
    assert content is not None and message_type is not None and receivers is not None
    if message_type.lower() not in choices.NOTIFICATION_CHANNELS:
        raise BadRequest("messageType must be SMS, EMAIL or WEBHOOK")
    now = clock.now()
    customer = _receiver(session, receivers)
    notification = (
        notify_customer(session, customer, Notice(RULE, content[:2000], now)) if customer else None
    )
    if notification is None:
        notification = Notification(
            customer_id=customer.id if customer else None,
            msisdn=customer.msisdn if customer else None,
            recipient="customer",
            channel=message_type.lower(),
            rule=RULE,
            text=content[:2000],
            status="held",
            hold_reason="no_receiver" if customer is None else "opted_out",
            created_at=now,
            send_after=now,
            attempts=0,
        )
        session.add(notification)
    session.flush()
    audit.record(
        session, actor, "tmf.message.create", "notification", notification.id, RULE, clock=clock
    )
    resource = to_tmf(notification, actor, base_url(request))
    emit(session, API, "CommunicationMessageCreateEvent", str(notification.id), resource, now)
    return JSONResponse(resource, status_code=201, headers={"Location": resource["href"]})


@router.delete("/communicationMessage/{message_id}", status_code=204)
def delete_message(
    message_id: str, request: Request, session: DbSession, clock: AppClock, actor: Actor = Scoped
) -> Response:
    """Withdraw a message not yet sent (409 once it is on its way)."""
    n = _load(session, actor, message_id)
    if n.status not in UNSENT:
        raise Conflict(f"message {message_id} is {n.status}; only unsent messages can be deleted")
    resource = to_tmf(n, actor, base_url(request))
    session.delete(n)
    audit.record(
        session, actor, "tmf.message.delete", "notification", message_id, RULE, clock=clock
    )
    emit(session, API, "CommunicationMessageDeleteEvent", message_id, resource, clock.now())
    return Response(status_code=204)
