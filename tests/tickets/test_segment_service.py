"""Segments that change the service (分级服务): a VIP's ticket gets the segment's shorter
promise and a priority that moves it ahead in queues; the table is a business setting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.customers.tiers import set_value_tiers
from closeloop.db.engine import Database
from closeloop.kit.actor import SYSTEM
from closeloop.kit.clock import FixedClock
from closeloop.tickets import sla
from closeloop.tickets.models import Ticket
from closeloop.tickets.settings import _segment_service
from tests.support.factories import Factory
from tests.support.personas import Personas

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
FAR = datetime(9999, 1, 1, tzinfo=UTC)


def test_segment_terms_read_the_table() -> None:
    assert sla.segment_terms("diamond") == (4, 3)
    assert sla.segment_terms("gold") == (8, 2)
    assert sla.segment_terms("regular") == (None, 0)
    assert sla.segment_terms(None) == (None, 0)
    assert sla.segment_terms("unknown-tier") == (None, 0)


def test_the_segment_promise_caps_the_type_promise_never_lengthens_it() -> None:
    # complaint/normal promises 48 h: a diamond customer is promised 4 h, a gold one 8 h
    assert sla.resolution_due(T0, "complaint", "normal", cap_hours=4) == T0 + timedelta(hours=4)
    assert sla.resolution_due(T0, "complaint", "normal", cap_hours=8) == T0 + timedelta(hours=8)
    # fault/urgent promises 4 h already: a 24 h cap changes nothing
    assert sla.resolution_due(T0, "fault", "urgent", cap_hours=24) == T0 + timedelta(hours=4)
    assert sla.resolution_due(T0, "complaint", "normal") == T0 + timedelta(hours=48)


def test_priority_moves_a_ticket_ahead_by_its_lead() -> None:
    due = T0 + timedelta(hours=10)
    assert sla.queue_key(due, 0, FAR) == due
    assert sla.queue_key(due, 3, FAR) == due - 3 * sla.QUEUE_LEAD_PER_PRIORITY
    assert sla.queue_key(None, 3, FAR) == FAR


def test_the_segment_table_is_validated_naming_the_tier() -> None:
    assert _segment_service({"diamond": {"promise_hours": 2, "priority": 4}}) == {
        "diamond": {"promise_hours": 2, "priority": 4}
    }
    assert _segment_service({"regular": {"promise_hours": None, "priority": 0}})
    for bad, named in (
        ({"gold": {"promise_hours": 0, "priority": 1}}, "gold.promise_hours"),
        ({"gold": {"promise_hours": 8, "priority": 10}}, "gold.priority"),
        ({"gold": {"promise_hours": 8, "priority": True}}, "gold.priority"),
        ({"gold": {"promise_hours": 8}}, "gold"),
        ([], "object"),
    ):
        with pytest.raises(ValueError, match=named):
            _segment_service(bad)


def _tier(database: Database, clock: FixedClock, customer_id: str, tier: str) -> None:
    with database.unit_of_work() as session:
        set_value_tiers(session, SYSTEM, {int(customer_id): tier}, clock=clock)


def test_a_diamond_customers_ticket_is_promised_sooner_and_sorts_first(
    database: Database, factory: Factory, clock: FixedClock
) -> None:
    vip, ordinary = factory.customer(), factory.customer()
    _tier(database, clock, vip.id, "diamond")
    _tier(database, clock, ordinary.id, "regular")
    # the ordinary ticket is urgent (due in 4 h); the diamond one is a normal complaint
    plain = factory.ticket(customer=ordinary, type="fault", severity="urgent")
    clock.advance(timedelta(minutes=30))
    diamond = factory.ticket(customer=vip, type="complaint", severity="normal")
    with database.unit_of_work(write=False) as session:
        rows = {t.id: t for t in session.scalars(select(Ticket))}
        d, p = rows[int(diamond.id)], rows[int(plain.id)]
        assert d.priority == 3 and p.priority == 0
        assert d.resolution_due_at - d.created_at == timedelta(hours=4)  # not 48 h
        assert p.resolution_due_at - p.created_at == timedelta(hours=4)
        # due 30 min after the plain ticket, yet first in the queue
        assert d.due_at is not None and p.due_at is not None and d.due_at > p.due_at
        assert d.sort_due_at < p.sort_due_at
        mine = select(Ticket).where(Ticket.id.in_([d.id, p.id]))
        queue = session.scalars(mine.order_by(Ticket.sort_due_at, Ticket.id)).all()
        assert [t.id for t in queue] == [d.id, p.id]


def test_the_operator_edits_the_segment_table_as_data(
    client: TestClient, as_user: Personas, database: Database, factory: Factory,
    clock: FixedClock,
) -> None:  # fmt: skip
    headers = as_user.headers("admin")
    table = {
        "diamond": {"promise_hours": 2, "priority": 5},
        "regular": {"promise_hours": None, "priority": 0},
    }
    put = client.put(
        "/api/v1/settings/tickets.segment_service",
        json={"value": table},
        headers=headers,
    )
    assert put.status_code == 200, put.text
    vip = factory.customer()
    _tier(database, clock, vip.id, "diamond")
    made = factory.ticket(customer=vip, type="complaint", severity="normal")
    with database.unit_of_work(write=False) as session:
        row = session.get(Ticket, int(made.id))
        assert row is not None and row.priority == 5
        assert row.resolution_due_at - row.created_at == timedelta(hours=2)
