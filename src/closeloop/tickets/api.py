"""Ticket endpoints: create, list, read, and one POST per workflow action (CONTRACT §4).

No `from __future__ import annotations` here: the action endpoints are built in a loop and
FastAPI must see each body type as a real class, not a string naming a local variable.
"""

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, Query, Response
from pydantic import BaseModel, Field

from closeloop.auth.deps import CurrentWork, work_requiring
from closeloop.http.etag import ETAG, IfMatch, etag, parse_if_match
from closeloop.http.params import CURSOR_FIELD
from closeloop.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT
from closeloop.runtime.work import Work
from closeloop.tickets import appointments, schemas, service
from closeloop.tickets.actions import perform
from closeloop.tickets.queries import TicketFilter, list_tickets
from closeloop.tickets.workflow import STATUSES

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"])


def _json(
    model: BaseModel, version: int | None = None, status: int = 200, **headers: str
) -> Response:
    """The model as JSON, with its ETag; serialised once (no second validation pass)."""
    if version is not None:
        headers[ETAG] = etag(version)
    return Response(model.model_dump_json(), status, headers, media_type="application/json")


@router.post("", status_code=201, response_model=schemas.TicketOut)
def create_ticket(
    body: schemas.TicketIn,
    work: Annotated[Work, Depends(work_requiring("tickets.create"))],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Response:
    """Open a ticket; `possible_duplicate_of` names an open ticket of the customer in the
    same category."""
    session, actor = work.session, work.actor
    ticket, duplicate = service.create_ticket(
        session, actor, body, tz=work.tz, idempotency_key=idempotency_key, clock=work.clock
    )
    shown = service.show(session, ticket, actor, work.now(), duplicate=duplicate)
    # Commit here, not after the trip back to the event loop: the day's number sequence stays
    # locked until commit and every other create waits for it.
    session.commit()
    return _json(shown, ticket.version, 201, Location=f"/api/v1/tickets/{ticket.id}")


_STATUS = "|".join(STATUSES)
_STATUS_LIST = rf"^(?:{_STATUS})?(?:,(?:{_STATUS})?)*$"  # empty items are skipped


class TicketQuery(BaseModel):
    """The query string of the ticket list: its filters, then the page asked for."""

    status: str | None = Field(
        None, description="one status or several, comma-separated", pattern=_STATUS_LIST
    )
    station: str | None = None
    overdue: bool | None = None
    customer_id: str | None = Field(None, pattern=r"^[0-9]+$")
    category: str | None = None
    severity: str | None = None
    assignee: str | None = None
    q: str | None = Field(None, max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, **CURSOR_FIELD)

    def filter(self) -> TicketFilter:
        """The filters as the ticket queries take them (`status` split at commas)."""
        return TicketFilter(
            status=tuple(s for s in (self.status or "").split(",") if s),
            station=self.station,
            overdue=self.overdue,
            customer_id=self.customer_id,
            category=self.category,
            severity=self.severity,
            assignee=self.assignee,
            q=self.q,
        )


@router.get("", response_model=schemas.TicketPage)
def list_all(work: CurrentWork, query: Annotated[TicketQuery, Query()]) -> Response:
    """Tickets the caller may see, soonest deadline first."""
    session, actor, now = work.session, work.actor, work.now()
    page, next_cursor = list_tickets(
        session, actor, query.filter(), now, cursor=query.cursor, limit=query.limit
    )
    ids = [t.id for t in page]
    history, breaches = service.history_of(session, ids), service.breaches_of(session, page)
    items = [service.ticket_out(t, history[t.id], breaches[t.id], actor, now) for t in page]
    return _json(schemas.TicketPage(items=items, next_cursor=next_cursor))


@router.get("/{ticket_id}", response_model=schemas.TicketOut)
def get_ticket(ticket_id: str, work: CurrentWork) -> Response:
    """One ticket with its history and breaches; ETag carries its version."""
    ticket = service.load_ticket(work.session, work.actor, ticket_id)
    return _json(service.show(work.session, ticket, work.actor, work.now()), ticket.version)


def _act(
    action: str, ticket_id: str, body: BaseModel, if_match: str | None, work: Work
) -> Response:
    session, actor = work.session, work.actor
    ticket = perform(
        session,
        actor,
        ticket_id,
        action,
        body,
        if_match=parse_if_match(if_match),
        tz=work.tz,
        clock=work.clock,
    )
    shown = service.show(session, ticket, actor, work.now())
    session.commit()  # in this thread: ending the request then needs no trip to another
    return _json(shown, ticket.version)


def _needs_no_fields(body_type: type[BaseModel]) -> bool:
    return not any(f.is_required() for f in body_type.model_fields.values())


def _register(action: str, body_type: type[BaseModel], summary: str) -> None:
    if _needs_no_fields(body_type):
        # accept (and escalate) need nothing: a request without a body is `{}`.
        def endpoint(
            ticket_id: str,
            work: CurrentWork,
            body: Annotated[body_type | None, Body()] = None,  # type: ignore[valid-type]
            if_match: IfMatch = None,
        ) -> Response:
            given = body if body is not None else body_type()
            return _act(action, ticket_id, given, if_match, work)

    else:

        def endpoint(  # type: ignore[misc]
            ticket_id: str,
            body: body_type,  # type: ignore[valid-type]
            work: CurrentWork,
            if_match: IfMatch = None,
        ) -> Response:
            return _act(action, ticket_id, body, if_match, work)

    endpoint.__name__ = f"{action}_ticket"
    endpoint.__doc__ = summary
    router.add_api_route(
        f"/{{ticket_id}}/{action}",
        endpoint,
        methods=["POST"],
        response_model=schemas.TicketOut,
        summary=summary,
    )


_SUMMARIES = {
    "resolve": "Close at the front line or the expert seat (resolution, cause_code?)",
    "escalate": "Pass to the expert seat (note)",
    "dispatch": "Send to a station, or re-dispatch from the current one (station, note)",
    "accept": "Accept a dispatched ticket (station staff; appointment? the visit window)",
    "return": "Return a misrouted ticket to the expert seat (reason)",
    "hold": "Wait for the customer; the station's clock stops (reason)",
    "resume": "Resume after waiting; the clock restarts with the time left (reason)",
    "reply": "Electronic reply with the cause (cause_code, resolution)",
    "callback": "Record the callback (reached, satisfaction, score, comment)",
    "cancel": "Cancel before dispatch (reason)",
    "reopen": "Reopen within 7 days of closing (reason)",
}


def _register_all() -> None:
    from closeloop.tickets.actions import HANDLERS

    for action, (body_type, _handler) in HANDLERS.items():
        _register(action, body_type, _SUMMARIES[action])


_register_all()


@router.put("/{ticket_id}/appointment", response_model=schemas.TicketOut)
def set_appointment(
    ticket_id: str, body: schemas.AppointmentIn, work: CurrentWork, if_match: IfMatch = None
) -> Response:
    """Set or move the technician's visit window of an accepted ticket (station staff)."""
    ticket = appointments.set_appointment(
        work, ticket_id, body, if_match=parse_if_match(if_match), clock=work.clock
    )
    shown = service.show(work.session, ticket, work.actor, work.now())
    return _json(shown, ticket.version)
