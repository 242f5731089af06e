"""TMF621 ↔ native tickets: the mapping both ways (statuses, severities, resources, the
attributes of an update); the operations that use it are in closeloop.tmf.ticket_service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.kit.errors import Conflict
from closeloop.tickets import choices, service
from closeloop.tickets.edits import Note
from closeloop.tickets.models import Ticket, TicketEvent
from closeloop.tickets.workflow import TRANSITIONS, allowed_actions
from closeloop.tmf.common import BadRequest, expect
from closeloop.tmf.models import TmfTicket

NATIVE_TYPES = choices.TYPES.codes
CHANNELS = choices.CHANNELS.codes

# The TMF status and severity of each native one are attributes of the choices (`tmf`).
TO_TMF_STATUS = choices.STATUSES.attribute("tmf")
TMF_STATUSES = frozenset(TO_TMF_STATUS.values()) | {"submitted", "rejected", "held"}
TO_TMF_SEVERITY = choices.SEVERITIES.attribute("tmf")
# A TMF severity read back: its own name, the native code, and TMF's other usual words.
FROM_TMF_SEVERITY = {
    **{code: code for code in choices.SEVERITIES.codes},
    **{tmf.lower(): code for code, tmf in TO_TMF_SEVERITY.items()},
    "major": "high",
    "minor": "low",
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


def parse_notes(body: dict[str, Any]) -> list[Note]:
    """The notes without an id (those are new); 400 when `note` is not a list of notes."""
    notes = expect(body, "note", list) or []
    parsed = []
    for note in notes:
        if not isinstance(note, dict) or not isinstance(note.get("text"), str) or not note["text"]:
            raise BadRequest("each note needs a text")
        if note.get("id") is None:
            parsed.append(Note(str(note.get("author") or ""), note["text"]))
    return parsed


# attributes a client may set that the native ticket does not hold: TMF name → tmf_tickets column
FACADE_ATTRIBUTES = (("ticketType", "ticket_type"), ("externalId", "external_id"), ("name", "name"))
# attributes the façade shows but cannot change: an update may only repeat their value
FIXED = frozenset({"severity", "relatedParty", "channel", "priority", "relatedEntity"})


@dataclass(frozen=True)
class TicketUpdate:
    """A TroubleTicket_Update read against the ticket as it was (JSON merge patch).

    `status` is set only when it differs from the current one; `attributes` holds the façade
    attributes the body names, as (TMF name, column, value), in the order of FACADE_ATTRIBUTES.
    """

    status: str | None
    status_reason: str
    notes: list[Note]
    attributes: list[tuple[str, str, str | None]]
    description: str | None


def refuse_read_only(body: dict[str, Any]) -> None:
    """400 naming the read-only attributes an update sets (id, href, dates…), if any."""
    refused = sorted(set(body) & READ_ONLY)
    if refused:
        raise BadRequest(f"read-only attribute(s): {', '.join(refused)}")


def parse_update(body: dict[str, Any], before: dict[str, Any]) -> TicketUpdate:
    """What an update asks of the ticket shown as `before`; 400 for an attribute of the wrong
    JSON type, a change to a fixed attribute, a removed ticketType or a malformed note."""
    for key in body:
        if key in FIXED and body[key] != before.get(key):
            raise BadRequest(f"{key} cannot be changed through the façade")
    status = expect(body, "status", str)
    notes = parse_notes(body)
    attributes: list[tuple[str, str, str | None]] = []
    for key, column in FACADE_ATTRIBUTES:
        if key in body:
            value = expect(body, key, str)
            if key == "ticketType" and not value:
                raise BadRequest("ticketType cannot be removed")
            attributes.append((key, column, value))
    description = expect(body, "description", str)
    if status is None or status == before["status"]:
        return TicketUpdate(None, "", notes, attributes, description)
    reason = expect(body, "statusChangeReason", str) or ""
    return TicketUpdate(status, reason, notes, attributes, description)


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


def render(session: Session, tickets: list[Ticket], base: str) -> list[dict[str, Any]]:
    """TroubleTicket resources for native tickets (one query for history, one for extras)."""
    ids = [t.id for t in tickets]
    history = service.history_of(session, ids)
    exts = {
        e.ticket_id: e
        for e in session.scalars(select(TmfTicket).where(TmfTicket.ticket_id.in_(ids)))
    }
    return [to_tmf(t, exts.get(t.id), history[t.id], base) for t in tickets]
