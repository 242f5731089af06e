"""Who sees which ticket (CONTRACT §4): back-end staff only tickets ever dispatched to their
station, everyone else at the desk all of them; a ticket one may not see is 404."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import User
from closeloop.auth.users import actor_for
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.tickets.queries import TicketFilter, count_tickets
from tests.support import AT_STATION, NOW, Factory, assert_access
from tests.tickets.helpers import (
    BODIES,
    OTHER_STATION,
    STATION,
    TICKETS,
    UNRELATED_STATION,
    Desk,
    assert_problem,
    snapshot,
)

STATIONS = ("wireless", "netops", "billing", "vas", "field")
SEES_ALL = ("agent", "agent2", "expert", "callback", "supervisor", "admin")


@pytest.fixture
def desk(client: TestClient, database: Database, clock: FixedClock) -> Desk:
    return Desk(client, database, clock)


@pytest.fixture
def tickets(desk: Desk) -> dict[str, dict[str, Any]]:
    """A handful of tickets in different places.

    at_wireless: dispatched to wireless; at_field: dispatched to field only; fresh: never
    dispatched; moved: wireless re-dispatched it to field; returned: field sent it back;
    closed: worked at wireless and closed.
    """
    made = {
        "at_wireless": desk.walk("dispatched"),
        "at_field": desk.walk("expert"),
        "fresh": desk.create(),
        "moved": desk.walk("in_progress"),
        "returned": desk.walk("expert"),
        "closed": desk.walk("closed"),
    }
    desk.do(made["at_field"]["id"], "dispatch", "expert", station=OTHER_STATION)
    desk.do(made["moved"]["id"], "dispatch", STATION, station=OTHER_STATION)
    desk.do(made["returned"]["id"], "dispatch", "expert", station=OTHER_STATION)
    desk.do(made["returned"]["id"], "return", OTHER_STATION)
    return {name: desk.get(t["id"]) for name, t in made.items()}


def dispatched_to(ticket: dict[str, Any], station: str) -> bool:
    return any(e["action"] == "dispatch" and e["station"] == station for e in ticket["history"])


def count_as(database: Database, username: str, **filters: Any) -> int:
    with database.unit_of_work() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        return count_tickets(session, actor_for(session, user), TicketFilter(**filters), NOW)


EXPECTED = {
    STATION: {"at_wireless", "moved", "closed"},
    OTHER_STATION: {"at_field", "moved", "returned"},
    UNRELATED_STATION: set(),
}


@pytest.mark.parametrize("station", [STATION, OTHER_STATION, UNRELATED_STATION])
def test_station_staff_list_only_tickets_dispatched_to_them(
    desk: Desk,
    database: Database,
    tickets: dict[str, dict[str, Any]],
    station: str,
) -> None:
    listed = desk.list_ids(station)
    ours = {tickets[name]["id"] for name in EXPECTED[station]}
    others = {t["id"] for name, t in tickets.items() if name not in EXPECTED[station]}
    assert ours <= set(listed)
    assert not others & set(listed)
    assert len(listed) == len(set(listed))
    # Whatever else is listed (demo tickets) was dispatched to the station too.
    for item in desk.list(station, limit=500)["items"]:
        assert dispatched_to(item, station), item["number"]
    assert count_as(database, station) == len(listed)


def test_station_filter_within_a_station_view(
    desk: Desk, database: Database, tickets: dict[str, dict[str, Any]]
) -> None:
    # wireless sees what it handed over to field, not what field got from elsewhere.
    at_field = set(desk.list_ids(STATION, station=OTHER_STATION))
    assert tickets["moved"]["id"] in at_field
    assert tickets["at_field"]["id"] not in at_field
    assert count_as(database, STATION, station=OTHER_STATION) == len(at_field)

    at_wireless = set(desk.list_ids(STATION, station=STATION))
    assert tickets["at_wireless"]["id"] in at_wireless
    assert tickets["moved"]["id"] not in at_wireless

    at_field_for_field = set(desk.list_ids(OTHER_STATION, station=OTHER_STATION))
    assert {tickets["moved"]["id"], tickets["at_field"]["id"]} <= at_field_for_field
    assert tickets["returned"]["id"] not in at_field_for_field  # back at the expert seat
    assert desk.list_ids(UNRELATED_STATION, station=STATION) == []


@pytest.mark.parametrize("user", SEES_ALL)
def test_desk_roles_see_every_ticket(
    desk: Desk,
    database: Database,
    tickets: dict[str, dict[str, Any]],
    user: str,
) -> None:
    listed = desk.list_ids(user)
    assert {t["id"] for t in tickets.values()} <= set(listed)
    assert len(listed) == count_as(database, "admin")
    assert count_as(database, user) == len(listed)
    for ticket in tickets.values():
        assert desk.get(ticket["id"], user)["id"] == ticket["id"]


@pytest.mark.parametrize(
    ("station", "visible"),
    [
        (STATION, {"at_wireless", "moved", "closed"}),
        (OTHER_STATION, {"at_field", "moved", "returned"}),
        (UNRELATED_STATION, set()),
        ("billing", set()),
    ],
)
def test_station_staff_read_only_their_tickets(
    desk: Desk, tickets: dict[str, dict[str, Any]], station: str, visible: set[str]
) -> None:
    for name, ticket in tickets.items():
        response = desk.client.get(f"{TICKETS}/{ticket['id']}", headers=desk.headers(station))
        if name in visible:
            assert response.status_code == 200, (name, response.text)
            assert response.json()["id"] == ticket["id"]
        else:
            body = assert_problem(response, 404)
            assert ticket["number"] not in body["detail"]  # nothing leaks


@pytest.mark.parametrize("action", list(BODIES))
def test_every_action_on_an_invisible_ticket_is_404(
    desk: Desk, tickets: dict[str, dict[str, Any]], action: str
) -> None:
    for name in ("fresh", "at_field", "returned"):
        ticket = tickets[name]
        assert_problem(desk.act(ticket["id"], action, STATION), 404)
        assert snapshot(desk.get(ticket["id"])) == snapshot(ticket)
    for name in ("at_wireless", "moved", "closed"):
        ticket = tickets[name]
        assert_problem(desk.act(ticket["id"], action, UNRELATED_STATION), 404)
        assert snapshot(desk.get(ticket["id"])) == snapshot(ticket)


def test_a_ticket_stays_visible_after_it_moves_away(desk: Desk) -> None:
    ticket = desk.walk("in_progress")
    desk.do(ticket["id"], "dispatch", STATION, station=OTHER_STATION)
    desk.do(ticket["id"], "accept", OTHER_STATION)
    desk.do(ticket["id"], "reply", OTHER_STATION)
    desk.do(ticket["id"], "callback", "callback")
    for station in (STATION, OTHER_STATION):
        assert desk.get(ticket["id"], station)["status"] == "closed"
        assert ticket["id"] in desk.list_ids(station)
    # ... and after it is reopened to the expert seat it still is.
    reopened = desk.do(ticket["id"], "reopen", "agent")
    assert reopened["station"] is None
    assert desk.get(ticket["id"], STATION)["status"] == "expert"
    assert_problem(desk.act(ticket["id"], "dispatch", STATION), 403)


def test_visibility_starts_at_dispatch(desk: Desk) -> None:
    ticket = desk.walk("expert")
    assert ticket["id"] not in desk.list_ids(STATION)
    assert_problem(desk.client.get(f"{TICKETS}/{ticket['id']}", headers=desk.headers(STATION)), 404)
    desk.do(ticket["id"], "dispatch", "expert")
    assert ticket["id"] in desk.list_ids(STATION)
    assert desk.get(ticket["id"], STATION)["status"] == "dispatched"


def test_allowed_actions_follow_the_reader(desk: Desk) -> None:
    ticket = desk.walk("in_progress")
    desk.do(ticket["id"], "dispatch", STATION, station=OTHER_STATION)
    assert set(desk.get(ticket["id"], OTHER_STATION)["allowed_actions"]) == {"accept", "return"}
    assert desk.get(ticket["id"], STATION)["allowed_actions"] == []
    assert desk.get(ticket["id"], "agent")["allowed_actions"] == []
    assert set(desk.get(ticket["id"], "admin")["allowed_actions"]) == {"accept", "return"}


def test_editor_may_not_read_tickets(desk: Desk, tickets: dict[str, dict[str, Any]]) -> None:
    assert_problem(desk.client.get(TICKETS, headers=desk.headers("editor")), 403)
    ticket = tickets["fresh"]
    assert_problem(
        desk.client.get(f"{TICKETS}/{ticket['id']}", headers=desk.headers("editor")), 403
    )


def test_reading_without_a_token_is_401(desk: Desk, tickets: dict[str, dict[str, Any]]) -> None:
    assert_problem(desk.client.get(TICKETS), 401)
    assert_problem(desk.client.get(f"{TICKETS}/{tickets['fresh']['id']}"), 401)
    bad = {"Authorization": "Bearer cl_not_a_token"}
    assert_problem(desk.client.get(TICKETS, headers=bad), 401)


def test_a_dispatched_ticket_is_read_by_its_station_only(desk: Desk, factory: Factory) -> None:
    ticket = factory.ticket("dispatched")  # at STATION, never at OTHER_STATION

    response = assert_access(
        desk.headers,
        lambda headers: desk.client.get(f"{TICKETS}/{ticket.id}", headers=headers),
        AT_STATION,
    )

    assert (response.json()["number"], response.json()["status"]) == (ticket.number, "dispatched")
