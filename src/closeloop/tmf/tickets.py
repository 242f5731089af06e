"""TMF621 ↔ native tickets: the mapping both ways, and façade operations that call the native
services (creation, workflow actions); no business rule lives here.

Customer: `relatedParty` with role customer names the native customer; without one the ticket
goes to the designated system customer UNASSIGNED_MSISDN ("TMF 未指定客户"), created on first
use. Category: DEFAULT_CATEGORY (or the first leaf when the taxonomy lacks it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.customers.models import Customer, Plan
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock
from closeloop.kit.errors import Conflict
from closeloop.organisation.models import Category
from closeloop.tickets import history, schemas, service
from closeloop.tickets.actions import HANDLERS, perform
from closeloop.tickets.models import Ticket, TicketEvent
from closeloop.tickets.workflow import TRANSITIONS, allowed_actions
from closeloop.tmf.common import CLIENT_ROLE, BadRequest, expect
from closeloop.tmf.models import TmfTicket

UNASSIGNED_MSISDN = "10000000000"
DEFAULT_CATEGORY = "service/complaint/escalation"
NATIVE_TYPES = ("fault", "complaint", "inquiry", "request", "suggestion")
CHANNELS = ("hotline", "online", "app", "sms", "social", "store")

TO_TMF_STATUS = {
    "new": "acknowledged",
    "expert": "inProgress",
    "dispatched": "inProgress",
    "in_progress": "inProgress",
    "pending": "pending",
    "replied": "resolved",
    "closed": "closed",
    "cancelled": "cancelled",
}
TMF_STATUSES = frozenset(TO_TMF_STATUS.values()) | {"submitted", "rejected", "held"}
TO_TMF_SEVERITY = {"urgent": "Critical", "high": "High", "normal": "Medium", "low": "Low"}
FROM_TMF_SEVERITY = {
    "critical": "urgent",
    "urgent": "urgent",
    "major": "high",
    "high": "high",
    "medium": "normal",
    "normal": "normal",
    "minor": "low",
    "low": "low",
}
# attributes a client may not set (TroubleTicket minus TroubleTicket_Update)
READ_ONLY = frozenset(
    {"id", "href", "creationDate", "lastUpdate", "statusChange", "statusChangeDate"}
)


def native_severity(value: str) -> str:
    """The native severity of a TMF severity (unknown labels are normal)."""
    return FROM_TMF_SEVERITY.get(value.strip().lower(), "normal")


def href(base: str, ticket_id: int) -> str:
    """The resource's address."""
    return f"{base}/tmf-api/troubleTicket/v4/troubleTicket/{ticket_id}"


def to_tmf(
    ticket: Ticket, ext: TmfTicket | None, history: list[TicketEvent], base: str
) -> dict[str, Any]:
    """A native ticket as a TMF621 TroubleTicket."""
    changes = [e for e in history if e.from_status != e.to_status]
    notes = [e for e in history if e.action == "note"]
    resource: dict[str, Any] = {
        "id": str(ticket.id),
        "href": href(base, ticket.id),
        "name": (ext.name if ext and ext.name else ticket.title),
        "description": ticket.description,
        "severity": TO_TMF_SEVERITY.get(ticket.severity, ticket.severity),
        "ticketType": ext.ticket_type if ext else ticket.type,
        "status": TO_TMF_STATUS.get(ticket.status, ticket.status),
        "creationDate": ticket.created_at.isoformat(),
        "lastUpdate": ticket.updated_at.isoformat(),
        "expectedResolutionDate": ticket.resolution_due_at.isoformat(),
        "channel": {"id": ticket.channel, "name": ticket.channel},
        "relatedParty": [
            {"id": str(ticket.customer_id), "role": "customer", "@referredType": "Customer"}
        ],
        "relatedEntity": [
            {
                "id": ticket.station,
                "name": ticket.station,
                "role": "station",
                "@referredType": "Station",
            }
        ]
        if ticket.station
        else [],
        "note": [
            {"id": str(e.id), "author": e.actor, "date": e.at.isoformat(), "text": e.note}
            for e in notes
        ],
        "statusChange": [
            {
                "status": TO_TMF_STATUS.get(e.to_status, e.to_status),
                "changeDate": e.at.isoformat(),
                "changeReason": e.note,
            }
            for e in changes
        ],
        "@type": "TroubleTicket",
    }
    if ext and ext.external_id:
        resource["externalId"] = ext.external_id
    if changes:
        resource["statusChangeDate"] = changes[-1].at.isoformat()
        resource["statusChangeReason"] = changes[-1].note
    if ticket.status in ("replied", "closed") and ticket.closed_at:
        resource["resolutionDate"] = ticket.closed_at.isoformat()
    return resource


