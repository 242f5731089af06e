"""TMF621 operations over the native ticket services: list, create, update, delete.

The façade decides nothing about tickets: creation goes through closeloop.tickets.service,
status changes through the workflow (closeloop.tickets.actions.perform), descriptions and
notes through closeloop.tickets.edits; the façade keeps only its own attributes (ticketType,
externalId, name in `tmf_tickets`) and writes its hub events.

Customer: `relatedParty` with role customer names the native customer; without one the ticket
goes to the designated system customer UNASSIGNED_MSISDN ("TMF 未指定客户"), created on first
use. Category: DEFAULT_CATEGORY (or the first leaf when the taxonomy lacks it).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from closeloop.customers.models import Customer, Plan
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock
from closeloop.kit.errors import Conflict
from closeloop.kit.ids import parse_id
from closeloop.organisation.models import Category
from closeloop.tickets import edits, schemas, service
from closeloop.tickets.actions import HANDLERS, perform
from closeloop.tickets.models import Ticket
from closeloop.tmf import ticket_mapping as tt
from closeloop.tmf.common import CLIENT_ROLE, BadRequest, expect
from closeloop.tmf.events import emit
from closeloop.tmf.models import TmfTicket

API = "TroubleTicket"
UNASSIGNED_MSISDN = "10000000000"
DEFAULT_CATEGORY = "service/complaint/escalation"
FILTERS = ("severity", "status", "ticketType", "externalId", "id", "channel")
# the session.info key under which `create` hands its TMF attributes to the create listener
CREATE_EXTRAS = "tmf_create_extras"


def workflow_actor(actor: Actor) -> Actor:
    """Machine clients take workflow actions with the front line's rights (agent, expert)."""
    if not actor.has_role(CLIENT_ROLE):
        return actor
    return Actor(
        username=actor.username,
        user_id=actor.user_id,
        roles=(*actor.roles, "agent", "expert"),
        permissions=actor.permissions,
    )


# --- list ----------------------------------------------------------------------------------


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


def page(
    session: Session, actor: Actor, params: dict[str, str], offset: int, limit: int
) -> tuple[list[Ticket], int]:
    """The tickets the actor may see that match the attribute filters (FILTERS), newest
    first from `offset`, and how many match in all."""
    condition = service.visibility(actor)
    base_q = _filtered(select(Ticket).where(Ticket.deleted_at.is_(None)), params)
    count_q = _filtered(select(func.count(Ticket.id)).where(Ticket.deleted_at.is_(None)), params)
    if condition is not None:
        base_q, count_q = base_q.where(condition), count_q.where(condition)
    total = int(session.scalar(count_q) or 0)
    found = list(session.scalars(base_q.order_by(Ticket.id.desc()).offset(offset).limit(limit)))
    return found, total


# --- create --------------------------------------------------------------------------------


def _system_customer(session: Session) -> Customer:
    found = session.scalar(select(Customer).where(Customer.msisdn == UNASSIGNED_MSISDN))
    if found is not None:
        return found
    plan = session.scalar(select(Plan).order_by(Plan.code).limit(1))
    if plan is None:
        plan = Plan(code="UNASSIGNED", name="未指定", monthly_fee=0, data_mb=0, voice_min=0, sms=0)
        session.add(plan)
    customer = Customer(msisdn=UNASSIGNED_MSISDN, name="TMF 未指定客户", region="未知", plan=plan)
    session.add(customer)
    session.flush()
    return customer


def _customer_id(session: Session, body: dict[str, Any]) -> str:
    for party in expect(body, "relatedParty", list) or []:
        role = str(party.get("role", "customer")).lower() if isinstance(party, dict) else ""
        if role == "customer" and party.get("id") is not None:
            return str(party["id"])
    return str(_system_customer(session).id)


def _category(session: Session) -> str:
    if service.is_leaf(session, Category, DEFAULT_CATEGORY):
        return DEFAULT_CATEGORY
    parents = select(Category.parent).where(
        Category.parent.is_not(None), Category.retired_at.is_(None)
    )
    leaf = session.scalar(
        select(Category.code)
        .where(Category.code.not_in(parents), Category.retired_at.is_(None))
        .order_by(Category.code)
        .limit(1)
    )
    if leaf is None:
        raise Conflict("the category taxonomy is empty; load it before creating tickets")
    return leaf


