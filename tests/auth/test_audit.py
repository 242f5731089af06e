"""The audit log: what is written, by whom, with which request id; filters and paging."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from closeloop.kit.clock import FixedClock
from tests.support import Personas

AUDIT = "/api/v1/audit"
NEW_NUMBERS = ("13912340001", "13912340002", "13912340003", "13912340004")


def new_customer(
    client: TestClient, as_user: Personas, msisdn: str, username: str = "agent"
) -> dict[str, Any]:
    body = {"msisdn": msisdn, "name": "王小明", "region": "长沙市", "plan_code": "CITY39"}
    response = client.post("/api/v1/customers", json=body, headers=as_user.headers(username))
    assert response.status_code == 201, response.text
    return dict(response.json())


def audit(client: TestClient, as_user: Personas, **params: Any) -> dict[str, Any]:
    response = client.get(AUDIT, params=params, headers=as_user.headers("admin"))
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_audit_page_shape(client: TestClient, as_user: Personas) -> None:
    page = audit(client, as_user)

    assert set(page) == {"items", "next_cursor"}
    assert page["items"], "sign-ins alone write entries"
    entry = page["items"][0]
    for key in ("id", "at", "actor", "action", "entity_type", "entity_id", "request_id"):
        assert key in entry
    assert isinstance(entry["id"], str)
    assert datetime.fromisoformat(entry["at"]).utcoffset() is not None


def test_creating_a_customer_writes_an_entry(
    client: TestClient, as_user: Personas, clock: FixedClock
) -> None:
    customer = new_customer(client, as_user, NEW_NUMBERS[0])

    items = audit(client, as_user, entity_type="customer", entity_id=customer["id"])["items"]

    assert [e["action"] for e in items] == ["customer.create"]
    entry = items[0]
    assert entry["actor"] == "agent"
    assert entry["entity_id"] == customer["id"]
    assert datetime.fromisoformat(entry["at"]) == clock.now()
    assert "CITY39" in entry["summary"]


def test_a_refused_create_writes_no_entry(client: TestClient, as_user: Personas) -> None:
    customer = new_customer(client, as_user, NEW_NUMBERS[0])
    body = {"msisdn": NEW_NUMBERS[0], "name": "重复", "region": "长沙市", "plan_code": "CITY39"}

    duplicate = client.post("/api/v1/customers", json=body, headers=as_user.headers("agent2"))

    assert duplicate.status_code == 409
    items = audit(client, as_user, entity_type="customer", entity_id=customer["id"])["items"]
    assert [(e["action"], e["actor"]) for e in items] == [("customer.create", "agent")]
    by_agent2 = audit(client, as_user, actor="agent2", entity_type="customer", limit=500)["items"]
    assert [e for e in by_agent2 if e["action"] != "contact.create"] == []  # the demo's calls


def test_supervisor_reading_a_customer_unmasked_is_audited(
    client: TestClient, as_user: Personas
) -> None:
    customer = new_customer(client, as_user, NEW_NUMBERS[1])

    response = client.get(
        f"/api/v1/customers/{customer['id']}", headers=as_user.headers("supervisor")
    )

    assert response.status_code == 200
    assert response.json()["msisdn"] == NEW_NUMBERS[1]  # unmasked
    reads = audit(client, as_user, actor="supervisor", entity_type="customer")["items"]
    assert [(e["action"], e["entity_id"]) for e in reads] == [
        ("customer.read_personal", customer["id"])
    ]


def test_each_unmasked_read_is_a_separate_entry(client: TestClient, as_user: Personas) -> None:
    customer = new_customer(client, as_user, NEW_NUMBERS[1])
    for _ in range(3):
        client.get(f"/api/v1/customers/{customer['id']}", headers=as_user.headers("supervisor"))

    items = audit(client, as_user, entity_type="customer", entity_id=customer["id"])["items"]

    assert [e["action"] for e in items].count("customer.read_personal") == 3


def test_a_masked_read_is_not_audited(client: TestClient, as_user: Personas) -> None:
    customer = new_customer(client, as_user, NEW_NUMBERS[2])

    response = client.get(f"/api/v1/customers/{customer['id']}", headers=as_user.headers("agent"))

    assert response.status_code == 200
    assert response.json()["msisdn"] != NEW_NUMBERS[2]  # masked
    items = audit(client, as_user, entity_type="customer", entity_id=customer["id"])["items"]
    assert [e["action"] for e in items] == ["customer.create"]


def test_entries_carry_the_request_id_of_the_request(client: TestClient, as_user: Personas) -> None:
    customer = new_customer(client, as_user, NEW_NUMBERS[1])

    response = client.get(
        f"/api/v1/customers/{customer['id']}", headers=as_user.headers("supervisor")
    )

    request_id = response.headers["X-Request-ID"]
    assert request_id
    [entry] = audit(client, as_user, actor="supervisor", entity_type="customer")["items"]
    assert entry["request_id"] == request_id


def test_a_request_id_given_by_the_caller_is_kept(client: TestClient, as_user: Personas) -> None:
    customer = new_customer(client, as_user, NEW_NUMBERS[1])
    headers = {**as_user.headers("supervisor"), "X-Request-ID": "crm-trace-20261123-0001"}

    response = client.get(f"/api/v1/customers/{customer['id']}", headers=headers)

    assert response.headers["X-Request-ID"] == "crm-trace-20261123-0001"
    [entry] = audit(client, as_user, actor="supervisor", entity_type="customer")["items"]
    assert entry["request_id"] == "crm-trace-20261123-0001"


def test_every_request_gets_its_own_request_id(client: TestClient) -> None:
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_sign_in_and_logout_are_audited(client: TestClient, as_user: Personas) -> None:
    token = client.post(
        "/api/v1/auth/token", json={"username": "expert", "password": "closeloop-demo"}
    ).json()["access_token"]
    client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})

    # the demo's tickets hold older entries of the expert; the newest two are this session's
    items = audit(client, as_user, actor="expert")["items"][:2]

    assert [e["action"] for e in items] == ["token.revoke", "token.issue"]
    assert {e["entity_type"] for e in items} == {"token"}
    assert items[0]["entity_id"] == items[1]["entity_id"]


def test_filters_narrow_the_log(client: TestClient, as_user: Personas) -> None:
    first = new_customer(client, as_user, NEW_NUMBERS[0], "agent")
    second = new_customer(client, as_user, NEW_NUMBERS[1], "supervisor")

    by_actor = audit(client, as_user, actor="agent", limit=500)["items"]
    assert by_actor and {e["actor"] for e in by_actor} == {"agent"}
    assert first["id"] in {e["entity_id"] for e in by_actor if e["entity_type"] == "customer"}

    by_type = audit(client, as_user, entity_type="customer", limit=500)["items"]
    assert {e["entity_type"] for e in by_type} == {"customer"}
    assert {first["id"], second["id"]} <= {e["entity_id"] for e in by_type}

    one = audit(client, as_user, entity_type="customer", entity_id=second["id"])["items"]
    assert one and {e["entity_id"] for e in one} == {second["id"]}

    combined = audit(client, as_user, entity_type="customer", actor="supervisor")["items"]
    # the supervisor's create shows the new customer unmasked, which is audited too
    assert [(e["action"], e["entity_id"]) for e in combined] == [
        ("customer.read_personal", second["id"]),
        ("customer.create", second["id"]),
    ]

    assert audit(client, as_user, actor="no-such-person")["items"] == []


def test_newest_entries_come_first(
    client: TestClient, as_user: Personas, clock: FixedClock
) -> None:
    created = []
    for msisdn in NEW_NUMBERS[:3]:
        created.append(new_customer(client, as_user, msisdn)["id"])
        clock.advance(timedelta(minutes=5))

    found = audit(client, as_user, entity_type="customer", actor="agent", limit=500)["items"]
    items = [e for e in found if e["action"] == "customer.create"]  # not the demo's contacts

    assert [e["entity_id"] for e in items] == list(reversed(created))
    times = [datetime.fromisoformat(e["at"]) for e in items]
    assert times == sorted(times, reverse=True)
    assert times[0] - times[-1] == timedelta(minutes=10)


def test_cursor_paging_walks_the_whole_log_once(client: TestClient, as_user: Personas) -> None:
    for msisdn in NEW_NUMBERS:
        new_customer(client, as_user, msisdn)
    # the agent's customer entries: the demo's calls (contacts) add hundreds more
    everything = audit(client, as_user, actor="agent", entity_type="customer", limit=500)["items"]
    assert 4 <= len(everything) < 500  # four creates, and all of it on this one page

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"actor": "agent", "entity_type": "customer", "limit": 7}
        if cursor:
            params["cursor"] = cursor
        page = audit(client, as_user, **params)
        pages += 1
        assert len(page["items"]) <= 7
        seen.extend(e["id"] for e in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert len(page["items"]) == 7
        assert pages < 100

    assert seen == [e["id"] for e in everything]
    assert pages == (len(everything) + 6) // 7


def test_the_last_page_has_no_next_cursor(client: TestClient, as_user: Personas) -> None:
    page = audit(client, as_user, entity_type="user", limit=500)  # the demo users fit one page
    assert page["items"] and page["next_cursor"] is None
    first = audit(client, as_user, limit=1)
    assert first["next_cursor"] is not None


@pytest.mark.parametrize(
    "cursor",
    [
        "zzz",
        "not a cursor!",
        base64.urlsafe_b64encode(b'{"id":3}').decode(),
        base64.urlsafe_b64encode(b'["three"]').decode(),
        base64.urlsafe_b64encode(b"[1,2]").decode(),
    ],
)
def test_an_invalid_cursor_is_422_naming_cursor(
    client: TestClient, as_user: Personas, cursor: str
) -> None:
    response = client.get(AUDIT, params={"cursor": cursor}, headers=as_user.headers("admin"))

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert any("cursor" in error["loc"] for error in errors)
    assert all(error["msg"] for error in errors)


@pytest.mark.parametrize("limit", ["0", "501", "-1", "lots"])
def test_limit_out_of_range_is_422(client: TestClient, as_user: Personas, limit: str) -> None:
    response = client.get(AUDIT, params={"limit": limit}, headers=as_user.headers("admin"))

    assert response.status_code == 422
    assert any("limit" in error["loc"] for error in response.json()["errors"])
