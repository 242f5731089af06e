"""Changing a ticket outside the workflow (修改工单): its description, notes, hiding it.

The workflow (closeloop.tickets.actions) moves a ticket from status to status; these change
what a ticket says, or whether it is listed, and leave its status as it is. An amendment
takes the ticket's next version (a stale If-Match then fails) and is audited. They raise no
domain event: nothing the workflow's followers (notices, deadlines, surveys) watch changes, so
an adapter that must announce the change (the TMF hub) does so itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import Forbidden
from closeloop.tickets import history
from closeloop.tickets.models import Ticket

MAX_DESCRIPTION = 5000


@dataclass(frozen=True)
class Note:
    """A note to add to a ticket's history: its text and who wrote it (empty: the actor)."""

    author: str
    text: str


@dataclass(frozen=True)
class Amendment:
    """What an amendment changed, in order, and when (nothing changed: an empty list)."""

    changed: list[str]
    at: datetime


def add_notes(
    session: Session, actor: Actor, ticket: Ticket, notes: Sequence[Note], at: datetime
) -> None:
    """Add notes to the ticket's history (entries of action `note` that keep the status)."""
    history.append(session, *(
        history.Entry(
            ticket.id, at, note.author[:64] or actor.username, "note", ticket.status,
            ticket.status, station=ticket.station, note=note.text,
        )
        for note in notes
    ))  # fmt: skip


def amend(
    session: Session,
    actor: Actor,
    ticket: Ticket,
    *,
    description: str | None = None,
    notes: Sequence[Note] = (),
    also_changed: Sequence[str] = (),
    audit_action: str = "ticket.amend",
    clock: Clock = system_clock,
) -> Amendment:
    """Give the ticket a new description and/or add notes, its status left as it is.

    A description equal to the current one changes nothing; a longer one is cut to 5,000
    characters. `also_changed` names what the caller changed beside the ticket (attributes an
    adapter keeps for it): they count as changes too. When anything changed the version goes
    up by one and one audit entry (`audit_action`) lists the changes.
    """
    now = clock.now()
    changed = list(also_changed)
    if description is not None and description != ticket.description:
        ticket.description = description[:MAX_DESCRIPTION]
        changed.append("description")
    if notes:
        add_notes(session, actor, ticket, notes, now)
        changed.append("note")
    if changed:
        ticket.version += 1
        ticket.updated_at = now
        audit.record(
            session, actor, audit_action, "ticket", ticket.id, ",".join(changed), clock=clock
        )
    return Amendment(changed, now)


def require_may_delete(actor: Actor) -> None:
    """403 unless the actor may delete tickets (administrators only)."""
    if not actor.has_role("admin"):
        raise Forbidden("only an administrator may delete tickets")


def hide(
    session: Session,
    actor: Actor,
    ticket: Ticket,
    *,
    audit_action: str = "ticket.delete",
    clock: Clock = system_clock,
) -> None:
    """Delete a ticket for everyone but the audit (admin only): it is no longer found or
    listed, and the record is kept."""
    require_may_delete(actor)
    ticket.deleted_at = clock.now()
    audit.record(session, actor, audit_action, "ticket", ticket.id, ticket.number, clock=clock)
