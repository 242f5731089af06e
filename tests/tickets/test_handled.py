"""Closed tickets as quality inspection reads them: front-line handlers and risk signs."""

from __future__ import annotations

from datetime import timedelta

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.tickets.handled import closed_between
from closeloop.tickets.schemas import CallbackBody
from tests.support import Factory


def test_closed_tickets_carry_their_handlers_and_unsatisfied_callbacks(
    database: Database, factory: Factory, clock: FixedClock
) -> None:
    start = clock.now()
    clock.advance(timedelta(minutes=1))
    happy = factory.ticket("closed")
    unhappy = factory.ticket("replied", type="complaint")
    unhappy = factory.act(
        unhappy, "callback", body=CallbackBody(reached=True, satisfaction="unsatisfied", score=1)
    )
    unhappy = factory.act(unhappy, "dispatch")
    for action in ("accept", "reply", "callback"):
        unhappy = factory.act(unhappy, action)
    open_one = factory.ticket("replied")
    clock.advance(timedelta(hours=30))
    with database.unit_of_work(write=False) as session:
        found = {t.ticket_id: t for t in closed_between(session, start, clock.now())}
    assert open_one.id not in {str(k) for k in found}
    first, second = found[int(happy.id)], found[int(unhappy.id)]
    assert first.handlers == (
        "factory.agent",
    )  # took the call and escalated; dispatch is not front line
    assert (first.unsatisfied_callbacks, second.unsatisfied_callbacks) == (0, 1)
    assert second.reopen_count == 1 and second.type == "complaint"
    with database.unit_of_work(write=False) as session:
        earlier = closed_between(session, start - timedelta(days=1), start)
    assert int(happy.id) not in {t.ticket_id for t in earlier}