def parse_notes(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(author, text) of each note without an id; 400 when `note` is not a list of notes."""
    notes = expect(body, "note", list) or []
    parsed = []
    for note in notes:
        if not isinstance(note, dict) or not isinstance(note.get("text"), str) or not note["text"]:
            raise BadRequest("each note needs a text")
        if note.get("id") is None:
            parsed.append((str(note.get("author") or ""), note["text"]))
    return parsed


def add_notes(
    session: Session, actor: Actor, ticket: Ticket, notes: list[tuple[str, str]], now: datetime
) -> None:
    """Notes are history entries (action `note`) that leave the status as it is."""
    history.append(session, *(
        history.entry(
            ticket.id, now, author[:64] or actor.username, "note", ticket.status, ticket.status,
            station=ticket.station, note=text,
        )
        for author, text in notes
    ))  # fmt: skip


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


CREATE_EXTRAS = "tmf_create_extras"


def create(
    session: Session, actor: Actor, body: dict[str, Any], *, tz: ZoneInfo, clock: Clock
) -> Ticket:
    """Open a native ticket from a TroubleTicket_Create body (a sent status is ignored)."""
    description = expect(body, "description", str, required=True)
    severity = expect(body, "severity", str, required=True)
    ticket_type = expect(body, "ticketType", str, required=True)
    assert description is not None and severity is not None and ticket_type is not None
    notes = parse_notes(body)
    channel = body.get("channel")
    channel_name = channel.get("name") if isinstance(channel, dict) else None
    name = expect(body, "name", str)
    try:
        data = schemas.TicketIn(
            customer_id=_customer_id(session, body),
            channel=channel_name if channel_name in CHANNELS else "online",
            type=ticket_type if ticket_type in NATIVE_TYPES else "fault",
            category=_category(session),
            severity=native_severity(severity),
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
    add_notes(session, actor, ticket, notes, clock.now())
    session.flush()
    return ticket


def action_for(status: str, tmf_target: str) -> str:
    """The single native action that takes a ticket from `status` to the TMF status; 409
    naming the allowed native actions when there is none or more than one."""
    if tmf_target not in TMF_STATUSES:
        raise BadRequest(f"unknown status {tmf_target!r}")
    candidates = list(
        dict.fromkeys(
            t.action
            for t in TRANSITIONS
            if status in t.sources and TO_TMF_STATUS[t.target] == tmf_target
        )
    )
    if len(candidates) != 1:
        allowed = allowed_actions(status)
        raise Conflict(
            f"no single workflow action takes a {status} ticket to {tmf_target}; "
            f"allowed native actions: {', '.join(allowed) or 'none'}",
            extra={"from_status": status, "allowed": allowed},
        )
    return candidates[0]


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
    action = action_for(ticket.status, target)
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


def render(session: Session, tickets: list[Ticket], base: str) -> list[dict[str, Any]]:
    """TroubleTicket resources for native tickets (one query for history, one for extras)."""
    ids = [t.id for t in tickets]
    history = service.history_of(session, ids)
    exts = {
        e.ticket_id: e
        for e in session.scalars(select(TmfTicket).where(TmfTicket.ticket_id.in_(ids)))
    }
    return [to_tmf(t, exts.get(t.id), history[t.id], base) for t in tickets]
