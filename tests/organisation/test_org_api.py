"""Stations, their calendars and the category and cause taxonomies over HTTP."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import chinese_calendar
import pytest
from fastapi.testclient import TestClient

from tests.support import Personas

STATIONS = {
    "wireless": "无线中心",
    "netops": "网管监控中心",
    "billing": "计费账务中心",
    "vas": "增值业务部",
    "field": "装维中心",
}
TIME_LIMITS = {"urgent": "PT4H", "high": "PT8H", "normal": "PT24H", "low": "PT72H"}
TOP_CATEGORIES = {"signal", "activation", "sms", "ringback", "billing", "broadband", "service"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ALL_USERS = [
    "admin",
    "supervisor",
    "agent",
    "expert",
    "callback",
    "editor",
    "wireless",
    "field",
]


def get(
    client: TestClient, as_user: Personas, path: str, user: str = "agent", **params: Any
) -> Any:
    response = client.get(path, params=params, headers=as_user.headers(user))
    assert response.status_code == 200, response.text
    return response.json()


# --- stations -----------------------------------------------------------------------------


def test_the_five_stations_with_chinese_names(client: TestClient, as_user: Personas) -> None:
    stations = get(client, as_user, "/api/v1/stations")
    assert {s["code"]: s["name"] for s in stations} == STATIONS
    assert len(stations) == 5


def test_station_time_limits_are_iso_durations(client: TestClient, as_user: Personas) -> None:
    for station in get(client, as_user, "/api/v1/stations"):
        assert station["time_limits"] == TIME_LIMITS, station["code"]


@pytest.mark.parametrize("user", ALL_USERS)
def test_every_signed_in_role_reads_stations(
    client: TestClient, as_user: Personas, user: str
) -> None:
    assert len(get(client, as_user, "/api/v1/stations", user)) == 5


# --- categories ---------------------------------------------------------------------------


def check_tree(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every node well-formed, every parent present one level up; returns nodes by code."""
    by_code = {n["code"]: n for n in nodes}
    assert len(by_code) == len(nodes), "duplicate codes"
    for node in nodes:
        assert set(node) == {"code", "name", "parent", "level"}
        assert CHINESE.search(node["name"]), node
        if node["level"] == 1:
            assert node["parent"] is None, node
        else:
            parent = by_code.get(node["parent"])
            assert parent is not None, f"{node['code']}: parent {node['parent']} is missing"
            assert parent["level"] == node["level"] - 1, node
    return by_code


def test_categories_form_a_three_level_tree(client: TestClient, as_user: Personas) -> None:
    categories = get(client, as_user, "/api/v1/taxonomy/categories")
    check_tree(categories)
    assert {c["code"] for c in categories if c["level"] == 1} == TOP_CATEGORIES
    assert {c["level"] for c in categories} == {1, 2, 3}
    # Every branch reaches the third level, where tickets are classified.
    parents = {c["parent"] for c in categories}
    assert all(c["level"] == 3 for c in categories if c["code"] not in parents)
    for top in TOP_CATEGORIES:
        assert any(c["level"] == 3 and c["code"].startswith(top + "/") for c in categories)


def test_category_level_3_lists_only_leaves(client: TestClient, as_user: Personas) -> None:
    everything = get(client, as_user, "/api/v1/taxonomy/categories")
    leaves = get(client, as_user, "/api/v1/taxonomy/categories", level=3)
    parents = {c["parent"] for c in everything}
    assert leaves
    assert all(c["level"] == 3 for c in leaves)
    assert all(c["code"] not in parents for c in leaves)
    assert {c["code"] for c in leaves} == {c["code"] for c in everything if c["level"] == 3}


def test_category_level_1_is_the_top(client: TestClient, as_user: Personas) -> None:
    top = get(client, as_user, "/api/v1/taxonomy/categories", level=1)
    assert {c["code"] for c in top} == TOP_CATEGORIES
    assert all(c["parent"] is None for c in top)


