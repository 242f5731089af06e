"""Administering stations (#24 point 2): create, rename, time limits, accept time, calendar,
retire, members and the station a category suggests; admin only, each change audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.tickets.helpers import Desk, assert_problem, error_locs

SHANGHAI = ZoneInfo("Asia/Shanghai")
STATIONS = "/api/v1/stations"
NEW_STATION = {"code": "core", "name": "核心网中心", "department": "network", "calendar": "always"}


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def _due(ticket: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(ticket["due_at"]).astimezone(SHANGHAI)


@pytest.fixture
def desk(client: TestClient, database: Database, clock: FixedClock) -> Desk:
    return Desk(client, database, clock)


def patch(desk: Desk, code: str, body: Any, user: str | None = "admin") -> httpx.Response:
    return desk.client.patch(f"{STATIONS}/{code}", json=body, headers=desk.headers(user))


def post(desk: Desk, path: str, body: Any = None, user: str | None = "admin") -> httpx.Response:
    return desk.client.post(path, json=body, headers=desk.headers(user))


def put(desk: Desk, path: str, body: Any, user: str | None = "admin") -> httpx.Response:
    return desk.client.put(path, json=body, headers=desk.headers(user))


def listed(desk: Desk, **params: Any) -> dict[str, dict[str, Any]]:
    response = desk.client.get(STATIONS, params=params, headers=desk.headers("agent"))
    assert response.status_code == 200, response.text
    return {s["code"]: s for s in response.json()}


def audit(desk: Desk, entity_type: str, entity_id: str) -> list[dict[str, Any]]:
    """The audit entries of one record, oldest first."""
    response = desk.client.get(
        "/api/v1/audit",
        params={"entity_type": entity_type, "entity_id": entity_id, "limit": 500},
        headers=desk.headers("admin"),
    )
    assert response.status_code == 200, response.text
    return list(reversed(response.json()["items"]))


# -- who may -----------------------------------------------------------------------------------

CHANGES = [
    ("patch", f"{STATIONS}/wireless", {"name": "无线网络中心"}),
    ("post", STATIONS, NEW_STATION),
    ("post", f"{STATIONS}/vas/retire", None),
    ("put", f"{STATIONS}/wireless/members", {"members": ["wireless"]}),
    ("put", "/api/v1/taxonomy/categories/signal/indoor/weak/station", {"station": "field"}),
]


@pytest.mark.parametrize(("method", "path", "body"), CHANGES)
def test_only_admins_change_stations(desk: Desk, method: str, path: str, body: Any) -> None:
    for user in ("supervisor", "agent", "expert", "wireless"):
        response = desk.client.request(method, path, json=body, headers=desk.headers(user))
        assert_problem(response, 403)
    assert_problem(desk.client.request(method, path, json=body), 401)
    # Nothing of a refused request was written.
    assert listed(desk)["wireless"]["name"] == "无线中心"
    assert set(listed(desk)) == {"wireless", "netops", "billing", "vas", "field"}
    assert not listed(desk)["vas"]["retired"]


# -- PATCH as CONTRACT §15 ---------------------------------------------------------------------


def test_admin_renames_and_sets_time_limits_as_the_list_shows_it(desk: Desk) -> None:
    limits = {"urgent": "PT2H", "high": "PT6H", "normal": "P1D", "low": "P3DT12H"}
    response = patch(desk, "wireless", {"name": "无线网络优化中心", "time_limits": limits})
    assert response.status_code == 200, response.text
    station = response.json()
    assert station == listed(desk)["wireless"]
    assert station["name"] == "无线网络优化中心"
    # Durations come back as the list writes them (hours are not folded into days).
    assert station["time_limits"] == {
        "urgent": "PT2H",
        "high": "PT6H",
        "normal": "PT24H",
        "low": "PT84H",
    }
    assert station["retired"] is False
    # A partial change keeps the rest.
    again = patch(desk, "wireless", {"time_limits": {"urgent": "PT90M"}}).json()
    assert again["time_limits"] == {**station["time_limits"], "urgent": "PT1H30M"}
    assert again["name"] == "无线网络优化中心"


def test_accept_time_calendar_and_department_in_the_patch(desk: Desk) -> None:
    body = {"accept_within": "PT15M", "calendar": "field", "department": "field"}
    station = patch(desk, "billing", body).json()
    assert (station["accept_within"], station["calendar"], station["department"]) == (
        "PT15M",
        "field",
        "field",
    )
    calendar = desk.client.get(f"{STATIONS}/billing/calendar", headers=desk.headers("agent"))
    assert calendar.json()["hours"] == {"start": "08:00", "end": "20:00"}


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"time_limits": {"high": "8 hours"}}, ["time_limits", "high"]),
        ({"time_limits": {"urgent": "PT0M"}}, ["time_limits", "urgent"]),
        ({"time_limits": {"normal": None}}, ["time_limits", "normal"]),
        ({"time_limits": {"severe": "PT1H"}}, ["time_limits", "severe"]),
        ({"accept_within": "PT30S"}, ["accept_within"]),
        ({"name": ""}, ["name"]),
        ({"name": None}, ["name"]),
        ({"name": "   "}, ["name"]),
        ({"calendar": "nowhere"}, ["calendar"]),
        ({"department": "nowhere"}, ["department"]),
        ({"colour": "red"}, ["colour"]),
    ],
)
def test_bad_changes_are_refused_naming_the_field(
    desk: Desk, body: dict[str, Any], loc: list[str]
) -> None:
    response = patch(desk, "wireless", body)
    assert loc in error_locs(response), response.text
    assert listed(desk)["wireless"]["time_limits"]["high"] == "PT8H"


def test_an_unknown_station_is_404(desk: Desk) -> None:
    assert_problem(patch(desk, "nowhere", {"name": "x"}), 404)
    assert_problem(post(desk, f"{STATIONS}/nowhere/retire"), 404)
    assert_problem(put(desk, f"{STATIONS}/nowhere/members", {"members": []}), 404)


def test_a_change_is_audited_with_before_and_after(desk: Desk) -> None:
    patch(desk, "wireless", {"name": "无线网络中心", "time_limits": {"high": "PT6H"}})
    patch(desk, "wireless", {"name": "无线网络中心"})  # no change: no entry
    entries = [e for e in audit(desk, "station", "wireless") if e["action"] == "station.update"]
    assert len(entries) == 1
    summary = entries[0]["summary"]
    assert "name: 无线中心 → 无线网络中心" in summary
    assert "time_limits.high: PT8H → PT6H" in summary
    assert "urgent" not in summary
    assert entries[0]["actor"] == "admin"


# -- time limits and calendars against running deadlines --------------------------------------


def test_new_limits_count_from_the_next_dispatch(desk: Desk) -> None:
    # Monday 10:00, wireless (office hours), high: 8 business hours → Tuesday 09:00.
    running = desk.walk("in_progress", severity="high")
    assert _due(running) == _local("2026-11-24T09:00")
    patch(desk, "wireless", {"time_limits": {"high": "PT4H"}, "accept_within": "PT10M"})
    # The running deadline keeps the terms it was dispatched with …
    assert desk.get(running["id"])["due_at"] == running["due_at"]
    assert "ticket.deadlines_moved" not in desk.audit_actions(running["id"])
    # … and the next dispatch gets the new ones.
    fresh = desk.walk("dispatched", severity="high")
    assert _due(fresh) == _local("2026-11-23T10:10")  # accept within 10 minutes
    accepted = desk.do(fresh["id"], "accept", "wireless")
    assert _due(accepted) == _local("2026-11-23T14:00")


def test_a_station_moving_to_another_calendar_moves_its_running_deadlines(desk: Desk) -> None:
    running = desk.walk("in_progress", severity="high")
    elsewhere = desk.walk("in_progress", severity="high", via_other=True)
    assert _due(running) == _local("2026-11-24T09:00")
    field_ticket = desk.create(severity="high")
    desk.do(field_ticket["id"], "escalate", "agent")
    field_ticket = desk.do(field_ticket["id"], "dispatch", "expert", station="field")
    patch(desk, "wireless", {"calendar": "always"})
    # Eight working hours left at Monday 10:00, now counted around the clock.
    moved = desk.get(running["id"])
    assert _due(moved) == _local("2026-11-23T18:00")
    assert "ticket.deadlines_moved" in desk.audit_actions(running["id"])
    assert _due(desk.get(elsewhere["id"])) == _local("2026-11-23T18:00")
    # Another station's tickets stay.
    assert desk.get(field_ticket["id"])["due_at"] == field_ticket["due_at"]


# -- creating and retiring ---------------------------------------------------------------------


def test_admin_creates_a_station_that_receives_dispatches(desk: Desk) -> None:
    body = {**NEW_STATION, "time_limits": {"high": "PT2H"}}
    response = post(desk, STATIONS, body)
    assert response.status_code == 201, response.text
    station = response.json()
    assert station == listed(desk)["core"]
    assert station["accept_within"] == "PT30M"
    assert station["time_limits"] == {
        "urgent": "PT4H",
        "high": "PT2H",
        "normal": "PT24H",
        "low": "PT72H",
    }
    ticket = desk.walk("expert", severity="high")
    dispatched = desk.do(ticket["id"], "dispatch", "expert", station="core")
    assert dispatched["station"] == "core"
    assert _due(dispatched) == _local("2026-11-23T10:30")  # around the clock
    assert audit(desk, "station", "core")[0]["action"] == "station.create"


@pytest.mark.parametrize(
    ("override", "loc"),
    [
        ({"code": "Core Network"}, ["code"]),
        ({"code": "x"}, ["code"]),
        ({"department": "nowhere"}, ["department"]),
        ({"calendar": "nowhere"}, ["calendar"]),
        ({"calendar": None}, ["calendar"]),
        ({"name": None}, ["name"]),
        ({"time_limits": {"low": "forever"}}, ["time_limits", "low"]),
    ],
)
def test_a_bad_new_station_is_refused_naming_the_field(
    desk: Desk, override: dict[str, Any], loc: list[str]
) -> None:
    body = {k: v for k, v in {**NEW_STATION, **override}.items() if v is not None}
    assert loc in error_locs(post(desk, STATIONS, body))
    assert "core" not in listed(desk)


def test_a_taken_station_code_is_409(desk: Desk) -> None:
    assert_problem(post(desk, STATIONS, {**NEW_STATION, "code": "wireless"}), 409)
    assert listed(desk)["wireless"]["name"] == "无线中心"


def test_a_retired_station_keeps_its_history_and_refuses_dispatches(desk: Desk) -> None:
    running = desk.walk("in_progress")
    waiting = desk.walk("expert")
    response = post(desk, f"{STATIONS}/wireless/retire")
    assert response.status_code == 200, response.text
    assert response.json()["retired"] is True and response.json()["retired_at"]
    # Still listed, marked retired; the filter leaves it out or shows only it.
    assert listed(desk)["wireless"]["retired"] is True
    assert "wireless" not in listed(desk, retired="false")
    assert set(listed(desk, retired="true")) == {"wireless"}
    # No more dispatches to it: 422 naming the station.
    refused = desk.act(waiting["id"], "dispatch", "expert")
    assert ["station"] in error_locs(refused)
    assert "retired" in refused.json()["detail"]
    assert desk.get(waiting["id"])["status"] == "expert"
    # Its staff finish what they have; the history keeps the station.
    replied = desk.do(running["id"], "reply", "wireless")
    assert replied["station"] == "wireless"
    assert any(h["station"] == "wireless" for h in replied["history"])
    assert desk.list_ids(station="wireless", customer_id=running["customer_id"]) == [running["id"]]
    # Retiring twice is a 409; other stations still take dispatches.
    assert_problem(post(desk, f"{STATIONS}/wireless/retire"), 409)
    assert desk.do(waiting["id"], "dispatch", "expert", station="field")["station"] == "field"
    assert audit(desk, "station", "wireless")[-1]["action"] == "station.retire"


def test_retiring_a_station_clears_it_from_the_categories_that_suggested_it(desk: Desk) -> None:
    category = "/api/v1/taxonomy/categories/signal/indoor/weak"
    assert desk.client.get(category, headers=desk.headers("agent")).json()["station"] == "wireless"
    post(desk, f"{STATIONS}/wireless/retire")
    assert desk.client.get(category, headers=desk.headers("agent")).json()["station"] is None
    entry = audit(desk, "category", "signal/indoor/weak")[-1]
    assert entry["summary"] == "station: wireless → (none) (station retired)"
    # A retired station cannot be suggested again.
    refused = put(desk, f"{category}/station", {"station": "wireless"})
    assert ["station"] in error_locs(refused)


# -- the station a category suggests -----------------------------------------------------------


def test_admin_sets_the_station_a_category_suggests(desk: Desk) -> None:
    path = "/api/v1/taxonomy/categories/signal/indoor/weak/station"
    response = put(desk, path, {"station": "field"})
    assert response.status_code == 200, response.text
    assert response.json()["code"] == "signal/indoor/weak"
    assert response.json()["station"] == "field"
    entry = audit(desk, "category", "signal/indoor/weak")[-1]
    assert entry["summary"] == "station: wireless → field"
    assert put(desk, path, {"station": None}).json()["station"] is None
    assert ["station"] in error_locs(put(desk, path, {"station": "nowhere"}))
    assert_problem(put(desk, "/api/v1/taxonomy/categories/nothing/station", {"station": None}), 404)


# -- members -----------------------------------------------------------------------------------


def members(desk: Desk, code: str) -> list[str]:
    response = desk.client.get(f"{STATIONS}/{code}/members", headers=desk.headers("supervisor"))
    assert response.status_code == 200, response.text
    return list(response.json()["members"])


def me(desk: Desk, user: str) -> Any:
    return desk.client.get("/api/v1/me", headers=desk.headers(user)).json()["station"]


def test_admin_sets_the_members_of_a_station(desk: Desk) -> None:
    assert members(desk, "wireless") == ["wireless"]
    response = put(desk, f"{STATIONS}/wireless/members", {"members": ["wireless", "field"]})
    assert response.status_code == 200, response.text
    assert response.json() == {"station": "wireless", "members": ["field", "wireless"]}
    # The field user moved: they now work wireless tickets; field keeps only its head.
    assert me(desk, "field") == "wireless"
    assert members(desk, "field") == ["field_head"]
    ticket = desk.walk("dispatched")
    assert desk.do(ticket["id"], "accept", "field")["assignee"] == "field"
    entry = audit(desk, "station", "wireless")[-1]
    assert entry["summary"] == "members: wireless → field, wireless"
    # A user without the station role is bound and unbound.
    put(desk, f"{STATIONS}/vas/members", {"members": ["vas", "agent2"]})
    assert me(desk, "agent2") == "vas"
    put(desk, f"{STATIONS}/vas/members", {"members": ["vas"]})
    assert me(desk, "agent2") is None
    # Each user's move is on their own record too.
    users = desk.client.get("/api/v1/users", headers=desk.headers("admin")).json()
    ids = {u["username"]: u["id"] for u in users}
    moves = [e["summary"] for e in audit(desk, "user", ids["agent2"])]
    assert moves[-2:] == ["station: (none) → vas", "station: vas → (none)"]
    assert audit(desk, "user", ids["field"])[-1]["summary"] == "station: field → wireless"


def test_station_staff_cannot_be_left_without_a_station(desk: Desk) -> None:
    response = put(desk, f"{STATIONS}/wireless/members", {"members": []})
    body = assert_problem(response, 409)
    assert "wireless" in body["detail"] and "another station" in body["detail"]
    assert members(desk, "wireless") == ["wireless"]


def test_unknown_members_are_refused_naming_the_entry(desk: Desk) -> None:
    response = put(desk, f"{STATIONS}/wireless/members", {"members": ["wireless", "nobody"]})
    assert ["members", 1] in error_locs(response)
    assert ["members"] in error_locs(put(desk, f"{STATIONS}/wireless/members", {}))


def test_a_retired_station_takes_no_new_members(desk: Desk) -> None:
    put(desk, f"{STATIONS}/vas/members", {"members": ["vas", "agent2"]})
    post(desk, f"{STATIONS}/vas/retire")
    assert_problem(put(desk, f"{STATIONS}/vas/members", {"members": ["vas", "agent"]}), 409)
    # Moving people off it is still possible.
    assert put(desk, f"{STATIONS}/vas/members", {"members": ["vas"]}).status_code == 200
    assert members(desk, "vas") == ["vas"]


def test_users_cannot_be_created_at_a_retired_station(desk: Desk) -> None:
    post(desk, f"{STATIONS}/vas/retire")
    body = {
        "username": "vas2",
        "password": "a-long-password",
        "roles": ["station"],
        "station": "vas",
    }
    response = post(desk, "/api/v1/users", body)
    assert ["station"] in error_locs(response)
