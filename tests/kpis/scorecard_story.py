"""Hand-built months for the scorecard tests: two stations, one keeping its time limits and
one not, swapping places from one month to the next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.tickets.helpers import Desk

JANUARY = datetime(2027, 1, 5, 1, 0, tzinfo=UTC)
FEBRUARY = datetime(2027, 2, 3, 1, 0, tzinfo=UTC)


def station_ticket(desk: Desk, station: str, *, late: bool, satisfied: bool = True) -> str:
    """Escalated, dispatched to a station, replied (ten days late or at once), called back."""
    ticket = desk.create()
    steps: tuple[tuple[str, str, dict[str, Any]], ...] = (
        ("escalate", "agent", {}),
        ("dispatch", "expert", {"station": station}),
        ("accept", station, {}),
    )
    for action, user, body in steps:
        desk.advance(timedelta(minutes=20))
        desk.do(ticket["id"], action, user, **body)
    desk.advance(timedelta(days=10) if late else timedelta(minutes=40))
    desk.do(ticket["id"], "reply", station)
    desk.advance(timedelta(minutes=20))
    verdict = "satisfied" if satisfied else "unsatisfied"
    desk.do(ticket["id"], "callback", "callback", satisfaction=verdict, score=5 if satisfied else 2)
    return str(ticket["id"])


def two_months(client: TestClient, database: Database, clock: FixedClock) -> Desk:
    """January: wireless on time, field late. February: the other way round."""
    clock.advance(JANUARY - clock.now())
    desk = Desk(client, database, clock)
    station_ticket(desk, "wireless", late=False)
    station_ticket(desk, "field", late=True)
    clock.advance(FEBRUARY - clock.now())
    station_ticket(desk, "wireless", late=True, satisfied=False)
    station_ticket(desk, "field", late=False)
    return desk
