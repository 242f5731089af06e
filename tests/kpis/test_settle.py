"""The rollups of a transaction's ticket events are summed when it commits (`rollups.settle`):
many tickets opened and moved in one transaction, a rolled-back transaction and a rolled-back
savepoint all leave rollups equal to a recomputation from the histories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.kpis import rollups
from closeloop.kpis.models import KpiRollup
from closeloop.runtime.work import Work
from closeloop.tickets.actions import perform
from closeloop.tickets.schemas import (
    AcceptBody,
    CallbackBody,
    DispatchBody,
    NoteBody,
    ReplyBody,
    ResolveBody,
    TicketIn,
)
from closeloop.tickets.service import create_ticket
from tests.kpis.test_rollups import CODES, _same
from tests.support.factories import CATEGORY, CAUSE, Factory
from tests.tickets.helpers import Desk

START = datetime(2031, 3, 2, 2, tzinfo=UTC)  # a month of its own, far from other tests
PERIOD = {"from": "2031-03-01", "to": "2031-04-01"}


class _Cast:
    """The staff and customers of a story, made before its transaction begins."""

    def __init__(self, factory: Factory) -> None:
        self.actors = {r: factory.actor(r) for r in ("agent", "expert", "callback")}
        self.actors["station"] = factory.actor("station", "wireless")
        self.customers = [factory.customer() for _ in range(5)]


class _Story:
    """Tickets opened and moved through the services inside one transaction."""

    def __init__(self, work: Work, cast: _Cast) -> None:
        self.work, self.cast = work, cast
        self.customers = iter(cast.customers)

    def act(self, role: str, ticket: Any, action: str, body: BaseModel) -> Any:
        self.work.clock.advance(timedelta(minutes=7))  # type: ignore[attr-defined]
        return perform(self.work.session, self.cast.actors[role], str(ticket.id), action, body,
                       if_match=None, tz=self.work.tz, clock=self.work.clock)  # fmt: skip

    def open(self, kind: str = "fault") -> Any:
        body = TicketIn(customer_id=str(next(self.customers).id), channel="hotline", type=kind,
                        category=CATEGORY, severity="normal", title="信号差",
                        description="信号差")  # fmt: skip
        ticket, _ = create_ticket(self.work.session, self.cast.actors["agent"], body,
                                  tz=self.work.tz, clock=self.work.clock)  # fmt: skip
        return ticket

    def whole_loop(self) -> None:
        """Resolved at once; escalated, dispatched, accepted, replied and called back."""
        self.act("agent", self.open(), "resolve", ResolveBody(resolution="已解决"))
        t = self.open("complaint")
        self.act("agent", t, "escalate", NoteBody(note="转专家"))
        self.act("expert", t, "dispatch", DispatchBody(station="wireless"))
        self.act("station", t, "accept", AcceptBody())
        self.act("station", t, "reply", ReplyBody(cause_code=CAUSE, resolution="已调整"))
        self.act("callback", t, "callback", CallbackBody(reached=True, satisfaction="satisfied"))


def _values(client: TestClient, desk: Desk, exact: bool, by: str | None = None) -> Any:
    params: dict[str, Any] = {"codes": CODES, **PERIOD}
    if by:
        params["by"] = by
    if exact:
        params["exact"] = True
    response = client.get("/api/v1/kpis/values", params=params, headers=desk.headers("admin"))
    assert response.status_code == 200, response.text
    return {(i["code"], i["group"]): (i["numerator"], i["denominator"])
            for i in response.json()["items"]}  # fmt: skip


def _rolled(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(KpiRollup)) or 0)


@pytest.fixture
def work_at_start(clock: FixedClock) -> FixedClock:
    clock.advance(START - clock.now())
    return clock


def test_one_transaction_of_many_events_is_summed_at_commit(
    client: TestClient, database: Database, settings: Settings, work_at_start: FixedClock,
    factory: Factory,
) -> None:  # fmt: skip
    clock, cast = work_at_start, _Cast(factory)
    with database.unit_of_work() as session:
        work = Work(session, settings, clock).bind()
        before = _rolled(session)
        _Story(work, cast).whole_loop()
        assert session.info.get("closeloop.kpis.owed") is not None  # noted, not yet summed
        assert _rolled(session) == before
    desk = Desk(client, database, clock)
    for by in (None, "station", "agent", "day"):
        rolled = _values(client, desk, exact=False, by=by)
        assert rolled, by
        _same(rolled, _values(client, desk, exact=True, by=by))


def test_reading_rollups_inside_the_transaction_settles_first(
    database: Database, settings: Settings, work_at_start: FixedClock, factory: Factory
) -> None:
    cast = _Cast(factory)
    with database.unit_of_work() as session:
        work = Work(session, settings, work_at_start).bind()
        before = _rolled(session)
        _Story(work, cast).open()
        assert rollups.settle(session) > 0
        assert _rolled(session) > before
        assert rollups.settle(session) == 0  # nothing is added twice


def test_rolled_back_work_adds_nothing(
    client: TestClient, database: Database, settings: Settings, work_at_start: FixedClock,
    factory: Factory,
) -> None:  # fmt: skip
    clock, cast = work_at_start, _Cast(factory)
    with pytest.raises(RuntimeError), database.unit_of_work() as session:
        _Story(Work(session, settings, clock).bind(), cast).whole_loop()
        raise RuntimeError("the request failed")
    with database.unit_of_work() as session:
        work = Work(session, settings, clock).bind()
        assert "closeloop.kpis.owed" not in session.info
        story = _Story(work, cast)
        saved = session.begin_nested()
        story.whole_loop()
        saved.rollback()  # the savepoint's tickets and entries are gone, and their notes
        story.act("agent", story.open(), "resolve", ResolveBody(resolution="已解决"))
    desk = Desk(client, database, clock)
    rolled = _values(client, desk, exact=False)
    assert rolled[("fcr", None)] == (1.0, 1.0)
    _same(rolled, _values(client, desk, exact=True))
