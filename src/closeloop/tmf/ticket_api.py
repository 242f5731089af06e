"""TMF621 Trouble Ticket v4 routes: parse the request, call closeloop.tmf.ticket_service,
answer with TroubleTicket resources (closeloop.tmf.ticket_mapping)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from closeloop.http.deps import AppClock, AppSettings, DbSession
from closeloop.kit.actor import Actor
from closeloop.tickets import service
from closeloop.tmf import ticket_mapping as tt
from closeloop.tmf import ticket_service
from closeloop.tmf.common import (
    BAD_REQUEST,
    JSON_OBJECT_BODY,
    BadRequest,
    base_url,
    json_object,
    list_response,
    paging,
    parse_fields,
    require_scope,
    select_fields,
)
from closeloop.tmf.events import hub_router

PREFIX = "/tmf-api/troubleTicket/v4"
router = APIRouter(prefix=PREFIX, tags=["tmf"], responses=BAD_REQUEST)
hub = hub_router(PREFIX, ticket_service.API, "tickets")
_scope = require_scope("tickets")


def _ticket_actor(actor: Actor = Depends(_scope)) -> Actor:
    """The caller; a machine client acts with the front line's ticket rights."""
    return ticket_service.workflow_actor(actor)


Scoped = Depends(_ticket_actor)


def _int(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    if not value.lstrip("-").isdigit():
        raise BadRequest(f"{name} must be an integer")
    return int(value)


@router.get("/troubleTicket")
def list_tickets(request: Request, session: DbSession, actor: Actor = Scoped) -> JSONResponse:
    """Tickets newest first: ?fields=, ?offset=, ?limit= and attribute filters."""
    q = request.query_params
    offset, limit = paging(_int(q.get("offset"), "offset"), _int(q.get("limit"), "limit"))
    params = {k: q[k] for k in ticket_service.FILTERS if k in q}
    found, total = ticket_service.page(session, actor, params, offset, limit)
    fields = parse_fields(q.get("fields"))
    return list_response(
        [select_fields(r, fields) for r in tt.render(session, found, base_url(request))], total
    )


@router.get("/troubleTicket/{ticket_id}")
def get_ticket(
    ticket_id: str, request: Request, session: DbSession, actor: Actor = Scoped
) -> dict[str, Any]:
    """One ticket (?fields= selects attributes)."""
    ticket = service.load_ticket(session, actor, ticket_id)
    resource = tt.render(session, [ticket], base_url(request))[0]
    return select_fields(resource, parse_fields(request.query_params.get("fields")))


@router.post("/troubleTicket", status_code=201, openapi_extra=JSON_OBJECT_BODY)
@router.post("/troubleTicket/", status_code=201, include_in_schema=False)
async def create_ticket(
    request: Request,
    session: DbSession,
    clock: AppClock,
    settings: AppSettings,
    actor: Actor = Scoped,
) -> JSONResponse:
    """Open a ticket (description, severity and ticketType are required)."""
    body = await json_object(request)
    ticket = ticket_service.create(session, actor, body, tz=settings.tz, clock=clock)
    resource = tt.render(session, [ticket], base_url(request))[0]
    return JSONResponse(resource, status_code=201, headers={"Location": resource["href"]})


@router.patch("/troubleTicket/{ticket_id}", openapi_extra=JSON_OBJECT_BODY)
async def patch_ticket(
    ticket_id: str,
    request: Request,
    session: DbSession,
    clock: AppClock,
    settings: AppSettings,
    actor: Actor = Scoped,
) -> dict[str, Any]:
    """JSON merge patch: status through the workflow, notes appended, TMF attributes set."""
    body = await json_object(request)
    return ticket_service.update(
        session, actor, ticket_id, body, base=base_url(request), tz=settings.tz, clock=clock
    )


@router.delete("/troubleTicket/{ticket_id}", status_code=204)
def delete_ticket(
    ticket_id: str, session: DbSession, clock: AppClock, request: Request, actor: Actor = Scoped
) -> Response:
    """Hide a ticket (admin only); the record is kept for audit."""
    ticket_service.delete(session, actor, ticket_id, base=base_url(request), clock=clock)
    return Response(status_code=204)
