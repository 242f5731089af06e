"""Day rollups of the ticket KPIs (指标日汇总), kept by the ticket events as they happen and
rebuilt from the histories on demand (`rebuild.py`); the two always agree
(tests/kpis/test_rollups.py). Contacts and self-service conversations: `contact_rollups.py`.

Each history entry adds the rows `facts.py` counts for it, computed by the very same SQL
restricted to that entry; a ticket's creation adds its creation rows, which later entries
change in three known ways (the first action, the first close).

The listeners only take note; a transaction's notes are summed at once when it commits (or
when rollups are read inside it): one query per 1,000 entries instead of one per event, so
a bulk of work orders or a demo seed pays a few statements, not 25 ms a ticket.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event as sa_event
from sqlalchemy import func, literal, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction

from closeloop.kpis import facts
from closeloop.kpis.models import KpiRollup
from closeloop.runtime.work import Work
from closeloop.tickets.events import TicketChanged
from closeloop.tickets.models import TicketEvent
from closeloop.tickets.workflow import ACTIONS

DIMS = ("all", "station", "region", "channel", "category", "agent")
ROLLED = facts.CREATION_FACTS + facts.EVENT_FACTS + facts.CONTACT_FACTS
Row = Sequence[Any]  # code, at, station, region, channel, category, agent, num, den, ticket
Key = tuple[str, str, date, str]
_CHUNK = 1000  # rows per statement: far below the bound-parameter limits


def _coded(code: str, rows: facts.Facts) -> Any:
    return select(literal(code).label("code"), *rows.subquery().c)


def keep_up(work: Work, event: TicketChanged) -> None:
    """Listener: note what a ticket's creation or new history entry adds to the rollups;
    `settle` sums a transaction's notes in a few set-based statements before it commits."""
    session, ticket = work.session, event.ticket
    owed = _owed(session)
    if event.action == "create":
        owed.created.add(ticket.id)
        return
    entry = session.scalar(
        select(func.max(TicketEvent.id)).where(TicketEvent.ticket_id == ticket.id)
    )
    if entry is not None:  # a ticket created in this transaction is summed whole at the end
        fresh = ticket.id in owed.created
        owed.entries[entry] = [] if fresh else _creation_changes(session, event)


def defer(session: Session, rows: Iterable[Row]) -> None:
    """Add fact rows already known (contacts, conversations) when the transaction settles."""
    _owed(session).rows.extend(rows)


def settle(session: Session) -> int:
    """Add what this transaction's events noted to the rollups, now (before it commits, and
    before the rollups are read in it); how many rollups changed."""
    owed: _Owed | None = session.info.pop(_OWED, None)
    if owed is None:
        return 0
    dialect = session.get_bind().dialect.name
    rows: list[Row] = list(owed.rows)
    for tickets in _chunks(sorted(owed.created)):
        rows.extend(
            _facts(session, facts.CREATION_FACTS, facts.Scope(ticket_ids=tickets, dialect=dialect))
        )
    for entries in _chunks(sorted(owed.entries)):
        rows.extend(
            _facts(session, facts.EVENT_FACTS, facts.Scope(event_ids=entries, dialect=dialect))
        )
        kept = session.scalars(select(TicketEvent.id).where(TicketEvent.id.in_(entries)))
        for entry in kept:  # entries of a rolled-back savepoint are gone, and their changes
            rows.extend(owed.entries[entry])
    return add(session, Work.of(session).tz, rows)


def forget(session: Session) -> None:
    """Drop what this transaction noted (it is rolled back, or the rollups are rebuilt)."""
    session.info.pop(_OWED, None)


@dataclass
class _Owed:
    """What a transaction's events add to the rollups, summed when it settles: the tickets it
    created (their creation rows, read whole at the end), its history entries (each with the
    changes it made to an older ticket's creation rows, known only at the time), known rows."""

    created: set[int] = field(default_factory=set)
    entries: dict[int, list[Row]] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)


_OWED = "closeloop.kpis.owed"


def _owed(session: Session) -> _Owed:
    found = session.info.get(_OWED)
    if not isinstance(found, _Owed):
        found = session.info[_OWED] = _Owed()
    return found


def _chunks(ids: Sequence[int]) -> Iterator[tuple[int, ...]]:
    for start in range(0, len(ids), _CHUNK):
        yield tuple(ids[start : start + _CHUNK])


def _facts(session: Session, codes: Sequence[str], scope: facts.Scope) -> list[Row]:
    union = union_all(*(_coded(c, facts.FACTS[c](scope)) for c in codes))
    return [tuple(r) for r in session.execute(union)]


@sa_event.listens_for(Session, "before_commit")
def _settle_before_commit(session: Session) -> None:
    if not session.in_nested_transaction():
        settle(session)


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_after_rollback(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # settled already if it committed
        forget(session)


def _creation_changes(session: Session, event: TicketChanged) -> list[Row]:
    """How an entry changes its ticket's creation rows: the first action (fcr, asa) and the
    first close (resolution_rate)."""
    t = event.ticket
    groups = (t.created_at, None, t.region, t.channel, t.category, t.created_by)
    changes: list[Row] = []
    if event.from_status == "new" and event.action in ACTIONS:
        minutes = (event.at - t.created_at).total_seconds() / 60.0
        changes.append(("asa", *groups, minutes, 1.0, t.id))
        if event.action == "resolve":
            changes.append(("fcr", *groups, 1.0, 0.0, t.id))
    if t.status == facts.CLOSED and event.from_status != facts.CLOSED:
        closes = session.scalar(
            select(func.count()).where(
                TicketEvent.ticket_id == t.id,
                TicketEvent.to_status == facts.CLOSED,
                TicketEvent.action.in_(ACTIONS),
            )
        )
        if closes == 1:
            changes.append(("resolution_rate", *groups, 1.0, 0.0, t.id))
    return changes


def add(session: Session, tz: ZoneInfo, rows: Iterable[Row]) -> int:
    """Add fact rows to the day rollups of every grouping (one upsert); how many rollups."""
    sums: dict[Key, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for code, at, station, region, channel, category, agent, num, den, *_ticket in rows:
        day = local_day(at, tz)
        keys = ("", station, region, channel, category, agent)
        for dim, key in zip(DIMS, keys, strict=True):
            s = sums[(code, dim, day, str(key or ""))]
            s[0] += float(num or 0)
            s[1] += float(den or 0)
    return upsert(session, sums)


def local_day(at: datetime, tz: ZoneInfo) -> date:
    if at.tzinfo is None:  # SQLite hands back stored instants without their (UTC) offset
        at = at.replace(tzinfo=ZoneInfo("UTC"))
    return at.astimezone(tz).date()


def upsert(session: Session, sums: dict[Key, list[float]]) -> int:
    """Add numerators and denominators to the rollups, creating the missing ones."""
    if not sums:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = [
        {"code": c, "dim": d, "day": day, "key": k, "numerator": s[0], "denominator": s[1]}
        for (c, d, day, k), s in sums.items()
    ]
    for start in range(0, len(values), _CHUNK):
        statement = dialect.insert(KpiRollup).values(values[start : start + _CHUNK])
        statement = statement.on_conflict_do_update(
            index_elements=["code", "dim", "day", "key"],
            set_={
                "numerator": KpiRollup.numerator + statement.excluded.numerator,
                "denominator": KpiRollup.denominator + statement.excluded.denominator,
            },
        )
        session.execute(statement)
    return len(values)
