"""Opening many work orders at once (批量派单): each ticket is created and dispatched to a
station exactly as `create_ticket` then `perform(..., "dispatch")` would — the same rows,
history, audit entries, deadlines and events — but with set-wise statements: the checks once,
the numbers in one statement, the tickets, their history and audit entries each in one insert.

For a caller with thousands of orders of one kind (the credit ladder's first run), where one by
one each costs a numbering round trip, a locked reload and several flushes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.customers.models import Customer
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import Forbidden, InvalidInput
from closeloop.organisation.models import Category, Station
from closeloop.organisation.service import leaf_problem
from closeloop.runtime.work import Work
from closeloop.tickets import history, sla
from closeloop.tickets.deadlines import refresh, station_terms
from closeloop.tickets.events import TicketChanged
from closeloop.tickets.models import Ticket, TicketStationVisit
from closeloop.tickets.numbering import next_numbers
from closeloop.tickets.settings import PROMISE_HOURS
from closeloop.tickets.workflow import roles_for, transition_for


@dataclass(frozen=True)
class Order:
    """One work order to open: for whom, and what it says."""

    customer_id: int
    title: str
    description: str = ""


@dataclass(frozen=True)
class Kind:
    """What every order of one bulk open shares: how it came in, its type, category,
    severity, and the station it is dispatched to with a note."""

    station: str
    category: str
    type: str = "request"
    severity: str = "normal"
    channel: str = "online"
    note: str = ""


def _check(session: Session, actor: Actor, kind: Kind) -> Station:
    """The checks `create_ticket` and a dispatch from `new` make, once for all orders."""
    actor.require("tickets.create")
    if transition_for("dispatch", "new", actor.roles) is None or not (
        set(actor.roles) & roles_for("dispatch")
    ):
        raise Forbidden("your role may not dispatch tickets")
    problem = leaf_problem(session, Category, kind.category)
    if problem:
        raise InvalidInput.field("category", problem)
    station = session.get(Station, kind.station)
    if station is None:
        raise InvalidInput.field("station", f"no station {kind.station!r}")
    if station.retired_at is not None:
        raise InvalidInput.field("station", f"station {kind.station!r} is retired")
    return station


def _regions(session: Session, orders: Sequence[Order]) -> dict[int, str]:
    wanted = sorted({o.customer_id for o in orders})
    rows = session.execute(select(Customer.id, Customer.region).where(Customer.id.in_(wanted)))
    found = {customer_id: region for customer_id, region in rows}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise InvalidInput.field("customer_id", f"no customer {missing[0]!r}")
    return found


def _created(
    session: Session, actor: Actor, kind: Kind, orders: Sequence[Order], now: datetime, tz: ZoneInfo
) -> list[Ticket]:
    regions = _regions(session, orders)
    promise = sla.resolution_due(
        now, kind.type, kind.severity, Work.of(session).business(PROMISE_HOURS.key)
    )
    numbers = next_numbers(session, now, tz, len(orders))
    tickets = []
    for number, order in zip(numbers, orders, strict=True):
        ticket = Ticket(
            number=number, status="new", version=1, customer_id=order.customer_id,
            channel=kind.channel, type=kind.type, category=kind.category,
            severity=kind.severity, title=order.title[:200],
            description=order.description or order.title, region=regions[order.customer_id],
            cell_id=None, address=None, created_by=actor.username, prewarned=False,
            reopen_count=0, return_count=0, first_contact_resolved=False,
            resolution_due_at=promise, created_at=now, updated_at=now,
        )  # fmt: skip
        refresh(ticket, now)
        tickets.append(ticket)
    session.add_all(tickets)
    session.flush()  # one multi-row INSERT … RETURNING for the ids
    return tickets


def open_dispatched(
    session: Session,
    actor: Actor,
    kind: Kind,
    orders: Sequence[Order],
    *,
    tz: ZoneInfo,
    clock: Clock = system_clock,
) -> list[Ticket]:
    """Open the orders and dispatch them to `kind.station` (their time limit starts now); the
    tickets, in the orders' order. A refused check opens none."""
    if not orders:
        return []
    station = _check(session, actor, kind)
    work, now = Work.of(session), clock.now()
    tickets = _created(session, actor, kind, orders, now, tz)
    history.append(session, *(
        history.Entry(t.id, now, actor.username, "create", None, "new",
                      note=history.opening_note(kind.channel, t.title))
        for t in tickets
    ))  # fmt: skip
    audit.record_many(session, actor, [
        ("ticket.create", "ticket", t.id, f"{t.number} {kind.type}/{kind.severity} {kind.category}")
        for t in tickets
    ], clock=clock)  # fmt: skip
    for t in tickets:
        work.publish(TicketChanged(at=now, ticket=t, action="create", from_status=None))
    accept_due, work_due, prewarn = sla.on_dispatch(
        now, station_terms(session, station, kind.severity)
    )
    with session.no_autoflush:
        for t in tickets:
            t.accept_due_at, t.work_due_at, t.prewarn_at = accept_due, work_due, prewarn
            t.station, t.assignee, t.prewarned, t.work_remaining_minutes = (
                station.code,
                None,
                False,
                None,
            )
            t.dispatched_by, t.dispatched_at = actor.username, now
            t.status, t.version, t.updated_at = "dispatched", t.version + 1, now
            refresh(t, now)
    session.execute(
        insert(TicketStationVisit), [{"ticket_id": t.id, "station": station.code} for t in tickets]
    )
    history.append(session, *(
        history.Entry(t.id, now, actor.username, "dispatch", "new", "dispatched",
                      station=station.code, note=kind.note)
        for t in tickets
    ))  # fmt: skip
    audit.record_many(session, actor, [
        ("ticket.dispatch", "ticket", t.id, f"{t.number} new→dispatched {kind.note}"[:500])
        for t in tickets
    ], clock=clock)  # fmt: skip
    session.flush()
    for t in tickets:
        work.publish(
            TicketChanged(at=now, ticket=t, action="dispatch", from_status="new", notice="dispatch")
        )
    return tickets
