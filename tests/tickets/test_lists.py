"""Ticket lists (CONTRACT §4): filters, Chinese search, deadline order, cursors; the
customer's timeline."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.kit.pagination import encode_cursor
from tests.support import NOW
from tests.tickets.helpers import (
    CATEGORY,
    OTHER_CATEGORY,
    STATION,
    TICKETS,
    Desk,
    assert_problem,
)

FAR = datetime.max.replace(tzinfo=NOW.tzinfo)


@pytest.fixture
def desk(client: TestClient, database: Database, clock: FixedClock) -> Desk:
    return Desk(client, database, clock)


def ids(page: dict[str, Any]) -> list[str]:
    return [t["id"] for t in page["items"]]


def due_key(ticket: dict[str, Any]) -> tuple[datetime, int]:
    """The list order: soonest deadline first, tickets without one last, then by id."""
    due = datetime.fromisoformat(ticket["due_at"]) if ticket["due_at"] else FAR
    return due, int(ticket["id"])


def walk_pages(desk: Desk, user: str = "admin", **params: Any) -> list[dict[str, Any]]:
    """Every item over all pages, asserting each page respects the limit."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = desk.list(user, **query)
        assert len(page["items"]) <= int(params.get("limit", 50))
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return items
    raise AssertionError("paging does not end")


@pytest.fixture
def mix(desk: Desk) -> dict[str, dict[str, Any]]:
    """One customer's tickets in several statuses and with several deadlines."""
    customer_id = desk.customer_id()
    made = {
        "urgent": desk.create(customer_id=customer_id, severity="urgent"),  # due +4 h
        "low": desk.create(customer_id=customer_id, severity="low"),  # due +48 h
        "expert": desk.walk("expert", customer_id=customer_id, severity="normal"),
        "dispatched": desk.walk("dispatched", customer_id=customer_id),
        "pending": desk.walk("pending", customer_id=customer_id),
        "closed": desk.walk("closed", customer_id=customer_id),
        "cancelled": desk.walk("cancelled", customer_id=customer_id),
        "broadband": desk.create(
            customer_id=customer_id,
            category="broadband/fault/no_access",
            title="宽带无法上网",
            description="光猫红灯闪烁，电脑连不上网络。",
        ),
    }
    return {name: desk.get(t["id"]) for name, t in made.items()}


# filters -----------------------------------------------------------------------------------


def test_customer_filter(desk: Desk, mix: dict[str, dict[str, Any]]) -> None:
    customer_id = mix["urgent"]["customer_id"]
    listed = desk.list_ids(customer_id=customer_id)
    assert sorted(listed) == sorted(t["id"] for t in mix.values())
    assert desk.list_ids(customer_id=desk.customer_id()) == []
    response = desk.client.get(
        TICKETS, params={"customer_id": "abc"}, headers=desk.headers("admin")
    )
    assert_problem(response, 422)


@pytest.mark.parametrize(
    ("status", "names"),
    [
        ("new", {"urgent", "low", "broadband"}),
        ("expert", {"expert"}),
        ("dispatched", {"dispatched"}),
        ("pending", {"pending"}),
        ("closed", {"closed"}),
        ("cancelled", {"cancelled"}),
        ("in_progress", set()),
        ("new,expert", {"urgent", "low", "broadband", "expert"}),
        ("closed,cancelled,pending", {"closed", "cancelled", "pending"}),
    ],
)
def test_status_filter(
    desk: Desk, mix: dict[str, dict[str, Any]], status: str, names: set[str]
) -> None:
    customer_id = mix["urgent"]["customer_id"]
    page = desk.list(status=status, customer_id=customer_id, limit=500)
    assert set(ids(page)) == {mix[n]["id"] for n in names}
    everywhere = desk.list(status=status, limit=500)
    assert {t["status"] for t in everywhere["items"]} <= set(status.split(","))


@pytest.mark.parametrize("status", ["bogus", "new,bogus", "NEW", "open"])
def test_unknown_status_is_422(desk: Desk, status: str) -> None:
    response = desk.client.get(TICKETS, params={"status": status}, headers=desk.headers("admin"))
    body = assert_problem(response, 422)
    assert any("status" in map(str, e["loc"]) for e in body["errors"])


def test_station_filter(desk: Desk, mix: dict[str, dict[str, Any]]) -> None:
    at_wireless = desk.list(station=STATION, limit=500)
    assert {mix["dispatched"]["id"], mix["pending"]["id"]} <= set(ids(at_wireless))
    assert mix["closed"]["id"] in ids(at_wireless)  # closed where it was worked
    assert {t["station"] for t in at_wireless["items"]} == {STATION}
    assert mix["dispatched"]["id"] not in desk.list_ids(station="billing")
    assert desk.list_ids(station="nowhere") == []


