"""Problem management over the API (CONTRACT §9): problems, linking at creation, resolve."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.problems.conftest import CELL, REGION, Desk
from tests.support.factories import CAUSE
from tests.support.problems import assert_problem

FIELDS = {"id", "number", "status", "source", "title", "category", "region", "cell_ids",
          "ticket_ids", "alarm_ids", "detected_at", "cause_code", "resolution"}  # fmt: skip


def test_a_manual_problem_is_listed_open_with_the_contract_fields(desk: Desk) -> None:
    made = desk.problem()
    assert set(made) >= FIELDS
    assert (made["status"], made["source"], made["cell_ids"]) == ("open", "manual", [CELL])
    listed = desk.get("/api/v1/problems?status=open", "agent")["items"]
    assert [p["id"] for p in listed] == [made["id"]]
    assert desk.get("/api/v1/problems?status=resolved")["items"] == []
    assert made["number"].startswith("PB20261123")


def test_a_new_ticket_in_the_area_joins_the_problem_is_told_and_skips_dispatch(
    desk: Desk, client: TestClient
) -> None:
    problem = desk.problem()
    ticket = desk.ticket()
    elsewhere = desk.ticket(region="别的县", cell_id="CELL-OTHER")
    other_kind = desk.ticket(category="activation/card/replace")
    found = desk.get(f"/api/v1/problems/{problem['id']}")
    assert found["ticket_ids"] == [ticket["id"]]
    assert elsewhere["id"] not in found["ticket_ids"]
    assert other_kind["id"] not in found["ticket_ids"]
    notices = desk.get("/api/v1/notifications?rule=known_problem")["items"]
    assert [n["text"] for n in notices if problem["number"] in n["text"]]
    assert len(notices) == 1
    dispatch = client.post(
        f"/api/v1/tickets/{ticket['id']}/dispatch",
        json={"station": "wireless", "note": "转无线"},
        headers=desk.headers("expert"),
    )
    assert_problem(dispatch, 409, detail_contains=problem["number"])


def test_resolving_replies_every_linked_open_ticket_and_tells_its_customer(
    desk: Desk, client: TestClient
) -> None:
    problem = desk.problem()
    tickets = [desk.ticket(), desk.ticket()]
    response = client.post(
        f"/api/v1/problems/{problem['id']}/resolve",
        json={"cause_code": CAUSE, "resolution": "更换基站电源模块，已恢复"},
        headers=desk.headers("supervisor"),
    )
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["cause_code"]) == ("resolved", CAUSE)
    for made in tickets:
        ticket = desk.get(f"/api/v1/tickets/{made['id']}")
        assert (ticket["status"], ticket["cause_code"]) == ("replied", CAUSE)
        assert "更换基站电源模块" in ticket["resolution"]
    told = desk.get("/api/v1/notifications?rule=problem_resolved")["items"]
    assert len(told) == 2
    callback = client.post(
        f"/api/v1/tickets/{tickets[0]['id']}/callback",
        json={"reached": True, "satisfaction": "satisfied", "score": 5},
        headers=desk.headers("callback"),
    )
    assert callback.json()["status"] == "closed", callback.text
    after = desk.ticket()
    assert after["id"] not in desk.get(f"/api/v1/problems/{problem['id']}")["ticket_ids"]


def test_linking_by_hand_holds_the_tickets_and_names_a_bad_id(
    desk: Desk, client: TestClient
) -> None:
    earlier = desk.ticket(region="别的县", cell_id=None)
    problem = desk.problem()
    path = f"/api/v1/problems/{problem['id']}/link"
    bad = client.post(path, json={"ticket_ids": [earlier["id"], "999999"]},
                      headers=desk.headers("expert"))  # fmt: skip
    assert_problem(bad, 422, field=["ticket_ids", 1])
    linked = client.post(path, json={"ticket_ids": [earlier["id"]]}, headers=desk.headers("expert"))
    assert linked.json()["ticket_ids"] == [earlier["id"]], linked.text
    again = client.post(path, json={"ticket_ids": [earlier["id"]]}, headers=desk.headers("expert"))
    assert again.json()["ticket_ids"] == [earlier["id"]]
    assert_problem(
        client.post(path, json={"ticket_ids": [earlier["id"]]}, headers=desk.headers("agent")), 403
    )


def test_the_workflow_moves_and_refuses_with_the_allowed_actions(
    desk: Desk, client: TestClient
) -> None:
    problem = desk.problem()
    base = f"/api/v1/problems/{problem['id']}"
    refused = client.post(f"{base}/close", json={}, headers=desk.headers("supervisor"))
    body = assert_problem(refused, 409)
    assert body["allowed"] == ["investigate", "known_error", "resolve"]
    for action, status in (("investigate", "investigating"), ("known_error", "known_error")):
        moved = client.post(
            f"{base}/{action}", json={"note": "排查"}, headers=desk.headers("expert")
        )
        assert moved.json()["status"] == status, moved.text
    detail = desk.get(base)
    assert [e["action"] for e in detail["timeline"]] == ["open", "investigate", "known_error"]


def test_bad_input_names_the_field(desk: Desk, client: TestClient) -> None:
    headers = desk.headers("supervisor")
    leaf = client.post("/api/v1/problems", json={"title": "x", "category": "signal/indoor/weak",
                                                 "region": REGION}, headers=headers)  # fmt: skip
    assert_problem(leaf, 422, field="category")
    nowhere = client.post("/api/v1/problems", json={"title": "x", "category": "signal"},
                          headers=headers)  # fmt: skip
    assert_problem(nowhere, 422, field="region")
    problem = desk.problem()
    cause = client.post(
        f"/api/v1/problems/{problem['id']}/resolve",
        json={"cause_code": "network", "resolution": "好了"},
        headers=headers,
    )
    assert_problem(cause, 422, field="cause_code")
    assert_problem(client.get("/api/v1/problems/424242", headers=headers), 404)


def test_who_may_read_and_open_problems(desk: Desk, client: TestClient) -> None:
    assert_problem(client.get("/api/v1/problems"), 401)
    assert_problem(client.get("/api/v1/problems", headers=desk.headers("editor")), 403)
    body = {"title": "x", "category": "signal", "region": REGION}
    assert_problem(client.post("/api/v1/problems", json=body, headers=desk.headers("agent")), 403)
    assert client.get("/api/v1/problems", headers=desk.headers("agent")).status_code == 200
