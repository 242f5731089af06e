"""Opening many work orders at once: the same tickets, history, audit entries, deadlines,
station visits, events and customer notices as creating and dispatching them one by one."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.care.models import Notification
from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.kit.actor import Actor
from closeloop.kit.clock import FixedClock
from closeloop.kit.errors import Forbidden, InvalidInput
from closeloop.runtime.work import Work
from closeloop.tickets.actions import perform
from closeloop.tickets.bulk import Kind, Order, open_dispatched
from closeloop.tickets.events import TicketChanged
from closeloop.tickets.models import Ticket, TicketEvent, TicketStationVisit
from closeloop.tickets.schemas import DispatchBody, TicketIn
from closeloop.tickets.service import create_ticket
from tests.support.factories import Factory

ACTOR = Actor(
    username="bulk-test", roles=("supervisor",),
    permissions=frozenset({"tickets.create", "tickets.read"}),
)  # fmt: skip
KIND = Kind("billing", "billing/arrears/suspend_dispute", severity="high", note="自动派单")
SKIP = {"id", "number", "customer_id", "title", "description"}


def _one_by_one(work: Work, orders: list[Order]) -> list[int]:
    ids = []
    for o in orders:
        body = TicketIn(
            customer_id=str(o.customer_id), channel=KIND.channel, type=KIND.type,
            category=KIND.category, severity=KIND.severity, title=o.title,
            description=o.description or o.title,
        )  # fmt: skip
        t, _dup = create_ticket(work.session, ACTOR, body, tz=work.tz, clock=work.clock)
        dispatch = DispatchBody(station=KIND.station, note=KIND.note)
        perform(
            work.session, ACTOR, str(t.id), "dispatch", dispatch, if_match=None,
            tz=work.tz, clock=work.clock,
        )  # fmt: skip
        ids.append(t.id)
    return ids


def _picture(database: Database, ids: list[int], events: list[tuple[Any, ...]]) -> list[Any]:
    """Everything a user could notice of these tickets, without ids, numbers and titles."""
    with database.unit_of_work(write=False) as s:
        tickets = s.scalars(select(Ticket).where(Ticket.id.in_(ids)).order_by(Ticket.id))
        rows = [
            {c.key: getattr(t, c.key) for c in Ticket.__table__.columns if c.key not in SKIP}
            for t in tickets
        ]
        history = s.execute(
            select(TicketEvent.action, TicketEvent.from_status, TicketEvent.to_status,
                   TicketEvent.station, TicketEvent.actor, TicketEvent.at)
            .where(TicketEvent.ticket_id.in_(ids)).order_by(TicketEvent.ticket_id, TicketEvent.id)
        ).all()  # fmt: skip
        audit = s.execute(
            select(AuditEntry.action, AuditEntry.actor, AuditEntry.at)
            .where(AuditEntry.entity_type == "ticket", AuditEntry.entity_id.in_(map(str, ids)))
            .order_by(AuditEntry.entity_id, AuditEntry.id)
        ).all()  # fmt: skip
        visits = s.scalars(
            select(TicketStationVisit.station).where(TicketStationVisit.ticket_id.in_(ids))
        ).all()
        notices = s.execute(
            select(Notification.rule, Notification.recipient, Notification.status)
            .where(Notification.ticket_id.in_(ids))
            .order_by(Notification.ticket_id, Notification.id)
        ).all()  # fmt: skip
    return [rows, history, audit, sorted(visits), notices, sorted(events)]


@pytest.fixture
def capture(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    seen: list[tuple[Any, ...]] = []
    original = Work.publish

    def publish(self: Work, event: Any) -> None:
        if isinstance(event, TicketChanged):
            seen.append((event.action, event.from_status, event.notice, event.ticket.status))
        original(self, event)

    monkeypatch.setattr(Work, "publish", publish)
    return seen


def test_bulk_open_equals_one_by_one(
    database: Database, settings: Settings, clock: FixedClock, factory: Factory,
    capture: list[tuple[Any, ...]],
) -> None:  # fmt: skip
    customers = [factory.customer() for _ in range(3)]
    orders = [Order(int(c.id), f"欠费停机 {i}") for i, c in enumerate(customers)]
    capture.clear()
    with database.unit_of_work() as session:
        alone = _one_by_one(Work(session, settings, clock).bind(), orders)
    alone_events = list(capture)
    capture.clear()
    with database.unit_of_work() as session:
        work = Work(session, settings, clock).bind()
        made = open_dispatched(session, ACTOR, KIND, orders, tz=work.tz, clock=clock)
        together = [t.id for t in made]
        numbers = [t.number for t in made]
    assert len(set(numbers)) == 3 and numbers == sorted(numbers)
    assert _picture(database, together, list(capture)) == _picture(database, alone, alone_events)
    assert len(alone_events) == 6


def test_bulk_open_refuses_as_a_whole(
    database: Database, settings: Settings, clock: FixedClock, factory: Factory
) -> None:
    c = factory.customer()
    with database.unit_of_work() as session:
        work = Work(session, settings, clock).bind()
        with pytest.raises(InvalidInput) as bad:
            open_dispatched(session, ACTOR, KIND, [Order(int(c.id), "x"), Order(99999999, "y")],
                            tz=work.tz, clock=clock)  # fmt: skip
        assert "customer_id" in str(bad.value.__dict__) or "99999999" in str(bad.value)
        agent = Actor(username="a", roles=("callback",), permissions=frozenset({"tickets.create"}))
        with pytest.raises(Forbidden):
            open_dispatched(session, agent, KIND, [Order(int(c.id), "x")], tz=work.tz, clock=clock)
        wrong = Kind("nowhere", KIND.category)
        with pytest.raises(InvalidInput):
            open_dispatched(session, ACTOR, wrong, [Order(int(c.id), "x")], tz=work.tz, clock=clock)
        assert session.scalar(select(Ticket.id).where(Ticket.customer_id == int(c.id))) is None
