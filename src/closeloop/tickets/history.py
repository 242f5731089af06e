"""A ticket's history (工单流转记录): appending entries, and the opening entry's note."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from closeloop.db.upsert import row_insert
from closeloop.tickets.models import TicketEvent

_INSERT = row_insert(TicketEvent)


def entry(
    ticket_id: int,
    at: datetime,
    actor: str,
    action: str,
    from_status: str | None,
    to_status: str,
    *,
    station: str | None = None,
    note: str = "",
    charged_to: str | None = None,
) -> dict[str, object]:
    """One history entry, as the row `append` writes."""
    return {
        "ticket_id": ticket_id,
        "at": at,
        "actor": actor,
        "action": action,
        "from_status": from_status,
        "to_status": to_status,
        "station": station,
        "note": note[:2000],
        "charged_to": charged_to,
    }


def append(session: Session, *entries: dict[str, object]) -> None:
    """Add history entries to the caller's transaction, in one statement.

    A plain INSERT, written at once: history is read back only by later queries, so the unit
    of work keeps no object for it.
    """
    if entries:
        session.execute(_INSERT, list(entries))


def opening_note(channel: str, title: str) -> str:
    """The note of a ticket's first entry: the channel it came in by, and its title."""
    return f"{channel} · {title}"


def opening_title(note: str, channel: str) -> str | None:
    """The title part of an opening note in the channel given (None for any other note),
    so a page can show the channel by its name."""
    prefix = opening_note(channel, "")
    return note.removeprefix(prefix) if note.startswith(prefix) else None