@pytest.mark.parametrize("level", ["0", "4", "leaf"])
def test_category_level_out_of_range_is_422(
    client: TestClient, as_user: Personas, level: str
) -> None:
    response = client.get(
        "/api/v1/taxonomy/categories", params={"level": level}, headers=as_user.headers("agent")
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert any("level" in e["loc"] for e in response.json()["errors"])


def test_causes_form_a_tree(client: TestClient, as_user: Personas) -> None:
    causes = get(client, as_user, "/api/v1/taxonomy/causes", "wireless")
    by_code = check_tree(causes)
    assert {"network", "terminal", "billing"} <= {c["code"] for c in causes if c["level"] == 1}
    assert max(c["level"] for c in causes) == 3
    parents = {c["parent"] for c in causes}
    leaves = [c for c in causes if c["code"] not in parents]
    assert leaves and all(c["level"] == 3 for c in leaves)
    assert by_code["network"]["parent"] is None


# --- calendars ----------------------------------------------------------------------------


def test_netops_works_around_the_clock(client: TestClient, as_user: Personas) -> None:
    calendar = get(client, as_user, "/api/v1/stations/netops/calendar")
    assert calendar["always_open"] is True
    assert calendar["hours"] is None
    assert calendar["exceptions"] == []


def exceptions(calendar: dict[str, Any]) -> dict[str, bool]:
    return {e["date"]: e["workday"] for e in calendar["exceptions"]}


@pytest.mark.parametrize("station", ["wireless", "billing", "vas"])
def test_office_stations_follow_public_holidays(
    client: TestClient, as_user: Personas, station: str
) -> None:
    calendar = get(client, as_user, f"/api/v1/stations/{station}/calendar")
    assert calendar["always_open"] is False
    assert calendar["hours"] == {"start": "08:30", "end": "17:30"}
    assert calendar["timezone"] == "Asia/Shanghai"
    days = exceptions(calendar)
    assert days["2026-10-01"] is False  # National Day
    assert days["2026-01-01"] is False  # New Year's Day


def test_adjusted_working_days_are_workday_exceptions(
    client: TestClient, as_user: Personas
) -> None:
    # The State Council's 2026 schedule moves National Day working time onto weekends.
    adjusted = [date(2026, 9, 20), date(2026, 10, 10)]  # a Sunday and a Saturday
    assert all(d.weekday() >= 5 and chinese_calendar.is_workday(d) for d in adjusted)
    days = exceptions(get(client, as_user, "/api/v1/stations/wireless/calendar"))
    for day in adjusted:
        assert days.get(day.isoformat()) is True, day
    # Every weekend day the state makes a working day is a workday exception (调休上班).
    expected = {
        d.isoformat()
        for d in chinese_calendar.get_workdays(date(2026, 1, 1), date(2026, 12, 31))
        if d.weekday() >= 5
    }
    assert expected <= {d for d, workday in days.items() if workday}


def test_exceptions_are_in_date_order(client: TestClient, as_user: Personas) -> None:
    calendar = get(client, as_user, "/api/v1/stations/field/calendar")
    dates = [e["date"] for e in calendar["exceptions"]]
    assert dates == sorted(dates)
    assert len(dates) == len(set(dates))
    assert calendar["hours"] == {"start": "08:00", "end": "20:00"}


def test_unknown_station_calendar_is_404(client: TestClient, as_user: Personas) -> None:
    response = client.get("/api/v1/stations/nowhere/calendar", headers=as_user.headers("agent"))
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


# --- sign-in ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/stations",
        "/api/v1/stations/wireless/calendar",
        "/api/v1/taxonomy/categories",
        "/api/v1/taxonomy/causes",
        "/api/v1/departments",
    ],
)
def test_organisation_reads_need_sign_in(client: TestClient, path: str) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        response = client.get(path, headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")
