"""Station heads (#24: "station heads may edit their own station's members and calendar"): the
head of `field` (demo user field_head, role station_head) changes field's members, the calendar
it follows and the hours and days of a calendar field alone follows; 403 for another station,
for a shared calendar and for the administrator's fields; the administrator does everything;
others get 403. Stated with the API; the console's pages are tested in tests/console."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.modules import role_permissions
from closeloop.organisation.stewards import HEAD, OWN_STATION
from tests.support.demo import OTHER_STATION, STATION, STATION_HEAD
from tests.tickets.helpers import Desk, assert_problem

STATIONS = "/api/v1/stations"
HEAD_STATION = OTHER_STATION  # field, which alone follows the `field` calendar
WEEK = {"week": {"mon": [{"start": "09:00", "end": "18:00"}]}}
DAYS = {"days": [{"date": "2027-02-20", "kind": "workday", "name": "春节调休上班"}]}


@pytest.fixture
def desk(client: TestClient, database: Database, clock: FixedClock) -> Desk:
    return Desk(client, database, clock)


def send(desk: Desk, method: str, path: str, body: Any, user: str) -> httpx.Response:
    return desk.client.request(method, path, json=body, headers=desk.headers(user))


def station(desk: Desk, code: str) -> dict[str, Any]:
    response = desk.client.get(f"{STATIONS}/{code}", headers=desk.headers("admin"))
    assert response.status_code == 200, response.text
    return dict(response.json())


def members(desk: Desk, code: str) -> list[str]:
    response = desk.client.get(f"{STATIONS}/{code}/members", headers=desk.headers("admin"))
    return list(response.json()["members"])


def last_audit(desk: Desk, entity_type: str, entity_id: str) -> dict[str, Any]:
    response = desk.client.get(
        "/api/v1/audit",
        params={"entity_type": entity_type, "entity_id": entity_id, "limit": 1},
        headers=desk.headers("admin"),
    )
    return dict(response.json()["items"][0])


def test_the_role_is_declared_with_its_one_permission() -> None:
    granted = role_permissions()
    assert granted[HEAD] == {"org.read", OWN_STATION}
    assert OWN_STATION in granted["admin"]
    assert all(OWN_STATION not in granted[r] for r in ("station", "supervisor", "agent"))


def test_the_head_changes_their_stations_members(desk: Desk) -> None:
    path = f"{STATIONS}/{HEAD_STATION}/members"
    response = send(desk, "put", path, {"members": ["field", "field_head", "agent2"]}, STATION_HEAD)
    assert response.status_code == 200, response.text
    assert members(desk, HEAD_STATION) == ["agent2", "field", "field_head"]
    entry = last_audit(desk, "station", HEAD_STATION)
    assert entry["actor"] == STATION_HEAD
    assert entry["summary"] == "members: field, field_head → agent2, field, field_head"
    # and takes someone off it again
    response = send(desk, "put", path, {"members": ["field", "field_head"]}, STATION_HEAD)
    assert response.status_code == 200, response.text
    assert members(desk, HEAD_STATION) == ["field", "field_head"]


def test_the_head_cannot_take_another_stations_staff(desk: Desk) -> None:
    path = f"{STATIONS}/{HEAD_STATION}/members"
    body = {"members": ["field", "field_head", STATION]}
    problem = assert_problem(send(desk, "put", path, body, STATION_HEAD), 403)
    assert STATION in problem["detail"]
    assert members(desk, STATION) == [STATION]
    # The administrator may move them.
    assert send(desk, "put", path, body, "admin").status_code == 200


def test_the_head_changes_the_calendar_their_station_follows(desk: Desk) -> None:
    path = f"{STATIONS}/{HEAD_STATION}"
    response = send(desk, "patch", path, {"calendar": "office"}, STATION_HEAD)
    assert response.status_code == 200, response.text
    assert station(desk, HEAD_STATION)["calendar"] == "office"
    assert last_audit(desk, "station", HEAD_STATION)["summary"] == "calendar: field → office"


def test_the_head_edits_the_hours_and_days_of_a_calendar_only_their_station_follows(
    desk: Desk,
) -> None:
    hours = send(desk, "put", "/api/v1/calendars/field/hours", WEEK, STATION_HEAD)
    assert hours.status_code == 200, hours.text
    assert hours.json()["week"]["mon"] == [{"start": "09:00", "end": "18:00"}]
    days = send(desk, "post", "/api/v1/calendars/field/days", DAYS, STATION_HEAD)
    assert days.status_code == 200, days.text
    assert last_audit(desk, "calendar", "field")["actor"] == STATION_HEAD
    # `office` is followed by wireless, billing and vas too: not the head's alone.
    for method, path, body in (
        ("put", "/api/v1/calendars/office/hours", WEEK),
        ("post", "/api/v1/calendars/office/days", DAYS),
    ):
        problem = assert_problem(send(desk, method, path, body, STATION_HEAD), 403)
        assert "alone" in problem["detail"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("patch", f"{STATIONS}/{HEAD_STATION}", {"name": "装维服务中心"}),
        ("patch", f"{STATIONS}/{HEAD_STATION}", {"name_en": "Field service"}),
        ("patch", f"{STATIONS}/{HEAD_STATION}", {"time_limits": {"urgent": "PT8H"}}),
        ("patch", f"{STATIONS}/{HEAD_STATION}", {"accept_within": "PT2H", "calendar": "office"}),
        ("post", f"{STATIONS}/{HEAD_STATION}/retire", None),
        ("post", STATIONS, {"code": "core", "name": "核心网", "department": "network",
                           "calendar": "always"}),
        ("patch", f"{STATIONS}/{STATION}", {"calendar": "always"}),
        ("put", f"{STATIONS}/{STATION}/members", {"members": [STATION]}),
        ("put", "/api/v1/taxonomy/categories/signal/indoor/weak/station", {"station": "field"}),
        ("post", "/api/v1/taxonomy/categories", {"code": "x", "name": "某类"}),
    ],
)  # fmt: skip
def test_the_head_gets_403_beyond_their_station(
    desk: Desk, method: str, path: str, body: Any
) -> None:
    before = station(desk, HEAD_STATION), station(desk, STATION)
    assert_problem(send(desk, method, path, body, STATION_HEAD), 403)
    assert (station(desk, HEAD_STATION), station(desk, STATION)) == before


@pytest.mark.parametrize("user", ["field", "wireless", "supervisor", "agent", "editor"])
def test_others_get_403_for_what_a_head_may_do(desk: Desk, user: str) -> None:
    for method, path, body in (
        ("put", f"{STATIONS}/{HEAD_STATION}/members", {"members": ["field", "field_head"]}),
        ("patch", f"{STATIONS}/{HEAD_STATION}", {"calendar": "office"}),
        ("put", "/api/v1/calendars/field/hours", WEEK),
        ("post", "/api/v1/calendars/field/days", DAYS),
    ):
        assert_problem(send(desk, method, path, body, user), 403)
    assert station(desk, HEAD_STATION)["calendar"] == "field"


def test_the_administrator_does_everything(desk: Desk) -> None:
    response = send(
        desk, "patch", f"{STATIONS}/{HEAD_STATION}",
        {"name": "装维服务中心", "name_en": "Field service", "calendar": "office",
         "time_limits": {"urgent": "PT6H"}},
        "admin",
    )  # fmt: skip
    assert response.status_code == 200, response.text
    shown = response.json()
    assert (shown["name"], shown["name_en"], shown["calendar"]) == (
        "装维服务中心", "Field service", "office",
    )  # fmt: skip
    assert shown["time_limits"]["urgent"] == "PT6H"
    summary = last_audit(desk, "station", HEAD_STATION)["summary"]
    assert "name_en: (none) → Field service" in summary
    assert send(desk, "put", "/api/v1/calendars/office/hours", WEEK, "admin").status_code == 200
    # An empty English name clears it.
    cleared = send(desk, "patch", f"{STATIONS}/{HEAD_STATION}", {"name_en": ""}, "admin")
    assert cleared.json()["name_en"] is None
