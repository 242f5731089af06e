"""TMF621 Trouble Ticket v4 routes: thin wrappers over closeloop.tmf.tickets."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import Select, func, select

from closeloop.auth import audit
from closeloop.http.deps import AppClock, AppSettings, DbSession
from closeloop.kit.actor import Actor
from closeloop.kit.errors import Forbidden
from closeloop.kit.ids import parse_id
from closeloop.tickets import service
from closeloop.tickets.models import Ticket
from closeloop.tmf import tickets as tt
from closeloop.tmf.common import (
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
from closeloop.tmf.models import TmfTicket

PREFIX = "/tmf-api/troubleTicket/v4"
API = "TroubleTicket"
router = APIRouter(prefix=PREFIX, tags=["tmf"])
hub = hub_router(PREFIX, API, "tickets")
_scope = require_scope("tickets")


def _ticket_actor(actor: Actor = Depends(_scope)) -> Actor:
    """The caller; a machine client acts with the front line's ticket rights."""
    return tt.workflow_actor(actor)


Scoped = Depends(_ticket_actor)
FILTERS = ("severity", "status", "ticketType", "externalId", "id", "channel")


def _filtered(query: Select[Any], params: dict[str, str]) -> Select[Any]:
    query = query.outerjoin(TmfTicket, TmfTicket.ticket_id == Ticket.id)
    if "severity" in params:
        query = query.where(Ticket.severity == tt.native_severity(params["severity"]))
    if "status" in params:
        natives = [n for n, s in tt.TO_TMF_STATUS.items() if s == params["status"]]
        query = query.where(Ticket.status.in_(natives))
    if "ticketType" in params:
        kind = func.coalesce(TmfTicket.ticket_type, Ticket.type)
        query = query.where(kind == params["ticketType"])
    if "externalId" in params:
        query = query.where(TmfTicket.external_id == params["externalId"])
    if "channel" in params:
        query = query.where(Ticket.channel == params["channel"])
    if "id" in params:
        ids = [n for i in params["id"].split(",") if (n := parse_id(i)) is not None]
        query = query.where(Ticket.id.in_(ids))
    return query


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
    params = {k: q[k] for k in FILTERS if k in q}
    condition = service.visibility(actor)
    base_q = _filtered(select(Ticket).where(Ticket.deleted_at.is_(None)), params)
    count_q = _filtered(select(func.count(Ticket.id)).where(Ticket.deleted_at.is_(None)), params)
    if condition is not None:
        base_q, count_q = base_q.where(condition), count_q.where(condition)
    total = int(session.scalar(count_q) or 0)
    page = list(session.scalars(base_q.order_by(Ticket.id.desc()).offset(offset).limit(limit)))
    fields = parse_fields(q.get("fields"))
    return list_response(
        [select_fields(r, fields) for r in tt.render(session, page, base_url(request))], total
    )


@router.get("/troubleTicket/{ticket_id}")
def get_ticket(
    ticket_id: str, request: Request, session: DbSession, actor: Actor = Scoped
) -> dict[str, Any]:
    """One ticket (?fields= selects attributes)."""
    ticket = service.load_ticket(session, actor, ticket_id)
    resource = tt.render(session, [ticket], base_url(request))[0]
    return select_fields(resource, parse_fields(request.query_params.get("fields")))


@router.post("/troubleTicket", status_code=201)
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
    ticket = tt.create(session, actor, body, tz=settings.tz, clock=clock)
    resource = tt.render(session, [ticket], base_url(request))[0]
    return JSONResponse(resource, status_code=201, headers={"Location": resource["href"]})


@router.patch("/troubleTicket/{ticket_id}")
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
    refused = sorted(set(body) & tt.READ_ONLY)
    if refused:
        raise BadRequest(f"read-only attribute(s): {', '.join(refused)}")
    unsupported = set(body) & {"severity", "relatedParty", "channel", "priority", "relatedEntity"}
    ticket = service.load_ticket(session, actor, ticket_id, lock=True)
    base = base_url(request)
    before = tt.render(session, [ticket], base)[0]
    for key in unsupported:
        if body[key] != before.get(key):
            raise BadRequest(f"{key} cannot be changed through the façade")
    status = expect(body, "status", str)
    notes = tt.parse_notes(body)
    ext = session.get(TmfTicket, ticket.id)
    if ext is None:
        ext = TmfTicket(ticket_id=ticket.id, ticket_type=ticket.type)
        session.add(ext)
    changed: list[str] = []
    for key, column in (
        ("ticketType", "ticket_type"),
        ("externalId", "external_id"),
        ("name", "name"),
    ):
        if key in body:
            value = expect(body, key, str)
            if key == "ticketType" and not value:
                raise BadRequest("ticketType cannot be removed")
            setattr(ext, column, value)
            changed.append(key)
    description = expect(body, "description", str)
    if description is not None and description != ticket.description:
        ticket.description = description[:5000]
        changed.append("description")
    now = clock.now()
    if notes:
        tt.add_notes(session, actor, ticket, notes, now)
        changed.append("note")
    if changed:
        ticket.version += 1
        ticket.updated_at = now
        audit.record(
            session, actor, "tmf.ticket.update", "ticket", ticket.id, ",".join(changed), clock=clock
        )
    status_changed = status is not None and status != before["status"]
    if status_changed:
        assert status is not None
        reason = expect(body, "statusChangeReason", str) or ""
        ticket = tt.change_status(
            session, actor, ticket, status, reason, tz=settings.tz, clock=clock
        )
    session.flush()
    after = tt.render(session, [ticket], base)[0]
    if changed:
        emit(
            session,
            API,
            "TroubleTicketAttributeValueChangeEvent",
            str(ticket.id),
            after,
            now,
            ticket_id=ticket.id,
        )
    # status changes are announced by the workflow itself (closeloop.tmf.native_events)
    return after


@router.delete("/troubleTicket/{ticket_id}", status_code=204)
def delete_ticket(
    ticket_id: str, session: DbSession, clock: AppClock, request: Request, actor: Actor = Scoped
) -> Response:
    """Hide a ticket (admin only); the record is kept for audit."""
    if not actor.has_role("admin"):
        raise Forbidden("only an administrator may delete tickets")
    ticket = service.load_ticket(session, actor, ticket_id, lock=True)
    resource = tt.render(session, [ticket], base_url(request))[0]
    ticket.deleted_at = clock.now()
    audit.record(
        session, actor, "tmf.ticket.delete", "ticket", ticket.id, ticket.number, clock=clock
    )
    emit(
        session,
        API,
        "TroubleTicketDeleteEvent",
        str(ticket.id),
        resource,
        clock.now(),
        ticket_id=ticket.id,
    )
    return Response(status_code=204)
