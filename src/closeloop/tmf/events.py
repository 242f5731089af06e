"""Hub events: written to the tmf_events outbox with the change, fanned out to subscribers.

Each event becomes one tmf_deliveries row per subscription of its API, in the same
transaction; `closeloop.tmf.delivery` sends them.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.http.deps import AppClock, DbSession
from closeloop.kit.actor import Actor
from closeloop.kit.errors import NotFound
from closeloop.kit.ids import parse_id
from closeloop.tmf.common import (
    BAD_REQUEST,
    JSON_OBJECT_BODY,
    BadRequest,
    expect,
    json_object,
    require_scope,
)
from closeloop.tmf.models import TmfDelivery, TmfEvent, TmfSubscription


def emit(
    session: Session,
    api: str,
    event_type: str,
    resource_id: str,
    resource: dict[str, Any],
    now: datetime,
    *,
    ticket_id: int | None = None,
) -> TmfEvent:
    """Write an event and one pending delivery per subscriber of the API."""
    last = session.scalar(
        select(func.max(TmfEvent.sequence)).where(
            TmfEvent.api == api, TmfEvent.resource_id == resource_id
        )
    )
    event = TmfEvent(
        api=api,
        event_type=event_type,
        resource_id=resource_id,
        ticket_id=ticket_id,
        sequence=(last or 0) + 1,
        payload="",
        created_at=now,
    )
    session.add(event)
    session.flush()
    field = api[0].lower() + api[1:]
    event.payload = json.dumps(
        {
            "eventId": str(event.id),
            "eventTime": now.isoformat(),
            "eventType": event_type,
            "sequence": event.sequence,
            "event": {field: resource},
        },
        ensure_ascii=False,
    )
    for sub_id in session.scalars(select(TmfSubscription.id).where(TmfSubscription.api == api)):
        session.add(
            TmfDelivery(
                event_id=event.id,
                subscription_id=sub_id,
                status="pending",
                attempts=0,
                next_attempt_at=now,
            )
        )
    return event


def hub_router(prefix: str, api: str, scope: str) -> APIRouter:
    """POST/DELETE {prefix}/hub for one API (`api` names the resource, e.g. troubleTicket)."""
    router = APIRouter(prefix=prefix, tags=["tmf"], responses=BAD_REQUEST)
    guard = Depends(require_scope(scope))

    @router.post("/hub", status_code=201, openapi_extra=JSON_OBJECT_BODY)
    async def subscribe(
        request: Request, session: DbSession, clock: AppClock, actor: Actor = guard
    ) -> JSONResponse:
        """Register a listener; the reply carries the id and the signing secret (once)."""
        body = await json_object(request)
        callback = expect(body, "callback", str, required=True)
        assert callback is not None
        if not callback.startswith(("http://", "https://")):
            raise BadRequest("callback must be an http(s) URL")
        sub = TmfSubscription(
            api=api,
            callback=callback,
            query=expect(body, "query", str),
            secret=secrets.token_hex(32),
            created_by=actor.username,
            created_at=clock.now(),
        )
        session.add(sub)
        session.flush()
        audit.record(session, actor, "tmf.hub.subscribe", "tmf_subscription", sub.id, callback)
        reply = {"id": str(sub.id), "callback": sub.callback, "query": sub.query}
        return JSONResponse({**reply, "secret": sub.secret}, status_code=201)

    @router.delete("/hub/{sub_id}", status_code=204)
    def unsubscribe(sub_id: str, session: DbSession, actor: Actor = guard) -> Response:
        """Remove a listener (and what is still owed to it)."""
        number = parse_id(sub_id)
        sub = session.get(TmfSubscription, number) if number is not None else None
        if sub is None or sub.api != api:
            raise NotFound(f"no subscription {sub_id!r}")
        session.execute(delete(TmfDelivery).where(TmfDelivery.subscription_id == sub.id))
        session.delete(sub)
        audit.record(session, actor, "tmf.hub.unsubscribe", "tmf_subscription", sub_id)
        return Response(status_code=204)

    return router
