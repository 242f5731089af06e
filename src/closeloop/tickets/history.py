"""A ticket's history (工单流转记录): appending entries, and the opening entry's note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from closeloop.db.upsert import row_insert
from closeloop.tickets.models import TicketEvent

_INSERT = row_insert(TicketEvent)


@dataclass(frozen=True)
class Entry:
    """One step in a ticket's history: who did what when, the status it left and reached,
    the station it concerns, the note, and the station a missed deadline is charged to."""

    ticket_id: int
    at: datetime
    actor: str
    action: str
    from_status: str | None
    to_status: str
    station: str | None = None
    note: str = ""
    charged_to: str | None = None

    def row(self) -> dict[str, object]:
        """The entry as the row `append` writes (the note cut to 2,000 characters)."""
        return {
            "ticket_id": self.ticket_id,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "from_status": self.from_status,
            "to_status": self.to_status,
            "station": self.station,
            "note": self.note[:2000],
            "charged_to": self.charged_to,
        }


def append(session: Session, *entries: Entry) -> None:
    """Add history entries to the caller's transaction, in one statement.

    A plain INSERT, written at once: history is read back only by later queries, so the unit
    of work keeps no object for it.
    """
    if entries:
        session.execute(_INSERT, [e.row() for e in entries])


def opening_note(channel: str, title: str) -> str:
    """The note of a ticket's first entry: the channel it came in by, and its title."""
    return f"{channel} · {title}"


def opening_title(note: str, channel: str) -> str | None:
    """The title part of an opening note in the channel given (None for any other note),
    so a page can show the channel by its name."""
    prefix = opening_note(channel, "")
    return note.removeprefix(prefix) if note.startswith(prefix) else None