def test_overdue_filter(desk: Desk, mix: dict[str, dict[str, Any]]) -> None:
    customer_id = mix["urgent"]["customer_id"]
    assert desk.list_ids(overdue="true", customer_id=customer_id) == []
    assert len(desk.list_ids(overdue="false", customer_id=customer_id)) == len(mix)

    desk.advance(timedelta(hours=5))  # past the urgent fault's 4 hours
    late = desk.list(overdue="true", customer_id=customer_id, limit=500)
    late_ids = set(ids(late))
    assert mix["urgent"]["id"] in late_ids
    assert all(t["overdue"] is True for t in late["items"])
    assert {mix["low"]["id"], mix["closed"]["id"], mix["cancelled"]["id"]}.isdisjoint(late_ids)
    on_time = desk.list(overdue="false", customer_id=customer_id, limit=500)
    assert late_ids.isdisjoint(ids(on_time))
    assert late_ids | set(ids(on_time)) == {t["id"] for t in mix.values()}
    assert all(t["overdue"] is False for t in on_time["items"])
    assert desk.get(mix["urgent"]["id"])["overdue"] is True
    assert desk.get(mix["low"]["id"])["overdue"] is False
    for item in desk.list(overdue="true", limit=500)["items"]:
        assert item["overdue"] is True

    bad = desk.client.get(TICKETS, params={"overdue": "maybe"}, headers=desk.headers("admin"))
    assert_problem(bad, 422)


@pytest.mark.parametrize(
    ("category", "names"),
    [
        ("signal", {"urgent", "low", "expert", "dispatched", "pending", "closed", "cancelled"}),
        (
            "signal/indoor",
            {"urgent", "low", "expert", "dispatched", "pending", "closed", "cancelled"},
        ),
        (CATEGORY, {"urgent", "low", "expert", "dispatched", "pending", "closed", "cancelled"}),
        ("broadband", {"broadband"}),
        ("broadband/fault/no_access", {"broadband"}),
        ("sig", set()),  # a prefix of a code, not of the path
        ("signal/ind", set()),
        (OTHER_CATEGORY, set()),
        ("billing", set()),
    ],
)
def test_category_prefix_filter(
    desk: Desk, mix: dict[str, dict[str, Any]], category: str, names: set[str]
) -> None:
    customer_id = mix["urgent"]["customer_id"]
    listed = desk.list_ids(category=category, customer_id=customer_id)
    assert set(listed) == {mix[n]["id"] for n in names}


def test_category_filter_everywhere(desk: Desk, mix: dict[str, dict[str, Any]]) -> None:
    for item in desk.list(category="signal", limit=500)["items"]:
        assert item["category"].startswith("signal/")


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("信号差", {"signal"}),
        ("手机信号", {"signal"}),
        ("信号", {"signal"}),
        ("宽带", {"broadband"}),
        ("光猫", {"broadband"}),  # in the description
        ("宽带无法上网", {"broadband"}),
        ("上网", {"broadband"}),
        ("手机 宽带", set()),  # every term must match
        ("话费", set()),
    ],
)
def test_chinese_text_search(desk: Desk, q: str, found: set[str]) -> None:
    customer_id = desk.customer_id()
    made = {
        "signal": desk.create(customer_id=customer_id, title="家里手机信号很差"),
        "broadband": desk.create(
            customer_id=customer_id,
            category="broadband/fault/no_access",
            title="宽带无法上网",
            description="光猫红灯闪烁，电脑连不上。",
        ),
    }
    listed = desk.list_ids(q=q, customer_id=customer_id)
    assert set(listed) == {made[name]["id"] for name in found}


def test_search_finds_the_ticket_among_all(desk: Desk) -> None:
    ticket = desk.create(title="家里手机信号很差")
    assert ticket["id"] in desk.list_ids(q="信号差")
    assert ticket["id"] in desk.list_ids(q="手机信号")
    assert ticket["id"] not in desk.list_ids(q="宽带")


def test_filters_combine(desk: Desk, mix: dict[str, dict[str, Any]]) -> None:
    customer_id = mix["urgent"]["customer_id"]
    listed = desk.list_ids(customer_id=customer_id, status="new", category="signal", q="信号")
    assert set(listed) == {mix["urgent"]["id"], mix["low"]["id"]}
    listed = desk.list_ids(customer_id=customer_id, severity="urgent")
    assert listed == [mix["urgent"]["id"]]


# order and paging -------------------------------------------------------------------------


def test_soonest_deadline_first_without_deadline_last(
    desk: Desk, mix: dict[str, dict[str, Any]]
) -> None:
    customer_id = mix["urgent"]["customer_id"]
    items = desk.list(customer_id=customer_id, limit=500)["items"]
    assert [t["id"] for t in items] == [t["id"] for t in sorted(items, key=due_key)]
    order = [t["id"] for t in items]
    assert order.index(mix["urgent"]["id"]) < order.index(mix["low"]["id"])
    without = [t for t in items if t["due_at"] is None]
    assert {t["id"] for t in without} == {
        mix["pending"]["id"],
        mix["closed"]["id"],
        mix["cancelled"]["id"],
    }
    assert items[-len(without) :] == without

    everything = walk_pages(desk, limit=500)
    assert [t["id"] for t in everything] == [t["id"] for t in sorted(everything, key=due_key)]