def create(
    session: Session, actor: Actor, body: dict[str, Any], *, tz: ZoneInfo, clock: Clock
) -> Ticket:
    """Open a native ticket from a TroubleTicket_Create body (a sent status is ignored)."""
    description = expect(body, "description", str, required=True)
    severity = expect(body, "severity", str, required=True)
    ticket_type = expect(body, "ticketType", str, required=True)
    assert description is not None and severity is not None and ticket_type is not None
    notes = tt.parse_notes(body)
    channel = body.get("channel")
    channel_name = channel.get("name") if isinstance(channel, dict) else None
    name = expect(body, "name", str)
    try:
        data = schemas.TicketIn(
            customer_id=_customer_id(session, body),
            channel=channel_name if channel_name in tt.CHANNELS else "online",
            type=ticket_type if ticket_type in tt.NATIVE_TYPES else "fault",
            category=_category(session),
            severity=tt.native_severity(severity),
            title=(name or description)[:200],
            description=description[:5000],
        )
    except ValidationError as exc:
        raise BadRequest(str(exc.errors()[0].get("msg"))) from exc
    # the create listener (closeloop.tmf.native_events) stores these before announcing
    session.info[CREATE_EXTRAS] = {
        "ticket_type": ticket_type[:64],
        "external_id": expect(body, "externalId", str),
        "name": name,
    }
    ticket, _duplicate = service.create_ticket(session, actor, data, tz=tz, clock=clock)
    edits.add_notes(session, actor, ticket, notes, clock.now())
    session.flush()
    return ticket


# --- update --------------------------------------------------------------------------------


def change_status(
    session: Session,
    actor: Actor,
    ticket: Ticket,
    target: str,
    reason: str,
    *,
    tz: ZoneInfo,
    clock: Clock,
) -> Ticket:
    """Move the ticket to a TMF status through the workflow (perform)."""
    action = tt.action_for(ticket.status, target)
    text = reason or f"TMF status change to {target}"
    raw = {"reason": text, "note": text, "resolution": text}
    model = HANDLERS[action][0]
    try:
        body = model.model_validate({k: v for k, v in raw.items() if k in model.model_fields})
    except ValidationError as exc:
        raise BadRequest(f"{action}: {exc.errors()[0].get('msg')}") from exc
    return perform(
        session,
        workflow_actor(actor),
        str(ticket.id),
        action,
        body,
        if_match=None,
        tz=tz,
        clock=clock,
    )


def update(
    session: Session,
    actor: Actor,
    ticket_id: str,
    body: dict[str, Any],
    *,
    base: str,
    tz: ZoneInfo,
    clock: Clock,
) -> dict[str, Any]:
    """Apply a TroubleTicket_Update (JSON merge patch) and answer with the ticket after it.

    Read-only attributes are refused (400) before the ticket is read. The façade attributes
    are stored beside the ticket; the description and new notes amend the native ticket (one
    version, one audit entry, one attribute-change hub event for all of them); a new status
    goes through the workflow, which announces it itself (closeloop.tmf.native_events).
    """
    tt.refuse_read_only(body)
    ticket = service.load_ticket(session, actor, ticket_id, lock=True)
    before = tt.render(session, [ticket], base)[0]
    wanted = tt.parse_update(body, before)
    ext = session.get(TmfTicket, ticket.id)
    if ext is None:
        ext = TmfTicket(ticket_id=ticket.id, ticket_type=ticket.type)
        session.add(ext)
    for _key, column, value in wanted.attributes:
        setattr(ext, column, value)
    amended = edits.amend(
        session, actor, ticket, description=wanted.description, notes=wanted.notes,
        also_changed=[key for key, _column, _value in wanted.attributes],
        audit_action="tmf.ticket.update", clock=clock,
    )  # fmt: skip
    if wanted.status is not None:
        ticket = change_status(
            session, actor, ticket, wanted.status, wanted.status_reason, tz=tz, clock=clock
        )
    session.flush()
    after = tt.render(session, [ticket], base)[0]
    if amended.changed:
        emit(
            session, API, "TroubleTicketAttributeValueChangeEvent", str(ticket.id), after,
            amended.at, ticket_id=ticket.id,
        )  # fmt: skip
    return after


# --- delete --------------------------------------------------------------------------------


def delete(session: Session, actor: Actor, ticket_id: str, *, base: str, clock: Clock) -> None:
    """Hide a ticket (admin only, 403 before anything is read); the record is kept for audit
    and the hub hears of the deletion with the ticket as it was."""
    edits.require_may_delete(actor)
    ticket = service.load_ticket(session, actor, ticket_id, lock=True)
    resource = tt.render(session, [ticket], base)[0]
    edits.hide(session, actor, ticket, audit_action="tmf.ticket.delete", clock=clock)
    emit(
        session, API, "TroubleTicketDeleteEvent", str(ticket.id), resource, clock.now(),
        ticket_id=ticket.id,
    )  # fmt: skip