def test_cursor_paging_walks_every_ticket_once(desk: Desk, mix: dict[str, dict[str, Any]]) -> None:
    customer_id = mix["urgent"]["customer_id"]
    whole = desk.list(customer_id=customer_id, limit=500)
    assert whole["next_cursor"] is None
    paged = walk_pages(desk, customer_id=customer_id, limit=2)
    assert [t["id"] for t in paged] == ids(whole)
    assert len({t["id"] for t in paged}) == len(mix)

    first = desk.list(customer_id=customer_id, limit=2)
    assert len(first["items"]) == 2
    assert first["next_cursor"]

    everything = ids(desk.list(limit=500)) if not desk.list(limit=500)["next_cursor"] else None
    paged_all = [t["id"] for t in walk_pages(desk, limit=7)]
    assert len(paged_all) == len(set(paged_all))
    if everything is not None:
        assert paged_all == everything


def test_paging_is_stable_when_a_ticket_changes_between_pages(
    desk: Desk, mix: dict[str, dict[str, Any]]
) -> None:
    customer_id = mix["urgent"]["customer_id"]
    first = desk.list(customer_id=customer_id, limit=3)
    seen = ids(first)
    assert mix["low"]["id"] not in seen  # its deadline is two days away
    # Closing it takes its deadline away: it moves further back, and nothing seen comes again.
    desk.do(mix["low"]["id"], "resolve", "agent")
    rest = [
        t["id"]
        for t in walk_pages(desk, customer_id=customer_id, limit=3, cursor=first["next_cursor"])
    ]
    assert not set(seen) & set(rest)
    assert rest.count(mix["low"]["id"]) == 1
    assert sorted(seen + rest) == sorted(t["id"] for t in mix.values())


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        "%%%",
        encode_cursor(["not a time", 1]),
        encode_cursor([NOW.isoformat()]),
        encode_cursor([NOW.isoformat(), "x"]),
        base64.urlsafe_b64encode(json.dumps({"a": 1}).encode()).decode(),
    ],
)
def test_bad_cursor_is_422(desk: Desk, cursor: str) -> None:
    response = desk.client.get(TICKETS, params={"cursor": cursor}, headers=desk.headers("admin"))
    body = assert_problem(response, 422)
    assert any("cursor" in map(str, e["loc"]) for e in body["errors"])


@pytest.mark.parametrize("limit", ["0", "501", "-1", "many"])
def test_bad_limit_is_422(desk: Desk, limit: str) -> None:
    response = desk.client.get(TICKETS, params={"limit": limit}, headers=desk.headers("admin"))
    assert_problem(response, 422)


def test_default_and_maximum_limit(desk: Desk) -> None:
    assert desk.list().keys() >= {"items", "next_cursor"}
    assert len(desk.list()["items"]) <= 50
    assert (
        desk.client.get(TICKETS, params={"limit": 500}, headers=desk.headers("admin")).status_code
        == 200
    )


def test_list_items_have_the_ticket_shape(desk: Desk, mix: dict[str, dict[str, Any]]) -> None:
    customer_id = mix["urgent"]["customer_id"]
    for item in desk.list(customer_id=customer_id)["items"]:
        assert item == {**desk.get(item["id"]), "allowed_actions": item["allowed_actions"]}


# the customer's timeline ------------------------------------------------------------------


def test_timeline_shows_ticket_history_newest_first(desk: Desk) -> None:
    customer = desk.customer()
    ticket = desk.create(customer_id=str(customer.id))
    steps = [
        ("escalate", "agent"),
        ("dispatch", "expert"),
        ("accept", STATION),
        ("reply", STATION),
    ]
    for action, user in steps:
        desk.advance(timedelta(minutes=10))
        desk.do(ticket["id"], action, user)

    response = desk.client.get(
        f"/api/v1/customers/{customer.id}/timeline", headers=desk.headers("agent")
    )
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    stamps = [datetime.fromisoformat(i["at"]) for i in items]
    assert stamps == sorted(stamps, reverse=True)

    ticket_entries = [i for i in items if i["kind"] == "ticket"]
    assert [e["detail"]["action"] for e in ticket_entries] == [
        "reply",
        "accept",
        "dispatch",
        "escalate",
        "create",
    ]
    for entry in ticket_entries:
        assert entry["detail"]["ticket_id"] == ticket["id"]
        assert entry["detail"]["number"] == ticket["number"]
    assert ticket_entries[0]["detail"]["to_status"] == "replied"
    assert ticket_entries[-1]["detail"]["from_status"] is None
    assert datetime.fromisoformat(ticket_entries[0]["at"]) == NOW + timedelta(minutes=40)
    # The progress notices sent to the customer are on the timeline too.
    assert any(i["kind"] == "notification" for i in items)


def test_timeline_keeps_customers_apart(desk: Desk) -> None:
    mine, theirs = desk.customer(), desk.customer()
    desk.create(customer_id=str(theirs.id))
    response = desk.client.get(
        f"/api/v1/customers/{mine.id}/timeline", headers=desk.headers("agent")
    )
    assert [i for i in response.json()["items"] if i["kind"] == "ticket"] == []
